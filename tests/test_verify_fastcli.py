"""`gsd verify`'s value options without typer (`planner.verify.fastcli.parse_fast`): every shape
taken gives the VerifyArgs the typer command builds, every doubtful shape goes to typer (whose
messages the CLI then prints), and the real CLI prints the same through both paths."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from planner.fastpath import fast_path
from planner.verify import fastcli
from planner.verify.fastcli import VerifyArgs, parse_fast

runner = CliRunner()

# The typer command, whatever fast_path would say (`gsd` runs cli.run when fast_path is None).
TYPER = """
import sys
from planner.cli import run
sys.argv = ["gsd", *sys.argv[1:]]
raise SystemExit(run())
"""

# The typer-free path, refusing to fall back to typer.
FAST = """
import sys
from planner.fastpath import fast_path
sys.argv = ["gsd", *sys.argv[1:]]
code = fast_path(sys.argv[1:])
if code is None:
    sys.exit("not a fast shape")
sys.exit(code)
"""

# The real entry point (`gsd`), writing the modules it imported to a file at exit.
ENTRY = """
import atexit, json, os, sys
def dump():
    with open(os.environ["IMPORTED_TO"], "w") as handle:
        json.dump(sorted(sys.modules), handle)
atexit.register(dump)
sys.argv = ["gsd", *sys.argv[1:]]
from planner.__main__ import main
main()
"""

_STAMP = re.compile(r'timestamp="[^"]*"')


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return {**env, "PYTHONHASHSEED": "0", **extra}


def _run(code: str, root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, "--no-color", "verify", *args],
        cwd=root,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _typer_args(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> VerifyArgs:
    """The VerifyArgs the typer command hands to verify_main for `gsd verify ARGV`."""
    seen: list[VerifyArgs] = []

    def take(app_state: object, args: VerifyArgs) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(fastcli, "verify_main", take)
    result = runner.invoke(cli.app, ["verify", *argv])
    assert result.exit_code == 0, result.output
    assert len(seen) == 1
    return seen[0]


# ---------------------------------------------------------------------------------------------
# Shapes taken: the same VerifyArgs as typer's


TAKEN = [
    ["phase", "26", "--junit", "out.xml"],
    ["phase", "26", "--junit=out.xml"],
    ["phase", "26", "--junit", "exists.xml"],  # a readable file: typer lets it be overwritten
    ["phase", "26", "--junit", "sub"],  # a directory: typer accepts it (the write fails later)
    ["phase", "26", "--junit", "dangling"],  # a broken symlink: "does not exist" to typer
    ["phase", "26", "--junit", "r/deep/j.xml"],
    ["phase", "26", "--jobs", "4"],
    ["phase", "26", "--jobs=4"],
    ["phase", "26", "-j", "4"],
    ["phase", "26", "-j4"],
    ["phase", "26", "--jobs", "007"],
    ["phase", "26", "--jobs", "999999"],
    ["phase", "26", "--timeout", "60"],
    ["phase", "26", "--timeout=0.5"],
    ["phase", "26", "--timeout", "0.001"],
    ["phase", "26", "--timeout", "123456789.123456789"],
    ["phase", "26", "--format", "github"],
    ["phase", "26", "--format=GitHub"],
    ["phase", "26", "--format", "TEXT"],
    ["phase", "26", "--map-path", "a=b"],
    ["phase", "26", "--map-path", "a=b", "--map-path=c=d=e", "--map-path", "a=b"],
    ["phase", "26", "--map-path", "no-equals-sign"],
    ["phase", "26", "--agent", "claude -p --model x"],
    ["phase", "26", "--agent=python judge.py"],
    ["phase", "--jobs", "2", "--static", "26"],
    ["phase", "26", "--static", "--no-write", "--junit", "/tmp/vfast/j.xml", "-j", "2"],
    [
        "plan",
        "26-04",
        "--static",
        "--no-write",
        "--json",
        "--junit",
        "out.xml",
        "--jobs=3",
        "--timeout",
        "30",
        "--map-path",
        "a=b",
        "--agent",
        "judge",
        "--format",
        "github",
    ],
]


@pytest.mark.parametrize("argv", TAKEN, ids=" ".join)
def test_a_shape_taken_is_what_typer_passes_to_verify_main(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # --junit paths are checked where gsd runs
    (tmp_path / "exists.xml").write_text("<old/>", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    fast = parse_fast(argv)
    assert fast is not None
    assert fast == _typer_args(monkeypatch, argv)


def test_the_values_are_typers_types() -> None:
    args = parse_fast(["phase", "26", "-j", "2", "--timeout", "60", "--junit", "a.xml"])
    assert args == VerifyArgs(scope="phase", ref="26", jobs=2, timeout=60.0, junit=Path("a.xml"))
    assert args is not None
    assert type(args.jobs) is int and type(args.timeout) is float
    both = parse_fast(["plan", "1-01", "--map-path=x=y", "--map-path", "z=w", "--format=GITHUB"])
    assert both == VerifyArgs(scope="plan", ref="1-01", map_path=("x=y", "z=w"), fmt="github")


# ---------------------------------------------------------------------------------------------
# Doubtful shapes: typer's

DOUBTFUL = [
    # numbers typer refuses, or reads in its own way (pydantic: " 4", "4.0", "1_0", "1e3" pass)
    ["phase", "26", "--jobs", "0"],
    ["phase", "26", "--jobs", "-1"],
    ["phase", "26", "--jobs", "x"],
    ["phase", "26", "--jobs", "4.0"],
    ["phase", "26", "--jobs", " 4"],
    ["phase", "26", "--jobs", "1_0"],
    ["phase", "26", "--jobs", "+4"],
    ["phase", "26", "--jobs", "1234567"],
    ["phase", "26", "-j=4"],
    ["phase", "26", "-jx"],
    ["phase", "26", "--timeout", "0"],
    ["phase", "26", "--timeout", "0.0009"],
    ["phase", "26", "--timeout", "1e3"],
    ["phase", "26", "--timeout", ".5"],
    ["phase", "26", "--timeout", "5."],
    ["phase", "26", "--timeout", "inf"],
    ["phase", "26", "--timeout", "nan"],
    # choices
    ["phase", "26", "--format", "json"],
    ["phase", "26", "--format", "gitlab"],
    ["phase", "26", "--format="],
    # missing or empty values, values that look like options
    ["phase", "26", "--jobs"],
    ["phase", "26", "-j"],
    ["phase", "26", "--junit"],
    ["phase", "26", "--jobs="],
    ["phase", "26", "--junit", ""],
    ["phase", "26", "--agent="],
    ["phase", "26", "--map-path", ""],
    ["phase", "26", "--agent", "-x"],
    ["phase", "26", "--agent", "--static"],
    ["phase", "26", "--map-path", "-a=b"],
    ["phase", "26", "--junit", "-"],
    ["phase", "26", "-j", "--static"],
    # an option twice (typer keeps the last; rare enough to leave to it)
    ["phase", "26", "--jobs", "2", "--jobs", "3"],
    ["phase", "26", "-j", "2", "--jobs=3"],
    ["phase", "26", "--timeout", "1", "--timeout=2"],
    ["phase", "26", "--format", "text", "--format", "github"],
    ["phase", "26", "--agent", "a", "--agent", "b"],
    ["phase", "26", "--junit", "a.xml", "--junit", "b.xml"],
    ["phase", "26", "--static", "--static"],
    ["phase", "26", "--json", "--json"],
    # help, typos, flags with values, positional trouble
    ["phase", "26", "--help"],
    ["phase", "26", "-h"],
    ["phase", "26", "--jobs", "2", "--help"],
    ["phase", "--", "26"],
    ["phase", "26", "--static=1"],
    ["phase", "26", "--json=yes"],
    ["phase", "26", "--stat"],
    ["phase", "26", "--Jobs", "2"],
    ["phase", "26", "-J", "2"],
    ["phase", "26", "27"],
    ["phase", "--jobs", "2"],
    ["phase"],
    ["summary", "26", "--jobs", "2"],
    [],
]


@pytest.mark.parametrize("argv", DOUBTFUL, ids=lambda argv: " ".join(argv) or "nothing")
def test_a_doubtful_shape_goes_to_typer(argv: list[str]) -> None:
    assert parse_fast(argv) is None
    assert fast_path(["--no-color", "verify", *argv]) is None  # so `gsd` runs cli.run


def test_typer_reads_some_doubtful_shapes_its_own_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why they are doubtful: typer takes them, with readings a plain parser would not guess."""
    assert _typer_args(monkeypatch, ["phase", "26", "--jobs", "4.0"]).jobs == 4
    assert _typer_args(monkeypatch, ["phase", "26", "--timeout", "1e3"]).timeout == 1000.0
    assert _typer_args(monkeypatch, ["phase", "26", "--agent", "-x"]).agent == "-x"
    assert _typer_args(monkeypatch, ["phase", "26", "--junit", ""]).junit == Path(".")
    assert _typer_args(monkeypatch, ["phase", "26", "-j", "2", "--jobs=3"]).jobs == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file: no unreadable path")
