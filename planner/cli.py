"""Typer wiring only: global options, one error boundary, exit codes.

Each command parses its options, calls `planner.commands.<verb>` (imported inside the function so
start-up stays small), prints, and raises `typer.Exit(code)` (a return value is not an exit code).

The error boundary (`_Boundary.invoke`, so CliRunner goes through it too) hands every exception
to `planner.boundary.handle_exception`: GsdError -> its one-line format on stderr and its exit code;
Ctrl-C / Interrupted -> 130; anything else is a bug -> a crash log, exit 70. Usage errors exit 2.
`gsd show` is also answered without typer by planner.fastpath (same function, same boundary).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from planner import output
from planner.boundary import AppState, handle_exception

__all__ = ["AppState", "app", "run", "state"]


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):
        obj = AppState()
        ctx.find_root().obj = obj
    return obj


class _Boundary(TyperGroup):
    """Typer's side of the error boundary (planner.boundary decides messages and exit codes)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own control flow and usage errors (exit 2)
        except BaseException as exc:
            if not isinstance(exc, Exception | KeyboardInterrupt):
                raise  # SystemExit, GeneratorExit: not ours to translate
            app_state = ctx.obj if isinstance(ctx.obj, AppState) else None
            raise typer.Exit(handle_exception(exc, app_state)) from None


app = typer.Typer(
    cls=_Boundary,
    name="gsd",
    help="Execute and verify GSD-style .planning/ folders, deterministically.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        from planner import __version__

        output.out(f"gsd {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global_options(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root", help="Project folder holding .planning/ (default: nearest one above the cwd)."
        ),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="Plain output, no ANSI colour.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    output.set_color(not no_color)
    ctx.obj = AppState(root=root)


# ---------------------------------------------------------------------------------------------
# show, schema, lint


@app.command()
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Phase (26), plan (26-04) or path to a document.")],
    json_out: Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")] = False,
) -> None:
    """Show a parsed plan, summary, verification report or phase."""
    from planner.fastpath import show_main

    code = show_main(state(ctx), ref, json_out)
    if code:
        raise typer.Exit(code)


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="plan, summary or verification.")],
) -> None:
    """Print the JSON Schema of a document's frontmatter."""
    from planner.commands import schema as cmd

    output.print_json(cmd.schema(kind))


class LintFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


@app.command()
def lint(
    ctx: typer.Context,
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Plans, phases or paths (default: every document in the project)."),
    ] = None,
    fmt: Annotated[
        LintFormat, typer.Option("--format", case_sensitive=False, help="Output format.")
    ] = LintFormat.TEXT,
) -> None:
    """Check plans, summaries and verification reports for structural problems."""
    from planner.fastpath import lint_main

    code = lint_main(state(ctx), list(targets or []), fmt.value)
    if code:
        raise typer.Exit(code)


def run(argv: list[str] | None = None) -> int:
    """Run gsd with `argv` (default: sys.argv[1:]) and return the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        typer.main.get_command(app).main(args=args, prog_name="gsd", standalone_mode=True)
    except SystemExit as exc:
        return _exit_code(exc.code)
    except (Exception, KeyboardInterrupt) as exc:  # outside a command (argument parsing)
        return handle_exception(exc, None)
    return 0


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    output.err(str(code))
    return 1


# ---------------------------------------------------------------------------------------------
# Commands added by other modules go below: one thin function each, following `show` above.
# Parse options, import planner.commands.<verb> inside the function, get the project with
# `state(ctx).workspace()` (or `.enter_workspace()` to run from the project root; resolve path
# arguments first), print, and `raise typer.Exit(int(code))` for a non-zero exit code.
# Sub-commands (`hooks install`, `plan gaps`, `verify phase`) use a typer.Typer(cls=TyperGroup)
# added with `app.add_typer(...)`; errors reach the boundary above either way.


# ---------------------------------------------------------------------------------------------
# hooks, summary

hooks_app = typer.Typer(
    cls=TyperGroup,
    help="Git hooks that record each commit in its plan's SUMMARY.md.",
    no_args_is_help=True,
)
app.add_typer(hooks_app, name="hooks")


def _hooks(ctx: typer.Context, action: str, json_out: bool) -> None:
    from planner.commands import hooks as cmd

    start = state(ctx).root or Path.cwd()
    result, code = cmd.hooks(cmd.HookAction(action), start)
    if json_out:
        output.print_json(result.model_dump(mode="json"))
    else:
        for line in cmd.render_text(result):
            output.out(line)
    if code:
        raise typer.Exit(int(code))


_JSON = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


@hooks_app.command("install")
def hooks_install(ctx: typer.Context, json_out: _JSON = False) -> None:
    """Install the post-commit and post-rewrite hooks (a hook already there is kept and run)."""
    _hooks(ctx, "install", json_out)


@hooks_app.command("uninstall")
def hooks_uninstall(ctx: typer.Context, json_out: _JSON = False) -> None:
    """Remove gsd's hooks and put back the hooks they had kept."""
    _hooks(ctx, "uninstall", json_out)


