"""`gsd hooks install | uninstall | status | run`: orchestration over planner.gitops.hooks."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from planner.errors import ExitCode
from planner.gitops.hooks import (
    HookInfo,
    HooksResult,
    HookState,
    install,
    status,
    uninstall,
    work_tree,
)


class HookAction(StrEnum):
    INSTALL = "install"
    UNINSTALL = "uninstall"
    STATUS = "status"


def hooks(
    action: HookAction, start: Path, *, python: str | None = None
) -> tuple[HooksResult, ExitCode]:
    """Run `action` in the git work tree containing `start`.

    Exit code: 0 for install and uninstall; for status, 0 when both hooks are ours and their
    interpreter still exists, 1 otherwise (so CI can check that a clone has them).
    """
    top = work_tree(start)
    if action is HookAction.INSTALL:
        return install(top, python=python), ExitCode.OK
    if action is HookAction.UNINSTALL:
        return uninstall(top), ExitCode.OK
    result = status(top)
    healthy = all(
        h.state in (HookState.INSTALLED, HookState.CHAINED) and h.interpreter_ok
        for h in result.hooks
    )
    return result, ExitCode.OK if healthy else ExitCode.FAILED


def describe(info: HookInfo) -> str:
    text = f"{info.name}: {info.state.value}"
    if info.chained:
        text += f" (runs {Path(info.chained).name} first)"
    if info.state is HookState.FOREIGN:
        text += " (not gsd's; `gsd hooks install` keeps it and chains it)"
    if info.interpreter and not info.interpreter_ok:
        text += f" ({info.interpreter} is gone: falls back to gsd on PATH; reinstall)"
    return text


def render_text(result: HooksResult) -> list[str]:
    """Lines for the terminal: what changed, then each hook's state."""
    lines = list(result.changed)
    if result.action != "status" and not result.changed:
        lines.append("nothing to change")
    lines.append(f"hooks folder: {result.hooks_dir}")
    lines.extend(describe(h) for h in result.hooks)
    return lines


def run_hook(args: list[str]) -> int:
    """`gsd hooks run HOOK [ARGS]`: the hook body for the shim's fallback and pre-commit users."""
    from planner.gitops.hook_main import main

    return main(args)
