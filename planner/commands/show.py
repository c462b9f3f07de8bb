"""`gsd show <ref>`: a parsed document, or a phase with its plans, summaries and verification."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Literal

from planner.datamodel import DataModel, model
from planner.documents.models import DocKind, Loaded, Plan, Summary, Verification
from planner.errors import Diagnostic, ExitCode, GsdError
from planner.records import record
from planner.workspace import Phase, PlanRef, Workspace, expand_user

CODES = {
    "GSD231": "a document cannot be loaded (its diagnostics say why)",
}


@model
class DocView(DataModel):
    kind: DocKind
    path: str
    id: str | None = None  # plan id when the document belongs to a known plan
    document: Plan | Summary | Verification | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


@model
class PlanEntry(DataModel):
    id: str
    number: str
    plan: DocView
    summary_path: str
    summary: DocView | None = None  # None when the SUMMARY does not exist yet


@model
class PhaseView(DataModel):
    kind: Literal["phase"] = "phase"
    id: str
    number: str
    key: str
    code: str | None = None
    slug: str
    name: str
    dir: str
    archived: bool
    milestone: str | None = None
    plans: list[PlanEntry] = field(default_factory=list)
    orphan_summaries: list[DocView] = field(default_factory=list)
    verification: DocView | None = None


@record
class ShowResult:
    """The view (the data `--json` prints) and the exit code it implies."""

    view: DocView | PhaseView
    exit_code: ExitCode = ExitCode.OK

    def diagnostics(self) -> list[Diagnostic]:
        if isinstance(self.view, DocView):
            return list(self.view.diagnostics)
        views = [e.plan for e in self.view.plans] + [
            e.summary for e in self.view.plans if e.summary
        ]
        views += self.view.orphan_summaries + (
            [self.view.verification] if self.view.verification else []
        )
        return [d for v in views for d in v.diagnostics]


def show(ref: str, workspace: Workspace | None) -> ShowResult:
    """Load what `ref` names. Exit code 3 when any document in view cannot be loaded."""
    path = expand_user(ref)
    if path.is_file() and (workspace is None or ".." not in path.parts):
        if workspace is not None and not workspace.contains(path):
            workspace.resolve(ref)  # raises the standard "outside the project" error
        view: DocView | PhaseView = _doc_view(
            path, None, workspace, plan_id=_plan_id(path, workspace)
        )
    else:
        if workspace is None:
            from planner.workspace import Workspace as _Ws

            workspace = _Ws.discover()  # raises GSD201 with its hint
        target = workspace.resolve(ref)
        if isinstance(target, Phase):
            view = _phase_view(target, workspace)
        else:
            view = _doc_view(target.plan_path, DocKind.PLAN, workspace, plan_id=target.id)
    failed = _any_unloaded(view)
    return ShowResult(view=view, exit_code=ExitCode.BAD_INPUT if failed else ExitCode.OK)


def _plan_id(path: Path, workspace: Workspace | None) -> str | None:
    if workspace is None:
        return None
    try:
        found = workspace.resolve(str(path))
    except GsdError:
        return None
    return found.id if isinstance(found, PlanRef) else None


def _load(path: Path, kind: DocKind | None) -> Loaded:
    from planner.documents.loader import load_document

    return load_document(path, kind)


def _doc_view(
    path: Path, kind: DocKind | None, workspace: Workspace | None, *, plan_id: str | None = None
) -> DocView:
    shown = workspace.relpath(path) if workspace else str(path)
    try:
        loaded = _load(path, kind)
    except GsdError as exc:
        diags = list(getattr(exc, "diagnostics", []) or []) or [exc.diagnostic()]
        return DocView(kind=kind or DocKind.OTHER, path=shown, id=plan_id, diagnostics=diags)
    return DocView(
        kind=loaded.kind,
        path=shown,
        id=plan_id,
        document=loaded.doc,
        diagnostics=[d.model_copy(update={"file": shown}) for d in loaded.diagnostics],
    )


def _phase_view(phase: Phase, ws: Workspace) -> PhaseView:
    entries = []
    for plan in phase.plans():
        summary = (
            _doc_view(plan.summary_path, DocKind.SUMMARY, ws, plan_id=plan.id)
            if plan.summary_exists
            else None
        )
        entries.append(
            PlanEntry(
                id=plan.id,
                number=plan.number,
                plan=_doc_view(plan.plan_path, DocKind.PLAN, ws, plan_id=plan.id),
                summary_path=ws.relpath(plan.summary_path),
                summary=summary,
            )
        )
    verification = phase.verification_path
    return PhaseView(
        id=phase.id,
        number=phase.number,
        key=phase.key,
        code=phase.code,
        slug=phase.slug,
        name=phase.name,
        dir=ws.relpath(phase.dir),
        archived=phase.archived,
        milestone=phase.milestone,
        plans=entries,
        orphan_summaries=[_doc_view(p, DocKind.SUMMARY, ws) for p in phase.orphan_summaries()],
        verification=_doc_view(verification, DocKind.VERIFICATION, ws) if verification else None,
    )


def _any_unloaded(view: DocView | PhaseView) -> bool:
    if isinstance(view, DocView):
        return view.document is None
    docs = [e.plan for e in view.plans] + [e.summary for e in view.plans if e.summary]
    docs += view.orphan_summaries + ([view.verification] if view.verification else [])
    return any(d.document is None for d in docs)


# ---------------------------------------------------------------------------------------------
# Text rendering (for people; --json is the complete form)


def render_text(view: DocView | PhaseView) -> str:
    if isinstance(view, PhaseView):
        return _render_phase(view)
    doc = view.document
    if doc is None:
        return f"{view.path}: cannot be loaded ({len(view.diagnostics)} diagnostics on stderr)"
    if isinstance(doc, Plan):
        return _render_plan(doc, view)
    if isinstance(doc, Summary):
        return _render_summary(doc, view)
    return _render_verification(doc, view)


def _field(lines: list[str], label: str, value: object) -> None:
    if value in (None, "", [], {}):
        return
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    lines.append(f"  {label + ':':<16}{value}")


def _render_plan(plan: Plan, view: DocView) -> str:
    fm = plan.frontmatter
    lines = [f"Plan {view.id or fm.plan or '?'}", f"  {'path:':<16}{view.path}"]
    _field(lines, "title", plan.title)
    _field(lines, "phase", fm.phase)
    _field(lines, "type", fm.type)
    _field(lines, "wave", fm.wave)
    _field(lines, "depends on", fm.depends_on)
    _field(lines, "autonomous", fm.autonomous)
    _field(lines, "gap closure", fm.gap_closure or None)
    _field(lines, "requirements", fm.requirements)
    _field(lines, "files modified", fm.files_modified)
    mh = fm.must_haves
    lines.append(
        f"must-haves: {len(mh.truths)} truths, {len(mh.artifacts)} artifacts, "
        f"{len(mh.key_links)} key links"
        + (f", {len(mh.prose)} prose (not checkable)" if mh.prose else "")
    )
    lines += [f"  truth     {t.text}" for t in mh.truths]
    lines += [
        f"  artifact  {a.path}" + (f" ({a.provides})" if a.provides else "") for a in mh.artifacts
    ]
    for link in mh.key_links:
        lines.append(
            f"  link      {link.from_} -> {link.to}"
            + (f"  /{link.pattern}/" if link.pattern else "")
        )
    lines.append(f"tasks: {len(plan.tasks)}")
    for task in plan.tasks:
        commands = len(task.verify.commands) if task.verify else 0
        lines.append(
            f"  {task.index:>2}. [{task.type}] {task.name or '(no name)'}  ({commands} verify commands)"
        )
    if plan.verification and plan.verification.commands:
        lines.append(f"verification: {len(plan.verification.commands)} commands")
    return "\n".join(lines)


def _render_summary(doc: Summary, view: DocView) -> str:
    lines = [f"Summary {view.id or doc.plan or ''}".rstrip(), f"  {'path:':<16}{view.path}"]
    _field(lines, "phase", doc.phase)
    _field(lines, "plan", doc.plan)
    _field(lines, "status", doc.status)
    _field(lines, "duration", doc.duration)
    _field(lines, "completed", doc.completed)
    _field(lines, "commits", doc.commits)
    _field(lines, "requirements", doc.requirements_completed)
    for group, files in doc.key_files.items():
        _field(lines, f"files {group}", files)
    if not doc.has_frontmatter:
        lines.append("  (no frontmatter)")
    return "\n".join(lines)


def _render_verification(doc: Verification, view: DocView) -> str:
    lines = [f"Verification of phase {doc.phase}" if doc.phase else "Verification"]
    lines.append(f"  {'path:':<16}{view.path}")
    _field(lines, "phase", doc.phase)
    _field(lines, "status", doc.status)
    _field(lines, "score", doc.score)
    _field(lines, "verified", doc.verified)
    for gap in doc.gaps:
        lines.append(f"  gap [{gap.status or '?'}] {gap.truth}")
    for item in doc.human_verification:
        lines.append(f"  human check: {item.test}")
    for override in doc.overrides:
        lines.append(f"  override: {override.must_have}")
    return "\n".join(lines)


def _render_phase(view: PhaseView) -> str:
    head = f"Phase {view.id}" + (f": {view.name}" if view.slug else "")
    if view.archived:
        head += f"  (archived{', ' + view.milestone if view.milestone else ''})"
    lines = [head, f"  {'dir:':<16}{view.dir}", f"plans: {len(view.plans)}"]
    for entry in view.plans:
        doc = entry.plan.document
        if isinstance(doc, Plan):
            wave = doc.frontmatter.wave
            info = f"wave {wave if wave is not None else '?'}, {len(doc.tasks)} tasks"
        else:
            info = "cannot be loaded"
        summary = "summary: yes" if entry.summary else "summary: no"
        lines.append(f"  {entry.id:<12} {info:<22} {summary}")
    for orphan in view.orphan_summaries:
        lines.append(f"  summary without a plan: {orphan.path}")
    ver = view.verification
    if ver is None:
        lines.append("verification: none")
    elif isinstance(ver.document, Verification):
        lines.append(
            f"verification: {ver.document.status or '?'} ({ver.document.score or 'no score'})"
        )
    else:
        lines.append(f"verification: {ver.path} cannot be loaded")
    return "\n".join(lines)
