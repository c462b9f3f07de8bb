"""Starting a command, apart from waiting for it: `start_command(...) -> Started`.

`runner.run_command` is `finish_command(start_command(...))`. The split lets a plan's first verify
command start before the result models, the ledger and the SUMMARY writer are imported
(`early_start`): in a phase of plans that run for a second, those imports then overlap the
commands instead of delaying them. Nothing here imports pydantic.

    early = early_start(ws.root, job, opts, control)   # None: the plan starts the usual way
    ... execute_plan(ws, job, opts, control=control, early=early)   # takes over the process

An early start is exactly what the plan would do first: when no agent runs, nothing is skipped
(--resume) and the first task is an auto task with a verify command, that task's first command
after a look at the git state. Whatever cannot be decided without the heavy modules (a resumed
task, an agent, a checkpoint) makes it None.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planner.execution import procs
from planner.execution.gitstate import git_state
from planner.execution.jobs import new_run_id, utc_now
from planner.execution.pathmap import map_paths, resolve_pairs

if TYPE_CHECKING:
    from planner.execution.jobs import ExecOptions, PlanJob, RunControl
    from planner.workspace import PlanRef

PIPE_SIZE = 1 << 20  # ask the kernel for a 1 MiB pipe: fewer wake-ups for chatty commands


# Plain classes, not dataclasses: making one costs 1-3 ms, before the first command starts.
class Started:
    """A command asked to start: running (`proc`), or why it did not start."""

    __slots__ = (
        "begin",
        "command",
        "cwd",
        "error",
        "error_duration",
        "interrupted",
        "proc",
        "read_fd",
        "run_command",
        "started_at",
    )

    def __init__(self, command: str, run_command: str, cwd: Path, started_at: str) -> None:
        self.command = command  # as written in the plan
        self.run_command = run_command  # after path mapping: what runs
        self.cwd = cwd
        self.started_at = started_at  # ISO 8601 UTC
        self.begin = 0.0  # time.monotonic() just before the start
        self.proc: subprocess.Popen[bytes] | None = None
        self.read_fd: int | None = None  # the read end of its output pipe (stdout and stderr)
        self.error: str | None = None  # could not start: why
        self.error_duration = 0.0
        self.interrupted = False  # not started: the run was being interrupted

    def discard(self) -> None:
        """Kill and forget a started command nobody will wait for (a failure path)."""
        if self.read_fd is not None:
            os.close(self.read_fd)
            self.read_fd = None
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None or procs.group_alive(proc.pid):
                procs.terminate_group(proc, 0.0)
            procs.unregister(proc)


def start_command(
    command: str,
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    path_map: Sequence[tuple[str, str]] = (),
) -> Started:
    """Start `bash -c COMMAND` (after path mapping) in its own process group, its output to a
    pipe. Never raises for what the command does; raises `Interrupted` in the main thread under
    `interrupt_guard()`."""
    cwd = Path(cwd)
    to_run = map_paths(command, resolve_pairs(path_map, cwd)) if path_map else command
    started = Started(command, to_run, cwd, utc_now())
    if procs.shutting_down():
        started.interrupted = True
        return started
    full_env = {**os.environ, "CI": "1", **(env or {})}
    started.begin = time.monotonic()
    started.read_fd, write_fd = os.pipe()
    try:
        _widen_pipe(started.read_fd)
        try:
            started.proc = procs.spawn(
                ["bash", "-c", to_run], cwd=cwd, env=full_env, output_fd=write_fd
            )
        finally:
            os.close(write_fd)
    except OSError as exc:
        started.discard()
        started.error_duration = round(time.monotonic() - started.begin, 3)
        started.error = _spawn_error(exc, cwd)
    except BaseException:  # an interrupt (main thread): nothing may linger
        started.discard()
        raise
    return started


class EarlyStart:
    """A plan's first verify command, started by the worker before the plan's run object exists."""

    __slots__ = ("begin", "command", "git", "run_id", "started_at", "taken", "task")

    def __init__(
        self,
        run_id: str,
        started_at: str,
        begin: float,
        task: int,
        git: tuple[str | None, bool | None],
        command: Started,
    ) -> None:
        self.run_id = run_id
        self.started_at = started_at  # the plan run's start (ISO 8601 UTC)
        self.begin = begin  # the plan run's start (time.monotonic())
        self.task = task  # index of the task whose first verify command is `command`
        self.git = git  # what that command saw (gitstate)
        self.command = command
        self.taken = False

    def take(self) -> Started:
        self.taken = True
        return self.command

    def discard(self) -> None:
        """Once the plan is over: kill the command if the plan never waited for it (a bug or
        an interrupt on the way); nothing to do when it did."""
        self.taken = True
        self.command.discard()


def plan_env(ref: PlanRef) -> dict[str, str]:
    """What every command of a plan finds in its environment, besides ours and CI=1."""
    return {"GSD_PLAN": ref.id, "GSD_PHASE": ref.phase.id}


def early_start(
    root: Path, job: PlanJob, opts: ExecOptions, control: RunControl
) -> EarlyStart | None:
    """Start the plan's first command now when that is surely what the plan does first."""
    tasks = job.plan.tasks
    if opts.agent or opts.resume or opts.dry_run or not tasks or control.cancelled():
        return None
    first = tasks[0]
    if first.is_checkpoint or first.verify is None or not first.verify.commands:
        return None
    begin, started_at, run_id = time.monotonic(), utc_now(), new_run_id()
    procs.become_subreaper()  # now, while the other plans' threads wait for git
    git = git_state(root)  # what the command will see
    command = start_command(
        first.verify.commands[0].text, cwd=root, env=plan_env(job.ref), path_map=opts.path_map
    )
    if command.interrupted:  # the plan itself says what an interrupt before a task means
        return None
    return EarlyStart(run_id, started_at, begin, first.index, git, command)


def _spawn_error(exc: OSError, cwd: Path) -> str:
    if not cwd.is_dir():
        return f"could not start: working folder {cwd} does not exist"
    return f"could not start bash: {exc.strerror or exc}"


def _widen_pipe(fd: int) -> None:
    setsize = getattr(fcntl, "F_SETPIPE_SZ", 1031 if os.uname().sysname == "Linux" else None)
    if setsize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setsize, PIPE_SIZE)
