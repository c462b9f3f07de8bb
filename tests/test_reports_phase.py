"""Phase verdict rules (DESIGN section 5): status, score, gaps and human items."""

from __future__ import annotations

from typing import Any

import pytest
from reports_factories import T0, artifact, build, cmd, ev, link, plan, truth

from planner.errors import Diagnostic, ExitCode, Severity
from planner.reports.phase import (
    CompletenessFinding,
    CompletenessKind,
    GapKind,
    VerificationStatus,
    exit_code_for,
    normalize_text,
    plan_status,
    split_phase,
)
from planner.results import (
    ArtifactStatus,
    CommandStatus,
    ExpectationResult,
    ExpectationStatus,
    HumanCheck,
    LinkStatus,
    MarkerHit,
    TruthSource,
    TruthStatus,
)

S = VerificationStatus
GOOD: dict[str, Any] = {
    "truths": [truth("Users can log in")],
    "artifacts": [artifact("src/auth.py")],
    "links": [link("src/app.py", "src/auth.py")],
}


def with_(**over: Any) -> dict[str, Any]:
    return {**GOOD, **over}


def unmet() -> list[ExpectationResult]:
    return [ExpectationResult(text="5 passed", status=ExpectationStatus.UNMET)]


def unchecked() -> list[ExpectationResult]:
    return [ExpectationResult(text="the page looks right", status=ExpectationStatus.UNCHECKED)]


missing_summary = CompletenessFinding(
    kind=CompletenessKind.MISSING_SUMMARY, plan="26-04", detail="no 26-04-SUMMARY.md"
)
bad_commit = CompletenessFinding(
    kind=CompletenessKind.UNKNOWN_COMMIT,
    plan="26-04",
    subject="abc1234",
    detail="commit abc1234 not found in git",
    evidence=ev("26-04-SUMMARY.md", 9, "abc1234"),
)
bad_file = CompletenessFinding(
    kind=CompletenessKind.MISSING_FILE,
    plan="26-04",
    subject="src/gone.py",
    detail="src/gone.py does not exist",
)
note_only = bad_file.model_copy(update={"blocking": False})
error_diag = Diagnostic(
    code="GSD301", severity=Severity.ERROR, message="invalid regex", file="p.md", line=12
)
warn_diag = Diagnostic(
    code="GSD102", severity=Severity.WARNING, message="recovered escape", file="p.md", line=3
)

