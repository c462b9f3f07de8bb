"""Typed models of the three GSD documents: PLAN, SUMMARY and VERIFICATION.

The loader (`planner.documents.loader`) builds these from real, messy files; everything else in gsd
reads only these models. Ids keep their text (`"04"`, never `4`). Line numbers are 1-based lines in
the file on disk (frontmatter included), so diagnostics and evidence can point at them.
"""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum
from typing import Any

from planner.datamodel import DataModel, model
from planner.errors import Diagnostic

# Slotted dataclasses, not pydantic models: loading a document must not import pydantic (start-up
# is measured: gsd show < 0.25 s). pydantic still validates them and gives their JSON Schema
# (`model_validate`, `model_json_schema`; see planner.datamodel).


class DocKind(StrEnum):
    PLAN = "plan"
    SUMMARY = "summary"
    VERIFICATION = "verification"
    OTHER = "other"  # ROADMAP, STATE, CONTEXT, RESEARCH ...: read for frontmatter only


# ---------------------------------------------------------------------------------------------
# Verify blocks: commands, expectations, notes (DESIGN section 3)


class ExpectationKind(StrEnum):
    EXPECTED = "expected"  # "Expected: ..."
    CHECK = "check"  # "Check: ..."


@model
class Expectation(DataModel):
    text: str  # the text after "Expected:" / "Check:"
    kind: ExpectationKind = ExpectationKind.EXPECTED
    line: int | None = None


@model
class VerifyCommand(DataModel):
    """One shell command from a verify block; may span lines (open quote, trailing backslash)."""

    text: str
    line: int | None = None
    expectations: list[Expectation] = field(default_factory=list)


@model
class VerifyBlock(DataModel):
    raw: str = ""
    line: int | None = None
    commands: list[VerifyCommand] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Expectations that appear before any command (kept, shown, never counted as passed).
    orphan_expectations: list[Expectation] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# PLAN


class TaskForm(StrEnum):
    XML = "xml"  # <task type="...">...</task>
    HEADING = "heading"  # ### Task N: ... (loose markdown)
    FEATURE = "feature"  # TDD <feature> blocks


@model
class Task(DataModel):
    index: int  # 1-based position in the plan
    type: str = "auto"  # auto | checkpoint:human-verify | checkpoint:decision | checkpoint:human-action | tdd ...
    tdd: bool = False
    name: str = ""
    files: list[str] = field(default_factory=list)
    action: str = ""
    verify: VerifyBlock | None = None
    done: str = ""
    acceptance_criteria: str = ""
    # Any other child element, by tag: what-built, how-to-verify, resume-signal, behavior, read_first ...
    elements: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)
    form: TaskForm = TaskForm.XML
    line: int | None = None
    end_line: int | None = None

    @property
    def is_checkpoint(self) -> bool:
        return self.type.startswith("checkpoint")

    @property
    def id(self) -> str:
        return str(self.index)


@model
class Truth(DataModel):
    text: str
    verify: str | None = None  # extension: {truth: "...", verify: "<command>"}
    line: int | None = None


@model
class Artifact(DataModel):
    path: str
    provides: str | None = None
    min_lines: int | None = None
    contains: list[str] = field(default_factory=list)  # a single string is read as [string]
    exports: list[str] = field(default_factory=list)
    status: str | None = None
    line: int | None = None


@model
class KeyLink(DataModel):
    from_: str = field(metadata={"alias": "from"})
    to: str
    via: str | None = None
    pattern: str | None = None
    line: int | None = None


@model
class MustHaves(DataModel):
    truths: list[Truth] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    key_links: list[KeyLink] = field(default_factory=list)
    # Entries written as prose where a mapping was expected (artifacts/links as plain strings).
    # Kept so reports can show them; they are not checkable.
    prose: list[str] = field(default_factory=list)

    @property
    def checkable_count(self) -> int:
        return len(self.truths) + len(self.artifacts) + len(self.key_links)


