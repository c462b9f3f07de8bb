"""Render a draft gap plan with `templates/gap-PLAN.md.j2`, then read it back with the loader.

The read-back is the guarantee that what is written is what was planned: the same ids, the same
tasks, and each task's verify commands exactly as chosen. A difference is a bug in gsd.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import yaml

from planner.gaps.checks import verify_text
from planner.gaps.model import DraftPlan

TEMPLATE = "gap-PLAN.md.j2"


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key, as the seeds write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def frontmatter_yaml(draft: DraftPlan, phase_folder: str) -> str:
    data: dict[str, Any] = {
        "phase": phase_folder,
        "plan": draft.number,
        "type": "execute",
        "wave": draft.wave,
        "depends_on": list(draft.depends_on),
        "files_modified": list(draft.files_modified),
        "autonomous": True,
        "gap_closure": True,
    }
    if draft.requirements:
        data["requirements"] = list(draft.requirements)
    data["must_haves"] = draft.must_haves
    # The pure-Python dumper (as the VERIFICATION writer): same bytes on every install.
    return yaml.dump(
        data,
        Dumper=_IndentedDumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
    )


def _title(draft: DraftPlan) -> str:
    names = [PurePosixPath(f).name for f in draft.files_modified]
    if not names:
        first = draft.tasks[0].gap.truth
        return f"Close gap: {first}"
    shown = ", ".join(names[:2])
    more = len(names) - 2
    if more > 0:
        shown += f" and {more} more file{'s' * (more != 1)}"
    return f"Close verification gaps in {shown}"


def _prose(text: str) -> str:
    # An odd number of ``` would open a code fence that swallows the rest of the plan.
    return text.replace("```", "'''") if text.count("```") % 2 else text


def render_plan(
    draft: DraftPlan,
    *,
    phase_id: str,
    phase_folder: str,
    report: str,
    status: str | None,
    score: str | None,
) -> str:
    from planner.reports.templates import render_template

    tasks = [
        {
            "name": _prose(t.name),
            "files": t.files,
            "action": _prose(t.action),
            "verify": verify_text(t.checks)
            or f"No automated check exists: confirm by hand that {_prose(t.done)}",
            "done": _prose(t.done),
            "gap": t.gap,
        }
        for t in draft.tasks
    ]
    summary = draft.path[: -len("PLAN.md")] + "SUMMARY.md"
    return render_template(
        TEMPLATE,
        frontmatter=frontmatter_yaml(draft, phase_folder),
        plan=draft,
        title=_title(draft),
        phase_id=phase_id,
        report=report,
        report_name=PurePosixPath(report).name,
        status=status or "unknown",
        score=score,
        tasks=tasks,
        summary_path=summary,
    )


def read_back_problems(draft: DraftPlan, text: str) -> list[str]:
    """Differences between the draft and the plan the loader reads from `text` (empty: none)."""
    from planner.documents.loader import load_text
    from planner.documents.models import DocKind, Plan
    from planner.errors import Severity

    loaded = load_text(text, draft.path, DocKind.PLAN)
    plan = loaded.doc
    problems = [d.format() for d in loaded.diagnostics if d.severity is Severity.ERROR]
    if not isinstance(plan, Plan):
        return [*problems, "the plan does not load"]
    if plan.frontmatter.plan != draft.number or not plan.frontmatter.gap_closure:
        problems.append(f"frontmatter reads back as plan {plan.frontmatter.plan!r}")
    if len(plan.tasks) != len(draft.tasks):
        problems.append(f"{len(plan.tasks)} tasks read back, {len(draft.tasks)} written")
        return problems
    for task, want in zip(plan.tasks, draft.tasks, strict=True):
        got = [c.text for c in task.verify.commands] if task.verify else []
        if got != [c.command for c in want.checks]:
            problems.append(f"task {task.index}: verify commands read back as {got!r}")
    truths = [t.text for t in plan.frontmatter.must_haves.truths]
    if truths != [t.gap.truth for t in draft.tasks]:
        problems.append(f"truths read back as {truths!r}")
    return problems
