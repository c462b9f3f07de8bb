"""`gsd execute <plan-ref>` and `gsd execute phase <N>`: run tasks, check must-haves, write SUMMARY.

The run as named steps (each a function below):

    target    = parse_target(args)                 plan ref, or `phase N`
    opts      = resolve_options(ws, request)       flags over config.json's gsd section
    jobs      = load_jobs(ws, target)              every plan loaded before anything runs (exit 3)
    deps      = dependency_graph(ws, jobs)         unknown dependencies and cycles: exit 3
    outcome   = run_plans(...)                     waves in parallel threads (phase_exec)
    reports   = write_reports(outcome, request)    --junit
    exit code = exit_code_for(...)

Exit: 0 every task passed and no must-have failed; 1 failures (or a plan locked by another
execution); 3 bad input; 4 a person must look (a checkpoint, a task with no verify command);
5 nothing to check; 130 interrupted. A phase exits with the worst of its plans, and 5 only when
every plan had nothing to check.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planner.documents.loader import load_plan, load_verification
from planner.documents.models import Plan, Verification
from planner.errors import Diagnostic, ExitCode, GsdError, Severity, UsageError
from planner.execution.jobs import DEFAULT_AGENT_TIMEOUT, ExecEvents, ExecOptions, PlanJob
from planner.execution.pathmap import parse_map_arg
from planner.execution.phase_exec import PhaseOutcome, run_plans
from planner.records import record
from planner.waves import compute_waves
from planner.workspace import Phase, PlanRef, Workspace

if TYPE_CHECKING:  # imported where used: not on the way to the first command (start-up)
    from planner.results import CommandResult, PlanRun

CODES = {
    "GSD950": "`gsd execute` needs a plan reference, or `phase` and a phase number",
    "GSD951": "an option value is out of range (--jobs, --attempts, --timeout)",
    "GSD952": "the phase has no plans",
    "GSD953": "a depends_on entry names no plan or phase of this project",
    "GSD954": "a plan cannot be loaded (its first error is shown)",
}

LOCK_WAIT_ENV = "GSD_LOCK_WAIT"  # seconds a second execution of a plan waits (default 5)


# Plain dataclasses, not pydantic models: they exist before the first command starts.
@record(kw_only=True)
class ExecuteRequest:
    target: list[str]  # ["26-04"] or ["phase", "26"]
    jobs: int | None = None
    timeout: float | None = None
    agent: str | None = None
    attempts: int = 1
    resume: bool = False
    dry_run: bool = False
    yes: bool = False
    map_path: list[str] = field(default_factory=list)
    junit: Path | None = None
    write: bool = True
    command_line: str | None = None  # for the ledger and the lock holder (default: from target)


@record(kw_only=True)
class ExecuteResult:
    mode: Literal["plan", "phase"]
    phase: str | None = None
    waves: list[list[str]] = field(default_factory=list)
    runs: list[PlanRun] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)  # interrupted before they could start
    interrupted: bool = False
    dry_run: bool = False
    exit_code: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def json_data(self) -> Any:
        """What --json prints: the PlanRun of a plan, the list of PlanRuns of a phase."""
        runs = [r.model_dump(mode="json") for r in self.runs]
        return runs[0] if self.mode == "plan" and runs else runs


class Target:
    __slots__ = ("mode", "ref")

    def __init__(self, mode: Literal["plan", "phase"], ref: str) -> None:
        self.mode, self.ref = mode, ref


# -------------------------------------------------------------------------------------------
# The command


def execute(
    ws: Workspace,
    request: ExecuteRequest,
    *,
    events: ExecEvents | None = None,
    ask: Callable[[str], bool] | None = None,
    warm: Sequence[Callable[[], object]] = (),
) -> ExecuteResult:
    """`warm`: start-up work for the warm-up thread once the first commands run (see
    `phase_exec.run_plans`)."""
    target = parse_target(request.target)
    opts, max_jobs = resolve_options(ws, request)
    phase, jobs = load_jobs(ws, target)
    result = ExecuteResult(
        mode=target.mode, phase=phase.id if phase else None, dry_run=request.dry_run
    )
    if not jobs:
        result.diagnostics.append(
            Diagnostic(
                code="GSD952",
                severity=Severity.WARNING,
                message=f"phase {target.ref} has no plans",
                file=_rel(ws, phase),
            )
        )
        result.exit_code = int(ExitCode.NOTHING_TO_CHECK)
        return result
    deps = dependency_graph(ws, jobs) if target.mode == "phase" else {jobs[0].ref.id: []}
    result.waves = compute_waves(deps)
    if request.dry_run:  # nothing runs, nothing is written: no threads, locks or ledger
        result.runs = [dry_run_plan(ws, job, opts) for job in jobs]
        return result
    outcome = run_plans(ws, jobs, deps, opts, max_jobs=max_jobs, events=events, ask=ask, warm=warm)
    raise_single_plan_error(target, outcome)
    result.runs = outcome.runs
    result.not_started = [
        f"{o.job.ref.id} ({o.blocked})" if o.blocked else o.job.ref.id
        for o in outcome.outcomes
        if o.run is None
    ]
    result.interrupted = outcome.interrupted
    write_reports(result, request)
    result.exit_code = int(exit_code_for(result))
    return result


def dry_run_plan(ws: Workspace, job: PlanJob, opts: ExecOptions) -> PlanRun:
    """What would run, after path mapping; nothing runs and nothing is written."""
    from planner.execution.checkpoint import describe_checkpoint
    from planner.execution.pathmap import map_paths, resolve_pairs
    from planner.execution.plan_exec import new_plan_run, task_run
    from planner.results import (
        CommandResult,
        CommandStatus,
        PlanCheckResult,
        PlanRunStatus,
        TaskStatus,
    )

    run = new_plan_run(ws, job, "dry-run", dry_run=True)
    pairs = resolve_pairs(opts.path_map, ws.root)

    def planned(text: str) -> CommandResult:
        return CommandResult(
            command=text,
            run_command=map_paths(text, pairs),
            cwd=str(ws.root),
            status=CommandStatus.SKIPPED,
            reason="dry run",
        )

    for task in job.plan.tasks:
        tr = task_run(task, TaskStatus.NOT_RUN, reason="dry run")
        if task.is_checkpoint:
            tr.human_check = describe_checkpoint(task)
            tr.reason = "checkpoint: stops for a person unless approved (--yes)"
        elif task.verify is not None:
            tr.commands = [planned(c.text) for c in task.verify.commands]
        if not tr.commands and not task.is_checkpoint:
            tr.reason = "no verify command"
        run.tasks.append(tr)
    truths = [planned(t.verify) for t in job.plan.must_haves.truths if t.verify]
    if truths:
        run.checks = PlanCheckResult(plan_id=job.ref.id, path=run.path, commands=truths)
    run.status = PlanRunStatus.NOTHING_TO_CHECK
    return run


def parse_target(args: Sequence[str]) -> Target:
    words = [a for a in args if a.strip()]
    if words and words[0].lower() == "phase":
        if len(words) != 2:
            raise UsageError(
                "usage: gsd execute phase <N>",
                code="GSD950",
                hint="name one phase, e.g. gsd execute phase 26",
            )
        return Target("phase", words[1])
    if len(words) != 1:
        raise UsageError(
            "usage: gsd execute <plan-ref> | gsd execute phase <N>",
            code="GSD950",
            hint="e.g. gsd execute 26-04",
        )
    return Target("plan", words[0])


def resolve_options(ws: Workspace, request: ExecuteRequest) -> tuple[ExecOptions, int]:
    """Flags win over config.json's gsd section; the plan's own `timeout:` sits between them."""
    config = ws.config()
    if request.attempts < 1:
        raise UsageError(f"--attempts {request.attempts}: must be 1 or more", code="GSD951")
    if request.jobs is not None and request.jobs < 1:
        raise UsageError(f"--jobs {request.jobs}: must be 1 or more", code="GSD951")
    if request.timeout is not None and request.timeout <= 0:
        raise UsageError(f"--timeout {request.timeout:g}: must be positive", code="GSD951")
    pairs = dict(config.path_map)
    for arg in request.map_path:
        old, new = parse_map_arg(arg)
        pairs[old] = new
    lock_wait = _float_env(LOCK_WAIT_ENV, 5.0)
    opts = ExecOptions(
        timeout=request.timeout,
        config_timeout=config.timeout,
        path_map=tuple(pairs.items()),
        agent=request.agent or config.agent,
        agent_timeout=config.agent_timeout or DEFAULT_AGENT_TIMEOUT,
        attempts=request.attempts,
        resume=request.resume,
        dry_run=request.dry_run,
        yes=request.yes,
        write=request.write and not request.dry_run,
        lock_wait=lock_wait,
        command_line=request.command_line or " ".join(["gsd", "execute", *request.target]),
    )
    return opts, request.jobs or config.jobs


def load_jobs(ws: Workspace, target: Target) -> tuple[Phase | None, list[PlanJob]]:
    """Resolve the target and load every plan; a plan with an error diagnostic stops the run."""
    if target.mode == "phase":
        phase: Phase | None = ws.resolve_phase(target.ref)
        assert phase is not None
        refs = phase.plans()
    else:
        ref = ws.resolve_plan(target.ref)
        phase, refs = ref.phase, [ref]
    previous = _previous_verification(phase) if phase else None
    jobs = []
    for ref in refs:
        loaded = load_plan(ref.plan_path)
        errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
        if errors or not isinstance(loaded.doc, Plan):
            first = (
                errors[0]
                if errors
                else Diagnostic(
                    code="GSD954", severity=Severity.ERROR, message="plan cannot be loaded"
                )
            )
            raise GsdError(
                first.message,
                code=first.code,
                file=ws.relpath(ref.plan_path),
                line=first.line,
                col=first.col,
                hint=first.hint or "`gsd lint` lists every problem",
            )
        jobs.append(
            PlanJob(
                ref=ref, plan=loaded.doc, diagnostics=list(loaded.diagnostics), previous=previous
            )
        )
    return phase, jobs


def dependency_graph(ws: Workspace, jobs: Sequence[PlanJob]) -> dict[str, list[str]]:
    """Plan id -> the ids of the plans of this run it depends on. Dependencies on other phases or
    on plans outside the run are already done (or not ours to run): not edges. Cycles: exit 3."""
    ids = {j.ref.id for j in jobs}
    deps: dict[str, list[str]] = {}
    for job in jobs:
        edges: list[str] = []
        for entry in job.plan.frontmatter.depends_on:
            from planner.lint.graph import resolve_dependency  # only when there are dependencies

            try:
                target = resolve_dependency(ws, job.ref, entry)
            except GsdError as exc:
                raise GsdError(
                    f"{job.ref.id} depends_on {entry!r}: {exc.message}",
                    code="GSD953",
                    file=ws.relpath(job.ref.plan_path),
                    hint="write a plan id (26-04) or a plan number of this phase",
                    candidates=exc.candidates,
                ) from None
            if isinstance(target, PlanRef) and target.id in ids and target.id not in edges:
                edges.append(target.id)
        deps[job.ref.id] = edges
    compute_waves(deps)  # raises GSD221 on a cycle, before anything runs
    return deps


def raise_single_plan_error(target: Target, outcome: PhaseOutcome) -> None:
    """A bug in a worker is re-raised here; so is a plan's own error when it is the only plan
    (`gsd execute 26-04` while another process runs 26-04: one line naming the holder, exit 1)."""
    for o in outcome.outcomes:
        if o.bug is not None:
            raise o.bug
    if target.mode == "plan" and outcome.outcomes and outcome.outcomes[0].error is not None:
        raise outcome.outcomes[0].error


def write_reports(result: ExecuteResult, request: ExecuteRequest) -> None:
    if request.junit is None or request.dry_run:
        return
    from planner.reports.junit import execute_suites, write_junit

    write_junit(
        request.junit,
        execute_suites([(r.plan_id, all_commands(r)) for r in result.runs]),
        "gsd execute",
    )


def all_commands(run: PlanRun) -> list[CommandResult]:
    commands = [c for t in run.tasks for c in t.commands]
    return commands + (list(run.checks.commands) if run.checks is not None else [])


def exit_code_for(result: ExecuteResult) -> ExitCode:
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if result.dry_run:
        return ExitCode.OK
    codes = [
        ExitCode(r.exit_code if r.exit_code is not None else ExitCode.FAILED) for r in result.runs
    ]
    for worst in (ExitCode.FAILED, ExitCode.BAD_INPUT):
        if worst in codes:
            return worst
    if not codes or all(c is ExitCode.NOTHING_TO_CHECK for c in codes):
        return ExitCode.NOTHING_TO_CHECK
    if any(c in (ExitCode.HUMAN_NEEDED, ExitCode.NOTHING_TO_CHECK) for c in codes):
        return ExitCode.HUMAN_NEEDED
    return ExitCode.OK


def _previous_verification(phase: Phase) -> Verification | None:
    """The phase's VERIFICATION.md: its overrides (a person's accepted decisions) count here too."""
    path = phase.verification_path
    if path is None:
        return None
    loaded = load_verification(path)
    return loaded.doc if isinstance(loaded.doc, Verification) else None


def _float_env(name: str, default: float) -> float:
    try:
        return max(float(os.environ[name]), 0.0)
    except (KeyError, ValueError):
        return default


def _rel(ws: Workspace, phase: Phase | None) -> str | None:
    return ws.relpath(phase.dir) if phase else None
