"""Per-item rules of a phase verification: what makes a must-have, a command or a completeness
finding a gap (and how it is phrased in `gaps:`), what needs a person, and how an item is recognised
again in the next report (its identity). The phase-level verdict is in `planner.reports.phase`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import field
from enum import StrEnum

from planner.datamodel import DataModel, model
from planner.documents.lazyre import lazy_re
from planner.documents.models import GapArtifact, HumanItem
from planner.errors import Diagnostic, Severity
from planner.results import (
    ArtifactResult,
    ArtifactStatus,
    CommandResult,
    CommandStatus,
    Evidence,
    ExpectationStatus,
    LinkResult,
    LinkStatus,
    PlanCheckResult,
    TaskCheck,
    TruthResult,
    TruthSource,
    TruthStatus,
)


class CompletenessKind(StrEnum):
    MISSING_SUMMARY = "missing_summary"  # a plan in the phase has no SUMMARY.md
    MISSING_FILE = "missing_file"  # a file the SUMMARY names does not exist
    UNKNOWN_COMMIT = "unknown_commit"  # a commit hash the SUMMARY cites is not in git


@model
class CompletenessFinding(DataModel):
    kind: CompletenessKind
    plan: str  # plan id, "26-04"
    detail: str  # one line for a person: "commit abc1234 not found in git"
    evidence: Evidence | None = None  # where the claim is: SUMMARY file and line
    subject: str | None = None  # the file path or commit hash the finding is about
    blocking: bool = True  # False: listed, but not a gap (a caller's explicit choice)


class GapKind(StrEnum):
    TRUTH = "truth"
    ARTIFACT = "artifact"
    LINK = "link"
    COMMAND = "command"
    TASK = "task"
    COMPLETENESS = "completeness"
    DIAGNOSTIC = "diagnostic"


@model
class GapItem(DataModel):
    """One gap. The first five fields are the frontmatter entry (DESIGN section 1)."""

    truth: str
    status: str  # failed | partial
    reason: str
    artifacts: list[GapArtifact] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    kind: GapKind
    plan: str | None = None
    identity: str  # see `identity_*` below; how re-verification recognises it next time


# ---------------------------------------------------------------------------------------------
# Identity and phrasing: how a must-have is named in `gaps:` and recognised in the next report.

_WS = re.compile(r"\s+")
_MARKUP = re.compile(r"[`*]")


def normalize_text(text: str) -> str:
    """Identity of a truth: case, whitespace, markdown emphasis and a final period do not count."""
    text = unicodedata.normalize("NFKC", text)
    text = _WS.sub(" ", _MARKUP.sub("", text)).strip().strip("\"'").strip()
    return text.rstrip(".;,: ").casefold()


def normalize_ref(ref: str) -> str:
    ref = _WS.sub(" ", ref.replace("`", "")).strip()
    return ref.removeprefix("./")


def identity_truth(text: str) -> str:
    return "truth:" + normalize_text(text)


def identity_artifact(path: str) -> str:
    return "artifact:" + normalize_ref(path)


def identity_link(from_: str, to: str) -> str:
    return f"link:{normalize_ref(from_)} -> {normalize_ref(to)}"


def identity_command(command: str) -> str:
    return "command:" + _WS.sub(" ", command).strip()


def identity_task(plan: str, index: int) -> str:
    return f"task:{plan}#{index}"


def identity_completeness(phrase: str) -> str:
    return "completeness:" + normalize_text(phrase)


def phrase_artifact(a: ArtifactResult) -> str:
    return (
        f"Artifact `{a.path}` provides {a.provides}"
        if a.provides
        else f"Artifact `{a.path}` exists"
    )


def phrase_link(link: LinkResult) -> str:
    via = f" via {link.via}" if link.via else ""
    return f"Key link `{link.from_}` → `{link.to}`{via}"


def phrase_command(c: CommandResult) -> str:
    return f"Command `{_WS.sub(' ', c.command).strip()}` passes"


def phrase_task(plan: str, task: TaskCheck) -> str:
    name = _WS.sub(" ", task.name).strip()
    return f"Task {task.index} of {plan}" + (f" ({name})" if name else "") + ": verification passes"


def phrase_completeness(f: CompletenessFinding) -> str:
    subject = f.subject or f.detail
    if f.kind is CompletenessKind.MISSING_SUMMARY:
        return f"Plan {f.plan} has a SUMMARY"
    if f.kind is CompletenessKind.MISSING_FILE:
        return f"File `{subject}` named in the {f.plan} SUMMARY exists"
    return f"Commit {subject} cited in the {f.plan} SUMMARY exists in git"


# ---------------------------------------------------------------------------------------------
# Per-item verdicts

_ARTIFACT_GAP = {
    ArtifactStatus.MISSING: "failed",
    ArtifactStatus.FAILED: "failed",
    ArtifactStatus.STUB: "partial",
}
_LINK_GAP = {
    LinkStatus.PARTIAL: "partial",
    LinkStatus.NOT_WIRED: "failed",
    LinkStatus.UNRESOLVED: "failed",
}
_EXIT_ONLY = re.compile(r"exit(?: status| code)? -?\d+")
_FAIL_COUNT = lazy_re(r"\d+ output lines? starts? with FAIL")  # the FAIL lines say it better
_TRUTH_GAP = {TruthStatus.FAILED: "failed", TruthStatus.PARTIAL: "partial"}
_COMMAND_BAD = {
    CommandStatus.FAILED,
    CommandStatus.TIMED_OUT,
    CommandStatus.ERROR,
    CommandStatus.INTERRUPTED,
}


def truth_verified(t: TruthResult) -> bool:
    """Verified by a check or an override; a judged pass is not verified."""
    return t.status is TruthStatus.PASSED and not is_judged(t)


def is_judged(t: TruthResult) -> bool:
    return t.judged or t.source is TruthSource.AGENT


def command_failed(c: CommandResult) -> bool:
    if c.status in _COMMAND_BAD:
        return True
    return c.status is CommandStatus.PASSED and any(
        e.status is ExpectationStatus.UNMET for e in c.expectations
    )


def command_ran(c: CommandResult) -> bool:
    return c.status is not CommandStatus.SKIPPED


# ---------------------------------------------------------------------------------------------
# Gaps and human items


def _evidence_artifacts(evidence: Sequence[Evidence]) -> tuple[list[GapArtifact], list[str]]:
    """Located evidence becomes `artifacts: [{path, issue}]`; unlocated evidence joins the reason."""
    located: list[GapArtifact] = []
    loose: list[str] = []
    for ev in evidence:
        if ev.file:
            issue = f"line {ev.line}: {ev.text}" if ev.line else ev.text
            located.append(GapArtifact(path=ev.file, issue=issue or None))
        elif ev.text:
            loose.append(ev.text)
    return located, loose


def _reason(base: str, loose: Sequence[str]) -> str:
    parts = [base.strip()] if base.strip() else []
    parts.extend(x.strip() for x in loose if x.strip() and x.strip() not in parts)
    return "; ".join(parts)


def _truth_gap(t: TruthResult, plan: str) -> GapItem:
    located, loose = _evidence_artifacts(t.evidence)
    base = t.reason or f"truth is {t.status.value}"
    if is_judged(t):
        base = f"judged by agent: {base}"
    return GapItem(
        truth=t.text,
        status=_TRUTH_GAP[t.status],
        reason=_reason(base, loose),
        artifacts=located,
        kind=GapKind.TRUTH,
        plan=plan,
        identity=identity_truth(t.text),
    )


_ARTIFACT_DEFAULT = {
    ArtifactStatus.MISSING: "file does not exist",
    ArtifactStatus.STUB: "stub or placeholder content",
    ArtifactStatus.FAILED: "a declared check failed",
}


def _artifact_gap(a: ArtifactResult, plan: str) -> GapItem:
    issue = a.reason or _ARTIFACT_DEFAULT[a.status]
    located, loose = _evidence_artifacts(a.evidence)
    missing: list[str] = []
    if a.status is ArtifactStatus.MISSING:
        missing.append(f"{a.path} (file does not exist)")
    elif a.status is ArtifactStatus.STUB:
        lines = ", ".join(str(m.line) for m in a.markers[:10])
        missing.append(
            f"substantive implementation in {a.path}"
            + (f" (stub markers at line(s) {lines})" if lines else "")
        )
    return GapItem(
        truth=phrase_artifact(a),
        status=_ARTIFACT_GAP[a.status],
        reason=_reason(f"{a.status.value}: {issue}", loose),
        artifacts=[GapArtifact(path=a.path, issue=issue), *located],
        missing=missing,
        kind=GapKind.ARTIFACT,
        plan=plan,
        identity=identity_artifact(a.path),
    )


def _link_gap(lk: LinkResult, plan: str) -> GapItem:
    located, loose = _evidence_artifacts(lk.evidence)
    what = (
        f"`{lk.pattern}` in {lk.from_}" if lk.pattern else f"a reference to {lk.to} in {lk.from_}"
    )
    missing = [] if lk.status is LinkStatus.UNRESOLVED else [what]
    return GapItem(
        truth=phrase_link(lk),
        status=_LINK_GAP[lk.status],
        reason=_reason(f"{lk.status.value}: {lk.reason or 'not wired'}", loose),
        artifacts=located,
        missing=missing,
        kind=GapKind.LINK,
        plan=plan,
        identity=identity_link(lk.from_, lk.to),
    )


def _command_bits(c: CommandResult) -> list[str]:
    """Verdict, reason (less what the other bits say better), test counts, FAIL lines, unmet
    expectations; without FAIL lines, the output's last line: a failure always shows evidence."""
    head = c.status.value if c.exit_code is None else f"{c.status.value} (exit {c.exit_code})"
    bits = [head]
    if c.reason:
        # The head already says the exit code: "exit 1" in the reason would only repeat it.
        kept = [
            r
            for r in c.reason.split("; ")
            if r.strip()
            and not _EXIT_ONLY.fullmatch(r.strip())
            and not (c.fail_lines and _FAIL_COUNT().match(r.strip()))
        ]
        if kept:
            bits.append("; ".join(kept))
    if c.test_counts:
        tc = c.test_counts
        bits.append(f"{tc.runner}: {tc.passed} passed, {tc.failed} failed, {tc.errors} errors")
    bits.extend(ln for ln in c.fail_lines[:3] if not any(ln[:160] in b for b in bits))
    bits.extend(
        f"expected {e.text!r}: unmet"
        for e in c.expectations
        if e.status is ExpectationStatus.UNMET and not any(e.text in b for b in bits)
    )
    if not c.fail_lines:
        last = [ln.strip() for ln in (c.output_tail or c.output_head).splitlines() if ln.strip()]
        if last:
            bits.append(f"output ends: {last[-1][:200]}")
    return bits


