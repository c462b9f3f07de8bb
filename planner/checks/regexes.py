"""Plan regexes: compiled once, searched with a time limit and a total budget.

Patterns come from plans, so one of them may backtrack catastrophically (`(a+)+$` on a long line).
A search stops after `timeout` seconds; the runner also keeps a budget for the whole run so a plan
with a hundred bad patterns costs seconds, not hours. Patterns are compiled with MULTILINE
because authors write them like grep patterns (`^def ` means "a line starting").

The `regex` module defines what a pattern means (lint compiles with it too), but importing it and
compiling with it cost milliseconds, so cheaper forms are used when they give the same answer:
- a pattern with no regex syntax (most key links: `import \\{ helper \\}`) is a Literal searched
  with `str.find`, which cannot backtrack;
- a pattern `re` reads exactly as `regex` does (planner.checks.twins) is a Twin, run by `re`
  under a SIGALRM timer (`re` checks for signals as it matches, so the handler's exception stops
  a runaway search); where no timer can be used (another thread, a timer already armed) or the
  text is one the engines could disagree on, `regex` runs it with its own `timeout=`;
- the engine's own patterns (never a plan's) are compiled with `re` (`trusted=True`): they are
  written to be linear.
"""

from __future__ import annotations

import re
import signal
import time
from typing import TYPE_CHECKING, Any, TypeAlias

from planner.checks.twins import Twin, re_twin, regex_module
from planner.records import record

if TYPE_CHECKING:
    import regex

CODES = {
    "GSD402": "invalid regex in a key link pattern",
    "GSD403": "regex search timed out (catastrophic backtracking?)",
    "GSD404": "regex time budget for the run used up; search skipped",
}

DEFAULT_TIMEOUT = 1.0  # seconds per search
DEFAULT_BUDGET = 30.0  # seconds for every search of one run


class PatternError(Exception):
    """An invalid pattern; the message is the compiler's, with the position."""


class SearchTimeout(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"regex search timed out after {seconds:.1f} s")
        self.seconds = seconds


class BudgetExhausted(Exception):
    def __init__(self, budget: float) -> None:
        super().__init__(f"regex time budget of {budget:g} s used up")
        self.budget = budget


@record
class Hit:
    start: int
    end: int


@record(frozen=True)
class Literal:
    """A pattern without regex syntax: the text it matches, searched with str.find."""

    text: str


Compiled: TypeAlias = "regex.Pattern[str] | re.Pattern[str] | Literal | Twin"

_META = frozenset(".^$*+?{}[]|()")


def literal_of(pattern: str) -> str | None:
    """The text a pattern matches when it is plain text (escaped punctuation allowed), else None.

    Conservative: any metacharacter or letter escape (`\\d`, `\\b`, `\\n`) means a real regex.
    """
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            if not nxt or nxt.isalnum() or not nxt.isascii() or nxt == "_":
                return None
            out.append(nxt)
        elif ch in _META:
            return None
        else:
            out.append(ch)
    return "".join(out) or None


class _Alarm(Exception):
    """Raised by the SIGALRM handler inside a `re` search that ran out of time."""


