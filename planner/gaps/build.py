"""Turn chunks of open gaps into draft plans: must-haves, tasks, waves and dependencies.

Must-haves: the failing truths (with the owner's `verify:` when it had one); an artifact for each
file the gaps name (the owning plan's artifact spec when it declares that path, else
`{path, provides}`); the owning plans' key links whose ends are among those files. Links whose
pattern is not a valid regex, and paths that leave the project, are left out (lint would refuse them).
Dependencies: the plans that own the truths (same phase), and the previous chunk of the same group.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import regex

from planner.documents.models import Artifact, KeyLink
from planner.gaps.checks import choose_checks, generated_checks
from planner.gaps.context import Existing, PathCleaner
from planner.gaps.group import Chunk
from planner.gaps.model import DraftPlan, GapTask, OpenGap

PROVIDES_LIMIT = 120
NAME_LIMIT = 120
_TAG_RE = re.compile(r"<(?=[A-Za-z/!?])")


def fill_files_from_owners(
    gaps: list[OpenGap], existing: list[Existing], cleaner: PathCleaner
) -> None:
    """A gap that names no file touches what its owning plans declare (artifacts, else files)."""
    by_id = {e.ref.id: e for e in existing}
    for gap in gaps:
        if gap.files:
            continue
        for owner in (by_id[o] for o in gap.owners if o in by_id):
            assert owner.plan is not None
            fm = owner.plan.frontmatter
            raw = [a.path for a in fm.must_haves.artifacts] or fm.files_modified
            for path in raw:
                clean, _outside = cleaner.clean(path)
                if clean and clean not in gap.files:
                    gap.files.append(clean)


def escape_tags(text: str) -> str:
    """`<done>` written in a gap's prose must not read as plan structure."""
    return _TAG_RE.sub("&lt;", text)


def _short(text: str, limit: int) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def _artifact_spec(artifact: Artifact, path: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"path": path}
    if artifact.provides:
        spec["provides"] = artifact.provides
    if artifact.min_lines:
        spec["min_lines"] = artifact.min_lines
    if artifact.contains:
        spec["contains"] = (
            artifact.contains[0] if len(artifact.contains) == 1 else artifact.contains
        )
    if artifact.exports:
        spec["exports"] = list(artifact.exports)
    return spec


def _link_spec(link: KeyLink) -> dict[str, Any]:
    spec: dict[str, Any] = {"from": link.from_, "to": link.to}
    if link.via:
        spec["via"] = link.via
    if link.pattern:
        spec["pattern"] = link.pattern
    return spec


def _link_ok(link: KeyLink) -> bool:
    for end in (link.from_, link.to):
        path = end.split("::", 1)[0].strip()
        if path.startswith(("/", "~")) or ".." in path.split("/"):
            return False
    if link.pattern:
        try:
            regex.compile(link.pattern, regex.MULTILINE)
        except (regex.error, ValueError, OverflowError, RecursionError):
            return False
    return True


