"""What gap planning reads: the report's open gaps, the phase's existing plans and their history.

Gap paths are cleaned into project-relative paths (`./x`, backticks, `path:42`, the author's
absolute paths mapped with the config's path_map); a path that stays outside the project is kept
aside (named in the task's action, never made a must-have that verify would refuse).
"""

from __future__ import annotations

import os
import re
from dataclasses import field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from planner.checks.truths import normalize as truth_key
from planner.documents.models import Plan, Verification
from planner.errors import Diagnostic, Severity
from planner.gaps.model import OpenGap, SkippedGap
from planner.records import record
from planner.results import CommandStatus
from planner.status import CLOSED_GAP_STATUSES
from planner.workspace import Phase, PlanRef, Workspace

if TYPE_CHECKING:
    from planner.execution.ledger import Ledger

CODES = {
    "GSD816": "an existing plan of the phase cannot be loaded: its truths and checks are not used",
    "GSD817": "a path the gap names is outside the project: left out of the must-haves",
}

CLOSED = CLOSED_GAP_STATUSES  # gap statuses that mean "not open" (shared with `gsd status`)
_LINE_SUFFIX_RE = re.compile(r":\d+(?:[-:]\d+)?$")
_PATHISH_RE = re.compile(r"[/\\]|\.\w{1,8}$")
_NOT_A_PATH = frozenset({"", "none", "n/a", "na", "-", "null"})
# The phrasing `gsd verify` gives a failed task (reports/phase_items.py: phrase_task, _task_gap).
_TASK_GAP_RE = re.compile(
    r"^Task (?P<n>\d+) of (?P<plan>\S+?)(?: \(.*\))?: verification passes$", re.S
)
_MISSING_CMD_RE = re.compile(r"^task (?P<n>\d+) verify command passes: `(?P<cmd>.+)`$", re.S)


@record(eq=False)
class Existing:
    """One plan already in the phase, with the latest ledger verdict of each of its commands."""

    ref: PlanRef
    plan: Plan | None
    task_status: dict[int, dict[str, CommandStatus]] = field(default_factory=dict)
    plan_status: dict[str, CommandStatus] = field(default_factory=dict)  # <verification>, truths

    def truth_owned(self, truth: str) -> bool:
        if self.plan is None:
            return False
        key = truth_key(truth)
        return any(truth_key(t.text) == key for t in self.plan.must_haves.truths)


def load_existing(ws: Workspace, phase: Phase) -> tuple[list[Existing], list[Diagnostic]]:
    from planner.documents.loader import load_plan

    ledger = _ledger(ws)
    found: list[Existing] = []
    diags: list[Diagnostic] = []
    for ref in phase.plans():
        loaded = load_plan(ref.plan_path)
        plan = loaded.doc if isinstance(loaded.doc, Plan) else None
        if plan is None:
            diags.append(
                Diagnostic(
                    code="GSD816",
                    severity=Severity.WARNING,
                    message=f"plan {ref.id} cannot be loaded; its truths and checks are not used",
                    file=ws.relpath(ref.plan_path),
                    hint=f"gsd lint {ref.id}",
                )
            )
        item = Existing(ref=ref, plan=plan)
        if ledger is not None and ledger.path_for(ref.id).is_file():
            for task, entries in ledger.latest_task_results(ref.id).items():
                item.task_status[task] = {e.command: e.status for e in entries}
            for e in ledger.entries(ref.id):
                if e.task is None and e.status is not CommandStatus.SKIPPED:
                    item.plan_status[e.command] = e.status  # later entries win
        found.append(item)
    return found, diags


def _ledger(ws: Workspace) -> Ledger | None:
    if not (ws.gsd_dir / "ledger").is_dir():
        return None
    from planner.execution.ledger import Ledger as _Ledger

    return _Ledger(ws.planning)


