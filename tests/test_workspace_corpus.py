"""Workspace over the real corpus layouts (../shared/corpus, read-only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.errors import ReferenceError_
from planner.workspace import Phase, Workspace


def _workspaces(corpus: Path) -> list[Workspace]:
    found = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        planning = (
            next(iter(sorted(repo.glob("**/.planning"))), None)
            if not (repo / ".planning").is_dir()
            else repo / ".planning"
        )
        if planning is not None:
            found.append(Workspace.discover(root=planning.parent))
    return found


def _ws(corpus: Path, repo: str) -> Workspace:
    base = corpus / repo
    planning = (
        base / ".planning" if (base / ".planning").is_dir() else next(base.glob("**/.planning"))
    )
    return Workspace.discover(root=planning.parent)


def test_every_corpus_plan_resolves_by_id_and_by_path(corpus_dir: Path) -> None:
    total = 0
    for ws in _workspaces(corpus_dir):
        for plan in ws.plans():
            total += 1
            assert ws.resolve_plan(plan.id) is plan, (ws.root.name, plan.id)
            assert ws.resolve(str(plan.plan_path)) is plan
        for phase in ws.phases():
            same = [p for p in ws.phases() if p.key == phase.key]
            if len(same) == 1 or (not phase.archived and sum(not p.archived for p in same) == 1):
                assert ws.resolve_phase(phase.id) is phase, (ws.root.name, phase.id)
    assert total >= 940


def test_every_phase_folder_plan_file_is_listed(corpus_dir: Path) -> None:
    """No PLAN.md under phases/ or milestones/ is missed by the listing."""
    for ws in _workspaces(corpus_dir):
        listed = {p.plan_path for p in ws.plans()}
        for path in ws.planning.glob("*/**/*PLAN.md"):
            if re.search(r"(^|-)PLAN\.md$", path.name) and path.parent.parent.name in (
                "phases",
                "v1.0-phases",
            ):
                assert path in listed, path


@pytest.mark.parametrize(
    ("repo", "ref", "plan_file"),
    [
        ("gleicon__tldt", "9.1-01", "9.1-01-PLAN.md"),
        ("gleicon__tldt", "09.1-01", "9.1-01-PLAN.md"),
        ("gleicon__nano", "v1.2-01-01", "v1.2-01-01-PLAN.md"),
        ("gleicon__nano", "v1.1-02-02", "02-02-PLAN.md"),
        ("gleicon__nano", "06", "06-PLAN.md"),
        ("Biographica__ag-cli", "2.1-01", "02.1-01-PLAN.md"),
        ("CodeWarrior-debug__perspectize-be", "3.2-01", "03.2-01-PLAN.md"),
        ("Atypical-Consulting__FlowForge", "20.1", "PLAN.md"),
        ("Am4nn__Owe", "08-GAP", "08-GAP-PLAN.md"),
        ("Am4nn__Owe", "1.5-01", "1.5-01-PLAN.md"),
        ("sneptech__bittybot", "10-T-P0", "T-P0-PLAN.md"),
        ("PineappleBond__TradingEino", "01-02", "01-foundation-safety-02-PLAN.md"),
        ("gptcompany__pepers", "14-01", "14-01-PLAN.md"),
        ("gptcompany__pepers", "38-01", "38-01-PLAN.md"),
    ],
)
def test_corpus_reference_forms(corpus_dir: Path, repo: str, ref: str, plan_file: str) -> None:
    assert _ws(corpus_dir, repo).resolve_plan(ref).plan_path.name == plan_file


def test_corpus_archived_phases(corpus_dir: Path) -> None:
    ws = _ws(corpus_dir, "Biographica__ag-cli")
    phases = ws.phases()
    assert phases and all(p.archived and p.milestone == "v1.0" for p in phases)
    assert [p.id for p in phases] == ["01", "02", "02.1", "02.2", "03", "04", "05"]
    pepers = _ws(corpus_dir, "gptcompany__pepers")
    archived = {p.dir.name for p in pepers.phases() if p.archived}
    assert archived == {"38-branding-naming", "phase-11", "phase-13"}
    assert pepers.resolve_phase("11").archived is False  # the active (empty) phase 11 wins
    assert pepers.resolve_plan("11-01").phase.archived is True  # the only plan 11-01 is archived


def test_corpus_duplicate_phase_number_is_ambiguous(corpus_dir: Path) -> None:
    ws = _ws(corpus_dir, "gptcompany__pepers")
    with pytest.raises(ReferenceError_) as info:
        ws.resolve("14")
    assert info.value.code == "GSD204"
    assert len(info.value.candidates) == 2
    assert isinstance(ws.resolve("14-validator-research-design"), Phase)


def test_corpus_code_phase_and_plain_phase_stay_apart(corpus_dir: Path) -> None:
    ws = _ws(corpus_dir, "gleicon__nano")
    assert ws.resolve_phase("01").dir.name == "01-v8-foundation"
    assert ws.resolve_phase("v1.2-01").dir.name == "v1.2-01-per-app-env-vars"
    assert ws.resolve_plan("02-01").phase.dir.name == "02-api-surface"