@hooks_app.command("status")
def hooks_status(ctx: typer.Context, json_out: _JSON = False) -> None:
    """Each hook: installed, chained, foreign or missing (exit 1 unless both are gsd's)."""
    _hooks(ctx, "status", json_out)


@hooks_app.command("run", hidden=True)
def hooks_run(
    hook: Annotated[str, typer.Argument(help="post-commit or post-rewrite.")],
    args: Annotated[list[str] | None, typer.Argument(help="What git passed to the hook.")] = None,
) -> None:
    """Run a hook's body now (the shim's fallback; pre-commit's post-commit stage)."""
    from planner.commands import hooks as cmd

    raise typer.Exit(cmd.run_hook([hook, *(args or [])]))


@app.command()
def summary(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Plan (26-04) or path to its PLAN/SUMMARY.")],
    from_git: Annotated[
        bool, typer.Option("--from-git", help="Rebuild the commit record from git log.")
    ] = False,
    json_out: _JSON = False,
) -> None:
    """Rebuild a SUMMARY's managed sections (--from-git: the Commits section and `commits:`)."""
    from planner.errors import UsageError

    if not from_git:
        raise UsageError(
            "only --from-git is available: rebuilding from the run ledger comes with `gsd execute`",
            code="GSD660",
            hint="gsd summary REF --from-git",
        )
    from planner.commands import summary as cmd

    result, code = cmd.summary_from_git(state(ctx).workspace(), ref)
    if json_out:
        output.print_json(result.model_dump(mode="json"))
    else:
        for line in cmd.render_text(result):
            output.out(line)
    if code:
        raise typer.Exit(int(code))


# ---------------------------------------------------------------------------------------------
# status


@app.command("status")
def status_cmd(
    ctx: typer.Context,
    phase: Annotated[
        str | None, typer.Argument(help="One phase in detail (26, 02.1, or a ROADMAP phase).")
    ] = None,
    json_out: _JSON = False,
) -> None:
    """Phases, plans, summaries, verification status and progress (always exit 0)."""
    from planner.fastpath import status_main

    code = status_main(state(ctx), phase, json_out)
    if code:
        raise typer.Exit(code)


# ---------------------------------------------------------------------------------------------
# verify

verify_app = typer.Typer(
    cls=TyperGroup,
    help="Check must-haves (and run verification commands); write VERIFICATION.md.",
    no_args_is_help=True,
)
app.add_typer(verify_app, name="verify")


class VerifyFormat(StrEnum):
    TEXT = "text"
    GITHUB = "github"


_STATIC = Annotated[bool, typer.Option("--static", help="Run no commands: static checks only.")]
_JOBS = Annotated[
    int | None, typer.Option("--jobs", "-j", min=1, help="Plans run in parallel (default: config)")
]
_TIMEOUT = Annotated[
    float | None,
    typer.Option("--timeout", min=0.001, help="Seconds per command (default: plan, config, 300)."),
]
_MAP = Annotated[
    list[str] | None, typer.Option("--map-path", help="Rewrite OLD=NEW in commands (repeatable).")
]
_AGENT = Annotated[
    str | None,
    typer.Option("--agent", help="Command that judges uncertain truths (JSON on stdout)."),
]
_JUNIT = Annotated[Path | None, typer.Option("--junit", help="Also write JUnit XML here.")]
_NO_WRITE = Annotated[bool, typer.Option("--no-write", help="Do not write VERIFICATION.md.")]
_VFORMAT = Annotated[
    VerifyFormat,
    typer.Option("--format", case_sensitive=False, help="text, or github annotations."),
]


def _verify(ctx: typer.Context, scope: str, ref: str, **opts: Any) -> None:
    from planner.verify.fastcli import VerifyArgs, verify_main

    args = VerifyArgs(
        scope=scope,
        ref=ref,
        static=opts["static"],
        jobs=opts["jobs"],
        timeout=opts["timeout"],
        map_path=tuple(opts["map_path"] or ()),
        agent=opts["agent"],
        json_out=opts["json_out"],
        junit=opts["junit"],
        no_write=opts["no_write"],
        fmt=opts["fmt"].value,
    )
    code = verify_main(state(ctx), args)  # the typer-free fast path runs the same function
    if code:
        raise typer.Exit(code)


