"""Re-verification against a previous report: closed / remaining / regressions, overrides carried."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED_VERIFICATION
from reports_factories import (
    artifact,
    build,
    cmd,
    link,
    load_seed_verification,
    plan,
    truth,
    verification_from_text,
)

from planner.documents.models import (
    Gap,
    GapArtifact,
    HumanItem,
    Override,
    ReVerification,
    Verification,
)
from planner.reports.phase import CompletenessFinding, CompletenessKind, VerificationStatus
from planner.reports.reverify import (
    PrevState,
    classify_status_cell,
    gap_identity,
    merge_overrides,
    parse_previous_tables,
)
from planner.reports.verification_md import render_verification
from planner.results import ArtifactStatus, CommandStatus, LinkStatus, TruthSource, TruthStatus


def test_against_seed_000(seeds_dir: Path) -> None:
    previous = load_seed_verification(seeds_dir, SEED_VERIFICATION)
    p = plan(
        truths=[
            truth("Tests can create User objects without TypeError"),  # partial gap -> passes now
            truth(
                "Tests use correct AtomMetaAgent API", TruthStatus.FAILED
            ),  # partial gap, still failing
            truth(
                "SQLAlchemy relationship reference resolves correctly", TruthStatus.FAILED
            ),  # was verified
            truth(
                "test_feedback_enhanced.py tests pass"
            ),  # ✗ FAILED row in the table, no gap entry
            truth("A brand new truth", TruthStatus.FAILED),  # not in the previous report: neither
        ],
        artifacts=[artifact("backend/saas/models.py", ArtifactStatus.MISSING)],  # ✓ VERIFIED row
        links=[link("test_atom_governance.py", "AtomMetaAgent.execute()")],  # ⚠️ PARTIAL row
    )
    rv = build([p], previous=previous).re_verification
    assert rv is not None
    assert (rv.previous_status, rv.previous_score) == ("gaps_found", "3/10 must-haves verified")
    assert rv.gaps_closed == [
        "Tests can create User objects without TypeError",
        "test_feedback_enhanced.py tests pass",
        "Key link `test_atom_governance.py` → `AtomMetaAgent.execute()`",
    ]
    assert rv.gaps_remaining == ["Tests use correct AtomMetaAgent API"]
    assert rv.regressions == [
        "SQLAlchemy relationship reference resolves correctly",
        "Artifact `backend/saas/models.py` exists",
    ]
    assert rv.gaps_dropped == ["All three target test files pass their test suites"]


def _previous(status: str | None, body: str = "", **kw: object) -> Verification:
    return Verification(path="26-VERIFICATION.md", status=status, body=body, **kw)


def test_known_false_result_is_never_complete() -> None:
    previous = _previous(
        "gaps_found",
        score="2/3 must-haves verified",
        re_verification=ReVerification(previous_status="passed", previous_score="3/3"),
        gaps=[Gap(truth="B works", status="failed")],
    )
    assert previous.is_complete is False
    pv = build(
        [plan(truths=[truth("A works"), truth("B works", TruthStatus.FAILED)])], previous=previous
    )
    assert pv.status is VerificationStatus.GAPS_FOUND
    assert pv.re_verification is not None
    assert (
        pv.re_verification.previous_status == "gaps_found"
    )  # the top-level status, not the history
    assert pv.re_verification.gaps_remaining == ["B works"]
    assert pv.re_verification.regressions == []
    back = verification_from_text(render_verification(pv))
    assert back.status == "gaps_found" and back.is_complete is False
    assert back.re_verification is not None and back.re_verification.previous_status == "gaps_found"


def test_frontmatter_only_previous_not_a_gap_means_passing() -> None:
    previous = _previous("passed", gaps=[])
    pv = build([plan(truths=[truth("A works", TruthStatus.FAILED)])], previous=previous)
    assert pv.re_verification is not None and pv.re_verification.regressions == ["A works"]
    assert [d.code for d in pv.diagnostics] == ["GSD702"]


def test_previous_without_status_infers_nothing() -> None:
    previous = Verification(path="old.md", has_frontmatter=False, body="# notes\n")
    pv = build([plan(truths=[truth("A works", TruthStatus.FAILED)])], previous=previous)
    rv = pv.re_verification
    assert rv is not None and rv.previous_status == "unknown"
    assert (rv.regressions, rv.gaps_remaining, rv.gaps_closed) == ([], [], [])
    assert [d.code for d in pv.diagnostics] == ["GSD701", "GSD702"]


def test_human_items_and_judged_rows_are_not_previously_passing() -> None:
    body = (
        "### Observable Truths\n\n| # | Truth | Status | Evidence |\n| - | - | - | - |\n"
        "| 1 | Judged one | ⚖️ JUDGED PASS (agent, unconfirmed) | x |\n"
    )
    previous = _previous(
        "human_needed", body=body, human_verification=[HumanItem(test="Manual one")]
    )
    p = plan(
        truths=[truth("Judged one", TruthStatus.FAILED), truth("Manual one", TruthStatus.FAILED)]
    )
    rv = build([p], previous=previous).re_verification
    assert rv is not None and (rv.regressions, rv.gaps_remaining) == ([], [])


def test_completeness_and_command_gaps_across_runs() -> None:
    finding = CompletenessFinding(
        kind=CompletenessKind.UNKNOWN_COMMIT,
        plan="26-04",
        subject="abc1234",
        detail="commit abc1234 not found in git",
    )
    first = build(
        [
            plan(
                truths=[truth("A")],
                commands=[
                    cmd("pytest -q", CommandStatus.FAILED),
                    cmd("make lint", CommandStatus.FAILED),
                ],
            )
        ],
        completeness=[finding],
    )
    previous = verification_from_text(render_verification(first))
    # commit found now, pytest passes, make lint not run at all (--static)
    second = build([plan(truths=[truth("A")], commands=[cmd("pytest -q")])], previous=previous)
    rv = second.re_verification
    assert rv is not None
    assert rv.gaps_closed == [
        "Command `pytest -q` passes",
        "Commit abc1234 cited in the 26-04 SUMMARY exists in git",
    ]
    assert rv.gaps_dropped == ["Command `make lint` passes"]
    assert second.status is VerificationStatus.PASSED


def test_round_trip_identities_through_own_report() -> None:
    p = plan(
        truths=[truth("Pipes | and\nnewlines", TruthStatus.FAILED), truth("`code` truth")],
        artifacts=[artifact("src/a|b.py", ArtifactStatus.STUB), artifact("src/ok.py")],
        links=[link("src/x.py::main", "core.db.Base", LinkStatus.NOT_WIRED), link("a.py", "b.py")],
    )
    text = render_verification(build([p]))
    previous = verification_from_text(text)
    tables = parse_previous_tables(previous.body)
    assert tables == {
        "truth:pipes | and newlines": PrevState.FAILING,
        "truth:code truth": PrevState.PASSING,
        "artifact:src/a|b.py": PrevState.FAILING,
        "artifact:src/ok.py": PrevState.PASSING,
        "link:src/x.py::main -> core.db.Base": PrevState.FAILING,
        "link:a.py -> b.py": PrevState.PASSING,
    }
    assert {gap_identity(g.truth) for g in previous.gaps} == {
        "truth:pipes | and newlines",
        "artifact:src/a|b.py",
        "link:src/x.py::main -> core.db.Base",
    }
    # everything fixed now: all three gaps closed, nothing dropped
    fixed = plan(
        truths=[truth("Pipes | and\nnewlines"), truth("`code` truth")],
        artifacts=[artifact("src/a|b.py"), artifact("src/ok.py")],
        links=[link("src/x.py::main", "core.db.Base"), link("a.py", "b.py")],
    )
    rv = build([fixed], previous=previous).re_verification
    assert (
        rv is not None
        and len(rv.gaps_closed) == 3
        and rv.gaps_dropped == []
        and rv.regressions == []
    )


@pytest.mark.parametrize(
    ("cell", "state"),
    [
        ("✓ VERIFIED", PrevState.PASSING),
        ("VERIFIED", PrevState.PASSING),
        ("✓ WIRED", PrevState.PASSING),
        ("✓ PASSED (override)", PrevState.PASSING),
        ("SATISFIED", PrevState.PASSING),
        ("✗ NOT_WIRED", PrevState.FAILING),
        ("NOT WIRED", PrevState.FAILING),
        ("⚠️ PARTIAL", PrevState.FAILING),
        ("âš ï¸ PARTIAL", PrevState.FAILING),  # mojibake as seen in the seed text
        ("âœ“ VERIFIED", PrevState.PASSING),
        ("✗ MISSING", PrevState.FAILING),
        ("⚠️ STUB", PrevState.FAILING),
        ("✗ BLOCKED", PrevState.FAILING),
        ("? UNCERTAIN", PrevState.NEITHER),
        ("⚖️ JUDGED PASS (agent, unconfirmed)", PrevState.NEITHER),
        ("HUMAN NEEDED", PrevState.NEITHER),
        ("whatever", None),
    ],
)
def test_classify_status_cell(cell: str, state: PrevState | None) -> None:
    assert classify_status_cell(cell) is state


def test_overrides_carried_forward_and_replaced() -> None:
    old = [
        Override(
            must_have="Docs are clear",
            reason="reviewed",
            accepted_by="ana",
            accepted_at="2026-01-02",
        ),
        Override(must_have="Gone truth", reason="n/a"),
    ]
    previous = _previous("passed", overrides=old)
    new = [Override(must_have="docs are clear.", reason="re-reviewed", accepted_by="bo")]
    p = plan(truths=[truth("Docs are clear", source=TruthSource.OVERRIDE)])
    pv = build([p], previous=previous, overrides=new)
    assert [(o.must_have, o.reason) for o in pv.overrides] == [
        ("docs are clear.", "re-reviewed"),
        ("Gone truth", "n/a"),
    ]
    assert [d.code for d in pv.diagnostics if d.code == "GSD703"] == ["GSD703"]
    assert "Gone truth" in pv.diagnostics[-1].message
    back = verification_from_text(render_verification(pv))
    assert [o.must_have for o in back.overrides] == ["docs are clear.", "Gone truth"]
    assert back.overrides[0].accepted_by == "bo"


def test_merge_overrides_keeps_order() -> None:
    a, b = Override(must_have="A"), Override(must_have="B")
    assert [
        o.must_have for o in merge_overrides([a, b], [Override(must_have="a", reason="x")])
    ] == ["a", "B"]


def test_previous_gap_marked_verified_is_not_failing() -> None:
    previous = _previous(
        "gaps_found",
        gaps=[
            Gap(
                truth="X holds",
                status="verified",
                artifacts=[GapArtifact(path="x.py", issue="None")],
            )
        ],
    )
    rv = build(
        [plan(truths=[truth("X holds", TruthStatus.FAILED)])], previous=previous
    ).re_verification
    assert rv is not None and (rv.gaps_remaining, rv.regressions) == ([], ["X holds"])


def test_corpus_reports_parse_as_previous(corpus_dir: Path) -> None:
    """Every real VERIFICATION.md in the corpus can be the previous report: no exception, and every
    one with a `| # | Truth |` table yields rows for it."""
    import re

    files = sorted(corpus_dir.rglob("*VERIFICATION*.md"))
    assert len(files) > 100
    current = [
        plan(truths=[truth("Something new", TruthStatus.FAILED)], artifacts=[artifact("src/x.py")])
    ]
    with_tables = 0
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        tables = parse_previous_tables(text)
        if re.search(r"^\|\s*#\s*\|\s*Truth", text, re.M):
            with_tables += 1
            assert any(k.startswith("truth:") for k in tables), f
        pv = build(current, previous=Verification(path=str(f), status="gaps_found", body=text))
        assert pv.re_verification is not None and pv.status is VerificationStatus.GAPS_FOUND
    assert with_tables > 100
