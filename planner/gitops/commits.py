"""Commits that name a plan, read from git with plain subprocesses (stdlib only: hook path).

A commit names a plan by its subject, `type(ref): text` (`feat(26-04): ...`, `fix(12-GAP-01)!:
...`; a scope may list several refs separated by commas), or by `Plan: ref` trailers, which git
itself parses (`%(trailers:key=Plan)`). A scope without a digit (`feat(api): ...`) names no plan.

Every commit pays for this module's import in the post-commit hook, so it needs neither `re` (with
`enum`, about a third of the hook's start-up here) nor `subprocess` (signal, threading, selectors):
subjects are split with str methods and git is started with `os.posix_spawnp`.

Threads asking git the same question at the same time (the plans of a phase ending together and
reading their commits) share one git process (planner.sharedcall: every call here only reads, and
a call is joined only if no command of ours started or ended since it began).
"""

from __future__ import annotations

import os

from planner.sharedcall import shared

# Plain classes and os.path, no dataclasses/typing/pathlib (mypy reads any `TYPE_CHECKING` as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

CODES = {
    "GSD610": "git failed or is not installed",
}

# One record per commit: fields split by \x1f, then (with -z --name-only) the touched paths.
_LOG_FORMAT = "%x1e%H%x1f%h%x1f%s%x1f%(trailers:key=Plan,valueonly,separator=%x1d)%x1f"
# States in which commits are being replayed or combined; their commits are recorded at the end
# (post-rewrite) or not at all (`gsd summary --from-git` catches up).
IN_PROGRESS = ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD")
# Hooks run at the top of the work tree; its `.planning/` is there (see fromgit for monorepos).
PLANNING_PREFIX = ".planning/"
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class GitError(Exception):
    """git failed (code GSD610). Deliberately not a GsdError: that would import pydantic."""

    code = "GSD610"


class Subject:
    __slots__ = ("breaking", "refs", "text", "type")

    def __init__(self, type: str, refs: tuple[str, ...], breaking: bool, text: str) -> None:
        self.type = type
        self.refs = refs
        self.breaking = breaking
        self.text = text


def parse_subject(subject: str) -> Subject | None:
    """`feat(26-04)!: add x` -> Subject("feat", ("26-04",), True, "add x"); None if no plan scope.

    Exactly what the regex `^(?P<type>[A-Za-z][\\w-]*)\\((?P<scope>[^()]+)\\)(?P<bang>!)?:[ \\t]*
    (?P<text>.*)$` matches on the stripped subject (tests compare both); refs are the scope's
    comma-separated parts that contain a digit (`\\d`, str.isdecimal).
    """
    s = subject.strip()
    open_ = s.find("(")
    if open_ < 1 or s[0] not in _ASCII_LETTERS:
        return None
    if not all(c.isalnum() or c in "_-" for c in s[1:open_]):  # \w is isalnum() or "_"
        return None
    close = s.find(")", open_ + 1)
    scope = s[open_ + 1 : close]
    if close < 0 or not scope or "(" in scope:
        return None
    rest = s[close + 1 :]
    bang = rest.startswith("!")
    if bang:
        rest = rest[1:]
    if not rest.startswith(":") or "\n" in rest:  # `.` stops at a line break
        return None
    refs = tuple(r.strip() for r in scope.split(",") if any(c.isdecimal() for c in r))
    if not refs:
        return None
    return Subject(s[:open_], refs, bang, rest[1:].strip())


class Commit:
    """One commit as `git log` reports it."""

    __slots__ = ("files", "sha", "short", "subject", "trailer_refs")

    def __init__(
        self,
        sha: str,
        short: str,
        subject: str,
        trailer_refs: tuple[str, ...] = (),
        files: tuple[str, ...] = (),
    ) -> None:
        self.sha = sha
        self.short = short
        self.subject = subject
        self.trailer_refs = trailer_refs
        self.files = files

    def _key(self) -> tuple[str, str, str, tuple[str, ...], tuple[str, ...]]:
        return (self.sha, self.short, self.subject, self.trailer_refs, self.files)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Commit) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Commit({self.short!r}, {self.subject!r})"

    @property
    def parsed(self) -> Subject | None:
        return parse_subject(self.subject)

    def plan_refs(self) -> list[str]:
        """Every plan reference the commit names: subject scope first, then trailers."""
        parsed = self.parsed
        refs = [*(parsed.refs if parsed else ()), *self.trailer_refs]
        return list(dict.fromkeys(r for r in refs if r))

    def touches_outside(self, planning_prefix: str = PLANNING_PREFIX) -> bool:
        """True when some path lies outside `.planning/` (an empty commit touches nothing)."""
        return any(not f.startswith(planning_prefix) for f in self.files)

    def matches(self, hash_prefix: str) -> bool:
        return len(hash_prefix) >= 7 and self.sha.startswith(hash_prefix.lower())


def run_git(
    args: Sequence[str],
    cwd: str | os.PathLike[str],
    *,
    stdin: str | None = None,
    timeout: float = 30,
) -> str:
    """git's stdout for `git ARGS` run in `cwd`; GitError when git fails, is missing or hangs."""
    if stdin is not None:
        return _run_git(args, cwd, stdin, timeout)
    return shared(
        ("git", tuple(args), os.fspath(cwd), timeout), lambda: _run_git(args, cwd, None, timeout)
    )


