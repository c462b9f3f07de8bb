"""`gsd lint [<ref|path>...]`: the loader's diagnostics plus structural rules, as one report.

Steps: collect the files (every PLAN/SUMMARY/VERIFICATION of the project when no target is given),
load each once, run the per-document rules, run the dependency rules across plans, drop loader
findings a rule restates more strictly, sort, count.

A path target belongs to the project found walking up from it (so `gsd lint a/.planning/...
b/.planning/...` lints each file in its own project, and a lone file outside any project is linted
without the project rules); with `--root`, every target must be inside that project. Ids (`26-04`)
resolve in the project of --root or the current directory.

Exit: 3 when a file cannot be loaded or a target does not resolve, else 1 on any error-level
finding, else 0 (warnings allowed); 5 when there was nothing to lint.
"""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path

from planner.documents.loader import load_document
from planner.documents.models import DocKind, Loaded
from planner.errors import Diagnostic, GsdError, Severity, has_errors
from planner.gcpause import collector_paused
from planner.lint import commands, frontmatter, graph, musthaves, reports, tasks
from planner.lint.base import LintContext, LintDoc
from planner.lint.report import LintFile, LintReport
from planner.records import record
from planner.workspace import PLANNING, Phase, PlanRef, Workspace, expand_user

CODES = {
    "GSD232": "file cannot be read as a document",
}

# A lint finding that restates a loader diagnostic at a stricter level replaces it (same file and
# line), so one problem is one line: no frontmatter, a task without a name, an unknown status.
SUPERSEDES = {"GSD301": {"GSD115"}, "GSD310": {"GSD153"}, "GSD350": {"GSD171"}}

_KINDS = (
    ("PLAN.md", DocKind.PLAN),
    ("SUMMARY.md", DocKind.SUMMARY),
    ("VERIFICATION.md", DocKind.VERIFICATION),
)


def kind_of(path: Path) -> DocKind | None:
    for suffix, kind in _KINDS:
        if path.name == suffix or path.name.endswith("-" + suffix):
            return kind
    return None


def lint(
    targets: list[str], workspace: Workspace | None, *, explicit_root: Path | None = None
) -> LintReport:
    """Lint `targets` (every document of `workspace` when empty).

    `workspace` is the project of --root or of the current directory (None when there is none);
    `explicit_root` says it came from --root, which confines path targets to it.
    """
    with collector_paused():
        return _lint(targets, workspace, explicit_root)


def _lint(
    targets: list[str], workspace: Workspace | None, explicit_root: Path | None
) -> LintReport:
    run = _Run(workspace, confined=explicit_root is not None)
    if targets:
        for target in targets:
            run.add_target(target)
    else:
        ws = workspace or Workspace.discover(root=explicit_root)
        run.add_workspace(ws)
        for phase in ws.phases():
            run.entries += [(p, ws) for p in phase.documents()]
    ctx = LintContext()
    for ws in run.workspaces.values():
        ctx.path_maps[ws.root] = run.path_map(ws)
    cwd = os.getcwd()
    docs = [_load(path, ws, run.plan_ref(path, ws), cwd) for path, ws in run.unique_entries()]
    diagnostics = list(run.problems)
    for doc in docs:
        diagnostics += doc.loaded.diagnostics if doc.loaded else []
        diagnostics += frontmatter.check(doc)
        diagnostics += tasks.check(doc)
        diagnostics += musthaves.check(doc, ctx)
        diagnostics += commands.check(doc, ctx)
        diagnostics += reports.check(doc)
    diagnostics += graph.check(docs, ctx)
    diagnostics = _drop_superseded(diagnostics)
    order = {d.shown: i for i, d in enumerate(docs)}
    diagnostics.sort(key=lambda d: (order.get(d.file or "", -1), d.line or 0, d.col or 0, d.code))
    files = [LintFile(path=d.shown, kind=d.kind, loaded=_readable(d)) for d in docs]
    return LintReport.build(files, diagnostics, unresolved=run.unresolved)


