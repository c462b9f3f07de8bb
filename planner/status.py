"""Where a project stands: phases, plans, summaries, verification and progress, as data.

`compute_status(ws)` merges the phase folders with ROADMAP.md (a ROADMAP phase without a folder is
listed as not planned; the ROADMAP name wins over the folder slug) and reads, once each, only what
status needs:
- plan and summary frontmatter (the loader's frontmatter reader: no plan body is parsed), except
  for plans the run ledger has results for, which are loaded in full for their task count;
- each phase's VERIFICATION.md through the loader. Completion is `Verification.is_complete` (the
  parsed top-level `status`), so `previous_status: passed` under `re_verification`, or a
  `**Status:** passed` line in the body, never makes a `gaps_found` report look complete.
Rendering lives in `planner.commands.status`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import Diagnostic, Severity
from planner.gcpause import collector_paused
from planner.roadmap import Roadmap, RoadmapPhase, load_roadmap, phase_key
from planner.status_report import (
    PhaseState,
    PhaseStatus,
    PlanState,
    PlanStatus,
    Progress,
    StatusReport,
    TaskProgress,
    VerificationInfo,
    VerificationState,
)
from planner.workspace import Phase, PlanRef, Workspace, parse_phase_dir

if TYPE_CHECKING:
    from planner.documents.models import PlanFrontmatter
    from planner.execution.ledger import Ledger

CODES = {
    "GSD800": "ROADMAP.md could not be read (phases listed from folders only)",
}

_RANGE_RE = re.compile(r"^\d+\s*-\s*\d+$")  # "Phase 1-11": a milestone summary, not a phase


# Entries under `gaps:` with these statuses are not open (seed 000 lists verified truths there).
CLOSED_GAP_STATUSES = frozenset({"verified", "passed", "closed", "resolved", "fixed"})


# ---------------------------------------------------------------------------------------------
# Computation


def compute_status(ws: Workspace, phase_ref: str | None = None) -> StatusReport:
    """Status of every phase, or of the one `phase_ref` names (a folder or a ROADMAP phase).

    An unknown reference raises the workspace's GsdError (exit 3).
    """
    with collector_paused():  # every document read lives until the report: see gcpause
        return _compute(ws, phase_ref)


def _compute(ws: Workspace, phase_ref: str | None) -> StatusReport:
    diagnostics: list[Diagnostic] = []
    roadmap = _roadmap(ws, diagnostics)
    ledger = _ledger(ws)
    entries = _merge(ws.phases(), roadmap)
    if phase_ref is not None:
        entries = [_select(ws, entries, phase_ref)]
    phases = [_phase_status(ws, folder, rm, ledger, claimed) for folder, rm, claimed in entries]
    report = StatusReport(
        project=ws.root.name,
        root=str(ws.root),
        phases=phases,
        detail=phase_ref is not None,
        diagnostics=diagnostics,
    )
    report.plans = Progress(
        done=sum(p.summaries for p in phases), total=sum(len(p.plans) for p in phases)
    )
    report.verified_phases = Progress(
        done=sum(p.state is PhaseState.VERIFIED for p in phases), total=len(phases)
    )
    return report


# (folder phase or None, its ROADMAP entry or None, whether the ROADMAP entry is this phase's own)
_Entry = tuple[Phase | None, RoadmapPhase | None, bool]


def _roadmap(ws: Workspace, diagnostics: list[Diagnostic]) -> Roadmap:
    try:
        return load_roadmap(ws.planning)
    except OSError as exc:
        diagnostics.append(
            Diagnostic(
                code="GSD800",
                severity=Severity.WARNING,
                message=f"ROADMAP.md cannot be read: {exc.strerror or exc}",
                file=ws.relpath(ws.planning / "ROADMAP.md"),
                hint="phases are listed from their folders only",
            )
        )
        return Roadmap(path=None)


def _folder_key(phase: Phase) -> str:
    return phase_key(phase.id)


def _pad_like(number: str, folders: list[Phase]) -> str:
    """A ROADMAP number padded as the folders pad theirs: `2` -> `02` next to `01-foundation`."""
    m = re.match(r"^(\d+)(.*)$", number)
    widths = [len(f.number) - len(f.number.lstrip("0123456789")) for f in folders if f.code is None]
    if not m or not widths:
        return number
    width = max(set(widths), key=widths.count)
    return m.group(1).zfill(width) + m.group(2)


def _merge(folders: list[Phase], roadmap: Roadmap) -> list[_Entry]:
    """Folders and ROADMAP phases in one numeric order.

    An archived folder takes the ROADMAP name only when no active folder has that number (older
    milestones may restart their numbering).
    """
    by_key = {p.key: p for p in roadmap.phases}
    active_keys = {_folder_key(f) for f in folders if not f.archived}
    keyed: list[tuple[tuple[object, ...], _Entry]] = []
    for folder in folders:
        key = _folder_key(folder)
        rm = by_key.get(key)
        own = rm is not None and (not folder.archived or key not in active_keys)
        keyed.append((folder.sort_key(), (folder, rm, own)))
    folder_keys = {_folder_key(f) for f in folders}
    for rm in roadmap.phases:
        if rm.key in folder_keys or _RANGE_RE.match(rm.number):
            continue
        fake = parse_phase_dir(Path(rm.number))
        if fake is None or fake.slug:  # "v0.4.1" (a milestone), "1-11" (a range): not a phase
            continue
        shown = dataclasses.replace(rm, number=_pad_like(rm.number, folders))  # same key
        keyed.append((fake.sort_key(), (None, shown, True)))
    keyed.sort(key=lambda item: item[0])
    return [entry for _, entry in keyed]


def _select(ws: Workspace, entries: list[_Entry], ref: str) -> _Entry:
    from planner.errors import GsdError

    try:
        phase = ws.resolve_phase(ref)
    except GsdError:
        wanted = phase_key(re.sub(r"^phase[-_\s]*", "", ref.strip(), flags=re.I))
        for folder, rm, own in entries:
            if folder is None and rm is not None and rm.key == wanted:
                return folder, rm, own
        raise
    return next(e for e in entries if e[0] is phase)


def _ledger(ws: Workspace) -> Ledger | None:
    """The run ledger, only when there is one (its module and filelock are not free to import)."""
    folder = ws.gsd_dir / "ledger"
    try:
        if not any(os.scandir(folder)):
            return None
    except OSError:
        return None
    from planner.execution.ledger import Ledger

    return Ledger(ws.planning)


def _phase_status(
    ws: Workspace,
    folder: Phase | None,
    rm: RoadmapPhase | None,
    ledger: Ledger | None,
    own_roadmap: bool,
) -> PhaseStatus:
    named = rm if own_roadmap else None
    if folder is None:
        assert rm is not None
        return PhaseStatus(
            id=rm.number,
            number=rm.number,
            key=rm.key,
            name=rm.name or f"Phase {rm.number}",
            goal=rm.goal,
            in_roadmap=True,
            roadmap_complete=rm.complete,
            state=PhaseState.NO_FOLDER,
        )
    verification = _verification(ws, folder)
    complete = verification is not None and verification.state is VerificationState.PASSED
    plans = [_plan_status(ws, ref, ledger, complete) for ref in folder.plans()]
    status = PhaseStatus(
        id=folder.id,
        number=folder.number,
        key=folder.key,
        name=(named.name if named and named.name else folder.name),
        goal=named.goal if named else None,
        folder=ws.relpath(folder.dir),
        archived=folder.archived,
        milestone=folder.milestone,
        in_roadmap=named is not None,
        roadmap_complete=bool(named and named.complete),
        state=PhaseState.PLANNED,
        plans=plans,
        summaries=sum(p.summary_path is not None for p in plans),
        orphan_summaries=len(folder.orphan_summaries()),
        verification=verification,
    )
    status.progress = Progress(done=status.summaries, total=len(plans))
    status.state = _phase_state(status)
    return status


def _phase_state(phase: PhaseStatus) -> PhaseState:
    v = phase.verification.state if phase.verification else None
    if v is VerificationState.PASSED:
        return PhaseState.VERIFIED
    if v is VerificationState.GAPS_FOUND:
        return PhaseState.GAPS_FOUND
    if v is VerificationState.HUMAN_NEEDED:
        return PhaseState.HUMAN_NEEDED
    if not phase.plans:
        return PhaseState.NOT_PLANNED
    if phase.summaries == len(phase.plans):
        return PhaseState.EXECUTED
    if phase.summaries or any(p.state is PlanState.EXECUTED for p in phase.plans):
        return PhaseState.IN_PROGRESS
    return PhaseState.PLANNED


def _verification(ws: Workspace, folder: Phase) -> VerificationInfo | None:
    path = folder.verification_path
    if path is None:
        return None
    from planner.documents.loader import load_verification
    from planner.documents.models import Verification

    loaded = load_verification(path)
    errors = _errors(loaded.diagnostics, ws)
    doc = loaded.doc
    info = VerificationInfo(
        path=ws.relpath(path), state=VerificationState.UNKNOWN, diagnostics=errors
    )
    if not isinstance(doc, Verification):
        return info
    info.status, info.score = doc.status, doc.score
    info.score_verified, info.score_total = doc.score_verified, doc.score_total
    info.gaps = sum((g.status or "").strip().lower() not in CLOSED_GAP_STATUSES for g in doc.gaps)
    info.human_checks = len(doc.human_verification)
    info.re_verification = doc.re_verification is not None
    if doc.is_complete:  # the one completion predicate
        info.state = VerificationState.PASSED
    else:
        written = (doc.status or "").strip().lower()
        if written in (VerificationState.GAPS_FOUND.value, VerificationState.HUMAN_NEEDED.value):
            info.state = VerificationState(written)
    return info


def _plan_status(
    ws: Workspace, ref: PlanRef, ledger: Ledger | None, phase_complete: bool
) -> PlanStatus:
    status = PlanStatus(
        id=ref.id,
        number=ref.number,
        path=ws.relpath(ref.plan_path),
        state=PlanState.NOT_STARTED,
    )
    executed = ledger is not None and ledger.path_for(ref.id).is_file()
    # Executed plans are loaded in full (the task count needs the body); the rest, frontmatter only.
    meta, diags, task_count = _plan_full(ref) if executed else _plan_meta(ref)
    if meta is not None:
        status.gap_closure, status.wave = meta.gap_closure, meta.wave
    if executed:
        assert ledger is not None
        status.tasks = _task_progress(ref, ledger, task_count)
    if ref.summary_exists:
        status.summary_path = ws.relpath(ref.summary_path)
        sfm, sdiags = _frontmatter(ref.summary_path)
        diags += sdiags
        value = sfm.data.get("status") if sfm is not None else None
        status.summary_status = (value.strip() or None) if isinstance(value, str) else None
        status.state = PlanState.VERIFIED if phase_complete else PlanState.SUMMARY_WRITTEN
    elif status.tasks is not None:
        status.state = PlanState.EXECUTED
    status.diagnostics = _errors(diags, ws)
    return status


def _plan_meta(ref: PlanRef) -> tuple[PlanFrontmatter | None, list[Diagnostic], int | None]:
    from planner.documents.planmeta import build_plan_frontmatter

    fm, diags = _frontmatter(ref.plan_path)
    if fm is None:
        return None, diags, None
    meta, more, _present = build_plan_frontmatter(fm)
    return meta, diags + more, None


def _plan_full(ref: PlanRef) -> tuple[PlanFrontmatter | None, list[Diagnostic], int | None]:
    from planner.documents.loader import load_plan
    from planner.documents.models import Plan

    loaded = load_plan(ref.plan_path)
    if not isinstance(loaded.doc, Plan):
        return None, list(loaded.diagnostics), None
    return loaded.doc.frontmatter, list(loaded.diagnostics), len(loaded.doc.tasks)


def _frontmatter(path: Path) -> tuple[Any, list[Diagnostic]]:
    """The file's frontmatter through the loader's reader (no body parsing): (result, diagnostics)."""
    from planner.documents.frontmatter import read_frontmatter

    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [
            Diagnostic(
                code="GSD100",
                severity=Severity.ERROR,
                message=f"cannot read file: {exc.strerror or exc}",
                file=str(path),
            )
        ]
    if b"\x00" in data:
        return None, [
            Diagnostic(
                code="GSD102",
                severity=Severity.ERROR,
                message="binary file (NUL byte); not a markdown document",
                file=str(path),
            )
        ]
    fm = read_frontmatter(data.decode("utf-8", errors="replace"), str(path))
    return fm, list(fm.diagnostics)


def _task_progress(ref: PlanRef, ledger: Ledger, task_count: int | None) -> TaskProgress | None:
    from planner.results import CommandStatus

    results = ledger.latest_task_results(ref.id)
    if not results:
        return None
    passed = sum(
        bool(entries) and all(e.status is CommandStatus.PASSED for e in entries)
        for entries in results.values()
    )
    return TaskProgress(passed=passed, ran=len(results), total=max(task_count or 0, len(results)))


def _errors(diagnostics: list[Diagnostic], ws: Workspace) -> list[Diagnostic]:
    """Error-level findings, with project-relative paths (warnings are `gsd lint`'s business)."""
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d.severity is not Severity.ERROR:
            continue
        shown = d.model_copy(update={"file": ws.relpath(d.file)}) if d.file else d
        if shown not in out:
            out.append(shown)
    return out
