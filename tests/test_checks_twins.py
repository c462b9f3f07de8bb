"""`re` twins of `regex` patterns: taken only where `re` gives `regex`'s answers."""

from __future__ import annotations

import importlib
import re

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks.twins import ENGINE_PATTERNS, EnginePattern, re_twin

M = re.MULTILINE


@pytest.mark.parametrize(
    "pattern",
    [
        r"[[:alpha:]]+",  # a POSIX class to regex, a "possible nested set" warning from re
        r"[a&&b]",  # set operation warning
        r"\p{L}+",  # re: bad escape
        r"(?V1)a",
        r"(?<=a|bc)x",  # variable-width look-behind
        r"(?:foo){e<=1}",  # fuzzy: re would read the braces literally
        r"foo{e}",
        r"a{1<=e<=2}",
        r"\N{EM DASH}",  # the engines' name tables differ in version
        r"a(?#c)b",
        r"(?x) a b",  # verbose mode
        r"x(?x: a )",
        r"a\B",  # re never matches \B in an empty text, regex does
        r"[^\s\S]",  # nothing to re, every character to regex
        "(?i)\u212a",  # the Kelvin sign folds to k in regex only
        r"(?i)[à-ÿ]",
        r"(?u)\w",  # re.ASCII and (?u) cannot be combined
        r"(unclosed",
        r"a**",
    ],
)
def test_refused_patterns_stay_with_regex(pattern: str) -> None:
    assert re_twin(pattern, M) is None


@pytest.mark.parametrize(
    ("pattern", "sensitive"),
    [
        (r"fmt\.Println\(.*addr\)", False),
        (r"END_OF_BIG_5000$", False),
        (r"^export\s", True),
        (r"\bfoo\b", True),
        (r"[\s\S]*?x", False),  # every character in both engines
        (r"(?i)todo", True),
        (r"a{2,3}b{,2}c{1,}d{}", False),  # quantifiers, and `{}` literal in both
        (r"(?<!\w)x++(?>y)", True),
        (r"é+", False),  # non-ASCII literals compare as code points in both
    ],
)
def test_accepted_patterns_and_their_sensitivity(pattern: str, sensitive: bool) -> None:
    twin = re_twin(pattern, M)
    assert twin is not None and twin.unicode_sensitive is sensitive


def test_literal_runs_are_kept_for_str_find() -> None:
    twin = re_twin(r"^fmt\.Println\(.*addr\)", M)
    assert twin is not None and (twin.prefix, twin.required) == ("fmt.Println(", ("addr)",))
    folded = re_twin(r"(?i)abc", M)
    assert folded is not None and (folded.prefix, folded.required) == ("", ())


def test_on_ascii_text_re_ascii_and_regex_agree_on_every_class_and_fold() -> None:
    chars = [chr(i) for i in range(128)]
    for cls in (r"\w", r"\W", r"\s", r"\S", r"\d", r"\D", r"[^\w\s]", r"\b"):
        ours = re.compile(cls, re.ASCII)
        theirs = regex.compile(cls)
        for a in chars:
            for b in ("", "a", " "):
                assert bool(ours.search(a + b)) == bool(theirs.search(a + b)), (cls, a, b)
    for a in chars:
        for b in chars:
            same = re.fullmatch(re.escape(a), b, re.I | re.ASCII) is not None
            assert same == (regex.fullmatch(regex.escape(a), b, regex.I) is not None), (a, b)


def test_beyond_ascii_the_engines_differ_which_is_why_sensitive_patterns_wait() -> None:
    assert re.fullmatch(r"\w", "\u0301") is None and regex.fullmatch(r"\w", "\u0301")
    assert re.fullmatch(r"\w", "²") and regex.fullmatch(r"\w", "²") is None
    assert re.fullmatch(r"\s", "\x1c") and regex.fullmatch(r"\s", "\x1c") is None


# -- generated patterns: where re_twin says yes, re finds what regex finds ----------------------

