"""`lazy_re`: a regular expression compiled on its first use, not at import.

A module-level `re.compile` costs 0.05-0.5 ms at import whether or not the run ever uses the
pattern. Patterns that the common paths (`verify --static`, `show`, `lint`, `status`) do not use
(broken YAML, prose detection, a previous report, a SUMMARY's claims) are declared with this:

    _FENCE_RE = lazy_re(r"^[ \t]*(`{3,}|~{3,})")
    ...
    m = _FENCE_RE().match(line)      # compiled once, on the first call

The pattern and flags are exactly those `re.compile` is given: it matches the same text. Hot
patterns stay plain module-level `re.compile`s (a call per use costs ~50 ns).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache


def lazy_re(pattern: str, flags: int | re.RegexFlag = 0) -> Callable[[], re.Pattern[str]]:
    """A function returning `re.compile(pattern, flags)`, compiled on its first call."""

    @cache
    def compiled() -> re.Pattern[str]:
        return re.compile(pattern, flags)

    return compiled
