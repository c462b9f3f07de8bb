"""The commands `gsd verify` runs: each plan's auto tasks' `<verify>` commands, its
`<verification>` commands and its truths' `verify:`.

    batches = [collect(plan, ref.id, phase.id, timeout) for ...]
    results = run_batches(batches, settings)          # plans in parallel, up to settings.jobs

Within a plan the commands run in the order written, one after another: plans write commands that
read what an earlier one left behind (`pytest ... | tee out.txt`, then `grep ... out.txt`). Plans
run in parallel. A truth's `verify:` text is split like any verify block (commands, `Expected:`
lines, notes); prose is never run. When it holds several commands, the truth's result is the first
that did not pass, else the last. Every command run is appended to the ledger: task commands with
kind `verify` and their task index (fresh task results: what the checks engine and `--resume`
read), the others with kind `verification` or `truth` and no task number. Checkpoint tasks are
never run (a person checks them). Task commands run first, in task order, as `gsd execute` would.

A task's `<done>` lines that claim an absence (`No "index ix_* already exists" errors`,
`No UsageEvent mapper errors`) are checked against each of its commands' output like an
`Expected:` line of that form: a command whose output shows what the task says is gone fails
in the report (`expectation not met: done: ...`), even when it exited 0 (plans pipe pytest
through grep); its ledger entry keeps the runner's verdict. Other done lines are prose for a
person and are not checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from planner.documents.models import Expectation, Plan, VerifyCommand
from planner.errors import Diagnostic
from planner.execution.done_claims import absence_claims, check_done
from planner.records import record
from planner.results import CommandResult, CommandStatus, ExpectationStatus, LedgerEntry
from planner.verify.evidence import truth_commands

if TYPE_CHECKING:
    from planner.execution.ledger import Ledger

# The runner, the process group handling and the ledger writer are imported where commands run:
# `--static` (and a plan with no command) never starts a process and does not pay for them.


class CommandKind(StrEnum):
    VERIFICATION = "verification"  # the plan's <verification> block
    TRUTH = "truth"  # a truth's own verify:
    TASK = "verify"  # an auto task's <verify> (the ledger's kind for task results)


@record(frozen=True)
class PlannedCommand:
    kind: CommandKind
    command: VerifyCommand
    truth: str | None = None  # the truth's text, for TRUTH commands
    task: int | None = None  # the task index, for TASK commands
    done_checks: tuple[Expectation, ...] = ()  # the task's absence claims, for TASK commands


@record
class PlanBatch:
    """One plan's commands, run in order by one worker."""

    plan_id: str
    phase_id: str
    plan_path: str
    timeout: float
    commands: list[PlannedCommand] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@record
class BatchResult:
    results: list[CommandResult] = field(default_factory=list)  # plan-level, in the order written
    by_truth: dict[str, CommandResult] = field(default_factory=dict)  # for CheckContext
    by_task: dict[int, list[CommandResult]] = field(default_factory=dict)  # task index -> results
    task_entries: dict[int, list[LedgerEntry]] = field(default_factory=dict)  # for CheckContext


@record(frozen=True)
class RunSettings:
    root: Path
    jobs: int
    path_map: tuple[tuple[str, str], ...] = ()
    ledger: Ledger | None = None
    run_id: str = ""
    command_line: str = "gsd verify"
    git_head: str | None = None
    git_dirty: bool | None = None


def collect(plan: Plan, plan_id: str, phase_id: str, timeout: float) -> PlanBatch:
    batch = PlanBatch(plan_id=plan_id, phase_id=phase_id, plan_path=plan.path, timeout=timeout)
    for task in plan.tasks:
        if task.is_checkpoint or task.verify is None:
            continue
        done = tuple(absence_claims(task.done))
        batch.commands += [
            PlannedCommand(CommandKind.TASK, c, task=task.index, done_checks=done)
            for c in task.verify.commands
        ]
    if plan.verification is not None:
        batch.commands += [
            PlannedCommand(CommandKind.VERIFICATION, c) for c in plan.verification.commands
        ]
    for text, command in truth_commands(plan, batch.diagnostics):
        batch.commands.append(PlannedCommand(CommandKind.TRUTH, command, text))
    return batch


def truth_verdict(results: Sequence[CommandResult]) -> CommandResult:
    """The result that speaks for a truth: the first that did not pass, else the last."""
    for r in results:
        if r.status is not CommandStatus.PASSED or any(
            e.status is ExpectationStatus.UNMET for e in r.expectations
        ):
            return r
    return results[-1]


def _run_batch(batch: PlanBatch, settings: RunSettings) -> BatchResult:
    from planner.execution import procs
    from planner.execution.ledger import entry_from_result
    from planner.execution.runner import run_command

    out = BatchResult()
    per_truth: dict[str, list[CommandResult]] = {}
    env = {"GSD_PLAN": batch.plan_id, "GSD_PHASE": batch.phase_id}
    for planned in batch.commands:
        result = run_command(
            planned.command.text,
            cwd=settings.root,
            timeout=batch.timeout,
            env=env,
            path_map=settings.path_map,
            expectations=planned.command.expectations,
        )
        entry = entry_from_result(
            settings.run_id,
            batch.plan_id,
            result,
            phase=batch.phase_id,
            task=planned.task,
            kind=planned.kind.value,
            git_head=settings.git_head,
            git_dirty=settings.git_dirty,
        )
        # After the ledger entry: the ledger keeps the runner's verdict (what `--resume` and truth
        # evidence read); a done claim the output contradicts is this report's finding.
        check_done(result, planned.done_checks)
        entry.done_refuted = entry.status is not result.status  # `--resume` reruns such a task
        if planned.task is not None:
            out.by_task.setdefault(planned.task, []).append(result)
            out.task_entries.setdefault(planned.task, []).append(entry)
        else:
            out.results.append(result)
        if planned.truth is not None:
            per_truth.setdefault(planned.truth, []).append(result)
        if settings.ledger is not None and result.status is not CommandStatus.INTERRUPTED:
            settings.ledger.append(entry)
        if procs.shutting_down():
            break
    out.by_truth = {truth: truth_verdict(rs) for truth, rs in per_truth.items()}
    return out


def run_batches(batches: Sequence[PlanBatch], settings: RunSettings) -> dict[str, BatchResult]:
    """Run every batch (plans in parallel, each plan's commands in order) -> plan id -> results.

    Under `procs.interrupt_guard()` an interrupt raises `Interrupted` here; the plans whose run
    started are closed in the ledger as interrupted before it propagates."""
    todo = [b for b in batches if b.commands]
    results: dict[str, BatchResult] = {b.plan_id: BatchResult() for b in batches}
    if not todo:
        return results
    from concurrent.futures import ThreadPoolExecutor

    from planner.execution.ledger import RunStatus

    if settings.ledger is not None:
        for b in todo:
            settings.ledger.start_run(settings.run_id, b.plan_id, settings.command_line)
    try:
        if settings.jobs <= 1 or len(todo) == 1:
            for b in todo:
                results[b.plan_id] = _run_batch(b, settings)
        else:
            with ThreadPoolExecutor(max_workers=min(settings.jobs, len(todo))) as pool:
                futures = {b.plan_id: pool.submit(_run_batch, b, settings) for b in todo}
                for plan_id, future in futures.items():
                    results[plan_id] = future.result()
    except BaseException:
        if settings.ledger is not None:
            for b in todo:
                settings.ledger.end_run(settings.run_id, b.plan_id, RunStatus.INTERRUPTED)
        raise
    return results
