"""planner/checks/twins.py and the RegexRunner's use of it: `re` runs a plan pattern only where it
finds what `regex` finds, and a `re` search is time-bounded as a `regex` one is."""

from __future__ import annotations

import signal
import string
import threading
import time

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.checks.regexes import RegexRunner, SearchTimeout
from planner.checks.twins import Twin, re_twin


def _regex_span(pattern: str, text: str, pos: int = 0, end: int | None = None) -> object:
    found = regex.compile(pattern, regex.MULTILINE).search(
        text, pos, len(text) if end is None else end
    )
    return None if found is None else found.span()


def _runner_span(pattern: str, text: str, pos: int = 0, end: int | None = None) -> object:
    runner = RegexRunner()
    hit = runner.search(runner.compile(pattern), text, pos, end)
    return None if hit is None else (hit.start, hit.end)


@pytest.mark.parametrize(
    "pattern",
    [
        r"[[:alpha:]]+",  # a POSIX class to regex, a nested set to re
        r"\p{L}+",
        r"(?V1)[a--b]",
        r"(?x) a b ",
        r"(?:ab){e<=1}",  # a fuzzy constraint to regex
        r"a(?#comment)b",
        r"\Bx",
        r"\N{DIGIT ONE}",
        r"(?<=ab|c)x",  # variable-width look-behind: regex only
    ],
)
def test_patterns_re_might_read_otherwise_have_no_twin(pattern: str) -> None:
    assert re_twin(pattern, regex.MULTILINE) is None


@pytest.mark.parametrize(
    ("pattern", "sensitive"),
    [
        (r"from src\.py03 import mod_\d+", True),
        (r"fmt\.Println\(.*addr\)", False),
        (r"^def ", False),
    ],
)
def test_ordinary_patterns_have_a_twin(pattern: str, sensitive: bool) -> None:
    twin = re_twin(pattern, regex.MULTILINE)
    assert isinstance(twin, Twin)
    assert twin.unicode_sensitive is sensitive


def test_every_ascii_character_is_classed_alike() -> None:
    for code in range(128):
        char = chr(code)
        for cls in (r"\w", r"\W", r"\s", r"\S", r"\d", r"\D", r"\b.", r"(?i)[a-z]"):
            assert _runner_span(cls, char) == _regex_span(cls, char), (cls, code)


_ATOMS = [
    "a", "b", "ab", ".", r"\w", r"\W", r"\d", r"\s", r"\b", "[a-c]", "[^a]", "[é²]", "(?:a|bc)",
    "^", "$", "(?=a)", "(?!b)", "(?<=a)", "x", r"\.", "é", "K",
]  # fmt: skip
_QUANTIFIERS = ["", "", "*", "+", "?", "*?", "{1,2}", "+?"]
_patterns = st.builds(
    lambda flags, parts: flags + "".join(parts),
    st.sampled_from(["", "", "(?i)", "(?s)"]),
    st.lists(
        st.builds(lambda a, q: a + q, st.sampled_from(_ATOMS), st.sampled_from(_QUANTIFIERS)),
        min_size=1,
        max_size=5,
    ),
)
# ASCII and the characters where the engines' classes or case folding part ways.
_texts = st.text(st.sampled_from(list("abcx. \n1_é²\u212ak\u0301\x1cAB")), max_size=30)


@settings(max_examples=600, deadline=None)
@given(_patterns, _texts, st.integers(0, 5), st.integers(0, 5))
@example(r"\w+", "ab²c", 0, 0)
@example(r"(?i)k", "\u212a", 0, 0)
@example(r"\bx", "é x", 0, 0)
def test_the_runner_finds_what_regex_finds(pattern: str, text: str, skip: int, cut: int) -> None:
    pos, end = min(skip, len(text)), max(len(text) - cut, min(skip, len(text)))
    assert _runner_span(pattern, text, pos, end) == _regex_span(pattern, text, pos, end)


def test_a_catastrophic_pattern_run_by_re_is_stopped_and_the_alarm_put_back() -> None:
    assert re_twin(r"(a+)+$", regex.MULTILINE) is not None  # so `re` runs it
    before = signal.getsignal(signal.SIGALRM)
    runner = RegexRunner(timeout=0.3)
    compiled = runner.compile(r"(a+)+$")
    started = time.perf_counter()
    with pytest.raises(SearchTimeout):
        runner.search(compiled, "a" * 5000 + "b")
    assert time.perf_counter() - started < 2.0
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_off_the_main_thread_the_search_is_bounded_too() -> None:
    caught: list[BaseException] = []

    def work() -> None:
        runner = RegexRunner(timeout=0.3)
        try:
            runner.search(runner.compile(r"(a+)+$"), "a" * 5000 + "b")
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=work)
    started = time.perf_counter()
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert time.perf_counter() - started < 3.0
    assert [type(e) for e in caught] == [SearchTimeout]


def test_a_timer_already_armed_is_left_alone() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        runner = RegexRunner(timeout=0.3)
        hit = runner.search(runner.compile(r"b\w+"), string.ascii_lowercase)
        assert hit is not None and (hit.start, hit.end) == (1, 26)
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 25  # still armed, untouched
        with pytest.raises(SearchTimeout):  # bounded by regex's timeout instead
            runner.search(runner.compile(r"(a+)+$"), "a" * 5000 + "b")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert fired == []
