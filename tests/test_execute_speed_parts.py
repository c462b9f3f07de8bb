"""The pieces that make `gsd execute` start its commands early and finish fast: the early start
of a plan's first command, deferred reporter events, the launch gate, shared git calls, the
thread front of the SUMMARY lock, flock-based plan locks (filelock-compatible)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from planner.documents.loader import load_plan
from planner.documents.models import Plan
from planner.execution import procs
from planner.execution.execute_main import DeferredEvents
from planner.execution.flock import Flock, FlockTimeout
from planner.execution.gitstate import git_state
from planner.execution.jobs import ExecOptions, PlanJob, RunControl
from planner.execution.launch import early_start
from planner.execution.lock import LockHolder
from planner.execution.phase_exec import _LaunchGate
from planner.execution.plan_exec import execute_plan
from planner.gitops.commits import GitError, run_git
from planner.gitops.context import LockTimeout, planning_lock
from planner.workspace import Workspace
from tests.execute_helpers import T, child_env, ledger_lines, write_plan

REAL_GIT = shutil.which("git") or "/usr/bin/git"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".planning").mkdir()
    env = child_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t")
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "start"]):
        subprocess.run([REAL_GIT, *args], cwd=tmp_path, env=env, check=True)
    return tmp_path


@pytest.fixture()
def slow_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`git` on PATH is the real git, started 0.3 s late; each start is counted in a file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "git-calls"
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nsleep 0.3\nexec {REAL_GIT} "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return calls


def job_for(root: Path, plan: str = "01") -> PlanJob:
    ws = Workspace.discover(root=root)
    ref = ws.resolve_plan(f"01-{plan}")
    loaded = load_plan(ref.plan_path)
    assert isinstance(loaded.doc, Plan)
    return PlanJob(ref=ref, plan=loaded.doc)


# -- early start -----------------------------------------------------------------------------


def test_the_early_start_is_the_first_verify_command_and_the_plan_takes_it_over(
    repo: Path,
) -> None:
    write_plan(
        repo, tasks=[T("First", ["echo one >> ran", "echo two >> ran"]), T("Second", ["true"])]
    )
    job = job_for(repo)
    ws = Workspace.discover(root=repo)
    early = early_start(repo, job, ExecOptions(), RunControl())
    assert early is not None and early.task == 1 and early.command.proc is not None
    assert early.git[0] == run_git(["rev-parse", "HEAD"], repo).strip()
    run = execute_plan(ws, job, ExecOptions(), control=RunControl(), early=early)
    assert (repo / "ran").read_text() == "one\ntwo\n"  # the early command ran once, then the rest
    assert run.run_id == early.run_id and run.started_at == early.started_at
    assert [t.status.value for t in run.tasks] == ["passed", "passed"]
    lines = ledger_lines(repo, "01-01")
    assert [line.get("event") or line["command"] for line in lines] == [
        "start",
        "echo one >> ran",
        "echo two >> ran",
        "true",
        "end",
    ]
    assert lines[1]["git_head"] == early.git[0] and lines[1]["run_id"] == early.run_id
    assert early.command.proc is None and early.command.read_fd is None  # taken over


@pytest.mark.parametrize(
    ("tasks", "opts"),
    [
        ([T("Look", type="checkpoint:human-verify")], ExecOptions()),  # a person first
        ([T("Prose", ["Open the app and look."])], ExecOptions()),  # no command to run
        ([T("Work", ["true"])], ExecOptions(agent="true")),  # the agent goes first
        ([T("Work", ["true"])], ExecOptions(resume=True)),  # the task may be skipped
    ],
)
def test_no_early_start_when_the_first_step_is_not_surely_a_command(
    repo: Path, tasks: list[T], opts: ExecOptions
) -> None:
    write_plan(repo, tasks=tasks)
    assert early_start(repo, job_for(repo), opts, RunControl()) is None


def test_no_early_start_once_the_run_is_cancelled(repo: Path) -> None:
    write_plan(repo, tasks=[T("Work", ["true"])])
    control = RunControl()
    control.cancel()
    assert early_start(repo, job_for(repo), ExecOptions(), control) is None


def test_a_started_command_is_run_to_its_end_even_if_the_run_is_cancelled_meanwhile(
    repo: Path,
) -> None:
    write_plan(repo, tasks=[T("First", ["sleep 0.2; echo done > out"]), T("Second", ["true"])])
    job, control = job_for(repo), RunControl()
    early = early_start(repo, job, ExecOptions(), control)
    assert early is not None
    control.cancel()  # e.g. another plan's bug stopped the phase
    run = execute_plan(
        Workspace.discover(root=repo), job, ExecOptions(), control=control, early=early
    )
    assert (repo / "out").read_text() == "done\n"
    assert [(t.status.value, t.reason) for t in run.tasks] == [
        ("passed", "1/1 commands passed"),
        ("not_run", "not run: the run was interrupted"),
    ]
    assert run.status.value == "interrupted"
    assert ledger_lines(repo, "01-01")[-1]["status"] == "interrupted"


def test_an_early_start_nobody_takes_over_is_killed(repo: Path) -> None:
    write_plan(repo, tasks=[T("Long", ["sleep 30"])])
    early = early_start(repo, job_for(repo), ExecOptions(), RunControl())
    assert early is not None and early.command.proc is not None
    pid = early.command.proc.pid
    assert pid in procs.live_groups()
    early.discard()
    assert pid not in procs.live_groups()
    assert not procs.group_alive(pid)


# -- deferred events -------------------------------------------------------------------------


class Recorder:
    """Stands in for the terminal reporter: records the calls it gets, in order."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        log.append("made")

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.log.append(f"{name}{tuple(str(a) for a in args)}")


