"""Terminal lines as (text, style) parts, checked table-driven; rich only paints them."""

from __future__ import annotations

import io

import pytest
from reports_factories import artifact, build, cmd, ev, link, plan, truth

from planner.reports.phase import CompletenessFinding, CompletenessKind, PhaseVerification
from planner.reports.terminal import (
    Line,
    phase_lines,
    plain_text,
    plan_lines,
    render_rich,
    verdict_line,
)
from planner.results import (
    ArtifactStatus,
    CommandStatus,
    HumanCheck,
    LinkStatus,
    TruthSource,
    TruthStatus,
)

F, P, U = TruthStatus.FAILED, TruthStatus.PASSED, TruthStatus.UNCERTAIN


def seven_of_seventeen() -> PhaseVerification:
    """truths 1/8 (3 failing, 4 uncertain), artifacts 2/4, links 4/5: 7/17, as in the brief's example."""
    truths = (
        [truth("t0", P)]
        + [truth(f"f{i}", F) for i in range(3)]
        + [truth(f"u{i}", U) for i in range(4)]
    )
    arts = [
        artifact("a0.py"),
        artifact("a1.py"),
        artifact("m0.py", ArtifactStatus.MISSING),
        artifact("m1.py", ArtifactStatus.STUB),
    ]
    links = [link(f"l{i}.py", "x.py") for i in range(4)] + [
        link("n.py", "x.py", LinkStatus.NOT_WIRED)
    ]
    return build([plan(truths=truths, artifacts=arts, links=links)])


VERDICTS: list[tuple[str, PhaseVerification, Line]] = [
    (
        "gaps",
        seven_of_seventeen(),
        [
            (
                "gaps found: 7/17 must-haves verified (3 truths, 2 artifacts, 1 link failing)",
                "bold red",
            )
        ],
    ),
    (
        "gaps with commands and completeness",
        build(
            [
                plan(
                    truths=[truth("a")],
                    commands=[cmd("x", CommandStatus.FAILED), cmd("y", CommandStatus.TIMED_OUT)],
                )
            ],
            completeness=[
                CompletenessFinding(
                    kind=CompletenessKind.MISSING_SUMMARY, plan="26-04", detail="no SUMMARY"
                )
            ],
        ),
        [
            (
                "gaps found: 1/1 must-haves verified (2 commands, 1 completeness finding failing)",
                "bold red",
            )
        ],
    ),
    (
        "passed",
        build([plan(truths=[truth("a")], commands=[cmd("x")])]),
        [("passed: 1/1 must-haves verified, 1/1 commands passed", "bold green")],
    ),
    (
        "human",
        build([plan(truths=[truth("a"), truth("b", U)], human=[HumanCheck(test="look")])]),
        [
            (
                "human verification needed: 1/2 must-haves verified, 2 items for a person",
                "bold yellow",
            )
        ],
    ),
    (
        "nothing",
        build([plan()]),
        [
            (
                "nothing to check: no checkable must-haves and no commands ran (not a pass)",
                "bold yellow",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("pv", "expected"), [v[1:] for v in VERDICTS], ids=[v[0] for v in VERDICTS]
)
def test_verdict_line(pv: PhaseVerification, expected: Line) -> None:
    assert verdict_line(pv) == expected


def test_plan_line_parts() -> None:
    p = plan(
        truths=[
            truth("a"),
            truth("b", F, reason="exit 1", evidence=[ev("tests/t.py", 12, "assert x")]),
            truth("c", U),
            truth("d", judged=True, source=TruthSource.AGENT),
        ],
        artifacts=[artifact("a.py"), artifact("b.py"), artifact("c.py", ArtifactStatus.MISSING)],
        links=[link("a.py", "b.py")],
        commands=[
            cmd("ok1"),
            cmd("ok2"),
            cmd("ok3"),
            cmd("bad", CommandStatus.FAILED, fail_lines=["FAIL: x"]),
            cmd("gone", CommandStatus.ERROR, exit_code=127),
        ],
    )
    lines = plan_lines(p)
    assert lines[0] == [
        ("26-04", "bold"),
        ("  ", ""),
        ("✗ gaps", "red"),
        ("  ", ""),
        ("truths 1/4", "red"),
        ("  ", ""),
        ("artifacts 2/3", "red"),
        ("  ", ""),
        ("links 1/1", "green"),
        ("  ", ""),
        ("commands 3/5", "red"),
    ]
    assert plain_text(lines[1:]).splitlines() == [
        "    ✗ truth b: exit 1",
        "        tests/t.py:12: assert x",
        "    ? truth c: needs a person",
        "    ? truth d: needs a person",
        "    ✗ artifact c.py: MISSING",
        "    ✗ command bad: failed (exit 1)",
        "        FAIL: x",
        "    ✗ command gone: error (exit 127)",
    ]
    assert lines[1] == [("    ✗ ", "red"), ("truth ", "dim"), ("b", ""), (": exit 1", "dim")]
    assert lines[2] == [("        tests/t.py:12: assert x", "dim")]


@pytest.mark.parametrize(
    ("fields", "badge"),
    [
        ({"truths": [truth("a")]}, ("✓ passed", "green")),
        ({"truths": [truth("a", U)]}, ("? human", "yellow")),
        ({}, ("∅ nothing to check", "yellow")),
        ({"links": [link("a", "b", LinkStatus.PARTIAL)]}, ("✗ gaps", "red")),
    ],
)
def test_plan_badges(fields: dict[str, object], badge: tuple[str, str]) -> None:
    assert plan_lines(plan(**fields))[0][2] == badge  # type: ignore[arg-type]


def test_empty_category_is_dim() -> None:
    assert plan_lines(plan(truths=[truth("a")]))[0][6] == ("artifacts 0/0", "dim")


def test_phase_lines_and_rich_rendering() -> None:
    from rich.console import Console

    pv = build(
        [plan("26-04", truths=[truth("a")]), plan("26-06", truths=[truth("b", F)])],
        completeness=[
            CompletenessFinding(
                kind=CompletenessKind.MISSING_SUMMARY, plan="26-07", detail="no 26-07-SUMMARY.md"
            )
        ],
    )
    lines = phase_lines(pv)
    text = plain_text(lines)
    assert text.splitlines()[0].startswith("26-04  ✓ passed  truths 1/1")
    assert "26-06  ✗ gaps  truths 0/1" in text
    assert "26-07  ✗ no 26-07-SUMMARY.md" in text
    assert lines[-1] == verdict_line(pv)
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200, color_system=None)
    render_rich(lines, console)
    assert out.getvalue() == text + "\n"
