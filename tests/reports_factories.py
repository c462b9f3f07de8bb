"""Builders for the report tests: real result models, constructed directly (no checks run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from planner.documents.models import (
    Gap,
    GapArtifact,
    HumanItem,
    Override,
    ReVerification,
    Verification,
)
from planner.reports.phase import PhaseVerification, build_phase_verification
from planner.results import (
    ArtifactResult,
    ArtifactStatus,
    CommandResult,
    CommandStatus,
    Evidence,
    LinkResult,
    LinkStatus,
    PlanCheckResult,
    TruthResult,
    TruthSource,
    TruthStatus,
)

T0 = "2026-02-18T21:30:00Z"
T1 = "2026-02-19T08:00:00Z"


def truth(text: str, status: TruthStatus = TruthStatus.PASSED, **kw: Any) -> TruthResult:
    kw.setdefault(
        "source", TruthSource.COMMAND if status is not TruthStatus.UNCERTAIN else TruthSource.NONE
    )
    return TruthResult(text=text, status=status, **kw)


def artifact(
    path: str, status: ArtifactStatus = ArtifactStatus.VERIFIED, **kw: Any
) -> ArtifactResult:
    return ArtifactResult(path=path, status=status, **kw)


def link(src: str, dst: str, status: LinkStatus = LinkStatus.WIRED, **kw: Any) -> LinkResult:
    return LinkResult(from_=src, to=dst, status=status, **kw)


def cmd(command: str, status: CommandStatus = CommandStatus.PASSED, **kw: Any) -> CommandResult:
    kw.setdefault("exit_code", 0 if status is CommandStatus.PASSED else 1)
    return CommandResult(command=command, run_command=command, cwd=".", status=status, **kw)


def ev(file: str | None, line: int | None, text: str) -> Evidence:
    return Evidence(file=file, line=line, text=text)


def plan(plan_id: str = "26-04", **kw: Any) -> PlanCheckResult:
    return PlanCheckResult(
        plan_id=plan_id, path=f".planning/phases/26-ci-cd-fixes/{plan_id}-PLAN.md", **kw
    )


def build(plans: list[PlanCheckResult], **kw: Any) -> PhaseVerification:
    kw.setdefault("phase", "26-ci-cd-fixes")
    kw.setdefault("phase_name", "CI/CD Fixes")
    kw.setdefault("goal", "Fix failing tests across all phases to achieve 100% CI pass rate")
    kw.setdefault("verified_at", T0)
    kw.setdefault("gsd_version", "0.1.0")
    return build_phase_verification(plans=plans, **kw)


def split_frontmatter(text: str) -> tuple[dict[str, Any], str]:
    assert text.startswith("---\n"), text[:40]
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]) or {}, text[end + 5 :]


def verification_from_text(text: str, path: str = "26-VERIFICATION.md") -> Verification:
    """A stand-in for the loader (tests only): frontmatter by yaml, the body as is."""
    if not text.startswith("---"):
        return Verification(path=path, has_frontmatter=False, body=text)
    fm, body = split_frontmatter(text)
    rv = fm.get("re_verification")
    return Verification(
        path=path,
        phase=str(fm.get("phase")),
        verified=str(fm.get("verified")),
        status=fm.get("status"),
        score=fm.get("score"),
        re_verification=ReVerification(**rv) if isinstance(rv, dict) else None,
        overrides=[Override(**o) for o in fm.get("overrides") or []],
        gaps=[
            Gap(
                truth=g["truth"],
                status=g.get("status"),
                reason=g.get("reason"),
                artifacts=[GapArtifact(**a) for a in g.get("artifacts") or []],
                missing=g.get("missing") or [],
            )
            for g in fm.get("gaps") or []
        ],
        human_verification=[HumanItem(**h) for h in fm.get("human_verification") or []],
        frontmatter=fm,
        body=body,
    )


def load_seed_verification(seeds_dir: Path, name: str) -> Verification:
    return verification_from_text((seeds_dir / name).read_text(encoding="utf-8"), path=name)