@record
class _Run:
    default: Workspace | None
    confined: bool
    entries: list[tuple[Path, Workspace | None]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    unresolved: int = 0
    workspaces: dict[Path, Workspace] = field(default_factory=dict)
    _indexes: dict[Path, dict[Path, PlanRef]] = field(default_factory=dict)
    _real_indexes: dict[Path, dict[Path, PlanRef]] = field(default_factory=dict)
    _owners: dict[Path, Workspace] = field(default_factory=dict)  # by folder, found this run

    def add_workspace(self, ws: Workspace) -> Workspace:
        return self.workspaces.setdefault(ws.root, ws)

    def add_target(self, target: str) -> None:
        try:
            self.entries += self._expand(target)
        except GsdError as exc:
            self.unresolved += 1
            diag = exc.diagnostic()
            if exc.candidates:  # a Diagnostic has no candidates field: they go in the hint
                more = "candidates: " + ", ".join(exc.candidates[:20])
                diag.hint = f"{diag.hint}; {more}" if diag.hint else more
            self.problems.append(diag)

    def _expand(self, target: str) -> list[tuple[Path, Workspace | None]]:
        path = expand_user(target)
        if not path.exists():
            ws = self.default or Workspace.discover()
            ws = self.add_workspace(ws)
            found = ws.resolve(target)
            if isinstance(found, Phase):
                return [(p, ws) for p in found.documents()]
            extra = [found.summary_path] if found.summary_exists else []
            return [(p, ws) for p in [found.plan_path, *extra]]
        owner = self._owner(path)
        if owner is not None and not owner.contains(path):
            owner.resolve(target)  # raises the standard "outside the project" error
        if path.is_file():
            return [(path, owner)]
        real = path.resolve()
        if owner is not None:
            if real == owner.root.resolve():  # the project itself: what `gsd lint` alone lints
                return [(p, owner) for ph in owner.phases() for p in ph.documents()]
            for phase in owner.phases():
                if phase.dir.resolve() == real:
                    return [(p, owner) for p in phase.documents()]
        # Any other folder: the planning documents under it (never a README that ends in PLAN.md).
        found_docs = sorted(
            p
            for p in path.rglob("*.md")
            if kind_of(p) and ".gsd" not in p.parts and ".planning" in p.absolute().parts
        )
        return [(p, self._owner(p) if owner is None else owner) for p in found_docs]

    def _owner(self, path: Path) -> Workspace | None:
        if self.confined:
            return self.add_workspace(self.default) if self.default else None
        start = path.absolute() if path.is_dir() else path.absolute().parent
        known = self._owners.get(start)  # documents of one folder: one walk up, not one each
        if known is not None:
            return known
        for folder in (start, *start.parents):
            if folder in self.workspaces:
                found = self.workspaces[folder]
                break
            if (folder / PLANNING).is_dir():
                found = self.add_workspace(Workspace(root=folder, planning=folder / PLANNING))
                break
        else:
            return None
        self._owners[start] = found
        return found

    def unique_entries(self) -> list[tuple[Path, Workspace | None]]:
        seen: dict[Path, tuple[Path, Workspace | None]] = {}
        for path, ws in self.entries:
            seen.setdefault(path.absolute(), (path, ws))
        return list(seen.values())

    def plan_ref(self, path: Path, ws: Workspace | None) -> PlanRef | None:
        if ws is None or kind_of(path) is not DocKind.PLAN:
            return None
        index = self._indexes.get(ws.root)
        if index is None:
            index = self._indexes[ws.root] = {p.plan_path: p for p in ws.plans()}
        found = index.get(path.absolute())
        if found is None:  # spelled through a symlink or with '..': compare real paths
            real_index = self._real_indexes.get(ws.root)
            if real_index is None:  # resolved once per project, not once per file looked up
                real_index = self._real_indexes[ws.root] = {}
                for ref in index.values():
                    real_index.setdefault(ref.plan_path.resolve(), ref)
            found = real_index.get(path.resolve())
        return found

    def path_map(self, ws: Workspace) -> tuple[tuple[str, str], ...]:
        from planner.execution.pathmap import resolve_pairs

        try:
            config = ws.config()
        except GsdError as exc:  # reported once; the run goes on without the mapping
            self.unresolved += 1
            diag = exc.diagnostic()
            if exc.candidates:  # a Diagnostic has no candidates field: they go in the hint
                more = "candidates: " + ", ".join(exc.candidates[:20])
                diag.hint = f"{diag.hint}; {more}" if diag.hint else more
            self.problems.append(diag)
            return ()
        return resolve_pairs(config.path_map.items(), ws.root)


def _readable(doc: LintDoc) -> bool:
    """False when the file could not be read as a document at all (exit 3)."""
    if doc.loaded is None:
        return False
    if doc.loaded.doc is not None:
        return True
    # Other markdown (ROADMAP, CONTEXT ...) has no model: readable unless the loader said otherwise.
    return doc.kind is DocKind.OTHER and not has_errors(doc.loaded.diagnostics)


def _drop_superseded(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    replaced = {(d.file, d.line, old) for d in diagnostics for old in SUPERSEDES.get(d.code, ())}
    return [d for d in diagnostics if (d.file, d.line, d.code) not in replaced]


def _shown(path: Path, cwd: str | None = None) -> str:
    """The path as printed: relative to the current directory when inside it."""
    text = str(path.absolute())
    cwd = os.getcwd() if cwd is None else cwd
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    return text[len(prefix) :] if text.startswith(prefix) else text


def _load(path: Path, ws: Workspace | None, ref: PlanRef | None, cwd: str | None = None) -> LintDoc:
    kind = kind_of(path)
    shown = _shown(path, cwd)
    doc = LintDoc(path=path, shown=shown, kind=kind or DocKind.OTHER, workspace=ws, plan_ref=ref)
    try:
        loaded = load_document(path, kind)
    except GsdError as exc:
        diags = list(getattr(exc, "diagnostics", []) or []) or [exc.diagnostic()]
        loaded = Loaded(path=shown, kind=doc.kind, doc=None, diagnostics=diags)
    loaded.diagnostics = [
        d if d.file == shown else d.model_copy(update={"file": shown}) for d in loaded.diagnostics
    ]
    if (
        loaded.doc is None
        and loaded.kind is not DocKind.OTHER
        and not has_errors(loaded.diagnostics)
    ):
        loaded.diagnostics.append(
            Diagnostic(
                code="GSD232",
                severity=Severity.ERROR,
                message=f"cannot be read as a {loaded.kind.value}",
                file=shown,
                line=1,
            )
        )
    doc.kind = loaded.kind
    doc.loaded = loaded
    return doc
