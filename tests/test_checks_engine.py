"""check_plan end to end: seed plans against a small project, prose-only plans, read-once."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from planner.checks.engine import CheckContext, all_codes, check_plan, plan_hints
from planner.documents.models import (
    Artifact,
    KeyLink,
    MustHaves,
    Override,
    Plan,
    PlanFrontmatter,
    Verification,
)
from planner.results import (
    ArtifactStatus,
    CommandStatus,
    LedgerEntry,
    LinkStatus,
    TruthSource,
    TruthStatus,
)
from tests.conftest import SEED_PLAN_12_GAP_01, SEED_PLAN_26_04, SEED_PLAN_26_06


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture()
def atom(tmp_path: Path, seeds_dir: Path) -> Path:
    """A tiny stand-in for the seeds' project, with the seed plans in its .planning/."""
    root = tmp_path / "atom"
    phase = root / ".planning" / "phases" / "26-ci-cd-fixes"
    phase.mkdir(parents=True)
    shutil.copy(seeds_dir / SEED_PLAN_26_04, phase / "26-04-PLAN.md")
    shutil.copy(seeds_dir / SEED_PLAN_26_06, phase / "26-06-PLAN.md")
    gap = root / ".planning" / "phases" / "12-tier-1-coverage-push"
    gap.mkdir(parents=True)
    shutil.copy(seeds_dir / SEED_PLAN_12_GAP_01, gap / "12-tier-1-coverage-push-GAP-01-PLAN.md")
    write(
        root,
        "backend/tests/test_atom_governance.py",
        """
        import pytest
        from unittest.mock import AsyncMock, patch


        def test_atom_governance_gating():
            assert True


        @pytest.mark.asyncio
        async def test_atom_learning_progression():
            atom = AtomMetaAgent()
            with patch.object(atom, "_record_execution", new_callable=AsyncMock):
                await atom.execute("Test task")
        """,
    )
    write(
        root,
        "backend/core/atom_meta_agent.py",
        """
        class AtomMetaAgent:
            async def _record_execution(self, task):
                return None
        """,
    )
    write(root, "backend/core/database.py", "Base = object()\n")
    write(
        root,
        "backend/tests/conftest.py",
        "from core.database import Base\n\n\ndef db_session(engine):\n"
        "    Base.metadata.create_all(engine, checkfirst=True)\n" + "# filler\n" * 60,
    )
    write(
        root,
        "backend/tests/test_feedback_enhanced.py",
        "import pytest\n\n\n@pytest.fixture\ndef user():\n    return 1\n",
    )
    return root


def load(path: Path) -> Plan:
    from planner.documents.loader import load_plan

    plan = load_plan(path).doc
    assert isinstance(plan, Plan)
    return plan


def test_seed_26_06_end_to_end(atom: Path) -> None:
    plan = load(atom / ".planning/phases/26-ci-cd-fixes/26-06-PLAN.md")
    ctx = CheckContext.create(atom)
    result = check_plan(plan, "26-06", ctx)
    assert [(a.path, a.status) for a in result.artifacts] == [
        ("backend/tests/test_atom_governance.py", ArtifactStatus.VERIFIED)
    ]
    [link] = result.links
    assert link.status is LinkStatus.WIRED
    assert [e.format() for e in link.evidence] == [
        'backend/tests/test_atom_governance.py:12: with patch.object(atom, "_record_execution", new_callable=AsyncMock):'
    ]
    assert [(t.status, t.source) for t in result.truths] == [
        (TruthStatus.PASSED, TruthSource.LINK),  # names the link's source function
        (TruthStatus.PASSED, TruthSource.LINK),  # names _record_execution
        (TruthStatus.PASSED, TruthSource.ARTIFACT),  # names test_atom_governance.py
    ]
    assert result.checkable == 5 and result.human == [] and result.diagnostics == []
    assert ctx.symbols.scans == 1  # AtomMetaAgent is not in the plan's files: one tree scan


def test_seed_26_06_ledger_results_decide_the_matched_truth(atom: Path) -> None:
    plan = load(atom / ".planning/phases/26-ci-cd-fixes/26-06-PLAN.md")
    failing = LedgerEntry(
        run_id="r",
        plan="26-06",
        task=2,
        command="pytest x",
        status=CommandStatus.FAILED,
        exit_code=1,
    )
    ctx = CheckContext.create(atom).for_plan(task_results={2: [failing]})
    result = check_plan(plan, "26-06", ctx)
    first = result.truths[0]
    assert (first.status, first.source) == (TruthStatus.FAILED, TruthSource.TASK)
    assert first.reason == "1 of 1 commands of task 2 did not pass"


