"""`gsd hooks ...` and `gsd summary --from-git` through the CLI, plus hook-run edge cases."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hooks_helpers import SUMMARY_26_04, clean_git_env, commit, git, log_text, make_repo, recorded
from typer.testing import CliRunner

from planner import cli
from planner.errors import ExitCode
from planner.gitops.hooks import install

runner = CliRunner()


@pytest.fixture(autouse=True)
def _clean_git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_git_env(monkeypatch, tmp_path)


@pytest.fixture()
def repo(tmp_path: Path, seeds_dir: Path) -> Path:
    return make_repo(tmp_path, seeds_dir)


def test_install_status_uninstall_via_cli(repo: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(repo), "hooks", "status"])
    assert result.exit_code == ExitCode.FAILED
    assert result.stdout.splitlines()[1:] == ["post-commit: missing", "post-rewrite: missing"]

    result = runner.invoke(cli.app, ["--root", str(repo), "hooks", "install"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["installed post-commit", "installed post-rewrite"]

    result = runner.invoke(cli.app, ["--root", str(repo), "hooks", "status", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(h["name"], h["state"], h["interpreter_ok"]) for h in data["hooks"]] == [
        ("post-commit", "installed", True),
        ("post-rewrite", "installed", True),
    ]

    result = runner.invoke(cli.app, ["--root", str(repo), "hooks", "install"])
    assert result.stdout.splitlines()[0] == "nothing to change"

    result = runner.invoke(cli.app, ["--root", str(repo), "hooks", "uninstall"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == ["removed post-commit", "removed post-rewrite"]


def test_hooks_outside_git_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    result = runner.invoke(cli.app, ["--root", str(tmp_path), "hooks", "install"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "error[GSD640]" in result.stderr


def test_summary_from_git_via_cli(repo: Path) -> None:
    a = commit(repo, "feat(26-04): a", "backend/a.py")
    result = runner.invoke(cli.app, ["--root", str(repo), "summary", "26-04", "--from-git"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{SUMMARY_26_04.as_posix()}: updated, 1 commit(s) for plan 26-04",
        f"  {a} feat a",
    ]
    assert recorded(repo) == [a]
    result = runner.invoke(
        cli.app, ["--root", str(repo), "summary", "26-04", "--from-git", "--json"]
    )
    assert json.loads(result.stdout)["changed"] is False


def test_summary_without_from_git_is_a_usage_error(repo: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(repo), "summary", "26-04"])
    assert result.exit_code == ExitCode.USAGE
    assert "error[GSD660]" in result.stderr


def test_summary_unknown_plan(repo: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(repo), "summary", "77-01", "--from-git"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "GSD203" in result.stderr


def test_hook_outside_a_gsd_project_does_nothing(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    proc = subprocess.run(
        [sys.executable, "-m", "planner.gitops.hook_main", "post-commit"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git"]


def test_held_lock_is_logged_and_the_commit_goes_on(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(repo)
    gsd = repo / ".planning/.gsd"
    gsd.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("GSD_HOOK_LOCK_TIMEOUT", "0.2")
    with (gsd / "summary.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        short = commit(repo, "feat(26-04): while locked")
    assert git(repo, "log", "-1", "--format=%h", "--abbrev=7").strip() == short
    assert not (repo / SUMMARY_26_04).exists()
    assert "GSD625 nothing recorded: summary.lock held for more than 0.2 s" in log_text(repo)


def test_unreadable_summary_is_logged(repo: Path) -> None:
    install(repo)
    (repo / SUMMARY_26_04).write_bytes(b"---\ncommits: []\n---\n\xff\xfe broken\n")
    commit(repo, "feat(26-04): x")
    assert (repo / SUMMARY_26_04).read_bytes() == b"---\ncommits: []\n---\n\xff\xfe broken\n"
    assert f"GSD624 {SUMMARY_26_04.as_posix()}: not UTF-8 text" in log_text(repo)


def test_gsd_hooks_run_entry_point(repo: Path) -> None:
    a = commit(repo, "feat(26-04): run by hand", "backend/r.py")
    gsd = Path(sys.executable).parent / "gsd"
    proc = subprocess.run(
        [str(gsd), "hooks", "run", "post-commit"],
        cwd=repo,
        capture_output=True,
        env={**os.environ},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert recorded(repo) == [a]


def test_foreign_hook_with_a_kept_one_is_refused(repo: Path) -> None:
    hooks = repo / ".git/hooks"
    (hooks / "post-commit").write_text("#!/bin/sh\necho new\n", encoding="utf-8")
    (hooks / "post-commit.pre-gsd").write_text("#!/bin/sh\necho old\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["--root", str(repo), "hooks", "install"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "error[GSD642]" in result.stderr
    assert (hooks / "post-commit").read_text(encoding="utf-8") == "#!/bin/sh\necho new\n"
    assert (hooks / "post-commit.pre-gsd").read_text(encoding="utf-8") == "#!/bin/sh\necho old\n"


def test_pre_commit_hooks_manifest() -> None:
    import re

    import yaml

    manifest = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    hooks = {h["id"]: h for h in yaml.safe_load(manifest.read_text(encoding="utf-8"))}
    lint, record = hooks["gsd-lint"], hooks["gsd-record-commit"]
    assert (lint["entry"], lint["stages"]) == ("gsd lint", ["pre-commit"])
    files = re.compile(lint["files"])
    assert files.search(".planning/phases/26-ci-cd-fixes/26-04-PLAN.md")
    assert files.search("app/.planning/ROADMAP.md")
    assert not files.search("docs/planning.md") and not files.search(".planning/config.json")
    assert (record["entry"], record["stages"]) == ("gsd hooks run post-commit", ["post-commit"])
    assert record["always_run"] is True and record["pass_filenames"] is False
