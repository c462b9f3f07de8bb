"""What `gsd plan gaps` decides, as data: the open gaps, the checks chosen for each, the plans."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from planner.errors import Diagnostic


class CheckSource(StrEnum):
    TRUTH_VERIFY = "truth_verify"  # the owning plan's `{truth, verify}` command
    TASK = "task"  # a task whose done criteria / expectations state the truth
    VERIFICATION = "verification"  # the plan's <verification> commands that state it or name a file
    FILES = "files"  # a task that touches the gap's files
    GENERATED = "generated"  # derived from a must-have (test -e, grep, line count, link pattern)


class GapCheck(BaseModel):
    command: str
    expectations: list[tuple[str, str]] = Field(default_factory=list)  # (Expected|Check, text)
    source: CheckSource
    origin: str | None = None  # "26-04 task 2", "26-04 verification", "artifact backend/x.py"
    last_status: str | None = None  # the command's latest verdict in the run ledger, if any
    note: str | None = None  # how the command was adapted ("set -o pipefail added")


class OpenGap(BaseModel):
    index: int  # 1-based position in the report's `gaps:` list
    truth: str
    status: str | None = None
    reason: str | None = None
    issues: list[tuple[str, str]] = Field(default_factory=list)  # (path as written, issue)
    missing: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)  # project-relative paths the gap touches
    outside: list[str] = Field(default_factory=list)  # paths named that are not in this project
    owners: list[str] = Field(default_factory=list)  # ids of the plans whose truth this is
    truth_verify: str | None = None  # the owner's `verify:` for this truth, when it has one
    # A gap verify phrased "Task N of <plan> (...): verification passes": that task, and the
    # commands its `missing:` entries name as failing (the checks to carry over).
    task_plan: str | None = None
    task_index: int | None = None
    failing_commands: list[str] = Field(default_factory=list)


class GapTask(BaseModel):
    gap: OpenGap
    name: str
    files: list[str] = Field(default_factory=list)
    action: str
    checks: list[GapCheck] = Field(default_factory=list)
    done: str


class DraftPlan(BaseModel):
    id: str  # "26-07"
    number: str  # "07"
    path: str  # project-relative
    wave: int
    depends_on: list[str] = Field(default_factory=list)
    files_modified: list[str] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list)
    must_haves: dict[str, Any] = Field(default_factory=dict)  # truths / artifacts / key_links
    tasks: list[GapTask] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)  # @-references for <context>
    content: str = ""
    written: bool = False


class SkippedGap(BaseModel):
    index: int
    truth: str
    reason: str


class PlanGapsResult(BaseModel):
    phase: str
    verification: str | None = None  # project-relative path of the report read
    status: str | None = None  # the report's status, as written
    dry_run: bool = False
    open_gaps: int = 0
    plans: list[DraftPlan] = Field(default_factory=list)
    skipped: list[SkippedGap] = Field(default_factory=list)
    message: str | None = None  # why nothing was planned
    diagnostics: list[Diagnostic] = Field(default_factory=list)
