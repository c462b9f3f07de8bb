"""What a hook run needs: the planning folder, the git dir, a log, a lock, plan resolution, SUMMARY I/O.

On the post-commit hook's path: plain classes and str paths, no pathlib/dataclasses/typing/
contextlib/re. Plans are found by `planfind` first; the workspace (pathlib, dataclasses, re) is
loaded only when that cannot answer, or when a caller (post-rewrite, `--from-git`) needs it anyway.
"""

from __future__ import annotations

import _thread
import os
import time

from planner.fsutil import atomic_write_text
from planner.gitops.commits import PLANNING_PREFIX, Commit, git_dir, read_commits
from planner.gitops.fastpath import Trust, record_fast
from planner.gitops.hooklog import gsd_dir, log_line
from planner.gitops.planfind import PLAN, FoundPlan, find_plan
from planner.gitops.record import new_summary, record

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent hooks there are not serialised
    fcntl = None  # type: ignore[assignment]

TYPE_CHECKING = False  # mypy reads this as true
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from types import TracebackType

    from planner.workspace import PlanRef, Workspace

    Change = Callable[[str], str]

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
PLANNING = ".planning"


class LockTimeout(Exception):
    code = "GSD625"


def lock_timeout() -> float:
    """Seconds to wait for another gsd writing a SUMMARY (GSD_HOOK_LOCK_TIMEOUT, default 10)."""
    try:
        return float(os.environ.get("GSD_HOOK_LOCK_TIMEOUT", "10"))
    except ValueError:
        return 10.0


class planning_lock:  # lower case: used like a function, `with planning_lock(path):`
    """Serialise SUMMARY writers (hooks in several worktrees, `gsd summary`, execute).

    Between processes: flock, polled. Between the threads of one process (the plans of a phase
    ending together): a thread lock first, so a waiting thread wakes the moment the lock is
    free instead of on its next poll, and only one thread at a time polls the flock."""

    def __init__(self, planning: str | os.PathLike[str], timeout: float = 10.0) -> None:
        self.path = os.path.join(gsd_dir(planning), LOCK_NAME)
        self.timeout = timeout
        self.fd = -1
        self.in_process = _thread_lock(self.path)

    def __enter__(self) -> None:
        deadline = time.monotonic() + self.timeout
        if not self.in_process.acquire(True, max(self.timeout, 0.0)):
            raise LockTimeout(f"{LOCK_NAME} held for more than {self.timeout:g} s")
        try:
            self._flock(deadline)
        except BaseException:
            self.in_process.release()
            raise

    def _flock(self, deadline: float) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is None:
            return
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(self.fd)
                    raise LockTimeout(
                        f"{LOCK_NAME} held for more than {self.timeout:g} s"
                    ) from None
                time.sleep(0.02)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            os.close(self.fd)  # closing releases the flock
        finally:
            self.in_process.release()


_THREAD_LOCKS: dict[str, _thread.LockType] = {}
_THREAD_LOCKS_GUARD = _thread.allocate_lock()


def _thread_lock(path: str) -> _thread.LockType:
    """The one thread lock of this process for a lock file (`_thread`: free to import)."""
    with _THREAD_LOCKS_GUARD:
        lock = _THREAD_LOCKS.get(path)
        if lock is None:
            lock = _THREAD_LOCKS[path] = _thread.allocate_lock()
        return lock


def summary_lock(ws: Workspace, timeout: float = 10.0) -> planning_lock:
    """`planning_lock` for a workspace's `.planning/`."""
    return planning_lock(ws.planning, timeout)


def read_text(path: str | os.PathLike[str]) -> str:
    # Bytes, then decode: text mode would turn CRLF into LF and the edit would rewrite them.
    with open(path, "rb") as fh:
        return fh.read().decode("utf-8")


def from_planref(plan: PlanRef) -> FoundPlan:
    """A workspace's plan as the hook's plain `FoundPlan`."""
    return FoundPlan(
        plan.id,
        plan.number,
        plan.phase.dir.name,
        str(plan.summary_path),
        archived=plan.phase.archived,
        stem=plan.plan_path.name[: -len(PLAN)],
    )


