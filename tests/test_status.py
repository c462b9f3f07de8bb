"""`gsd status`: the status model on real files in tmp layouts, its text, JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli, output
from planner.commands.status import render_text, status
from planner.errors import ExitCode, GsdError
from planner.execution.ledger import Ledger
from planner.results import CommandStatus, LedgerEntry
from planner.status import compute_status
from planner.status_report import PhaseState, PlanState, Progress, VerificationState
from planner.workspace import Workspace

runner = CliRunner()

ROADMAP = """\
# Roadmap

- [ ] **Phase 1: Data Layer** - tables and queries
- [x] **Phase 2: API Surface** - endpoints
- [ ] **Phase 3: Polish** - docs

### Phase 1: Data Layer
**Goal**: Store everything
"""

PLAN = """\
---
phase: {phase}
plan: "{plan}"
type: execute
wave: {wave}
depends_on: []
files_modified: [src/db.py]
autonomous: true
{extra}must_haves:
  truths:
    - "Data is stored"
---

# Plan

<tasks>
<task type="auto">
  <name>One</name>
  <action>Do one</action>
  <verify>test -f src/db.py</verify>
  <done>Data is stored</done>
</task>
<task type="auto">
  <name>Two</name>
  <action>Do two</action>
  <verify>grep -q store src/db.py</verify>
  <done>Data is stored</done>
</task>
<task type="auto">
  <name>Three</name>
  <action>Do three</action>
  <verify>python3 -c "print(1)"</verify>
  <done>Data is stored</done>
</task>
</tasks>
"""

# The trap: re_verification.previous_status and a body line both say "passed"; the report is not.
GAPS_VERIFICATION = """\
---
phase: 01-data-layer
verified: 2026-01-02T10:00:00Z
status: gaps_found
score: 2/5 must-haves verified
re_verification:
  previous_status: passed
  previous_score: 5/5
  gaps_closed: []
  gaps_remaining: []
  regressions: ["Data is stored"]
gaps:
  - truth: "Data is stored"
    status: failed
    reason: "no table"
  - truth: "Queries are fast"
    status: verified
    reason: "fine"
---

# Phase 1 Verification

**Status:** passed
"""

PASSED_VERIFICATION = """\
---
phase: 02-api-surface
status: passed
score: 4/4 must-haves verified
---
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def plan_text(phase: str, plan: str, wave: int = 1, gap: bool = False) -> str:
    return PLAN.format(
        phase=phase, plan=plan, wave=wave, extra="gap_closure: true\n" if gap else ""
    )


def entry(plan: str, task: int, status: CommandStatus, run_id: str) -> LedgerEntry:
    return LedgerEntry(run_id=run_id, plan=plan, task=task, command=f"check {task}", status=status)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    planning = root / ".planning"
    write(planning / "ROADMAP.md", ROADMAP)
    p1 = planning / "phases" / "01-data-layer"
    write(p1 / "01-01-PLAN.md", plan_text("01-data-layer", "01"))
    write(p1 / "01-02-PLAN.md", plan_text("01-data-layer", "02", wave=2))
    write(p1 / "01-03-PLAN.md", plan_text("01-data-layer", "03", wave=2, gap=True))
    write(p1 / "01-03-SUMMARY.md", "---\nphase: 01\nplan: 03\nstatus: partial\n---\n\nDone.\n")
    write(p1 / "01-VERIFICATION.md", GAPS_VERIFICATION)
    p2 = planning / "phases" / "02-api-surface"
    write(p2 / "02-01-PLAN.md", plan_text("02-api-surface", "01"))
    write(p2 / "02-01-SUMMARY.md", "# Summary without frontmatter\n")
    write(p2 / "02-VERIFICATION.md", PASSED_VERIFICATION)
    ledger = Ledger(planning)
    # Run A: tasks 1 and 2 fail; run B (later) reruns task 1, which passes. Task 2's latest is A.
    ledger.append(entry("01-02", 1, CommandStatus.FAILED, "20260101T000000Z-aaaaaa"))
    ledger.append(entry("01-02", 2, CommandStatus.FAILED, "20260101T000000Z-aaaaaa"))
    ledger.append(entry("01-02", 1, CommandStatus.PASSED, "20260102T000000Z-bbbbbb"))
    return root


