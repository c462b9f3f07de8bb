"""`gsd plan gaps <N> [--dry-run]`: gap-closure PLAN.md files from the phase's VERIFICATION gaps.

Steps: resolve the phase; load its VERIFICATION.md (refused when the loader reports an error: a
gap could be missing); take the gaps not marked closed; leave out those an unexecuted gap-closure
plan already states; find the plans that own each truth; group by shared files; number, build,
render and read back each plan; create the files (never replacing one) unless --dry-run.

Exit: 0 plans written (or shown); 5 nothing to plan (no report, no open gap, or every open gap
already planned); 3 unknown phase, unusable report, or a target file that exists.
Re-running is safe: plans already written are not executed yet, so their gaps are left out.
"""

from __future__ import annotations

from planner.errors import Diagnostic, ExitCode, GsdError, Severity
from planner.gaps.model import PlanGapsResult, SkippedGap
from planner.workspace import Phase, Workspace

CODES = {
    "GSD810": "the phase has no VERIFICATION.md: nothing to plan",
    "GSD811": "the VERIFICATION.md cannot be used (the loader reports an error)",
    "GSD812": "no open gap in the VERIFICATION.md: nothing to plan",
    "GSD813": "every open gap already has a gap-closure plan that has not run yet",
    "GSD814": "a plan file to be written already exists (never overwritten)",
    "GSD815": "a gap has no automated check: its task's verify block holds only a note",
}


def plan_gaps(
    ws: Workspace, phase_ref: str, *, dry_run: bool = False
) -> tuple[PlanGapsResult, ExitCode]:
    from planner.documents.loader import load_verification
    from planner.documents.models import Verification

    phase = ws.resolve_phase(phase_ref)
    result = PlanGapsResult(phase=phase.id, dry_run=dry_run)
    path = phase.verification_path
    if path is None:
        result.message = (
            f"nothing to plan: phase {phase.id} has no VERIFICATION.md "
            f"(run `gsd verify phase {phase.id}` first)"
        )
        return _note(
            result, "GSD810", Severity.INFO, ws.relpath(phase.dir)
        ), ExitCode.NOTHING_TO_CHECK
    report = ws.relpath(path)
    result.verification = report
    loaded = load_verification(path)
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    if errors or not isinstance(loaded.doc, Verification):
        result.diagnostics += [d.model_copy(update={"file": report}) for d in errors]
        result.message = f"{report} cannot be used: fix the errors above (gsd lint {report})"
        return _note(result, "GSD811", Severity.ERROR, report), ExitCode.BAD_INPUT
    result.status = loaded.doc.status
    return _plan(ws, phase, loaded.doc, result, dry_run)


def _note(result: PlanGapsResult, code: str, severity: Severity, file: str) -> PlanGapsResult:
    result.diagnostics.append(
        Diagnostic(code=code, severity=severity, message=result.message or "", file=file)
    )
    return result


def _plan(
    ws: Workspace, phase: Phase, verification: object, result: PlanGapsResult, dry_run: bool
) -> tuple[PlanGapsResult, ExitCode]:
    from planner.documents.models import Verification
    from planner.gaps.build import PlanBuilder, build_plans, fill_files_from_owners
    from planner.gaps.context import (
        PathCleaner,
        already_planned,
        assign_owners,
        attach_tasks,
        load_existing,
        open_gaps,
    )
    from planner.gaps.group import group_gaps
    from planner.gaps.naming import naming

    assert isinstance(verification, Verification) and result.verification is not None
    report = result.verification
    cleaner = PathCleaner(ws)
    gaps, skipped, diags = open_gaps(verification, cleaner, report)
    existing, more = load_existing(ws, phase)
    result.diagnostics += diags + more
    result.skipped = skipped
    result.open_gaps = len(gaps)
    assign_owners(gaps, existing)
    todo = []
    for gap in gaps:
        planned_in = already_planned(gap, existing)
        if planned_in:
            reason = f"already planned in {planned_in}, which has not run yet (no SUMMARY)"
            result.skipped.append(SkippedGap(index=gap.index, truth=gap.truth, reason=reason))
        else:
            todo.append(gap)
    if not todo:
        code = "GSD813" if gaps else "GSD812"
        result.message = (
            f"nothing to plan: every open gap of {report} already has a gap-closure plan"
            if gaps
            else f"nothing to plan: {report} has no open gap (status: {verification.status})"
        )
        return _note(result, code, Severity.INFO, report), ExitCode.NOTHING_TO_CHECK
    attach_tasks(todo, existing, cleaner)
    fill_files_from_owners(todo, existing, cleaner)
    chunks = group_gaps(todo)
    names = naming(phase)
    ids = [
        (
            f"{phase.id}-{names.number(i)}",
            names.number(i),
            ws.relpath(phase.dir / names.file_name(i)),
        )
        for i in range(len(chunks))
    ]
    builder = PlanBuilder(existing, cleaner, report, ws.relpath)
    result.plans = build_plans(chunks, builder, ids)
    _render(result, phase, verification)
    if not dry_run:
        _write(ws, result)
    return result, ExitCode.OK