class HookContext:
    """One hook run (or one `gsd summary --from-git`): where things are, and what was resolved."""

    def __init__(
        self,
        top: str | os.PathLike[str],
        gitdir: str | os.PathLike[str],
        planning: str | os.PathLike[str],
        prefix: str = PLANNING_PREFIX,  # `.planning/` relative to the work tree
        hook: str = "gsd",
        ws: Workspace | None = None,
    ) -> None:
        self.top = os.fspath(top)  # the work tree git runs the hook in
        self.gitdir = os.fspath(gitdir)
        self.planning = os.fspath(planning)
        self.prefix = prefix
        self.hook = hook
        self._ws = ws
        self.root = os.fspath(ws.root) if ws is not None else self.top  # relpath's base
        self._plans: dict[str, FoundPlan | str] = {}
        self._trust: Trust | None = None

    @classmethod
    def find(
        cls, top: str | os.PathLike[str], hook: str = "gsd", gitdir: str | None = None
    ) -> HookContext | None:
        """None when the work tree has no `.planning/` of its own (nothing for gsd to do)."""
        top = os.path.abspath(top)
        planning = os.path.join(top, PLANNING)
        if not os.path.isdir(planning):
            return None
        return cls(top, gitdir or git_dir(top), planning, PLANNING_PREFIX, hook)

    @property
    def ws(self) -> Workspace:
        """The workspace, loaded on first use (its imports would double the hook's time)."""
        if self._ws is None:
            from pathlib import Path

            from planner.workspace import Workspace

            self._ws = Workspace.discover(start=Path(self.top))
        return self._ws

    def relpath(self, path: str | os.PathLike[str]) -> str:
        """A path for messages: relative to the project root when inside it."""
        p = os.fspath(path)
        base = self.root if self.root.endswith(os.sep) else self.root + os.sep
        return p[len(base) :].replace(os.sep, "/") if p.startswith(base) else p

    def log(self, code: str, message: str, commit: str = "-") -> None:
        log_line(self.planning, self.hook, code, message, commit)

    def plan(self, ref: str) -> FoundPlan | str:
        """The plan `ref` names, or the reason it names none (cached per run)."""
        if ref not in self._plans:
            found: FoundPlan | str | None = find_plan(self.planning, ref)
            if found is None:  # the workspace decides, and words the error
                try:
                    found = from_planref(self.ws.resolve_plan(ref))
                except Exception as exc:
                    from planner.errors import GsdError  # loaded by the workspace's raise

                    if not isinstance(exc, GsdError):
                        raise
                    found = exc.message
            self._plans[ref] = found
        return self._plans[ref]

    def plans_of(self, commit: Commit, *, quiet: bool = False) -> list[FoundPlan]:
        """The existing plans a commit should be recorded in (unknown ones logged unless quiet).

        None for a commit that names no plan or touches only `.planning/` (the post-commit hook
        has logged why before loading this module).
        """
        refs = commit.plan_refs()
        if not refs or not commit.touches_outside(self.prefix):
            return []
        plans: list[FoundPlan] = []
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
        self, plan: FoundPlan, change: Change, fast: Callable[[str], str | None] | None = None
    ) -> bool:
        """`update_summary`, errors logged (GSD624) with the file left as it was; True if written.

        `fast` is tried only on a SUMMARY whose bytes this hook wrote (see fastpath).
        """
        rel = self.relpath(plan.summary_path)
        if self._trust is None:
            self._trust = Trust(gsd_dir(self.planning))
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

    def record_all(self, commits: Iterable[Commit]) -> list[str]:
        """Record each commit in the SUMMARY of every plan it names; the paths written."""
        by_plan: dict[str, tuple[FoundPlan, list[Commit]]] = {}
        for commit in commits:
            for plan in self.plans_of(commit):
                by_plan.setdefault(plan.summary_path, (plan, []))[1].append(commit)
        written: list[str] = []
        for path, (plan, found) in by_plan.items():

            def change(text: str, found: list[Commit] = found) -> str:
                return record(text, found, lookup=self.lookup)

            def fast(text: str, found: list[Commit] = found) -> str | None:
                return record_fast(text, found)

            if self.edit_summary(plan, change, fast):
                written.append(path)
                shorts = ", ".join(c.short for c in found)
                self.log("ok", f"recorded {shorts} in {self.relpath(path)}", found[0].sha)
        return written


def update_summary(
    plan: FoundPlan, change: Change, fast: Callable[[str], str | None] | None = None
) -> str | None:
    """Apply `change` to the plan's SUMMARY (a minimal one when missing); the text written, or
    None when nothing changed. `fast(old)` goes first when given; its None means "not for me".

    Raises what reading or editing raises (GsdError for a frontmatter that cannot be edited).
    """
    path = plan.summary_path
    old = read_text(path) if os.path.exists(path) else None
    new = fast(old) if fast is not None and old is not None else None
    if new is None:
        base = old if old is not None else new_summary(plan.phase_name, plan.number, plan.id)
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