# name, plan fields, completeness, expected status, expected score text
CASES: list[tuple[str, dict[str, Any], list[CompletenessFinding], VerificationStatus, str]] = [
    ("all verified", GOOD, [], S.PASSED, "3/3 must-haves verified"),
    (
        "all verified + passing command",
        with_(commands=[cmd("pytest")]),
        [],
        S.PASSED,
        "3/3 must-haves verified",
    ),
    (
        "truth failed",
        with_(truths=[truth("x", TruthStatus.FAILED)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "truth partial",
        with_(truths=[truth("x", TruthStatus.PARTIAL)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "artifact missing",
        with_(artifacts=[artifact("a", ArtifactStatus.MISSING)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "artifact stub",
        with_(artifacts=[artifact("a", ArtifactStatus.STUB)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "artifact failed",
        with_(artifacts=[artifact("a", ArtifactStatus.FAILED)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "link partial",
        with_(links=[link("a", "b", LinkStatus.PARTIAL)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "link not wired",
        with_(links=[link("a", "b", LinkStatus.NOT_WIRED)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "link unresolved",
        with_(links=[link("a", "b", LinkStatus.UNRESOLVED)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "command failed",
        with_(commands=[cmd("pytest", CommandStatus.FAILED)]),
        [],
        S.GAPS_FOUND,
        "3/3 must-haves verified",
    ),
    (
        "command timed out",
        with_(commands=[cmd("sleep 9", CommandStatus.TIMED_OUT, exit_code=None)]),
        [],
        S.GAPS_FOUND,
        "3/3 must-haves verified",
    ),
    (
        "command error",
        with_(commands=[cmd("nope", CommandStatus.ERROR, exit_code=127)]),
        [],
        S.GAPS_FOUND,
        "3/3 must-haves verified",
    ),
    (
        "command interrupted",
        with_(commands=[cmd("x", CommandStatus.INTERRUPTED)]),
        [],
        S.GAPS_FOUND,
        "3/3 must-haves verified",
    ),
    (
        "expectation unmet",
        with_(commands=[cmd("pytest", expectations=unmet())]),
        [],
        S.GAPS_FOUND,
        "3/3 must-haves verified",
    ),
    (
        "expectation unchecked",
        with_(commands=[cmd("pytest", expectations=unchecked())]),
        [],
        S.HUMAN_NEEDED,
        "3/3 must-haves verified",
    ),
    (
        "truth uncertain",
        with_(truths=[truth("x", TruthStatus.UNCERTAIN)]),
        [],
        S.HUMAN_NEEDED,
        "2/3 must-haves verified",
    ),
    (
        "checkpoint",
        with_(human=[HumanCheck(test="Look at the UI")]),
        [],
        S.HUMAN_NEEDED,
        "3/3 must-haves verified",
    ),
    (
        "prose must-have",
        with_(prose_must_haves=["Feels fast"]),
        [],
        S.HUMAN_NEEDED,
        "3/3 must-haves verified",
    ),
    (
        "judged pass is not verified",
        with_(truths=[truth("x", source=TruthSource.AGENT, judged=True)]),
        [],
        S.HUMAN_NEEDED,
        "2/3 must-haves verified",
    ),
    (
        "judged fail is a gap",
        with_(truths=[truth("x", TruthStatus.FAILED, judged=True)]),
        [],
        S.GAPS_FOUND,
        "2/3 must-haves verified",
    ),
    (
        "override counts",
        with_(truths=[truth("x", source=TruthSource.OVERRIDE)]),
        [],
        S.PASSED,
        "3/3 must-haves verified",
    ),
    ("missing summary", GOOD, [missing_summary], S.GAPS_FOUND, "3/3 must-haves verified"),
    ("unknown commit", GOOD, [bad_commit], S.GAPS_FOUND, "3/3 must-haves verified"),
    ("missing file", GOOD, [bad_file], S.GAPS_FOUND, "3/3 must-haves verified"),
    ("non-blocking note", GOOD, [note_only], S.PASSED, "3/3 must-haves verified"),
    (
        "error diagnostic",
        with_(diagnostics=[error_diag]),
        [],
        S.GAPS_FOUND,
        "3/3 must-haves verified",
    ),
    ("warning diagnostic", with_(diagnostics=[warn_diag]), [], S.PASSED, "3/3 must-haves verified"),
    ("empty plan", {}, [], S.NOTHING_TO_CHECK, "0/0 must-haves verified"),
    (
        "only skipped commands",
        {"commands": [cmd("pytest", CommandStatus.SKIPPED)]},
        [],
        S.NOTHING_TO_CHECK,
        "0/0 must-haves verified",
    ),
    (
        "only checkpoints",
        {"human": [HumanCheck(test="Look")]},
        [],
        S.NOTHING_TO_CHECK,
        "0/0 must-haves verified",
    ),
    (
        "only prose",
        {"prose_must_haves": ["Feels fast"]},
        [],
        S.NOTHING_TO_CHECK,
        "0/0 must-haves verified",
    ),
    (
        "only commands, passing",
        {"commands": [cmd("make test")]},
        [],
        S.PASSED,
        "0/0 must-haves verified",
    ),
    ("nothing but a bad commit", {}, [bad_commit], S.GAPS_FOUND, "0/0 must-haves verified"),
]


@pytest.mark.parametrize(
    ("fields", "completeness", "status", "score"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_status_and_score_rules(
    fields: dict[str, Any],
    completeness: list[CompletenessFinding],
    status: VerificationStatus,
    score: str,
) -> None:
    pv = build([plan(**fields)], completeness=completeness)
    assert pv.status is status
    assert pv.score.text() == score
    assert pv.exit_code is exit_code_for(status)
    assert plan_status(pv.plans[0], completeness) is status
    if status is not S.PASSED:
        assert pv.status is not S.PASSED  # never a pass by accident: nothing-to-check in particular


def test_exit_codes() -> None:
    assert [exit_code_for(s) for s in S] == [
        ExitCode.OK,
        ExitCode.FAILED,
        ExitCode.HUMAN_NEEDED,
        ExitCode.NOTHING_TO_CHECK,
    ]
    assert [int(exit_code_for(s)) for s in S] == [0, 1, 4, 5]


def test_score_sums_categories_across_plans() -> None:
    p1 = plan(
        "26-04",
        truths=[truth("a"), truth("b", TruthStatus.FAILED), truth("c", TruthStatus.UNCERTAIN)],
        artifacts=[artifact("x"), artifact("y", ArtifactStatus.MISSING)],
        commands=[cmd("t1"), cmd("t2", CommandStatus.FAILED), cmd("t3", CommandStatus.SKIPPED)],
    )
    p2 = plan(
        "26-06",
        truths=[truth("d", judged=True, source=TruthSource.AGENT)],
        links=[link("a", "b"), link("c", "d", LinkStatus.PARTIAL)],
    )
    s = build([p1, p2]).score
    assert (s.truths.text(), s.artifacts.text(), s.links.text(), s.commands.text()) == (
        "1/4",
        "1/2",
        "1/2",
        "1/2",
    )
    assert (s.verified, s.total, s.judged) == (3, 8, 1)
    assert s.text() == "3/8 must-haves verified"
    assert s.percent() == "37.5%"


def test_gaps_one_per_failing_item_with_evidence() -> None:
    p = plan(
        truths=[
            truth(
                "Tests can create User objects",
                TruthStatus.PARTIAL,
                reason="2 of 3 files pass",
                evidence=[
                    ev("tests/test_a.py", 42, "assert user.email"),
                    ev(None, None, "19 errors"),
                ],
            ),
            truth("All good"),
        ],
        artifacts=[
            artifact(
                "backend/saas/models.py", ArtifactStatus.MISSING, provides="Fixed relationship"
            )
        ],
        links=[
            link(
                "tests/t.py", "User", LinkStatus.NOT_WIRED, pattern="import User", reason="no match"
            )
        ],
        commands=[cmd("pytest -q", CommandStatus.FAILED, fail_lines=["FAIL: 3 broken"])],
    )
    gaps = build([p], completeness=[bad_commit]).gaps
    assert [g.kind for g in gaps] == [
        GapKind.TRUTH,
        GapKind.ARTIFACT,
        GapKind.LINK,
        GapKind.COMMAND,
        GapKind.COMPLETENESS,
    ]
    t, a, lk, c, k = gaps
    assert (t.truth, t.status, t.reason) == (
        "Tests can create User objects",
        "partial",
        "2 of 3 files pass; 19 errors",
    )
    assert [(x.path, x.issue) for x in t.artifacts] == [
        ("tests/test_a.py", "line 42: assert user.email")
    ]
    assert a.truth == "Artifact `backend/saas/models.py` provides Fixed relationship"
    assert (a.status, a.missing) == ("failed", ["backend/saas/models.py (file does not exist)"])
    assert [(x.path, x.issue) for x in a.artifacts] == [
        ("backend/saas/models.py", "file does not exist")
    ]
    assert lk.truth == "Key link `tests/t.py` → `User`"
    assert (lk.status, lk.reason, lk.missing) == (
        "failed",
        "NOT_WIRED: no match",
        ["`import User` in tests/t.py"],
    )
    assert (c.truth, c.reason) == ("Command `pytest -q` passes", "failed (exit 1); FAIL: 3 broken")
    assert (k.truth, k.reason) == (
        "Commit abc1234 cited in the 26-04 SUMMARY exists in git",
        "commit abc1234 not found in git",
    )
    assert [(x.path, x.issue) for x in k.artifacts] == [
        ("26-04-SUMMARY.md", "commit abc1234 not found in git")
    ]
    assert {g.plan for g in gaps} == {"26-04"}


def test_link_partial_and_stub_are_partial_gaps() -> None:
    p = plan(
        artifacts=[
            artifact(
                "a.py",
                ArtifactStatus.STUB,
                markers=[MarkerHit(file="a.py", line=3, marker="TODO", text="# TODO")],
            )
        ],
        links=[link("a.py", "b.py", LinkStatus.PARTIAL, reason="pattern found only in b.py")],
    )
    stub, partial = build([p]).gaps
    assert (stub.status, stub.missing) == (
        "partial",
        ["substantive implementation in a.py (stub markers at line(s) 3)"],
    )
    assert (partial.status, partial.reason) == ("partial", "PARTIAL: pattern found only in b.py")


def test_human_items_from_every_source_deduplicated() -> None:
    p = plan(
        truths=[
            truth("UI feels fast", TruthStatus.UNCERTAIN),
            truth("ui feels fast.", TruthStatus.UNCERTAIN),
            truth(
                "Docs are clear", judged=True, source=TruthSource.AGENT, reason="README reads well"
            ),
        ],
        human=[HumanCheck(test="Open the dashboard", expected="Charts render", why_human="visual")],
        prose_must_haves=["Team agrees on naming"],
        commands=[cmd("npm run build", expectations=unchecked())],
    )
    items = build([p]).human_verification
    assert [h.test for h in items] == [
        "UI feels fast",
        "Docs are clear",
        "Open the dashboard",
        "Team agrees on naming",
        "Check the output of `npm run build`",
    ]
    assert items[0].why_human == "no command, task result, artifact or link gives evidence for it"
    assert (
        items[1].why_human
        == "judged by an agent (README reads well); an agent's judgement is not evidence"
    )
    assert (items[2].expected, items[2].why_human) == ("Charts render", "visual")
    assert items[4].expected == "the page looks right"


def test_anti_patterns_collected_deduplicated_blockers_first() -> None:
    m1 = MarkerHit(file="b.py", line=2, marker="TODO", text="# TODO")
    m2 = MarkerHit(
        file="a.py",
        line=9,
        marker="NotImplementedError",
        text="raise NotImplementedError",
        severity="blocker",
    )
    p1 = plan(
        "26-04",
        artifacts=[
            artifact("b.py", markers=[m1]),
            artifact("a.py", ArtifactStatus.STUB, markers=[m2]),
        ],
    )
    p2 = plan("26-06", artifacts=[artifact("b.py", markers=[m1])])
    assert [(m.file, m.line) for m in build([p1, p2]).anti_patterns] == [("a.py", 9), ("b.py", 2)]


def test_phase_fields_and_timestamp() -> None:
    pv = build([plan(**GOOD)], phase="02.1-hotfix", phase_name=None, goal=None)
    assert (pv.phase, pv.phase_number, pv.phase_name, pv.goal, pv.verified_at) == (
        "02.1-hotfix",
        "02.1",
        "Hotfix",
        None,
        T0,
    )
    assert pv.re_verification is None
    fresh = build([plan(**GOOD)], verified_at=None)
    assert len(fresh.verified_at) == 20 and fresh.verified_at.endswith("Z")


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("26-ci-cd-fixes", ("26", "Ci Cd Fixes")),
        ("02.1-hotfix", ("02.1", "Hotfix")),
        ("12", ("12", "")),
        ("CK-01", ("CK-01", "CK-01")),
    ],
)
def test_split_phase(phase: str, expected: tuple[str, str]) -> None:
    assert split_phase(phase) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tests pass.", "tests pass"),
        ("  `load()` works  ", "load() works"),
        ("Two\n  lines", "two lines"),
        ('"Quoted"', "quoted"),
    ],
)
def test_normalize_text(a: str, b: str) -> None:
    assert normalize_text(a) == b


def test_task_gaps_and_no_command_listed_twice() -> None:
    from planner.results import TaskCheck

    failing = cmd("pytest tests/test_a.py -q", CommandStatus.FAILED, reason="exit 1")
    cited = truth(
        "A works",
        TruthStatus.FAILED,
        reason="verify command exit 1",
        evidence=[ev(None, None, "`pytest tests/test_a.py -q`: failed, exit 1")],
    )
    task_cmd = cmd(
        "pytest tests/test_b.py -q",
        CommandStatus.FAILED,
        reason="exit 1",
        output_tail="1 failed in 0.12s\n",
    )
    p = plan(
        truths=[cited],
        commands=[failing],
        tasks=[
            TaskCheck(index=2, name="Fix B", commands=[cmd("true"), task_cmd]),
            TaskCheck(index=3, name="Fix A", commands=[failing]),  # cited by the truth gap
        ],
    )
    pv = build([p])
    assert [(g.kind.value, g.truth) for g in pv.gaps] == [
        ("truth", "A works"),
        ("task", "Task 2 of 26-04 (Fix B): verification passes"),
    ]
    assert pv.gaps[1].reason == (
        "verification failed: 1 of 2 commands did not pass: `pytest tests/test_b.py -q`: "
        "failed (exit 1); output ends: 1 failed in 0.12s"
    )
    assert pv.gaps[1].identity == "task:26-04#2"
    # Task commands count as commands run.
    assert pv.score.commands.text() == "1/4"