def _run_git(
    args: Sequence[str], cwd: str | os.PathLike[str], stdin: str | None, timeout: float
) -> str:
    if stdin is not None or not hasattr(os, "posix_spawnp"):
        return _run_subprocess(args, cwd, stdin, timeout)
    where = os.fspath(cwd)
    if not os.path.isdir(where):
        try:
            os.listdir(where)  # the error subprocess would raise for this cwd
        except OSError as exc:
            raise GitError(f"git {' '.join(args[:2])}: {exc}") from None
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        try:
            # -C rather than a cwd (posix_spawn has none); the pipes' other ends are close-on-exec;
            # a process group of its own, so a timeout kills whatever git started too.
            pid = os.posix_spawnp(
                "git",
                ["git", "-C", where, *args],
                os.environ,
                file_actions=[(os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)],
                setpgroup=0,
            )
        except OSError as exc:
            if exc.filename is None:
                exc.filename = "git"
            raise GitError(f"git {' '.join(args[:2])}: {exc}") from None
        finally:
            os.close(out_w)
            os.close(err_w)
        try:
            out, err, status = _collect(pid, out_r, err_r, timeout, ["git", *args])
        except BaseException:  # timed out or interrupted: git must not outlive the call
            _kill(pid)
            raise
    finally:
        os.close(out_r)
        os.close(err_r)
    if status != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])} failed: {lines[-1] if lines else status}")
    return out.decode("utf-8", "replace")


def _collect(
    pid: int, out_r: int, err_r: int, timeout: float, cmd: list[str]
) -> tuple[bytes, bytes, int]:
    """Read both pipes to their end (so neither fills up), then reap; (stdout, stderr, status)."""
    import select
    import time

    chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
    poller = select.poll()
    for fd in chunks:
        poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + timeout
    pending = len(chunks)
    while pending:
        left = deadline - time.monotonic()
        ready = poller.poll(max(left, 0) * 1000) if left > 0 else []
        if not ready:  # (the caller kills git) subprocess.TimeoutExpired's wording:
            raise GitError(
                f"git {' '.join(cmd[1:3])}: Command '{cmd}' timed out after {timeout} seconds"
            )
        for fd, _ in ready:
            data = os.read(fd, 65536)
            if data:
                chunks[fd].append(data)
            else:
                poller.unregister(fd)
                pending -= 1
    _, wait_status = os.waitpid(pid, 0)
    return b"".join(chunks[out_r]), b"".join(chunks[err_r]), os.waitstatus_to_exitcode(wait_status)


def _kill(pid: int) -> None:
    """Kill git's process group (git and anything it started) and reap git."""
    import contextlib  # a failure path: its import cost does not matter here
    import signal

    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):  # reaped already
        os.waitpid(pid, 0)


def _run_subprocess(
    args: Sequence[str], cwd: str | os.PathLike[str], stdin: str | None, timeout: float
) -> str:
    import subprocess  # no posix_spawn (Windows), or input to send

    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin.encode() if stdin is not None else None,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args[:2])}: {exc}") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])} failed: {err[-1] if err else proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")


def read_commits(
    cwd: str | os.PathLike[str], revs: Sequence[str], *, no_walk: bool = False
) -> list[Commit]:
    """Commits of `git log REVS` (newest first), or exactly REVS in their order with `no_walk`."""
    args = ["log", "-z", "--name-only", "--no-renames", "--abbrev=7", f"--format={_LOG_FORMAT}"]
    if no_walk:
        args += ["--no-walk=unsorted", "--ignore-missing"]
    out = run_git([*args, *revs, "--"], cwd)
    return parse_log(out)


def parse_log(out: str) -> list[Commit]:
    commits: list[Commit] = []
    for record in out.split("\x1e")[1:]:
        fields = record.split("\x1f")
        if len(fields) < 5:
            continue
        sha, short, subject, trailers, tail = fields[0], fields[1], fields[2], fields[3], fields[4]
        refs = tuple(t.strip() for t in trailers.split("\x1d") if t.strip())
        files = tuple(f for f in tail.lstrip("\0\n").split("\0") if f)
        commits.append(Commit(sha, short, subject, refs, files))
    return commits


def git_dir(worktree: str | os.PathLike[str]) -> str:
    """This worktree's git dir, read from `.git` without a subprocess where possible."""
    top = os.fspath(worktree)
    env = os.environ.get("GIT_DIR")
    if env:
        return os.path.abspath(os.path.join(top, env))
    dotgit = os.path.join(top, ".git")
    if os.path.isdir(dotgit):
        return dotgit
    if os.path.isfile(dotgit):
        with open(dotgit, encoding="utf-8", errors="replace") as fh:
            line = fh.read().strip()
        if line.startswith("gitdir:"):
            return os.path.abspath(os.path.join(top, line[len("gitdir:") :].strip()))
    return run_git(["rev-parse", "--absolute-git-dir"], top).strip()


def operation_in_progress(gitdir: str | os.PathLike[str]) -> str | None:
    """The name of the rebase/merge/cherry-pick state present in `gitdir`, if any."""
    for name in IN_PROGRESS:
        if os.path.exists(os.path.join(gitdir, name)):
            return name
    return None
