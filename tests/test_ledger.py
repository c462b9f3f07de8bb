"""The run ledger: appends under concurrency, truncated lines, task history, runs, git state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from planner.execution.gitstate import git_state
from planner.execution.ledger import Ledger, RunStatus, entry_from_result
from planner.execution.runner import run_command
from planner.results import CommandStatus, LedgerEntry, TestCounts


def entry(
    run_id: str,
    task: int | None,
    status: CommandStatus,
    plan: str = "26-04",
    command: str = "pytest",
    counts: TestCounts | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        run_id=run_id, plan=plan, task=task, command=command, status=status, test_counts=counts
    )


def tc(passed: int, failed: int = 0) -> TestCounts:
    return TestCounts(runner="pytest", passed=passed, failed=failed)


def test_layout_gitignore_and_round_trip(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    ledger = Ledger(planning)
    assert ledger.entries() == []  # reading creates nothing
    assert not (planning / ".gsd").exists()
    e = entry("r1", 1, CommandStatus.PASSED, counts=tc(3))
    ledger.append(e)
    assert (planning / ".gsd" / ".gitignore").read_text() == "*\n"
    path = planning / ".gsd" / "ledger" / "26-04.jsonl"
    assert path.read_text().count("\n") == 1
    assert json.loads(path.read_text())["status"] == "passed"
    assert ledger.entries("26-04") == [e]
    assert ledger.entries("26-06") == []
    assert ledger.entries() == [e]


def test_gitignore_keeps_the_folder_out_of_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    Ledger(tmp_path / ".planning").append(entry("r1", 1, CommandStatus.PASSED))
    out = subprocess.run(
        ["git", "status", "--porcelain", "-uall"], cwd=tmp_path, capture_output=True, text=True
    ).stdout
    assert out == ""


def test_new_run_ids_are_unique_and_sortable() -> None:
    ids = [Ledger.new_run_id() for _ in range(50)]
    assert len(set(ids)) == 50
    assert all(len(i) == 23 and i[8] == "T" and i[15:17] == "Z-" for i in ids)


def test_truncated_last_line_is_skipped_and_the_next_append_is_clean(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / ".planning")
    ledger.append(entry("r1", 1, CommandStatus.PASSED))
    path = ledger.path_for("26-04")
    with path.open("ab") as fh:
        fh.write(b'{"run_id": "r1", "plan": "26-04", "task": 2, "comm')  # a crash mid-write
    assert [e.task for e in ledger.entries("26-04")] == [1]
    assert ledger.skipped_lines == 1
    ledger.append(entry("r2", 3, CommandStatus.FAILED))
    assert [e.task for e in ledger.entries("26-04")] == [1, 3]
    assert ledger.skipped_lines == 1


def test_latest_task_results_and_resume(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / ".planning")
    for e in [
        entry("r1", 1, CommandStatus.PASSED),
        entry("r1", 2, CommandStatus.PASSED),
        entry("r1", 2, CommandStatus.FAILED, command="grep"),
        entry("r1", 3, CommandStatus.FAILED),
        # r2 (--resume): task 1 skipped, task 2 re-run and passes, task 3 still fails
        entry("r2", 1, CommandStatus.SKIPPED),
        entry("r2", 2, CommandStatus.PASSED),
        entry("r2", 2, CommandStatus.PASSED, command="grep"),
        entry("r2", 3, CommandStatus.TIMED_OUT),
        entry("r2", None, CommandStatus.PASSED, command="plan-level"),
        entry("x1", 3, CommandStatus.PASSED, plan="26-06"),  # another plan
    ]:
        ledger.append(e)
    latest = ledger.latest_task_results("26-04")
    assert {t: [(e.run_id, e.status.value) for e in es] for t, es in latest.items()} == {
        1: [("r1", "passed")],
        2: [("r2", "passed"), ("r2", "passed")],
        3: [("r2", "timed_out")],
    }
    assert ledger.passed_tasks_in_latest_run("26-04") == {1, 2}
    assert ledger.passed_tasks_in_latest_run("26-06") == {3}
    assert ledger.passed_tasks_in_latest_run("99-01") == set()


def test_runs_and_before_after_counts(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / ".planning")
    ledger.start_run("r1", "26-04", "gsd execute 26-04")
    ledger.append(entry("r1", 1, CommandStatus.FAILED, counts=tc(19, 32)))
    ledger.append(entry("r1", 2, CommandStatus.PASSED, command="grep -q x"))
    ledger.end_run("r1", "26-04", RunStatus.FAILED)
    ledger.start_run("r2", "26-04", "gsd execute 26-04 --resume")
    ledger.append(entry("r2", 1, CommandStatus.FAILED, counts=tc(20, 31)))
    ledger.append(
        entry("r2", 1, CommandStatus.FAILED, counts=tc(24, 27))
    )  # same command again: last wins
    ledger.append(entry("r2", 3, CommandStatus.PASSED, command="pytest other", counts=tc(5)))
    ledger.end_run("r2", "26-04", "interrupted")
    runs = ledger.runs("26-04")
    assert [(r.run_id, r.status, r.tasks, r.commands, r.passed, r.command_line) for r in runs] == [
        ("r1", RunStatus.FAILED, [1, 2], 2, 1, "gsd execute 26-04"),
        ("r2", RunStatus.INTERRUPTED, [1, 3], 3, 1, "gsd execute 26-04 --resume"),
    ]
    assert runs[1].per_command == {"pytest": tc(24, 27), "pytest other": tc(5)}
    assert ledger.test_counts_by_run("26-04") == [("r1", tc(19, 32)), ("r2", tc(29, 27))]


def test_a_run_without_an_end_is_running_or_abandoned(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / ".planning")
    ledger.start_run("live", "26-04", "gsd execute 26-04")
    dead = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from planner.execution.ledger import Ledger; "
            "Ledger(Path(sys.argv[1])).start_run('dead', '26-04', 'gsd execute 26-04')",
            str(tmp_path / ".planning"),
        ],
        check=True,
    )
    assert dead.returncode == 0
    assert [(r.run_id, r.status) for r in ledger.runs("26-04")] == [
        ("live", RunStatus.RUNNING),
        ("dead", RunStatus.ABANDONED),
    ]


def test_entry_from_result_trims_output(tmp_path: Path) -> None:
    r = run_command("seq 1 5000", cwd=tmp_path, timeout=10, path_map=[("/nowhere", ".")])
    e = entry_from_result(
        "r1", "26-04", r, phase="26", task=2, git_head="abc", git_dirty=False, keep_chars=100
    )
    assert (e.plan, e.phase, e.task, e.kind, e.status) == (
        "26-04",
        "26",
        2,
        "verify",
        CommandStatus.PASSED,
    )
    assert e.run_command is None  # same as the command: not repeated
    assert e.output_head == "".join(f"{i}\n" for i in range(1, 100))[:100]
    assert e.output_tail.endswith("4999\n5000\n") and len(e.output_tail) == 100
    assert (e.git_head, e.git_dirty, e.started_at) == ("abc", False, r.started_at)


APPENDER = """
import sys
from pathlib import Path
from planner.execution.ledger import Ledger
from planner.results import CommandStatus, LedgerEntry
ledger = Ledger(Path(sys.argv[1]))
me = sys.argv[2]
for i in range(int(sys.argv[3])):
    ledger.append(LedgerEntry(run_id=me, plan="26-04", task=i, command="x" * (5000 + i), status=CommandStatus.PASSED,
                              output_head=me * 3000))
