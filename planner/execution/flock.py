"""Exclusive locks on lock files with `flock`, the way `filelock.FileLock` takes them on POSIX,
without its import (30-40 ms here, on the path of every `gsd execute` to its first command).

    lock = Flock(".planning/.gsd/locks/26-04.lock")
    lock.acquire(timeout=5.0, poll_interval=0.05)   # FlockTimeout when still held elsewhere
    ...
    lock.release()

    with Flock(path).held(timeout=60):               # the same, around a block

A lock held by a process (or a thread: each `Flock` opens its own descriptor) that uses
`filelock.FileLock` on the same file excludes us and the other way round: both are `flock` on
that file. A holder that dies releases it. Where `flock` is not available (no fcntl, or a file
system without it) filelock takes over, with its own fallback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: filelock does it
    fcntl = None  # type: ignore[assignment]

_CONTENTION = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})


class FlockTimeout(Exception):
    """The lock was still held elsewhere when the wait ran out."""


class Flock:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._fd: int | None = None
        self._fallback: Any = None  # a filelock.FileLock where flock cannot be used

    def acquire(self, timeout: float, poll_interval: float = 0.05) -> None:
        """Take the lock, waiting up to `timeout` s (0: one try); FlockTimeout when held."""
        deadline = time.monotonic() + max(timeout, 0.0)
        while not self._try():
            if self._fallback is not None:
                return self._acquire_fallback(deadline, poll_interval)
            left = deadline - time.monotonic()
            if left <= 0:
                raise FlockTimeout(f"{self.path} is locked")
            time.sleep(min(poll_interval, left))
        return None

    def release(self) -> None:
        if self._fallback is not None:
            self._fallback.release()
        elif self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops its flock

    @contextlib.contextmanager
    def held(self, timeout: float, poll_interval: float = 0.01) -> Iterator[None]:
        self.acquire(timeout, poll_interval)
        try:
            yield
        finally:
            self.release()

    def _try(self) -> bool:
        if fcntl is None:
            self._fallback = True
            return False
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _CONTENTION:
                return False
            if exc.errno in _UNSUPPORTED:
                self._fallback = True
                return False
            raise
        self._fd = fd
        return True

    def _acquire_fallback(self, deadline: float, poll_interval: float) -> None:
        from filelock import FileLock, Timeout

        self._fallback = FileLock(self.path)
        try:
            self._fallback.acquire(
                timeout=max(deadline - time.monotonic(), 0.0), poll_interval=poll_interval
            )
        except Timeout:
            self._fallback = None
            raise FlockTimeout(f"{self.path} is locked") from None
