"""Interrupts: SIGINT/SIGTERM to a real gsd-like process kill every command group it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from planner.execution import procs
from planner.execution.runner import run_command
from planner.results import CommandStatus

CHILD = """
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from planner.errors import Interrupted
from planner.execution.procs import interrupt_guard, live_groups
from planner.execution.runner import run_command

tmp = Path(sys.argv[1])
cmd = f"echo $$ >> {tmp}/pgids; sleep 30 & echo $! >> {tmp}/kids; (sleep 31 & echo $! >> {tmp}/kids; wait) & wait"
futures = []
try:
    with interrupt_guard():
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(run_command, cmd, cwd=tmp, timeout=60) for _ in range(2)]
            result = run_command(cmd, cwd=tmp, timeout=60)
            print("main thread returned", result.status, flush=True)
except Interrupted as exc:
    print("interrupted:", exc, [f.result().status.value for f in futures], live_groups(), flush=True)
    sys.exit(130)
"""


def wait_for_lines(path: Path, n: int, limit: float = 10.0) -> list[int]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if path.exists():
            lines = path.read_text().split()
            if len(lines) >= n:
                return [int(x) for x in lines]
        time.sleep(0.02)
    raise AssertionError(f"{path} never got {n} lines")


def all_gone(pids: list[int], limit: float = 3.0) -> list[int]:
    """Pids still alive (zombies count as gone) after up to `limit` s."""
    deadline = time.monotonic() + limit
    alive = pids
    while True:
        alive = [p for p in alive if _alive(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in (b"Z", b"X")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_kills_all_groups_and_exits_130(tmp_path: Path, sig: signal.Signals) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pgids = wait_for_lines(tmp_path / "pgids", 3)
        kids = wait_for_lines(tmp_path / "kids", 6)
        start = time.monotonic()
        child.send_signal(sig)
        out, err = child.communicate(timeout=10)
        assert time.monotonic() - start < 3.0
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert out == f"interrupted: interrupted by {sig.name} ['interrupted', 'interrupted'] []\n"
    assert all_gone(pgids + kids) == []


def test_commands_do_not_start_after_an_interrupt(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(
        "import sys, os, signal\n"
        "from pathlib import Path\n"
        "from planner.errors import Interrupted\n"
        "from planner.execution.procs import interrupt_guard, shutting_down\n"
        "from planner.execution.runner import run_command\n"
        "with interrupt_guard():\n"
        "    try:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    except Interrupted:\n"
        "        r = run_command('echo should-not-run', cwd=Path('.'), timeout=5)\n"
        "        print(shutting_down(), r.status.value, r.reason, repr(r.output))\n"
        "print(shutting_down())\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    ).stdout
    assert out == "True interrupted not started: the run was interrupted ''\nFalse\n"


def test_kill_all_stops_commands_running_in_threads(tmp_path: Path) -> None:
    results = []

    def work() -> None:
        results.append(run_command(f"echo $$ > {tmp_path}/pg; sleep 30", cwd=tmp_path, timeout=60))

    thread = threading.Thread(target=work)
    thread.start()
    pgid = wait_for_lines(tmp_path / "pg", 1)[0]
    assert pgid in procs.live_groups()
    start = time.monotonic()
    assert procs.kill_all() == 1
    thread.join(timeout=5)
    assert time.monotonic() - start < 2.0
    (result,) = results
    assert result.status is CommandStatus.FAILED
    assert result.signal == signal.SIGTERM
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    assert procs.live_groups() == []


def test_nested_guards_leave_the_work_to_the_outermost(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(
        "import os, signal, time\n"
        "from planner.errors import Interrupted\n"
        "from planner.execution.procs import interrupt_guard\n"
        "with interrupt_guard():\n"
        "    with interrupt_guard():\n"
        "        pass\n"
        "    print(signal.getsignal(signal.SIGINT) is not signal.default_int_handler)\n"
        "    try:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        time.sleep(5)\n"
        "    except Interrupted as exc:\n"
        "        print('caught', exc)\n"
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=20, check=True
    )
    assert out.stdout == "True\ncaught interrupted by SIGINT\nTrue\n"
