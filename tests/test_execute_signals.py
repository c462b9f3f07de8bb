"""Real processes: Ctrl-C during a run, two executions of one plan, SIGKILL during a SUMMARY write."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.documents.loader import load_summary
from tests.execute_helpers import T, child_env, gsd_cmd, ledger_lines, summary_path, write_plan


def wait_for(path: Path, limit: float = 20.0) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


def alive(pid: int) -> bool:
    """Running, not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in (b"Z", b"X")


def group_members(pgid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
                out.append(int(entry))
    return out


SLEEPER = "echo $$ > pgid; sleep 30 & echo $! > kid; wait"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_exits_130_kills_children_records_and_keeps_summary(
    tmp_path: Path, sig: signal.Signals
) -> None:
    (tmp_path / ".planning").mkdir()
    write_plan(
        tmp_path, tasks=[T("Quick", ["true"]), T("Sleeps", [SLEEPER]), T("Never", ["touch never"])]
    )
    summary = summary_path(tmp_path)
    summary.write_bytes(b"# Hand-written summary\r\n\r\nNarrative that must survive.\r\n")
    before = summary.read_bytes()
    proc = subprocess.Popen(
        gsd_cmd("execute", "01-01"),
        cwd=tmp_path,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pgid = int(wait_for(tmp_path / "pgid"))
    kid = int(wait_for(tmp_path / "kid"))
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 130, (out, err)
    assert "gsd: interrupted" in err
    deadline = time.monotonic() + 3
    while (alive(kid) or group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(kid) and group_members(pgid) == []
    assert summary.read_bytes() == before
    assert not (tmp_path / "never").exists()
    records = ledger_lines(tmp_path, "01-01")
    runs = [r for r in records if r.get("record") == "run"]
    assert [(r["event"], r.get("status")) for r in runs] == [
        ("start", None),
        ("end", "interrupted"),
    ]
    entries = [(e["task"], e["status"]) for e in records if e.get("record") != "run"]
    assert entries == [(1, "passed"), (2, "interrupted")]
    assert out.splitlines()[-1] == "interrupted: 01-01 stopped; SUMMARY left as it was (exit 130)"


def test_interrupting_a_phase_stops_every_plan(tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    for plan in ("01", "02"):
        write_plan(tmp_path, plan=plan, tasks=[T("Sleeps", [f"echo $$ > pgid{plan}; sleep 30"])])
    write_plan(tmp_path, plan="03", tasks=[T("Later", ["touch later"])], depends_on=["01", "02"])
    proc = subprocess.Popen(
        gsd_cmd("execute", "phase", "1", "--jobs", "2", "--json"),
        cwd=tmp_path,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pgids = [int(wait_for(tmp_path / f"pgid{p}")) for p in ("01", "02")]
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 130
    assert [group_members(g) for g in pgids] == [[], []]
    data = json.loads(out)
    assert sorted((r["plan_id"], r["status"]) for r in data) == [
        ("01-01", "interrupted"),
        ("01-02", "interrupted"),
    ]
    assert not (tmp_path / "later").exists()
    for plan in ("01-01", "01-02"):
        ends = [r for r in ledger_lines(tmp_path, plan) if r.get("event") == "end"]
        assert [r["status"] for r in ends] == ["interrupted"]
    assert not summary_path(tmp_path, plan="01").exists()


@pytest.mark.slow
def test_a_second_execution_waits_then_names_the_holder(tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, tasks=[T("Slow", ["echo started > started; sleep 2", "echo second"])])
    first = subprocess.Popen(
        gsd_cmd("execute", "01-01"),
        cwd=tmp_path,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(tmp_path / "started")
    refused = subprocess.run(
        gsd_cmd("execute", "01-01"),
        cwd=tmp_path,
        env=child_env(GSD_LOCK_WAIT="0.3"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    waiter = subprocess.Popen(
        gsd_cmd("execute", "01-01"),
        cwd=tmp_path,
        env=child_env(GSD_LOCK_WAIT="20"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert first.wait(timeout=30) == 0
    assert waiter.wait(timeout=30) == 0
    assert refused.returncode == 1
    assert refused.stdout == ""
    lock = tmp_path / ".planning" / ".gsd" / "locks" / "01-01.lock"
    assert refused.stderr.startswith(
        f"{lock}: error[GSD510]: 01-01 is being executed by pid {first.pid} since "
    )
    assert refused.stderr.rstrip().endswith(
        f"(gsd execute 01-01) (hint: wait for it to finish, or stop it (kill {first.pid}))"
    )
    # The ledger holds two whole runs, one after the other: nothing interleaved, nothing from the refused one.
    records = ledger_lines(tmp_path, "01-01")
    shape = [r["event"] if r.get("record") == "run" else "cmd" for r in records]
    assert shape == ["start", "cmd", "cmd", "end", "start", "cmd", "cmd", "end"]
    run_ids = [r["run_id"] for r in records]
    assert run_ids[:4] == [run_ids[0]] * 4 and run_ids[4:] == [run_ids[4]] * 4
    loaded = load_summary(summary_path(tmp_path))
    assert loaded.doc is not None and not [
        d for d in loaded.diagnostics if d.severity.value == "error"
    ]


WRITER = r"""
import os, sys
from pathlib import Path
from planner.documents.loader import load_plan
from planner.reports.summary_md import render_summary, write_summary
from planner.results import PlanRun, PlanRunStatus, TaskRun, TaskStatus
from planner.workspace import Workspace

ws = Workspace.discover(root=Path(sys.argv[1]))
ref = ws.resolve_plan("01-01")
plan = load_plan(ref.plan_path).doc

def run(tag):
    tasks = [TaskRun(index=i, name=f"{tag} task {i} " + "x" * 900, status=TaskStatus.PASSED, duration=0.1)
             for i in range(1, 1201)]
    return PlanRun(plan_id="01-01", path="p", run_id=tag, started_at="2026-01-01T00:00:00Z",
                   completed_at="2026-01-01T00:00:01Z", status=PlanRunStatus.COMPLETE, tasks=tasks)

a, b = run("A"), run("B")
text_a, _ = render_summary(None, ref, plan, a, None)
text_b, _ = render_summary(text_a, ref, plan, b, None)
assert render_summary(text_b, ref, plan, a, None)[0] == text_a  # the writer is idempotent
Path(sys.argv[2]).write_text(text_a)
Path(sys.argv[3]).write_text(text_b)
write_summary(ws, ref, plan, a, None)
# One forked writer per round (imports paid once): it writes B, A, B ... until SIGKILLed.
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        while True:
            write_summary(ws, ref, plan, b, None)
            write_summary(ws, ref, plan, a, None)
    print(pid, flush=True)
    os.waitpid(pid, 0)
"""


@pytest.mark.slow
def test_sigkill_during_summary_writes_leaves_old_or_new(tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, tasks=[T("A", ["true"])])
    a_text, b_text = tmp_path / "a.md", tmp_path / "b.md"
    target = summary_path(tmp_path)
    rng = random.Random(7)
    parent = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path), str(a_text), str(b_text)],
        env=child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdin is not None and parent.stdout is not None
    try:
        for _ in range(8):
            parent.stdin.write("go\n")
            parent.stdin.flush()
            writer = int(parent.stdout.readline())
            time.sleep(rng.uniform(0.05, 0.8))
            os.kill(writer, signal.SIGKILL)
            time.sleep(0.05)
            data = target.read_text(encoding="utf-8")
            assert data in (a_text.read_text(), b_text.read_text())
            assert load_summary(target).doc is not None
    finally:
        parent.kill()
        parent.wait(timeout=10)
    assert len(a_text.read_text()) > 1_000_000