def test_deferred_events_keep_the_quiet_ones_and_replay_them_in_order() -> None:
    log: list[str] = []
    events = DeferredEvents(lambda: Recorder(log))  # type: ignore[arg-type, return-value]
    with events:
        events.plan_started("01-01", "plan")  # type: ignore[arg-type]
        events.task_started("01-01", "task 1")  # type: ignore[arg-type]
        assert log == []  # nothing built yet
        events.task_finished("01-01", "run 1")  # type: ignore[arg-type]
        events.plan_finished("run")  # type: ignore[arg-type]
    assert log == [
        "made",
        "__enter__()",
        "plan_started('01-01', 'plan')",
        "task_started('01-01', 'task 1')",
        "task_finished('01-01', 'run 1')",
        "plan_finished('run',)",
        "__exit__('None', 'None', 'None')",
    ]


def test_deferred_events_resolved_early_pass_straight_through() -> None:
    log: list[str] = []
    events = DeferredEvents(lambda: Recorder(log))  # type: ignore[arg-type, return-value]
    assert events.resolve() is events.resolve()  # built once
    events.plan_started("01-01", "plan")  # type: ignore[arg-type]
    assert log == ["made", "plan_started('01-01', 'plan')"]


# -- launch gate -----------------------------------------------------------------------------


def test_the_gate_opens_when_the_first_batch_has_arrived() -> None:
    gate = _LaunchGate()
    gate.arrive()  # a worker may arrive before the size of the batch is known
    assert not gate.wait(0.05)
    gate.expect(2)
    gate.expect(5)  # later calls change nothing
    threading.Timer(0.05, gate.arrive).start()
    assert gate.wait(5)


def test_the_gate_gives_up_when_closed() -> None:
    gate = _LaunchGate()
    gate.expect(1)
    threading.Timer(0.05, gate.close).start()
    start = time.monotonic()
    assert not gate.wait(5)
    assert gate.closed and time.monotonic() - start < 2


# -- shared git calls ------------------------------------------------------------------------


def together(fn: Any, n: int = 3) -> list[Any]:
    """Call `fn` from `n` threads released at once; the results (or exceptions) in order."""
    barrier, out = threading.Barrier(n), [None] * n

    def one(i: int) -> None:
        barrier.wait()
        try:
            out[i] = fn()
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_git_state_asked_together_runs_git_once(repo: Path, slow_git: Path) -> None:
    (repo / "new.txt").write_text("x")  # untracked: dirty
    head = run_git(["rev-parse", "HEAD"], repo).strip()
    slow_git.unlink()
    states = together(lambda: git_state(repo))
    assert states == [(head, True)] * 3
    assert slow_git.read_text().count("status") == 1


