"""The gap-closure loop on the bundled example (a private copy): verify finds the health-monitoring
gaps, `gsd plan gaps` writes a plan whose checks are the commands that failed, executing it fails
before the fix and passes after it, and the next verify lists those gaps as closed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from verify_factories import VENV_BIN, gsd, make_project

from planner.documents.loader import load_plan, load_verification
from planner.documents.models import Plan, Verification

PHASE26 = Path(".planning/phases/26-ci-cd-fixes")
REPORT26 = PHASE26 / "26-VERIFICATION.md"
HEALTH = Path("backend/tests/test_health_monitoring.py")
TASK2 = (
    "Task 2 of 26-04 (Fix test_health_monitoring.py to use standardized db_session fixture): "
    "verification passes"
)
TASK3 = "Task 3 of 26-04 (Verify tests pass with clean database state): verification passes"
SUMMARY_GAPS = ["Plan 26-04 has a SUMMARY", "Plan 26-06 has a SUMMARY"]
CREATE_ALL_CHECK = (
    'grep -n "Base.metadata.create_all" backend/tests/test_health_monitoring.py && echo '
    '"FAIL: local create_all still exists" || echo "PASS: using standardized fixture"'
)
HEALTH_PYTEST = (
    "set -o pipefail; PYTHONPATH=/Users/rushiparikh/projects/atom/backend pytest "
    'backend/tests/test_health_monitoring.py -v 2>&1 | grep -E "PASSED|FAILED|ERROR" | tail -5'
)
# The local fixture that creates its own tables (without checkfirst) and shadows conftest's.
LOCAL_FIXTURE = '''@pytest.fixture
def db_session():
    """Fresh tables on the module's in-memory database for each test."""
    Base.metadata.create_all(bind=engine)
    session = TestingSessionLocal()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        Base.metadata.drop_all(bind=engine)
'''
# The fix: hand the tests conftest's fixture. README's "delete the local fixture" alone closes the
# task gaps but breaks 26-04's artifact (`contains: "def db_session"`): the plan contradicts itself,
# so the fixture stays by name and delegates to the standardized one.
DELEGATING_FIXTURE = '''@pytest.fixture
def db_session(db_session):
    """The standardized fixture from tests/conftest.py (temp database, checkfirst=True)."""
    return db_session
