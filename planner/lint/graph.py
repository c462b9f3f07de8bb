"""Plan dependencies: every depends_on entry resolves, no cycles, waves agree with dependencies.

depends_on entries seen in real plans: `26-01` (a plan id), `01` or `1` (a plan of the same phase),
`Phase 20` / `07.3` (a whole phase: allowed, not part of wave ordering). Waves are per phase, so a
declared wave must be greater than the wave of every same-phase plan it depends on.
"""

from __future__ import annotations

from planner.errors import Diagnostic, GsdError
from planner.lint.base import ERROR, LintContext, LintDoc
from planner.waves import find_cycle
from planner.workspace import Phase, PlanRef, Workspace, normalize

CODES = {
    "GSD340": "depends_on entry does not name a plan or phase of this project",
    "GSD341": "plans depend on each other in a cycle",
    "GSD342": "declared wave is not after the waves of the plans it depends on",
}


def resolve_dependency(ws: Workspace, plan: PlanRef, entry: str) -> PlanRef | Phase:
    """A depends_on entry of `plan`: a bare number is a plan of the same phase first."""
    text = entry.strip()
    for sibling in plan.phase.plans():
        if sibling.number and normalize(sibling.number) == normalize(text):
            return sibling
    return ws.resolve(text)


def check(docs: list[LintDoc], ctx: LintContext) -> list[Diagnostic]:
    """Dependency rules, project by project."""
    groups: dict[int, tuple[Workspace, list[LintDoc]]] = {}
    for doc in docs:
        if doc.workspace is not None:
            groups.setdefault(id(doc.workspace), (doc.workspace, []))[1].append(doc)
    out: list[Diagnostic] = []
    for ws, group in groups.values():
        out += _check_project(ws, group, ctx)
    return out


def _check_project(ws: Workspace, docs: list[LintDoc], ctx: LintContext) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    linted = {id(d.plan_ref): d for d in docs if d.plan_ref is not None and d.plan is not None}
    # The dependency graph of every phase a linted plan is in (siblings loaded as needed).
    phases = {id(d.plan_ref.phase): d.plan_ref.phase for d in linted.values() if d.plan_ref}
    graph: dict[str, list[str]] = {}
    refs: dict[str, PlanRef] = {}
    for phase in phases.values():
        for ref in phase.plans():
            refs[ref.id] = ref
    edges: dict[str, list[tuple[str, PlanRef]]] = {}
    for ref in list(refs.values()):
        doc = linted.get(id(ref))
        plan = doc.plan if doc else ctx.plan_at(ref.plan_path)
        if plan is None:
            continue
        deps: list[tuple[str, PlanRef]] = []
        for entry in plan.frontmatter.depends_on:
            try:
                target = resolve_dependency(ws, ref, entry)
            except GsdError as exc:
                if doc is not None:
                    out.append(
                        doc.diag(
                            "GSD340",
                            ERROR,
                            f"depends_on {entry!r}: {exc.message}",
                            line=doc.line_of("depends_on"),
                            hint=_candidates_hint(exc, ref),
                        )
                    )
                continue
            if isinstance(target, PlanRef):
                deps.append((entry, target))
                refs.setdefault(target.id, target)
        edges[ref.id] = deps
        graph[ref.id] = [t.id for _, t in deps]
    out += _cycles(graph, refs, linted)
    for doc in linted.values():
        assert doc.plan_ref is not None
        out += _waves(doc, edges.get(doc.plan_ref.id, []), ctx, linted)
    return out


def _candidates_hint(exc: GsdError, ref: PlanRef) -> str:
    siblings = [p.number or p.id for p in ref.phase.plans() if p is not ref]
    text = "write a plan id (26-04) or a plan number of this phase"
    if siblings:
        text += ": " + ", ".join(siblings[:12])
    elif exc.candidates:
        text += "; known: " + ", ".join(exc.candidates[:12])
    return text


def _cycles(
    graph: dict[str, list[str]], refs: dict[str, PlanRef], linted: dict[int, LintDoc]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    remaining = dict(graph)
    seen: set[frozenset[str]] = set()
    while True:
        cycle = find_cycle(remaining)
        if not cycle:
            return out
        members = frozenset(cycle)
        if members not in seen:
            seen.add(members)
            for plan_id in cycle[:-1]:
                doc = linted.get(id(refs[plan_id]))
                if doc is not None:
                    out.append(
                        doc.diag(
                            "GSD341",
                            ERROR,
                            "dependency cycle: " + " -> ".join(cycle),
                            line=doc.line_of("depends_on"),
                            hint="plans in a cycle can never start; remove one depends_on entry",
                        )
                    )
        # Break the cycle at its first edge and look for the next one.
        first, second = cycle[0], cycle[1]
        remaining[first] = [d for d in remaining[first] if d != second]


def _waves(
    doc: LintDoc, deps: list[tuple[str, PlanRef]], ctx: LintContext, linted: dict[int, LintDoc]
) -> list[Diagnostic]:
    assert doc.plan is not None and doc.plan_ref is not None
    wave = doc.plan.frontmatter.wave
    if wave is None:
        return []
    out: list[Diagnostic] = []
    for entry, target in deps:
        if target.phase is not doc.plan_ref.phase or target is doc.plan_ref:
            continue
        other_doc = linted.get(id(target))
        other = other_doc.plan if other_doc else ctx.plan_at(target.plan_path)
        other_wave = other.frontmatter.wave if other else None
        if other_wave is not None and wave <= other_wave:
            out.append(
                doc.diag(
                    "GSD342",
                    ERROR,
                    f"wave {wave}, but it depends on {target.id} (wave {other_wave}; "
                    f"depends_on {entry!r})",
                    line=doc.line_of("wave"),
                    hint=f"make it `wave: {other_wave + 1}` or later, or drop the dependency",
                )
            )
    return out
