"""Builders for the `gsd verify` tests: small real projects in tmp_path, a CliRunner call, git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from planner import cli

RUNNER = CliRunner()
VENV_BIN = str(Path(sys.executable).parent)


def plan_text(phase: str, plan: str, must_haves: str, body: str = "") -> str:
    """A PLAN.md: `must_haves` is the YAML under `must_haves:` (dedented, indented here)."""
    block = textwrap.indent(textwrap.dedent(must_haves).strip("\n"), "  ")
    return (
        f'---\nphase: {phase}\nplan: "{plan}"\ntype: execute\nwave: 1\nautonomous: true\n'
        f"must_haves:\n{block}\n---\n\n# Plan {phase}-{plan}\n\n<objective>\nDemo objective.\n"
        f"</objective>\n\n{textwrap.dedent(body)}"
    )


def make_project(
    root: Path,
    plans: dict[str, str],
    *,
    files: dict[str, str] | None = None,
    summaries: dict[str, str] | None = None,
    phase_dir: str = "01-demo",
    config: dict[str, Any] | None = None,
) -> Path:
    """`plans`/`summaries`: file stem ("01-01") -> text; `files`: project path -> text."""
    phase = root / ".planning" / "phases" / phase_dir
    phase.mkdir(parents=True, exist_ok=True)
    for stem, text in plans.items():
        (phase / f"{stem}-PLAN.md").write_text(text, encoding="utf-8")
    for stem, text in (summaries or {}).items():
        (phase / f"{stem}-SUMMARY.md").write_text(text, encoding="utf-8")
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        (root / ".planning" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return root


def summary_text(phase: str, plan: str, body: str = "Done.\n", **front: Any) -> str:
    lines = [f"phase: {phase}", f'plan: "{plan}"']
    for key, value in front.items():
        lines.append(f"{key.replace('_', '-')}: {json.dumps(value)}")
    return "---\n" + "\n".join(lines) + "\n---\n\n# Summary\n\n" + textwrap.dedent(body)


def gsd(root: Path, *args: str) -> Result:
    return RUNNER.invoke(cli.app, ["--no-color", "--root", str(root), *args])


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def git_init(root: Path) -> str:
    """A repository with everything under `root` committed; returns HEAD."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return git(root, "rev-parse", "HEAD")


def frontmatter(path: Path) -> dict[str, Any]:
    import yaml

    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    data: dict[str, Any] = yaml.safe_load(text[4 : text.index("\n---\n", 4)])
    return data