# ---------------------------------------------------------------------------------------------
# The model


def test_phases_merge_folders_and_roadmap_in_order(project: Path) -> None:
    report = compute_status(Workspace.discover(root=project))
    assert [(p.id, p.name, p.state) for p in report.phases] == [
        ("01", "Data Layer", PhaseState.GAPS_FOUND),
        ("02", "API Surface", PhaseState.VERIFIED),
        ("03", "Polish", PhaseState.NO_FOLDER),
    ]
    no_folder = report.phases[2]
    assert (no_folder.folder, no_folder.in_roadmap, no_folder.plans) == (None, True, [])
    assert report.phases[0].goal == "Store everything"
    assert report.phases[1].roadmap_complete is True
    assert report.plans == Progress(done=2, total=4)
    assert report.verified_phases == Progress(done=1, total=3)


def test_plan_states_from_files_and_ledger(project: Path) -> None:
    phase1, phase2, _ = compute_status(Workspace.discover(root=project)).phases
    states = {
        p.id: (p.state, p.tasks and (p.tasks.passed, p.tasks.ran, p.tasks.total))
        for p in phase1.plans
    }
    assert states == {
        "01-01": (PlanState.NOT_STARTED, None),
        "01-02": (PlanState.EXECUTED, (1, 2, 3)),  # task 1 passed in run B, task 2 failed in A
        "01-03": (PlanState.SUMMARY_WRITTEN, None),
    }
    gap_plan = phase1.plans[2]
    assert (gap_plan.gap_closure, gap_plan.wave, gap_plan.summary_status) == (True, 2, "partial")
    assert [(p.id, p.state) for p in phase2.plans] == [("02-01", PlanState.VERIFIED)]
    assert phase2.plans[0].summary_status is None  # a SUMMARY without frontmatter


def test_re_verification_previous_status_is_not_completion(project: Path) -> None:
    phase1 = compute_status(Workspace.discover(root=project)).phases[0]
    v = phase1.verification
    assert v is not None
    assert (v.state, v.status, v.score_verified, v.score_total) == (
        VerificationState.GAPS_FOUND,
        "gaps_found",
        2,
        5,
    )
    assert v.gaps == 1  # the entry marked verified is not an open gap
    assert v.re_verification is True
    assert phase1.state is PhaseState.GAPS_FOUND
    assert all(p.state is not PlanState.VERIFIED for p in phase1.plans)


def test_summaryless_plan_in_a_verified_phase_is_not_verified(project: Path) -> None:
    p2 = project / ".planning" / "phases" / "02-api-surface"
    write(p2 / "02-02-PLAN.md", plan_text("02-api-surface", "02"))
    phase2 = compute_status(Workspace.discover(root=project), "2").phases[0]
    assert [(p.id, p.state) for p in phase2.plans] == [
        ("02-01", PlanState.VERIFIED),
        ("02-02", PlanState.NOT_STARTED),
    ]
    assert phase2.state is PhaseState.VERIFIED  # the report's own status decides


def test_unreadable_documents_are_reported_not_raised(project: Path) -> None:
    p1 = project / ".planning" / "phases" / "01-data-layer"
    write(p1 / "01-VERIFICATION.md", "")
    write(p1 / "01-01-PLAN.md", "---\nphase: [unclosed\n---\n")
    phase1 = compute_status(Workspace.discover(root=project), "01").phases[0]
    assert phase1.verification is not None
    assert phase1.verification.state is VerificationState.UNKNOWN
    assert [d.code for d in phase1.verification.diagnostics] == ["GSD101"]
    assert phase1.state is PhaseState.IN_PROGRESS
    assert [d.code for d in phase1.plans[0].diagnostics] == ["GSD111"]
    assert phase1.plans[0].diagnostics[0].file == ".planning/phases/01-data-layer/01-01-PLAN.md"