class PlanBuilder:
    def __init__(
        self,
        existing: list[Existing],
        cleaner: PathCleaner,
        report_rel: str,
        relpath: Callable[[Path], str],
    ) -> None:
        self.existing = existing
        self.by_id = {e.ref.id: e for e in existing}
        self.cleaner = cleaner
        self.report_rel = report_rel
        self.report_name = PurePosixPath(report_rel).name
        self.relpath = relpath

    def artifacts(self, gaps: list[OpenGap]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for gap in gaps:
            for path in gap.files:
                if path in seen or any(c in path for c in "*?["):
                    continue
                seen.add(path)
                out.append(
                    self._owner_artifact(gap, path)
                    or {
                        "path": path,
                        "provides": _short(f"Closes gap: {gap.truth}", PROVIDES_LIMIT),
                    }
                )
        return out

    def _owner_artifact(self, gap: OpenGap, path: str) -> dict[str, Any] | None:
        for owner in self._owners(gap):
            assert owner.plan is not None
            for artifact in owner.plan.must_haves.artifacts:
                if self.cleaner.clean(artifact.path)[0] == path:
                    return _artifact_spec(artifact, path)
        return None

    def links(self, gaps: list[OpenGap]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for gap in gaps:
            files = set(gap.files)
            for owner in self._owners(gap):
                assert owner.plan is not None
                for link in owner.plan.must_haves.key_links:
                    ends = {
                        self.cleaner.clean(e.split("::", 1)[0])[0] for e in (link.from_, link.to)
                    }
                    spec = _link_spec(link)
                    if ends & files and _link_ok(link) and spec not in out:
                        out.append(spec)
        return out

    def _owners(self, gap: OpenGap) -> list[Existing]:
        return [self.by_id[o] for o in gap.owners if o in self.by_id and self.by_id[o].plan]

    def truths(self, gaps: list[OpenGap]) -> list[Any]:
        return [
            {"truth": g.truth, "verify": g.truth_verify} if g.truth_verify else g.truth
            for g in gaps
        ]

    def task(self, gap: OpenGap) -> GapTask:
        checks, left_out = choose_checks(gap, self.existing, self.cleaner)
        if not checks:
            checks, passing = generated_checks(
                self.artifacts([gap]), self.links([gap]), self.cleaner.root
            )
            left_out += passing
        return GapTask(
            gap=gap,
            name=escape_tags(_short(f"Close gap: {gap.truth}", NAME_LIMIT)),
            files=gap.files,
            action=escape_tags(self.action(gap, left_out, bool(checks))),
            checks=checks,
            done=escape_tags(gap.truth),
        )

    def action(self, gap: OpenGap, left_out: list[str], has_checks: bool) -> str:
        status = f" ({gap.status})" if gap.status else ""
        parts = [f"Gap {gap.index} of {self.report_name}{status}: {gap.truth}"]
        if gap.reason:
            parts.append(gap.reason)
        issues = [f"- `{path}`: {issue}" for path, issue in gap.issues if issue]
        if issues:
            parts.append("What the verifier found:\n" + "\n".join(issues))
        if gap.missing:
            parts.append("Missing:\n" + "\n".join(f"- {m}" for m in gap.missing))
        if gap.outside:
            parts.append(
                "Paths the report names that are not in this project (check them by hand): "
                + ", ".join(f"`{p}`" for p in gap.outside)
            )
        if left_out:
            parts.append("Checks left out:\n" + "\n".join(f"- {c}" for c in left_out[:5]))
        if has_checks:
            parts.append("Fix the code until the verify commands of this task pass.")
        else:
            parts.append(
                "No automated check exists for this gap: confirm it by hand, or add a command to "
                "this task's verify block."
            )
        return "\n\n".join(parts)

    def references(self, gaps: list[OpenGap]) -> list[str]:
        refs = [self.report_rel]
        for gap in gaps:
            for owner in self._owners(gap):
                for path in (owner.ref.plan_path, owner.ref.summary_path):
                    rel = self.relpath(path)
                    if path.is_file() and rel not in refs:
                        refs.append(rel)
        return refs

    def requirements(self, gaps: list[OpenGap]) -> list[str]:
        out: list[str] = []
        for gap in gaps:
            for owner in self._owners(gap):
                assert owner.plan is not None
                out += [r for r in owner.plan.frontmatter.requirements if r not in out]
        return out

    def owner_wave(self, plan_id: str) -> int:
        owner = self.by_id.get(plan_id)
        wave = owner.plan.frontmatter.wave if owner and owner.plan else None
        return wave if wave and wave > 0 else 1


def build_plans(
    chunks: list[Chunk], builder: PlanBuilder, ids: list[tuple[str, str, str]]
) -> list[DraftPlan]:
    """One draft per chunk; `ids` gives (plan id, number, project-relative path) per chunk."""
    drafts: list[DraftPlan] = []
    last_of_group: dict[int, DraftPlan] = {}
    for chunk, (plan_id, number, path) in zip(chunks, ids, strict=True):
        depends = [o for g in chunk.gaps for o in g.owners]
        depends = list(dict.fromkeys(depends))
        waves = [builder.owner_wave(d) for d in depends]
        previous = last_of_group.get(chunk.group)
        if previous is not None:
            depends.append(previous.id)
            waves.append(previous.wave)
        must_haves: dict[str, Any] = {"truths": builder.truths(chunk.gaps)}
        artifacts, links = builder.artifacts(chunk.gaps), builder.links(chunk.gaps)
        if artifacts:
            must_haves["artifacts"] = artifacts
        if links:
            must_haves["key_links"] = links
        files = list(dict.fromkeys(f for g in chunk.gaps for f in g.files))
        draft = DraftPlan(
            id=plan_id,
            number=number,
            path=path,
            wave=max(waves, default=0) + 1,
            depends_on=depends,
            files_modified=files,
            requirements=builder.requirements(chunk.gaps),
            must_haves=must_haves,
            tasks=[builder.task(g) for g in chunk.gaps],
            references=builder.references(chunk.gaps),
        )
        drafts.append(draft)
        last_of_group[chunk.group] = draft
    return drafts
