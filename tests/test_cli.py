"""CLI wiring: global options, the error boundary and exit codes (CliRunner), and the real entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from planner import __version__, cli
from planner.errors import ExitCode, GsdError, Interrupted

runner = CliRunner()


def make_ws(root: Path) -> Path:
    phase = root / ".planning" / "phases" / "26-ci-cd-fixes"
    phase.mkdir(parents=True)
    (phase / "26-04-PLAN.md").write_text("---\nphase: 26\nplan: 04\n---\n", encoding="utf-8")
    (phase / "26-06-PLAN.md").write_text("---\nphase: 26\nplan: 06\n---\n", encoding="utf-8")
    return root


# ---------------------------------------------------------------------------------------------
# global options and usage errors


def test_help_lists_commands() -> None:
    result = runner.invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    for name in ("show", "schema", "lint", "--root", "--no-color", "--version"):
        assert name in result.stdout


def test_version_option() -> None:
    result = runner.invoke(cli.app, ["--no-color", "--version"])
    assert (result.exit_code, result.stdout) == (0, f"gsd {__version__}\n")


@pytest.mark.parametrize(
    "args",
    [[], ["frobnicate"], ["show"], ["lint", "--format", "xml"], ["show", "26", "--bogus"]],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert runner.invoke(cli.app, args).exit_code == ExitCode.USAGE


def test_schema_unknown_kind_exits_2_with_choices() -> None:
    result = runner.invoke(cli.app, ["schema", "roadmap"])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "gsd: error[GSD230]: unknown schema kind 'roadmap' "
        "(hint: choose one of: plan, summary, verification)\n"
    )
    assert result.stdout == ""


def test_root_without_planning_exits_3(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(tmp_path), "show", "26"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith(
        f"gsd: error[GSD202]: --root {tmp_path} has no .planning/ folder"
    )
    assert "Traceback" not in result.output


def test_unknown_reference_exits_3_with_candidates(tmp_path: Path) -> None:
    root = make_ws(tmp_path)
    result = runner.invoke(cli.app, ["--root", str(root), "show", "26-09"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "gsd: error[GSD203]: unknown reference '26-09' (hint: `gsd status` lists phases and plans)\n"
        "  candidates: 26-04, 26-06\n"
    )
    assert result.stdout == ""


def test_dotdot_reference_refused(tmp_path: Path) -> None:
    root = make_ws(tmp_path)
    result = runner.invoke(cli.app, ["--root", str(root), "show", "../etc/26-04-PLAN.md"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "error[GSD205]" in result.stderr


# ---------------------------------------------------------------------------------------------
# the boundary, on a small app that uses the same group class


def _boundary_app(root: Path | None, exc: BaseException) -> typer.Typer:
    app = typer.Typer(cls=cli._Boundary, pretty_exceptions_enable=False)

    @app.callback()
    def _cb(ctx: typer.Context) -> None:
        ctx.obj = cli.AppState(root=root)

    @app.command()
    def boom() -> None:
        raise exc

    @app.command()
    def other() -> None:
        pass

    return app


def test_gsd_error_is_one_line_and_its_exit_code(tmp_path: Path) -> None:
    err = GsdError("bad plan", code="GSD299", file="x/26-04-PLAN.md", line=7, hint="fix it")
    result = runner.invoke(_boundary_app(None, err), ["boom"])
    assert result.exit_code == 3
    assert result.stderr == "x/26-04-PLAN.md:7: error[GSD299]: bad plan (hint: fix it)\n"


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), Interrupted("SIGTERM")])
def test_interrupt_exits_130(exc: BaseException) -> None:
    result = runner.invoke(_boundary_app(None, exc), ["boom"])
    assert result.exit_code == 130
    assert result.stderr.startswith("gsd: interrupted")


def test_unexpected_error_goes_to_crash_log_in_workspace(tmp_path: Path) -> None:
    root = make_ws(tmp_path)
    result = runner.invoke(_boundary_app(root, ZeroDivisionError("kaboom")), ["boom"])
    log = root / ".planning" / ".gsd" / "crash.log"
    assert result.exit_code == ExitCode.INTERNAL == 70
    assert result.stderr == f"gsd: an unexpected error has occurred (see {log})\n"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: kaboom" in text
    assert (root / ".planning" / ".gsd" / ".gitignore").read_text() == "*\n"
    assert "Traceback" not in result.output


def test_unexpected_error_without_workspace_logs_to_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    result = runner.invoke(_boundary_app(None, RuntimeError("no project")), ["boom"])
    log = tmp_path / "tmp" / "gsd" / "crash.log"
    assert result.exit_code == 70
    assert str(log) in result.stderr
    assert "RuntimeError: no project" in log.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# run() and the real entry point


def test_run_returns_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--version"]) == 0
    assert capsys.readouterr().out == f"gsd {__version__}\n"
    assert cli.run(["nope"]) == 2
    assert cli.run(["--root", str(tmp_path), "show", "1"]) == 3
    assert "GSD202" in capsys.readouterr().err


def _gsd(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


def test_real_entry_point_help_and_version(tmp_path: Path) -> None:
    done = _gsd("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Usage: gsd" in done.stdout and "lint" in done.stdout
    done = _gsd("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"gsd {__version__}\n")


def test_real_entry_point_error_exit(tmp_path: Path) -> None:
    done = _gsd("show", "26", cwd=tmp_path)
    assert done.returncode == 3
    assert done.stderr.startswith("gsd: error[GSD201]: no .planning/ folder in")
    assert done.stdout == ""


def test_installed_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "gsd"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0
    assert "show" in done.stdout


# ---------------------------------------------------------------------------------------------
# the typer-free fast path for `show`


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["show"],
        ["show", "--help"],
        ["show", "-h"],
        ["show", "26", "27"],
        ["show", "26", "--json", "--json"],
        ["lint", "--help"],
        ["lint", "--format", "xml"],
        ["lint", "--format"],
        ["lint", "--format=json", "--format", "text"],
        ["lint", "26", "--strict"],
        ["--root"],
        ["--bogus", "show", "26"],
    ],
)
def test_fast_path_leaves_other_shapes_to_typer(argv: list[str]) -> None:
    from planner.fastpath import fast_path

    assert fast_path(argv) is None


def test_fast_path_answers_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planner.fastpath import fast_path

    root = make_ws(tmp_path)
    assert fast_path(["--no-color", f"--root={root}", "show", "26-04", "--json"]) == 0
    assert '"id": "26-04"' in capsys.readouterr().out
    assert fast_path(["--root", str(root), "show", "26-09"]) == 3
    assert capsys.readouterr().err == (
        "gsd: error[GSD203]: unknown reference '26-09' (hint: `gsd status` lists phases and plans)\n"
        "  candidates: 26-04, 26-06\n"
    )


@pytest.mark.parametrize(
    "argv", [["show", "26-04", "--json"], ["lint", "26-04", "--format=JSON"], ["status", "--json"]]
)
def test_fast_path_imports_neither_typer_nor_pydantic(tmp_path: Path, argv: list[str]) -> None:
    root = make_ws(tmp_path)
    code = (
        "import sys; from planner.fastpath import fast_path; "
        f"code = fast_path(['--root', {str(root)!r}, *{argv!r}]); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'pydantic', 'git'}); "
        "print(code, heavy, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr.splitlines()[-1].split(" ", 1)[1] == "[]"
    assert done.stdout.lstrip().startswith("{")


def test_fast_path_lint_is_the_typer_command(tmp_path: Path) -> None:
    """The same report and exit code in every format, whichever path answers."""
    root = make_ws(tmp_path)
    (root / ".planning" / "phases" / "26-ci-cd-fixes" / "26-06-PLAN.md").write_text(
        "---\nphase: 26\nplan: 06\ndepends_on: [26-99]\n---\n", encoding="utf-8"
    )
    for fmt in ("text", "json", "github"):
        args = ["--root", str(root), "lint", "--format", fmt]
        fast = subprocess.run(
            [sys.executable, "-m", "planner", *args[:-1], fmt.upper()],
            capture_output=True,
            text=True,
            timeout=60,
        )
        typed = runner.invoke(cli.app, args)
        assert fast.returncode == typed.exit_code == ExitCode.FAILED
        assert fast.stdout == typed.stdout
        assert "26-99" in fast.stdout
    helped = subprocess.run(
        [sys.executable, "-m", "planner", "lint", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0 and "--format" in helped.stdout


def test_a_deleted_current_directory_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    script = 'mkdir gone && cd gone && rmdir ../gone && exec "$0" -m planner status --json'
    done = subprocess.run(
        ["bash", "-c", script, sys.executable], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr == (
        "gsd: error[GSD208]: the current directory is gone (No such file or directory)"
        " (hint: cd into the project again)\n"
    )
    assert done.stdout == ""
