"""Phase-level verification result: the rules that turn per-plan checks into a verdict.

Rules (DESIGN section 5), decided here once and used by every renderer:

- A **gap** is any must-have that is not met (truth FAILED/PARTIAL, artifact MISSING/STUB/FAILED,
  link PARTIAL/NOT_WIRED/UNRESOLVED), any command that did not pass (failed, timed out, could not
  run, interrupted, or an expectation of a checkable form was unmet), any task whose verify
  commands verify ran and one did not pass (one gap per task, with the failing commands as
  evidence); a command cited as evidence by a truth gap is not listed again; every *blocking*
  completeness finding (by default all of them: a plan without a SUMMARY, a file the SUMMARY names
  that does not exist, a commit it cites that git does not have: each is a claim of work that gsd
  cannot find), and every error diagnostic on a plan (something the plan declares could not be
  checked at all, so it cannot be counted as met).
- **human_needed** when there is no gap but a person must look: an UNCERTAIN truth, a checkpoint or
  other human check, a prose must-have, an expectation gsd cannot check, or a truth that only an
  agent judged as passing (an agent's word is never evidence, so a judged pass needs a person's
  confirmation; a judged failure is a gap like any other).
- **nothing_to_check** when there is no gap, no checkable must-have and no command that ran:
  never `passed`, whatever human items exist.
- **passed** otherwise.

Score: `N/M must-haves verified` over truths + artifacts + key links. N counts truths PASSED by a
check or an override (not judged ones), artifacts VERIFIED and links WIRED. Commands (plan, truth and
task commands) are counted separately (passed / ran; skipped commands did not run).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import field
from datetime import UTC, datetime
from enum import StrEnum

from planner.datamodel import DataModel, model
from planner.documents.models import HumanItem, Override, ReVerification, Verification
from planner.errors import Diagnostic, ExitCode
from planner.reports.phase_items import (
    CompletenessFinding,
    CompletenessKind,
    GapItem,
    GapKind,
    collect_gaps,
    collect_human,
    command_failed,
    command_ran,
    identity_artifact,
    identity_command,
    identity_completeness,
    identity_link,
    identity_task,
    identity_truth,
    is_judged,
    iter_gaps,
    normalize_ref,
    normalize_text,
    phrase_artifact,
    phrase_command,
    phrase_completeness,
    phrase_link,
    phrase_task,
    truth_verified,
)
from planner.reports.requirements import RequirementCoverage, RequirementInputs, coverage
from planner.results import ArtifactStatus, LinkStatus, MarkerHit, PlanCheckResult, TruthStatus

__all__ = [  # the item rules are re-exported: callers import everything from here
    "CompletenessFinding",
    "CompletenessKind",
    "GapItem",
    "GapKind",
    "PhaseVerification",
    "ReVerificationResult",
    "Score",
    "Tally",
    "VerificationStatus",
    "build_phase_verification",
    "collect_anti_patterns",
    "collect_gaps",
    "collect_human",
    "command_failed",
    "command_ran",
    "compute_score",
    "decide_status",
    "exit_code_for",
    "identity_artifact",
    "identity_command",
    "identity_completeness",
    "identity_link",
    "identity_task",
    "identity_truth",
    "is_judged",
    "normalize_ref",
    "normalize_text",
    "phrase_artifact",
    "phrase_command",
    "phrase_completeness",
    "phrase_link",
    "phrase_task",
    "plan_status",
    "split_phase",
    "truth_verified",
    "utc_now_iso",
]


class VerificationStatus(StrEnum):
    PASSED = "passed"
    GAPS_FOUND = "gaps_found"
    HUMAN_NEEDED = "human_needed"
    NOTHING_TO_CHECK = "nothing_to_check"  # exit 5; never a pass


_EXIT = {
    VerificationStatus.PASSED: ExitCode.OK,
    VerificationStatus.GAPS_FOUND: ExitCode.FAILED,
    VerificationStatus.HUMAN_NEEDED: ExitCode.HUMAN_NEEDED,
    VerificationStatus.NOTHING_TO_CHECK: ExitCode.NOTHING_TO_CHECK,
}


def exit_code_for(status: VerificationStatus) -> ExitCode:
    return _EXIT[status]


@model
class Tally(DataModel):
    verified: int = 0
    total: int = 0

    def text(self) -> str:
        return f"{self.verified}/{self.total}"


@model
class Score(DataModel):
    truths: Tally = field(default_factory=Tally)
    artifacts: Tally = field(default_factory=Tally)
    links: Tally = field(default_factory=Tally)
    commands: Tally = field(default_factory=Tally)  # passed / ran: not a must-have
    judged: int = 0  # truths an agent judged as passing: shown, not counted as verified

    @property
    def verified(self) -> int:
        return self.truths.verified + self.artifacts.verified + self.links.verified

    @property
    def total(self) -> int:
        return self.truths.total + self.artifacts.total + self.links.total

    def text(self) -> str:
        return f"{self.verified}/{self.total} must-haves verified"

    def percent(self) -> str:
        return f"{100 * self.verified / self.total:.1f}%" if self.total else "n/a"


@model
class ReVerificationResult(ReVerification):
    # Previous gaps whose must-have is no longer checked (removed from the plans, or a command not
    # run this time): not closed, because nothing showed they pass.
    gaps_dropped: list[str] = field(default_factory=list)


@model
class PhaseVerification(DataModel):
    phase: str  # frontmatter value: the phase folder name, "26-ci-cd-fixes"
    phase_number: str  # "26"
    phase_name: str  # "CI/CD Fixes"
    goal: str | None = None
    verified_at: str  # ISO 8601 UTC, seconds: "2026-02-18T21:30:00Z"
    plans: list[PlanCheckResult] = field(default_factory=list)
    completeness: list[CompletenessFinding] = field(default_factory=list)
    requirements: list[RequirementCoverage] = field(default_factory=list)
    anti_patterns: list[MarkerHit] = field(default_factory=list)
    status: VerificationStatus
    score: Score
    re_verification: ReVerificationResult | None = None
    overrides: list[Override] = field(default_factory=list)
    gaps: list[GapItem] = field(default_factory=list)
    human_verification: list[HumanItem] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    gsd_version: str = ""

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(self.status)


def compute_score(plans: Sequence[PlanCheckResult]) -> Score:
    s = Score()
    for p in plans:
        s.truths.total += len(p.truths)
        s.truths.verified += sum(truth_verified(t) for t in p.truths)
        s.judged += sum(t.status is TruthStatus.PASSED and is_judged(t) for t in p.truths)
        s.artifacts.total += len(p.artifacts)
        s.artifacts.verified += sum(a.status is ArtifactStatus.VERIFIED for a in p.artifacts)
        s.links.total += len(p.links)
        s.links.verified += sum(lk.status is LinkStatus.WIRED for lk in p.links)
        ran = [
            c for c in [*p.commands, *(c for t in p.tasks for c in t.commands)] if command_ran(c)
        ]
        s.commands.total += len(ran)
        s.commands.verified += sum(not command_failed(c) for c in ran)
    return s


def decide_status(
    score: Score, gaps: Sequence[object], human: Sequence[object]
) -> VerificationStatus:
    if gaps:
        return VerificationStatus.GAPS_FOUND
    if score.total == 0 and score.commands.total == 0:
        return VerificationStatus.NOTHING_TO_CHECK
    if human:
        return VerificationStatus.HUMAN_NEEDED
    return VerificationStatus.PASSED


def plan_status(
    result: PlanCheckResult, completeness: Sequence[CompletenessFinding] = ()
) -> VerificationStatus:
    """The same rules for one plan (terminal lines, `verify plan`). Whether it has a gap decides
    first: only the first is built, and the items for a person only when there is none."""
    mine = [f for f in completeness if f.plan == result.plan_id]
    first_gap = next(iter_gaps([result], mine), None)
    if first_gap is not None:
        return decide_status(compute_score([result]), [first_gap], [])
    return decide_status(compute_score([result]), [], collect_human([result]))


# ---------------------------------------------------------------------------------------------
# Building the phase result


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(value: str | datetime | None) -> str:
    if value is None:
        return utc_now_iso()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


_PHASE_NUM = re.compile(r"^(\d+(?:\.\d+)*)(?:-(.*))?$")


def split_phase(phase: str) -> tuple[str, str]:
    """`26-ci-cd-fixes` -> ("26", "Ci Cd Fixes"); the caller's ROADMAP name is better when it has one."""
    m = _PHASE_NUM.match(phase.strip())
    if not m:
        return phase, phase
    words = (m.group(2) or "").replace("_", "-").split("-")
    return m.group(1), " ".join(w.capitalize() for w in words if w)


