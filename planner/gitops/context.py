"""What a hook run needs: the workspace, the git dir, a log, a lock, plan resolution, SUMMARY I/O.

Stdlib only (plus planner.workspace and the editing modules): this is on the hook path.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from planner.fsutil import atomic_write_text
from planner.gitops.commits import PLANNING_PREFIX, Commit, git_dir, read_commits
from planner.gitops.fastpath import Trust, record_fast
from planner.gitops.hooklog import gsd_dir, log_line
from planner.gitops.record import new_summary, record
from planner.workspace import PlanRef, Workspace

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent hooks there are not serialised
    fcntl = None  # type: ignore[assignment]

CODES = {
    "GSD620": "commit names no plan (no `type(ref):` subject, no `Plan:` trailer); not recorded",
    "GSD621": "commit names a plan that does not exist; not recorded",
    "GSD622": "commit touches only .planning/ (or nothing); not recorded",
    "GSD623": "a rebase, merge or cherry-pick is in progress; nothing recorded",
    "GSD624": "a SUMMARY could not be read or edited; left as it was",
    "GSD625": "another gsd process held the SUMMARY lock too long; nothing recorded",
    "GSD626": "unexpected error in the hook (a bug; traceback in the log)",
    "GSD627": "hook called with an unknown name or bad input",
}

LOCK_NAME = "summary.lock"


Change = Callable[[str], str]


class LockTimeout(Exception):
    code = "GSD625"


def lock_timeout() -> float:
    """Seconds to wait for another gsd writing a SUMMARY (GSD_HOOK_LOCK_TIMEOUT, default 10)."""
    try:
        return float(os.environ.get("GSD_HOOK_LOCK_TIMEOUT", "10"))
    except ValueError:
        return 10.0


@contextlib.contextmanager
def summary_lock(ws: Workspace, timeout: float = 10.0) -> Iterator[None]:
    """Serialise SUMMARY writers (hooks in several worktrees, `gsd summary`, execute)."""
    fd = os.open(os.path.join(gsd_dir(ws.planning), LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LockTimeout(f"{LOCK_NAME} held for more than {timeout:g} s") from None
                    time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read_text(path: Path) -> str:
    # Bytes, then decode: Path.read_text would turn CRLF into LF and the edit would rewrite them.
    return path.read_bytes().decode("utf-8")


@dataclass
class HookContext:
    ws: Workspace
    top: Path  # the work tree git runs the hook in
    gitdir: Path
    prefix: str  # `.planning/` relative to the work tree
    hook: str = "gsd"
    _plans: dict[str, PlanRef | str] = field(default_factory=dict)
    _trust: Trust | None = None

    @classmethod
    def find(cls, top: Path, hook: str = "gsd", gitdir: Path | None = None) -> HookContext | None:
        """None when the work tree has no `.planning/` of its own (nothing for gsd to do)."""
        top = top.absolute()
        if not (top / ".planning").is_dir():
            return None
        ws = Workspace.discover(start=top)
        return cls(ws, top, gitdir or Path(git_dir(top)), PLANNING_PREFIX, hook)

    def log(self, code: str, message: str, commit: str = "-") -> None:
        log_line(self.ws.planning, self.hook, code, message, commit)

    def plan(self, ref: str) -> PlanRef | str:
        """The plan `ref` names, or the reason it names none (cached per run)."""
        if ref not in self._plans:
            try:
                self._plans[ref] = self.ws.resolve_plan(ref)
            except Exception as exc:
                from planner.errors import GsdError  # already loaded by the workspace's raise

                if not isinstance(exc, GsdError):
                    raise
                self._plans[ref] = exc.message
        return self._plans[ref]

    def plans_of(self, commit: Commit, *, quiet: bool = False) -> list[PlanRef]:
        """The existing plans a commit should be recorded in (unknown ones logged unless quiet).

        None for a commit that names no plan or touches only `.planning/` (the post-commit hook
        has logged why before loading this module).
        """
        refs = commit.plan_refs()
        if not refs or not commit.touches_outside(self.prefix):
            return []
        plans: list[PlanRef] = []
        for ref in refs:
            found = self.plan(ref)
            if isinstance(found, str):
                if not quiet:
                    self.log("GSD621", f"not recorded in {ref!r}: {found}", commit.sha)
            elif all(p.summary_path != found.summary_path for p in plans):
                plans.append(found)
        return plans

    def lookup(self, hashes: list[str]) -> Sequence[Commit]:
        return read_commits(self.top, hashes, no_walk=True)

    def edit_summary(
        self, plan: PlanRef, change: Change, fast: Callable[[str], str | None] | None = None
    ) -> bool:
        """`update_summary`, errors logged (GSD624) with the file left as it was; True if written.

        `fast` is tried only on a SUMMARY whose bytes this hook wrote (see fastpath).
        """
        rel = self.ws.relpath(plan.summary_path)
        if self._trust is None:
            self._trust = Trust(gsd_dir(self.ws.planning))
        trust = self._trust

        def trusted(text: str) -> str | None:
            return fast(text) if fast is not None and trust.trusts(rel, text) else None

        try:
            written = update_summary(plan, change, trusted)
        except Exception as exc:
            self.log("GSD624", _describe(exc, rel))
            return False
        if written is None:
            return False
        trust.remember(rel, written)
        return True

    def record_all(self, commits: Iterable[Commit]) -> list[Path]:
        """Record each commit in the SUMMARY of every plan it names; the paths written."""
        by_plan: dict[Path, tuple[PlanRef, list[Commit]]] = {}
        for commit in commits:
            for plan in self.plans_of(commit):
                by_plan.setdefault(plan.summary_path, (plan, []))[1].append(commit)
        written: list[Path] = []
        for path, (plan, found) in by_plan.items():
            change = partial(record, commits=found, lookup=self.lookup)
            if self.edit_summary(plan, change, partial(record_fast, commits=found)):
                written.append(path)
                shorts = ", ".join(c.short for c in found)
                self.log("ok", f"recorded {shorts} in {self.ws.relpath(path)}", found[0].sha)
        return written


def update_summary(
    plan: PlanRef, change: Change, fast: Callable[[str], str | None] | None = None
) -> str | None:
    """Apply `change` to the plan's SUMMARY (a minimal one when missing); the text written, or
    None when nothing changed. `fast(old)` goes first when given; its None means "not for me".

    Raises what reading or editing raises (GsdError for a frontmatter that cannot be edited).
    """
    path = plan.summary_path
    old = read_text(path) if path.exists() else None
    new = fast(old) if fast is not None and old is not None else None
    if new is None:
        base = old if old is not None else new_summary(plan.phase.dir.name, plan.number, plan.id)
        new = change(base)
        if old is None and new == base:
            return None
    if new == old:
        return None
    atomic_write_text(path, new)
    return new


def _describe(exc: BaseException, file: str) -> str:
    from planner.errors import GsdError  # an error path: pydantic's import cost is fine here

    if isinstance(exc, GsdError):  # "file:line: error[CODE]: message (hint: ...)"
        exc.file = exc.file or file
        return exc.format()
    if isinstance(exc, UnicodeDecodeError):
        return f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})"
    return f"{file}: {type(exc).__name__}: {exc}"