@verify_app.command("phase")
def verify_phase_cmd(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Phase: 26, 02.1, or its folder.")],
    static: _STATIC = False,
    jobs: _JOBS = None,
    timeout: _TIMEOUT = None,
    map_path: _MAP = None,
    agent: _AGENT = None,
    json_out: _JSON = False,
    junit: _JUNIT = None,
    no_write: _NO_WRITE = False,
    fmt: _VFORMAT = VerifyFormat.TEXT,
) -> None:
    """Verify every plan of a phase and write the phase's VERIFICATION.md (exit 0/1/4/5)."""
    _verify(
        ctx,
        "phase",
        ref,
        static=static,
        jobs=jobs,
        timeout=timeout,
        map_path=map_path,
        agent=agent,
        json_out=json_out,
        junit=junit,
        no_write=no_write,
        fmt=fmt,
    )


@verify_app.command("plan")
def verify_plan_cmd(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Plan: 26-04, 12-GAP-01, or its PLAN.md.")],
    static: _STATIC = False,
    jobs: _JOBS = None,
    timeout: _TIMEOUT = None,
    map_path: _MAP = None,
    agent: _AGENT = None,
    json_out: _JSON = False,
    junit: _JUNIT = None,
    no_write: _NO_WRITE = False,
    fmt: _VFORMAT = VerifyFormat.TEXT,
) -> None:
    """Verify one plan and print the result; the phase report is not written (exit 0/1/4/5)."""
    _verify(
        ctx,
        "plan",
        ref,
        static=static,
        jobs=jobs,
        timeout=timeout,
        map_path=map_path,
        agent=agent,
        json_out=json_out,
        junit=junit,
        no_write=no_write,
        fmt=fmt,
    )


# ---------------------------------------------------------------------------------------------
# plan gaps

plan_app = typer.Typer(
    cls=TyperGroup, help="Write new plans (gap closure) into a phase.", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")


@plan_app.command("gaps")
def plan_gaps_cmd(
    ctx: typer.Context,
    phase: Annotated[
        str, typer.Argument(help="The phase whose VERIFICATION.md gaps to plan (26).")
    ],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the plans that would be written; write nothing."),
    ] = False,
    json_out: _JSON = False,
) -> None:
    """Gap-closure PLAN.md files from the phase's VERIFICATION.md gaps (exit 5: nothing to plan)."""
    from planner.commands import plan_gaps as cmd

    result, code = cmd.plan_gaps(state(ctx).workspace(), phase, dry_run=dry_run)
    for diagnostic in result.diagnostics:
        if diagnostic.code not in ("GSD810", "GSD811", "GSD812", "GSD813"):
            output.err(diagnostic.format())
    if result.message:
        output.err(f"gsd: {result.message}")
    if json_out:
        output.print_json(result.model_dump(mode="json"))
    else:
        for line in cmd.render_text(result):
            output.out(line)
    if code:
        raise typer.Exit(int(code))


# ---------------------------------------------------------------------------------------------
# execute


@app.command()
def execute(
    ctx: typer.Context,
    target: Annotated[list[str], typer.Argument(help="A plan (26-04), or `phase N`.")],
    jobs: _JOBS = None,
    timeout: _TIMEOUT = None,
    agent: Annotated[
        str | None, typer.Option("--agent", help="Command doing each auto task (prompt on stdin).")
    ] = None,
    attempts: Annotated[
        int,
        typer.Option("--attempts", min=1, help="Tries per task with an agent (failures fed back)."),
    ] = 1,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Skip tasks whose verification passed in the latest run."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the commands after path mapping; run nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Approve checkpoint tasks.")] = False,
    map_path: _MAP = None,
    json_out: _JSON = False,
    junit: _JUNIT = None,
    no_write: Annotated[bool, typer.Option("--no-write", help="Do not write the SUMMARY.")] = False,
) -> None:
    """Run a plan's tasks and verify commands (or a phase's plans, wave by wave); write SUMMARY.md."""
    from planner.commands import execute as cmd
    from planner.execution.execute_main import execute_main

    request = cmd.ExecuteRequest(
        target=target,
        jobs=jobs,
        timeout=timeout,
        agent=agent,
        attempts=attempts,
        resume=resume,
        dry_run=dry_run,
        yes=yes,
        map_path=list(map_path or ()),
        write=not no_write,
        junit=junit.absolute() if junit is not None else None,
        command_line=" ".join(["gsd", *sys.argv[1:]]),
    )
    code = execute_main(state(ctx), request, json_out=json_out)
    if code:
        raise typer.Exit(code)
