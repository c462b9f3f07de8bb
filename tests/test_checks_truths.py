"""Truths: the evidence order (override, command, tasks, named must-haves, none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.checks.engine import CheckContext
from planner.checks.truthmatch import matching_tasks, normalize, states_truth
from planner.checks.truths import check_truth
from planner.documents.models import Override, Plan, Task, Truth
from planner.results import (
    ArtifactResult,
    ArtifactStatus,
    CommandResult,
    CommandStatus,
    ExpectationResult,
    ExpectationStatus,
    HumanCheck,
    LedgerEntry,
    LinkResult,
    LinkStatus,
    TruthResult,
    TruthSource,
    TruthStatus,
)
from tests.conftest import SEED_PLAN_12_GAP_01, SEED_PLAN_26_04, SEED_PLAN_26_06

TRUTH = "Both tests in test_atom_governance.py pass"


def command(
    status: CommandStatus,
    exit_code: int | None,
    fail_lines: list[str] | None = None,
    expectations: list[ExpectationResult] | None = None,
) -> CommandResult:
    return CommandResult(
        command="pytest tests/test_atom_governance.py",
        run_command="pytest tests/test_atom_governance.py",
        cwd=".",
        status=status,
        exit_code=exit_code,
        fail_lines=fail_lines or [],
        expectations=expectations or [],
    )


def entry(
    task: int, cmd: str, status: CommandStatus, exit_code: int, run: str = "r1"
) -> LedgerEntry:
    return LedgerEntry(
        run_id=run, plan="26-06", task=task, command=cmd, status=status, exit_code=exit_code
    )


def plan_with(truth: Truth, tasks: list[Task] | None = None) -> Plan:
    plan = Plan(path="26-06-PLAN.md", tasks=tasks or [])
    plan.frontmatter.must_haves.truths.append(truth)
    return plan


def verdict(
    tmp_path: Path,
    truth: Truth,
    *,
    tasks: list[Task] | None = None,
    overrides: list[Override] | None = None,
    commands: dict[str, CommandResult] | None = None,
    ledger: dict[int, list[LedgerEntry]] | None = None,
    artifacts: list[ArtifactResult] | None = None,
    links: list[LinkResult] | None = None,
) -> tuple[TruthResult, HumanCheck | None]:
    ctx = CheckContext.create(tmp_path).for_plan(
        task_results=ledger, command_results=commands, overrides=overrides
    )
    return check_truth(truth, plan_with(truth, tasks), ctx, artifacts or [], links or [], "26-06")


RUN_TASK = Task(
    index=2, name="Run both tests", done="- Both tests in test_atom_governance.py pass\n"
)
GOV_ARTIFACT = ArtifactResult(
    path="backend/tests/test_atom_governance.py", status=ArtifactStatus.VERIFIED
)


def test_override_beats_a_failing_command(tmp_path: Path) -> None:
    truth = Truth(text=TRUTH, verify="pytest tests/test_atom_governance.py")
    override = Override(
        must_have="both tests in `test_atom_governance.py` pass.",
        reason="flaky upstream",
        accepted_by="rushi",
        accepted_at="2026-02-19",
    )
    result, human = verdict(
        tmp_path,
        truth,
        overrides=[override],
        commands={TRUTH: command(CommandStatus.FAILED, 1)},
    )
    assert (result.status, result.source) == (TruthStatus.PASSED, TruthSource.OVERRIDE)
    assert result.reason == "override accepted by rushi on 2026-02-19: flaky upstream"
    assert [e.format() for e in result.evidence] == [
        "override: both tests in `test_atom_governance.py` pass."
    ]
    assert human is None


def test_command_beats_tasks_and_artifacts(tmp_path: Path) -> None:
    truth = Truth(text=TRUTH, verify="pytest tests/test_atom_governance.py")
    ledger = {2: [entry(2, "pytest -q", CommandStatus.PASSED, 0)]}
    result, _ = verdict(
        tmp_path,
        truth,
        tasks=[RUN_TASK],
        commands={TRUTH: command(CommandStatus.FAILED, 1, fail_lines=["FAIL: 1 failed"])},
        ledger=ledger,
        artifacts=[GOV_ARTIFACT],
    )
    assert (result.status, result.source) == (TruthStatus.FAILED, TruthSource.COMMAND)
    assert result.reason == "verify command failed"
    assert [e.format() for e in result.evidence] == [
        "`pytest tests/test_atom_governance.py`: failed, exit 1",
        "FAIL: 1 failed",
    ]
    passed, _ = verdict(tmp_path, truth, commands={TRUTH: command(CommandStatus.PASSED, 0)})
    assert (passed.status, passed.source, passed.reason) == (
        TruthStatus.PASSED,
        TruthSource.COMMAND,
        "verify command passed",
    )


def test_unmet_expectation_fails_a_passing_command(tmp_path: Path) -> None:
    truth = Truth(text=TRUTH, verify="pytest -q")
    unmet = ExpectationResult(text="2 passed", status=ExpectationStatus.UNMET)
    result, _ = verdict(
        tmp_path, truth, commands={TRUTH: command(CommandStatus.PASSED, 0, expectations=[unmet])}
    )
    assert (result.status, result.reason) == (
        TruthStatus.FAILED,
        "verify command expectation not met: 2 passed",
    )


def test_command_not_run_falls_through_to_tasks(tmp_path: Path) -> None:
    truth = Truth(text=TRUTH, verify="pytest -q")
    ledger = {
        2: [
            entry(2, "pytest -q", CommandStatus.FAILED, 1, run="r1"),
            entry(2, "grep -c x f", CommandStatus.PASSED, 0, run="r1"),
            entry(2, "pytest -q", CommandStatus.PASSED, 0, run="r2"),  # the latest result counts
        ]
    }
    result, _ = verdict(tmp_path, truth, tasks=[RUN_TASK], ledger=ledger)
    assert (result.status, result.source) == (TruthStatus.PASSED, TruthSource.TASK)
    assert result.reason == "all 2 commands of task 2 passed"
    assert [e.format() for e in result.evidence] == [
        "task 2 (Run both tests) states: Both tests in test_atom_governance.py pass",
        "task 2: `grep -c x f`: passed, exit 0",
        "task 2: `pytest -q`: passed, exit 0",
    ]


def test_any_failing_task_command_fails_the_truth(tmp_path: Path) -> None:
    ledger = {
        2: [
            entry(2, "pytest -q", CommandStatus.TIMED_OUT, 137),
            entry(2, "ls", CommandStatus.PASSED, 0),
        ]
    }
    result, _ = verdict(
        tmp_path, Truth(text=TRUTH), tasks=[RUN_TASK], ledger=ledger, artifacts=[GOV_ARTIFACT]
    )
    assert (result.status, result.source) == (TruthStatus.FAILED, TruthSource.TASK)
    assert result.reason == "1 of 2 commands of task 2 did not pass"


def test_tasks_without_results_fall_through_to_named_artifacts(tmp_path: Path) -> None:
    result, human = verdict(tmp_path, Truth(text=TRUTH), tasks=[RUN_TASK], artifacts=[GOV_ARTIFACT])
    assert (result.status, result.source) == (TruthStatus.PASSED, TruthSource.ARTIFACT)
    assert result.reason == "every named must-have verified"
    assert [e.format() for e in result.evidence] == [
        "artifact backend/tests/test_atom_governance.py: VERIFIED"
    ]
    assert human is None


def test_named_link_statuses(tmp_path: Path) -> None:
    truth = Truth(text="Mock properly prevents _record_execution database interaction")

    def link(status: LinkStatus) -> LinkResult:
        return LinkResult(
            from_="test_atom_learning_progression",
            to="AtomMetaAgent._record_execution",
            status=status,
        )

    for status, expected in [
        (LinkStatus.WIRED, TruthStatus.PASSED),
        (LinkStatus.PARTIAL, TruthStatus.PARTIAL),
        (LinkStatus.NOT_WIRED, TruthStatus.FAILED),
        (LinkStatus.UNRESOLVED, TruthStatus.FAILED),
    ]:
        result, _ = verdict(tmp_path, truth, links=[link(status)])
        assert (result.status, result.source) == (expected, TruthSource.LINK)
    partial, _ = verdict(tmp_path, truth, links=[link(LinkStatus.PARTIAL)])
    assert partial.reason == "1 named link(s) partial"
    assert [e.format() for e in partial.evidence] == [
        "link test_atom_learning_progression -> AtomMetaAgent._record_execution: PARTIAL"
    ]


def test_a_failing_named_artifact_fails_the_truth(tmp_path: Path) -> None:
    missing = ArtifactResult(
        path="backend/tests/test_atom_governance.py", status=ArtifactStatus.MISSING
    )
    result, _ = verdict(tmp_path, Truth(text=TRUTH), artifacts=[missing])
    assert (result.status, result.reason) == (TruthStatus.FAILED, "1 named must-have(s) failing")


def test_no_evidence_is_uncertain_and_needs_a_human(tmp_path: Path) -> None:
    truth = Truth(text="Each test gets a fresh database state", verify="pytest -q")
    result, human = verdict(tmp_path, truth, artifacts=[GOV_ARTIFACT])
    assert (result.status, result.source) == (TruthStatus.UNCERTAIN, TruthSource.NONE)
    assert result.reason == "no automated evidence; verify command not run: `pytest -q`"
    assert human is not None
    assert (human.test, human.why_human, human.plan) == (
        "Each test gets a fresh database state",
        "no automated evidence",
        "26-06",
    )


def test_normalize_folds_case_space_quotes_and_punctuation() -> None:
    assert normalize('  Tests run without "UNIQUE constraint failed: users.email" errors. ') == (
        "tests run without unique constraint failed users email errors"
    )
    assert (
        normalize("test_atom_learning_progression `runs`") == "test atom learning progression runs"
    )


@pytest.mark.parametrize(
    ("truth", "item", "expected"),
    [
        (
            "Tests run without UNIQUE constraint failed: users.email errors",
            'No "UNIQUE constraint failed: users.email" errors',
            True,
        ),
        (
            "Tests run without duplicate index definition errors",
            'No "index ix_* already exists" errors',
            False,
        ),
        ("51/51 ORM tests pass", "All checks green: 51/51 ORM tests pass today", True),
        ("Tests pass", "Docs updated", False),
        (
            "Session management uses transaction rollback pattern for isolation",
            "db fixture uses transaction rollback, no session state leaks between tests",
            True,
        ),
        ("Coverage stays high", "coverage", False),  # a one-word item never states a truth
    ],
)
def test_states_truth(truth: str, item: str, expected: bool) -> None:
    assert states_truth(truth, item) is expected


def test_seed_plans_map_truths_to_tasks(seeds_dir: Path) -> None:
    from planner.documents.loader import load_plan

    def mapping(name: str) -> dict[str, list[int]]:
        plan = load_plan(seeds_dir / name).doc
        assert plan is not None
        return {
            t.text: [task.index for task, _ in matching_tasks(t.text, plan.tasks)]
            for t in plan.must_haves.truths
        }

    assert mapping(SEED_PLAN_26_06) == {
        "test_atom_learning_progression runs without UsageEvent mapper error": [1, 2],
        "Mock properly prevents _record_execution database interaction": [],
        "Both tests in test_atom_governance.py pass": [],
    }
    assert mapping(SEED_PLAN_26_04) == {
        "Tests run without UNIQUE constraint failed: users.email errors": [3],
        "Tests run without duplicate index definition errors": [],
        "Each test gets a fresh database state": [],
        "In-memory database is used for all test fixtures": [],
    }
    assert mapping(SEED_PLAN_12_GAP_01) == {
        "All 51 ORM tests pass without IntegrityError or PendingRollbackError": [1, 2, 3],
        "Tests use factory-created objects exclusively (no mixing with manual constructors)": [],
        "Session management uses transaction rollback pattern for isolation": [1],
        "Foreign key constraints satisfied (workspace_id, user_id, agent_id)": [],
        "Coverage on models.py remains at 97%+ after fixes": [2, 3],
    }
