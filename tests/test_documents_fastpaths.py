"""The loader's and lint's fast formulations give exactly what their plain formulations give.

Each hot helper was rewritten for speed (fewer regex passes, no whole-text copies, validity proven
instead of compiled). These properties pin each one to the straightforward version it replaced.
"""

from __future__ import annotations

import re
import textwrap
from os.path import commonprefix

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.documents.markdown import Body
from planner.documents.verification import human_items_from_body
from planner.documents.verifyblock import dedent
from planner.lint.base import frontmatter_key_lines
from planner.lint.musthaves import simple_regex

_INDENT_RE = re.compile(r"\n([ \t]*)(?=[^\s])")
_BLANK_WS_RE = re.compile(r"\n[ \t]+(?=\n)")
_TOP_KEY_RE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")


def plain_dedent(text: str) -> str:
    """The formulation dedent replaced: list every indent, strip the common one."""
    if "\n " not in text and "\n\t" not in text and text[:1] not in (" ", "\t"):
        if " \n" not in text and "\t\n" not in text:
            return text
        return _BLANK_WS_RE.sub("\n", "\n" + text + "\n")[1:-1]
    padded = "\n" + text + "\n"
    indents = _INDENT_RE.findall(padded)
    if "\t" in text:
        margin = commonprefix(indents)  # noqa: RUF071 - the common whitespace prefix is meant
    else:
        margin = " " * min(map(len, indents)) if indents else ""
    if margin:
        padded = padded.replace("\n" + margin, "\n")
    if " \n" in padded or "\t\n" in padded:
        padded = _BLANK_WS_RE.sub("\n", padded)
    return padded[1:-1]


def plain_key_lines(text: str) -> dict[str, int]:
    """The formulation frontmatter_key_lines replaced: split the whole text."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    found: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            break
        m = _TOP_KEY_RE.match(line)
        if m and m.group(1) not in found:
            found[m.group(1)] = number
    return found


_INDENTED = st.lists(
    st.sampled_from([" ", "  ", "    ", "\t", "\n", "a", "b c", " \n", "\xa0", "\x0b", " " * 40]),
    max_size=16,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_INDENTED)
def test_dedent_equals_the_plain_formulation(text: str) -> None:
    assert dedent(text) == plain_dedent(text)


def test_dedent_examples() -> None:
    assert dedent("\n    a\n      b\n    \n") == "\na\n  b\n\n"  # closing-tag indent emptied
    assert dedent("\n  a\n\t b\n") == "\n  a\n\t b\n"  # no common prefix
    assert dedent("a\n   \nb") == "a\n\nb"
    assert dedent(" " * 40 + "x\n" + " " * 41 + "y") == "x\n y"  # wider than the pattern cache
    assert dedent("\n    a\n    b") == textwrap.dedent("\n    a\n    b")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n", max_size=30), st.data())
def test_body_line_counts_newlines_in_any_query_order(text: str, data: st.DataObject) -> None:
    body = Body.of(text, 7)
    offsets = data.draw(st.permutations(range(len(text) + 2)))
    for offset in offsets:
        assert body.line(offset) == 7 + text.count("\n", 0, offset)


_FRONTMATTER = st.lists(
    st.sampled_from(
        ["---", "...", "\n", "\r\n", "\x0b", "\u2028", "a: 1", "b:", " c: 2", "\ufeff"]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_FRONTMATTER, st.sampled_from([2, 5, 8192]))
def test_key_lines_read_only_the_head_yet_equal_the_full_split(text: str, head: int) -> None:
    import planner.lint.base as base

    saved = base._HEAD_CHARS
    base._HEAD_CHARS = head  # small heads exercise the growing split
    try:
        assert frontmatter_key_lines(text) == plain_key_lines(text)
    finally:
        base._HEAD_CHARS = saved


_REGEX_BITS = st.sampled_from(
    [
        *"ab.*+?()|\\ ^$[]{}",
        *["\\s", "\\d", "\\W", "\\.", "\\(", "\\\\", "\\_", "\\n", "\\é", "(?", "é", "\x00"],
        *["\\1", "\\b", "*?", "+?", "((", "))", "-", "'", "#"],
    ]
)


@settings(max_examples=800, deadline=None)
@given(st.lists(_REGEX_BITS, max_size=12).map("".join))
def test_a_pattern_simple_regex_accepts_compiles_in_re_and_regex(pattern: str) -> None:
    if simple_regex(pattern):
        re.compile(pattern, re.MULTILINE)
        regex.compile(pattern, regex.MULTILINE)


def test_simple_regex_examples() -> None:
    for valid in ["def \\w+\\(", "import.*from", "(a|b)+?c", "Base\\.metadata", "x\\ y", ""]:
        assert simple_regex(valid), valid
    for unproven in ["min(.*statusIndex", "a**", "*a", "(?i)x", "[a-z]", "a{2}", "^x", "x\\"]:
        assert not simple_regex(unproven), unproven
    assert simple_regex("(" * 20 + "a" + ")" * 20)
    assert not simple_regex("(" * 21 + "a" + ")" * 21)


def test_human_section_is_found_whatever_the_case() -> None:
    body = "## HUMAN Verification Required\n\n### 1. Login\n**Test:** log in\n"
    assert [item.test for item in human_items_from_body(body, 10)] == ["log in"]
    assert human_items_from_body("## Human verİfication\n### 1. X\n**Test:** t\n", 1) == []
