"""The verdict rules of `gsd execute`, in one place: a task from its commands, a plan from its
tasks and must-haves, the exit code from the plan, and what `--resume` may skip.

- task: all verify commands passed -> passed; any failed, timed out or errored -> failed;
  none -> no_verify (never passed); a command cut short -> interrupted.
- plan: interrupted; else failures (a failed task, or a must-have gap as `gsd verify` counts
  them) -> failed when no task passed, partial otherwise; else a task awaiting a person ->
  awaiting_human; else no verify command at all and no checkable must-have -> nothing_to_check;
  else every task passed (or was skipped, or approved) -> complete; else partial (a task that
  nothing verified: a person must look).
- exit: 130 interrupted; 1 failures; 3 an error diagnostic (the SUMMARY could not be written);
  5 nothing to check; 0 complete; else 4.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.documents.models import Plan
from planner.errors import ExitCode, Severity
from planner.execution.ledger import Ledger
from planner.results import (
    CommandResult,
    CommandStatus,
    PlanRun,
    PlanRunStatus,
    TaskStatus,
    TestCounts,
)

FAILING = frozenset({CommandStatus.FAILED, CommandStatus.TIMED_OUT, CommandStatus.ERROR})
DONE = frozenset({TaskStatus.PASSED, TaskStatus.SKIPPED, TaskStatus.APPROVED})


def task_verdict(results: Sequence[CommandResult], planned: int) -> tuple[TaskStatus, str]:
    if any(r.status is CommandStatus.INTERRUPTED for r in results) or len(results) < planned:
        return TaskStatus.INTERRUPTED, "interrupted"
    bad = [r for r in results if r.status is not CommandStatus.PASSED]
    if not bad:
        return TaskStatus.PASSED, f"{len(results)}/{len(results)} commands passed"
    statuses = sorted({r.status.value for r in bad})
    return (
        TaskStatus.FAILED,
        f"{len(bad)}/{len(results)} commands did not pass ({', '.join(statuses)})",
    )


def resume_skips(ledger: Ledger, plan_id: str, plan: Plan) -> dict[int, str]:
    """Task -> run id, for tasks whose verify commands all passed in the latest run that ran them,
    and whose current commands are the ones that passed (an edited task runs again).

    Only `verify` entries count: the ledger's own `passed_tasks_in_latest_run` also reads agent
    entries, whose word is not evidence."""
    entries = [
        e
        for e in ledger.entries(plan_id)
        if e.task is not None and e.kind == "verify" and e.status is not CommandStatus.SKIPPED
    ]
    latest: dict[int, str] = {}
    for e in entries:
        assert e.task is not None
        latest[e.task] = e.run_id
    wanted = {
        t.index: {c.text for c in t.verify.commands}
        for t in plan.tasks
        if t.verify and t.verify.commands
    }
    out: dict[int, str] = {}
    for task, run_id in latest.items():
        mine = [e for e in entries if e.task == task and e.run_id == run_id]
        if (
            task in wanted
            and all(e.status is CommandStatus.PASSED and not e.done_refuted for e in mine)
            and wanted[task] <= {e.command for e in mine}
        ):
            out[task] = run_id
    return out


def plan_failures(run: PlanRun) -> list[str]:
    """Why the run failed, one line each: failed tasks, then must-have gaps."""
    from planner.reports.phase_items import collect_gaps

    out = [f"task {t.index} {t.status.value}" for t in run.tasks if t.status is TaskStatus.FAILED]
    if run.checks is not None:
        out += [f"{g.kind.value} {g.truth}: {g.status}" for g in collect_gaps([run.checks])]
    return out


def decide_status(run: PlanRun) -> PlanRunStatus:
    tasks = run.tasks
    if any(t.status is TaskStatus.INTERRUPTED for t in tasks):
        return PlanRunStatus.INTERRUPTED
    if plan_failures(run):
        return PlanRunStatus.FAILED if run.tasks_passed == 0 else PlanRunStatus.PARTIAL
    if any(t.status is TaskStatus.AWAITING_HUMAN for t in tasks):
        return PlanRunStatus.AWAITING_HUMAN
    checkable = run.checks.checkable if run.checks is not None else 0
    if not any(t.commands for t in tasks) and checkable == 0:
        return PlanRunStatus.NOTHING_TO_CHECK
    if all(t.status in DONE for t in tasks):
        return PlanRunStatus.COMPLETE
    return PlanRunStatus.PARTIAL  # a task nothing verified (no_verify): a person must look


def plan_exit_code(run: PlanRun) -> ExitCode:
    """130 interrupted; 1 failures; 3 the SUMMARY could not be written; 4 a person must look
    (checkpoint, or a task with no verify command); 5 nothing to check; else 0."""
    if run.status is PlanRunStatus.INTERRUPTED:
        return ExitCode.INTERRUPTED
    if run.status is PlanRunStatus.FAILED or plan_failures(run):
        return ExitCode.FAILED
    if any(d.severity is Severity.ERROR for d in run.diagnostics):
        return ExitCode.BAD_INPUT
    if run.status is PlanRunStatus.NOTHING_TO_CHECK:
        return ExitCode.NOTHING_TO_CHECK
    if run.status is PlanRunStatus.COMPLETE:
        return ExitCode.OK
    return ExitCode.HUMAN_NEEDED


def sum_counts(counts: Sequence[TestCounts]) -> TestCounts | None:
    if not counts:
        return None
    return TestCounts(
        runner="+".join(sorted({c.runner for c in counts})),
        passed=sum(c.passed for c in counts),
        failed=sum(c.failed for c in counts),
        errors=sum(c.errors for c in counts),
        skipped=sum(c.skipped for c in counts),
    )


def counts_before(ledger: Ledger, plan_id: str, plan: Plan) -> TestCounts | None:
    """Test counts before this run: for each command the plan has now (tasks' and truths'), its
    last counts in the ledger, summed; None when none has any. Counted like the run's own
    "after", so a resumed run's "after" is the next run's "before" ("19/51 before, 24/51 after")."""
    wanted = {c.text for t in plan.tasks if t.verify for c in t.verify.commands}
    wanted |= {t.verify for t in plan.must_haves.truths if t.verify}
    last: dict[str, TestCounts] = {}
    for e in ledger.entries(plan_id):
        if e.kind in ("verify", "truth") and e.command in wanted and e.test_counts is not None:
            last[e.command] = e.test_counts
    return sum_counts(list(last.values()))
