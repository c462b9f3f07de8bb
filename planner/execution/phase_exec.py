"""Run plans in dependency order, in parallel threads: `run_plans(...) -> PhaseOutcome`.

A plan starts once every plan it depends on has finished (whatever its verdict: the dependent's
own checks say whether the work holds), at most `max_jobs` at a time; among the plans that may
start, earlier waves (then plan order) go first. Each plan holds its lock while it runs.

The main thread only schedules, answers checkpoint questions (`ApprovalBroker`) and takes
Ctrl-C: `procs.interrupt_guard` kills every running command group, the main thread cancels the
run (`RunControl`), refuses open questions, waits for the workers to notice (their commands come
back `interrupted`, no SUMMARY is written, each ledger run ends `interrupted`), and returns with
`interrupted=True`. Plans not yet started are left alone.

Start-up: each worker takes its plan's lock and starts the plan's first command at once
(`launch.early_start`), before the result models, the ledger, the must-have checks and the SUMMARY
writer are imported. Those imports happen in a warm-up thread once the first plans have started
their commands (`_LaunchGate`), and the workers wait for the part they need (`_Warm.ready`), so
the imports overlap the commands instead of holding the interpreter while the plans start.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from planner.errors import Diagnostic, GsdError, Interrupted, Severity
from planner.execution import procs
from planner.execution.checkpoint import ApprovalBroker, Question
from planner.execution.jobs import ExecEvents, ExecOptions, PlanJob, RunControl, utc_now
from planner.execution.launch import EarlyStart, early_start
from planner.execution.lock import plan_lock

if TYPE_CHECKING:
    from planner.results import PlanRun
    from planner.workspace import Workspace

_POLL = 0.5  # seconds between looks at the inbox when nothing arrives (signals wake it anyway)


# Plain classes rather than dataclasses here and in `launch`: making a dataclass costs 1-3 ms,
# and these are made before the first command starts.
class PlanOutcome:
    __slots__ = ("blocked", "bug", "error", "job", "run")

    def __init__(self, job: PlanJob, *, blocked: str | None = None) -> None:
        self.job = job
        self.run: PlanRun | None = None  # None: not started (the run was interrupted first)
        self.error: GsdError | None = None  # e.g. the plan is locked by another execution
        self.bug: BaseException | None = None  # anything else: re-raised by the caller
        self.blocked = blocked  # not started: a dependency stopped short (checkpoint, error)


class PhaseOutcome:
    __slots__ = ("interrupted", "outcomes")

    def __init__(self, outcomes: list[PlanOutcome], interrupted: bool = False) -> None:
        self.outcomes = outcomes  # in the order of the jobs given
        self.interrupted = interrupted

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
    warm: Sequence[Callable[[], object]] = (),
) -> PhaseOutcome:
    """Run `jobs` (ids in `deps` are `job.ref.id`; `deps` must be acyclic: see `waves`).

    `warm`: more start-up work for the warm-up thread, after the plans' own (say, building the
    reporter that `events` defers to)."""
    return _Scheduler(
        ws, list(jobs), deps, opts, max(max_jobs, 1), events or ExecEvents(), ask, tuple(warm)
    ).run()


GATE_WAIT = 0.3  # seconds the warm-up waits at most for the first plans to start their commands


class _LaunchGate:
    """Opens once each plan of the first batch has started its first command (or found it
    cannot), so that the warm-up's imports do not compete with the plans still starting."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._expected: int | None = None
        self._arrived = 0
        self.closed = False  # the run is over: nobody needs to wait any more

    def expect(self, count: int) -> None:
        """The size of the first batch; later calls change nothing."""
        with self._cond:
            if self._expected is None:
                self._expected = count
                self._cond.notify_all()

    def arrive(self) -> None:
        with self._cond:
            self._arrived += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """True when open; False after `timeout` s or once closed."""
        with self._cond:
            self._cond.wait_for(
                lambda: self.closed or self._open(),
                timeout,
            )
            return self._open() and not self.closed

    def _open(self) -> bool:
        return self._expected is not None and self._arrived >= self._expected


class _Warm:
    """The warm-up thread: imports and compiles what the plans need after their first command,
    while the first commands run. `ready` is set once what a plan needs to go on (the plan
    runner and its result models) is there; the workers wait for it rather than import it
    alongside. A failure here is left for the real use to report."""

    def __init__(self, gate: _LaunchGate, extra: Sequence[Callable[[], object]]) -> None:
        self.gate, self.extra = gate, extra
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.run, name="gsd-warm-up", daemon=True)

    def run(self) -> None:
        try:
            if not self.gate.wait(GATE_WAIT) and self.gate.closed:
                return  # the run is over
            with contextlib.suppress(Exception):
                warm_plan_runner()
        finally:
            self.ready.set()
        with contextlib.suppress(Exception):
            warm_up()
            for step in self.extra:
                step()


def warm_plan_runner() -> None:
    """What a worker needs right after its first command started: the plan runner (result
    models, ledger, runner)."""
    from planner.execution import ledger, plan_exec  # noqa: F401