def test_git_state_is_asked_again_once_a_command_has_started(repo: Path, slow_git: Path) -> None:
    first = threading.Thread(target=git_state, args=(repo,))
    first.start()
    time.sleep(0.1)  # the first look is under way
    from planner.execution.runner import run_command

    run_command("true", cwd=repo, timeout=10)  # a command of ours started since: look again
    git_state(repo)
    first.join()
    assert slow_git.read_text().count("status") == 2


def test_run_git_asked_together_runs_git_once_and_shares_errors(repo: Path, slow_git: Path) -> None:
    head = run_git(["rev-parse", "HEAD"], repo)
    slow_git.unlink()
    assert together(lambda: run_git(["rev-parse", "HEAD"], repo)) == [head] * 3
    assert slow_git.read_text().splitlines() == [f"-C {repo} rev-parse HEAD"]
    errors = together(lambda: run_git(["rev-parse", "--verify", "nope^{commit}"], repo))
    assert all(isinstance(e, GitError) for e in errors)
    assert len({str(e) for e in errors}) == 1
    assert len(slow_git.read_text().splitlines()) == 2
    run_git(["rev-parse", "HEAD"], repo)  # an answer that is in is not reused
    assert len(slow_git.read_text().splitlines()) == 3


def test_run_git_is_asked_again_once_a_command_has_ended(repo: Path, slow_git: Path) -> None:
    """A plan whose agent committed asks for HEAD after its command ended: a call begun before
    that (another plan's) may predate the commit, so it is not joined."""
    from planner.execution.runner import run_command

    first = threading.Thread(target=run_git, args=(["rev-parse", "HEAD"], repo))
    first.start()
    time.sleep(0.1)  # the first call is under way
    run_command("true", cwd=repo, timeout=10)
    run_git(["rev-parse", "HEAD"], repo)
    first.join()
    assert slow_git.read_text().count("rev-parse HEAD") == 2


# -- SUMMARY lock ----------------------------------------------------------------------------


def test_summary_lock_threads_take_turns_and_time_out(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    planning.mkdir()
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with planning_lock(planning):
            held.set()
            time.sleep(0.2)
            order.append("first out")

    t = threading.Thread(target=first)
    t.start()
    held.wait()
    with pytest.raises(LockTimeout), planning_lock(planning, timeout=0.05):
        pass
    with planning_lock(planning, timeout=5):
        order.append("second in")
    t.join()
    assert order == ["first out", "second in"]


# -- flock-based plan locks ------------------------------------------------------------------

FILELOCK_HOLDER = """
import sys, time
from filelock import FileLock
with FileLock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_flock_and_filelock_exclude_each_other(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", FILELOCK_HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline() == "held\n"
    with pytest.raises(FlockTimeout):
        Flock(path).acquire(timeout=0.1)
    holder.stdin.write("\n")
    holder.stdin.flush()
    holder.wait(timeout=10)
    ours = Flock(path)
    ours.acquire(timeout=5)
    from filelock import FileLock, Timeout

    with pytest.raises(Timeout):
        FileLock(str(path)).acquire(timeout=0)
    ours.release()
    FileLock(str(path)).acquire(timeout=0)


def test_flock_threads_exclude_each_other(tmp_path: Path) -> None:
    path = tmp_path / "y.lock"
    with Flock(path).held(timeout=1), pytest.raises(FlockTimeout):
        Flock(path).acquire(timeout=0.05)
    Flock(path).acquire(timeout=0)


def test_lock_holder_json_is_compact_and_keeps_non_ascii() -> None:
    me = LockHolder("26-04", 12, "box", "2025-06-01T12:00:00Z", "gsd execute 26-04 — é")
    text = me.to_json()
    assert text == (
        '{"plan":"26-04","pid":12,"host":"box","started_at":"2025-06-01T12:00:00Z",'
        '"command":"gsd execute 26-04 — é"}'
    )
    assert LockHolder.from_json(text) == me
    assert LockHolder.from_json(json.dumps({**json.loads(text), "later": 1})) == me
    for junk in ("", "{", "[]", '{"plan":"x"}', text.replace("12", '"12"')):
        assert LockHolder.from_json(junk) is None
