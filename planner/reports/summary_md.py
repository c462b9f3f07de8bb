"""NN-MM-SUMMARY.md from a PlanRun (DESIGN section 4): owned frontmatter keys + managed sections.

gsd owns the frontmatter keys `status started completed duration tasks must_haves tests commits`
(set with `set_frontmatter_keys`: every other key keeps its bytes) and the body sections between
`<!-- gsd:begin NAME -->` and `<!-- gsd:end NAME -->`: outcome, truths, tasks, tests, artifacts,
key-links, deviations, commits. Everything else in an existing SUMMARY (an agent's or a person's
narrative) stays byte for byte. A section missing from an existing SUMMARY is added inside its
heading when the file has one (`## Test Results`, `## Deviations from Plan`), else at the end. A
new SUMMARY is `templates/SUMMARY.md.j2`: a title and every section.

The Commits section and `commits:` are the git helper's format (`planner.gitops.record`), so the
hooks and execute write the same thing; the commits are the plan's commits found in git (as
`gsd summary --from-git` finds them), or the ones already recorded when there is no git.
The write is atomic, under the SUMMARY lock the hooks use.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.documents.edit import (
    read_managed_section,
    replace_managed_section,
    set_frontmatter_keys,
)
from planner.documents.models import Plan
from planner.errors import GsdError
from planner.fsutil import atomic_write_text, commit_write, discard_write, prepare_write
from planner.gitops.commits import Commit
from planner.gitops.record import CommitEntry, apply_entries, read_entries, render_section
from planner.reports.phase import compute_score
from planner.reports.summary_sections import build_sections, fmt_counts, fmt_duration
from planner.reports.templates import render_template
from planner.results import (
    CommitRef,
    PlanRun,
    PlanRunStatus,
)
from planner.workspace import PlanRef, Workspace

CODES = {
    "GSD960": "the SUMMARY is not UTF-8 text; left as it was",
    "GSD961": "another gsd process held the SUMMARY lock too long",
    "GSD962": "git failed while reading the plan's commits",
}

TEMPLATE = "SUMMARY.md.j2"
OWNED_KEYS = (
    "status",
    "started",
    "completed",
    "duration",
    "tasks",
    "must_haves",
    "tests",
    "commits",
)
_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

_FILE_STATUS = {
    PlanRunStatus.COMPLETE: "complete",
    PlanRunStatus.FAILED: "failed",
}


def file_status(run: PlanRun) -> str:
    """The SUMMARY's `status:`: complete, failed, or partial for everything in between."""
    return _FILE_STATUS.get(run.status, "partial")


def owned_keys(run: PlanRun, entries: Sequence[CommitEntry]) -> dict[str, Any]:
    checks = compute_score([run.checks]) if run.checks is not None else None
    keys: dict[str, Any] = {
        "status": file_status(run),
        "started": run.started_at,
        "completed": run.completed_at or run.started_at,
        "duration": fmt_duration(run.duration),
        "tasks": f"{run.tasks_passed}/{len(run.tasks)} passed",
        "must_haves": f"{checks.verified}/{checks.total} verified" if checks else "0/0 verified",
    }
    if run.tests_after is not None:
        t = run.tests_after
        keys["tests"] = {
            "passed": t.passed,
            "failed": t.failed,
            "errors": t.errors,
            "skipped": t.skipped,
            "total": t.total,
        }
        if run.tests_before is not None:
            keys["tests"]["before"] = f"{fmt_counts(run.tests_before)} passing"
    keys["commits"] = [e.raw for e in entries]
    return keys


# -------------------------------------------------------------------------------------------
# The document


def find_heading(text: str, names: Sequence[str]) -> str:
    """The first of `names` that is a heading of `text` (outside code fences), else names[0]."""
    wanted = {n.lower(): n for n in names}
    found: dict[str, str] = {}
    fence: str | None = None
    for line in text.splitlines():
        m = _FENCE_RE.match(line)
        if m:
            fence = None if fence and m.group(1)[0] == fence[0] else (fence or m.group(1))
            continue
        if fence is None:
            h = _HEADING_RE.match(line)
            if h and h.group(1).strip().lower() in wanted:
                found.setdefault(h.group(1).strip().lower(), h.group(1).strip())
    for name in names:
        if name.lower() in found:
            return found[name.lower()]
    return names[0]


def render_summary(
    old: str | None, ref: PlanRef, plan: Plan, run: PlanRun, commits: Sequence[Commit] | None
) -> tuple[str, list[CommitEntry]]:
    """The new SUMMARY text and its commit entries (`old` None: a new file)."""
    from planner.gitops.fromgit import rebuilt_entries

    recorded = read_entries(old) if old is not None else []
    entries = rebuilt_entries(recorded, list(commits)) if commits is not None else recorded
    sections = build_sections(plan, run)
    keys = owned_keys(run, entries)
    if old is None:  # a new file, its frontmatter written in one edit
        body = render_template(
            TEMPLATE,
            title=f"{plan.title or 'Plan ' + ref.id} Summary",
            plan_id=ref.id,
            objective=_first_line(plan.objective),
            sections=sections,
            commits=render_section(entries),
        )
        ids = {"phase": ref.phase.dir.name, "plan": ref.number or ref.id}
        text = set_frontmatter_keys(body, ids | keys)
    else:
        # gsd owns `tests`: a run without counts removes the previous run's, not keep them.
        text = set_frontmatter_keys(old, keys, remove=[k for k in OWNED_KEYS if k not in keys])
    for s in sections:
        # The heading places a section that is not there yet; looking for it costs a scan.
        there = read_managed_section(text, s.name) is not None
        heading = None if there else find_heading(text, s.headings)
        text = replace_managed_section(text, s.name, s.content, heading=heading)
    return apply_entries(text, entries), entries


