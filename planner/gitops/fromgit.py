"""Rebuild a plan's commit record from `git log` (`gsd summary <ref> --from-git`).

The commits are those reachable from HEAD whose subject or `Plan:` trailer names the plan and that
touch something outside `.planning/`, oldest first: what the hooks would have recorded had they
been installed all along. Listed hashes git does not know (phantom commits) are dropped.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from planner.documents.edit import read_managed_section
from planner.gitops.commits import Commit, read_commits
from planner.gitops.context import HookContext, from_planref, summary_lock, update_summary
from planner.gitops.record import (
    SECTION,
    CommitEntry,
    apply_entries,
    entry_for,
    mapping_style,
    read_entries,
)
from planner.workspace import PlanRef, Workspace


def planning_prefix(top: Path, planning: Path) -> str:
    """`.planning/` as a path prefix relative to the work tree (`app/.planning/` in a monorepo)."""
    try:
        rel = planning.resolve().relative_to(top.resolve())
    except ValueError:
        return ".planning/"
    return rel.as_posix().rstrip("/") + "/"


def commits_for_plan(
    ws: Workspace,
    top: Path,
    gitdir: str | os.PathLike[str],
    plan: PlanRef,
    head: str | None = None,
) -> list[Commit]:
    """The plan's commits reachable from HEAD (or from the commit `head` names: a full hash),
    oldest first (see the module docstring)."""
    prefix = planning_prefix(top, ws.planning)
    ctx = HookContext(top, gitdir, ws.planning, prefix, "summary", ws=ws)
    if head is None:
        history = read_commits(top, ["--reverse", "--topo-order", "HEAD"])
    else:
        history = history_of(top, head)
    summary = str(plan.summary_path)
    return [
        c
        for c in history
        if c.plan_refs()  # cheap test first: most commits name no plan
        and any(p.summary_path == summary for p in ctx.plans_of(c, quiet=True))
    ]


_HISTORY_LOCK = threading.Lock()
_HISTORIES: dict[tuple[str, str], list[Commit]] = {}


def history_of(top: Path, head: str) -> list[Commit]:
    """Every commit reachable from the commit `head` (a full hash), oldest first. What a commit
    reaches never changes, so one `git log` serves every plan of a run asking about the same
    HEAD (8 plans finishing together ran 8 identical logs); the threads asking meanwhile wait
    for it. The last few histories are kept, for this process only."""
    key = (os.fspath(top), head)
    with _HISTORY_LOCK:
        found = _HISTORIES.get(key)
        if found is None:
            found = read_commits(top, ["--reverse", "--topo-order", head])
            while len(_HISTORIES) >= 4:
                del _HISTORIES[next(iter(_HISTORIES))]
            _HISTORIES[key] = found
        return found


def rebuilt_entries(entries: list[CommitEntry], commits: list[Commit]) -> list[CommitEntry]:
    """One entry per commit, in order; a commit already listed keeps its entry as written."""
    style = mapping_style(entries)
    out = []
    for c in commits:
        known = next((e for e in entries if e.matches(c.sha)), None)
        out.append(known if known is not None and known.text else entry_for(c, mapping_style=style))
    return out


def rebuild_from_git(
    ws: Workspace, top: Path, gitdir: str | os.PathLike[str], plan: PlanRef
) -> tuple[list[Commit], bool]:
    """Write the plan's `commits:` and Commits section from git; (commits, file changed)."""
    commits = commits_for_plan(ws, top, gitdir, plan)
    if not commits and not plan.summary_path.exists():
        return commits, False  # nothing to say and nowhere it was said

    def change(text: str) -> str:
        entries = read_entries(text)
        new = rebuilt_entries(entries, commits)
        if new == entries and _has_section(text):
            return text
        return apply_entries(text, new)

    with summary_lock(ws):
        return commits, update_summary(from_planref(plan), change) is not None


def _has_section(text: str) -> bool:
    return read_managed_section(text, SECTION) is not None
