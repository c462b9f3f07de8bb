"""The fast paths of the checks give the same answers as the slow ones they replace."""

from __future__ import annotations

import re
from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks.engine import CheckContext
from planner.checks.filecache import LineIndex
from planner.checks.keylinks import check_link
from planner.checks.markers import _MARKER, _may_have_markers
from planner.checks.regexes import Literal, RegexRunner, literal_of
from planner.checks.twins import Twin
from planner.documents.models import KeyLink
from planner.results import LinkResult, LinkStatus


def test_literal_of_plain_text_and_escaped_punctuation() -> None:
    assert literal_of(r"from src\.py03 import mod_00386") == "from src.py03 import mod_00386"
    assert literal_of(r"import \{ helper2902 \}") == "import { helper2902 }"
    assert literal_of(r"process_922\(") == "process_922("
    assert literal_of("a#b c") == "a#b c"


def test_literal_of_refuses_any_regex_syntax() -> None:
    for pattern in (r"fmt\.Println\(.*addr\)", r"a\d", r"\bword", r"a\n", "x{2}", "^def", "a|b"):
        assert literal_of(pattern) is None, pattern
    assert literal_of("") is None
    assert literal_of("trailing\\") is None


def test_literal_patterns_find_what_regex_finds() -> None:
    runner = RegexRunner()
    text = "x = 1\nfrom src.py03 import mod_00386\nfrom src.py03 import mod_00386\n"
    compiled = runner.compile(r"from src\.py03 import mod_00386")
    assert compiled == Literal("from src.py03 import mod_00386")
    reference = regex.compile(r"from src\.py03 import mod_00386", regex.MULTILINE)
    for pos, endpos in ((0, None), (7, None), (7, 30), (0, 37), (40, None)):
        hit = runner.search(compiled, text, pos, endpos)
        match = reference.search(text, pos, len(text) if endpos is None else endpos)
        expected = None if match is None else (match.start(), match.end())
        assert (None if hit is None else (hit.start, hit.end)) == expected, (pos, endpos)


def test_trusted_patterns_use_re_and_are_cached_apart() -> None:
    runner = RegexRunner()
    trusted = runner.compile(r"(?<![\w$])run(?![\w$])", trusted=True)
    plain = runner.compile(r"(?<![\w$])run(?![\w$])")
    assert isinstance(trusted, re.Pattern)
    assert isinstance(plain, Twin) and plain.unicode_sensitive  # \w: re on ASCII text only
    assert runner.compiles == 2
    hit = runner.search(trusted, "x.run()\nrunner\n")
    assert hit is not None and (hit.start, hit.end) == (2, 5)


_FRAGMENTS = st.sampled_from(
    [
        "TODO",
        "todo!(",
        "unimplemented!()",
        "FIXME",
        "TBD",
        "XXX",
        "NotImplementedError",
        "throw new Error('Not Implemented')",
        'throw new TypeError("not yet  implemented")',
        "return None  # PlaceHolder",
        "return 0; // stub",
        "return x // Dummy value",
        "return 1  # \u017ftub",
        "return",
        "#",
        "//",
        " ",
        "\n",
        "x",
        "E",
        "T",
        "D",
        "!",
        "implemented",
        "stub",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=12))
def test_marker_prefilter_never_hides_a_marker(parts: list[str]) -> None:
    text = "".join(parts)
    if _MARKER.search(text) is not None:
        assert _may_have_markers(text), text


def test_marker_prefilter_rejects_clean_code() -> None:
    text = "export function f(x: number): number {\n  return x * 2; // doubled\n}\n" * 1000
    assert not _may_have_markers(text)
    assert _may_have_markers(text + "// TODO: tidy\n")
    assert _may_have_markers(text + "  return 0; // STUB for now\n")


def test_line_of_in_any_order_matches_counting() -> None:
    text = "".join(f"line {i}\n" for i in range(200))
    index = LineIndex(text)
    offsets = [5, 50, 51, 700, 30, 1200, 1199, 0, len(text), *range(0, len(text), 97)]
    for offset in offsets:
        assert index.line_of(offset) == text.count("\n", 0, offset) + 1, offset


def test_line_of_counts_back_from_a_known_total() -> None:
    text = "".join(f"line {i}\n" for i in range(300)) + "tail without newline"
    index = LineIndex(text)
    assert index.newlines() == 300
    for offset in (len(text), len(text) - 3, 10, len(text) - 40, 2000, 5, len(text) - 1):
        assert index.line_of(offset) == text.count("\n", 0, offset) + 1, offset


def _no_pattern_link(root: Path, source: str) -> tuple[LinkResult, int]:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "app.ts").write_text(source)
    (root / "src" / "unused.ts").write_text("export const x = 1;\n")
    ctx = CheckContext.create(root)
    link = KeyLink.model_validate({"from": "src/app.ts", "to": "src/unused.ts"})
    result, _ = check_link(link, ctx, "p.md", [])
    return result, ctx.regexes.compiles


def test_reference_pattern_skipped_when_no_word_can_match(tmp_path: Path) -> None:
    result, compiles = _no_pattern_link(tmp_path / "a", "import { api } from './api';\n")
    assert result.status is LinkStatus.NOT_WIRED
    assert result.reason == (
        "src/app.ts does not reference src/unused.ts (no import or mention of 'unused' or 'unused.ts')"
    )
    assert compiles == 0
    # The word occurs but not as a reference: the pattern runs, with the same verdict and reason.
    same, compiles = _no_pattern_link(tmp_path / "b", "const unusedCount = 0;\n")
    assert (same.status, same.reason) == (result.status, result.reason)
    assert compiles == 1
    wired, _ = _no_pattern_link(tmp_path / "c", "import { x } from './unused';\n")
    assert wired.status is LinkStatus.WIRED
