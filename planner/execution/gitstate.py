"""Where the code stood when a command ran: `git_state(root) -> (HEAD hash, dirty)`.

One plain `git status --porcelain=v2 --branch` subprocess (no gitpython import: this runs for
every ledger entry and must stay cheap), with a timeout. `(None, None)` outside a repository or
when git is missing or slow; `(None, dirty)` in a repository without commits. Untracked files count
as dirty (a file an agent created and did not commit is not in HEAD). `GIT_OPTIONAL_LOCKS=0` keeps
git from taking `index.lock`, so this never races a commit the user is making.

Threads asking at the same time (the plans of a phase starting together) share one subprocess:
a caller joins a look that is still under way when it started after the caller's last chance
to change anything, i.e. no command of ours has started since (`procs.spawn_count`). A look
that is over is never reused: the next caller runs git again.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from planner.execution import procs

GIT_TIMEOUT = 5.0

State = tuple[str | None, bool | None]


class _Look:
    __slots__ = ("done", "spawns", "state")

    def __init__(self, spawns: int) -> None:
        self.spawns = spawns
        self.done = threading.Event()
        self.state: State = (None, None)


_lock = threading.Lock()
_under_way: dict[tuple[str, float], _Look] = {}


def git_state(root: Path, timeout: float = GIT_TIMEOUT) -> State:
    key = (os.fspath(root), timeout)
    with _lock:
        look = _under_way.get(key)
        joined = look is not None and look.spawns == procs.spawn_count()
        if look is None or not joined:
            look = _under_way[key] = _Look(procs.spawn_count())
    if joined:
        look.done.wait()
        return look.state
    try:
        look.state = _git_status(root, timeout)
    finally:
        with _lock:
            if _under_way.get(key) is look:
                del _under_way[key]
        look.done.set()
    return look.state


def _git_status(root: Path, timeout: float) -> State:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", "status", "--porcelain=v2", "--branch", "--untracked-files=normal"],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    if proc.returncode != 0:
        return None, None
    head: str | None = None
    dirty = False
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("# branch.oid "):
            oid = line.split(" ", 2)[2].strip()
            head = None if oid == "(initial)" else oid
        elif line and not line.startswith("#"):
            dirty = True
    return head, dirty
