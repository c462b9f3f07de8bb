"""Terminal lines of `gsd execute` as data, and a real terminal: the checkpoint prompt and the live
display when stdin/stdout are a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

from planner.reports.execute_terminal import plan_line, task_details, task_line, verdict_line
from planner.reports.terminal import DIM, FAIL, OK, WARN
from planner.results import (
    CommandResult,
    CommandStatus,
    PlanRun,
    PlanRunStatus,
    TaskRun,
    TaskStatus,
    TestCounts,
)
from tests.execute_helpers import T, child_env, gsd_cmd, write_plan


def test_task_line_parts() -> None:
    t = TaskRun(
        index=2,
        name="Fix it",
        status=TaskStatus.FAILED,
        reason="1/2 commands did not pass (failed)",
        duration=1.25,
    )
    assert task_line(t) == [
        ("  ✗ ", FAIL),
        ("2  ", DIM),
        ("Fix it", ""),
        ("  1/2 commands did not pass (failed)", FAIL),
        ("  1.2s", DIM),
    ]
    t = TaskRun(index=1, name="Ok", status=TaskStatus.PASSED, reason="1/1 commands passed")
    assert task_line(t) == [("  ✓ ", OK), ("1  ", DIM), ("Ok", ""), ("  1/1 commands passed", DIM)]


def test_task_details_show_evidence_of_failing_commands_only() -> None:
    bad = CommandResult(
        command="pytest -q\n  --tb=short",
        run_command="pytest -q\n  --tb=short",
        cwd=".",
        status=CommandStatus.FAILED,
        exit_code=1,
        reason="exit 1",
        output_head="collected 3\nE assert 1 == 2\n1 failed, 2 passed in 0.1s\n",
    )
    good = CommandResult(
        command="true", run_command="true", cwd=".", status=CommandStatus.PASSED, exit_code=0
    )
    t = TaskRun(index=1, name="T", status=TaskStatus.FAILED, commands=[good, bad])
    assert task_details(t) == [
        [("      ✗ ", FAIL), ("pytest -q …", ""), ("  failed, exit 1", FAIL)],
        [("          collected 3", DIM)],
        [("          E assert 1 == 2", DIM)],
        [("          1 failed, 2 passed in 0.1s", DIM)],
        [("          exit 1", DIM)],
    ]


def test_plan_and_verdict_lines() -> None:
    run = PlanRun(
        plan_id="26-04",
        path="p",
        run_id="r",
        started_at="t",
        duration=75.0,
        status=PlanRunStatus.PARTIAL,
        summary_path=".planning/x-SUMMARY.md",
        summary_written=True,
        tasks=[
            TaskRun(index=1, name="a", status=TaskStatus.PASSED),
            TaskRun(index=2, name="b", status=TaskStatus.FAILED),
        ],
        tests_after=TestCounts(runner="pytest", passed=24, failed=27),
    )
    assert plan_line(run) == [
        ("26-04", "bold"),
        ("  ", ""),
        ("⚠ partial", WARN),
        ("  tasks 1/2", DIM),
        ("  tests 24/51", DIM),
        ("  1m 15s", DIM),
        ("  SUMMARY written: .planning/x-SUMMARY.md", DIM),
    ]
    assert verdict_line([run], 1) == [
        (
            "26-04 ⚠️ partial: 1/2 tasks passed (failed: 2); tests 24/51 passing (no earlier run with test "
            "counts) (exit 1)",
            "bold red",
        )
    ]
    assert verdict_line([run, run], 1, phase="26") == [
        ("phase 26: 2 plans (2 partial); 2/4 tasks passed (exit 1)", "bold red")
    ]
    assert verdict_line([run], 130, interrupted=True, not_started=["26-06"]) == [
        (
            "interrupted: 26-04 stopped; SUMMARY left as it was; not started: 26-06 (exit 130)",
            "bold red",
        )
    ]


def read_until(fd: int, needle: bytes, limit: float = 30.0) -> bytes:
    data = b""
    deadline = time.monotonic() + limit
    while needle not in data:
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} not in {data!r}")
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def test_checkpoint_prompt_on_a_terminal(tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    checkpoint = T(
        "Look at the page",
        None,
        type="checkpoint:human-verify",
        elements={"how-to-verify": "Open it"},
    )
    write_plan(tmp_path, tasks=[T("Build", ["sleep 0.3"]), checkpoint, T("After", ["touch after"])])
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        gsd_cmd("execute", "01-01"),
        cwd=tmp_path,
        env=child_env(TERM="xterm"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    try:
        seen = read_until(master, b"Approve this checkpoint? [y/N] ")
        assert b"Open it" in seen
        os.write(master, b"y\n")
        seen += read_until(master, b"(exit 0)")
        assert proc.wait(timeout=30) == 0
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    text = seen.decode("utf-8", "replace")
    assert "approved at the prompt" in text
    assert (tmp_path / "after").exists()


def test_refused_checkpoint_on_a_terminal_stops_with_exit_4(tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    write_plan(
        tmp_path,
        tasks=[
            T("Check", None, type="checkpoint:decision", elements={"decision": "Pick a database"})
        ],
    )
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        gsd_cmd("execute", "01-01"),
        cwd=tmp_path,
        env=child_env(TERM="xterm"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    try:
        read_until(master, b"[y/N] ")
        os.write(master, b"n\n")
        text = read_until(master, b"(exit 4)").decode("utf-8", "replace")
        assert proc.wait(timeout=30) == 4
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert "refused at the prompt" in text
