"""`gsd verify` from the command line: the function the typer command calls, and a typer-free
reading of its common shapes.

typer (0.29) builds a pydantic TypeAdapter for each parameter of the command it runs: importing
typer and parsing verify's eleven options costs about 0.13 s of CPU before any check starts. The
shapes CI and agents type, `verify phase|plan REF` with any of `--static`, `--no-write`, `--json`
(each at most once, anywhere after the scope), are read here instead (`parse_fast`); anything else
(a value option, `--help`, a typo, a second REF) is None and typer reads it as usual, so usage
errors and help keep typer's wording. Both ways end in `verify_main`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.records import record

if TYPE_CHECKING:
    from planner.boundary import AppState

_FLAGS = frozenset({"--static", "--no-write", "--json"})
_SCOPES = ("phase", "plan")


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
    """`argv` after `verify` when it is a shape read here, else None (typer reads it)."""
    if not argv or argv[0] not in _SCOPES:
        return None
    flags: set[str] = set()
    refs: list[str] = []
    for arg in argv[1:]:
        if arg in _FLAGS:
            if arg in flags:
                return None
            flags.add(arg)
        elif arg.startswith("-"):
            return None  # another option, `--`, `-h`: typer's
        else:
            refs.append(arg)
    if len(refs) != 1:
        return None
    return VerifyArgs(
        scope=argv[0],
        ref=refs[0],
        static="--static" in flags,
        no_write="--no-write" in flags,
        json_out="--json" in flags,
    )


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