class PathCleaner:
    """Gap paths as project-relative POSIX paths, or None when they leave the project."""

    def __init__(self, ws: Workspace) -> None:
        from planner.execution.pathmap import resolve_pairs

        self.root = ws.root
        try:
            pairs = ws.config().path_map.items()
        except Exception:  # a broken config is lint's finding; paths are simply not mapped
            pairs = {}.items()
        self.pairs = resolve_pairs(pairs, ws.root)

    def clean(self, raw: str) -> tuple[str | None, bool]:
        """(project-relative path or None, whether it was a path outside the project)."""
        text = raw.strip().strip("`'\"").strip()
        if " " in text:
            head = text.split()[0].strip("`'\",;")
            if not _PATHISH_RE.search(head):
                return None, False
            text = head
        text = _LINE_SUFFIX_RE.sub("", text).rstrip("/")
        if text.lower() in _NOT_A_PATH:
            return None, False
        if text.startswith("~"):
            return None, True
        if os.path.isabs(text):
            from planner.execution.pathmap import map_paths

            mapped = map_paths(text, self.pairs)
            try:
                text = Path(mapped).relative_to(self.root).as_posix()
            except ValueError:
                return None, True
        norm = os.path.normpath(text).replace(os.sep, "/")
        if norm == "." or norm.startswith("../") or norm == "..":
            return None, True
        return PurePosixPath(norm).as_posix(), False


def open_gaps(
    verification: Verification, cleaner: PathCleaner, rel_report: str
) -> tuple[list[OpenGap], list[SkippedGap], list[Diagnostic]]:
    """The report's gaps that are not marked closed, with their paths cleaned."""
    gaps: list[OpenGap] = []
    skipped: list[SkippedGap] = []
    diags: list[Diagnostic] = []
    for i, gap in enumerate(verification.gaps, start=1):
        status = (gap.status or "").strip().lower()
        if status in CLOSED:
            continue
        if not gap.truth.strip():
            skipped.append(SkippedGap(index=i, truth="", reason="the gap names no truth"))
            continue
        item = OpenGap(
            index=i,
            truth=gap.truth.strip(),
            status=gap.status,
            reason=(gap.reason or "").strip() or None,
            missing=[m.strip() for m in gap.missing if m.strip()],
        )
        for artifact in gap.artifacts:
            item.issues.append((artifact.path, (artifact.issue or "").strip()))
            path, outside = cleaner.clean(artifact.path)
            if path is not None and path not in item.files:
                item.files.append(path)
            elif outside and artifact.path not in item.outside:
                item.outside.append(artifact.path)
                diags.append(
                    Diagnostic(
                        code="GSD817",
                        severity=Severity.WARNING,
                        message=f"gap {i} names {artifact.path!r}, which is outside the project; "
                        "it is not made a must-have",
                        file=rel_report,
                        line=gap.line,
                        hint="add a path_map to the gsd section of .planning/config.json",
                    )
                )
        gaps.append(item)
    return gaps, skipped, diags


def assign_owners(gaps: list[OpenGap], existing: list[Existing]) -> None:
    """Plans whose must-have truths state the gap's truth (normalized text) own it."""
    for gap in gaps:
        for item in existing:
            if not item.truth_owned(gap.truth):
                continue
            gap.owners.append(item.ref.id)
            assert item.plan is not None
            key = truth_key(gap.truth)
            for truth in item.plan.must_haves.truths:
                if truth_key(truth.text) == key and truth.verify and gap.truth_verify is None:
                    gap.truth_verify = truth.verify


def already_planned(gap: OpenGap, existing: list[Existing]) -> str | None:
    """A gap-closure plan that states this truth and has not run yet (no SUMMARY): its id."""
    for item in existing:
        if (
            item.plan is not None
            and item.plan.frontmatter.gap_closure
            and not item.ref.summary_exists
            and item.truth_owned(gap.truth)
        ):
            return item.ref.id
    return None


def attach_tasks(gaps: list[OpenGap], existing: list[Existing], cleaner: PathCleaner) -> None:
    """A failed-task gap (`Task 2 of 26-04 (...): verification passes`) points at that task: its
    failing commands (from `missing:`) become the gap's checks, its <files> the gap's files."""
    by_id = {e.ref.id: e for e in existing}
    for gap in gaps:
        m = _TASK_GAP_RE.match(gap.truth)
        if m is None:
            continue
        gap.task_plan, gap.task_index = m["plan"], int(m["n"])
        for entry in gap.missing:
            cmd = _MISSING_CMD_RE.match(entry)
            if cmd and int(cmd["n"]) == gap.task_index:
                gap.failing_commands.append(cmd["cmd"].strip())
        item = by_id.get(gap.task_plan)
        if gap.files or item is None or item.plan is None:
            continue
        for task in item.plan.tasks:
            if task.index != gap.task_index:
                continue
            for raw in task.files:
                path, _outside = cleaner.clean(raw)
                if path and path not in gap.files:
                    gap.files.append(path)