'''


@pytest.fixture(autouse=True)
def _pytest_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plans run `pytest`: the venv's, as a user's shell would find it."""
    monkeypatch.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))


def report(root: Path) -> Verification:
    doc = load_verification(root / REPORT26).doc
    assert isinstance(doc, Verification)
    return doc


def plan(root: Path, name: str) -> Plan:
    doc = load_plan(root / PHASE26 / name).doc
    assert isinstance(doc, Plan)
    return doc


@pytest.mark.slow
def test_gap_plans_fail_before_the_fix_pass_after_and_close_the_gaps(example_copy: Path) -> None:
    root = example_copy
    first = gsd(root, "verify", "phase", "26")
    assert first.exit_code == 1, first.output
    before = report(root)
    assert (before.score_verified, before.score_total) == (10, 13)
    assert [g.truth for g in before.gaps] == [TASK2, TASK3, *SUMMARY_GAPS]

    # 1. One plan for the two health-monitoring gaps (same file), one per missing SUMMARY.
    planned = gsd(root, "plan", "gaps", "26")
    assert planned.exit_code == 0, planned.output
    assert "wrote .planning/phases/26-ci-cd-fixes/26-07-PLAN.md: gaps 1, 2 (2 tasks)" in (
        planned.stdout
    )
    new = ["26-07-PLAN.md", "26-08-PLAN.md", "26-09-PLAN.md"]
    assert sorted(p.name for p in (root / PHASE26).glob("26-*-PLAN.md")) == [
        "26-04-PLAN.md",
        "26-06-PLAN.md",
        *new,
    ]
    linted = gsd(root, "lint", *[str(PHASE26 / n) for n in new])
    assert linted.exit_code == 0, linted.output
    assert "gsd lint: 0 errors" in linted.output
    gap_plan = plan(root, "26-07-PLAN.md")
    assert gap_plan.frontmatter.gap_closure is True
    assert [t.text for t in gap_plan.frontmatter.must_haves.truths] == [TASK2, TASK3]
    # Each task's check is the command that failed in verify (task 3's with pipefail added, so
    # pytest's errors fail it instead of being hidden behind `tail`).
    assert [[c.text for c in t.verify.commands] for t in gap_plan.tasks if t.verify] == [
        [CREATE_ALL_CHECK],
        [HEALTH_PYTEST],
    ]

    # 2. Before the fix the gap plan fails, on the checks that failed in verify.
    broken = gsd(root, "execute", "26-07")
    assert broken.exit_code == 1, broken.output
    assert "FAIL: local create_all still exists" in broken.stdout
    assert "index ix_agent_feedback_agent_id already exists" in broken.stdout
    assert "26-07 ✗ failed: 0/2 tasks passed (failed: 1, 2)" in broken.stdout

    # 3. The fix.
    health = root / HEALTH
    text = health.read_text(encoding="utf-8")
    assert text.count(LOCAL_FIXTURE) == 1
    health.write_text(text.replace(LOCAL_FIXTURE, DELEGATING_FIXTURE), encoding="utf-8")

    # 4. After the fix the gap plan passes.
    fixed = gsd(root, "execute", "26-07")
    assert fixed.exit_code == 0, fixed.output
    assert "26-07 ✓ complete: 2/2 tasks passed" in fixed.stdout

    # 5. Verify again: the two gaps are closed, nothing regressed, the score goes up.
    again = gsd(root, "verify", "phase", "26")
    assert again.exit_code == 1, again.output  # the SUMMARY gaps remain (no plan was re-run)
    after = report(root)
    assert after.re_verification is not None
    assert after.re_verification.gaps_closed == [TASK2, TASK3]
    assert after.re_verification.regressions == []
    assert after.re_verification.gaps_remaining == SUMMARY_GAPS
    assert after.re_verification.previous_score == "10/13 must-haves verified"
    # 26-07's four must-haves now count too, and all hold; 26-08/26-09 have not run yet.
    assert (after.score_verified, after.score_total) == (16, 21)
    assert after.score_verified > before.score_verified
    assert [g.truth for g in after.gaps if g.truth in (TASK2, TASK3)] == []


# ---------------------------------------------------------------------------------------------
# A failed-task gap, without a run ledger (fast)

TASK_PLAN = """\
---
phase: 01-demo
plan: "01"
type: execute
wave: 1
autonomous: true
must_haves:
  truths:
    - "The app starts"
---

# Plan 01-01

<objective>
Demo.
</objective>

<task type="auto">
  <name>Build the app</name>
  <files>src/app.py</files>
  <action>Write it.</action>
  <verify>
    test -e src/app.py
    grep -q "def main" src/app.py || echo "FAIL: no main"
  </verify>
  <done>The app builds</done>
</task>

<task type="auto">
  <name>Document it</name>
  <files>src/app.py, README.md</files>
  <action>Write it.</action>
  <verify>grep -q app README.md</verify>
  <done>Documented</done>
</task>
"""
TASK_GAP = "Task 1 of 01-01 (Build the app): verification passes"
TASK_REPORT = f"""\
---
phase: 01-demo
status: gaps_found
score: 0/1 must-haves verified
gaps:
  - truth: "{TASK_GAP}"
    status: failed
    reason: "verification failed: 1 of 2 commands did not pass"
    missing:
      - 'task 1 verify command passes: `grep -q "def main" src/app.py || echo "FAIL: no main"`'
---

# Phase 1 verification
"""


def test_failed_task_gap_carries_the_failing_command_and_the_task_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"01-01": TASK_PLAN}, files={"src/app.py": "print('hi')\n"})
    (root / ".planning/phases/01-demo/01-VERIFICATION.md").write_text(TASK_REPORT, "utf-8")
    result = gsd(root, "plan", "gaps", "1")
    assert result.exit_code == 0, result.output
    doc = load_plan(root / ".planning/phases/01-demo/01-02-PLAN.md").doc
    assert isinstance(doc, Plan)
    assert [t.text for t in doc.frontmatter.must_haves.truths] == [TASK_GAP]
    assert doc.frontmatter.files_modified == ["src/app.py"]  # task 1's <files>
    (task,) = doc.tasks
    assert task.files == ["src/app.py"]
    # Only the command the report names as failing: not task 1's passing `test -e`, nor task 2's
    # command on the same file.
    assert task.verify is not None
    assert [c.text for c in task.verify.commands] == [
        'grep -q "def main" src/app.py || echo "FAIL: no main"'
    ]
    executed = gsd(root, "execute", "01-02")
    assert executed.exit_code == 1, executed.output
    assert "FAIL: no main" in executed.stdout