def test_one_phase_by_folder_or_roadmap_reference(project: Path) -> None:
    ws = Workspace.discover(root=project)
    assert [p.id for p in compute_status(ws, "1").phases] == ["01"]
    only_roadmap = compute_status(ws, "phase 3")
    assert [(p.id, p.state) for p in only_roadmap.phases] == [("03", PhaseState.NO_FOLDER)]
    with pytest.raises(GsdError) as err:
        compute_status(ws, "7")
    assert (err.value.code, err.value.exit_code) == ("GSD203", ExitCode.BAD_INPUT)


def test_progress_bar() -> None:
    assert Progress(done=5, total=10).bar() == "[#####-----] 5/10"
    assert Progress(done=9, total=10).bar() == "[#########-] 9/10"
    assert Progress(done=0, total=0).bar() == "[----------] 0/0"
    assert Progress(done=3, total=3).bar(4) == "[####] 3/3"


# ---------------------------------------------------------------------------------------------
# Text and the command line

OVERVIEW = """\
gsd status: shop
Plans   [#####-----] 2/4 with a summary
Phases  [###-------] 1/3 verified

01  Data Layer   [###-------] 1/3  gaps found (1 open) · score 2/5
    01-01  not started
    01-02  executed: 1/3 tasks passing
    01-03  summary written (partial) · gap closure
02  API Surface  [##########] 1/1  verified · score 4/4
03  Polish       -                 not planned (no folder)
"""

DETAIL = """\
Phase 01: Data Layer
  Folder        .planning/phases/01-data-layer
  Goal          Store everything
  State         gaps found (1 open) · score 2/5
  Verification  gaps_found · 2/5 must-haves verified · 1 open gap · 0 human checks · re-verification
  Report        .planning/phases/01-data-layer/01-VERIFICATION.md
  Progress      [###-------] 1/3 plans with a summary

  Plan   Wave  State
  01-01  1     not started
  01-02  2     executed: 1/3 tasks passing
  01-03  2     summary written (partial) · gap closure
"""


def test_overview_text(project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(project), "--no-color", "status"])
    assert (result.exit_code, result.stdout) == (0, OVERVIEW)


def test_detail_text(project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(project), "status", "01"])
    assert (result.exit_code, result.stdout) == (0, DETAIL)


def test_roadmap_only_phase_detail(project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(project), "status", "3"])
    assert (result.exit_code, result.stdout) == (
        0,
        "Phase 03: Polish\n"
        "  Folder  none (listed in ROADMAP.md only)\n"
        "  State   not planned (no folder)\n",
    )


def test_json_is_one_document(project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(project), "status", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["project"] == "shop"
    assert [p["state"] for p in data["phases"]] == ["gaps_found", "verified", "no_folder"]
    assert data["phases"][0]["plans"][1]["tasks"] == {"passed": 1, "ran": 2, "total": 3}
    assert data["phases"][0]["verification"]["state"] == "gaps_found"


def test_unknown_phase_exits_3(project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(project), "status", "9"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "unknown reference '9'" in result.stderr
    assert result.stdout == ""


def test_colour_only_when_asked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # what a terminal would allow
    monkeypatch.delenv("NO_COLOR", raising=False)
    # An earlier --no-color invocation in this process may have turned colour off.
    monkeypatch.setattr(output, "_color_allowed", True)
    report, code = status(Workspace.discover(root=project))
    assert code is ExitCode.OK
    assert "\033[" not in render_text(report)
    coloured = render_text(report, color=True)
    assert "\033[32mverified\033[0m" in coloured
    assert "\033[31mgaps found (1 open)\033[0m" in coloured


def test_empty_project(tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    result = runner.invoke(cli.app, ["--root", str(tmp_path), "status"])
    assert result.exit_code == 0
    assert result.stdout.endswith(
        "No phases: .planning/phases/ is empty and ROADMAP.md lists none.\n"
    )


def test_detail_shows_a_roadmap_claim_next_to_the_verdict(project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(project), "status", "2"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:5] == [
        "Phase 02: API Surface",
        "  Folder        .planning/phases/02-api-surface",
        "  State         verified · score 4/4",
        "  ROADMAP       marked complete",
        "  Verification  passed · 4/4 must-haves verified · 0 open gaps · 0 human checks",
    ]
