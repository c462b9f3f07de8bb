"""edit.py's hand-written line matchers do exactly what the regexes they replace did.

The regexes are kept here as the reference. Lines never hold a \\n (edit.py splits on it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.documents import edit

TOP_KEY_RE = re.compile(
    r"""^(?P<key>[^\s#'"\-?:,\[\]{}&*!|>%@`][^:#]*?|"[^"]*"|'[^']*')[ \t]*:(?=[ \t]|$)"""
)
SEQ_ITEM_RE = re.compile(r"^-(?:[ \t]|$)")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
MARKER_RE = re.compile(r"^[ \t]*<!--[ \t]*gsd:(begin|end)[ \t]+([\w.\-]+)[ \t]*-->[ \t]*$")


def _lines(alphabet: str, pieces: list[str]) -> st.SearchStrategy[str]:
    chars = st.text(alphabet=alphabet, max_size=6)
    return st.lists(st.one_of(st.sampled_from(pieces), chars), max_size=8).map("".join)


KEY_LINES = _lines(
    "ab_-:# \t\"'?é\u00a0\u2003\r[{", ["key", "commits", ": ", ":", " :", '"k"', "'k'", "#", "a b"]
)
_SPACE = st.sampled_from(["", " ", "\t", "  ", " \t", "\u00a0", "\r"])
# A marker's parts, each sometimes wrong: most lines come out near-misses, many match.
MARKER_LINES = st.tuples(
    _SPACE,
    st.sampled_from(["<!--"] * 6 + ["<!-", "<!---"]),
    _SPACE,
    st.sampled_from(["gsd:"] * 6 + ["gsd", "GSD:"]),
    st.sampled_from(["begin", "end"] * 3 + ["ending", "beginx", ""]),
    st.sampled_from([" ", "\t", "  ", " \t", "", "\u00a0"]),
    st.one_of(
        st.sampled_from(["commits", "a-b", "x.y_z", "é²", "a-", "-"]),
        st.text(alphabet="commits-._éx²> ", max_size=8),
    ),
    _SPACE,
    st.sampled_from(["-->"] * 6 + ["--->", "->", "-- >"]),
    _SPACE,
).map("".join)
FENCE_LINES = _lines(" `~a", ["```", "~~~", "    ", "``", "~~~~"])


def check_line(line: str) -> None:
    m = TOP_KEY_RE.match(line)
    assert edit._top_key(line) == (m.group("key") if m else None), line
    assert edit._is_seq_item(line) == bool(SEQ_ITEM_RE.match(line)), line
    m = FENCE_RE.match(line)
    assert edit._fence(line) == (m.group(1) if m else None), line
    m = MARKER_RE.match(line)
    assert edit._marker(line) == ((m.group(1), m.group(2)) if m else None), line


@settings(max_examples=2000, deadline=None)
@given(st.one_of(KEY_LINES, MARKER_LINES, FENCE_LINES))
@example("commits: []")
@example('"quoted key" : x')
@example("a:b: c")
@example("key \u00a0 : x")
@example("<!-- gsd:end commits--->")
@example("  <!--gsd:begin\tx.y-z -->\t")
@example("<!-- gsd:beginx y -->")
@example("   ````")
@example("    ```")
def test_matchers_equal_the_regexes(line: str) -> None:
    check_line(line)


@pytest.mark.slow
def test_matchers_on_every_corpus_and_seed_line(corpus_dir: Path, seeds_dir: Path) -> None:
    seen = 0
    for path in [*corpus_dir.rglob("*.md"), *seeds_dir.glob("*.txt")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        for raw in text.split("\n"):
            check_line(raw.removesuffix("\r"))
            seen += 1
    assert seen > 100_000
