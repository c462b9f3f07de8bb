"""Run one plan: its tasks in order, its truths' own commands, the must-have check, the SUMMARY.

    run = execute_plan(ws, job, opts, control=RunControl(), events=ExecEvents())

The steps, in order (methods of `_PlanExecution`): start the ledger run -> tasks -> truth commands
-> must-haves -> test counts -> verdict -> commits -> SUMMARY -> end the ledger run. The caller
holds the plan's lock around it (`phase_exec`), and may have started the first task's first
command already (`launch.early_start`): the run then takes that process over.

Rules (DESIGN section 4):
- A task's verdict comes from its verify commands only: all passed -> passed; any failed, timed
  out or errored -> failed; none -> no_verify (never passed). An agent's exit status and output
  are recorded, never used as evidence.
- A checkpoint task stops the run (awaiting_human) unless approved (--yes, or y at the prompt).
- Interrupted (Ctrl-C, or the phase was cancelled): nothing more starts, the SUMMARY is left as
  it was, and the ledger run ends `interrupted`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from planner.documents.models import Expectation, Task
from planner.errors import Diagnostic, GsdError, Severity
from planner.execution.agent import build_prompt, run_agent
from planner.execution.checkpoint import describe_checkpoint, task_title
from planner.execution.done_claims import absence_claims, check_done
from planner.execution.gitstate import git_state
from planner.execution.jobs import (
    DEFAULT_AGENT_TIMEOUT,
    ExecEvents,
    ExecOptions,
    PlanJob,
    RunControl,
    plan_timeout,
    utc_now,
)
from planner.execution.launch import EarlyStart, Started, plan_env
from planner.execution.ledger import Ledger, RunStatus, entry_from_result
from planner.execution.pathmap import map_paths, resolve_pairs
from planner.execution.plan_rules import (
    FAILING,
    counts_before,
    decide_status,
    plan_exit_code,
    resume_skips,
    sum_counts,
    task_verdict,
)
from planner.execution.runner import finish_command, run_command
from planner.gitops.commits import Commit
from planner.results import (
    CommandResult,
    CommandStatus,
    LedgerEntry,
    PlanRun,
    PlanRunStatus,
    TaskRun,
    TaskStatus,
    TestCounts,
)
from planner.workspace import PlanRef, Workspace

__all__ = [  # the light ones live in `jobs` (the scheduler needs them before this module)
    "DEFAULT_AGENT_TIMEOUT",
    "Approver",
    "ExecEvents",
    "ExecOptions",
    "PlanJob",
    "RunControl",
    "execute_plan",
    "new_plan_run",
    "plan_timeout",
    "task_run",
    "utc_now",
]

CODES = {
    "GSD955": "the SUMMARY could not be written (left as it was)",
    "GSD956": "git commits of the plan could not be read",
    "GSD957": "the agent command could not run (not found or not executable)",
}

_LEDGER_STATUS = {
    PlanRunStatus.COMPLETE: RunStatus.PASSED,
    PlanRunStatus.PARTIAL: RunStatus.PARTIAL,
    PlanRunStatus.FAILED: RunStatus.FAILED,
    PlanRunStatus.AWAITING_HUMAN: RunStatus.HUMAN_NEEDED,
    PlanRunStatus.INTERRUPTED: RunStatus.INTERRUPTED,
    PlanRunStatus.NOTHING_TO_CHECK: RunStatus.NOTHING_TO_CHECK,
}

# (plan, task, what a person must check) -> True approved, False refused, None cannot ask.
Approver = Callable[[PlanRef, Task, str], "bool | None"]


def new_plan_run(
    ws: Workspace,
    job: PlanJob,
    run_id: str,
    *,
    dry_run: bool = False,
    started_at: str | None = None,
) -> PlanRun:
    return PlanRun(
        plan_id=job.ref.id,
        path=ws.relpath(job.ref.plan_path),
        phase=job.ref.phase.id,
        run_id=run_id,
        started_at=started_at or utc_now(),
        status=PlanRunStatus.FAILED,
        summary_path=ws.relpath(job.ref.summary_path),
        dry_run=dry_run,
        diagnostics=list(job.diagnostics),
    )


def execute_plan(
    ws: Workspace,
    job: PlanJob,
    opts: ExecOptions,
    *,
    control: RunControl,
    events: ExecEvents | None = None,
    approver: Approver | None = None,
    early: EarlyStart | None = None,
) -> PlanRun:
    """Run the plan (the caller holds its lock). Never raises for anything a command does.

    `early`: the plan's first command, already started by `launch.early_start` (taken over
    here: its result is the first command's, its start the run's)."""
    return _PlanExecution(ws, job, opts, control, events or ExecEvents(), approver, early).run_all()


class _PlanExecution:
    def __init__(
        self,
        ws: Workspace,
        job: PlanJob,
        opts: ExecOptions,
        control: RunControl,
        events: ExecEvents,
        approver: Approver | None,
        early: EarlyStart | None = None,
    ) -> None:
        self.ws, self.job, self.opts, self.control, self.events = ws, job, opts, control, events
        self.approver, self.early = approver, early
        self.ref, self.plan = job.ref, job.plan
        self.ledger = Ledger(ws.planning)
        run_id = early.run_id if early else self.ledger.new_run_id()
        self.run = new_plan_run(ws, job, run_id, started_at=early.started_at if early else None)
        self.timeout = plan_timeout(self.plan, opts)
        self.env = plan_env(self.ref)
        self.git: tuple[str | None, bool | None] = (None, None)
        self.task_results: dict[int, list[LedgerEntry]] = {}  # verify entries, for the truths
        self.runner_entries: list[LedgerEntry] = []  # the current task's ledger entries
        self.truth_results: dict[str, CommandResult] = {}
        self.commits: list[Commit] | None = None  # None: not a git work tree
        self.interrupted = False

    # -- the steps ---------------------------------------------------------------------------

    def run_all(self) -> PlanRun:
        begin = self.early.begin if self.early else time.monotonic()
        self.run.tests_before = counts_before(self.ledger, self.ref.id, self.plan)
        self.ledger.start_run(self.run.run_id, self.ref.id, self.opts.command_line)
        self.events.plan_started(self.ref, self.plan)
        status = RunStatus.ERROR
        try:
            self.run_tasks()
            if not self.interrupted:
                self.run_truth_commands()
            if not self.interrupted:
                self.check_must_haves()
                self.count_tests()
                self.run.status = decide_status(self.run)
                self.stamp_end(begin)
                self.find_commits()
                self.write_summary()
            if self.interrupted:
                self.run.status = PlanRunStatus.INTERRUPTED
            status = _LEDGER_STATUS[self.run.status]
        finally:
            if self.early is not None:
                self.early.discard()  # not taken over: only after a bug
            if self.run.completed_at is None:
                self.stamp_end(begin)
            self.run.exit_code = int(plan_exit_code(self.run))
            self.ledger.end_run(self.run.run_id, self.ref.id, status)
        self.events.plan_finished(self.run)
        return self.run

    def stamp_end(self, begin: float) -> None:
        self.run.completed_at = utc_now()
        self.run.duration = round(time.monotonic() - begin, 3)

    def run_tasks(self) -> None:
        skips = resume_skips(self.ledger, self.ref.id, self.plan) if self.opts.resume else {}
        stopped_at: Task | None = None
        for task in self.plan.tasks:
            # A task whose first command has started already runs, interrupted or not.
            self.interrupted |= self.control.cancelled() and self._early(task) is None
            if stopped_at is not None or self.interrupted:
                why = (
                    "the run was interrupted"
                    if self.interrupted
                    else f"the run stopped at task {stopped_at.index if stopped_at else '?'}"
                )
                skipped = task_run(task, TaskStatus.NOT_RUN, reason=f"not run: {why}")
                self.run.tasks.append(skipped)
                self.events.task_finished(self.ref, skipped)
                continue
            self.events.task_started(self.ref, task)
            if task.is_checkpoint:
                tr = self.checkpoint(task)
            elif task.index in skips:
                tr = self.skip(task, skips[task.index])
            else:
                tr = self.auto_task(task)
            self.run.tasks.append(tr)
            self.events.task_finished(self.ref, tr)
            if tr.status is TaskStatus.INTERRUPTED:
                self.interrupted = True
            elif tr.status is TaskStatus.AWAITING_HUMAN:
                stopped_at = task

    def run_truth_commands(self) -> None:
        for truth in self.plan.must_haves.truths:
            if truth.verify and not self.control.cancelled():
                result = self.command(truth.verify, (), task=None, kind="truth")
                self.truth_results[truth.text] = result
                self.interrupted |= result.status is CommandStatus.INTERRUPTED

    def check_must_haves(self) -> None:
        from planner.checks.engine import CheckContext, check_plan

        ctx = CheckContext.create(
            self.ws.root,
            previous=self.job.previous,
            task_results=self.task_results,
            command_results=self.truth_results,
        )
        checks = check_plan(self.plan, self.ref.id, ctx)
        checks.path = self.run.path
        checks.commands = list(self.truth_results.values())
        self.run.checks = checks

    def count_tests(self) -> None:
        """After: each command's counts from this run (a resumed task's: from the run it passed
        in), summed; keyed by the plan's text of the command, as `counts_before` is."""
        per_command: dict[str, TestCounts] = {}
        for tr in self.run.tasks:
            if tr.status is TaskStatus.SKIPPED:
                for entry in self.task_results.get(tr.index, []):
                    if entry.test_counts is not None:
                        per_command[entry.command] = entry.test_counts
            for c in tr.commands:
                if c.test_counts is not None:
                    per_command[c.command] = c.test_counts
        for c in self.truth_results.values():
            if c.test_counts is not None:
                per_command[c.command] = c.test_counts
        self.run.tests_after = sum_counts(list(per_command.values()))

    def find_commits(self) -> None:
        from planner.reports.summary_md import plan_commits

        try:
            self.commits = plan_commits(self.ws, self.ref)
        except GsdError as exc:
            self.commits = None
            self.run.diagnostics.append(
                _diag("GSD956", Severity.WARNING, f"commits not read: {exc.message}")
            )

    def write_summary(self) -> None:
        from planner.reports.summary_md import commit_refs, prepare_summary

        if not self.opts.write:
            self.run.commits = commit_refs(self.commits or [])
            return
        if self.control.cancelled():  # nothing to render for a run that is stopping
            self.interrupted = True
            return
        pending = None
        try:
            # Rendered outside the run's lock, so the plans ending together render in parallel;
            # only putting it in place is the step an interrupt must find done or not begun.
            pending = prepare_summary(self.ws, self.ref, self.plan, self.run, self.commits)
            with self.control.lock:  # see RunControl: the write happens entirely or not at all
                if self.control.cancelled():
                    self.interrupted = True
                    return
                self.run.summary_written, self.run.commits = pending.commit()
        except GsdError as exc:
            message = f"SUMMARY not written: {exc.message} ({exc.code})"
            diag = _diag("GSD955", Severity.ERROR, message, exc.hint)
            diag.file, diag.line = self.run.summary_path, exc.line
            self.run.diagnostics.append(diag)
        finally:
            if pending is not None:
                pending.discard()

    # -- tasks -------------------------------------------------------------------------------

    def checkpoint(self, task: Task) -> TaskRun:
        tr = task_run(task, TaskStatus.AWAITING_HUMAN, human_check=describe_checkpoint(task))
        if self.opts.yes:
            tr.status, tr.reason = TaskStatus.APPROVED, "approved with --yes"
            return tr
        answer = self.approver(self.ref, task, tr.human_check or "") if self.approver else None
        if answer:
            tr.status, tr.reason = TaskStatus.APPROVED, "approved at the prompt"
        elif self.control.cancelled():
            tr.status, tr.reason = TaskStatus.INTERRUPTED, "interrupted at the prompt"
        else:
            tr.reason = (
                "refused at the prompt"
                if answer is False
                else "a person must check this (approve with --yes)"
            )
        return tr

    def skip(self, task: Task, run_id: str) -> TaskRun:
        tr = task_run(task, TaskStatus.SKIPPED, reason=f"--resume: passed in run {run_id}")
        previous = [
            e
            for e in self.ledger.entries(self.ref.id)
            if e.run_id == run_id and e.task == task.index and e.kind == "verify"
        ]
        self.task_results[task.index] = previous
        pairs = resolve_pairs(self.opts.path_map, self.ws.root)
        for c in task.verify.commands if task.verify else []:
            result = CommandResult(
                command=c.text,
                run_command=map_paths(c.text, pairs),
                cwd=str(self.ws.root),
                status=CommandStatus.SKIPPED,
                started_at=utc_now(),
                reason=tr.reason,
            )
            self.ledger.append(self.entry(result, task.index))
            tr.commands.append(result)
        return tr

    def auto_task(self, task: Task) -> TaskRun:
        early = self._early(task)
        begin = early.begin if early else time.monotonic()
        tr = task_run(task, TaskStatus.NO_VERIFY)
        commands = task.verify.commands if task.verify else []
        tries = max(self.opts.attempts, 1) if self.opts.agent else 1
        failures: list[CommandResult] = []
        for attempt in range(1, tries + 1):
            tr.attempts = attempt
            if self.opts.agent:
                self.call_agent(task, tr, attempt, tries, failures)
            if self.control.cancelled() and early is None:
                tr.status, tr.reason = TaskStatus.INTERRUPTED, "interrupted"
                break
            if not commands:
                tr.reason = "no verify command: nothing checked this task" + _notes(task)
                break
            # What the verify commands will see (taken before the early start of the first).
            self.git = early.git if early else git_state(self.ws.root)
            tr.commands = []
            self.runner_entries = []
            claims = absence_claims(task.done)
            for i, c in enumerate(commands):
                started = early.take() if early and i == 0 else None
                tr.commands.append(
                    self.command(
                        c.text,
                        c.expectations,
                        task=task.index,
                        kind="verify",
                        claims=claims,
                        started=started,
                    )
                )
                if self.control.cancelled():
                    break
            self.task_results[task.index] = list(self.runner_entries)
            tr.status, tr.reason = task_verdict(tr.commands, len(commands))
            if tr.status is not TaskStatus.FAILED:
                break
            failures = [r for r in tr.commands if r.status in FAILING]
        if tr.attempts > 1 and tr.status is TaskStatus.PASSED:
            tr.reason += f" (attempt {tr.attempts} of {tries})"
        tr.duration = round(time.monotonic() - begin, 3)
        return tr

    def call_agent(
        self, task: Task, tr: TaskRun, attempt: int, tries: int, failures: Sequence[CommandResult]
    ) -> None:
        assert self.opts.agent is not None
        prompt = build_prompt(
            self.plan, self.ref.id, task, attempt=attempt, attempts=tries, failures=failures
        )
        agent_run, result = run_agent(
            self.opts.agent,
            prompt,
            cwd=self.ws.root,
            timeout=self.opts.agent_timeout,
            env={**self.env, "GSD_TASK": str(task.index)},
            attempt=attempt,
        )
        tr.agent_runs.append(agent_run)
        # Its output is recorded, never counted: no test counts from what an agent printed.
        self.ledger.append(
            self.entry(result, task.index, "agent").model_copy(update={"test_counts": None})
        )
        if result.status is CommandStatus.ERROR:
            why = f"task {task.index}: agent could not run: {result.reason}"
            self.run.diagnostics.append(
                _diag("GSD957", Severity.WARNING, why, "check --agent / gsd.agent")
            )

    def command(
        self,
        text: str,
        expectations: Sequence[Expectation],
        *,
        task: int | None,
        kind: str,
        claims: Sequence[Expectation] = (),
        started: Started | None = None,
    ) -> CommandResult:
        if started is not None:  # started early (see launch.early_start)
            result = finish_command(started, timeout=self.timeout, expectations=expectations)
        else:
            result = run_command(
                text,
                cwd=self.ws.root,
                timeout=self.timeout,
                env=self.env,
                path_map=self.opts.path_map,
                expectations=expectations,
            )
        # The same rule as gsd verify: a done claim the output refutes fails the command in this
        # run's report; the ledger keeps the runner's verdict and marks the refutation.
        entry = self.entry(result, task, kind)
        check_done(result, claims)
        entry.done_refuted = entry.status is not result.status
        self.ledger.append(entry)
        self.runner_entries.append(entry)
        return result

    def _early(self, task: Task) -> EarlyStart | None:
        """The early start of this task's first command, when it is still to be taken over."""
        early = self.early
        return early if early is not None and not early.taken and early.task == task.index else None

    def entry(self, result: CommandResult, task: int | None, kind: str = "verify") -> LedgerEntry:
        head, dirty = self.git
        return entry_from_result(
            self.run.run_id,
            self.ref.id,
            result,
            phase=self.ref.phase.id,
            task=task,
            kind=kind,
            git_head=head,
            git_dirty=dirty,
        )


def task_run(task: Task, status: TaskStatus, **fields: Any) -> TaskRun:
    return TaskRun(index=task.index, name=task_title(task), type=task.type, status=status, **fields)


def _notes(task: Task) -> str:
    notes = [n.strip() for n in (task.verify.notes if task.verify else []) if n.strip()]
    return f" (verify says: {notes[0][:120]})" if notes else ""


def _diag(code: str, severity: Severity, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, severity=severity, message=message, hint=hint)
