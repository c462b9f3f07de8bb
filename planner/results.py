"""Result models: what gsd saw. Every renderer (terminal, markdown, JSON, JUnit) reads these.

Statuses are enums. Nothing here is text for a person yet; reports turn it into text.
"""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from planner.datamodel import DataModel, model
from planner.errors import Diagnostic

# Slotted dataclasses (planner.datamodel): building results never imports pydantic. pydantic
# still validates them where data comes back from disk (the ledger) and holds them natively.

# ---------------------------------------------------------------------------------------------
# Commands (DESIGN section 3)


class CommandStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    ERROR = "error"  # could not run: exit 126/127, a broken plan rather than failing code
    SKIPPED = "skipped"  # --resume, --dry-run, or not reached
    INTERRUPTED = "interrupted"


class ExpectationStatus(StrEnum):
    MET = "met"
    UNMET = "unmet"
    UNCHECKED = "unchecked"  # not a recognisable form: shown, never counted as passed


@model
class ExpectationResult(DataModel):
    text: str
    status: ExpectationStatus
    detail: str | None = None


@model
class TestCounts(DataModel):
    __test__ = False  # not a pytest class

    runner: str  # pytest | unittest | jest | vitest | go | cargo
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped


@model
class CommandResult(DataModel):
    command: str  # as written in the plan
    run_command: str  # after path mapping: what actually ran
    cwd: str
    status: CommandStatus
    exit_code: int | None = None  # None when killed or never started
    signal: int | None = None
    duration: float = 0.0  # seconds
    started_at: str | None = None  # ISO 8601 UTC
    output_head: str = ""  # stdout+stderr interleaved, decoded with replacement
    output_tail: str = ""
    output_bytes: int = 0  # total bytes produced
    omitted_bytes: int = 0  # bytes between head and tail that were counted, not kept
    fail_lines: list[str] = field(default_factory=list)  # output lines starting with FAIL
    expectations: list[ExpectationResult] = field(default_factory=list)
    test_counts: TestCounts | None = None
    reason: str | None = None  # one line: why this verdict

    @property
    def output(self) -> str:
        if not self.output_tail:
            return self.output_head
        gap = f"\n... [{self.omitted_bytes} bytes omitted] ...\n" if self.omitted_bytes else ""
        return self.output_head + gap + self.output_tail


# ---------------------------------------------------------------------------------------------
# Must-have checks (DESIGN section 5)


@model
class Evidence(DataModel):
    file: str | None = None  # project-relative
    line: int | None = None
    text: str = ""

    def format(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}: {self.text}"
        if self.file:
            return f"{self.file}: {self.text}"
        return self.text


@model
class MarkerHit(DataModel):
    file: str
    line: int
    marker: str  # TODO | FIXME | TBD | XXX | NotImplementedError | placeholder
    text: str
    severity: str = "warning"  # warning | blocker


class ArtifactStatus(StrEnum):
    VERIFIED = "VERIFIED"
    MISSING = "MISSING"
    STUB = "STUB"
    FAILED = "FAILED"


class LinkStatus(StrEnum):
    WIRED = "WIRED"
    PARTIAL = "PARTIAL"
    NOT_WIRED = "NOT_WIRED"
    UNRESOLVED = "UNRESOLVED"


