"""Real git repositories for the hook tests: seeds' layout, local identity, helpers."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SEED_PLAN_12_GAP_01, SEED_PLAN_26_04

from planner.documents.edit import frontmatter_mapping, read_managed_section

PHASE_26 = Path(".planning/phases/26-ci-cd-fixes")
PHASE_12 = Path(".planning/phases/12-tier-1-coverage-push")
SUMMARY_26_04 = PHASE_26 / "26-04-SUMMARY.md"
SUMMARY_12_GAP = PHASE_12 / "12-tier-1-coverage-push-GAP-01-SUMMARY.md"


def git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def commit(
    repo: Path, message: str, path: str = "backend/app.py", content: str | None = None
) -> str:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        fh.write(content if content is not None else f"# {message.splitlines()[0]}\n")
    git(repo, "add", path)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short=7", "HEAD").strip()


def recorded(repo: Path, summary: Path = SUMMARY_26_04) -> list[str]:
    return [
        str(h) for h in frontmatter_mapping((repo / summary).read_text(encoding="utf-8"))["commits"]
    ]


def rows(repo: Path, summary: Path = SUMMARY_26_04) -> list[str]:
    section = read_managed_section((repo / summary).read_text(encoding="utf-8"), "commits") or ""
    return [line for line in section.splitlines() if line.startswith("| `")]


def log_text(repo: Path) -> str:
    path = repo / ".planning/.gsd/hooks.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def clean_git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No GIT_* state from a calling git, no user or system config."""
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))  # no user config
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def make_repo(tmp_path: Path, seeds_dir: Path) -> Path:
    """A repository laid out like the seeds' project, with the plans committed."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "Test"),
        ("user.email", "t@example.com"),
        ("commit.gpgsign", "false"),
    ):
        git(root, "config", key, value)
    (root / PHASE_26).mkdir(parents=True)
    (root / PHASE_12).mkdir(parents=True)
    shutil.copy(seeds_dir / SEED_PLAN_26_04, root / PHASE_26 / "26-04-PLAN.md")
    shutil.copy(
        seeds_dir / SEED_PLAN_12_GAP_01, root / PHASE_12 / "12-tier-1-coverage-push-GAP-01-PLAN.md"
    )
    commit(root, "chore: initial plans", "README.md")
    git(root, "add", ".planning")
    git(root, "commit", "-q", "-m", "docs: add plans")
    return root
