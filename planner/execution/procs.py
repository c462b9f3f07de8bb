"""Process groups of running commands: a registry, TERM-then-KILL, and the interrupt guard.

Every command runs as the leader of its own process group (`start_new_session=True`), so one
`killpg` reaches the shell, its pipelines and its backgrounded grandchildren.

- `spawn(argv, ...)` starts a group and registers it; `unregister(proc)` when it is finished.
- `terminate_group(proc, grace)` sends TERM (and CONT, so stopped members can act on it), waits up
  to `grace` seconds, then KILL; it returns when no live member is left (zombies do not count).
- `kill_all(grace)` does that for every registered group at once (used on interrupt).
- `interrupt_guard()` (main thread, around a whole run): on SIGINT/SIGTERM it marks the run as
  shutting down, kills every group and raises `planner.errors.Interrupted` in the main thread.
  Commands running in worker threads then end with status `interrupted`, and commands asked to
  start afterwards do not start (`shutting_down()` is true until the guard exits).

On Linux this process becomes a child subreaper (prctl) the first time it spawns, so backgrounded
grandchildren orphaned by a killed shell are re-parented to us and reaped here (with
`waitid(P_PGID)`) instead of lingering as zombies until init gets to them. A process that leaves
its group on purpose (`setsid`, a daemon) is out of reach; that is the one known escape.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from planner.errors import Interrupted
from planner.sharedcall import mark_change

if TYPE_CHECKING:
    import subprocess

# subprocess (with selectors) is imported where a process starts: `interrupt_guard` and
# `shutting_down` are on paths that never start one (`gsd verify --static`).

KILL_GRACE = 1.0  # seconds between TERM and KILL
_KILL_WAIT = 3.0  # after KILL, how long to wait for the kernel to finish the group off

_lock = threading.RLock()  # re-entrant: the signal handler runs in the main thread
_live: dict[int, subprocess.Popen[bytes]] = {}
_shutdown = threading.Event()
_critical_depth = 0  # main thread inside spawn(): a signal there is deferred, not raised
_pending_interrupt = False
_guard_depth = 0  # interrupt_guard blocks entered in the main thread
_subreaper_tried = False
_subreaper_lock = threading.Lock()


def shutting_down() -> bool:
    """True after an interrupt, until the `interrupt_guard` that caught it exits."""
    return _shutdown.is_set()


def live_groups() -> list[int]:
    with _lock:
        return list(_live)


def spawn(
    argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], output_fd: int
) -> subprocess.Popen[bytes]:
    """Start `argv` as the leader of a new process group, stdin from /dev/null, stdout and stderr
    both to `output_fd`, and register the group. Raises OSError when it cannot start."""
    global _critical_depth
    import subprocess

    become_subreaper()
    main = threading.current_thread() is threading.main_thread()
    if main:
        _critical_depth += 1
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output_fd,
            stderr=output_fd,
            start_new_session=True,
            close_fds=True,
        )
        with _lock:
            _live[proc.pid] = proc
        mark_change()  # git answers begun before this may not show what it does
    except BaseException:
        if main:
            _critical_depth -= 1
            _raise_pending()  # an interrupt deferred while starting wins over the error
        raise
    if main:
        _critical_depth -= 1
    if _shutdown.is_set():
        # The interrupt came while we were starting: kill_all may have missed this group.
        terminate_group(proc, grace=0.0)
        if main and _pending_interrupt:
            unregister(proc)
            _raise_pending()
    return proc


def unregister(proc: subprocess.Popen[bytes]) -> None:
    with _lock:
        _live.pop(proc.pid, None)
    mark_change()  # it has done all it will do: git answers begun before now may predate it


def group_alive(pgid: int) -> bool:
    """Whether the group has a member that is not a zombie."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _has_live_member(pgid)


