"""Per-plan lock: a second execution waits, then names the holder; dead holders are taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from planner.errors import ExitCode
from planner.execution.lock import PlanLocked, lock_holder, plan_lock

HOLDER = """
import sys, time
from pathlib import Path
from planner.execution.lock import plan_lock
with plan_lock(Path(sys.argv[1]), "26-04", command="gsd execute 26-04"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


def start_holder(planning: Path, hold: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(planning), str(hold)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "locked\n"
    return proc


def test_lock_records_the_holder_and_cleans_up(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    with plan_lock(planning, "26-04", command="gsd execute 26-04") as me:
        assert (me.plan, me.pid, me.host, me.command) == (
            "26-04",
            os.getpid(),
            socket.gethostname(),
            "gsd execute 26-04",
        )
        holder_file = planning / ".gsd" / "locks" / "26-04.holder.json"
        assert json.loads(holder_file.read_text())["pid"] == os.getpid()
        assert lock_holder(planning, "26-04") == me  # the probe uses its own descriptor: it sees us
    assert not holder_file.exists()
    assert (planning / ".gsd" / ".gitignore").read_text() == "*\n"
    assert lock_holder(planning, "26-04") is None


def test_second_holder_is_refused_with_the_holders_name(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    holder = start_holder(planning, 30)
    try:
        held = lock_holder(planning, "26-04")
        assert held is not None and held.pid == holder.pid
        start = time.monotonic()
        with pytest.raises(PlanLocked) as info, plan_lock(planning, "26-04", wait=0.5):
            pytest.fail("must not get the lock")
        waited = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    assert 0.5 <= waited < 1.5
    err = info.value
    assert err.code == "GSD510"
    assert err.exit_code is ExitCode.FAILED
    assert err.message.startswith(f"26-04 is being executed by pid {holder.pid} since ")
    assert err.message.endswith(" (gsd execute 26-04)")
    assert err.hint == f"wait for it to finish, or stop it (kill {holder.pid})"


def test_second_holder_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    holder = start_holder(planning, 0.5)
    start = time.monotonic()
    with plan_lock(planning, "26-04", wait=10) as me:
        assert me.pid == os.getpid()
        assert 0.2 < time.monotonic() - start < 5
    assert holder.wait(timeout=5) == 0


def test_lock_of_a_killed_holder_is_taken_over(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    holder = start_holder(planning, 30)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    stale = json.loads((planning / ".gsd" / "locks" / "26-04.holder.json").read_text())
    assert stale["pid"] == holder.pid  # it died without cleaning up
    start = time.monotonic()
    with plan_lock(planning, "26-04", wait=5) as me:
        assert time.monotonic() - start < 0.5
        assert me.pid == os.getpid()
        assert (
            json.loads((planning / ".gsd" / "locks" / "26-04.holder.json").read_text())["pid"]
            == os.getpid()
        )


def test_threads_exclude_each_other(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    inside = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with plan_lock(planning, "26-04", wait=10):
                inside.append(("in", n))
                time.sleep(0.1)
                inside.append(("out", n))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [kind for kind, _ in inside] == ["in", "out"] * 3
    assert all(inside[i][1] == inside[i + 1][1] for i in range(0, 6, 2))


def test_different_plans_do_not_block_each_other(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    with plan_lock(planning, "26-04"), plan_lock(planning, "26-06", wait=0):
        pass
