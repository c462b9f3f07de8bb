"""The five seed documents load into the models exactly (commands, expectations, lines, gaps)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from planner.documents.loader import load_document, load_text
from planner.documents.models import DocKind, ExpectationKind, Plan, Summary, Verification
from planner.errors import Severity, has_errors
from tests.conftest import (
    SEED_PLAN_12_GAP_01,
    SEED_PLAN_26_04,
    SEED_PLAN_26_06,
    SEED_SUMMARY_12_GAP_01,
    SEED_VERIFICATION,
)

ATOM = "PYTHONPATH=/Users/rushiparikh/projects/atom/backend"


def _plan(seeds_dir: Path, name: str) -> tuple[Plan, list]:
    loaded = load_document(seeds_dir / name, DocKind.PLAN)
    assert isinstance(loaded.doc, Plan)
    return loaded.doc, loaded.diagnostics


def _commands(plan: Plan) -> list[list[str]]:
    return [[c.text for c in t.verify.commands] if t.verify else [] for t in plan.tasks]


def test_seed_26_04_recovers_invalid_escape_with_the_wanted_message(seeds_dir: Path) -> None:
    text = (seeds_dir / SEED_PLAN_26_04).read_text(encoding="utf-8")
    loaded = load_text(text, "26-04-PLAN.md", DocKind.PLAN)
    plan = loaded.doc
    assert isinstance(plan, Plan)
    link = plan.must_haves.key_links[0]
    assert link.pattern == r"Base\.metadata\.create_all.*checkfirst"
    assert (link.from_, link.to, link.line) == (
        "backend/tests/conftest.py",
        "core.database.Base",
        31,
    )
    [warning] = loaded.diagnostics
    assert (warning.code, warning.severity, warning.line) == ("GSD120", Severity.WARNING, 34)
    assert f"{warning.file}:{warning.line}: {warning.message}" == (
        r'26-04-PLAN.md:34: must_haves.key_links[0].pattern: invalid escape "\." — use single quotes'
    )
    assert not has_errors(loaded.diagnostics)


def test_seed_26_04_plan(seeds_dir: Path) -> None:
    plan, _ = _plan(seeds_dir, SEED_PLAN_26_04)
    fm = plan.frontmatter
    assert (fm.phase, fm.plan, fm.wave, fm.autonomous, fm.gap_closure) == (
        "26-ci-cd-fixes",
        "04",
        1,
        True,
        True,
    )
    assert (
        fm.must_haves.truths[0].text
        == "Tests run without UNIQUE constraint failed: users.email errors"
    )
    assert [(a.path, a.min_lines, a.contains) for a in fm.must_haves.artifacts] == [
        ("backend/tests/conftest.py", 60, []),
        ("backend/tests/test_feedback_enhanced.py", None, ["@pytest.fixture"]),
        ("backend/tests/test_health_monitoring.py", None, ["def db_session"]),
    ]
    assert plan.title == "Plan 26-04: Database Cleanup Infrastructure"
    assert [r.path for r in plan.references] == [
        ".planning/phases/26-ci-cd-fixes/26-01-SUMMARY.md",
        ".planning/phases/26-ci-cd-fixes/26-VERIFICATION.md",
    ]
    assert [(t.index, t.line, t.end_line, t.type) for t in plan.tasks] == [
        (1, 76, 101, "auto"),
        (2, 103, 127, "auto"),
        (3, 129, 156, "auto"),
    ]
    assert plan.tasks[2].files == [
        "backend/tests/test_feedback_enhanced.py",
        "backend/tests/test_health_monitoring.py",
    ]
    assert _commands(plan) == [
        [
            'grep -n "def db(" backend/tests/test_feedback_enhanced.py && echo "FAIL: local db fixture still exists" || echo "PASS: local fixture removed"',
            'grep -n "def.*db_session" backend/tests/test_feedback_enhanced.py | wc -l | grep -q "0" && echo "PASS: no local db_session fixture" || echo "INFO: checking parameter usage..."',
        ],
        [
            'grep -n "Base.metadata.create_all" backend/tests/test_health_monitoring.py && echo "FAIL: local create_all still exists" || echo "PASS: using standardized fixture"',
            'grep -n "create_engine" backend/tests/test_health_monitoring.py && echo "INFO: checking engine imports..."',
        ],
        [
            f'{ATOM} pytest backend/tests/test_feedback_enhanced.py -v 2>&1 | grep -E "PASSED|FAILED|ERROR" | tail -5',
            f'{ATOM} pytest backend/tests/test_health_monitoring.py -v 2>&1 | grep -E "PASSED|FAILED|ERROR" | tail -5',
        ],
    ]
    assert [c.line for t in plan.tasks for c in t.verify.commands] == [93, 94, 119, 120, 148, 149]
    assert all(not c.expectations for t in plan.tasks for c in t.verify.commands)
    # "## Verification" is prose: numbered items with inline code are notes, never commands
    assert plan.verification is not None and plan.verification.commands == []
    assert "- Run tests twice in succession - same results both times" in plan.verification.notes
    assert plan.success_criteria and plan.success_criteria.startswith(
        "1. test_feedback_enhanced.py"
    )


def test_seed_26_06_plan(seeds_dir: Path) -> None:
    plan, diags = _plan(seeds_dir, SEED_PLAN_26_06)
    assert plan.must_haves.key_links[0].pattern == r"patch\.object.*_record_execution"
    assert [(d.code, d.line) for d in diags] == [("GSD120", 25)]
    assert (
        diags[0].message
        == r'must_haves.key_links[0].pattern: invalid escape "\." — use single quotes'
    )
    assert plan.frontmatter.plan == "06"
    assert _commands(plan) == [
        [
            'grep -A5 "test_atom_learning_progression" backend/tests/test_atom_governance.py | grep "AgentGovernanceService.record_outcome" && echo "PASS: record_outcome patch added" || echo "INFO: verifying..."'
        ],
        [
            f'{ATOM} pytest backend/tests/test_atom_governance.py -v 2>&1 | grep -E "PASSED|FAILED|ERROR|mapper"'
        ],
    ]
    # the python code fenced inside <action> is not a verify command
    assert all(len(t.verify.commands) == 1 for t in plan.tasks)


SEED_004_PYTHON = textwrap.dedent('''\
    python3 -c "
    import subprocess
    result = subprocess.run([
        'pytest', 'backend/tests/unit/test_models_orm.py', '-v',
        '--cov=backend/core/models', '--cov-report=json',
        '--tb=short'
    ], capture_output=True, text=True, cwd='/Users/rushiparikh/projects/atom/backend')

    # Check test count
    if '51 passed' not in result.stdout:
        print(f'FAIL: Not all tests passed. Output: {result.stdout}')
        exit(1)

    # Check coverage
    import json
    with open('backend/tests/coverage_reports/metrics/coverage.json') as f:
        data = json.load(f)
        models_cov = data['files'].get('backend/core/models.py', {}).get('summary', {}).get('percent_covered', 0)
        if models_cov < 97:
            print(f'FAIL: models.py coverage {models_cov}% < 97%')
            exit(1)

    print(f'PASS: 51/51 tests pass, models.py coverage {models_cov}%')
    "''')


def test_seed_12_gap_01_plan(seeds_dir: Path) -> None:
    plan, diags = _plan(seeds_dir, SEED_PLAN_12_GAP_01)
    assert diags == []
    fm = plan.frontmatter
    assert (fm.phase, fm.plan) == ("12-tier-1-coverage-push", "GAP-01")
    # a valid YAML escape stays an escape: "\\(" is the regex \(
    assert [k.pattern for k in fm.must_haves.key_links] == [
        r"AgentFactory\(\), UserFactory\(\), NOT AgentRegistry\(\)",
        r"rollback\(\), close\(\)",
    ]
    assert [a.status for a in fm.must_haves.artifacts] == ["fixed", "updated", "updated"]
    assert [r.section for r in plan.references].count("execution_context") == 2
    t1, t2, t3 = plan.tasks
    assert t1.name == "Task 1: Fix conftest.py session fixture to use transaction rollback pattern"
    [c1] = t1.verify.commands
    assert (
        c1.text
        == f"{ATOM} pytest backend/tests/unit/test_models_orm.py::TestAgentRegistryModel::test_agent_creation_defaults -v"
    )
    assert [(e.kind, e.text, e.line) for e in c1.expectations] == [
        (ExpectationKind.EXPECTED, "Test passes without PendingRollbackError", 121)
    ]
    [c2] = t2.verify.commands
    assert (
        c2.text
        == f"{ATOM} pytest backend/tests/unit/test_models_orm.py -v --tb=short 2>&1 | tee /tmp/orm_test_output.txt"
    )
    assert [(e.kind, e.text) for e in c2.expectations] == [
        (ExpectationKind.EXPECTED, "51/51 tests pass, 0 failed"),
        (
            ExpectationKind.CHECK,
            'grep -E "passed|failed" /tmp/orm_test_output.py | grep "51 passed"',
        ),
    ]
    # the multi-line python3 -c "..." is ONE command, dedented so the Python inside is valid
    [c3] = t3.verify.commands
    assert c3.text == SEED_004_PYTHON
    assert c3.line == 264
    compile(c3.text.split('"', 1)[1].rsplit('"', 1)[0], "<verify>", "exec")
    assert [e.text for e in c3.expectations] == [
        "PASS message indicating 51 tests pass and 97%+ coverage"
    ]
    assert t3.verify.notes == []
    assert plan.verification is not None and plan.verification.commands == []
    assert len(plan.verification.notes) == 6


def test_seed_verification_has_5_gaps_and_4_human_items(seeds_dir: Path) -> None:
    loaded = load_document(seeds_dir / SEED_VERIFICATION, DocKind.VERIFICATION)
    v = loaded.doc
    assert isinstance(v, Verification)
    assert loaded.diagnostics == []
    assert (v.phase, v.status, v.score, v.score_verified, v.score_total) == (
        "26-ci-cd-fixes",
        "gaps_found",
        "3/10 must-haves verified",
        3,
        10,
    )
    assert v.verified == "2026-02-18T21:30:00Z"
    assert not v.is_complete
    assert [g.status for g in v.gaps] == ["partial", "partial", "verified", "verified", "failed"]
    assert v.gaps[0].truth == "Tests can create User objects without TypeError"
    assert [a.path for a in v.gaps[4].artifacts] == [
        "backend/tests/test_feedback_enhanced.py",
        "backend/tests/test_health_monitoring.py",
        "backend/tests/test_atom_governance.py",
    ]
    assert len(v.gaps[4].missing) == 3 and v.gaps[0].line == 7
    # 3 items in the frontmatter, each matched to its body item; body item 3 has no counterpart
    h = v.human_verification
    assert len(h) == 4
    assert [i.test for i in h[:3]] == [
        "Run tests with clean database state",
        "Verify test_health_check in test_health_monitoring.py",
        "Run full CI test suite after database cleanup",
    ]
    assert [i.title for i in h] == [
        "Clean Database State and Re-run Tests",
        "Investigate test_health_check Missing Fixture",
        "Run Full CI Test Suite After Database Cleanup",
        "Verify _record_execution Mock Effectiveness",
    ]
    assert h[3].test == "Review test_atom_learning_progression mock implementation (line 89)"
    assert h[3].expected == (
        "Mock should prevent _record_execution from touching database, "
        "avoiding UsageEvent mapper error"
    )
    assert h[3].why_human and h[3].why_human.startswith("Current mock isn't preventing")
    assert (h[0].line, h[3].line) == (53, 143)


def test_seed_summary_without_frontmatter_loads_with_a_warning(seeds_dir: Path) -> None:
    loaded = load_document(seeds_dir / SEED_SUMMARY_12_GAP_01, DocKind.SUMMARY)
    s = loaded.doc
    assert isinstance(s, Summary)
    assert [(d.code, d.severity, d.line) for d in loaded.diagnostics] == [
        ("GSD160", Severity.WARNING, 1)
    ]
    assert not s.has_frontmatter and s.commits == [] and s.phase is None
    assert s.body.startswith("# Phase 12 Tier-1 Coverage Push - GAP-01 Summary")


@pytest.mark.parametrize("name", [SEED_PLAN_26_04, SEED_PLAN_26_06, SEED_PLAN_12_GAP_01])
def test_seed_plans_kind_is_guessed_from_a_plan_file_name(
    seeds_dir: Path, tmp_path: Path, name: str
) -> None:
    target = tmp_path / "26-04-PLAN.md"
    target.write_bytes((seeds_dir / name).read_bytes())
    loaded = load_document(target)
    assert loaded.kind is DocKind.PLAN and isinstance(loaded.doc, Plan)
    assert loaded.doc.path == str(target)
