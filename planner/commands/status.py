"""`gsd status [<N>]`: compute the status model (planner.status), then render it as text.

Status is informational: exit 0 whatever the phases' verdicts; an unknown phase reference is the
workspace's error (exit 3). Text is plain unless `color` is set (the CLI sets it on a terminal).
"""

from __future__ import annotations

from planner import output
from planner.errors import ExitCode
from planner.status import compute_status
from planner.status_report import (
    PhaseState,
    PhaseStatus,
    PlanState,
    PlanStatus,
    StatusReport,
    VerificationState,
)
from planner.workspace import Workspace

NAME_WIDTH = 40

_PHASE_LABEL = {
    PhaseState.NO_FOLDER: ("not planned (no folder)", "dim"),
    PhaseState.NOT_PLANNED: ("not planned (no plans)", "dim"),
    PhaseState.PLANNED: ("planned", "blue"),
    PhaseState.IN_PROGRESS: ("in progress", "cyan"),
    PhaseState.EXECUTED: ("executed, not verified", "cyan"),
    PhaseState.GAPS_FOUND: ("gaps found", "red"),
    PhaseState.HUMAN_NEEDED: ("human check needed", "yellow"),
    PhaseState.VERIFIED: ("verified", "green"),
}
_PLAN_STYLE = {
    PlanState.NOT_STARTED: "dim",
    PlanState.EXECUTED: "cyan",
    PlanState.SUMMARY_WRITTEN: "blue",
    PlanState.VERIFIED: "green",
}


def status(ws: Workspace, phase_ref: str | None = None) -> tuple[StatusReport, ExitCode]:
    return compute_status(ws, phase_ref), ExitCode.OK


def render_text(report: StatusReport, *, color: bool = False) -> str:
    if report.detail and report.phases:
        return _detail(report.phases[0], color)
    return _overview(report, color)


# ---------------------------------------------------------------------------------------------
# Pieces


def _paint(text: str, style: str | None, color: bool) -> str:
    return output.paint(text, style) if color and style else text


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _score(phase: PhaseStatus) -> str | None:
    v = phase.verification
    if v is None:
        return None
    if v.score_verified is not None and v.score_total is not None:
        return f"score {v.score_verified}/{v.score_total}"
    return f"score {v.score}" if v.score else None


def _error_count(phase: PhaseStatus) -> int:
    count = sum(len(p.diagnostics) for p in phase.plans)
    return count + (len(phase.verification.diagnostics) if phase.verification else 0)


def phase_label(phase: PhaseStatus, color: bool = False) -> str:
    text, style = _PHASE_LABEL[phase.state]
    if phase.state is PhaseState.GAPS_FOUND and phase.verification and phase.verification.gaps:
        text += f" ({phase.verification.gaps} open)"
    parts = [_paint(text, style, color)]
    score = _score(phase)
    if score:
        parts.append(score)
    if phase.verification and phase.verification.state is VerificationState.UNKNOWN:
        parts.append("verification status unknown")
    if phase.archived:
        parts.append(f"archived ({phase.milestone})" if phase.milestone else "archived")
    errors = _error_count(phase)
    if errors:
        parts.append(_paint(f"{errors} error{'s' * (errors != 1)} (gsd lint)", "red", color))
    return " · ".join(parts)


def plan_label(plan: PlanStatus, color: bool = False) -> str:
    tasks = plan.tasks
    if plan.state is PlanState.NOT_STARTED:
        text = "not started"
    elif plan.state is PlanState.EXECUTED:
        assert tasks is not None
        text = f"executed: {tasks.passed}/{tasks.total} tasks passing"
    else:
        text = "verified" if plan.state is PlanState.VERIFIED else "summary written"
        if plan.summary_status:
            text += f" ({plan.summary_status})"
        if tasks is not None:
            text += f", {tasks.passed}/{tasks.total} tasks passing"
    parts = [_paint(text, _PLAN_STYLE[plan.state], color)]
    if plan.gap_closure:
        parts.append("gap closure")
    if plan.diagnostics:
        n = len(plan.diagnostics)
        parts.append(_paint(f"{n} error{'s' * (n != 1)} (gsd lint)", "red", color))
    return " · ".join(parts)


