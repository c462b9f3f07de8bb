"""`gsd execute` without typer: the command line shapes agents and scripts use, parsed here.

    parsed = parse_args(["phase", "26", "--jobs", "8"])   # None: not a shape taken here
    request, json_out = parsed
    code = execute_main(app_state, request, json_out=json_out)   # what the typer command prints

`planner.fastpath` routes `gsd [--root DIR] [--no-color] execute ...` here when `parse_args`
takes it; anything else (help, --agent, --map-path, --junit, --attempts, a repeated option, a
value typer would refuse) goes to typer as usual, which prints its own usage errors. The typer
command can call `execute_main` with the request it builds: one way to run and print.

Start-up: nothing on the way to the plans' first commands imports typer, pydantic or the
reporter. Off a terminal the reporter (`reports.execute_terminal`, which pulls the result models
in) is built by the warm-up thread while the first commands run; events that come before it
exists wait in order (`DeferredEvents`).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from planner.commands.execute import ExecuteRequest
from planner.execution.jobs import ExecEvents

if TYPE_CHECKING:
    from planner.boundary import AppState
    from planner.documents.models import Plan, Task
    from planner.reports.execute_terminal import ExecuteReporter
    from planner.results import PlanRun, TaskRun
    from planner.workspace import PlanRef

_FLAGS = {"--yes": "yes", "--resume": "resume", "--dry-run": "dry_run"}
_INT = re.compile(r"[0-9]{1,6}")
_SECONDS = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")


def parse_args(args: Sequence[str]) -> tuple[ExecuteRequest, bool] | None:
    """The arguments after `execute` as (request, --json), when they are a shape taken here;
    else None (typer's).

    Taken: one or two positional words (`26-04`, `phase 26`); `--jobs N` / `-j N` / `--jobs=N`
    (N >= 1), `--timeout S` / `--timeout=S` (plain decimal, S >= 0.001), and the flags --json,
    --yes, --resume, --dry-run, --no-write; each option at most once.
    """
    parsed = ExecuteRequest(target=[])
    json_out = False
    seen: set[str] = set()
    items = list(args)
    while items:
        item = items.pop(0)
        if not item.startswith("-"):
            parsed.target.append(item)
            continue
        name, eq, value = item.partition("=")
        name = "--jobs" if name == "-j" and not eq else name
        if name in seen:
            return None
        seen.add(name)
        if name in ("--jobs", "--timeout"):
            if not eq:
                if not items:
                    return None
                value = items.pop(0)
            if name == "--jobs":
                if not _INT.fullmatch(value) or int(value) < 1:
                    return None
                parsed.jobs = int(value)
            else:
                if not _SECONDS.fullmatch(value) or float(value) < 0.001:
                    return None
                parsed.timeout = float(value)
        elif eq:
            return None
        elif name in _FLAGS:
            setattr(parsed, _FLAGS[name], True)
        elif name == "--json":
            json_out = True
        elif name == "--no-write":
            parsed.write = False
        else:
            return None
    if not 1 <= len(parsed.target) <= 2:
        return None
    return parsed, json_out


def execute_main(app_state: AppState, request: ExecuteRequest, *, json_out: bool = False) -> int:
    """`gsd execute`: the run's lines on stdout (or --json), diagnostics on stderr; the exit
    code. Errors raise (the caller's boundary prints them), as in the typer command.

    `request.junit` must be absolute already (the process moves into the project root);
    `request.command_line` defaults to this process's command line."""
    from planner import output
    from planner.commands import execute as cmd

    if request.command_line is None:
        request.command_line = " ".join(["gsd", *sys.argv[1:]])
    ws = app_state.enter_workspace()
    live = sys.stdout.isatty() and not json_out

    def reporter() -> ExecuteReporter:
        from planner.reports import execute_terminal as term

        return term.ExecuteReporter(
            sys.stdout,
            phase_mode=request.target[:1] == ["phase"],
            color=output.color_enabled(sys.stdout),
            live=live,
            quiet=json_out,
        )

    # On a terminal the live display starts before the run; elsewhere nothing shows before the
    # first plan or task ends, so the reporter can wait for the warm-up thread.
    events = DeferredEvents(reporter)
    if live:
        events.resolve()
    with events:
        ask = events.ask if sys.stdin.isatty() and not request.yes else None
        result = cmd.execute(ws, request, events=events, ask=ask, warm=(events.resolve,))
    for diagnostic in result.diagnostics:
        output.err(diagnostic.format())
    if result.interrupted:
        output.err("gsd: interrupted")
    if json_out:
        output.print_json(result.json_data())
    else:
        from planner.reports import execute_terminal as term

        events.resolve().emit(term.final_lines(result))
    return result.exit_code


class DeferredEvents(ExecEvents):
    """Events for a reporter built later (`resolve`, from any thread). Until then the events
    that print nothing by themselves in phase mode (a plan or task started) are kept and
    replayed in order; any other event builds the reporter first. Thread-safe."""

    def __init__(self, make: Callable[[], ExecuteReporter]) -> None:
        self._make = make
        self._real: ExecuteReporter | None = None
        self._kept: list[tuple[str, tuple[Any, ...]]] = []
        self._lock = threading.RLock()
        self._entered = False

    def resolve(self) -> ExecuteReporter:
        with self._lock:
            if self._real is None:
                real = self._make()
                if self._entered:
                    real.__enter__()
                self._real = real
                kept, self._kept = self._kept, []
                for name, event_args in kept:
                    getattr(real, name)(*event_args)
            return self._real

    def __enter__(self) -> DeferredEvents:
        with self._lock:
            self._entered = True
            if self._real is not None:
                self._real.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._entered = False
            if self._real is not None:
                self._real.__exit__(*exc)

    def ask(self, text: str) -> bool:
        return self.resolve().ask(text)

    def _keep(self, name: str, *event_args: Any) -> None:
        with self._lock:
            if self._real is None:
                self._kept.append((name, event_args))
                return
        getattr(self._real, name)(*event_args)

    def plan_started(self, ref: PlanRef, plan: Plan) -> None:
        self._keep("plan_started", ref, plan)

    def task_started(self, ref: PlanRef, task: Task) -> None:
        self._keep("task_started", ref, task)

    def task_finished(self, ref: PlanRef, run: TaskRun) -> None:
        self.resolve().task_finished(ref, run)

    def plan_finished(self, run: PlanRun) -> None:
        self.resolve().plan_finished(run)

    def plan_error(self, run: PlanRun) -> None:
        self.resolve().plan_error(run)
