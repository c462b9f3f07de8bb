"""Writing the phase report so that an unchanged re-run leaves the file byte-identical.

The catch: the report being replaced is also the `previous` report, so a second run with the same
results would compare against the first run's report and get a different `re_verification`
(everything "remaining"), and the file would churn on every run. Rule: when the existing file is a
report gsd wrote (its results digest and file digest still match, see
`planner.reports.verification_md.unchanged`) and this run's results equal it once the existing
`re_verification` is carried over, nothing changed: the file stays as it is, and the run reports
the file's own `re_verification` and `verified` time. Otherwise this run's own comparison is
written.

Diagnostics about the comparison itself (GSD701-GSD703) are not part of the report (they describe
the previous file, not the phase) and go to the caller as messages instead, so they cannot make an
unchanged run look changed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import Diagnostic
from planner.exactjson import load_exact

if TYPE_CHECKING:
    from planner.documents.models import Verification
    from planner.reports.phase import PhaseVerification, ReVerificationResult

# The renderer (yaml, templates) and the comparison rules are imported by the functions that use
# them: a `--no-write` run renders no file and, without a previous report, compares nothing.


class WriteState(StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"  # the file already holds these results: not touched
    NO_WRITE = "not written (--no-write)"
    PLAN_SCOPE = "not written (`verify plan` never writes the phase report)"
    NO_PLANS = "not written (the phase has no plans)"


def split_comparison_diagnostics(
    pv: PhaseVerification,
) -> tuple[PhaseVerification, list[Diagnostic]]:
    """(report without the re-verification diagnostics, those diagnostics)."""
    from planner.reports import reverify

    about_previous = [d for d in pv.diagnostics if d.code in reverify.CODES]
    if not about_previous:
        return pv, []
    kept = [d for d in pv.diagnostics if d.code not in reverify.CODES]
    return pv.model_copy(update={"diagnostics": kept}), about_previous


def carried_re_verification(previous: Verification) -> ReVerificationResult | None:
    """The `re_verification` the previous report itself records (None for an initial report)."""
    from planner.reports.phase import ReVerificationResult

    raw: Any = previous.frontmatter.get("re_verification")
    if not isinstance(raw, dict):
        return None
    try:  # what gsd writes (exact types) is read without importing pydantic (0.15 s)
        return load_exact(ReVerificationResult, raw)
    except ValueError:
        pass  # pydantic's rules decide the rest (its coercions included)
    from pydantic import ValidationError

    try:
        return ReVerificationResult.model_validate(raw)
    except ValidationError:
        return None


def settle(pv: PhaseVerification, previous: Verification | None, path: Path) -> PhaseVerification:
    """`pv`, or the same results with the existing report's re_verification when nothing changed."""
    from planner.reports.verification_md import previous_verified, unchanged

    if previous is None or not path.is_file():
        return pv
    carried = pv.model_copy(update={"re_verification": carried_re_verification(previous)})
    try:
        old = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return pv
    if not unchanged(old, carried):
        return pv
    # The file stays as it is: so does the time it says the results were verified.
    stamp = previous_verified(old)
    return carried.model_copy(update={"verified_at": stamp}) if stamp else carried


def write_report(path: Path, pv: PhaseVerification) -> WriteState:
    from planner.reports.verification_md import write_verification

    return WriteState.WRITTEN if write_verification(path, pv) else WriteState.UNCHANGED
