"""`--format github`: one `::error file=F,line=L,title=T::message` workflow command per gap and a
`::warning` per item that needs a person, so CI shows them on the pull request's files.

Where an annotation points: the first located evidence of the failing item (the `file:line` a check
found), else the line of the must-have (or command) in its PLAN.md. Completeness gaps point at the
SUMMARY line of the claim; plan diagnostics at their own location. Paths are made relative to the
git work tree's top (GitHub resolves them from there), or kept project-relative outside git.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from planner.documents.models import Plan
from planner.errors import Severity
from planner.reports.phase import (
    PhaseVerification,
    identity_artifact,
    identity_command,
    identity_completeness,
    identity_link,
    identity_task,
    identity_truth,
    phrase_completeness,
)
from planner.results import Evidence

Location = tuple[str, int | None]
# (plan id, item identity) -> where the item is written in its PLAN.md
Locations = dict[tuple[str, str], Location]


def plan_locations(plan: Plan, plan_id: str) -> Locations:
    out: Locations = {}
    must = plan.must_haves
    for t in must.truths:
        out[(plan_id, identity_truth(t.text))] = (plan.path, t.line)
        if t.verify:
            out.setdefault((plan_id, identity_command(t.verify)), (plan.path, t.line))
    for a in must.artifacts:
        out[(plan_id, identity_artifact(a.path))] = (plan.path, a.line)
    for lk in must.key_links:
        out[(plan_id, identity_link(lk.from_, lk.to))] = (plan.path, lk.line)
    if plan.verification is not None:
        for c in plan.verification.commands:
            out.setdefault((plan_id, identity_command(c.text)), (plan.path, c.line))
    for task in plan.tasks:  # a task gap points at the task's first verify command, else the task
        first = task.verify.commands[0].line if task.verify and task.verify.commands else None
        out[(plan_id, identity_task(plan_id, task.index))] = (plan.path, first or task.line)
    return out


def _located(evidence: list[Evidence]) -> Location | None:
    for ev in evidence:
        if ev.file and ev.line:
            return ev.file, ev.line
    return None


def evidence_locations(pv: PhaseVerification) -> Locations:
    """(plan, identity) -> the first `file:line` evidence of each failing item."""
    out: Locations = {}

    def put(plan: str, ident: str, loc: Location | None) -> None:
        if loc is not None:
            out.setdefault((plan, ident), loc)

    for p in pv.plans:
        for t in p.truths:
            put(p.plan_id, identity_truth(t.text), _located(t.evidence))
        for a in p.artifacts:
            put(p.plan_id, identity_artifact(a.path), _located(a.evidence))
        for lk in p.links:
            put(p.plan_id, identity_link(lk.from_, lk.to), _located(lk.evidence))
        for d in p.diagnostics:
            if d.severity is Severity.ERROR:
                where = f", line {d.line}" if d.line else ""
                phrase = f"Plan {p.plan_id} can be checked ({d.code}{where})"
                put(p.plan_id, identity_completeness(phrase), (d.file or p.path, d.line))
    for f in pv.completeness:
        if f.evidence and f.evidence.file:
            put(
                f.plan,
                identity_completeness(phrase_completeness(f)),
                (f.evidence.file, f.evidence.line),
            )
    return out


def repo_prefix(root: Path) -> str:
    """The project root's path inside its git work tree ("examples/atom/"), "" outside git."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-prefix"],
            cwd=root,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.decode("utf-8", "replace").strip() if proc.returncode == 0 else ""


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, file: str | None, line: int | None, title: str) -> str:
    props = []
    if file:
        props.append(f"file={_prop(file)}")
        if line:
            props.append(f"line={line}")
    props.append(f"title={_prop(title)}")
    return f"::{kind} {','.join(props)}::{_data(message)}"


def gap_annotations(
    pv: PhaseVerification, plan_locs: Mapping[tuple[str, str], Location], prefix: str = ""
) -> list[str]:
    found = evidence_locations(pv)

    def where(plan: str | None, ident: str) -> Location:
        key = (plan or "", ident)
        loc = found.get(key) or plan_locs.get(key)
        if loc is None:  # human items name no plan: any plan that declares the truth
            loc = next((v for (_, i), v in plan_locs.items() if i == ident), None)
        if loc is None:
            return "", None
        file = loc[0] if loc[0].startswith("/") else prefix + loc[0]
        return file, loc[1]

    lines: list[str] = []
    for g in pv.gaps:
        file, line = where(g.plan, g.identity)
        lines.append(
            command(
                "error",
                f"{g.truth}: {g.reason}",
                file or None,
                line,
                f"gsd verify {g.plan or pv.phase_number}: {g.status}",
            )
        )
    for h in pv.human_verification:
        file, line = where(None, identity_truth(h.test))
        why = f" ({h.why_human})" if h.why_human else ""
        lines.append(
            command(
                "warning",
                f"needs a person: {h.test}{why}",
                file or None,
                line,
                "gsd verify: human verification",
            )
        )
    return lines
