"""Hot, machine-facing command lines answered without importing typer (start-up budget).

`gsd [--root DIR] [--no-color] show REF [--json]`, `... status [N] [--json]`,
`... lint [TARGET...] [--format text|json|github]` and the plain shapes of `... execute` and
`... verify` (see `execution.execute_main.parse_args`, `verify.fastcli.parse_fast`) are what
agents, prompts, hooks and CI call most; typer's import and parameter machinery cost about a
third of their budget. Only these exact shapes are taken; anything else (help, unknown options,
an option where REF should be, an unknown format) returns None and typer runs as usual, with its
own messages. The commands themselves are the same functions the typer commands call
(`show_main`, `status_main`, `lint_main`, `execute_main`, `verify_main`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.boundary import AppState


def show_main(app_state: AppState, ref: str, json_out: bool) -> int:
    """`gsd show`: diagnostics on stderr, the view on stdout; returns the exit code."""
    from planner import output
    from planner.commands import show as cmd

    result = cmd.show(ref, app_state.optional_workspace())
    for diagnostic in result.diagnostics():
        output.err(diagnostic.format())
    if json_out:
        output.print_json(result.view.model_dump(mode="json", by_alias=True))
    else:
        output.out(cmd.render_text(result.view))
    return int(result.exit_code)


def status_main(app_state: AppState, ref: str | None, json_out: bool) -> int:
    """`gsd status`: diagnostics on stderr, the report on stdout; returns the exit code."""
    import sys

    from planner import output
    from planner.commands import status as cmd

    report, code = cmd.status(app_state.workspace(), ref)
    for diagnostic in report.diagnostics:
        output.err(diagnostic.format())
    if json_out:
        output.print_json(report.model_dump(mode="json"))
    else:
        output.out(cmd.render_text(report, color=output.color_enabled(sys.stdout)))
    return int(code)


def lint_main(app_state: AppState, targets: list[str], fmt: str) -> int:
    """`gsd lint`: the report on stdout in `fmt` (text, json or github); returns the exit code."""
    import sys

    from planner import output
    from planner.commands import lint as cmd
    from planner.lint import format as fmt_mod

    report = cmd.lint(targets, app_state.optional_workspace(), explicit_root=app_state.root)
    if fmt == "json":
        output.print_json(report.model_dump(mode="json"))
    elif fmt == "github":
        output.out(fmt_mod.render_github(report))
    else:
        output.out(fmt_mod.render_text(report, color=output.color_enabled(sys.stdout)))
    return int(report.exit_code)


# verb -> (min, max) positional arguments; execute and verify read their own arguments
_POSITIONAL = {"show": (1, 1), "status": (0, 1), "lint": (0, 1 << 30)}
_VERBS = frozenset({*_POSITIONAL, "execute", "verify"})
_FORMATS = ("text", "json", "github")


def choice(value: str | None, choices: tuple[str, ...]) -> str | None:
    """The choice `value` names, as typer matches a `case_sensitive=False` choice option
    (`--format GitHub`: casefolded on both sides); None when it names none (typer says so)."""
    folded = None if value is None else value.casefold()
    return folded if folded in choices else None


def _lint_format(rest: list[str]) -> tuple[list[str], str] | None:
    """`rest` without its `--format X` / `--format=X`, and the format; None for a bad shape."""
    fmt: str | None = None
    kept: list[str] = []
    args = iter(rest)
    for arg in args:
        if arg == "--format" or arg.startswith("--format="):
            value = choice(arg.partition("=")[2] if "=" in arg else next(args, None), _FORMATS)
            if fmt is not None or value is None:
                return None  # typer says what is wrong
            fmt = value
        else:
            kept.append(arg)
    return kept, fmt or "text"


def fast_path(argv: list[str]) -> int | None:
    """The exit code when `argv` is a shape answered here, else None (typer handles it)."""
    args = list(argv)
    root: Path | None = None
    no_color = False
    while args and args[0] not in _VERBS:
        head = args.pop(0)
        if head == "--no-color":
            no_color = True
        elif head == "--root" and args and not args[0].startswith("-"):
            root = Path(args.pop(0))
        elif head.startswith("--root=") and len(head) > len("--root="):
            root = Path(head.split("=", 1)[1])
        else:
            return None
    if not args:
        return None
    job = _job(args[0], args[1:])
    if job is None:
        return None
    from planner import output
    from planner.boundary import AppState, handle_exception

    output.set_color(not no_color)
    app_state = AppState(root=root)
    try:
        return job(app_state)
    except (Exception, KeyboardInterrupt) as exc:
        return handle_exception(exc, app_state)


def _job(verb: str, rest: list[str]) -> Callable[[AppState], int] | None:
    """The command `verb rest...` names, ready to run; None when typer should parse it."""
    if verb == "verify":
        from planner.verify.fastcli import parse_fast, verify_main

        verify_args = parse_fast(rest)
        if verify_args is None:
            return None
        return lambda app_state: verify_main(app_state, verify_args)
    if verb == "execute":
        from planner.execution.execute_main import execute_main, parse_args

        parsed = parse_args(rest)
        if parsed is None:
            return None
        request, json_out = parsed
        return lambda app_state: execute_main(app_state, request, json_out=json_out)
    fmt, json_out = "text", False
    if verb == "lint":
        found = _lint_format(rest)
        if found is None:
            return None
        rest, fmt = found
    elif "--json" in rest:
        rest.remove("--json")
        json_out = True
    low, high = _POSITIONAL[verb]
    if not low <= len(rest) <= high or any(a.startswith("-") for a in rest):
        return None  # --json given twice falls here too
    if verb == "show":
        return lambda app_state: show_main(app_state, rest[0], json_out)
    if verb == "lint":
        return lambda app_state: lint_main(app_state, rest, fmt)
    return lambda app_state: status_main(app_state, rest[0] if rest else None, json_out)
