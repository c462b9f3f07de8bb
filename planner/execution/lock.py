"""One execution of a plan at a time: `plan_lock(planning_dir, plan_id, wait=5.0)`.

    with plan_lock(root / ".planning", "26-04", command="gsd execute 26-04") as me:
        ...  # run the plan

The lock is an OS file lock (`filelock`, flock on `.planning/.gsd/locks/26-04.lock`), so a
holder that dies, even by SIGKILL, releases it: a stale lock is simply taken over. Beside it,
`26-04.holder.json` records who holds it (pid, host, start time, command) so that a second
execution that waited `wait` seconds in vain can say who is in the way:

    26-04 is being executed by pid 1234 on build-7 since 2025-06-01T12:00:00Z (gsd execute 26-04)

That is a `PlanLocked` error (GSD510, exit 1: the run did not happen). Each `plan_lock` opens its
own lock file descriptor, so two threads of one process exclude each other too.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel, ValidationError

from planner.errors import ExitCode, GsdError
from planner.fsutil import atomic_write_text

CODES = {"GSD510": "the plan is being executed by another process (lock held)"}

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class PlanLocked(GsdError):
    exit_code = ExitCode.FAILED


class LockHolder(BaseModel):
    plan: str
    pid: int
    host: str
    started_at: str  # ISO 8601 UTC
    command: str

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"pid {self.pid}{where} since {self.started_at} ({self.command})"


@contextlib.contextmanager
def plan_lock(
    planning_dir: Path, plan_id: str, wait: float = 5.0, *, command: str | None = None
) -> Iterator[LockHolder]:
    """Hold the plan's lock for the block; wait up to `wait` s for it, then raise `PlanLocked`."""
    gsd_dir = Path(planning_dir) / ".gsd"
    locks = gsd_dir / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    if not (gsd_dir / ".gitignore").exists():
        atomic_write_text(gsd_dir / ".gitignore", "*\n")
    name = _SAFE.sub("_", plan_id)
    lock_path, holder_path = locks / f"{name}.lock", locks / f"{name}.holder.json"
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=max(wait, 0.0), poll_interval=0.05)
    except Timeout:
        holder = _read_holder(holder_path)
        if holder is not None and not _alive(holder):
            holder = None  # the file is a dead holder's; the new one has not written yet
        who = holder.describe() if holder else "another process"
        raise PlanLocked(
            f"{plan_id} is being executed by {who}",
            code="GSD510",
            file=str(lock_path),
            hint=f"wait for it to finish{f', or stop it (kill {holder.pid})' if holder else ''}",
        ) from None
    try:
        me = LockHolder(
            plan=plan_id,
            pid=os.getpid(),
            host=socket.gethostname(),
            started_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            command=command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        )
        atomic_write_text(holder_path, me.model_dump_json() + "\n")
        yield me
    finally:
        with contextlib.suppress(OSError):
            holder = _read_holder(holder_path)
            if holder is not None and holder.pid == os.getpid():
                holder_path.unlink()
        lock.release()


def lock_holder(planning_dir: Path, plan_id: str) -> LockHolder | None:
    """Who holds the plan's lock now, or None when nobody does (for `gsd status`)."""
    locks = Path(planning_dir) / ".gsd" / "locks"
    name = _SAFE.sub("_", plan_id)
    lock_path = locks / f"{name}.lock"
    if not lock_path.exists():
        return None
    probe = FileLock(str(lock_path))
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return _read_holder(locks / f"{name}.holder.json")
    probe.release()
    return None


def _read_holder(path: Path) -> LockHolder | None:
    try:
        return LockHolder.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None


def _alive(holder: LockHolder) -> bool:
    if holder.host != socket.gethostname():
        return True  # cannot tell from here
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