def collect_anti_patterns(plans: Sequence[PlanCheckResult]) -> list[MarkerHit]:
    seen: dict[tuple[str, int, str], MarkerHit] = {}
    for p in plans:
        for a in p.artifacts:
            for m in a.markers:
                seen.setdefault((m.file, m.line, m.marker), m)
    return sorted(seen.values(), key=lambda m: (m.severity != "blocker", m.file, m.line))


def build_phase_verification(
    *,
    phase: str,
    plans: Sequence[PlanCheckResult],
    phase_number: str | None = None,
    phase_name: str | None = None,
    goal: str | None = None,
    completeness: Sequence[CompletenessFinding] = (),
    previous: Verification | None = None,
    overrides: Sequence[Override] = (),
    verified_at: str | datetime | None = None,
    gsd_version: str | None = None,
    diagnostics: Sequence[Diagnostic] = (),
    requirements: RequirementInputs | None = None,
) -> PhaseVerification:
    """Apply the rules above. `previous` (the report being replaced) adds re_verification and its
    overrides; `overrides` are new ones from the caller (they win over previous ones)."""
    from planner import __version__
    from planner.reports.reverify import compare_with_previous, merge_overrides

    number, name = split_phase(phase)
    plan_list = list(plans)
    findings = list(completeness)
    score = compute_score(plan_list)
    gaps = collect_gaps(plan_list, findings)
    human = collect_human(plan_list)
    diags = list(diagnostics)
    covered = coverage(requirements, plan_list, gaps) if requirements else []
    re_ver = None
    if previous is not None:
        re_ver, more = compare_with_previous(plan_list, gaps, previous)
        diags.extend(more)
    return PhaseVerification(
        phase=phase,
        phase_number=phase_number or number,
        phase_name=phase_name or name,
        goal=goal,
        verified_at=_iso(verified_at),
        plans=plan_list,
        completeness=findings,
        requirements=covered,
        anti_patterns=collect_anti_patterns(plan_list),
        status=decide_status(score, gaps, human),
        score=score,
        re_verification=re_ver,
        overrides=merge_overrides(previous.overrides if previous else [], list(overrides)),
        gaps=gaps,
        human_verification=human,
        diagnostics=diags,
        gsd_version=gsd_version or __version__,
    )
