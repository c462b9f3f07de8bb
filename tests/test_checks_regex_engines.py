"""The plan-pattern runner on both engines: `re` under a SIGALRM timer, `regex` with timeout=."""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks.regexes import (
    BudgetExhausted,
    Hit,
    Literal,
    PatternError,
    RegexRunner,
    SearchTimeout,
)
from planner.checks.twins import Twin

CATASTROPHIC_TEXT = ("a" * 5000 + "b\n") * 400  # 2 MB of lines that backtrack exponentially


def _span(hit: Hit | None) -> tuple[int, int] | None:
    return None if hit is None else (hit.start, hit.end)


def _regex_span(
    pattern: str, text: str, pos: int = 0, end: int | None = None
) -> tuple[int, int] | None:
    found = regex.compile(pattern, regex.MULTILINE).search(
        text, pos, len(text) if end is None else end
    )
    return None if found is None else found.span()


def test_catastrophic_pattern_on_the_re_path_times_out_within_the_limit() -> None:
    runner = RegexRunner(timeout=0.5)
    pattern = runner.compile(r"(a+)+$")
    assert isinstance(pattern, Twin)
    started = time.monotonic()
    with pytest.raises(SearchTimeout, match=r"timed out after 0\.5 s"):
        runner.search(pattern, CATASTROPHIC_TEXT)
    assert time.monotonic() - started < 2


def test_catastrophic_pattern_on_the_regex_path_times_out_within_the_limit() -> None:
    runner = RegexRunner(timeout=0.5)
    pattern = runner.compile(r"(?:\p{Ll}|a)+\d+$")  # a Unicode property: regex only
    assert not isinstance(pattern, (Twin, Literal))
    started = time.monotonic()
    with pytest.raises(SearchTimeout, match=r"timed out after 0\.5 s"):
        runner.search(pattern, "a" * 30000)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"[[:alpha:]]+\d", "--- abc1 ---"),  # POSIX class
        (r"\p{L}+\(", "call: größe(x)"),  # Unicode property
        (r"(?:color){e<=1}", "the colour red"),  # fuzzy: re would read `{e<=1}` literally
        (r"(?<=def |class )\w+", "class Foo:"),  # variable-width look-behind
    ],
)
def test_regex_only_patterns_answer_as_regex(pattern: str, text: str) -> None:
    runner = RegexRunner()
    compiled = runner.compile(pattern)
    assert not isinstance(compiled, (Twin, Literal))
    assert _span(runner.search(compiled, text)) == _regex_span(pattern, text) is not None


def test_a_pattern_re_would_read_differently_keeps_regex_meaning() -> None:
    runner = RegexRunner()
    text = "foo{e<=1}\nfob\n"
    hit = runner.search(runner.compile(r"fo(?:o){e<=1}"), text)
    assert _span(hit) == _regex_span(r"fo(?:o){e<=1}", text) == (0, 3)  # fuzzy, not literal


def test_sensitive_twin_on_non_ascii_text_answers_as_regex() -> None:
    runner = RegexRunner()
    pattern = r"\bs\w*b\b"
    twin = runner.compile(pattern)
    assert isinstance(twin, Twin) and twin.unicode_sensitive
    text = "x s\u0301tub y"  # a combining mark: a word character to regex, not to re
    assert _span(runner.search(twin, text)) == _regex_span(pattern, text) == (2, 7)


def test_invalid_pattern_keeps_regex_message_with_position() -> None:
    runner = RegexRunner()
    for pattern in ("(unclosed", "[a-", r"x{2,1}"):
        with pytest.raises(PatternError) as caught:
            runner.compile(pattern)
        with pytest.raises(regex.error) as expected:
            regex.compile(pattern, regex.MULTILINE)
        assert str(caught.value) == str(expected.value)
        assert "position" in str(caught.value)


