"""Install, remove and inspect gsd's git hooks (post-commit, post-rewrite).

The hook is a small shell shim rendered from `templates/hook-shim.sh.j2`, with the interpreter
that installed it baked in (running `planner.gitops.hook_main.main_and_exit`) and `gsd` on PATH
as a fallback. A marker line makes it ours: installing again rewrites only our shim (same bytes,
no change). A hook that is not ours is moved aside to `NAME.pre-gsd` and run by the shim;
uninstall puts it back. The hooks folder is git's own answer (`git rev-parse --git-path hooks`), so
`core.hooksPath` and linked worktrees (which share the common dir's hooks) are respected.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import field
from enum import StrEnum
from pathlib import Path

from planner.datamodel import DataModel, model
from planner.errors import GsdError
from planner.gitops.commits import GitError, run_git

CODES = {
    "GSD640": "not inside a git work tree",
    "GSD641": "git could not tell where the hooks folder is",
    "GSD642": "a foreign hook and a kept NAME.pre-gsd both exist; gsd will not overwrite either",
    "GSD643": "the hooks folder or a hook file cannot be written",
}

HOOKS = ("post-commit", "post-rewrite")
MARKER = "gsd-planner hook shim"
ASIDE = ".pre-gsd"
TEMPLATE = "hook-shim.sh.j2"


class HookState(StrEnum):
    INSTALLED = "installed"  # our shim, nothing chained
    CHAINED = "chained"  # our shim, running a kept NAME.pre-gsd first
    FOREIGN = "foreign"  # a hook that is not ours
    MISSING = "missing"


@model
class HookInfo(DataModel):
    name: str
    path: str
    state: HookState
    chained: str | None = None  # the kept hook our shim runs first
    interpreter: str | None = None  # the python baked into our shim
    interpreter_ok: bool | None = None  # it still exists (else the shim falls back to gsd)


@model
class HooksResult(DataModel):
    action: str  # install | uninstall | status
    hooks_dir: str
    hooks: list[HookInfo] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # what this run did, one line each


def work_tree(start: Path) -> Path:
    try:
        return Path(run_git(["rev-parse", "--show-toplevel"], start).strip())
    except GitError as exc:
        raise GsdError(
            f"{start} is not inside a git work tree ({exc})",
            code="GSD640",
            hint="run `git init` first, or pass --root inside the repository",
        ) from None


def hooks_dir(top: Path) -> Path:
    """Where git looks for hooks from this work tree (core.hooksPath, worktrees included)."""
    try:
        rel = run_git(["rev-parse", "--git-path", "hooks"], top).strip()
    except GitError as exc:
        raise GsdError(str(exc), code="GSD641") from None
    return (top / rel).resolve()


def render_shim(hook: str, python: str | None = None) -> str:
    from planner.reports.templates import render_template

    return render_template(
        TEMPLATE, marker=MARKER, hook=hook, python=shlex.quote(python or sys.executable)
    )


def _is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return MARKER.encode() in fh.read(2048)
    except OSError:
        return False


def _interpreter(path: Path) -> str | None:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("python="):
            parts = shlex.split(line[len("python=") :])
            return parts[0] if parts else None
    return None


def inspect(directory: Path, name: str) -> HookInfo:
    path = directory / name
    aside = directory / (name + ASIDE)
    if not (path.exists() or path.is_symlink()):
        return HookInfo(name=name, path=str(path), state=HookState.MISSING)
    if not _is_ours(path):
        return HookInfo(name=name, path=str(path), state=HookState.FOREIGN)
    python = _interpreter(path)
    kept = aside.exists() or aside.is_symlink()
    return HookInfo(
        name=name,
        path=str(path),
        state=HookState.CHAINED if kept else HookState.INSTALLED,
        chained=str(aside) if kept else None,
        interpreter=python,
        interpreter_ok=bool(python) and os.access(python or "", os.X_OK),
    )


def _write_hook(path: Path, text: str) -> bool:
    """Write an executable hook; False when it already has exactly this content."""
    from planner.fsutil import atomic_write_text

    changed = atomic_write_text(path, text)
    mode = path.stat().st_mode
    if mode & 0o111 != 0o111:
        path.chmod(mode | 0o755)
        changed = True
    return changed


def install(top: Path, *, python: str | None = None) -> HooksResult:
    directory = hooks_dir(top)
    result = HooksResult(action="install", hooks_dir=str(directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name in HOOKS:
            path = directory / name
            aside = directory / (name + ASIDE)
            present = path.exists() or path.is_symlink()
            ours = present and _is_ours(path)
            if present and not ours:
                if aside.exists() or aside.is_symlink():
                    raise GsdError(
                        f"{path} is not gsd's hook and {aside.name} already exists",
                        code="GSD642",
                        file=str(path),
                        hint="merge or remove one of them, then run `gsd hooks install` again",
                    )
                os.replace(path, aside)
                result.changed.append(f"kept {name} as {aside.name} (it still runs)")
            if _write_hook(path, render_shim(name, python)):
                result.changed.append(f"{'updated' if ours else 'installed'} {name}")
            result.hooks.append(inspect(directory, name))
    except OSError as exc:
        raise GsdError(f"cannot write hooks in {directory}: {exc}", code="GSD643") from None
    return result


def uninstall(top: Path) -> HooksResult:
    directory = hooks_dir(top)
    result = HooksResult(action="uninstall", hooks_dir=str(directory))
    try:
        for name in HOOKS:
            path = directory / name
            aside = directory / (name + ASIDE)
            if _is_ours(path):
                path.unlink()
                result.changed.append(f"removed {name}")
            if (aside.exists() or aside.is_symlink()) and not (path.exists() or path.is_symlink()):
                os.replace(aside, path)
                result.changed.append(f"restored {name} from {aside.name}")
            result.hooks.append(inspect(directory, name))
    except OSError as exc:
        raise GsdError(f"cannot change hooks in {directory}: {exc}", code="GSD643") from None
    return result


def status(top: Path) -> HooksResult:
    directory = hooks_dir(top)
    return HooksResult(
        action="status",
        hooks_dir=str(directory),
        hooks=[inspect(directory, name) for name in HOOKS],
    )
