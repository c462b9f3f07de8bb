"""The git hook entry point: `python -m planner.gitops.hook_main post-commit|post-rewrite [args]`.

It never fails a commit and never amends one: every outcome, error included, is a line in
`.planning/.gsd/hooks.log` and the exit status is 0. Start-up is part of every commit, so this
path imports only the stdlib and gsd's stdlib-only modules (no pydantic, typer, gitpython). A
commit that names no plan costs `planner.gitops.commits` and `select`; one that names a plan adds
the editor, `planfind`, `zlib` and `fcntl` (no `re`, `subprocess`, pathlib, dataclasses or typing:
each costs milliseconds), and yaml or the workspace only when a person edited the SUMMARY or the
reference is not a plain plan id. The shim runs `main_and_exit`.
"""

from __future__ import annotations

import os
import sys

from planner.gitops.commits import git_dir, operation_in_progress, read_commits
from planner.gitops.hooklog import log_line

TYPE_CHECKING = False  # no typing import on the hook path; mypy reads this as true
if TYPE_CHECKING:
    from typing import TextIO

HOOKS = ("post-commit", "post-rewrite")
PLANNING = ".planning"


def post_commit(top: str, gitdir: str) -> None:
    planning = os.path.join(top, PLANNING)
    state = operation_in_progress(gitdir)
    if state:
        message = (
            f"skipped: {state} in progress (post-rewrite or `gsd summary --from-git` records it)"
        )
        log_line(planning, "post-commit", "GSD623", message)
        return
    commit = read_commits(top, ["-1", "HEAD"])[0]
    if not commit.plan_refs():  # the common case for commits outside GSD work: stay cheap
        message = f"not recorded: {commit.subject[:80]!r} names no plan"
        log_line(planning, "post-commit", "GSD620", message, commit.sha)
        return
    if not commit.touches_outside():  # e.g. committing the updated SUMMARY
        message = f"not recorded: only {PLANNING}/ touched"
        log_line(planning, "post-commit", "GSD622", message, commit.sha)
        return
    from planner.gitops.context import HookContext, lock_timeout, planning_lock

    ctx = HookContext.find(top, "post-commit", gitdir)
    if ctx is not None:
        with planning_lock(ctx.planning, lock_timeout()):
            ctx.record_all([commit])


def run(args: list[str], stdin: TextIO, top: str) -> None:
    hook = args[0] if args else ""
    planning = os.path.join(top, PLANNING)
    if not os.path.isdir(planning):
        return  # not a gsd project (or not its top): nothing to record, nowhere to log
    try:
        gitdir = git_dir(top)
        if hook == "post-commit":
            post_commit(top, gitdir)
        elif hook == "post-rewrite":
            from planner.gitops.context import HookContext
            from planner.gitops.rewrite import post_rewrite

            ctx = HookContext.find(top, hook, gitdir)
            if ctx is not None:
                post_rewrite(ctx, args[1] if len(args) > 1 else "", stdin.read())
        else:
            message = f"unknown hook {hook!r}; expected one of {', '.join(HOOKS)}"
            log_line(planning, hook, "GSD627", message)
    except Exception as exc:
        code = str(getattr(exc, "code", "GSD626"))
        if code == "GSD626":
            import traceback

            detail = "".join(traceback.format_exception(exc)).rstrip().replace("\n", "\n    ")
            log_line(planning, hook, code, f"unexpected error (a bug in gsd): {detail}")
        else:
            log_line(planning, hook, code, f"nothing recorded: {exc}")


def main(argv: list[str] | None = None) -> int:
    top = os.getcwd()
    try:
        run(list(sys.argv[1:] if argv is None else argv), sys.stdin, top)
    except BaseException as exc:  # even logging failed (or Ctrl-C): the commit goes on
        try:  # noqa: SIM105 - no contextlib on the hook path
            log_line(os.path.join(top, PLANNING), "hook", "GSD626", f"{exc!r}")
        except BaseException:
            pass
    return 0


def main_and_exit() -> None:
    """The shim's entry: `main()`, then leave at once.

    A hook process lives for one commit and leaves nothing to finalise (the files it wrote are
    closed, git is reaped, nothing is registered with atexit), so the cyclic GC stays off and the
    interpreter's teardown is skipped: together about a sixth of the hook's time here.
    """
    import gc

    gc.disable()
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - no contextlib on the hook path
            stream.flush()
        except Exception:
            pass
    os._exit(status)


if __name__ == "__main__":
    raise SystemExit(main())
