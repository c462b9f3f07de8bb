"""Small real projects for the `gsd execute` tests: a `.planning/` folder with plans written from
task specs, plus ways to run gsd in-process (CliRunner) or as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent


@dataclass
class T:
    """A task spec: verify lines are written one per line inside <verify>."""

    name: str
    verify: list[str] | None = None
    type: str = "auto"
    files: list[str] = field(default_factory=list)
    action: str = "Do the work."
    done: str = ""
    elements: dict[str, str] = field(default_factory=dict)


def write_plan(
    root: Path,
    phase: str = "01-demo",
    plan: str = "01",
    tasks: list[T] | None = None,
    *,
    must_haves: dict[str, Any] | None = None,
    depends_on: list[str] | None = None,
    extra: dict[str, Any] | None = None,
    title: str = "Demo plan",
    objective: str = "Make the demo work.",
) -> Path:
    number = phase.split("-", 1)[0]
    folder = root / ".planning" / "phases" / phase
    folder.mkdir(parents=True, exist_ok=True)
    fm: dict[str, Any] = {
        "phase": phase,
        "plan": plan,
        "type": "execute",
        "wave": 1,
        "depends_on": depends_on or [],
        "autonomous": True,
    }
    if must_haves is not None:
        fm["must_haves"] = must_haves
    fm.update(extra or {})
    body = [
        f"# Plan {number}-{plan}: {title}",
        "",
        "<objective>",
        objective,
        "</objective>",
        "",
        "<tasks>",
    ]
    for t in tasks or []:
        body.append(f'<task type="{t.type}">')
        if t.name:
            body.append(f"  <name>{t.name}</name>")
        if t.files:
            body.append(f"  <files>{', '.join(t.files)}</files>")
        body.append(f"  <action>{t.action}</action>")
        for tag, text in t.elements.items():
            body.append(f"  <{tag}>{text}</{tag}>")
        if t.verify is not None:
            body.append("  <verify>")
            body += [f"    {line}" for line in t.verify]
            body.append("  </verify>")
        if t.done:
            body.append(f"  <done>{t.done}</done>")
        body.append("</task>")
        body.append("")
    body.append("</tasks>")
    text = "---\n" + yaml.safe_dump(fm, sort_keys=False) + "---\n\n" + "\n".join(body) + "\n"
    path = folder / f"{number}-{plan}-PLAN.md"
    path.write_text(text, encoding="utf-8")
    return path


def summary_path(root: Path, phase: str = "01-demo", plan: str = "01") -> Path:
    return root / ".planning" / "phases" / phase / f"{phase.split('-', 1)[0]}-{plan}-SUMMARY.md"


def child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTEST_ADDOPTS", "FORCE_COLOR"}
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def gsd_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "planner", *args]


def run_gsd(
    root: Path, *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """gsd as a real subprocess in `root`."""
    return subprocess.run(
        gsd_cmd(*args),
        cwd=root,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def ledger_lines(root: Path, plan_id: str) -> list[dict[str, Any]]:
    path = root / ".planning" / ".gsd" / "ledger" / f"{plan_id}.jsonl"
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