def write_summary(
    ws: Workspace, ref: PlanRef, plan: Plan, run: PlanRun, commits: Sequence[Commit] | None
) -> tuple[bool, list[CommitRef]]:
    """Write the plan's SUMMARY atomically; (written, the commits it records)."""
    pending = prepare_summary(ws, ref, plan, run, commits)
    try:
        return pending.commit()
    finally:
        pending.discard()


def prepare_summary(
    ws: Workspace, ref: PlanRef, plan: Plan, run: PlanRun, commits: Sequence[Commit] | None
) -> PendingSummary:
    """The SUMMARY rendered and flushed to a temp file beside it, not yet in place.

    The plans of a phase end together: rendering and the disk flush (~10 ms a plan) happen here,
    in parallel and outside any lock; `PendingSummary.commit` only renames, under the lock."""
    old = _read_summary(ws, ref.summary_path)
    new, entries = render_summary(old, ref, plan, run, commits)
    pending = PendingSummary(ws, ref, plan, run, commits, old, entries)
    if new != old:
        pending.tmp = prepare_write(ref.summary_path, new.encode("utf-8"))
    return pending


class PendingSummary:
    """A rendered SUMMARY: `commit()` puts it in place, `discard()` drops it (after a commit,
    a no-op)."""

    def __init__(
        self,
        ws: Workspace,
        ref: PlanRef,
        plan: Plan,
        run: PlanRun,
        commits: Sequence[Commit] | None,
        old: str | None,
        entries: list[CommitEntry],
    ) -> None:
        self.ws, self.ref, self.plan, self.run, self.commits = ws, ref, plan, run, commits
        self.old, self.entries = old, entries
        self.tmp: str | None = None  # the rendered text on disk; None when there is no change

    def commit(self) -> tuple[bool, list[CommitRef]]:
        """Under the SUMMARY lock: rename the temp file into place if the SUMMARY is still what
        it was rendered from; if a hook wrote meanwhile, render again on what is there now.
        (written, the commits it records)."""
        from planner.gitops.context import LockTimeout, summary_lock

        path, entries = self.ref.summary_path, self.entries
        try:
            with summary_lock(self.ws):
                current = _read_summary(self.ws, path)
                if current == self.old:
                    written = self.tmp is not None
                    if self.tmp is not None:
                        commit_write(self.tmp, path)
                        self.tmp = None
                else:
                    self.discard()
                    new, entries = render_summary(
                        current, self.ref, self.plan, self.run, self.commits
                    )
                    written = atomic_write_text(path, new) if new != current else False
        except LockTimeout as exc:
            raise GsdError(
                str(exc), code="GSD961", hint="another gsd or hook is writing; run again"
            ) from None
        return written, entry_refs(entries, self.commits or ())

    def discard(self) -> None:
        if self.tmp is not None:
            discard_write(self.tmp)
            self.tmp = None


def _read_summary(ws: Workspace, path: Path) -> str | None:
    from planner.gitops.context import read_text

    try:
        return read_text(path) if path.exists() else None
    except UnicodeDecodeError as exc:
        raise GsdError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            code="GSD960",
            file=ws.relpath(path),
            hint="save the SUMMARY as UTF-8",
        ) from None


def plan_commits(ws: Workspace, ref: PlanRef) -> list[Commit] | None:
    """The plan's commits in git, oldest first (what `gsd summary --from-git` records); None when
    the project is not in a git work tree."""
    from planner.gitops.commits import GitError, git_dir, run_git
    from planner.gitops.fromgit import commits_for_plan

    top = _work_tree(ws.root)
    if top is None:
        return None
    try:
        head = run_git(["rev-parse", "--verify", "-q", "HEAD"], top).strip()
    except GitError:
        return []  # a repository without commits yet
    try:
        return commits_for_plan(ws, top, git_dir(top), ref, head)
    except GitError as exc:
        raise GsdError(str(exc), code="GSD962") from None


def _work_tree(root: Path) -> Path | None:
    """The git work tree holding `root` (asked once per run: the plans of a phase share it)."""
    from planner.gitops.hooks import work_tree

    with _GIT_LOCK:
        if root not in _TOPS:
            try:
                _TOPS[root] = work_tree(root)
            except GsdError:
                _TOPS[root] = None
        return _TOPS[root]


_GIT_LOCK = threading.Lock()
_TOPS: dict[Path, Path | None] = {}


def commit_refs(commits: Sequence[Commit]) -> list[CommitRef]:
    from planner.gitops.record import entry_for

    return entry_refs([entry_for(c) for c in commits], commits)


def entry_refs(entries: Sequence[CommitEntry], commits: Sequence[Commit] = ()) -> list[CommitRef]:
    """Recorded entries as CommitRefs, with the full hash when git gave the commit."""
    out = []
    for e in entries:
        if e.key is None:
            continue
        full = next((c.sha for c in commits if e.matches(c.sha)), e.key)
        out.append(CommitRef(hash=full, short=e.key[:7], type=e.type or None, subject=e.text))
    return out


def _first_line(text: str | None) -> str:
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
