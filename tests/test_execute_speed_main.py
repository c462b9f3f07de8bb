"""`gsd execute` without typer (`planner.execution.execute_main`): the shapes it takes, the same
output as the typer command, and no heavy import before the plans' first commands start."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner.commands.execute import ExecuteRequest as R
from planner.execution.execute_main import parse_args
from tests.execute_helpers import REPO, T, child_env, write_plan

# Both entry points in a child process, argv as `gsd` would see it.
TYPER = """
import sys
from planner.cli import run
sys.argv = ["gsd", *sys.argv[1:]]
raise SystemExit(run())
"""
FAST = """
import sys
from planner import output
from planner.boundary import AppState, handle_exception
from planner.execution.execute_main import execute_main, parse_args
argv = sys.argv[1:]
sys.argv = ["gsd", *argv]
parsed = parse_args(argv[1:])
assert parsed is not None, argv
output.set_color(False)
state = AppState()
try:
    code = execute_main(state, parsed[0], json_out=parsed[1])
except (Exception, KeyboardInterrupt) as exc:
    code = handle_exception(exc, state)
raise SystemExit(code)
"""
# Which heavy modules are loaded when the first `bash -c` command starts.
PROBE = (
    """
import sys
HEAVY = ("pydantic", "typer", "rich", "jinja2", "filelock", "git", "concurrent.futures", "planner.results", "planner.execution.plan_exec",
         "planner.reports.execute_terminal", "planner.checks.engine")
seen = []
def hook(event, args):
    if event == "subprocess.Popen" and list(args[1])[:1] == ["bash"] and not seen:
        seen.append(sorted(m for m in HEAVY if m in sys.modules))
sys.addaudithook(hook)
try:
"""
    + "\n".join(f"    {line}" for line in FAST.strip().splitlines())
    + """
finally:
    print("HEAVY AT FIRST SPAWN:", seen, file=sys.stderr)
"""
)


def run_child(code: str, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env(PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


_DURATION = re.compile(r"\b\d+(?:\.\d+)?(?:ms|s|m\d*s?)\b")


def normal(text: str) -> list[str]:
    """The lines, durations blanked (they vary), in order; a phase prints its plans as they
    end, so there the lines are compared as a sorted list."""
    lines = _DURATION.sub("<t>", text).splitlines()
    return sorted(lines) if text.startswith("01-0") and "phase 01:" in text else lines


_VOLATILE = {"run_id", "started_at", "completed_at", "duration", "git_head", "git_dirty"}


def stable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: stable(v) for k, v in data.items() if k not in _VOLATILE}
    if isinstance(data, list):
        return [stable(v) for v in data]
    return data


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, plan="01", tasks=[T("Passes", ["echo ok"]), T("Also", ["true"])])
    write_plan(tmp_path, plan="02", tasks=[T("Fails", ["echo FAIL: no; false"])])
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["26-04"], (R(target=["26-04"]), False)),
        (["phase", "26", "--jobs", "8"], (R(target=["phase", "26"], jobs=8), False)),
        (["phase", "3", "-j", "2", "--json"], (R(target=["phase", "3"], jobs=2), True)),
        (
            ["--jobs=4", "--timeout", "2.5", "phase", "1", "--yes", "--no-write"],
            (R(target=["phase", "1"], jobs=4, timeout=2.5, yes=True, write=False), False),
        ),
        (
            ["26-04", "--resume", "--dry-run", "--timeout=10"],
            (R(target=["26-04"], timeout=10.0, resume=True, dry_run=True), False),
        ),
    ],
)
def test_parse_args_takes_the_common_shapes(argv: list[str], expected: tuple[R, bool]) -> None:
    assert parse_args(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],  # typer's usage error
        ["phase", "1", "2"],
        ["--help"],
        ["26-04", "-h"],
        ["26-04", "--jobs", "0"],  # typer: min=1
        ["26-04", "--jobs", "two"],
        ["26-04", "--jobs"],
        ["26-04", "--jobs", "2", "--jobs", "3"],
        ["26-04", "--timeout", "0"],
        ["26-04", "--timeout", "1e3"],
        ["26-04", "--json=yes"],
        ["26-04", "--agent", "claude -p"],
        ["26-04", "--map-path", "/a=b"],
        ["26-04", "--junit", "out.xml"],
        ["26-04", "--attempts", "2"],
        ["26-04", "--", "x"],
        ["26-04", "-x"],
    ],
)
def test_parse_args_leaves_everything_else_to_typer(argv: list[str]) -> None:
    assert parse_args(argv) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["execute", "phase", "1", "--jobs", "2"],
        ["execute", "01-02"],
        ["execute", "phase", "9"],  # no such phase: the same error line, exit 3
        ["execute", "phase", "1", "--dry-run"],
    ],
)
def test_the_same_output_and_exit_code_as_the_typer_command(project: Path, argv: list[str]) -> None:
    typer = run_child(TYPER, project, *argv)
    fast = run_child(FAST, project, *argv)
    dry, missing = "--dry-run" in argv, argv[1:3] == ["phase", "9"]
    assert typer.returncode == (0 if dry else 3 if missing else 1), typer.stderr
    assert (fast.returncode, normal(fast.stdout), fast.stderr) == (
        typer.returncode,
        normal(typer.stdout),
        typer.stderr,
    )
    if argv[1:3] == ["phase", "1"] and not dry:  # one failing plan: its task line, evidence
        assert "01-02  ✗ failed  tasks 0/1" in fast.stdout
        assert fast.stdout.rstrip().endswith(
            "phase 01: 2 plans (1 complete, 1 failed); 2/3 tasks passed (exit 1)"
        )


def test_the_same_json_as_the_typer_command(project: Path) -> None:
    typer = run_child(TYPER, project, "execute", "phase", "1", "--json")
    fast = run_child(FAST, project, "execute", "phase", "1", "--json")
    assert fast.returncode == typer.returncode == 1
    assert stable(json.loads(fast.stdout)) == stable(json.loads(typer.stdout))
    assert [r["plan_id"] for r in json.loads(fast.stdout)] == ["01-01", "01-02"]


def test_no_heavy_module_is_loaded_before_the_first_command_starts(project: Path) -> None:
    done = run_child(PROBE, project, "execute", "phase", "1", "--jobs", "2")
    assert done.returncode == 1, done.stderr
    assert "HEAVY AT FIRST SPAWN: [[]]" in done.stderr, done.stderr
    assert "01-02  ✗ failed" in done.stdout