def test_alarm_handler_and_timer_are_restored() -> None:
    calls: list[int] = []

    def mine(signum: int, frame: FrameType | None) -> None:
        calls.append(signum)

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        runner = RegexRunner(timeout=0.3)
        twin = runner.compile(r"(a+)+$")
        assert _span(runner.search(twin, "xx aaa")) == (3, 6)
        with pytest.raises(SearchTimeout):
            runner.search(twin, CATASTROPHIC_TEXT)
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        time.sleep(0.05)
        assert calls == []  # no late alarm reached the caller's handler
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_an_armed_timer_is_left_alone_and_regex_bounds_the_search() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    signal.setitimer(signal.ITIMER_REAL, 30.0)
    try:
        runner = RegexRunner(timeout=0.3)
        twin = runner.compile(r"(a+)+$")
        started = time.monotonic()
        with pytest.raises(SearchTimeout):
            runner.search(twin, CATASTROPHIC_TEXT)
        assert time.monotonic() - started < 2
        remaining, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining <= 30.0  # still the caller's timer
        assert fired == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_search_from_another_thread_uses_regex_timeout() -> None:
    outcome: list[object] = []

    def work() -> None:
        runner = RegexRunner(timeout=0.3)
        twin = runner.compile(r"(a+)+$")
        outcome.append(_span(runner.search(twin, "xx aaa")))
        try:
            runner.search(twin, CATASTROPHIC_TEXT)
        except SearchTimeout as exc:
            outcome.append(str(exc))

    before = signal.getsignal(signal.SIGALRM)
    thread = threading.Thread(target=work)
    started = time.monotonic()
    thread.start()
    thread.join(10)
    assert outcome == [(3, 6), "regex search timed out after 0.3 s"]
    assert time.monotonic() - started < 3
    assert signal.getsignal(signal.SIGALRM) is before


def test_budget_applies_to_re_searches() -> None:
    runner = RegexRunner(timeout=0.2, budget=0.3)
    twin = runner.compile(r"(a+)+$")
    outcomes = []
    for _ in range(4):
        try:
            runner.search(twin, CATASTROPHIC_TEXT)
        except (SearchTimeout, BudgetExhausted) as exc:
            outcomes.append(type(exc).__name__)
    assert outcomes[0] == "SearchTimeout" and outcomes[-2:] == ["BudgetExhausted"] * 2


def test_an_absent_literal_part_settles_the_search_without_running_it() -> None:
    # Before, regex backtracked on this until the timeout (GSD403); the `y` every match needs is
    # not in the text, so "no match" is the exact answer.
    runner = RegexRunner(timeout=0.3)
    started = time.monotonic()
    assert runner.search(runner.compile(r"(x+x+)+y"), "x" * 5000) is None
    assert time.monotonic() - started < 0.1


def test_literal_parts_are_looked_for_in_the_searched_range_only() -> None:
    runner = RegexRunner()
    inner = runner.compile(r"x*ab")  # `ab` required, not at the start
    lead = runner.compile(r"\bab\d")  # `ab` the prefix
    assert isinstance(inner, Twin) and inner.required == ("ab",)
    assert isinstance(lead, Twin) and lead.prefix == "ab"
    assert _span(runner.search(inner, "ab")) == (0, 2)
    assert _span(runner.search(inner, "zzab", 2)) == (2, 4)
    assert runner.search(inner, "zzab", 0, 3) is None
    assert _span(runner.search(lead, "ab ab1", 1)) == (3, 6)
    assert _span(runner.search(lead, " ab1", 1)) == (1, 4)
    assert runner.search(lead, "ab1 ab", 1) is None


def test_answers_are_memoised_per_file_and_range() -> None:
    runner = RegexRunner()
    twin = runner.compile(r"needle\d")
    text = "hay needle1 hay needle2"
    assert _span(runner.search(twin, text, key="a.txt")) == (4, 11)
    assert _span(runner.search(twin, text, 5, key="a.txt")) == (16, 23)
    assert _span(runner.search(twin, text, key="a.txt")) == (4, 11)
    assert runner.searches == 2 and runner.compiles == 1


# -- generated patterns and ranges: the runner finds what regex finds -------------------------

# fmt: off
_PIECES = ["ab", "a", "b", "c", "x", "x*", "\\d", "\\w+", "\\s", "\\b", "^", "$", ".", ".*", "(?:ab|b)",
           "[a-c]", "\\(", "\\)", "a{2}", "b?", "(?=c)", "(?<!x)", "(?i)", "é"]
_TEXT_CHARS = ["a", "b", "c", "x", "1", " ", "\n", "(", ")", "A", "B", "é", "\u0301"]
# fmt: on


@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join),
    st.text(st.sampled_from(_TEXT_CHARS), max_size=30),
    st.integers(0, 30),
    st.integers(0, 30),
)
@settings(max_examples=400, deadline=None)
def test_runner_search_equals_regex_search(pattern: str, text: str, pos: int, end: int) -> None:
    try:
        expected = _regex_span(pattern, text, min(pos, len(text)), min(max(pos, end), len(text)))
    except regex.error:
        return
    runner = RegexRunner()
    compiled = runner.compile(pattern)
    got = runner.search(compiled, text, min(pos, len(text)), min(max(pos, end), len(text)))
    assert _span(got) == expected, (pattern, text, type(compiled).__name__)
