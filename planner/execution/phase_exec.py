"""Run plans in dependency order, in parallel threads: `run_plans(...) -> PhaseOutcome`.

A plan starts once every plan it depends on has finished (whatever its verdict: the dependent's
own checks say whether the work holds), at most `max_jobs` at a time; among the plans that may
start, earlier waves (then plan order) go first. Each plan holds its lock while it runs.

The main thread only schedules, answers checkpoint questions (`ApprovalBroker`) and takes
Ctrl-C: `procs.interrupt_guard` kills every running command group, the main thread cancels the
run (`RunControl`), refuses open questions, waits for the workers to notice (their commands come
back `interrupted`, no SUMMARY is written, each ledger run ends `interrupted`), and returns with
`interrupted=True`. Plans not yet started are left alone.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from planner.errors import Diagnostic, GsdError, Interrupted, Severity
from planner.execution import procs
from planner.execution.checkpoint import ApprovalBroker, Question
from planner.execution.lock import plan_lock
from planner.execution.plan_exec import (
    ExecEvents,
    ExecOptions,
    PlanJob,
    RunControl,
    execute_plan,
    new_plan_run,
    utc_now,
)
from planner.results import PlanRun, PlanRunStatus
from planner.workspace import Workspace

_POLL = 0.5  # seconds between looks at the inbox when nothing arrives (signals wake it anyway)


@dataclass
class PlanOutcome:
    job: PlanJob
    run: PlanRun | None = None  # None: not started (the run was interrupted first)
    error: GsdError | None = None  # e.g. the plan is locked by another execution
    bug: BaseException | None = None  # anything else: re-raised by the caller
    blocked: str | None = None  # not started: a dependency stopped short (checkpoint, error)


@dataclass
class PhaseOutcome:
    outcomes: list[PlanOutcome]  # in the order of the jobs given
    interrupted: bool = False

    @property
    def runs(self) -> list[PlanRun]:
        return [o.run for o in self.outcomes if o.run is not None]


def run_plans(
    ws: Workspace,
    jobs: Sequence[PlanJob],
    deps: Mapping[str, Sequence[str]],
    opts: ExecOptions,
    *,
    max_jobs: int,
    events: ExecEvents | None = None,
    ask: Callable[[str], bool] | None = None,
) -> PhaseOutcome:
    """Run `jobs` (ids in `deps` are `job.ref.id`; `deps` must be acyclic: see `waves`)."""
    return _Scheduler(
        ws, list(jobs), deps, opts, max(max_jobs, 1), events or ExecEvents(), ask
    ).run()


WARM_UP_DELAY = 1.0  # seconds: plans without commands still get their imports warmed


def warm_up(cancel: threading.Event | None = None) -> None:
    """Import and compile what a plan needs after its commands (must-have checks, the SUMMARY
    writer and its templates), in a background thread while the first commands run: those
    imports then cost no wall time at the end of the run. It starts once a command is running
    (or after `WARM_UP_DELAY`), so it never holds the interpreter while the plans start their
    first commands, and not at all when `cancel` is set first (the run is over). A failure here
    is left for the real use to report."""
    waited = 0.0
    while not procs.spawned.wait(0.02) and waited < WARM_UP_DELAY:
        if cancel is not None and cancel.is_set():
            return
        waited += 0.02
    try:
        from planner.checks import engine  # noqa: F401
        from planner.gitops import fromgit, hooks  # noqa: F401
        from planner.reports import summary_md, summary_sections
        from planner.reports.templates import environment

        env = environment()
        for name in (summary_md.TEMPLATE, *summary_sections.SECTION_TEMPLATES):
            env.get_template(name)
    except Exception:  # the real use reports it
        return


def error_run(ws: Workspace, job: PlanJob, exc: GsdError) -> PlanRun:
    """A plan that could not run at all (its lock is held elsewhere, say), as a failed PlanRun."""
    run = new_plan_run(ws, job, "not-run")
    run.completed_at = utc_now()
    run.diagnostics.append(
        Diagnostic(
            code=exc.code,
            severity=Severity.ERROR,
            message=exc.message,
            file=exc.file,
            line=exc.line,
            hint=exc.hint,
        )
    )
    run.exit_code = int(exc.exit_code)
    run.status = PlanRunStatus.FAILED
    return run


class _Scheduler:
    def __init__(
        self,
        ws: Workspace,
        jobs: list[PlanJob],
        deps: Mapping[str, Sequence[str]],
        opts: ExecOptions,
        max_jobs: int,
        events: ExecEvents,
        ask: Callable[[str], bool] | None,
    ) -> None:
        self.ws, self.jobs, self.opts, self.max_jobs, self.events = ws, jobs, opts, max_jobs, events
        self.waiting = {j.ref.id: set(deps.get(j.ref.id, ())) for j in jobs}
        self.inbox: queue.Queue[tuple[str, object]] = queue.Queue()
        self.broker = ApprovalBroker(ask, self.inbox)
        self.control = RunControl()
        self.outcomes: dict[str, PlanOutcome] = {}
        self.futures: dict[str, Future[PlanOutcome]] = {}

    def run(self) -> PhaseOutcome:
        interrupted = False
        over = threading.Event()
        warming = threading.Thread(target=warm_up, args=(over,), name="gsd-warm-up", daemon=True)
        warming.start()
        with ThreadPoolExecutor(self.max_jobs, thread_name_prefix="gsd-plan") as pool:
            try:
                with procs.interrupt_guard():
                    try:
                        self.loop(pool)
                    except Interrupted:
                        interrupted = True
                        self.broker.close()
                        self.control.cancel()
                        self.drain()  # inside the guard: commands starting now are refused
            finally:
                self.control.cancel()  # a bug in the loop: let the workers stop early
        over.set()
        warming.join()  # never still importing while the interpreter shuts down
        # The futures are the truth (a "done" message may be lost to a signal mid-receive).
        for plan_id, future in self.futures.items():
            self.outcomes[plan_id] = future.result()
        ordered = [self.outcomes.get(j.ref.id, PlanOutcome(j)) for j in self.jobs]
        return PhaseOutcome(ordered, interrupted)

    def loop(self, pool: ThreadPoolExecutor) -> None:
        while len(self.outcomes) < len(self.jobs):
            self.start_ready(pool)
            if len(self.outcomes) < len(self.jobs) and all(
                p in self.outcomes for p in self.futures
            ):
                raise AssertionError("no plan can start: the dependency graph was not checked")
            self.receive(block=True)
            self.collect()

    def collect(self) -> None:
        """Record finished plans from their futures ("done" messages only wake us up)."""
        for plan_id, future in self.futures.items():
            if plan_id not in self.outcomes and future.done():
                self.outcomes[plan_id] = future.result()

    def start_ready(self, pool: ThreadPoolExecutor) -> None:
        for job in self.jobs:
            plan_id = job.ref.id
            if (
                plan_id in self.futures
                or plan_id in self.outcomes
                or self.waiting[plan_id] - set(self.outcomes)
            ):
                continue
            why = self.blocked_by(plan_id)
            if why:
                self.outcomes[plan_id] = PlanOutcome(job, blocked=why)
                continue
            if sum(1 for p in self.futures if p not in self.outcomes) >= self.max_jobs:
                return
            self.futures[plan_id] = pool.submit(self.work, job)

    def blocked_by(self, plan_id: str) -> str | None:
        """A plan waits for its dependencies to end; one that stopped short (at a checkpoint,
        on an error, or itself blocked) did not finish its work, so the dependent does not start."""
        for dep in sorted(self.waiting[plan_id]):
            o = self.outcomes[dep]
            if o.blocked or o.error or o.run is None:
                return f"{dep} did not run"
            if o.run.status is PlanRunStatus.AWAITING_HUMAN:
                return f"{dep} is awaiting a person"
        return None

    def receive(self, *, block: bool, refuse: bool = False) -> None:
        try:
            _kind, payload = self.inbox.get(timeout=_POLL if block else 0)
        except queue.Empty:
            return
        if isinstance(payload, Question):
            if refuse:
                self.broker.refuse(payload)
            else:
                self.broker.serve(payload)

    def drain(self) -> None:
        while any(not f.done() for f in self.futures.values()):
            self.receive(block=True, refuse=True)
        while True:  # questions asked just before the broker closed
            try:
                _, payload = self.inbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(payload, Question):
                self.broker.refuse(payload)

    def work(self, job: PlanJob) -> PlanOutcome:
        outcome = PlanOutcome(job)
        try:
            if not self.control.cancelled():  # else interrupted before it started: not run
                with self.locked(job):
                    outcome.run = execute_plan(
                        self.ws,
                        job,
                        self.opts,
                        control=self.control,
                        events=self.events,
                        approver=self.broker,
                    )
        except GsdError as exc:
            outcome.error = exc
            outcome.run = error_run(self.ws, job, exc)
            self.events.plan_error(outcome.run)
        except BaseException as exc:  # a bug: carried to the main thread and re-raised there
            outcome.bug = exc
        finally:
            self.inbox.put(("done", outcome))
        return outcome

    @contextlib.contextmanager
    def locked(self, job: PlanJob) -> Iterator[None]:
        with plan_lock(
            self.ws.planning, job.ref.id, self.opts.lock_wait, command=self.opts.command_line
        ):
            yield