def _render(result: PlanGapsResult, phase: Phase, verification: object) -> None:
    from planner.documents.models import Verification
    from planner.gaps.render import read_back_problems, render_plan

    assert isinstance(verification, Verification) and result.verification is not None
    for draft in result.plans:
        draft.content = render_plan(
            draft,
            phase_id=phase.id,
            phase_folder=phase.dir.name,
            report=result.verification,
            status=verification.status,
            score=verification.score,
        )
        problems = read_back_problems(draft, draft.content)
        if problems:  # what we wrote is not what we planned: a bug in gsd, never the user's input
            raise RuntimeError(f"{draft.path} does not read back as planned: {problems}")
        for task in draft.tasks:
            if not task.checks:
                result.diagnostics.append(
                    Diagnostic(
                        code="GSD815",
                        severity=Severity.WARNING,
                        message=f"{draft.id}: gap {task.gap.index} has no automated check "
                        f"({task.gap.truth[:80]})",
                        file=draft.path,
                        hint="add a command to the task's verify block, or check it by hand",
                    )
                )


def _write(ws: Workspace, result: PlanGapsResult) -> None:
    from planner.gaps.write import write_new

    targets = [ws.root / d.path for d in result.plans]
    for target in targets:  # all or nothing (barring a race, which write_new still refuses)
        if target.exists():
            _exists(ws, target)
    for draft, target in zip(result.plans, targets, strict=True):
        try:
            write_new(target, draft.content)
        except FileExistsError:
            _exists(ws, target)
        draft.written = True
    ws.refresh()


def _exists(ws: Workspace, target: object) -> None:
    from pathlib import Path

    shown = ws.relpath(Path(str(target)))
    raise GsdError(
        f"{shown} already exists; gsd never overwrites a plan",
        code="GSD814",
        file=shown,
        hint="move it aside, or run `gsd plan gaps` again to pick the next free number",
    )


# ---------------------------------------------------------------------------------------------
# Text


def render_text(result: PlanGapsResult) -> list[str]:
    lines: list[str] = []
    for draft in result.plans:
        gaps = ", ".join(str(t.gap.index) for t in draft.tasks)
        deps = ", ".join(draft.depends_on) or "nothing"
        what = (
            f"gap{'s' * (len(draft.tasks) != 1)} {gaps} ({len(draft.tasks)} "
            f"task{'s' * (len(draft.tasks) != 1)}), wave {draft.wave}, depends on {deps}"
        )
        if result.dry_run:
            lines += [f"would write {draft.path}: {what}", f"----- {draft.path}"]
            lines += draft.content.rstrip("\n").split("\n")
            lines.append("-----")
        else:
            lines.append(f"wrote {draft.path}: {what}")
    for gap in result.skipped:
        lines.append(
            f"skipped gap {gap.index}: {gap.reason}" + (f" ({gap.truth})" if gap.truth else "")
        )
    return lines
