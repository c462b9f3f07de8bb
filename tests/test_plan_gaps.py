"""`gsd plan gaps`: seed 000's gaps next to seeds 001/002, written, linted, never overwritten."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from planner.commands.lint import lint
from planner.commands.plan_gaps import plan_gaps, render_text
from planner.documents.loader import load_plan
from planner.documents.models import Plan
from planner.errors import ExitCode, GsdError, Severity
from planner.execution.ledger import Ledger
from planner.gaps.model import CheckSource
from planner.results import CommandStatus, LedgerEntry
from planner.workspace import Workspace
from tests.conftest import SEED_PLAN_26_04, SEED_PLAN_26_06, SEED_VERIFICATION

runner = CliRunner()
PHASE = ".planning/phases/26-ci-cd-fixes"
NEW = f"{PHASE}/26-07-PLAN.md"
FEEDBACK = "backend/tests/test_feedback_enhanced.py"
HEALTH = "backend/tests/test_health_monitoring.py"
GOVERNANCE = "backend/tests/test_atom_governance.py"
PYTEST = "PYTHONPATH=/Users/rushiparikh/projects/atom/backend pytest"
GOV_PYTEST = f'{PYTEST} {GOVERNANCE} -v 2>&1 | grep -E "PASSED|FAILED|ERROR|mapper"'
FEEDBACK_PYTEST = (
    f'set -o pipefail; {PYTEST} {FEEDBACK} -v 2>&1 | grep -E "PASSED|FAILED|ERROR" | tail -5'
)
CANNOT_FAIL = (
    'grep -n "def.*db_session" backend/tests/test_feedback_enhanced.py | wc -l | grep -q "0" '
    '&& echo "PASS: no local db_session fixture" || echo "INFO: checking parameter usage..."'
)
DEF_DB = (
    f'grep -n "def db(" {FEEDBACK} && echo "FAIL: local db fixture still exists" '
    '|| echo "PASS: local fixture removed"'
)


@pytest.fixture()
def seed_project(tmp_path: Path, seeds_dir: Path) -> Path:
    """Seed 000 as 26-VERIFICATION.md next to seeds 001/002 (26-04, 26-06)."""
    root = tmp_path / "atom"
    phase = root / PHASE
    phase.mkdir(parents=True)
    shutil.copy(seeds_dir / SEED_VERIFICATION, phase / "26-VERIFICATION.md")
    shutil.copy(seeds_dir / SEED_PLAN_26_04, phase / "26-04-PLAN.md")
    shutil.copy(seeds_dir / SEED_PLAN_26_06, phase / "26-06-PLAN.md")
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def load(path: Path) -> Plan:
    doc = load_plan(path).doc
    assert isinstance(doc, Plan)
    return doc


def lint_errors(root: Path, *paths: str) -> list[str]:
    ws = Workspace.discover(root=root)
    report = lint([str(root / p) for p in paths], ws)
    return [d.format() for d in report.diagnostics if d.severity is Severity.ERROR]


# ---------------------------------------------------------------------------------------------
# Seed 000 next to seeds 001/002


def test_seed_gaps_become_one_grouped_plan_26_07(seed_project: Path) -> None:
    result, code = plan_gaps(Workspace.discover(root=seed_project), "26")
    assert code is ExitCode.OK
    assert result.open_gaps == 3  # gaps 3 and 4 are marked verified in the report
    [draft] = result.plans  # gaps 1, 2, 5 share test files: one plan
    assert (draft.id, draft.number, draft.path, draft.written) == ("26-07", "07", NEW, True)
    assert [t.gap.index for t in draft.tasks] == [1, 2, 5]
    assert (draft.wave, draft.depends_on) == (1, [])  # no plan of the phase owns these truths
    assert draft.files_modified == [FEEDBACK, HEALTH, GOVERNANCE]
    assert (seed_project / NEW).read_text(encoding="utf-8") == draft.content


def test_written_plan_reads_back_as_a_gap_plan(seed_project: Path) -> None:
    plan_gaps(Workspace.discover(root=seed_project), "26")
    plan = load(seed_project / NEW)
    fm = plan.frontmatter
    assert (fm.phase, fm.plan, fm.type, fm.wave, fm.depends_on) == (
        "26-ci-cd-fixes",
        "07",
        "execute",
        1,
        [],
    )
    assert (fm.autonomous, fm.gap_closure) == (True, True)
    assert [t.text for t in fm.must_haves.truths] == [
        "Tests can create User objects without TypeError",
        "Tests use correct AtomMetaAgent API",
        "All three target test files pass their test suites",
    ]
    assert [(a.path, a.provides) for a in fm.must_haves.artifacts] == [
        (FEEDBACK, "Closes gap: Tests can create User objects without TypeError"),
        (HEALTH, "Closes gap: Tests can create User objects without TypeError"),
        (GOVERNANCE, "Closes gap: Tests use correct AtomMetaAgent API"),
    ]
    assert [r.path for r in plan.references] == [f"{PHASE}/26-VERIFICATION.md"]
    assert [t.done for t in plan.tasks] == [t.text for t in fm.must_haves.truths]
    assert [t.files for t in plan.tasks] == [
        [FEEDBACK, HEALTH],
        [GOVERNANCE],
        [FEEDBACK, HEALTH, GOVERNANCE],
    ]
    assert plan.verification is None or plan.verification.commands == []  # prose, nothing to run
    assert plan.title == (
        "Plan 26-07: Close verification gaps in test_feedback_enhanced.py, "
        "test_health_monitoring.py and 1 more file"
    )


def test_tasks_reuse_the_checks_that_failed(seed_project: Path) -> None:
    result, _ = plan_gaps(Workspace.discover(root=seed_project), "26")
    task1, task2, task5 = result.plans[0].tasks
    # Gap 2 touches test_atom_governance.py: 26-06's pytest run (its grep check cannot fail).
    assert [(c.command, c.source, c.origin) for c in task2.checks] == [
        (GOV_PYTEST, CheckSource.FILES, "26-06 task 2")
    ]
    assert "cannot fail" in task2.action and "INFO: verifying..." in task2.action
    # Gap 5 is stated by 26-04 task 3's done criteria: its commands come first, made strict.
    assert [c.source for c in task5.checks[:2]] == [CheckSource.TASK, CheckSource.TASK]
    assert task5.checks[0].command == FEEDBACK_PYTEST
    assert task5.checks[0].note == "set -o pipefail added"
    assert task5.checks[-1].command == GOV_PYTEST
    assert len(task5.checks) == 6
    commands1 = [c.command for c in task1.checks]
    assert commands1[0] == DEF_DB
    assert CANNOT_FAIL not in commands1 and CANNOT_FAIL in task1.action
    plan = load(seed_project / NEW)
    for task, drafted in zip(plan.tasks, (task1, task2, task5), strict=True):
        assert task.verify is not None
        assert [c.text for c in task.verify.commands] == [c.command for c in drafted.checks]


def test_result_lints_clean(seed_project: Path) -> None:
    plan_gaps(Workspace.discover(root=seed_project), "26")
    assert lint_errors(seed_project, NEW) == []
    ws = Workspace.discover(root=seed_project)
    report = lint([], ws)  # the whole project: the phase's dependency graph included
    ours = [d for d in report.diagnostics if (d.file or "").endswith("26-07-PLAN.md")]
    assert [d.format() for d in ours if d.severity is Severity.ERROR] == []
    assert {d.code for d in ours} == {"GSD332"}  # the seeds' /Users/... paths: a warning


def test_dry_run_writes_nothing(seed_project: Path) -> None:
    before = files_of(seed_project)
    result = runner.invoke(
        cli.app, ["--root", str(seed_project), "plan", "gaps", "26", "--dry-run"]
    )
    assert result.exit_code == 0
    assert files_of(seed_project) == before
    lines = result.stdout.splitlines()
    assert lines[0] == f"would write {NEW}: gaps 1, 2, 5 (3 tasks), wave 1, depends on nothing"
    assert lines[1:3] == [f"----- {NEW}", "---"]
    assert "phase: 26-ci-cd-fixes" in lines and "plan: '07'" in lines
    assert lines[-1] == "-----"


def test_cli_writes_and_reports(seed_project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(seed_project), "plan", "gaps", "26"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"wrote {NEW}: gaps 1, 2, 5 (3 tasks), wave 1, depends on nothing\n",
    )
    status = runner.invoke(cli.app, ["--root", str(seed_project), "--no-color", "status", "26"])
    assert "26-07  1     not started · gap closure" in status.stdout


def test_json_output(seed_project: Path) -> None:
    result = runner.invoke(
        cli.app, ["--root", str(seed_project), "plan", "gaps", "26", "--dry-run", "--json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["phase"], data["dry_run"], data["open_gaps"]) == ("26", True, 3)
    assert [p["id"] for p in data["plans"]] == ["26-07"]
    assert data["plans"][0]["written"] is False


# ---------------------------------------------------------------------------------------------
# Never overwrite; nothing to plan


def test_rerun_leaves_everything_and_exits_5(seed_project: Path) -> None:
    plan_gaps(Workspace.discover(root=seed_project), "26")
    before = files_of(seed_project)
    result = runner.invoke(cli.app, ["--root", str(seed_project), "plan", "gaps", "26"])
    assert result.exit_code == ExitCode.NOTHING_TO_CHECK
    assert files_of(seed_project) == before
    assert "nothing to plan: every open gap of" in result.stderr
    assert result.stdout.splitlines()[0] == (
        "skipped gap 1: already planned in 26-07, which has not run yet (no SUMMARY) "
        "(Tests can create User objects without TypeError)"
    )


def test_numbers_skip_any_used_number(seed_project: Path) -> None:
    # An orphan SUMMARY holds number 07: the new plan is 26-08, and the SUMMARY is untouched.
    orphan = seed_project / PHASE / "26-07-SUMMARY.md"
    orphan.write_text("# stray\n", encoding="utf-8")
    result, _ = plan_gaps(Workspace.discover(root=seed_project), "26")
    assert [p.path for p in result.plans] == [f"{PHASE}/26-08-PLAN.md"]
    assert orphan.read_text(encoding="utf-8") == "# stray\n"


def test_an_existing_target_is_never_overwritten(seed_project: Path) -> None:
    # A folder with the target's name is not a plan to the workspace, but the name is taken.
    blocker = seed_project / NEW
    blocker.mkdir()
    (blocker / "keep.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(GsdError) as err:
        plan_gaps(Workspace.discover(root=seed_project), "26")
    assert (err.value.code, err.value.exit_code) == ("GSD814", ExitCode.BAD_INPUT)
    assert err.value.message == f"{NEW} already exists; gsd never overwrites a plan"
    assert (blocker / "keep.txt").read_text(encoding="utf-8") == "mine\n"
    result = runner.invoke(cli.app, ["--root", str(seed_project), "plan", "gaps", "26"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "GSD814" in result.stderr


def test_no_open_gaps_exits_5(seed_project: Path) -> None:
    report = seed_project / PHASE / "26-VERIFICATION.md"
    report.write_text("---\nphase: 26\nstatus: passed\nscore: 10/10 must-haves verified\n---\n")
    result = runner.invoke(cli.app, ["--root", str(seed_project), "plan", "gaps", "26"])
    assert result.exit_code == ExitCode.NOTHING_TO_CHECK
    assert result.stderr == (
        f"gsd: nothing to plan: {PHASE}/26-VERIFICATION.md has no open gap (status: passed)\n"
    )
    assert not (seed_project / NEW).exists()


def test_no_report_exits_5(seed_project: Path) -> None:
    (seed_project / PHASE / "26-VERIFICATION.md").unlink()
    result = runner.invoke(cli.app, ["--root", str(seed_project), "plan", "gaps", "26"])
    assert result.exit_code == ExitCode.NOTHING_TO_CHECK
    assert "phase 26 has no VERIFICATION.md" in result.stderr


def test_unusable_report_exits_3(seed_project: Path) -> None:
    (seed_project / PHASE / "26-VERIFICATION.md").write_text("", encoding="utf-8")
    result, code = plan_gaps(Workspace.discover(root=seed_project), "26")
    assert code is ExitCode.BAD_INPUT
    assert [d.code for d in result.diagnostics] == ["GSD101", "GSD811"]
    assert result.plans == []


def test_unknown_phase_exits_3(seed_project: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(seed_project), "plan", "gaps", "27"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "unknown reference '27'" in result.stderr


# ---------------------------------------------------------------------------------------------
# The run ledger decides which original checks are failing


def test_checks_that_passed_in_their_latest_run_are_left_out(seed_project: Path) -> None:
    ledger = Ledger(seed_project / ".planning")
    ledger.append(
        LedgerEntry(
            run_id="r1", plan="26-06", task=2, command=GOV_PYTEST, status=CommandStatus.FAILED
        )
    )
    ledger.append(
        LedgerEntry(
            run_id="r2", plan="26-06", task=2, command=GOV_PYTEST, status=CommandStatus.PASSED
        )
    )
    ledger.append(
        LedgerEntry(run_id="r2", plan="26-04", task=1, command=DEF_DB, status=CommandStatus.FAILED)
    )
    result, _ = plan_gaps(Workspace.discover(root=seed_project), "26", dry_run=True)
    task1, task2, task5 = result.plans[0].tasks
    assert GOV_PYTEST not in [c.command for c in task5.checks]
    assert f"{GOV_PYTEST} (26-06 task 2: passed in its latest run)" in task2.action
    assert [(c.command, c.last_status) for c in task1.checks[:1]] == [(DEF_DB, "failed")]
    # Gap 2 has no failing check left: one is derived from its must-have, and it fails now.
    assert [(c.command, c.source) for c in task2.checks] == [
        (
            f"test -e {GOVERNANCE} && echo 'PASS: {GOVERNANCE} exists' "
            f"|| echo 'FAIL: {GOVERNANCE} is missing'",
            CheckSource.GENERATED,
        )
    ]
    # Once the file exists that check already passes: it could not show the gap closing, and
    # would let verify count the truth as met. The task keeps no command (a warning says so).
    (seed_project / GOVERNANCE).parent.mkdir(parents=True)
    (seed_project / GOVERNANCE).write_text("def test_x():\n    pass\n", encoding="utf-8")
    result, _ = plan_gaps(Workspace.discover(root=seed_project), "26", dry_run=True)
    task2 = result.plans[0].tasks[1]
    assert task2.checks == []
    assert "(artifact backend/tests/test_atom_governance.py: already passes)" in task2.action
    assert [d.code for d in result.diagnostics] == ["GSD815"]
    plan_gaps(Workspace.discover(root=seed_project), "26")
    assert lint_errors(seed_project, NEW) == []  # a note-only verify block is a warning


def test_bundled_example(example_copy: Path) -> None:
    result = runner.invoke(cli.app, ["--root", str(example_copy), "plan", "gaps", "26"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"wrote {NEW}: gaps 1, 2, 5 (3 tasks), wave 1, depends on nothing\n",
    )
    assert lint_errors(example_copy, NEW) == []
    missing = runner.invoke(cli.app, ["--root", str(example_copy), "plan", "gaps", "12"])
    assert missing.exit_code == ExitCode.NOTHING_TO_CHECK
    assert "phase 12 has no VERIFICATION.md" in missing.stderr


def test_render_text_lists_skipped_gaps(seed_project: Path) -> None:
    plan_gaps(Workspace.discover(root=seed_project), "26")
    result, _ = plan_gaps(Workspace.discover(root=seed_project), "26")
    assert render_text(result)[-1] == (
        "skipped gap 5: already planned in 26-07, which has not run yet (no SUMMARY) "
        "(All three target test files pass their test suites)"
    )