"""


def test_concurrent_appends_from_threads_and_processes_never_interleave(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    ledger = Ledger(planning)
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(planning), f"p{n}", "40"])
        for n in range(3)
    ]

    def thread_work(n: int) -> None:
        mine = Ledger(planning)
        for i in range(40):
            mine.append(
                LedgerEntry(
                    run_id=f"t{n}",
                    plan="26-04",
                    task=i,
                    command="y" * (7000 + i),
                    status=CommandStatus.FAILED,
                    output_head=f"t{n}" * 2000,
                )
            )

    threads = [threading.Thread(target=thread_work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in procs:
        assert p.wait(timeout=60) == 0
    raw = ledger.path_for("26-04").read_bytes()
    lines = raw.split(b"\n")
    assert lines[-1] == b""
    assert len(lines) - 1 == 240
    for line in lines[:-1]:
        json.loads(line)  # every line is a complete record
    entries = ledger.entries("26-04")
    assert ledger.skipped_lines == 0
    for writer in ["p0", "p1", "p2", "t0", "t1", "t2"]:
        # every line of each writer arrived, in the writer's own order
        assert [e.task for e in entries if e.run_id == writer] == list(range(40))


# -- git state -----------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_git_state(tmp_path: Path) -> None:
    assert git_state(tmp_path) == (None, None)  # not a repository
    git(tmp_path, "init", "-q")
    assert git_state(tmp_path) == (None, False)  # no commit yet
    (tmp_path / "a.txt").write_text("a\n")
    assert git_state(tmp_path) == (None, True)  # untracked counts as dirty
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "first")
    head = git(tmp_path, "rev-parse", "HEAD")
    assert git_state(tmp_path) == (head, False)
    (tmp_path / "a.txt").write_text("b\n")
    assert git_state(tmp_path) == (head, True)
    Ledger(tmp_path / ".planning").append(entry("r1", 1, CommandStatus.PASSED))
    git(tmp_path, "checkout", "-q", "a.txt")
    assert git_state(tmp_path) == (head, False)  # the ledger folder ignores itself
    assert not os.path.exists(tmp_path / ".git" / "index.lock")


def test_git_state_missing_folder(tmp_path: Path) -> None:
    assert git_state(tmp_path / "nope") == (None, None)


@pytest.mark.parametrize("bad", [b"[1, 2]\n", b"not json\n", b'{"run_id": "r"}\n'])
def test_foreign_lines_are_skipped(tmp_path: Path, bad: bytes) -> None:
    ledger = Ledger(tmp_path / ".planning")
    ledger.append(entry("r1", 1, CommandStatus.PASSED))
    with ledger.path_for("26-04").open("ab") as fh:
        fh.write(bad)
    ledger.append(entry("r1", 2, CommandStatus.PASSED))
    assert [e.task for e in ledger.entries("26-04")] == [1, 2]
    assert ledger.skipped_lines == 1