class RegexRunner:
    """Compile cache plus time-bounded search. One per run, shared by every plan."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, budget: float = DEFAULT_BUDGET) -> None:
        self.timeout = timeout
        self.budget = budget
        self.spent = 0.0
        self.searches = 0
        self.compiles = 0
        self._compiled: dict[tuple[str, bool], Compiled | PatternError] = {}
        # Answers of searches named by a `key` (a file): plans of one run repeat the same search
        # (the same pattern in the same file), and a file does not change during a static check.
        self._answers: dict[tuple[Compiled, str, int, int | None], Hit | None] = {}
        self._regex_forms: dict[str, Any] = {}  # a Twin's `regex` pattern, where one was needed

    def compile(self, pattern: str, *, trusted: bool = False) -> Compiled:
        """The compiled pattern (compiled on first use only); PatternError when invalid.

        `trusted` is for the engine's own linear patterns: compiled by `re`, searched without a
        timeout. A plan's pattern is a Literal when it is plain text, a Twin when `re` reads it as
        `regex` does, else a `regex` pattern.
        """
        key = (pattern, trusted)
        found = self._compiled.get(key)
        if found is None:
            self.compiles += 1
            literal = literal_of(pattern)
            if literal is not None:
                found = Literal(literal)
            elif trusted:
                try:
                    found = re.compile(pattern, re.MULTILINE)
                except (re.error, ValueError, OverflowError, RecursionError) as exc:
                    found = PatternError(str(exc))
            else:
                found = re_twin(pattern, re.MULTILINE) or _compile_regex(pattern)
            self._compiled[key] = found
        if isinstance(found, PatternError):
            raise found
        return found

    @property
    def remaining(self) -> float:
        return self.budget - self.spent

    def search(
        self,
        compiled: Compiled,
        text: str,
        pos: int = 0,
        endpos: int | None = None,
        *,
        key: str | None = None,
    ) -> Hit | None:
        """First match in text[pos:endpos]; SearchTimeout / BudgetExhausted instead of hanging.

        With `key` (the text's file), a search already answered in this run is not run again.
        """
        remaining = self.remaining
        if remaining <= 0:
            raise BudgetExhausted(self.budget)
        if key is None:
            return self._search(compiled, text, pos, endpos, remaining)
        memo = (compiled, key, pos, endpos)
        if memo in self._answers:
            return self._answers[memo]
        hit = self._search(compiled, text, pos, endpos, remaining)  # a timeout is not remembered
        self._answers[memo] = hit
        return hit

    def _search(
        self, compiled: Compiled, text: str, pos: int, endpos: int | None, remaining: float
    ) -> Hit | None:
        limit = min(self.timeout, remaining)
        self.searches += 1
        end = len(text) if endpos is None else endpos
        started = time.perf_counter()
        try:
            if isinstance(compiled, Literal):
                at = text.find(compiled.text, pos, end)
                return None if at == -1 else Hit(at, at + len(compiled.text))
            if isinstance(compiled, re.Pattern):
                match = compiled.search(text, pos, end)
            elif isinstance(compiled, Twin):
                match = self._search_twin(compiled, text, pos, end, limit)
            else:
                match = compiled.search(text, pos, end, timeout=limit)
        except (TimeoutError, _Alarm):
            raise SearchTimeout(limit) from None
        finally:
            self.spent += time.perf_counter() - started
        if match is None:
            return None
        return Hit(match.start(), match.end())

    def _search_twin(self, twin: Twin, text: str, pos: int, end: int, limit: float) -> Any:
        if not twin.unicode_sensitive or text.isascii():
            # Literal parts first, at str.find speed (`re` scans for a match character by
            # character): absent, there is no match; the first match cannot begin before the
            # prefix's first occurrence.
            for run in twin.required:
                if text.find(run, pos, end) == -1:
                    return None
            start = pos
            if twin.prefix:
                start = text.find(twin.prefix, pos, end)
                if start == -1:
                    return None
            try:
                return _alarmed_search(twin.pattern, text, start, end, limit)
            except _NoAlarm:
                pass
        form = self._regex_forms.get(twin.source)
        if form is None:
            form = self._regex_forms[twin.source] = regex_module().compile(twin.source, twin.flags)
        return form.search(text, pos, end, timeout=limit)


def _compile_regex(pattern: str) -> Any:
    """`pattern` compiled by `regex`, or its PatternError (with regex's message and position)."""
    regex = regex_module()
    try:
        return regex.compile(pattern, regex.MULTILINE)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        return PatternError(str(exc))


class _NoAlarm(Exception):
    """No timer can bound this search: not the main thread, or a timer is already in use."""


def _alarmed_search(
    pattern: re.Pattern[str], text: str, pos: int, end: int, limit: float
) -> re.Match[str] | None:
    """pattern.search under an ITIMER_REAL of `limit` seconds; _Alarm when it fires first.

    The previous SIGALRM handler and a disarmed timer are restored whatever happens.
    """
    if not hasattr(signal, "setitimer") or signal.getitimer(signal.ITIMER_REAL)[0]:
        raise _NoAlarm
    previous = signal.getsignal(signal.SIGALRM)
    if previous is None:  # installed outside Python: it could not be put back
        raise _NoAlarm
    searching = True

    def on_alarm(signum: int, frame: object) -> None:
        if searching:  # a late signal, after the search returned, is ignored
            raise _Alarm

    try:
        signal.signal(signal.SIGALRM, on_alarm)
    except ValueError:  # not the main thread
        raise _NoAlarm from None
    try:
        signal.setitimer(signal.ITIMER_REAL, max(limit, 1e-6))  # 0 would disarm it
        try:
            return pattern.search(text, pos, end)
        finally:
            searching = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
