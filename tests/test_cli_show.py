"""`gsd show`: documents and phases, for people and as one JSON document."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from tests.conftest import (
    SEED_PLAN_26_04,
    SEED_PLAN_26_06,
    SEED_SUMMARY_12_GAP_01,
    SEED_VERIFICATION,
)

runner = CliRunner()
P26 = ".planning/phases/26-ci-cd-fixes/"


@pytest.fixture()
def seeded(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "atom"
    phase = root / P26
    phase.mkdir(parents=True)
    shutil.copyfile(seeds_dir / SEED_PLAN_26_04, phase / "26-04-PLAN.md")
    shutil.copyfile(seeds_dir / SEED_PLAN_26_06, phase / "26-06-PLAN.md")
    shutil.copyfile(seeds_dir / SEED_VERIFICATION, phase / "26-VERIFICATION.md")
    shutil.copyfile(seeds_dir / SEED_SUMMARY_12_GAP_01, phase / "26-04-SUMMARY.md")
    monkeypatch.chdir(root)
    return root


def test_plan_as_json(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["show", "26-04", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # stdout holds exactly one JSON document
    assert (data["kind"], data["id"], data["path"]) == ("plan", "26-04", P26 + "26-04-PLAN.md")
    fm = data["document"]["frontmatter"]
    assert (fm["phase"], fm["plan"], fm["wave"], fm["autonomous"]) == (
        "26-ci-cd-fixes",
        "04",
        1,
        True,
    )
    link = fm["must_haves"]["key_links"][0]
    assert link["from"] == "backend/tests/conftest.py"  # by alias
    assert link["pattern"] == r"Base\.metadata\.create_all.*checkfirst"
    assert len(data["document"]["tasks"]) == 3
    # Diagnostics go to stderr only, and are in the JSON too.
    assert result.stderr.startswith(
        f"{P26}26-04-PLAN.md:34: warning[GSD120]: must_haves.key_links[0].pattern"
    )
    assert [d["code"] for d in data["diagnostics"]] == ["GSD120"]


def test_plan_as_text(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["--no-color", "show", "26-04-PLAN.md"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Plan 26-04",
        f"  path:           {P26}26-04-PLAN.md",
        "  title:          Plan 26-04: Database Cleanup Infrastructure",
    ]
    assert "must-haves: 4 truths, 3 artifacts, 1 key links" in lines
    assert "tasks: 3" in lines


def test_phase_as_text_and_json(seeded: Path) -> None:
    text = runner.invoke(cli.app, ["show", "phase 26"])
    assert text.exit_code == 0
    assert text.stdout.splitlines() == [
        "Phase 26: ci cd fixes",
        f"  dir:            {P26[:-1]}",
        "plans: 2",
        "  26-04        wave 1, 3 tasks        summary: yes",
        "  26-06        wave 1, 2 tasks        summary: no",
        "verification: gaps_found (3/10 must-haves verified)",
    ]
    result = runner.invoke(cli.app, ["show", "26", "--json"])
    data = json.loads(result.stdout)
    assert (data["kind"], data["id"], data["archived"]) == ("phase", "26", False)
    assert [p["id"] for p in data["plans"]] == ["26-04", "26-06"]
    assert data["plans"][0]["summary"]["kind"] == "summary"
    assert data["plans"][1]["summary"] is None
    assert data["plans"][1]["summary_path"] == P26 + "26-06-SUMMARY.md"
    assert data["verification"]["document"]["status"] == "gaps_found"
    assert data["verification"]["document"]["score_verified"] == 3


def test_summary_and_verification_by_path(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["show", P26 + "26-VERIFICATION.md", "--json"])
    data = json.loads(result.stdout)
    assert (data["kind"], data["document"]["status"], len(data["document"]["gaps"])) == (
        "verification",
        "gaps_found",
        5,
    )
    result = runner.invoke(cli.app, ["show", P26 + "26-04-SUMMARY.md", "--json"])
    data = json.loads(result.stdout)
    assert (data["kind"], data["id"], data["document"]["has_frontmatter"]) == (
        "summary",
        "26-04",
        False,
    )


def test_unloadable_document_exits_3(seeded: Path) -> None:
    (seeded / P26 / "26-07-PLAN.md").write_text("", encoding="utf-8")
    result = runner.invoke(cli.app, ["show", "26-07", "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["document"] is None
    assert (
        result.stderr
        == f"{P26}26-07-PLAN.md:1: error[GSD101]: file is empty (hint: write the plan document)\n"
    )
    phase = runner.invoke(cli.app, ["show", "26"])
    assert phase.exit_code == 3
    assert "  26-07        cannot be loaded" in phase.stdout


def test_lone_file_outside_any_project(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(seeds_dir / SEED_PLAN_26_06, tmp_path / "26-06-PLAN.md")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["show", "26-06-PLAN.md", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["document"]["frontmatter"]["plan"] == "06"


def test_show_in_a_real_process(seeded: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "planner", "show", "26-06", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=seeded / ".planning",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "26-06"
