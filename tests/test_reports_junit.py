"""JUnit XML: structure CI systems read, parsed back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from reports_factories import artifact, build, cmd, ev, link, plan, truth

from planner.reports.junit import (
    CaseOutcome,
    JUnitCase,
    JUnitSuite,
    execute_suites,
    junit_xml,
    verification_suites,
    write_junit,
)
from planner.reports.phase import CompletenessFinding, CompletenessKind
from planner.results import (
    ArtifactStatus,
    CommandStatus,
    ExpectationResult,
    ExpectationStatus,
    LinkStatus,
    TruthSource,
    TruthStatus,
)


def parse(xml: str) -> ET.Element:
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(xml.encode("utf-8"))


def test_verify_suites_one_case_per_must_have_and_command() -> None:
    p1 = plan(
        "26-04",
        truths=[
            truth("A holds"),
            truth(
                "B holds", TruthStatus.FAILED, reason="exit 1", evidence=[ev("t.py", 3, "assert b")]
            ),
            truth("C holds", TruthStatus.UNCERTAIN),
            truth("D holds", judged=True, source=TruthSource.AGENT),
        ],
        artifacts=[artifact("src/a.py"), artifact("src/b.py", ArtifactStatus.MISSING)],
        links=[
            link("a.py", "b.py"),
            link("c.py", "d.py", LinkStatus.NOT_WIRED, reason="no import"),
        ],
        commands=[
            cmd("pytest -q", duration=1.25, output_head="4 passed"),
            cmd(
                "sleep 99",
                CommandStatus.TIMED_OUT,
                exit_code=None,
                duration=0.5,
                reason="timed out after 0.5 s",
            ),
            cmd("make", CommandStatus.SKIPPED, exit_code=None),
        ],
    )
    p2 = plan(
        "26-06",
        commands=[
            cmd(
                "pytest x",
                expectations=[ExpectationResult(text="5 passed", status=ExpectationStatus.UNMET)],
            )
        ],
    )
    bad = CompletenessFinding(
        kind=CompletenessKind.UNKNOWN_COMMIT,
        plan="26-04",
        subject="abc",
        detail="commit abc not found in git",
    )
    root = parse(junit_xml(verification_suites(build([p1, p2], completeness=[bad]))))
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "13",
        "failures": "5",
        "errors": "1",
        "skipped": "3",
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["26-04", "26-06", "phase-26-completeness"]
    cases = suites[0].findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("gsd.26-04.truths", "A holds"),
        ("gsd.26-04.truths", "B holds"),
        ("gsd.26-04.truths", "C holds"),
        ("gsd.26-04.truths", "D holds"),
        ("gsd.26-04.artifacts", "src/a.py"),
        ("gsd.26-04.artifacts", "src/b.py"),
        ("gsd.26-04.links", "a.py -> b.py"),
        ("gsd.26-04.links", "c.py -> d.py"),
        ("gsd.26-04.commands", "pytest -q"),
        ("gsd.26-04.commands", "sleep 99"),
        ("gsd.26-04.commands", "make"),
    ]
    outcome = [next((ch.tag for ch in c if ch.tag != "system-out"), "passed") for c in cases]
    assert outcome == [
        "passed",
        "failure",
        "skipped",
        "skipped",
        "passed",
        "failure",
        "passed",
        "failure",
        "passed",
        "error",
        "skipped",
    ]
    b = cases[1].find("failure")
    assert b is not None and (b.get("message"), b.text) == ("FAILED: exit 1", "t.py:3: assert b")
    assert cases[3].find("skipped").get("message") == "judged by agent, needs confirmation"  # type: ignore[union-attr]
    assert cases[8].get("time") == "1.250" and cases[8].findtext("system-out") == "4 passed"
    assert cases[9].find("error").get("message") == "timed out after 0.5 s"  # type: ignore[union-attr]
    assert suites[0].get("time") == "1.750" and suites[0].get("timestamp") == "2026-02-18T21:30:00Z"
    unmet = suites[1].find("testcase/failure")
    assert unmet is not None and unmet.text == "expected '5 passed': unmet"


def test_escaping_and_control_characters() -> None:
    nasty = "a <b> & \"c\" 'd' \x00\x1b[31mred\x1b[0m \x07bell ✓ \ud800"
    suite = JUnitSuite(
        name="s&<",
        cases=[
            JUnitCase(
                classname="k",
                name=nasty,
                outcome=CaseOutcome.FAILURE,
                message=nasty,
                text=nasty,
                system_out=nasty,
            )
        ],
    )
    root = parse(junit_xml([suite]))
    case = root.find("testsuite/testcase")
    assert case is not None
    clean = "a <b> & \"c\" 'd' [31mred[0m bell ✓ "
    assert case.get("name") == clean
    assert case.find("failure").get("message") == clean  # type: ignore[union-attr]
    assert case.findtext("failure") == clean and case.findtext("system-out") == clean
    assert root.find("testsuite").get("name") == "s&<"  # type: ignore[union-attr]


def test_execute_suites_and_writer(tmp_path: Path) -> None:
    suites = execute_suites(
        [
            ("26-04", [cmd("true"), cmd("false", CommandStatus.FAILED, output_tail="boom")]),
            ("26-06", [cmd("nope", CommandStatus.ERROR, exit_code=127)]),
        ]
    )
    path = tmp_path / "out" / "junit.xml"
    assert write_junit(path, suites) is True
    assert write_junit(path, suites) is False  # unchanged: not rewritten
    root = parse(path.read_text(encoding="utf-8"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    failure = root.find("testsuite/testcase[@name='false']/failure")
    assert failure is not None and (failure.get("message"), failure.text) == ("exit 1", "boom")


def test_empty_run_is_valid_xml() -> None:
    root = parse(junit_xml([]))
    assert (root.tag, root.get("tests"), list(root)) == ("testsuites", "0", [])