def _command_gap(c: CommandResult, plan: str) -> GapItem:
    return GapItem(
        truth=phrase_command(c),
        status="failed",
        reason="; ".join(_command_bits(c)),
        kind=GapKind.COMMAND,
        plan=plan,
        identity=identity_command(c.command),
    )


def _task_gap(t: TaskCheck, plan: str) -> GapItem:
    bad = [c for c in t.commands if command_failed(c)]
    parts = [f"`{_WS.sub(' ', c.command).strip()}`: " + "; ".join(_command_bits(c)) for c in bad]
    return GapItem(
        truth=phrase_task(plan, t),
        status="failed",
        reason=f"verification failed: {len(bad)} of {len(t.commands)} commands did not pass: "
        + " | ".join(parts),
        missing=[f"task {t.index} verify command passes: `{c.command.strip()}`" for c in bad],
        kind=GapKind.TASK,
        plan=plan,
        identity=identity_task(plan, t.index),
    )


def _cited(c: CommandResult, truth_gaps: Sequence[TruthResult]) -> bool:
    """`c` is evidence for a truth gap already listed: its failure is not listed a second time."""
    needle = f"`{_WS.sub(' ', c.command).strip()}`"
    return any(needle in _WS.sub(" ", ev.text) for t in truth_gaps for ev in t.evidence)