def warm_up() -> None:
    """Import and compile what a plan needs after its commands (must-have checks, the SUMMARY
    writer and its templates): those imports then cost no wall time at the end of the run."""
    from planner.checks import engine  # noqa: F401
    from planner.gitops import fromgit, hooks  # noqa: F401
    from planner.reports import summary_md, summary_sections
    from planner.reports.templates import environment

    env = environment()
    for name in (summary_md.TEMPLATE, *summary_sections.SECTION_TEMPLATES):
        env.get_template(name)


def error_run(ws: Workspace, job: PlanJob, exc: GsdError) -> PlanRun:
    """A plan that could not run at all (its lock is held elsewhere, say), as a failed PlanRun."""
    from planner.execution.plan_exec import new_plan_run
    from planner.results import PlanRunStatus

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


class _Worker:
    """One plan's thread, with what it returned (a thread per plan, at most `max_jobs` at a
    time: no thread pool, whose import costs 10 ms before the first command starts)."""

    def __init__(self, work: Callable[[PlanJob], PlanOutcome], job: PlanJob, number: int) -> None:
        self._work, self._job = work, job
        self._outcome: PlanOutcome | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"gsd-plan_{number}")
        self.thread.start()

    def _run(self) -> None:
        try:
            self._outcome = self._work(self._job)
        except BaseException as exc:  # `work` catches everything: this is a safety net
            self._error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> PlanOutcome:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome


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
        warm: Sequence[Callable[[], object]] = (),
    ) -> None:
        self.ws, self.jobs, self.opts, self.max_jobs, self.events = ws, jobs, opts, max_jobs, events
        self.waiting = {j.ref.id: set(deps.get(j.ref.id, ())) for j in jobs}
        self.inbox: queue.Queue[tuple[str, object]] = queue.Queue()
        self.broker = ApprovalBroker(ask, self.inbox)
        self.control = RunControl()
        self.outcomes: dict[str, PlanOutcome] = {}
        self.futures: dict[str, _Worker] = {}
        self.gate = _LaunchGate()
        self.warm = _Warm(self.gate, warm)

    def run(self) -> PhaseOutcome:
        interrupted = False
        self.warm.thread.start()
        try:
            try:
                with procs.interrupt_guard():
                    try:
                        self.loop()
                    except Interrupted:
                        interrupted = True
                        self.broker.close()
                        self.control.cancel()
                        self.drain()  # inside the guard: commands starting now are refused
            finally:
                self.control.cancel()  # a bug in the loop: let the workers stop early
        finally:
            for worker in self.futures.values():
                worker.thread.join()
        self.gate.close()
        self.warm.thread.join()  # never still importing while the interpreter shuts down
        # The futures are the truth (a "done" message may be lost to a signal mid-receive).
        for plan_id, future in self.futures.items():
            self.outcomes[plan_id] = future.result()
        ordered = [self.outcomes.get(j.ref.id, PlanOutcome(j)) for j in self.jobs]
        return PhaseOutcome(ordered, interrupted)

    def loop(self) -> None:
        while len(self.outcomes) < len(self.jobs):
            self.start_ready()
            self.gate.expect(len(self.futures))
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

    def start_ready(self) -> None:
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
            self.futures[plan_id] = _Worker(self.work, job, len(self.futures))

    def blocked_by(self, plan_id: str) -> str | None:
        """A plan waits for its dependencies to end; one that stopped short (at a checkpoint,
        on an error, or itself blocked) did not finish its work, so the dependent does not start."""
        for dep in sorted(self.waiting[plan_id]):
            o = self.outcomes[dep]
            if o.blocked or o.error or o.run is None:
                return f"{dep} did not run"
            if o.run.status.value == "awaiting_human":  # PlanRunStatus: no results import here
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
        arrived = False
        try:
            if not self.control.cancelled():  # else interrupted before it started: not run
                with self.locked(job):
                    early = early_start(self.ws.root, job, self.opts, self.control)
                    self.gate.arrive()
                    arrived = True
                    outcome.run = self.execute(job, early)
        except GsdError as exc:
            outcome.error = exc
            outcome.run = error_run(self.ws, job, exc)
            self.events.plan_error(outcome.run)
        except BaseException as exc:  # a bug: carried to the main thread and re-raised there
            outcome.bug = exc
        finally:
            if not arrived:
                self.gate.arrive()
            self.inbox.put(("done", outcome))
        return outcome

    def execute(self, job: PlanJob, early: EarlyStart | None) -> PlanRun:
        try:
            self.warm.ready.wait()  # set in a `finally`: it comes
            from planner.execution.plan_exec import execute_plan

            return execute_plan(
                self.ws,
                job,
                self.opts,
                control=self.control,
                events=self.events,
                approver=self.broker,
                early=early,
            )
        finally:
            if early is not None:
                early.discard()  # not taken over (a bug on the way): the command must not linger

    @contextlib.contextmanager
    def locked(self, job: PlanJob) -> Iterator[None]:
        with plan_lock(
            self.ws.planning, job.ref.id, self.opts.lock_wait, command=self.opts.command_line
        ):
            yield