class TruthStatus(StrEnum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    PARTIAL = "PARTIAL"
    UNCERTAIN = "UNCERTAIN"


class TruthSource(StrEnum):
    OVERRIDE = "override"
    COMMAND = "command"  # the truth's own verify:
    TASK = "task"  # a task whose done criteria / expectations state it, via the ledger
    ARTIFACT = "artifact"
    LINK = "link"
    AGENT = "agent"  # judged by --agent: never "verified by a check"
    NONE = "none"


@model
class ArtifactResult(DataModel):
    path: str
    provides: str | None = None
    status: ArtifactStatus
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    markers: list[MarkerHit] = field(default_factory=list)
    lines: int | None = None


@model
class LinkResult(DataModel):
    from_: str
    to: str
    via: str | None = None
    pattern: str | None = None
    status: LinkStatus
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def identity(self) -> str:
        return f"{self.from_} -> {self.to}"


@model
class TruthResult(DataModel):
    text: str
    status: TruthStatus
    source: TruthSource = TruthSource.NONE
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    judged: bool = False  # True when the status came from --agent


@model
class HumanCheck(DataModel):
    test: str
    expected: str | None = None
    why_human: str | None = None
    plan: str | None = None


@model
class TaskCheck(DataModel):
    """One auto task's verify commands as `gsd verify` ran them (fresh evidence, not the ledger)."""

    index: int  # 1-based task index
    name: str = ""
    commands: list[CommandResult] = field(default_factory=list)  # in the order written


@model
class PlanCheckResult(DataModel):
    """Must-have results for one plan."""

    plan_id: str  # "26-04"
    path: str
    truths: list[TruthResult] = field(default_factory=list)
    artifacts: list[ArtifactResult] = field(default_factory=list)
    links: list[LinkResult] = field(default_factory=list)
    commands: list[CommandResult] = field(default_factory=list)  # <verification> + truth commands
    tasks: list[TaskCheck] = field(default_factory=list)  # auto tasks' verify commands, when run
    human: list[HumanCheck] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    prose_must_haves: list[str] = field(default_factory=list)  # not checkable, listed for a person

    @property
    def checkable(self) -> int:
        return len(self.truths) + len(self.artifacts) + len(self.links) + len(self.commands)


# ---------------------------------------------------------------------------------------------
# The run ledger (DESIGN section 3): one JSON line per command run, under .planning/.gsd/


@model
class LedgerEntry(DataModel):
    run_id: str  # one per `gsd execute`/`gsd verify` invocation
    plan: str  # plan id, "26-04"
    phase: str | None = None
    task: int | None = None  # 1-based task index; None for plan-level commands
    kind: str = "verify"  # verify (a task's verify command) | verification | truth | agent
    command: str
    run_command: str | None = None
    status: CommandStatus
    exit_code: int | None = None
    duration: float = 0.0
    started_at: str | None = None
    output_head: str = ""
    output_tail: str = ""
    test_counts: TestCounts | None = None
    git_head: str | None = None
    git_dirty: bool | None = None
    # The runner's verdict stands in `status` (truth evidence reads it); True when a `<done>` claim
    # the output refuted failed the task anyway (done_claims.py), so `--resume` reruns it.
    done_refuted: bool = False


# ---------------------------------------------------------------------------------------------
# Execution (DESIGN section 4)


class TaskStatus(StrEnum):
    PASSED = "passed"  # every verify command passed
    FAILED = "failed"  # a verify command failed, timed out or errored
    NO_VERIFY = "no_verify"  # nothing to run: never counted as passed
    SKIPPED = "skipped"  # --resume: passed in the latest run
    NOT_RUN = "not_run"  # the run stopped before this task
    AWAITING_HUMAN = "awaiting_human"  # checkpoint task, not approved
    APPROVED = "approved"  # checkpoint task approved with --yes or at the prompt
    INTERRUPTED = "interrupted"


@model
class AgentRun(DataModel):
    """One call of the agent command for one attempt at a task. Its claims are never evidence."""

    command: str
    attempt: int
    status: CommandStatus
    exit_code: int | None = None
    duration: float = 0.0
    output_head: str = ""
    output_tail: str = ""


@model
class TaskRun(DataModel):
    index: int
    name: str
    type: str = "auto"
    status: TaskStatus
    commands: list[CommandResult] = field(default_factory=list)
    agent_runs: list[AgentRun] = field(default_factory=list)
    attempts: int = 0
    duration: float = 0.0
    reason: str = ""
    human_check: str | None = None  # what a person must check (checkpoint tasks)


class PlanRunStatus(StrEnum):
    COMPLETE = "complete"  # every task passed and no must-have failed
    PARTIAL = "partial"  # some passed, some failed
    FAILED = "failed"  # nothing passed, or the run could not proceed
    AWAITING_HUMAN = "awaiting_human"  # stopped at a checkpoint (exit 4)
    INTERRUPTED = "interrupted"  # Ctrl-C (exit 130): the SUMMARY is left as it was
    NOTHING_TO_CHECK = "nothing_to_check"  # no verify command and no checkable must-have (exit 5)


@model
class CommitRef(DataModel):
    hash: str
    short: str
    type: str | None = None
    subject: str = ""


@model
class PlanRun(DataModel):
    plan_id: str
    path: str
    phase: str | None = None
    run_id: str
    started_at: str
    completed_at: str | None = None
    duration: float = 0.0
    status: PlanRunStatus
    tasks: list[TaskRun] = field(default_factory=list)
    checks: PlanCheckResult | None = None
    tests_before: TestCounts | None = None  # from the previous run in the ledger
    tests_after: TestCounts | None = None  # summed over this run's commands
    commits: list[CommitRef] = field(default_factory=list)
    summary_path: str | None = None
    summary_written: bool = False
    dry_run: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exit_code: int | None = None  # what this plan alone would exit with (set when the run ends)

    @property
    def tasks_passed(self) -> int:
        return sum(
            t.status in (TaskStatus.PASSED, TaskStatus.SKIPPED, TaskStatus.APPROVED)
            for t in self.tasks
        )
