"""What `gsd lint TARGET...` lints: ids, files, folders, several projects, --root confinement."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from planner.commands.lint import lint
from planner.errors import ExitCode
from planner.workspace import Workspace

runner = CliRunner()

PLAN = """---
phase: 26-ci-cd-fixes
plan: {plan}
type: execute
wave: {wave}
depends_on: [{deps}]
files_modified: [src/a.py]
autonomous: true
must_haves:
  truths: ["a works"]
---

<tasks>
<task type="auto">
  <name>Do a</name>
  <action>Write a</action>
  <verify>test -f src/a.py</verify>
  <done>a exists</done>
</task>
</tasks>
"""


def project(root: Path, plans: dict[str, str]) -> Path:
    phase = root / ".planning" / "phases" / "26-ci-cd-fixes"
    phase.mkdir(parents=True)
    for number, deps in plans.items():
        (phase / f"26-{number}-PLAN.md").write_text(
            PLAN.format(plan=number, deps=deps, wave=2 if deps else 1)
        )
    return root


def files(report_files: list[object]) -> list[str]:
    return [f.path for f in report_files]  # type: ignore[attr-defined]


def test_folder_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path / "p", {"01": "", "02": '"01"'})
    (root / "docs").mkdir()
    (root / "docs" / "TEST-PLAN.md").write_text("# not a gsd plan\n")
    monkeypatch.chdir(root)
    expected = [
        ".planning/phases/26-ci-cd-fixes/26-01-PLAN.md",
        ".planning/phases/26-ci-cd-fixes/26-02-PLAN.md",
    ]
    assert files(lint(["."], None).files) == expected
    assert files(lint([".planning"], None).files) == expected
    assert files(lint([".planning/phases/26-ci-cd-fixes"], None).files) == expected
    report = lint(["docs"], None)
    assert (report.files, report.exit_code) == ([], ExitCode.NOTHING_TO_CHECK)


def test_each_file_is_linted_in_its_own_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paths from two projects in one run: dependency rules resolve in each file's project."""
    a = project(tmp_path / "a", {"01": "", "02": '"01"'})
    b = project(tmp_path / "b", {"02": '"01"'})  # b has no plan 01
    monkeypatch.chdir(tmp_path)
    report = lint(
        [
            "a/.planning/phases/26-ci-cd-fixes/26-02-PLAN.md",
            "b/.planning/phases/26-ci-cd-fixes/26-02-PLAN.md",
        ],
        None,
    )
    assert [(d.file, d.code) for d in report.diagnostics] == [
        ("b/.planning/phases/26-ci-cd-fixes/26-02-PLAN.md", "GSD340")
    ]
    assert a != b


def test_root_confines_path_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path / "a", {"01": ""})
    project(tmp_path / "b", {"01": ""})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli.app, ["--root", "a", "lint", "b/.planning/phases/26-ci-cd-fixes/26-01-PLAN.md"]
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "error[GSD205]" in result.stdout
    assert "outside the project" in result.stdout


def test_lone_file_outside_any_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "26-01-PLAN.md").write_text(PLAN.format(plan="01", deps='"09"', wave=1))
    monkeypatch.chdir(tmp_path)
    report = lint(["26-01-PLAN.md"], None)
    assert report.exit_code == ExitCode.OK  # no project: no dependency rules to break
    assert files(report.files) == ["26-01-PLAN.md"]


def test_ids_need_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = lint(["26-01"], None)
    assert report.exit_code == ExitCode.BAD_INPUT
    assert [d.code for d in report.diagnostics] == ["GSD201"]


def test_plan_id_brings_its_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path / "p", {"01": ""})
    (root / ".planning/phases/26-ci-cd-fixes/26-01-SUMMARY.md").write_text(
        "---\nphase: 26\nplan: 01\n---\n\nDone.\n"
    )
    monkeypatch.chdir(root)
    ws = Workspace.discover()
    assert files(lint(["26-01"], ws).files) == [
        ".planning/phases/26-ci-cd-fixes/26-01-PLAN.md",
        ".planning/phases/26-ci-cd-fixes/26-01-SUMMARY.md",
    ]