@model
class PlanFrontmatter(DataModel):
    phase: str | None = None
    plan: str | None = None
    type: str | None = None
    wave: int | None = None
    depends_on: list[str] = field(default_factory=list)
    files_modified: list[str] = field(default_factory=list)
    autonomous: bool | None = None
    gap_closure: bool = False
    requirements: list[str] = field(default_factory=list)
    must_haves: MustHaves = field(default_factory=MustHaves)
    timeout: float | None = None  # extension: per-command timeout for this plan, seconds
    extra: dict[str, Any] = field(default_factory=dict)  # every other key, as loaded


@model
class Reference(DataModel):
    """An @-reference in <context>/<execution_context>: `@path/to/file`."""

    path: str
    line: int | None = None
    section: str | None = None  # "context" | "execution_context" | ...


@model
class Plan(DataModel):
    path: str
    frontmatter: PlanFrontmatter = field(default_factory=PlanFrontmatter)
    has_frontmatter: bool = True
    title: str | None = None  # first markdown heading, if any
    objective: str | None = None
    references: list[Reference] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    verification: VerifyBlock | None = None
    success_criteria: str | None = None
    output: str | None = None
    body_line: int = 1  # line of the first body line (after the frontmatter)

    @property
    def must_haves(self) -> MustHaves:
        return self.frontmatter.must_haves


# ---------------------------------------------------------------------------------------------
# SUMMARY


@model
class Summary(DataModel):
    path: str
    has_frontmatter: bool = True
    phase: str | None = None
    plan: str | None = None
    status: str | None = None
    commits: list[str] = field(default_factory=list)
    key_files: dict[str, list[str]] = field(default_factory=dict)  # key-files / key_files
    requirements_completed: list[str] = field(default_factory=list)
    duration: str | None = None
    completed: str | None = None
    frontmatter: dict[str, Any] = field(default_factory=dict)  # every key, as loaded
    body: str = ""
    body_line: int = 1


# ---------------------------------------------------------------------------------------------
# VERIFICATION


@model
class GapArtifact(DataModel):
    path: str
    issue: str | None = None


@model
class Gap(DataModel):
    truth: str
    status: str | None = None  # failed | partial | (seen in the wild: verified)
    reason: str | None = None
    artifacts: list[GapArtifact] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    line: int | None = None


@model
class HumanItem(DataModel):
    test: str
    expected: str | None = None
    why_human: str | None = None
    title: str | None = None  # the body item's heading ("### 1. Title"), when there is one
    line: int | None = None


@model
class ReVerification(DataModel):
    previous_status: str | None = None
    previous_score: str | None = None
    gaps_closed: list[str] = field(default_factory=list)
    gaps_remaining: list[str] = field(default_factory=list)
    regressions: list[str] = field(default_factory=list)


@model
class Override(DataModel):
    must_have: str
    reason: str | None = None
    accepted_by: str | None = None
    accepted_at: str | None = None


@model
class Verification(DataModel):
    path: str
    has_frontmatter: bool = True
    phase: str | None = None
    verified: str | None = None
    status: str | None = None  # passed | gaps_found | human_needed (as written)
    score: str | None = None  # "3/10 must-haves verified" (as written)
    score_verified: int | None = None  # parsed N of "N/M"
    score_total: int | None = None  # parsed M of "N/M"
    re_verification: ReVerification | None = None
    overrides: list[Override] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    human_verification: list[HumanItem] = field(default_factory=list)
    frontmatter: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    @property
    def is_complete(self) -> bool:
        """The one completion predicate: the parsed top-level status, nothing else."""
        return (self.status or "").strip().lower() == "passed"


# ---------------------------------------------------------------------------------------------
# What the loader returns


@model
class Loaded(DataModel):
    """A document and what the loader had to say about it.

    `doc` is None only when the file could not be read as that kind at all; `diagnostics` then
    has at least one error explaining why.
    """

    path: str
    kind: DocKind
    doc: Plan | Summary | Verification | None = None
    frontmatter: dict[str, Any] = field(default_factory=dict)  # raw, for OTHER kinds
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.doc is not None
