"""`gsd verify` from the command line: the function the typer command calls, and a typer-free
reading of its common shapes.

typer (0.29) builds a pydantic TypeAdapter for each parameter of the command it runs: importing
typer and parsing verify's eleven options costs about 0.13 s of CPU before any check starts. The
shapes CI and agents type are read here instead (`parse_fast`): `verify phase|plan REF` with the
command's options anywhere after the scope, in the forms typer accepts and converted as typer
converts them. Anything doubtful (a value typer might refuse or read otherwise, a value that
starts with `-`, an option given twice, `--help`, a typo, a second REF) is None and typer reads
it as usual, so usage errors and help keep typer's wording. Both ways end in `verify_main`.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.fastpath import choice
from planner.records import record

if TYPE_CHECKING:
    from planner.boundary import AppState

_SCOPES = ("phase", "plan")
_FLAGS = {"--static": "static", "--no-write": "no_write", "--json": "json_out"}
# option -> VerifyArgs field, for the options that take a value (`--map-path` is repeatable)
_VALUES = {
    "--jobs": "jobs",
    "-j": "jobs",
    "--timeout": "timeout",
    "--map-path": "map_path",
    "--agent": "agent",
    "--junit": "junit",
    "--format": "fmt",
}
_FORMATS = ("text", "github")
# Plain decimals only: pydantic (typer's converter) also reads " 4", "1_0", "4.0", "1e3"; those
# go to typer, which reads them its way.
_INT = re.compile(r"[0-9]{1,6}")
_SECONDS = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")


@record(frozen=True)
class VerifyArgs:
    """The options of `gsd verify phase|plan` as given on the command line."""

    scope: str  # phase | plan
    ref: str
    static: bool = False
    jobs: int | None = None
    timeout: float | None = None
    map_path: tuple[str, ...] = ()
    agent: str | None = None
    json_out: bool = False
    junit: Path | None = None
    no_write: bool = False
    fmt: str = "text"  # text | github


def parse_fast(argv: list[str]) -> VerifyArgs | None:
    """`argv` after `verify` when it is a shape read here, else None (typer reads it).

    Taken: `phase|plan REF`, the flags `--static`, `--no-write`, `--json`, and `--jobs N`
    (`-j N`, `-jN`; N >= 1), `--timeout S` (S >= 0.001), `--agent CMD`, `--junit FILE`,
    `--format text|github` (any case), `--map-path OLD=NEW` (repeatable), each value also as
    `--opt=value`; every option but `--map-path` at most once."""
    if not argv or argv[0] not in _SCOPES:
        return None
    fields: dict[str, Any] = {}
    map_paths: list[str] = []
    refs: list[str] = []
    items = iter(argv[1:])
    for arg in items:
        if not arg.startswith("-"):
            refs.append(arg)
            continue
        if arg.startswith("-j") and len(arg) > 2 and arg[2] != "-":
            name, value = "-j", arg[2:]  # `-j4`: a short option's value joined to it
        else:
            name, eq, value = arg.partition("=")
            if name in _FLAGS and not eq and _FLAGS[name] not in fields:
                fields[_FLAGS[name]] = True
                continue
            if name not in _VALUES or (not eq and (value := next(items, "")) == ""):
                return None  # `--`, `-h`, `--help`, a typo, `--static=1`, a missing value
        field = _VALUES[name]
        converted = _convert(field, value)
        if converted is None or (field != "map_path" and field in fields):
            return None
        if field == "map_path":
            map_paths.append(value)
        else:
            fields[field] = converted
    if len(refs) != 1:
        return None
    return VerifyArgs(scope=argv[0], ref=refs[0], map_path=tuple(map_paths), **fields)


def _convert(field: str, value: str) -> object | None:
    """`value` of the option behind `field` as typer converts it; None when typer might refuse
    it or read it otherwise."""
    if not value or value.startswith("-"):
        return None  # typer takes `--agent -x` as a value; a likely slip, so typer answers
    if field == "jobs":
        return int(value) if _INT.fullmatch(value) and int(value) >= 1 else None
    if field == "timeout":
        return float(value) if _SECONDS.fullmatch(value) and float(value) >= 0.001 else None
    if field == "fmt":
        return choice(value, _FORMATS)
    if field == "junit":
        # typer checks a path that exists is readable ("Path 'x' is not readable.")
        try:
            os.stat(value)
        except OSError:
            return Path(value)
        return Path(value) if os.access(value, os.R_OK) else None
    return value  # --agent, --map-path: any text


def verify_main(app_state: AppState, args: VerifyArgs) -> int:
    """Run the verify command: messages on stderr, the report on stdout; returns the exit code."""
    from planner import output
    from planner.commands import verify as cmd

    options = cmd.VerifyOptions(
        static=args.static,
        jobs=args.jobs,
        timeout=args.timeout,
        map_paths=args.map_path,
        agent=args.agent,
        write=not args.no_write,
        junit=args.junit.absolute() if args.junit is not None else None,
        command_line=" ".join(["gsd", *sys.argv[1:]]),
    )
    run = cmd.verify_phase if args.scope == "phase" else cmd.verify_plan
    outcome = run(app_state.workspace(), args.ref, options)
    for line in cmd.messages(outcome):
        output.err(line)
    if args.json_out:
        output.print_json(outcome.report.model_dump(mode="json"))
    elif args.fmt == "github":
        for line in cmd.github_lines(outcome):
            output.out(line)
    elif output.color_enabled(sys.stdout):
        from planner.reports.terminal import render_rich

        render_rich(cmd.text_lines(outcome))
    else:
        from planner.reports.terminal import plain_text

        output.out(plain_text(cmd.text_lines(outcome)))
    return int(outcome.exit_code)
