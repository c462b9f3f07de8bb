"""The run ledger: every command gsd ran, as JSON lines under `.planning/.gsd/ledger/`.

It is the evidence SUMMARY and VERIFICATION are built from, the source of before/after test
counts, and what `--resume` reads. One file per plan (`ledger/26-04.jsonl`), so reading a plan's
history never parses the others. Two kinds of line share a file:

- a `LedgerEntry` (planner.results): one command run, with its verdict, output head/tail, test
  counts and git state;
- a `RunRecord` (`"record": "run"`): the start or the end of one `gsd execute`/`verify` run.

    ledger = Ledger(root / ".planning")
    run_id = ledger.new_run_id()
    ledger.start_run(run_id, "26-04", "gsd execute 26-04")
    ledger.append(entry_from_result(run_id, "26-04", result, task=1, phase="26"))
    ledger.end_run(run_id, "26-04", RunStatus.PASSED)   # or RunStatus.INTERRUPTED

Writes: each line goes out in one `write` of a complete line, under a file lock, to a file opened
with O_APPEND, so threads and processes appending at once never interleave. A line cut short by a
crash is skipped by readers (`skipped_lines` counts them) and the next append starts on a fresh
line. `.planning/.gsd/.gitignore` (`*`) keeps the folder out of git.
"""

from __future__ import annotations

import json
import os
import re
import socket
from dataclasses import field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from planner.datamodel import DataModel, model
from planner.exactjson import load_exact
from planner.execution.flock import Flock
from planner.execution.jobs import new_run_id
from planner.fsutil import atomic_write_text
from planner.results import CommandResult, CommandStatus, LedgerEntry, TestCounts

LEDGER_KEEP_CHARS = 4000  # output head/tail kept per entry: evidence, not an archive
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class RunStatus(StrEnum):
    RUNNING = "running"  # started, no end record, its process still alive (or on another host)
    ABANDONED = "abandoned"  # started, no end record, its process is gone (killed hard)
    PASSED = "passed"
    FAILED = "failed"
    PARTIAL = "partial"
    ERROR = "error"
    HUMAN_NEEDED = "human_needed"
    NOTHING_TO_CHECK = "nothing_to_check"
    INTERRUPTED = "interrupted"


@model
class RunRecord(DataModel):
    record: Literal["run"] = "run"
    event: Literal["start", "end"]
    run_id: str
    plan: str
    at: str  # ISO 8601 UTC
    command_line: str | None = None
    status: RunStatus | None = None  # end records
    pid: int | None = None
    host: str | None = None


@model
class RunInfo(DataModel):
    """One run of one plan, as the ledger tells it."""

    run_id: str
    plan: str
    started_at: str | None = None
    ended_at: str | None = None
    command_line: str | None = None
    status: RunStatus = RunStatus.RUNNING
    tasks: list[int] = field(default_factory=list)  # tasks that ran (skipped ones excluded)
    commands: int = 0
    passed: int = 0  # commands that passed
    test_counts: TestCounts | None = None  # summed over the last run of each distinct command
    per_command: dict[str, TestCounts] = field(default_factory=dict)


def entry_from_result(
    run_id: str,
    plan: str,
    result: CommandResult,
    *,
    phase: str | None = None,
    task: int | None = None,
    kind: str = "verify",
    git_head: str | None = None,
    git_dirty: bool | None = None,
    keep_chars: int = LEDGER_KEEP_CHARS,
) -> LedgerEntry:
    """A ledger line for `result`, its output cut to `keep_chars` at each end."""
    head, tail = result.output_head, result.output_tail
    if not tail and len(head) > 2 * keep_chars:
        head, tail = head[:keep_chars], head[-keep_chars:]
    return LedgerEntry(
        run_id=run_id,
        plan=plan,
        phase=phase,
        task=task,
        kind=kind,
        command=result.command,
        run_command=result.run_command if result.run_command != result.command else None,
        status=result.status,
        exit_code=result.exit_code,
        duration=result.duration,
        started_at=result.started_at,
        output_head=head[:keep_chars],
        output_tail=tail[-keep_chars:] if tail else "",
        test_counts=result.test_counts,
        git_head=git_head,
        git_dirty=git_dirty,
    )


