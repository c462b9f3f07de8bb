"""Plan regexes: compiled once, searched with a time limit and a total budget.

Patterns come from plans, so one of them may backtrack catastrophically (`(a+)+$` on a long line).
The `regex` module stops a search after `timeout` seconds; the runner also keeps a budget for the
whole run so a plan with a hundred bad patterns costs seconds, not hours. Patterns are compiled
with MULTILINE because authors write them like grep patterns (`^def ` means "a line starting").

Compiling with `regex` costs milliseconds a pattern, so two cheaper forms are used when they give
the same answer: a pattern with no regex syntax (most key links: `import \\{ helper \\}`) is a
Literal searched with `str.find`, which cannot backtrack; and the engine's own patterns (never a
plan's) are compiled with the standard `re` module (`trusted=True`): they are written to be linear.
"""

from __future__ import annotations

import re
import time
from typing import TypeAlias

import regex

from planner.records import record

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


Compiled: TypeAlias = "regex.Pattern[str] | re.Pattern[str] | Literal"

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

    def compile(self, pattern: str, *, trusted: bool = False) -> Compiled:
        """The compiled pattern (compiled on first use only); PatternError when invalid.

        `trusted` is for the engine's own linear patterns: compiled by `re`, searched without a
        timeout. A plan's pattern is a Literal when it is plain text, else a `regex` pattern.
        """
        key = (pattern, trusted)
        found = self._compiled.get(key)
        if found is None:
            self.compiles += 1
            literal = literal_of(pattern)
            try:
                if literal is not None:
                    found = Literal(literal)
                elif trusted:
                    found = re.compile(pattern, re.MULTILINE)
                else:
                    found = regex.compile(pattern, regex.MULTILINE)
            except (regex.error, re.error, ValueError, OverflowError, RecursionError) as exc:
                found = PatternError(str(exc))
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
            else:
                match = compiled.search(text, pos, end, timeout=limit)
        except TimeoutError:
            raise SearchTimeout(limit) from None
        finally:
            self.spent += time.perf_counter() - started
        if match is None:
            return None
        return Hit(match.start(), match.end())