def _completeness_gap(f: CompletenessFinding) -> GapItem:
    phrase = phrase_completeness(f)
    arts = (
        [GapArtifact(path=f.evidence.file, issue=f.detail)]
        if f.evidence and f.evidence.file
        else []
    )
    return GapItem(
        truth=phrase,
        status="failed",
        reason=f.detail,
        artifacts=arts,
        kind=GapKind.COMPLETENESS,
        plan=f.plan,
        identity=identity_completeness(phrase),
    )


def _diagnostic_gap(d: Diagnostic, p: PlanCheckResult) -> GapItem:
    where = f", line {d.line}" if d.line else ""
    phrase = f"Plan {p.plan_id} can be checked ({d.code}{where})"
    return GapItem(
        truth=phrase,
        status="failed",
        reason=d.format(),
        artifacts=[GapArtifact(path=d.file or p.path, issue=d.message)],
        kind=GapKind.DIAGNOSTIC,
        plan=p.plan_id,
        identity=identity_completeness(phrase),
    )


def collect_gaps(
    plans: Sequence[PlanCheckResult], completeness: Sequence[CompletenessFinding] = ()
) -> list[GapItem]:
    return list(iter_gaps(plans, completeness))


def iter_gaps(
    plans: Sequence[PlanCheckResult], completeness: Sequence[CompletenessFinding] = ()
) -> Iterator[GapItem]:
    """The gaps in report order, each built when asked for (whether there is one: the first)."""
    for p in plans:
        yield from (_truth_gap(t, p.plan_id) for t in p.truths if t.status in _TRUTH_GAP)
        yield from (_artifact_gap(a, p.plan_id) for a in p.artifacts if a.status in _ARTIFACT_GAP)
        yield from (_link_gap(lk, p.plan_id) for lk in p.links if lk.status in _LINK_GAP)
        failing_truths = [t for t in p.truths if t.status in _TRUTH_GAP]
        for task in p.tasks:
            bad = [c for c in task.commands if command_failed(c)]
            if bad and not all(_cited(c, failing_truths) for c in bad):
                yield _task_gap(task, p.plan_id)
        yield from (
            _command_gap(c, p.plan_id)
            for c in p.commands
            if command_failed(c) and not _cited(c, failing_truths)
        )
        yield from (_diagnostic_gap(d, p) for d in p.diagnostics if d.severity is Severity.ERROR)
    yield from (_completeness_gap(f) for f in completeness if f.blocking)