class Ledger:
    def __init__(self, planning_dir: Path) -> None:
        self.root = Path(planning_dir) / ".gsd"
        self.dir = self.root / "ledger"
        self.skipped_lines = 0  # unreadable lines met by the last read

    # -- writing -------------------------------------------------------------------------------

    @staticmethod
    def new_run_id() -> str:
        """Sortable by time, unique across processes: `20250601T120000Z-3fa9c1`."""
        return new_run_id()

    def append(self, entry: LedgerEntry | RunRecord) -> None:
        self._write_line(entry.plan, entry.model_dump_json(exclude_none=True))

    def start_run(self, run_id: str, plan: str, command_line: str) -> None:
        self.append(
            RunRecord(
                event="start",
                run_id=run_id,
                plan=plan,
                at=_now(),
                command_line=command_line,
                pid=os.getpid(),
                host=socket.gethostname(),
            )
        )

    def end_run(self, run_id: str, plan: str, status: RunStatus | str) -> None:
        self.append(
            RunRecord(event="end", run_id=run_id, plan=plan, at=_now(), status=RunStatus(status))
        )

    def _write_line(self, plan: str, text: str) -> None:
        self._ensure_dir()
        path = self.path_for(plan)
        data = (text + "\n").encode("utf-8")  # JSON escapes newlines: one record, one line
        with Flock(f"{path}.lock").held(timeout=60):
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    data = b"\n" + data  # a crash cut the last line short: start a fresh one
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            finally:
                os.close(fd)

    def _ensure_dir(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        ignore = self.root / ".gitignore"
        if not ignore.exists():
            atomic_write_text(ignore, "*\n", durable=False)

    def path_for(self, plan: str) -> Path:
        return self.dir / f"{_SAFE.sub('_', plan)}.jsonl"

    # -- reading -------------------------------------------------------------------------------

    def records(self, plan: str | None = None) -> list[LedgerEntry | RunRecord]:
        """Every readable line, in append order (for all plans: file by file)."""
        self.skipped_lines = 0
        if plan is not None:
            paths = [self.path_for(plan)]
        else:
            paths = sorted(self.dir.glob("*.jsonl")) if self.dir.is_dir() else []
        out: list[LedgerEntry | RunRecord] = []
        for path in paths:
            try:
                raw = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                continue
            for line in raw.split(b"\n"):
                if not line.strip():
                    continue
                record = self._parse(line)
                if record is None:
                    self.skipped_lines += 1
                elif plan is None or record.plan == plan:
                    out.append(record)
        return out

    @staticmethod
    def _parse(line: bytes) -> LedgerEntry | RunRecord | None:
        """One line as gsd wrote it, else None: lines may be cut short, damaged or hand-edited
        (exact types, as `model_dump_json` writes them: see planner/exactjson.py)."""
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                return None
            if data.get("record") == "run":
                return load_exact(RunRecord, data)
            return load_exact(LedgerEntry, data)
        except ValueError:
            return None

    def entries(self, plan: str | None = None) -> list[LedgerEntry]:
        return [r for r in self.records(plan) if isinstance(r, LedgerEntry)]

    def latest_task_results(self, plan: str) -> dict[int, list[LedgerEntry]]:
        """For each task, the entries of the most recent run that ran it (skips do not count)."""
        ran = [
            (e.task, e)
            for e in self.entries(plan)
            if e.task is not None and e.status is not CommandStatus.SKIPPED
        ]
        latest_run = {task: e.run_id for task, e in ran}
        results: dict[int, list[LedgerEntry]] = {}
        for task, e in ran:
            if latest_run[task] == e.run_id:
                results.setdefault(task, []).append(e)
        return dict(sorted(results.items()))

    def passed_tasks_in_latest_run(self, plan: str) -> set[int]:
        """Tasks whose latest results (see `latest_task_results`) all passed: what `--resume` skips."""
        return {
            task
            for task, entries in self.latest_task_results(plan).items()
            if entries and all(e.status is CommandStatus.PASSED for e in entries)
        }

    def runs(self, plan: str) -> list[RunInfo]:
        """Runs of `plan` in the order they started, with their outcome and test counts."""
        infos: dict[str, RunInfo] = {}
        starts: dict[str, RunRecord] = {}
        last_counts: dict[str, dict[str, TestCounts]] = {}
        for record in self.records(plan):
            info = infos.get(record.run_id)
            if info is None:
                info = infos[record.run_id] = RunInfo(run_id=record.run_id, plan=plan)
            if isinstance(record, RunRecord):
                if record.event == "start":
                    starts[record.run_id] = record
                    info.started_at, info.command_line = record.at, record.command_line
                else:
                    info.ended_at, info.status = record.at, record.status or RunStatus.ERROR
                continue
            info.started_at = info.started_at or record.started_at
            if record.status is CommandStatus.SKIPPED:
                continue
            info.commands += 1
            info.passed += record.status is CommandStatus.PASSED
            if record.task is not None and record.task not in info.tasks:
                info.tasks.append(record.task)
            if record.test_counts is not None:
                last_counts.setdefault(record.run_id, {})[record.run_command or record.command] = (
                    record.test_counts
                )
        for run_id, info in infos.items():
            if info.ended_at is None:
                start = starts.get(run_id)
                info.status = (
                    RunStatus.ABANDONED if start and _dead_here(start) else RunStatus.RUNNING
                )
            per_command = last_counts.get(run_id, {})
            info.per_command = per_command
            info.test_counts = _sum_counts(list(per_command.values()))
        return list(infos.values())

    def test_counts_by_run(self, plan: str) -> list[tuple[str, TestCounts]]:
        """(run_id, counts) for each run that parsed test counts, oldest first: the before/after
        series ("19/51 passing before, 24/51 after" compares the last two)."""
        return [(r.run_id, r.test_counts) for r in self.runs(plan) if r.test_counts is not None]


def _sum_counts(counts: list[TestCounts]) -> TestCounts | None:
    if not counts:
        return None
    runners = sorted({c.runner for c in counts})
    return TestCounts(
        runner="+".join(runners),
        passed=sum(c.passed for c in counts),
        failed=sum(c.failed for c in counts),
        errors=sum(c.errors for c in counts),
        skipped=sum(c.skipped for c in counts),
    )


def _dead_here(start: RunRecord) -> bool:
    """The run's process is known to be gone: same host, and no process with its pid."""
    if start.pid is None or start.host != socket.gethostname():
        return False
    try:
        os.kill(start.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
