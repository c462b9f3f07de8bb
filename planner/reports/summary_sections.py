"""The body of a SUMMARY as data: one `Section` per managed section (rendered from
`templates/summary/*.md.j2`), and the one-line texts the terminal shares (outcome, tests,
durations). `planner.reports.summary_md` puts them into the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from planner.documents.models import Plan
from planner.records import record
from planner.reports.phase import compute_score, is_judged
from planner.reports.symbols import ARTIFACT as _ARTIFACT
from planner.reports.symbols import LINK as _LINK
from planner.reports.symbols import TRUTH as _TRUTH
from planner.reports.templates import md_truncate, render_template
from planner.results import (
    ArtifactStatus,
    CommandResult,
    CommandStatus,
    PlanRun,
    PlanRunStatus,
    TaskStatus,
    TestCounts,
)

SECTION_TEMPLATES = tuple(
    f"summary/{name}.md.j2"
    for name in ("outcome", "truths", "tasks", "tests", "artifacts", "key-links", "deviations")
)
_EXCERPT = 300  # characters of failing output in a table cell
_TAIL_LINES = 15  # lines of failing output in Deviations
_BACKTICKS = re.compile(r"`+")

_OUTCOME = {
    PlanRunStatus.COMPLETE: "✓ complete",
    PlanRunStatus.PARTIAL: "⚠️ partial",
    PlanRunStatus.FAILED: "✗ failed",
    PlanRunStatus.AWAITING_HUMAN: "? awaiting human verification",
    PlanRunStatus.NOTHING_TO_CHECK: "∅ nothing to check (not a pass)",
    PlanRunStatus.INTERRUPTED: "interrupted",
}
_TASK = {
    TaskStatus.PASSED: "✓ passed",
    TaskStatus.FAILED: "✗ failed",
    TaskStatus.NO_VERIFY: "? no verify command",
    TaskStatus.SKIPPED: "↷ skipped (passed before)",
    TaskStatus.NOT_RUN: "· not run",
    TaskStatus.AWAITING_HUMAN: "? awaiting human",
    TaskStatus.APPROVED: "✓ approved",
    TaskStatus.INTERRUPTED: "✗ interrupted",
}
_BAD = frozenset({CommandStatus.FAILED, CommandStatus.TIMED_OUT, CommandStatus.ERROR})


@record(frozen=True)
class Section:
    name: str  # the managed-section name
    headings: tuple[str, ...]  # the first is written; the others are found in existing files
    content: str


# -------------------------------------------------------------------------------------------
# Text pieces shared with the terminal


def fmt_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def short_command(text: str, limit: int = 120) -> str:
    """A command on one line: the first line (a multi-line command ends in " …"), truncated."""
    lines = text.strip().splitlines() or [""]
    first = lines[0].rstrip() + (" …" if len(lines) > 1 else "")
    return md_truncate(first, limit)


def fmt_counts(counts: TestCounts) -> str:
    return f"{counts.passed}/{counts.total}"


def tests_text(run: PlanRun) -> str:
    """ "19/51 passing before, 24/51 after", or what is known of it."""
    after, before = run.tests_after, run.tests_before
    if after is None:
        return "no test counts in this run's output"
    if before is None:
        return f"{fmt_counts(after)} passing (no earlier run with test counts)"
    return f"{fmt_counts(before)} passing before, {fmt_counts(after)} after"


def outcome_text(run: PlanRun) -> str:
    """One line: the verdict, tasks, must-haves and tests."""
    by_status: dict[TaskStatus, list[str]] = {}
    for t in run.tasks:
        by_status.setdefault(t.status, []).append(str(t.index))
    notes = [
        f"{label}: {', '.join(by_status[status])}"
        for status, label in (
            (TaskStatus.FAILED, "failed"),
            (TaskStatus.NO_VERIFY, "no verify command"),
            (TaskStatus.AWAITING_HUMAN, "awaiting a person"),
            (TaskStatus.INTERRUPTED, "interrupted"),
            (TaskStatus.NOT_RUN, "not run"),
        )
        if status in by_status
    ]
    tasks = f"{run.tasks_passed}/{len(run.tasks)} tasks passed"
    parts = [tasks + (f" ({'; '.join(notes)})" if notes else "")]
    if run.checks is not None:
        parts.append(compute_score([run.checks]).text())
    parts.append(f"tests {tests_text(run)}")
    return f"{_OUTCOME[run.status]}: " + "; ".join(parts)


# -------------------------------------------------------------------------------------------
# Sections


def build_sections(plan: Plan, run: PlanRun) -> list[Section]:
    checks = run.checks
    score = compute_score([checks]) if checks is not None else None
    awaiting = next((t for t in run.tasks if t.status is TaskStatus.AWAITING_HUMAN), None)
    sections = [
        Section(
            "outcome",
            ("Outcome",),
            render_template(
                "summary/outcome.md.j2",
                outcome=outcome_text(run),
                run=run,
                duration=fmt_duration(run.duration),
                awaiting=awaiting,
            ),
        ),
        Section(
            "truths",
            ("Truths Verification", "Truths"),
            render_template(
                "summary/truths.md.j2",
                truths=[_truth_row(t) for t in (checks.truths if checks else [])],
                score=score,
                human=list(checks.prose_must_haves) if checks else [],
            ),
        ),
        Section(
            "tasks",
            ("Tasks", "Task Results"),
            render_template("summary/tasks.md.j2", tasks=[_task_row(t) for t in run.tasks]),
        ),
        Section(
            "tests",
            ("Test Results",),
            render_template(
                "summary/tests.md.j2", comparison=tests_text(run), rows=_test_rows(run)
            ),
        ),
        Section(
            "artifacts",
            ("Artifacts", "Artifacts Created"),
            render_template(
                "summary/artifacts.md.j2",
                artifacts=[_artifact_row(a) for a in (checks.artifacts if checks else [])],
            ),
        ),
        Section(
            "key-links",
            ("Key Links", "Key Link Verification"),
            render_template(
                "summary/key-links.md.j2",
                links=[_link_row(lk) for lk in (checks.links if checks else [])],
            ),
        ),
        Section(
            "deviations",
            ("Deviations", "Deviations from Plan"),
            render_template("summary/deviations.md.j2", items=_deviations(run)),
        ),
    ]
    return sections


def _evidence(items: Sequence[Any], limit: int = 2) -> str:
    return "; ".join(e.format() for e in items[:limit])


def _truth_row(t: Any) -> dict[str, str]:
    label = _TRUTH[t.status] + (" (judged)" if is_judged(t) else "")
    detail = "; ".join(x for x in (t.reason, _evidence(t.evidence)) if x)
    return {"text": t.text, "status": label, "evidence": md_truncate(detail, _EXCERPT)}


def _task_row(t: Any) -> dict[str, str]:
    verdict = _TASK[t.status] + (f" (attempt {t.attempts})" if t.attempts > 1 else "")
    evidence = t.reason
    bad = [c for c in t.commands if c.status in _BAD]
    if bad:
        c = bad[0]
        excerpt = _excerpt(c)
        exit_ = f", exit {c.exit_code}" if c.exit_code is not None else ""
        head = f"`{short_command(c.command, 100)}`: {c.status.value}{exit_}"
        evidence = head + ("\n" + excerpt if excerpt else f" ({c.reason})" if c.reason else "")
        if len(bad) > 1:
            evidence += f"\n(+{len(bad) - 1} more: see Deviations)"
    return {
        "n": str(t.index),
        "name": t.name,
        "verdict": verdict,
        "duration": fmt_duration(t.duration) if t.duration else "—",
        "evidence": md_truncate(evidence, _EXCERPT),
    }


def _excerpt(c: CommandResult) -> str:
    if c.fail_lines:
        return "\n".join(c.fail_lines[:3])
    lines = [line for line in c.output.splitlines() if line.strip()]
    return "\n".join(lines[-3:])


def _test_rows(run: PlanRun) -> list[dict[str, str]]:
    rows = []
    for t in run.tasks:
        for c in t.commands:
            if c.test_counts is not None:
                k = c.test_counts
                rows.append(
                    {
                        "task": str(t.index),
                        "command": short_command(c.command),
                        "runner": k.runner,
                        "passed": str(k.passed),
                        "failed": str(k.failed),
                        "errors": str(k.errors),
                        "skipped": str(k.skipped),
                    }
                )
    return rows


def _artifact_row(a: Any) -> dict[str, str]:
    detail = a.reason or (f"{a.lines} lines" if a.lines is not None else "")
    if a.status is not ArtifactStatus.VERIFIED and a.evidence:
        detail = "; ".join(x for x in (detail, _evidence(a.evidence, 2)) if x)
    return {"path": a.path, "status": _ARTIFACT[a.status], "details": md_truncate(detail, _EXCERPT)}


def _link_row(lk: Any) -> dict[str, str]:
    detail = _evidence(lk.evidence, 1) or lk.reason
    return {
        "from": lk.from_,
        "to": lk.to,
        "via": lk.via or "",
        "status": _LINK[lk.status],
        "details": md_truncate(detail, _EXCERPT),
    }


def _deviations(run: PlanRun) -> list[dict[str, str]]:
    items = []
    commands = [(f"Task {t.index}", c) for t in run.tasks for c in t.commands]
    if run.checks is not None:
        commands += [("Truth command", c) for c in run.checks.commands]
    for where, c in commands:
        if c.status not in _BAD:
            continue
        exit_ = f", exit {c.exit_code}" if c.exit_code is not None else ""
        tail = "\n".join(c.output.rstrip().splitlines()[-_TAIL_LINES:])
        items.append(
            {
                "where": where,
                "command": short_command(c.command, 160),
                "verdict": f"{c.status.value}{exit_}",
                "reason": md_truncate(c.reason or "", _EXCERPT),
                "output": tail,
                "fence": _fence(tail),
            }
        )
    for t in run.tasks:
        if t.attempts > 1:
            items.append(
                {
                    "where": f"Task {t.index}",
                    "command": "",
                    "verdict": t.status.value,
                    "reason": f"needed {t.attempts} attempts by the agent",
                    "output": "",
                    "fence": "```",
                }
            )
    return items


def _fence(text: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)
