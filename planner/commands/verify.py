"""`gsd verify phase <N>` and `gsd verify plan <ref>`: check must-haves, write VERIFICATION.md.

The run is a list of named steps (`STEPS`), each a small function:

    resolve scope -> load -> run commands -> check -> completeness -> judge -> build report
    -> write -> exit code

- resolve scope: the phase (every plan in it) or one plan; options merged with config.json
  (`--jobs` > gsd.jobs; `--timeout` > the plan's `timeout:` > gsd.timeout (300); path_map from
  config, then each `--map-path`).
- load: every plan in scope and the phase's existing VERIFICATION.md (the `previous` report:
  re-verification and overrides). A plan that cannot be loaded at all (unreadable, empty, binary,
  frontmatter that is not YAML) is bad input: GsdError GSD900, exit 3. Lesser errors in a plan
  (a must-have of the wrong type, an unclosed task) stay on its result and become gaps.
- run commands (not with `--static`): fresh evidence, never trusted from an earlier run. Each
  plan's auto tasks' `<verify>` commands (in task order), then its `<verification>` commands and
  its truths' `verify:` commands; one plan's commands in order, plans in parallel up to `--jobs`,
  each under the same runner, timeout and path map (planner.verify.commands). Every command is
  recorded in the ledger under this verify run's id: task commands with kind `verify` and their
  task index (they are the tasks' latest results from then on), the others with kind
  `verification` / `truth`. A task's `<done>` lines that claim an absence (`No "X" errors`) are
  checked against its commands' output. Checkpoint tasks are never run: each becomes a human
  verification item (what was built, how to verify). With `--static` nothing runs and no process
  is started: task results are the ledger's latest (from `gsd execute` or an earlier verify).
- check: artifacts, key links, truths (planner.checks.engine) with the truth command results, the
  task results (this run's, or the ledger's with `--static`) and the previous report's
  overrides. A task whose verify commands did not all pass is a gap of its own (with the
  command, verdict and FAIL lines or output tail), even when no truth maps to it; a command that
  is already the evidence of a truth gap is not listed again (planner.reports.phase_items).
  The Commands Run table lists task commands with their task index.
- completeness: plans without a SUMMARY; files and commits each SUMMARY claims
  (planner.verify.completeness). With `verify plan`, only that plan's.
- judge (`--agent CMD` only, even with `--static`; config's gsd.agent is for `execute` and never
  used here, so a plain `gsd verify` calls no LLM): UNCERTAIN truths go to the agent, answers
  recorded as judged (planner.verify.agent_judge).
- write-time rule (planner.verify.report): a re-run with unchanged results keeps the existing
  report's re_verification, so the file stays byte-identical; comparison diagnostics (GSD70x) go
  to stderr, not into the report.
- build report: planner.reports.phase rules (status, score, gaps, human items, re-verification).
- write: the phase's VERIFICATION.md (the existing file's name, else `NN-VERIFICATION.md`),
  untouched when the results did not change. `--no-write` skips it; `verify plan` never writes
  the phase report (one plan's results are not the phase's verdict); a phase with no plans is not
  written either. `--junit FILE` is written in every case.
- exit code: 0 passed, 1 gaps found, 4 human needed, 5 nothing to check. Unknown references and
  unloadable plans raise GsdError (3); Ctrl-C raises Interrupted (130) before anything is written,
  after every command's process group has been killed (the whole run is under interrupt_guard).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from planner.documents.models import Verification
from planner.errors import Diagnostic, ExitCode, UsageError
from planner.records import record
from planner.reports.phase import PhaseVerification, VerificationStatus, plan_status
from planner.results import PlanCheckResult
from planner.verify.render import github_lines, messages, text_lines
from planner.verify.report import WriteState
from planner.workspace import Phase, PlanRef, Workspace

if TYPE_CHECKING:
    from planner.reports.phase import CompletenessFinding
    from planner.verify.commands import BatchResult
    from planner.verify.loading import LoadedPlan

CODES = {
    "GSD902": "--jobs must be at least 1 and --timeout more than 0",
}


@record(frozen=True)
class VerifyOptions:
    static: bool = False
    jobs: int | None = None
    timeout: float | None = None
    map_paths: Sequence[str] = ()
    agent: str | None = None
    write: bool = True
    junit: Path | None = None
    command_line: str = "gsd verify"
    verified_at: str | None = None  # fixed report time (tests); default: now


@record
class Scope:
    phase: Phase
    plans: list[PlanRef]
    whole_phase: bool


@record
class Settings:
    jobs: int
    default_timeout: float
    path_map: tuple[tuple[str, str], ...]
    agent: str | None
    agent_timeout: float


@record
class Run:
    """Everything the steps hand to each other."""

    ws: Workspace
    scope: Scope
    options: VerifyOptions
    settings: Settings | None = None
    plans: list[LoadedPlan] = field(default_factory=list)
    previous: Verification | None = None
    commands: dict[str, BatchResult] = field(default_factory=dict)  # by plan id
    command_diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    results: list[PlanCheckResult] = field(default_factory=list)
    completeness: list[CompletenessFinding] = field(default_factory=list)
    requirements_completed: dict[str, list[str]] = field(default_factory=dict)  # by plan id
    diagnostics: list[Diagnostic] = field(default_factory=list)  # report-level
    messages: list[Diagnostic] = field(default_factory=list)  # stderr only
    run_id: str = ""
    git: tuple[str | None, bool | None] = (None, None)
    report: PhaseVerification | None = None
    write_state: WriteState = WriteState.NO_WRITE
    report_path: Path | None = None
    junit_path: Path | None = None


@record
class VerifyOutcome:
    report: PhaseVerification
    whole_phase: bool
    report_path: str | None
    write_state: WriteState
    junit_path: str | None
    messages: list[Diagnostic]
    root: Path
    plans: list[LoadedPlan] = field(default_factory=list, repr=False)

    @property
    def exit_code(self) -> ExitCode:
        return self.report.exit_code

    @property
    def plan_locations(self) -> dict[tuple[str, str], tuple[str, int | None]]:
        """Where each must-have is written in its plan (for GitHub annotations), on demand."""
        from planner.verify.github import plan_locations

        locations: dict[tuple[str, str], tuple[str, int | None]] = {}
        for lp in self.plans:
            locations.update(plan_locations(lp.plan, lp.ref.id))
        return locations


# ---------------------------------------------------------------------------------------------
# Entry points


def verify_phase(ws: Workspace, ref: str, options: VerifyOptions) -> VerifyOutcome:
    phase = ws.resolve_phase(ref)
    return _run(Run(ws, Scope(phase, list(phase.plans()), whole_phase=True), options))


def verify_plan(ws: Workspace, ref: str, options: VerifyOptions) -> VerifyOutcome:
    plan = ws.resolve_plan(ref)
    return _run(Run(ws, Scope(plan.phase, [plan], whole_phase=False), options))


def _run(run: Run) -> VerifyOutcome:
    from planner.execution.procs import interrupt_guard
    from planner.gcpause import collector_paused

    # Plans, parsed sources and results all live until the report: see gcpause.
    with interrupt_guard(), collector_paused():
        for step in STEPS:
            step(run)
    assert run.report is not None
    return _outcome(run)


# ---------------------------------------------------------------------------------------------
# Steps


def resolve_settings(run: Run) -> None:
    opts, config = run.options, run.ws.config()
    jobs = opts.jobs if opts.jobs is not None else config.jobs
    if jobs < 1 or (opts.timeout is not None and opts.timeout <= 0):
        raise UsageError(
            f"--jobs {jobs} / --timeout {opts.timeout}: out of range",
            code="GSD902",
            hint="--jobs N with N >= 1, --timeout S with S > 0 (seconds)",
        )
    pairs = list(config.path_map.items())
    if opts.map_paths:
        from planner.execution.pathmap import parse_map_arg

        pairs += [parse_map_arg(a) for a in opts.map_paths]
    default_timeout = opts.timeout if opts.timeout is not None else config.timeout
    run.settings = Settings(
        jobs=jobs,
        default_timeout=default_timeout,
        path_map=tuple(pairs),
        agent=opts.agent,
        agent_timeout=config.agent_timeout or default_timeout,
    )


def load(run: Run) -> None:
    from planner.verify.loading import load_plans, load_previous

    run.plans = load_plans(run.ws, run.scope.plans)
    run.previous, notes = load_previous(run.ws, run.scope.phase)
    run.messages += notes


def run_commands(run: Run) -> None:
    assert run.settings is not None
    if run.options.static:
        # Nothing runs: the truths' verify: texts are only read, for their diagnostics.
        from planner.verify.evidence import truth_commands

        for lp in run.plans:
            diagnostics: list[Diagnostic] = []
            truth_commands(lp.plan, diagnostics)
            run.command_diagnostics[lp.ref.id] = diagnostics
        if run.settings.agent:  # the judge records its calls under this run's id
            from planner.execution.gitstate import git_state
            from planner.execution.jobs import new_run_id

            run.run_id = new_run_id()
            run.git = git_state(run.ws.root)
        return
    from planner.execution.gitstate import git_state
    from planner.execution.ledger import Ledger
    from planner.verify.commands import RunSettings, collect, run_batches

    batches = []
    for lp in run.plans:
        timeout = run.options.timeout or lp.plan.frontmatter.timeout or run.settings.default_timeout
        batch = collect(lp.plan, lp.ref.id, run.scope.phase.id, timeout)
        run.command_diagnostics[lp.ref.id] = batch.diagnostics
        batches.append(batch)
    ledger = Ledger(run.ws.planning)
    run.run_id = ledger.new_run_id()
    needs_git = any(b.commands for b in batches) or bool(run.settings.agent)
    run.git = git_state(run.ws.root) if needs_git else (None, None)
    settings = RunSettings(
        root=run.ws.root,
        jobs=run.settings.jobs,
        path_map=run.settings.path_map,
        ledger=ledger,
        run_id=run.run_id,
        command_line=run.options.command_line,
        git_head=run.git[0],
        git_dirty=run.git[1],
    )
    run.commands = dict(run_batches(batches, settings))


def check(run: Run) -> None:
    from planner.checks.engine import CheckContext, check_plan
    from planner.verify.evidence import checkpoint_checks

    ctx = CheckContext.create(run.ws.root, previous=run.previous)
    if run.options.static:
        from planner.verify.evidence import latest_task_results, ledger_task_checks

        # With --static, task results are the ledger's latest (read when the project has one).
        latest = latest_task_results(run.ws.planning, [lp.ref.id for lp in run.plans])
    else:
        from planner.results import TaskCheck
        from planner.verify.commands import BatchResult
    for lp in run.plans:
        if run.options.static:
            tasks = latest[lp.ref.id]
            result = check_plan(lp.plan, lp.ref.id, ctx.for_plan(task_results=tasks))
            result.tasks = ledger_task_checks(lp.plan, tasks)
        else:  # this run's fresh results
            commands = run.commands.get(lp.ref.id) or BatchResult()
            plan_ctx = ctx.for_plan(
                task_results=commands.task_entries, command_results=commands.by_truth
            )
            result = check_plan(lp.plan, lp.ref.id, plan_ctx)
            result.commands = list(commands.results)
            result.tasks = [
                TaskCheck(index=t.index, name=t.name, commands=commands.by_task[t.index])
                for t in lp.plan.tasks
                if t.index in commands.by_task
            ]
        result.human += checkpoint_checks(lp.plan, lp.ref.id)
        result.diagnostics = [
            *lp.diagnostics,
            *run.command_diagnostics.get(lp.ref.id, []),
            *result.diagnostics,
        ]
        run.results.append(result)


def completeness(run: Run) -> None:
    from planner.verify.completeness import PlanSummary, check_completeness

    found = check_completeness(
        run.ws.root,
        [
            PlanSummary(
                lp.ref.id, lp.rel_path, lp.ref.summary_path, run.ws.relpath(lp.ref.summary_path)
            )
            for lp in run.plans
        ],
    )
    run.completeness = list(found.findings)
    run.requirements_completed = found.requirements_completed
    run.diagnostics += found.diagnostics


def judge(run: Run) -> None:
    assert run.settings is not None
    if not run.settings.agent:
        return
    from planner.execution.ledger import Ledger
    from planner.verify.agent_judge import AgentSettings
    from planner.verify.agent_judge import judge as ask_agent

    settings = AgentSettings(
        command=run.settings.agent,
        root=run.ws.root,
        timeout=run.settings.agent_timeout,
        jobs=run.settings.jobs,
        ledger=Ledger(run.ws.planning),
        run_id=run.run_id,
        phase_id=run.scope.phase.id,
        git_head=run.git[0],
        git_dirty=run.git[1],
    )
    ask_agent(
        [(lp.plan, lp.ref.id, r) for lp, r in zip(run.plans, run.results, strict=True)], settings
    )


def build_report(run: Run) -> None:
    from planner.reports.phase import build_phase_verification
    from planner.reports.requirements import RequirementInputs, requirement_texts
    from planner.roadmap import load_roadmap
    from planner.verify.report import split_comparison_diagnostics

    phase = run.scope.phase
    known = load_roadmap(run.ws.planning).get(phase.number)
    findings = run.completeness
    previous = run.previous if run.scope.whole_phase else None
    pv = build_phase_verification(
        phase=phase.dir.name,
        plans=run.results,
        phase_number=phase.id,
        phase_name=(known.name if known and known.name else None),
        goal=known.goal if known else None,
        completeness=findings,
        previous=previous,
        # `verify plan` does not compare with the phase report, but keeps its overrides in view.
        overrides=run.previous.overrides if run.previous is not None and previous is None else (),
        verified_at=run.options.verified_at,
        diagnostics=run.diagnostics,
        requirements=RequirementInputs(
            claims={lp.ref.id: lp.plan.frontmatter.requirements for lp in run.plans},
            # `verify plan` covers what its plans claim, not the whole phase's list.
            phase_requirements=known.requirements if known and run.scope.whole_phase else (),
            texts=requirement_texts(run.ws.planning),
            completed=run.requirements_completed,
        ),
    )
    pv, about_previous = split_comparison_diagnostics(pv)
    run.messages += about_previous
    run.report = pv
    _end_ledger_runs(run)


def _end_ledger_runs(run: Run) -> None:
    """Close the runs `run_commands` started (none with --static: nothing ran)."""
    if run.options.static:
        return
    from planner.execution.ledger import Ledger, RunStatus

    statuses = {
        VerificationStatus.PASSED: RunStatus.PASSED,
        VerificationStatus.GAPS_FOUND: RunStatus.FAILED,
        VerificationStatus.HUMAN_NEEDED: RunStatus.HUMAN_NEEDED,
        VerificationStatus.NOTHING_TO_CHECK: RunStatus.NOTHING_TO_CHECK,
    }
    assert run.report is not None
    ledger = Ledger(run.ws.planning)
    for result in run.report.plans:
        if result.commands or result.tasks:
            status = plan_status(result, run.report.completeness)
            ledger.end_run(run.run_id, result.plan_id, statuses[status])


def write(run: Run) -> None:
    from planner.verify.report import settle, write_report

    assert run.report is not None
    phase = run.scope.phase
    run.report_path = phase.verification_target
    if not run.scope.whole_phase:
        run.write_state = WriteState.PLAN_SCOPE
    elif not run.plans:
        run.write_state = WriteState.NO_PLANS
    elif not run.options.write:
        run.write_state = WriteState.NO_WRITE
    else:
        run.report = settle(run.report, run.previous, run.report_path)
        run.write_state = write_report(run.report_path, run.report)
    if run.options.junit is not None:
        from planner.reports.junit import verification_suites, write_junit

        run.junit_path = Path(run.options.junit)
        write_junit(run.junit_path, verification_suites(run.report), name=f"gsd verify {phase.id}")


STEPS: tuple[Callable[[Run], None], ...] = (
    resolve_settings,
    load,
    run_commands,
    check,
    completeness,
    judge,
    build_report,
    write,
)


# ---------------------------------------------------------------------------------------------
# Helpers


def _outcome(run: Run) -> VerifyOutcome:
    assert run.report is not None
    return VerifyOutcome(
        report=run.report,
        whole_phase=run.scope.whole_phase,
        report_path=run.ws.relpath(run.report_path) if run.report_path else None,
        write_state=run.write_state,
        junit_path=str(run.junit_path) if run.junit_path else None,
        messages=run.messages,
        root=run.ws.root,
        plans=run.plans,
    )


__all__ = [
    "CODES",
    "STEPS",
    "VerifyOptions",
    "VerifyOutcome",
    "WriteState",
    "github_lines",
    "messages",
    "text_lines",
    "verify_phase",
    "verify_plan",
]
