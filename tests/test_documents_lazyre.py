"""`lazy_re`: the pattern compiled on first use is the one `re.compile` gives, compiled once."""

from __future__ import annotations

import re

from planner.documents.lazyre import lazy_re


def test_compiled_on_first_call_once_with_the_same_pattern_and_flags() -> None:
    source = r"^Task\s+(\d+)\b\s*[:.·)\-—–]?\s*(.*)$"
    get = lazy_re(source, re.I)
    assert get.cache_info().currsize == 0  # type: ignore[attr-defined]  # nothing compiled yet
    first = get()
    assert get() is first and get.cache_info().currsize == 1  # type: ignore[attr-defined]
    assert (first.pattern, first.flags) == (source, re.compile(source, re.I).flags)
    m = first.match("TASK 3: Wire the thing")
    assert m is not None and m.groups() == ("3", "Wire the thing")


def test_each_declaration_has_its_own_pattern() -> None:
    a, b = lazy_re(r"a+"), lazy_re(r"b+", re.M)
    assert a().pattern == "a+" and b().pattern == "b+" and b().flags & re.M