def test_seed_26_04_and_12_gap_01(atom: Path) -> None:
    ctx = CheckContext.create(atom)
    p04 = check_plan(load(atom / ".planning/phases/26-ci-cd-fixes/26-04-PLAN.md"), "26-04", ctx)
    assert [(a.status, a.reason) for a in p04.artifacts] == [
        (ArtifactStatus.VERIFIED, "exists, 65 lines"),
        (ArtifactStatus.VERIFIED, "exists, 6 lines, contains 1/1"),
        (ArtifactStatus.MISSING, "no such file or directory"),
    ]
    assert [(link.status, link.reason) for link in p04.links] == [
        (LinkStatus.WIRED, "pattern found in backend/tests/conftest.py")
    ]
    assert [t.status for t in p04.truths] == [TruthStatus.UNCERTAIN] * 4
    assert [h.test for h in p04.human] == [t.text for t in p04.truths]
    gap = check_plan(
        load(
            atom / ".planning/phases/12-tier-1-coverage-push/12-tier-1-coverage-push-GAP-01-PLAN.md"
        ),
        "12-GAP-01",
        ctx,
    )
    assert [a.status for a in gap.artifacts] == [ArtifactStatus.MISSING] * 3
    assert [link.reason for link in gap.links] == [
        "from 'backend/tests/unit/test_models_orm.py': no such file; to 'backend/core/models.py': no such file",
        "from 'backend/tests/unit/conftest.py': no such file; "
        "to 'backend/tests/property_tests/conftest.py': no such file",
    ]
    assert max(ctx.files.read_counts.values()) == 1


def test_overrides_from_the_previous_verification(atom: Path) -> None:
    plan = load(atom / ".planning/phases/26-ci-cd-fixes/26-04-PLAN.md")
    previous = Verification(
        path="26-VERIFICATION.md",
        overrides=[
            Override(
                must_have="each test gets a FRESH database state",
                reason="checked by hand",
                accepted_by="lead",
            )
        ],
    )
    result = check_plan(plan, "26-04", CheckContext.create(atom, previous=previous))
    third = result.truths[2]
    assert (third.status, third.source, third.reason) == (
        TruthStatus.PASSED,
        TruthSource.OVERRIDE,
        "override accepted by lead: checked by hand",
    )
    assert len(result.human) == 3


def test_prose_only_must_haves_have_nothing_checkable(tmp_path: Path) -> None:
    plan = Plan(
        path="01-01-PLAN.md",
        frontmatter=PlanFrontmatter(
            must_haves=MustHaves(prose=["Login works", "src/auth.py provides login"])
        ),
    )
    result = check_plan(plan, "01-01", CheckContext.create(tmp_path))
    assert result.checkable == 0
    assert result.prose_must_haves == ["Login works", "src/auth.py provides login"]
    assert [d.format() for d in result.diagnostics] == [
        "01-01-PLAN.md: warning[GSD410]: plan 01-01 has no checkable must-have (2 prose entries) "
        "(hint: write artifacts as {path: ...} and key links as {from, to, pattern})"
    ]


def test_many_plans_share_one_read_of_each_file(tmp_path: Path) -> None:
    write(tmp_path, "src/a.py", "from b import thing\n\ndef run():\n    return thing()\n")
    write(tmp_path, "src/b.py", "def thing():\n    return 1\n")
    ctx = CheckContext.create(tmp_path)
    for i in range(10):
        must = MustHaves(
            artifacts=[
                Artifact(path="src/a.py", contains=["run"]),
                Artifact(path="src/b.py", exports=["thing"]),
            ],
            key_links=[
                KeyLink.model_validate(
                    {"from": "src/a.py", "to": "src/b.py", "pattern": "from b import"}
                ),
                KeyLink.model_validate({"from": "run", "to": "b.thing", "pattern": "thing\\(\\)"}),
                KeyLink.model_validate({"from": "src/a.py::run", "to": "thing"}),
            ],
        )
        plan = Plan(
            path=f"p{i}.md",
            frontmatter=PlanFrontmatter(files_modified=["src/a.py"], must_haves=must),
        )
        result = check_plan(plan, f"01-{i:02d}", ctx.for_plan())
        assert [a.status for a in result.artifacts] == [ArtifactStatus.VERIFIED] * 2
        assert [link.status for link in result.links] == [LinkStatus.WIRED] * 3
    assert ctx.files.read_counts == {"src/a.py": 1, "src/b.py": 1}
    assert (
        ctx.regexes.compiles == 3
    )  # two plan patterns and one reference pattern, whatever the plan count


def test_plan_hints_are_confined_existing_files(tmp_path: Path) -> None:
    write(tmp_path, "src/a.py", "")
    write(tmp_path, "src/b.py", "")
    plan = Plan(
        path="p.md",
        frontmatter=PlanFrontmatter(
            files_modified=["src/a.py", "../outside.py", "src/*.py", "missing.py"],
            must_haves=MustHaves(artifacts=[Artifact(path="src/b.py")]),
        ),
    )
    assert plan_hints(plan, tmp_path) == ["src/a.py", "src/b.py"]


def test_codes_are_in_the_assigned_range() -> None:
    codes = all_codes()
    assert list(codes) == sorted(codes)
    assert all(400 <= int(code[3:]) <= 499 for code in codes)
    assert {"GSD401", "GSD402", "GSD403", "GSD404", "GSD410"} <= set(codes)