# fmt: off
_ATOMS = [
    "a", "b", "K", "k", "s", "é", "\u212a", "\u017f", "\u0130", "_", "1", "²", " ", "\\n", ".",
    "\\.", "\\w", "\\W", "\\s", "\\S", "\\d", "\\D", "\\b", "\\B", "^", "$", "\\A", "\\Z", "[a-z]",
    "[^a-z]", "[\\w-]", "[^\\s\\S]", "[\\s\\S]", "[^\\W\\d]", "[\\x00-\\x7f]", "\\x1c", "\\{", "{",
    "}", "{e}", "{1,2}", "{,2}", "{}", "{e<=1}", "[[:alpha:]]", "\\p{L}", "\\1", "\\x41", "#",
]
_GROUPS = ["(?:", "(", "(?=", "(?!", "(?<=", "(?<!", "(?>", "(?i:", "(?-i:", "(?s:", "(?x:"]
_QUANTIFIERS = ["", "", "*", "+", "?", "*?", "+?", "++", "{2}", "{1,3}", "{,2}?"]
_TEXT = ["a", "b", "A", "k", "K", "s", "S", "é", "\u212a", "\u017f", "ß", "\u0130", "i", "_", "1",
         "²", " ", "\n", "\x1c", ".", "{", "}", "e", "<", "=", "x", "\u0301"]
# fmt: on


@st.composite
def _patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
            inner = draw(_patterns(depth + 1))
            if draw(st.booleans()):
                inner += "|" + draw(_patterns(depth + 1))
            part = draw(st.sampled_from(_GROUPS)) + inner + ")"
        else:
            part = draw(st.sampled_from(_ATOMS))
        parts.append(part + draw(st.sampled_from(_QUANTIFIERS)))
    return ("(?i)" if draw(st.integers(0, 9)) == 0 else "") + "".join(parts)


@given(_patterns(), st.lists(st.text(st.sampled_from(_TEXT), max_size=12), min_size=1, max_size=6))
@settings(max_examples=400, deadline=None)
def test_a_twin_finds_what_regex_finds(pattern: str, texts: list[str]) -> None:
    twin = re_twin(pattern, M)
    if twin is None:
        return
    ours = regex.compile(pattern, regex.MULTILINE)  # regex accepts every pattern re_twin takes
    for text in texts:
        if twin.unicode_sensitive:
            text = text.encode("ascii", "ignore").decode()
        for pos, end in ((0, len(text)), (len(text) // 2, len(text)), (0, len(text) // 2)):
            mine, theirs = twin.pattern.search(text, pos, end), ours.search(text, pos, end)
            assert (mine and mine.regs) == (theirs and theirs.regs), (pattern, text, pos, end)


# -- the engine's own patterns -------------------------------------------------------------------


def _all_engine_patterns() -> list[EnginePattern]:
    for module in (
        "artifacts",
        "endpoints",
        "lang_braces",
        "lang_specs",
        "markers",
        "truthmatch",
        "truths",
    ):
        importlib.import_module(f"planner.checks.{module}")
    from planner.checks.lang_specs import SPECS

    for lang in ("js", "go", "rust", "swift", "kotlin", "dart"):
        _ = SPECS[lang]  # built on first lookup: its patterns register then
    return list(ENGINE_PATTERNS)


def test_every_engine_pattern_is_a_twin_with_its_declared_sensitivity() -> None:
    patterns = _all_engine_patterns()
    assert len(patterns) >= 30
    for pattern in patterns:
        twin = re_twin(pattern.source, pattern.flags)
        assert twin is not None, pattern
        assert twin.unicode_sensitive == pattern.unicode_sensitive, pattern


def test_engine_patterns_use_regex_only_for_non_ascii_text_when_sensitive() -> None:
    from planner.checks.truthmatch import normalize

    punct = EnginePattern(r"[^\w\s]+", unicode_sensitive=True)
    assert isinstance(punct.on("plain"), re.Pattern)
    assert not isinstance(punct.on("é²"), re.Pattern)  # regex's reading: ² is punctuation there
    assert punct.sub(" ", "x² + y\u0301") == regex.sub(r"[^\w\s]+", " ", "x² + y\u0301")
    assert normalize("Café\u0301²!") == "café\u0301"  # as with regex: the mark stays, ² goes
    word = EnginePattern(r"[a-z0-9_]+", unicode_sensitive=False)
    assert isinstance(word.on("é"), re.Pattern)  # no class that differs: re on any text
