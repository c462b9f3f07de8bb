"""What `gsd verify` shows: messages for stderr, terminal lines as (text, style) parts, GitHub
workflow commands. Data first: the CLI decides where they go and whether to paint them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.errors import Severity

if TYPE_CHECKING:
    from planner.commands.verify import VerifyOutcome


def messages(outcome: VerifyOutcome) -> list[str]:
    """What goes to stderr: diagnostics worth a person's attention, then notes about the run."""
    out = [d.format() for d in outcome.messages]
    for p in outcome.report.plans:
        out += [d.format() for d in p.diagnostics if d.severity is not Severity.INFO]
    out += [d.format() for d in outcome.report.diagnostics if d.severity is not Severity.INFO]
    return out


def text_lines(outcome: VerifyOutcome) -> list[list[tuple[str, str]]]:
    from planner.reports.terminal import BOLD, DIM, phase_lines, verdict_line

    pv = outcome.report
    what = (
        f"{len(pv.plans)} plan{'' if len(pv.plans) == 1 else 's'}"
        if outcome.whole_phase
        else f"plan {pv.plans[0].plan_id}"
        if pv.plans
        else "no plan"
    )
    lines: list[list[tuple[str, str]]] = [
        [(f"Phase {pv.phase_number}: {pv.phase_name}", BOLD), (f"  ({what})", DIM)]
    ]
    lines += phase_lines(pv)[:-1]
    report = outcome.report_path or "-"
    lines.append([(f"report: {report} ({outcome.write_state.value})", DIM)])
    if outcome.junit_path:
        lines.append([(f"junit: {outcome.junit_path}", DIM)])
    lines.append(verdict_line(pv))
    return lines


def github_lines(outcome: VerifyOutcome) -> list[str]:
    from planner.reports.terminal import plain_text, verdict_line
    from planner.verify.github import gap_annotations, repo_prefix

    prefix = repo_prefix(outcome.root)
    return [
        *gap_annotations(outcome.report, outcome.plan_locations, prefix),
        plain_text([verdict_line(outcome.report)]),
    ]
