"""JUnit XML for CI systems: testsuites > testsuite > testcase (classname, name, time) with
failure / error / skipped and system-out. Built with xml.etree, so escaping is the library's job;
characters XML 1.0 cannot carry (control characters, lone surrogates) are stripped first.

verify: one suite per plan, one case per truth, artifact, key link and command.
execute: one suite per plan, one case per command.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import field
from enum import StrEnum
from pathlib import Path

from planner.datamodel import DataModel, model
from planner.errors import GsdError
from planner.fsutil import atomic_write_text
from planner.reports.phase import PhaseVerification, command_failed, is_judged, truth_verified
from planner.results import (
    ArtifactStatus,
    CommandResult,
    CommandStatus,
    Evidence,
    LinkStatus,
    PlanCheckResult,
    TruthStatus,
)

CODES = {"GSD730": "cannot write the JUnit XML file"}

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class CaseOutcome(StrEnum):
    PASSED = "passed"
    FAILURE = "failure"  # the check ran and found the must-have unmet
    ERROR = "error"  # the check could not run properly (timeout, command not found)
    SKIPPED = "skipped"  # not checked (needs a person, not run)


@model
class JUnitCase(DataModel):
    classname: str
    name: str
    time: float = 0.0
    outcome: CaseOutcome = CaseOutcome.PASSED
    message: str = ""
    text: str = ""  # failure/error body
    system_out: str = ""


@model
class JUnitSuite(DataModel):
    name: str
    cases: list[JUnitCase] = field(default_factory=list)
    timestamp: str | None = None


def xml_safe(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


def _count(cases: Sequence[JUnitCase], outcome: CaseOutcome) -> str:
    return str(sum(c.outcome is outcome for c in cases))


def _totals(el: ET.Element, cases: Sequence[JUnitCase]) -> None:
    el.set("tests", str(len(cases)))
    el.set("failures", _count(cases, CaseOutcome.FAILURE))
    el.set("errors", _count(cases, CaseOutcome.ERROR))
    el.set("skipped", _count(cases, CaseOutcome.SKIPPED))
    el.set("time", f"{sum(c.time for c in cases):.3f}")


def junit_xml(suites: Sequence[JUnitSuite], name: str = "gsd") -> str:
    root = ET.Element("testsuites", name=xml_safe(name))
    _totals(root, [c for s in suites for c in s.cases])
    for suite in suites:
        el = ET.SubElement(root, "testsuite", name=xml_safe(suite.name))
        _totals(el, suite.cases)
        if suite.timestamp:
            el.set("timestamp", xml_safe(suite.timestamp))
        for case in suite.cases:
            tc = ET.SubElement(
                el,
                "testcase",
                classname=xml_safe(case.classname),
                name=xml_safe(case.name),
                time=f"{case.time:.3f}",
            )
            if case.outcome is not CaseOutcome.PASSED:
                child = ET.SubElement(tc, case.outcome.value, message=xml_safe(case.message))
                if case.text:
                    child.text = xml_safe(case.text)
            if case.system_out:
                ET.SubElement(tc, "system-out").text = xml_safe(case.system_out)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: Path, suites: Sequence[JUnitSuite], name: str = "gsd") -> bool:
    try:
        return atomic_write_text(Path(path), junit_xml(suites, name))
    except OSError as exc:
        raise GsdError(
            f"{CODES['GSD730']}: {exc.strerror or exc}",
            code="GSD730",
            file=str(path),
            hint="check that the folder exists and is writable",
        ) from exc


# ---------------------------------------------------------------------------------------------
# Builders


def command_case(c: CommandResult, classname: str) -> JUnitCase:
    out = c.output
    if c.status is CommandStatus.SKIPPED:
        outcome, message = CaseOutcome.SKIPPED, c.reason or "not run"
    elif c.status in (CommandStatus.TIMED_OUT, CommandStatus.ERROR, CommandStatus.INTERRUPTED):
        outcome, message = CaseOutcome.ERROR, c.reason or c.status.value
    elif command_failed(c):
        outcome = CaseOutcome.FAILURE
        message = c.reason or (
            f"exit {c.exit_code}" if c.exit_code else "expectation unmet or FAIL line"
        )
    else:
        outcome, message = CaseOutcome.PASSED, ""
    body = "\n".join(
        [*c.fail_lines, *(f"expected {e.text!r}: {e.status.value}" for e in c.expectations)]
    )
    return JUnitCase(
        classname=classname,
        name=c.command,
        time=c.duration,
        outcome=outcome,
        message=message,
        text=body or (out[-2000:] if outcome is not CaseOutcome.PASSED else ""),
        system_out=out,
    )


def _ev(evidence: Sequence[Evidence]) -> str:
    return "\n".join(e.format() for e in evidence)


def plan_suite(result: PlanCheckResult, *, must_haves: bool = True) -> JUnitSuite:
    base = f"gsd.{result.plan_id}"
    cases: list[JUnitCase] = []
    if must_haves:
        for t in result.truths:
            if truth_verified(t):
                outcome, msg = CaseOutcome.PASSED, ""
            elif t.status in (TruthStatus.FAILED, TruthStatus.PARTIAL):
                outcome, msg = CaseOutcome.FAILURE, f"{t.status.value}: {t.reason}".rstrip(": ")
            else:  # uncertain, or only judged by an agent: not checked by gsd
                why = (
                    "judged by agent, needs confirmation"
                    if is_judged(t)
                    else "needs human verification"
                )
                outcome, msg = CaseOutcome.SKIPPED, why
            cases.append(
                JUnitCase(
                    classname=f"{base}.truths",
                    name=t.text,
                    outcome=outcome,
                    message=msg,
                    text=_ev(t.evidence) if outcome is CaseOutcome.FAILURE else "",
                )
            )
        for a in result.artifacts:
            ok = a.status is ArtifactStatus.VERIFIED
            cases.append(
                JUnitCase(
                    classname=f"{base}.artifacts",
                    name=a.path,
                    outcome=CaseOutcome.PASSED if ok else CaseOutcome.FAILURE,
                    message="" if ok else f"{a.status.value}: {a.reason}".rstrip(": "),
                    text="" if ok else _ev(a.evidence),
                )
            )
        for lk in result.links:
            ok = lk.status is LinkStatus.WIRED
            cases.append(
                JUnitCase(
                    classname=f"{base}.links",
                    name=lk.identity,
                    outcome=CaseOutcome.PASSED if ok else CaseOutcome.FAILURE,
                    message="" if ok else f"{lk.status.value}: {lk.reason}".rstrip(": "),
                    text="" if ok else _ev(lk.evidence),
                )
            )
    cases += [command_case(c, f"{base}.commands") for c in result.commands]
    return JUnitSuite(name=result.plan_id, cases=cases)


def verification_suites(pv: PhaseVerification) -> list[JUnitSuite]:
    suites = [plan_suite(p).model_copy(update={"timestamp": pv.verified_at}) for p in pv.plans]
    blocking = [f for f in pv.completeness if f.blocking]
    if blocking:
        suites.append(
            JUnitSuite(
                name=f"phase-{pv.phase_number}-completeness",
                timestamp=pv.verified_at,
                cases=[
                    JUnitCase(
                        classname=f"gsd.{f.plan}.completeness",
                        name=f.detail,
                        outcome=CaseOutcome.FAILURE,
                        message=f.kind.value,
                        text=f.evidence.format() if f.evidence else "",
                    )
                    for f in blocking
                ],
            )
        )
    return suites


def execute_suites(results: Sequence[tuple[str, Sequence[CommandResult]]]) -> list[JUnitSuite]:
    """For `gsd execute`: (plan id, its commands) -> one suite per plan, one case per command."""
    return [
        JUnitSuite(name=plan, cases=[command_case(c, f"gsd.{plan}.commands") for c in cmds])
        for plan, cmds in results
    ]
