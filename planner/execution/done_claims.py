"""A task's `<done>` lines that claim an absence, checked against its verify commands' output.

`No "index ix_* already exists" errors` or `without TypeError` in a task's done criteria is a claim
the output can refute, like an `Expected:` line. Only an UNMET claim counts (a claim gsd cannot
check, or one met, adds nothing). Both `gsd execute` and `gsd verify` apply it, so the two never
disagree about a task.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from planner.documents.models import Expectation
from planner.results import CommandResult, CommandStatus, ExpectationStatus

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])?\s*(?:\[[ xX]\]\s*)?")
_ABSENCE = re.compile(r"^(?:no|without|zero)\s+\S", re.IGNORECASE)


def absence_claims(done: str) -> list[Expectation]:
    """The done lines that say something must not appear (`No "X" errors`), as expectations."""
    out: list[Expectation] = []
    for line in done.splitlines():
        text = _BULLET.sub("", line).strip()
        if _ABSENCE.match(text):
            out.append(Expectation(text=text))
    return out


def check_done(result: CommandResult, claims: Sequence[Expectation]) -> None:
    """Fail `result` when its output shows what a done line says is gone (only UNMET counts: a
    claim gsd cannot check, or one met, adds nothing)."""
    if not claims or result.status is not CommandStatus.PASSED:
        return
    # Here, not at import: most tasks claim no absence (and `verify --static` may read no result).
    from planner.execution.expectations import check_expectations

    checked = check_expectations(
        claims,
        result.output,
        result.test_counts,
        exit_code=result.exit_code,
        complete=result.omitted_bytes == 0,
    )
    unmet = [
        e.model_copy(update={"text": f"done: {e.text}"})
        for e in checked
        if e.status is ExpectationStatus.UNMET
    ]
    if unmet:
        result.expectations += unmet
        result.status = CommandStatus.FAILED
        first = unmet[0]
        # The detail starts with the clause it is about: "No "X" errors: 'X...' appears ...".
        result.reason = f"expectation not met: done: {first.detail or first.text[6:]}"
