"""Requirements Coverage: which requirement ids a phase's plans claim, and what the checks say.

A plan claims requirements in its frontmatter (`requirements: [CICD-01, ...]`); ROADMAP.md may
assign ids to the phase (`**Requirements**: CICD-01, CICD-02`); REQUIREMENTS.md gives their text
(`- [x] **CICD-01**: Fix ...`); a SUMMARY may say it completed them (`requirements-completed`).
A requirement's status comes only from the must-have results of the plans that claim it, never
from those claims:

- BLOCKED: a claiming plan has a gap (the gaps are the blocking issues);
- UNCLAIMED: the ROADMAP gives it to this phase and no plan claims it;
- NOT_CHECKED: the claiming plans have nothing checkable;
- NEEDS_HUMAN: no gap, but a claiming plan has items only a person can check;
- SATISFIED: every must-have of every claiming plan verified.

A SUMMARY that calls a requirement complete while it is not satisfied is named in the row: that
is the claim a reader must not take on trust.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from enum import StrEnum
from pathlib import Path

from planner.datamodel import DataModel, model
from planner.documents.lazyre import lazy_re
from planner.records import record
from planner.reports.phase_items import GapItem, collect_human, command_ran
from planner.results import PlanCheckResult
from planner.roadmap import REQUIREMENT_ID, REQUIREMENT_ID_PATTERN

# `- [x] **CICD-01**: text`, `- **CICD-01** — text`, `* [ ] CICD-01: text`
_ITEM = lazy_re(
    r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?(?:\*\*|__)?(?P<id>" + REQUIREMENT_ID_PATTERN + r")"
    r"(?:\*\*|__)?\s*(?::|—|–|-)?\s*(?:\*\*|__)?\s*(?P<text>.*?)\s*$"
)
MAX_BLOCKING = 3  # gaps named per row; the Gaps Summary has them all


class RequirementStatus(StrEnum):
    SATISFIED = "satisfied"
    NEEDS_HUMAN = "needs_human"
    NOT_CHECKED = "not_checked"
    UNCLAIMED = "unclaimed"
    BLOCKED = "blocked"


@model
class RequirementCoverage(DataModel):
    id: str
    text: str | None = None  # from REQUIREMENTS.md, when it has the id
    plans: list[str] = field(default_factory=list)  # plans of this phase that claim it
    status: RequirementStatus
    blocking: list[str] = field(default_factory=list)  # the gaps behind BLOCKED, first few
    more_blocking: int = 0  # gaps not named in `blocking`
    claimed_complete_by: list[str] = field(default_factory=list)  # SUMMARYs saying it is done

    @property
    def overclaimed(self) -> bool:
        """A SUMMARY calls it complete, and the checks do not show it satisfied."""
        return bool(self.claimed_complete_by) and self.status is not RequirementStatus.SATISFIED


def requirement_texts(planning: Path) -> dict[str, str]:
    """id -> text from `.planning/REQUIREMENTS.md` list items; empty when the file is absent."""
    try:
        text = (planning / "REQUIREMENTS.md").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return parse_requirement_texts(text)


def parse_requirement_texts(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = _ITEM().match(line)
        if m and m["text"] and m["id"] not in found:
            found[m["id"]] = m["text"].strip("*_ ").strip()
    return found


def requirement_ids(values: Sequence[str]) -> list[str]:
    """The ids in a `requirements:` list; entries that hold no id (prose) are kept as written."""
    out: list[str] = []
    for value in values:
        ids = REQUIREMENT_ID.findall(value) or [value.strip()]
        out += [i for i in ids if i and i not in out]
    return out


@record(frozen=True)
class RequirementInputs:
    """What coverage needs besides the check results (all keyed by plan id)."""

    claims: Mapping[str, Sequence[str]]  # each plan's `requirements:`
    phase_requirements: Sequence[str] = ()  # the ROADMAP's ids for the phase
    texts: Mapping[str, str] = field(default_factory=dict)  # REQUIREMENTS.md: id -> text
    completed: Mapping[str, Sequence[str]] = field(default_factory=dict)  # SUMMARY claims


def coverage(
    inputs: RequirementInputs, results: Sequence[PlanCheckResult], gaps: Sequence[GapItem]
) -> list[RequirementCoverage]:
    """One row per requirement, in the order the plans (then the ROADMAP) name them."""
    by_plan = {r.plan_id: r for r in results}
    order: list[str] = []
    claimants: dict[str, list[str]] = {}
    for plan_id, values in inputs.claims.items():
        for rid in requirement_ids(values):
            if rid not in claimants:
                order.append(rid)
                claimants[rid] = []
            claimants[rid].append(plan_id)
    order += [r for r in requirement_ids(inputs.phase_requirements) if r not in claimants]
    done = {plan: set(requirement_ids(ids)) for plan, ids in inputs.completed.items()}
    rows = []
    for rid in order:
        plans = claimants.get(rid, [])
        row = _row(rid, [by_plan[p] for p in plans if p in by_plan], gaps)
        row.plans = plans
        row.text = inputs.texts.get(rid)
        row.claimed_complete_by = [p for p in plans if rid in done.get(p, ())]
        rows.append(row)
    return rows


def _row(
    rid: str, results: Sequence[PlanCheckResult], gaps: Sequence[GapItem]
) -> RequirementCoverage:
    if not results:
        return RequirementCoverage(id=rid, status=RequirementStatus.UNCLAIMED)
    mine = {r.plan_id for r in results}
    blocking = [g.truth for g in gaps if g.plan in mine]
    if blocking:
        return RequirementCoverage(
            id=rid,
            status=RequirementStatus.BLOCKED,
            blocking=blocking[:MAX_BLOCKING],
            more_blocking=max(0, len(blocking) - MAX_BLOCKING),
        )
    checked = any(
        r.truths
        or r.artifacts
        or r.links
        or any(command_ran(c) for c in [*r.commands, *(c for t in r.tasks for c in t.commands)])
        for r in results
    )
    if not checked:
        return RequirementCoverage(id=rid, status=RequirementStatus.NOT_CHECKED)
    if collect_human(list(results)):
        return RequirementCoverage(id=rid, status=RequirementStatus.NEEDS_HUMAN)
    return RequirementCoverage(id=rid, status=RequirementStatus.SATISFIED)
