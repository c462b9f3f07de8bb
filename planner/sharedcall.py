"""Threads asking the same read-only question at the same time share one answer (`shared`).

The plans of a phase start and end together, and each asks git the same things (HEAD, status,
history): one subprocess can answer them all, but only where its answer is as fresh as the
caller's own would be. A caller joins a call under way only if no command of ours has started
or ended since that call began (`mark_change`, called by planner.execution.procs around each
command): a caller asks right after its own commands end, so any change they made shows in a call
it joins. An answer that is in is never reused; the next caller asks again.

Imports only `_thread`: git calls on the post-commit hook's path come through here.
"""

from __future__ import annotations

import _thread

TYPE_CHECKING = False  # no typing at run time (the hook path); mypy reads this as true
if TYPE_CHECKING:
    from collections.abc import Callable, Hashable
    from typing import TypeVar

    T = TypeVar("T")

_changes = 0  # commands of ours started or ended so far
_lock = _thread.allocate_lock()
_under_way: dict[Hashable, _Call] = {}


def mark_change() -> None:
    """A command of ours started or ended: calls under way may predate what it did."""
    global _changes
    with _lock:
        _changes += 1


class _Call:
    __slots__ = ("changes", "done", "error", "finished", "value")

    def __init__(self, changes: int) -> None:
        self.changes = changes
        self.done = _thread.allocate_lock()  # held until the answer is in
        self.done.acquire()
        self.finished = False
        self.value: object = None
        self.error: Exception | None = None


def shared(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or the answer of an identical call (same `key`) that began with nothing of
    ours changed since. Its exception is raised to every caller that joined it; a call cut short
    (an interrupt) leaves the joiners to compute for themselves."""
    with _lock:
        call = _under_way.get(key)
        joined = call is not None and call.changes == _changes
        if not joined:
            call = _under_way[key] = _Call(_changes)
    assert call is not None
    if joined:
        with call.done:  # wait for the answer
            pass
        if call.error is not None:
            raise call.error
        if call.finished:
            return call.value  # type: ignore[return-value]
        return compute()
    try:
        value = compute()
    except Exception as exc:
        call.error = exc
        raise
    else:
        call.value, call.finished = value, True
    finally:
        with _lock:
            if _under_way.get(key) is call:
                del _under_way[key]
        call.done.release()
    return value