def collect_human(plans: Sequence[PlanCheckResult]) -> list[HumanItem]:
    items: dict[str, HumanItem] = {}

    def add(test: str, expected: str, why: str, key: str = "") -> None:
        items.setdefault(
            key or normalize_text(test), HumanItem(test=test, expected=expected, why_human=why)
        )

    for p in plans:
        for t in p.truths:
            if t.status is TruthStatus.UNCERTAIN:
                add(
                    t.text,
                    "The statement holds when checked by hand",
                    t.reason or "no command, task result, artifact or link gives evidence for it",
                )
            elif t.status is TruthStatus.PASSED and is_judged(t):
                add(
                    t.text,
                    "A person confirms the agent's judgement that this holds",
                    "judged by an agent"
                    + (f" ({t.reason})" if t.reason else "")
                    + "; an agent's judgement is not evidence",
                )
        for h in p.human:
            add(
                h.test,
                h.expected or "As the plan's checkpoint describes",
                h.why_human or f"checkpoint in plan {h.plan or p.plan_id}",
            )
        for text in p.prose_must_haves:
            add(
                text,
                "The statement holds when checked by hand",
                "written as prose in the plan's must_haves, not as a checkable entry",
            )
        for c in p.commands:
            if c.status is not CommandStatus.PASSED:
                continue
            for e in c.expectations:
                if e.status is ExpectationStatus.UNCHECKED:
                    add(
                        f"Check the output of `{c.command}`",
                        e.text,
                        "gsd cannot check this form of expectation automatically",
                        key=normalize_text(f"{c.command}\n{e.text}"),
                    )
    return list(items.values())
