"""`gsd summary <ref> --from-git`: rebuild a SUMMARY's commit record from git history.

Rebuilding the ledger-managed sections (without --from-git) belongs to the execute side; it will
be a sibling of `summary_from_git` here, sharing `planner.documents.edit`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from planner.errors import ExitCode
from planner.gitops.commits import git_dir
from planner.gitops.fromgit import rebuild_from_git
from planner.gitops.hooks import work_tree
from planner.gitops.record import entry_for
from planner.workspace import Workspace

CODES = {
    "GSD660": "`gsd summary` without --from-git (ledger rebuild) is not available yet",
}


class CommitRow(BaseModel):
    hash: str
    type: str
    subject: str


class SummaryCommitsResult(BaseModel):
    plan: str
    summary: str  # relative to the project root
    changed: bool
    commits: list[CommitRow] = Field(default_factory=list)


def summary_from_git(ws: Workspace, ref: str) -> tuple[SummaryCommitsResult, ExitCode]:
    plan = ws.resolve_plan(ref)
    top = work_tree(ws.root)
    commits, changed = rebuild_from_git(ws, top, git_dir(top), plan)
    rows = []
    for c in commits:
        entry = entry_for(c)
        rows.append(CommitRow(hash=c.short, type=entry.type, subject=entry.text))
    result = SummaryCommitsResult(
        plan=plan.id, summary=ws.relpath(plan.summary_path), changed=changed, commits=rows
    )
    return result, ExitCode.OK


def render_text(result: SummaryCommitsResult) -> list[str]:
    verb = "updated" if result.changed else "unchanged"
    lines = [f"{result.summary}: {verb}, {len(result.commits)} commit(s) for plan {result.plan}"]
    lines.extend(f"  {r.hash} {r.type or '-'} {r.subject}" for r in result.commits)
    return lines
