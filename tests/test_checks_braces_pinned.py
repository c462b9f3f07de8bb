"""parse_braces (and planner.checks.bracescan) give the answers they gave before being made cheaper.

tests/braces_samples/expected.json was written by the implementation before the rework (main at
4b04bee: a tokenizer pass with a Python step per token, `regex` patterns) over the sample files
beside it: all six languages, comments and strings holding braces, unbalanced braces, a
string-heavy file and non-ASCII identifiers (a combining mark that only `regex`'s \\w takes).
The properties below hold the new pieces equal to the plain algorithms they replace.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks.bracescan import Braces, at_lines, header_end
from planner.checks.decls import language_of
from planner.checks.filecache import SourceFile
from planner.checks.lang_braces import parse_braces
from planner.checks.lang_specs import SPECS

SAMPLES = Path(__file__).parent / "braces_samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_samples_parse_as_before(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    lang = language_of(name)
    assert lang is not None
    found = parse_braces(
        SourceFile(rel=name, text=data.decode("utf-8", "replace"), size=len(data)), lang
    )
    assert [list(s) for s in found.symbols] == EXPECTED[name]["symbols"]
    assert found.exports == EXPECTED[name]["exports"]


def test_samples_cover_every_language_and_path() -> None:
    langs = {language_of(name) for name in EXPECTED}
    assert langs == {"js", "go", "rust", "kotlin", "swift", "dart"}
    texts = {name: (SAMPLES / name).read_text() for name in EXPECTED}
    assert not texts["sample_s9.ts"].isascii()  # the `regex` fallback
    assert "s\u0301tub" in EXPECTED["sample_s9.ts"]["exports"]  # \w as `regex` reads it
    unbalanced = [
        n for n, t in texts.items() if Braces(t, SPECS[language_of(n) or ""].skip).match is not None
    ]
    assert unbalanced  # a `}` that closes nothing: the brace-by-brace scan


# -- the old algorithm, as a reference -------------------------------------------------------


class _Reference:
    """The brace scan before the rework: one tokenizer pass, a Python step per token."""

    def __init__(self, text: str, lang: str) -> None:
        tokens = re.compile(SPECS[lang].skip.pattern.pattern + r"|([{}();])")
        self.offsets: list[int] = []
        self.chars: list[str] = []
        for match in tokens.finditer(text):
            if match.group(1):
                self.offsets.append(match.start())
                self.chars.append(match.group(1))
        self.match: dict[int, int] = {}
        self.brace_offsets: list[int] = []
        self.depth_after = [0]
        stack: list[int] = []
        for offset, char in zip(self.offsets, self.chars, strict=True):
            if char == "{":
                stack.append(offset)
            elif char == "}":
                if not stack:
                    continue
                self.match[stack.pop()] = offset
            else:
                continue
            self.brace_offsets.append(offset)
            self.depth_after.append(len(stack))
        self.text_end = len(text)

    def depth_at(self, offset: int) -> int:
        return self.depth_after[bisect.bisect_left(self.brace_offsets, offset)]

    def close_of(self, open_offset: int) -> int:
        return self.match.get(open_offset, self.text_end - 1)

    def header_end(self, text: str, start: int, limit: int) -> tuple[int, int | None]:
        offsets, chars = self.offsets, self.chars
        j = bisect.bisect_left(offsets, start)
        depth = 0
        newline = text.find("\n", start)
        while True:
            offset = offsets[j] if j < len(offsets) else len(text)
            while depth == 0 and newline != -1 and newline < min(offset, limit):
                line_start = text.rfind("\n", 0, newline) + 1
                tail = text[line_start:newline].rstrip()
                if tail and tail[-1] not in "=,(:|&+-.?[<" and not tail.endswith(("=>", "->")):
                    return newline - 1, None
                newline = text.find("\n", newline + 1)
            if j >= len(offsets) or offset >= limit:
                return min(offset, limit) - 1, None
            char = chars[j]
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(depth - 1, 0)
                if depth == 0:
                    newline = text.find("\n", offset)
            elif depth == 0:
                if char == "{":
                    return self.close_of(offset), offset
                return offset, None
            j += 1


# fmt: off
_SOUP = st.lists(
    st.sampled_from(
        ["{", "}", "(", ")", ";", "\n", " ", "x", "=", ",", "=>", '"', "'", "`", "/", "//", "/*",
         "*/", '"""', "\\", "é", "a{b}", "f(x)", "'}'", '"{"', "`${a}`"]
    ),
    max_size=60,
).map("".join)
# fmt: on


@given(_SOUP, st.sampled_from(sorted({"js", "go", "rust", "kotlin", "swift", "dart"})))
@settings(max_examples=300, deadline=None)
def test_brace_structure_equals_the_token_scan(text: str, lang: str) -> None:
    new, old = Braces(text, SPECS[lang].skip), _Reference(text, lang)
    for offset in range(len(text) + 1):
        assert new.depth_at(offset) == old.depth_at(offset), offset
    for offset, char in zip(old.offsets, old.chars, strict=True):
        if char == "{":
            assert new.close_of(offset) == old.close_of(offset), offset
    for start in range(0, len(text) + 1, 3):
        for limit in (len(text), min(len(text), start + 7)):
            assert header_end(text, new, start, limit) == old.header_end(text, start, limit)


# fmt: off
_LINES = st.lists(
    st.sampled_from(
        ["export ", "export default ", "function ", "func ", "const ", "type ", "var ", "let ",
         "class ", "exports.", "module.", "module.exports = {a, b}", "#[macro_export]\n",
         "macro_rules! m", "{", "}", "(", ")", "= ", "* as ns", "x", "y1", "\n", "\n", "  ", "\t"]
    ),
    max_size=40,
).map("".join)
# fmt: on


@given(_LINES)
@settings(max_examples=300, deadline=None)
def test_patterns_tried_at_their_lines_find_what_finditer_finds(text: str) -> None:
    from planner.checks import lang_braces

    cases = [
        (SPECS[lang].decls[i], heads)
        for lang in ("js", "go", "rust")
        for i, heads in enumerate(SPECS[lang].heads)
        if heads
    ]
    cases += [
        (lang_braces._JS_EXPORT_LIST, ("export",)),
        (lang_braces._JS_EXPORT_DEFAULT, ("export",)),
        (lang_braces._JS_EXPORT_STAR, ("export",)),
        (lang_braces._JS_CJS, ("exports.", "module.")),
        (lang_braces._GO_GROUP, ("var", "const", "type")),
    ]
    for pattern, heads in cases:
        expected = [(*m.span(), m.groups()) for m in pattern.finditer(text)]
        assert [(*m.span(), m.groups()) for m in at_lines(pattern, text, heads)] == expected