def terminate_group(proc: subprocess.Popen[bytes], grace: float = KILL_GRACE) -> None:
    """TERM the group led by `proc`, KILL it after `grace` s; return once no live member is left.

    Also reaps the leader and any orphaned members re-parented to us."""
    pgid = proc.pid
    _signal_group(pgid, signal.SIGTERM)
    _signal_group(pgid, signal.SIGCONT)
    killed = grace <= 0
    if killed:
        _signal_group(pgid, signal.SIGKILL)
    deadline = time.monotonic() + (grace if not killed else _KILL_WAIT)
    pause = 0.002
    while True:
        if proc.poll() is not None:
            reap_orphans(pgid)
        if not group_alive(pgid):
            break
        if time.monotonic() >= deadline:
            if killed:
                break  # unkillable (uninterruptible sleep): give up rather than hang
            _signal_group(pgid, signal.SIGKILL)
            killed = True
            deadline = time.monotonic() + _KILL_WAIT
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    from subprocess import TimeoutExpired

    with contextlib.suppress(TimeoutExpired):
        proc.wait(timeout=0.5)
    reap_orphans(pgid)


def kill_all(grace: float = KILL_GRACE) -> int:
    """TERM every registered group, KILL the survivors after `grace` s. Returns how many groups
    were signalled. Does not reap: each group's own runner does that."""
    with _lock:
        procs = list(_live.values())
    for proc in procs:
        _signal_group(proc.pid, signal.SIGTERM)
        _signal_group(proc.pid, signal.SIGCONT)
    deadline = time.monotonic() + grace
    remaining = procs
    while remaining and time.monotonic() < deadline:
        time.sleep(0.01)
        remaining = [p for p in remaining if group_alive(p.pid)]
    for proc in remaining:
        _signal_group(proc.pid, signal.SIGKILL)
    deadline = time.monotonic() + _KILL_WAIT
    while remaining and time.monotonic() < deadline:
        remaining = [p for p in remaining if group_alive(p.pid)]
        if remaining:
            time.sleep(0.01)
    return len(procs)


@contextlib.contextmanager
def interrupt_guard(grace: float = KILL_GRACE) -> Iterator[None]:
    """Around a whole run, in the main thread: SIGINT/SIGTERM kill every running command group
    and raise `Interrupted` in the main thread (the CLI maps it to exit 130).

    Outside the main thread signal handlers cannot be installed; the guard then only makes sure
    every group is killed when the block exits with an exception. Nested guards (a phase run
    around plan runs) leave the work to the outermost one."""
    global _pending_interrupt, _guard_depth
    if threading.current_thread() is not threading.main_thread() or _guard_depth:
        try:
            yield
        except BaseException:
            kill_all(grace)
            raise
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        global _pending_interrupt
        if _shutdown.is_set():
            return  # already shutting down; the first signal's cleanup is under way
        _shutdown.set()
        kill_all(grace)
        if _critical_depth:
            _pending_interrupt = True  # raised when spawn() has registered its process
            return
        raise Interrupted(f"interrupted by {signal.Signals(signum).name}")

    _shutdown.clear()
    _pending_interrupt = False
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    _guard_depth += 1
    try:
        yield
    except BaseException:
        kill_all(grace)
        raise
    finally:
        _guard_depth -= 1
        for sig, old in previous.items():
            signal.signal(sig, old)
        _shutdown.clear()
        _pending_interrupt = False


def _raise_pending() -> None:
    global _pending_interrupt
    if _pending_interrupt and not _critical_depth:
        _pending_interrupt = False
        raise Interrupted("interrupted")


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def reap_orphans(pgid: int) -> None:
    """Reap members of group `pgid` that were re-parented to us (we are a subreaper).

    Only call once the leader has been reaped by its Popen, or this could steal its status."""
    if not hasattr(os, "waitid"):
        return
    while True:
        try:
            info = os.waitid(os.P_PGID, pgid, os.WEXITED | os.WNOHANG)
        except (ChildProcessError, OSError):
            return
        if info is None:
            return


def _has_live_member(pgid: int) -> bool:
    """Scan /proc for a member of `pgid` that is not a zombie. Without /proc, assume one is."""
    try:
        entries = os.scandir("/proc")
    except OSError:
        return True
    with entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
            fields = stat[stat.rfind(b")") + 2 :].split()
            if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
                return True
    return False


def become_subreaper() -> None:
    """Once per process, before the first command starts (`spawn` calls it; a caller with
    time to spare, waiting on something else, may call it earlier: ctypes costs 5-10 ms)."""
    global _subreaper_tried
    if _subreaper_tried:
        return
    with _subreaper_lock:  # a second thread waits: none may spawn before it is done
        if _subreaper_tried or not sys.platform.startswith("linux"):
            _subreaper_tried = True
            return
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        except (OSError, AttributeError):
            pass
        _subreaper_tried = True
