"""The status report as data: phase and plan states, progress, verification summaries.

`planner.status.compute_status` builds it; `planner.commands.status` renders it; `--json` is its
`model_dump`. Slotted dataclasses (planner.datamodel): `gsd status` never imports pydantic.
"""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from planner.datamodel import DataModel, model
from planner.errors import Diagnostic

BAR_WIDTH = 10


class PlanState(StrEnum):
    NOT_STARTED = "not_started"
    EXECUTED = "executed"  # the run ledger has task results, no SUMMARY yet
    SUMMARY_WRITTEN = "summary_written"
    VERIFIED = "verified"  # SUMMARY written and the phase verification passed


class PhaseState(StrEnum):
    NO_FOLDER = "no_folder"  # in ROADMAP.md only
    NOT_PLANNED = "not_planned"  # a folder without plans
    PLANNED = "planned"  # plans, none started
    IN_PROGRESS = "in_progress"
    EXECUTED = "executed"  # every plan has a SUMMARY, no verdict yet
    GAPS_FOUND = "gaps_found"
    HUMAN_NEEDED = "human_needed"
    VERIFIED = "verified"


class VerificationState(StrEnum):
    PASSED = "passed"
    GAPS_FOUND = "gaps_found"
    HUMAN_NEEDED = "human_needed"
    UNKNOWN = "unknown"  # unreadable, no frontmatter, or a status gsd does not know


@model
class Progress(DataModel):
    done: int = 0
    total: int = 0

    def bar(self, width: int = BAR_WIDTH) -> str:
        """`[#####-----] 5/10`; full only when everything is done."""
        filled = self.done * width // self.total if self.total else 0
        return f"[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total}"


@model
class TaskProgress(DataModel):
    """From the run ledger: each task's results in the latest run that ran it."""

    passed: int  # tasks whose latest commands all passed
    ran: int  # tasks with results
    total: int  # tasks in the plan (`ran` when the plan cannot be read)


@model
class PlanStatus(DataModel):
    id: str
    number: str
    path: str
    summary_path: str | None = None  # None until the SUMMARY exists
    state: PlanState
    gap_closure: bool = False
    wave: int | None = None
    summary_status: str | None = None  # `status:` of the SUMMARY frontmatter, as written
    tasks: TaskProgress | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)  # error-level only


@model
class VerificationInfo(DataModel):
    path: str
    state: VerificationState
    status: str | None = None  # as written
    score: str | None = None  # as written
    score_verified: int | None = None
    score_total: int | None = None
    gaps: int = 0  # gaps still open (an entry marked verified is not one)
    human_checks: int = 0
    re_verification: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)  # error-level only


@model
class PhaseStatus(DataModel):
    id: str
    number: str
    key: str
    name: str
    goal: str | None = None
    folder: str | None = None  # None: listed in ROADMAP.md only
    archived: bool = False
    milestone: str | None = None
    in_roadmap: bool = False
    roadmap_complete: bool = False  # ticked in ROADMAP.md (informational; not the verdict)
    state: PhaseState
    plans: list[PlanStatus] = field(default_factory=list)
    summaries: int = 0  # plans with a SUMMARY
    orphan_summaries: int = 0  # SUMMARY files without a PLAN
    verification: VerificationInfo | None = None
    progress: Progress = field(default_factory=Progress)


@model
class StatusReport(DataModel):
    project: str  # the project folder's name
    root: str
    phases: list[PhaseStatus] = field(default_factory=list)
    plans: Progress = field(default_factory=Progress)  # plans with a SUMMARY / plans
    verified_phases: Progress = field(default_factory=Progress)
    detail: bool = False  # one phase asked for (`gsd status N`)
    diagnostics: list[Diagnostic] = field(default_factory=list)
