"""Commits that name a plan, read from git with plain subprocesses (stdlib only: hook path).

A commit names a plan by its subject, `type(ref): text` (`feat(26-04): ...`, `fix(12-GAP-01)!:
...`; a scope may list several refs separated by commas), or by `Plan: ref` trailers, which git
itself parses (`%(trailers:key=Plan)`). A scope without a digit (`feat(api): ...`) names no plan.
"""

from __future__ import annotations

import os
import re
import subprocess

# Plain classes and os.path, no dataclasses/typing/pathlib: a commit that names no plan costs
# the hook only this module (mypy reads any `TYPE_CHECKING` as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

CODES = {
    "GSD610": "git failed or is not installed",
}

_SUBJECT_RE = re.compile(
    r"^(?P<type>[A-Za-z][\w-]*)\((?P<scope>[^()]+)\)(?P<bang>!)?:[ \t]*(?P<text>.*)$"
)
_DIGIT_RE = re.compile(r"\d")
# One record per commit: fields split by \x1f, then (with -z --name-only) the touched paths.
_LOG_FORMAT = "%x1e%H%x1f%h%x1f%s%x1f%(trailers:key=Plan,valueonly,separator=%x1d)%x1f"
# States in which commits are being replayed or combined; their commits are recorded at the end
# (post-rewrite) or not at all (`gsd summary --from-git` catches up).
IN_PROGRESS = ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD")
# Hooks run at the top of the work tree; its `.planning/` is there (see fromgit for monorepos).
PLANNING_PREFIX = ".planning/"


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
    """`feat(26-04)!: add x` -> Subject("feat", ("26-04",), True, "add x"); None if no plan scope."""
    m = _SUBJECT_RE.match(subject.strip())
    if not m:
        return None
    refs = tuple(r.strip() for r in m.group("scope").split(",") if _DIGIT_RE.search(r))
    if not refs:
        return None
    return Subject(m.group("type"), refs, bool(m.group("bang")), m.group("text").strip())


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
