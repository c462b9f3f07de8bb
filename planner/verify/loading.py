"""Load what `gsd verify` checks: the plans in scope and the phase's previous report.

A plan that cannot be read as a plan at all (unreadable, empty, binary, too large, fields that
cannot be validated, frontmatter that is not YAML or not a mapping) is bad input: GsdError
GSD900, exit 3. Lesser errors (a must-have of the wrong type, an unclosed task) stay with the plan
and become gaps in the report. Paths in documents and diagnostics are made project-relative.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.documents.loader import load_plan, load_verification
from planner.documents.models import Plan, Verification
from planner.errors import Diagnostic, DocumentError, Severity
from planner.records import record
from planner.workspace import Phase, PlanRef, Workspace

CODES = {
    "GSD900": "a plan in scope cannot be loaded (unreadable, empty, binary, or its frontmatter is not YAML)",
    "GSD901": "the phase's VERIFICATION.md cannot be loaded: verified without a previous report",
}

# Loader codes that mean the file could not be read as a plan at all (planner.documents).
UNLOADABLE = frozenset(
    {"GSD100", "GSD101", "GSD102", "GSD104", "GSD106", "GSD110", "GSD111", "GSD112"}
)


@record
class LoadedPlan:
    ref: PlanRef
    plan: Plan  # its `path` is project-relative
    rel_path: str
    diagnostics: list[Diagnostic]  # the loader's, located in rel_path


def _relative(d: Diagnostic, shown: str, rel: str) -> Diagnostic:
    return d.model_copy(update={"file": rel}) if d.file == shown else d


def load_plans(ws: Workspace, refs: Sequence[PlanRef]) -> list[LoadedPlan]:
    out: list[LoadedPlan] = []
    for ref in refs:
        rel = ws.relpath(ref.plan_path)
        loaded = load_plan(ref.plan_path)
        diags = [_relative(d, str(ref.plan_path), rel) for d in loaded.diagnostics]
        fatal = [d for d in diags if d.severity is Severity.ERROR and d.code in UNLOADABLE]
        if fatal or not isinstance(loaded.doc, Plan):
            errors = fatal or [d for d in diags if d.severity is Severity.ERROR]
            first = errors[0] if errors else None
            raise DocumentError(
                f"plan {ref.id} cannot be loaded"
                + (f": [{first.code}] {first.message}" if first else ""),
                diagnostics=diags,
                code="GSD900",
                file=rel,
                line=first.line if first else None,
                hint=first.hint if first and first.hint else "fix the plan, then verify again",
            )
        out.append(LoadedPlan(ref, loaded.doc.model_copy(update={"path": rel}), rel, diags))
    return out


def load_previous(ws: Workspace, phase: Phase) -> tuple[Verification | None, list[Diagnostic]]:
    """The phase's existing VERIFICATION.md (None when there is none or it cannot be read)."""
    path = phase.verification_path
    if path is None:
        return None, []
    rel = ws.relpath(path)
    loaded = load_verification(path)
    if isinstance(loaded.doc, Verification):
        return loaded.doc.model_copy(update={"path": rel}), []
    why = next((d.message for d in loaded.diagnostics), "not a verification report")
    note = Diagnostic(
        code="GSD901",
        severity=Severity.WARNING,
        message=f"previous report cannot be loaded ({why}); verified without it",
        file=rel,
        hint="it will be replaced by this run's report",
    )
    return None, [note]
