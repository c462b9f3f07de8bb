"""Where the code stood when a command ran: `git_state(root) -> (HEAD hash, dirty)`.

One plain `git status --porcelain=v2 --branch` subprocess (no gitpython import: this runs for
every ledger entry and must stay cheap), with a timeout. `(None, None)` outside a repository or
when git is missing or slow; `(None, dirty)` in a repository without commits. Untracked files count
as dirty (a file an agent created and did not commit is not in HEAD). `GIT_OPTIONAL_LOCKS=0` keeps
git from taking `index.lock`, so this never races a commit the user is making.

Threads asking at the same time (the plans of a phase starting together) share one subprocess
when its answer is as fresh as their own would be (planner.sharedcall).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from planner.sharedcall import shared

GIT_TIMEOUT = 5.0

State = tuple[str | None, bool | None]


def git_state(root: Path, timeout: float = GIT_TIMEOUT) -> State:
    key = ("git status", os.fspath(root), timeout)
    return shared(key, lambda: _git_status(root, timeout))


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