def test_an_unreadable_junit_path_is_typers_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked.xml"
    locked.write_text("<x/>", encoding="utf-8")
    locked.chmod(0)
    assert parse_fast(["phase", "26", "--junit", str(locked)]) is None


@pytest.mark.parametrize(
    "args",
    [
        ("phase", "26", "--jobs", "0"),
        ("phase", "26", "--format", "json"),
        ("phase", "26", "-j=4"),
        ("phase", "26", "--timeout"),
        ("plan", "26-04", "--agent", "x", "--help"),
    ],
    ids=" ".join,
)
def test_the_cli_prints_typers_usage_errors_and_help(
    example_copy: Path, args: tuple[str, ...]
) -> None:
    typed = _run(TYPER, example_copy, *args)
    gsd = subprocess.run(
        [sys.executable, "-m", "planner", "--no-color", "verify", *args],
        cwd=example_copy,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (gsd.returncode, gsd.stdout, gsd.stderr) == (
        typed.returncode,
        typed.stdout,
        typed.stderr,
    )
    if "--help" in args:
        assert gsd.returncode == 0 and "--map-path" in gsd.stdout
    else:
        assert gsd.returncode == 2 and gsd.stdout == ""
        assert "Invalid value" in gsd.stderr or "requires an argument" in gsd.stderr


# ---------------------------------------------------------------------------------------------
# The real CLI: same output and exit code through both paths


@pytest.mark.parametrize(
    "args",
    [
        ("phase", "26", "--static", "--no-write", "--junit", "out.xml", "--jobs", "2"),
        ("phase", "26", "--static", "--no-write", "--format", "GitHub", "-j1"),
        ("plan", "26-04", "--static", "--no-write", "--agent", "false", "--timeout=5"),
        (
            "plan",
            "26-06",
            "--static",
            "--no-write",
            "--json",
            "--map-path",
            "/old=.",
            "--map-path=/c=d",
        ),
    ],
    ids=" ".join,
)
def test_both_paths_print_the_same(example_copy: Path, args: tuple[str, ...]) -> None:
    junit = example_copy / "out.xml"
    fast = _run(FAST, example_copy, *args)
    fast_junit = _STAMP.sub("", junit.read_text(encoding="utf-8")) if junit.exists() else None
    typed = _run(TYPER, example_copy, *args)
    assert (fast.returncode, fast.stderr) == (typed.returncode, typed.stderr)
    assert fast.returncode == 1, fast.stderr  # gaps: the plans have no SUMMARY
    if "--json" in args:
        report, expected = json.loads(fast.stdout), json.loads(typed.stdout)
        assert report.pop("verified_at") and expected.pop("verified_at")  # the clock moved
        assert report == expected
    else:
        assert fast.stdout == typed.stdout
    if "--junit" in args:
        assert fast_junit is not None and "<testsuites" in fast_junit
        assert fast_junit == _STAMP.sub("", junit.read_text(encoding="utf-8"))
    if "GitHub" in args:
        assert fast.stdout.startswith("::")
    if "--agent" in args:
        assert "agent `false` on truth" in fast.stderr


def test_a_ci_verify_run_does_not_import_typer(example_copy: Path, tmp_path: Path) -> None:
    junit = tmp_path / "reports" / "j.xml"
    imported_to = tmp_path / "imported.json"
    args = ["phase", "26", "--static", "--no-write", "--junit", str(junit), "--jobs", "2"]
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, "--no-color", "verify", *args],
        cwd=example_copy,
        env=_env(IMPORTED_TO=str(imported_to)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "gaps found" in done.stdout and f"junit: {junit}" in done.stdout
    assert 'tests="15"' in junit.read_text(encoding="utf-8")
    imported = set(json.loads(imported_to.read_text(encoding="utf-8")))
    assert "planner.reports.junit" in imported  # the run did its work
    assert sorted(m for m in imported if m.split(".")[0] in ("typer", "click")) == []


def test_format_values_are_matched_as_typer_matches_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """One reading of `--format` for lint and verify (`fastpath.choice`): typer's casefold match."""
    from planner import fastpath

    seen: list[str] = []

    def take(app_state: object, targets: list[str], fmt: str) -> int:
        seen.append(fmt)
        return 0

    monkeypatch.setattr(fastpath, "lint_main", take)
    for value in ("jſon", "GitHub", "TEXT"):  # "ſ" (long s) casefolds to "s"
        assert runner.invoke(cli.app, ["lint", "--format", value]).exit_code == 0
        assert fastpath._lint_format(["--format", value]) == ([], seen[-1])
    assert seen == ["json", "github", "text"]
    assert fastpath.choice("gitlab", ("text", "github")) is None
    assert fastpath.choice(None, ("text", "github")) is None
