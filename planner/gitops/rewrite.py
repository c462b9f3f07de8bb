"""post-rewrite: after an amend or a rebase, recorded hashes follow their commits.

git passes `old new` pairs on stdin, in the order the new commits were made. The outcome must be
what recording each resulting commit directly would have produced, so per SUMMARY:
- entries for commits that no longer exist (rewritten, squashed, dropped) are removed;
- the commits of the new range (from the rebase's `onto`, or the amended commit, up to HEAD; it
  also holds commits made during `edit` stops) that name the plan follow the older entries, in
  history order.
During a rebase git fires post-rewrite `amend` for rewords and edits (and post-commit for every
pick); both are skipped, the final post-rewrite `rebase` carries all the pairs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from planner.gitops.commits import (
    Commit,
    GitError,
    operation_in_progress,
    read_commits,
    run_git,
)
from planner.gitops.context import (
    HookContext,
    from_planref,
    lock_timeout,
    planning_lock,
    read_text,
)
from planner.gitops.planfind import FoundPlan
from planner.gitops.record import CommitEntry, apply_entries, entry_for, mapping_style, read_entries


def parse_pairs(stdin: str) -> list[tuple[str, str]]:
    pairs = []
    for line in stdin.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            pairs.append((parts[0].lower(), parts[1].lower()))
    return pairs


def rewritten_entries(
    entries: Sequence[CommitEntry], gone: set[str], belongs: Sequence[Commit]
) -> list[CommitEntry]:
    """`entries` without the gone commits, then the range's commits for this SUMMARY in order."""
    existing = {c.sha: next((e for e in entries if e.matches(c.sha)), None) for c in belongs}
    keep = [
        e
        for e in entries
        if not (e.key and any(e.matches(h) for h in gone))
        and not any(existing[c.sha] is e for c in belongs)
    ]
    style = mapping_style(entries)
    return keep + [existing[c.sha] or entry_for(c, mapping_style=style) for c in belongs]


def post_rewrite(ctx: HookContext, kind: str, stdin: str) -> None:
    state = operation_in_progress(ctx.gitdir)
    if kind != "rebase" and state:  # an amend inside a rebase: the rebase's own run covers it
        ctx.log("GSD623", f"skipped {kind}: {state} in progress")
        return
    pairs = parse_pairs(stdin)
    if not pairs:
        return
    if kind == "rebase":
        # What the rebase left behind: rewritten, squashed and dropped commits (dropped ones are
        # in no pair; an `edit` stop pairs a commit that is still there with the next one).
        try:
            gone = set(run_git(["rev-list", "ORIG_HEAD", "^HEAD"], ctx.top).split())
        except GitError:  # no ORIG_HEAD: only the pairs are known
            gone = {old for old, new in pairs if old != new}
    else:
        gone = {old for old, new in pairs if old != new}
    gone -= {new for _, new in pairs}
    commits = read_commits(
        ctx.top, ["--reverse", "--topo-order", "HEAD", "--not", *_base(ctx, pairs)]
    )
    with planning_lock(ctx.planning, lock_timeout()):
        targets: dict[str, tuple[FoundPlan, list[Commit]]] = {}
        for commit in commits:
            for plan in ctx.plans_of(commit, quiet=True):
                targets.setdefault(plan.summary_path, (plan, []))[1].append(commit)
        for ref in ctx.ws.plans():
            path = str(ref.summary_path)
            if path not in targets and _mentions(path, gone):
                targets[path] = (from_planref(ref), [])
        changed = []
        for path, (plan, belongs) in targets.items():

            def change(text: str, belongs: list[Commit] = belongs) -> str:
                entries = read_entries(text)
                new = rewritten_entries(entries, gone, belongs)
                return text if new == entries else apply_entries(text, new)

            if ctx.edit_summary(plan, change):
                changed.append(ctx.relpath(path))
    if changed:
        ctx.log("ok", f"{kind}: {len(pairs)} rewritten, updated {', '.join(changed)}")


def _base(ctx: HookContext, pairs: list[tuple[str, str]]) -> list[str]:
    """Where the new history starts: the rebase's `onto` (its state dir still exists while
    post-rewrite runs), else the parents of the first commit written."""
    for state in ("rebase-merge", "rebase-apply"):
        onto = os.path.join(ctx.gitdir, state, "onto")
        if os.path.isfile(onto):
            with open(onto, encoding="utf-8") as fh:
                return [fh.read().strip()]
    first = next((new for old, new in pairs if old != new), pairs[0][1])
    return [f"{first}^@"]


def _mentions(path: str, hashes: set[str]) -> bool:
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError):
        return False
    return any(h[:7] in text for h in hashes)
