"""One execution of a plan at a time: `plan_lock(planning_dir, plan_id, wait=5.0)`.

    with plan_lock(root / ".planning", "26-04", command="gsd execute 26-04") as me:
        ...  # run the plan

The lock is an OS file lock (flock on `.planning/.gsd/locks/26-04.lock`, see `flock`), so a
holder that dies, even by SIGKILL, releases it: a stale lock is simply taken over. Beside it,
`26-04.holder.json` records who holds it (pid, host, start time, command) so that a second
execution that waited `wait` seconds in vain can say who is in the way:

    26-04 is being executed by pid 1234 on build-7 since 2025-06-01T12:00:00Z (gsd execute 26-04)

That is a `PlanLocked` error (GSD510, exit 1: the run did not happen). Each `plan_lock` opens its
own lock file descriptor, so two threads of one process exclude each other too. No pydantic and
no filelock import: this is on the way of every plan to its first command.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from planner.errors import ExitCode, GsdError
from planner.execution.flock import Flock, FlockTimeout
from planner.fsutil import atomic_write_text
from planner.records import record

CODES = {"GSD510": "the plan is being executed by another process (lock held)"}

_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_HOLDER_FIELDS = frozenset({"plan", "pid", "host", "started_at", "command"})


class PlanLocked(GsdError):
    exit_code = ExitCode.FAILED


@record(frozen=True)
class LockHolder:
    plan: str
    pid: int
    host: str
    started_at: str  # ISO 8601 UTC
    command: str

    def to_json(self) -> str:
        """One JSON object, compact, as the holder file holds it."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        """The holder a file describes; None when it is not one (cut short, or not ours)."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not data.keys() >= _HOLDER_FIELDS:
            return None  # other keys are ignored (a later gsd may write more)
        fields = {k: data[k] for k in _HOLDER_FIELDS}
        if type(fields["pid"]) is not int or not all(
            isinstance(v, str) for k, v in fields.items() if k != "pid"
        ):
            return None
        return cls(**fields)

    def describe(self) -> str:
        where = "" if self.host == hostname() else f" on {self.host}"
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
        atomic_write_text(gsd_dir / ".gitignore", "*\n", durable=False)
    name = _SAFE.sub("_", plan_id)
    lock_path, holder_path = locks / f"{name}.lock", locks / f"{name}.holder.json"
    lock = Flock(lock_path)
    try:
        lock.acquire(timeout=max(wait, 0.0), poll_interval=0.05)
    except FlockTimeout:
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
            host=hostname(),
            started_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            command=command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        )
        atomic_write_text(holder_path, me.to_json() + "\n", durable=False)
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
    probe = Flock(lock_path)
    try:
        probe.acquire(timeout=0)
    except FlockTimeout:
        return _read_holder(locks / f"{name}.holder.json")
    probe.release()
    return None


def hostname() -> str:
    """This machine's name, as `socket.gethostname()` gives it (without importing socket)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket  # pragma: no cover - no os.uname (Windows)

    return socket.gethostname()


def _read_holder(path: Path) -> LockHolder | None:
    try:
        return LockHolder.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _alive(holder: LockHolder) -> bool:
    if holder.host != hostname():
        return True  # cannot tell from here
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
