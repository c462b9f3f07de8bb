"""Plan regexes: compiled once, searched with a time limit and a total budget.

Patterns come from plans, so one of them may backtrack catastrophically (`(a+)+$` on a long line).
The `regex` module stops a search after `timeout` seconds; the runner also keeps a budget for the
whole run so a plan with a hundred bad patterns costs seconds, not hours. Patterns are compiled
with MULTILINE because authors write them like grep patterns (`^def ` means "a line starting").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

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


@dataclass
class Hit:
    start: int
    end: int


class RegexRunner:
    """Compile cache plus time-bounded search. One per run, shared by every plan."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, budget: float = DEFAULT_BUDGET) -> None:
        self.timeout = timeout
        self.budget = budget
        self.spent = 0.0
        self.searches = 0
        self.compiles = 0
        self._compiled: dict[str, regex.Pattern[str] | PatternError] = {}

    def compile(self, pattern: str) -> regex.Pattern[str]:
        """The compiled pattern (compiled on first use only); PatternError when invalid."""
        found = self._compiled.get(pattern)
        if found is None:
            self.compiles += 1
            try:
                found = regex.compile(pattern, regex.MULTILINE)
            except (regex.error, ValueError, OverflowError, RecursionError) as exc:
                found = PatternError(str(exc))
            self._compiled[pattern] = found
        if isinstance(found, PatternError):
            raise found
        return found

    @property
    def remaining(self) -> float:
        return self.budget - self.spent

    def search(
        self, compiled: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
    ) -> Hit | None:
        """First match in text[pos:endpos]; SearchTimeout / BudgetExhausted instead of hanging."""
        remaining = self.remaining
        if remaining <= 0:
            raise BudgetExhausted(self.budget)
        limit = min(self.timeout, remaining)
        self.searches += 1
        started = time.perf_counter()
        try:
            match = compiled.search(
                text, pos, len(text) if endpos is None else endpos, timeout=limit
            )
        except TimeoutError:
            raise SearchTimeout(limit) from None
        finally:
            self.spent += time.perf_counter() - started
        if match is None:
            return None
        return Hit(match.start(), match.end())