def _progress(phase: PhaseStatus) -> str:
    return "-" if phase.folder is None else phase.progress.bar()


def _plans_listed(phase: PhaseStatus) -> list[PlanStatus]:
    """Every plan, unless all are verified (the phase line says it all)."""
    if all(p.state is PlanState.VERIFIED for p in phase.plans):
        return []
    return phase.plans


# ---------------------------------------------------------------------------------------------
# Views


def _overview(report: StatusReport, color: bool) -> str:
    lines = [
        _paint(f"gsd status: {report.project}", "bold", color),
        f"Plans   {report.plans.bar()} with a summary",
        f"Phases  {report.verified_phases.bar()} verified",
    ]
    if not report.phases:
        lines += ["", "No phases: .planning/phases/ is empty and ROADMAP.md lists none."]
        return "\n".join(lines)
    id_w = max(len(p.id) for p in report.phases)
    name_w = min(NAME_WIDTH, max(len(p.name) for p in report.phases))
    bar_w = max(len(_progress(p)) for p in report.phases)
    lines.append("")
    for phase in report.phases:
        lines.append(
            f"{phase.id:<{id_w}}  {_fit(phase.name, name_w):<{name_w}}  "
            f"{_progress(phase):<{bar_w}}  {phase_label(phase, color)}"
        )
        listed = _plans_listed(phase)
        plan_w = max((len(p.id) for p in listed), default=0)
        for plan in listed:
            lines.append(f"{'':<{id_w}}  {plan.id:<{plan_w}}  {plan_label(plan, color)}")
    return "\n".join(lines)


def _detail(phase: PhaseStatus, color: bool) -> str:
    lines = [_paint(f"Phase {phase.id}: {phase.name}", "bold", color)]
    rows: list[tuple[str, str]] = [("Folder", phase.folder or "none (listed in ROADMAP.md only)")]
    if phase.goal:
        rows.append(("Goal", phase.goal))
    rows.append(("State", phase_label(phase, color)))
    if phase.roadmap_complete:
        rows.append(("ROADMAP", "marked complete"))  # a claim; the verification decides
    v = phase.verification
    if v is not None:
        parts = [v.status or "no status", v.score or "no score"]
        parts.append(f"{v.gaps} open gap{'s' * (v.gaps != 1)}")
        parts.append(f"{v.human_checks} human check{'s' * (v.human_checks != 1)}")
        if v.re_verification:
            parts.append("re-verification")
        rows.append(("Verification", " · ".join(parts)))
        rows.append(("Report", v.path))
    elif phase.folder is not None:
        rows.append(("Verification", "none yet"))
    if phase.folder is not None:
        rows.append(("Progress", f"{phase.progress.bar()} plans with a summary"))
    if phase.orphan_summaries:
        rows.append(("Note", f"{phase.orphan_summaries} SUMMARY file(s) without a PLAN"))
    label_w = max(len(label) for label, _ in rows)
    lines += [f"  {label:<{label_w}}  {value}" for label, value in rows]
    if phase.plans:
        plan_w = max(4, *(len(p.id) for p in phase.plans))
        lines += ["", f"  {'Plan':<{plan_w}}  Wave  State"]
        for plan in phase.plans:
            wave = str(plan.wave) if plan.wave is not None else "-"
            lines.append(f"  {plan.id:<{plan_w}}  {wave:<4}  {plan_label(plan, color)}")
    problems = [d for p in phase.plans for d in p.diagnostics]
    problems += v.diagnostics if v is not None else []
    if problems:
        lines += ["", "Errors:"] + [f"  {d.format()}" for d in problems]
    return "\n".join(lines)
