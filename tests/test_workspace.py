"""Workspace: discovery, phase and plan listing, reference resolution over real tmp layouts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.errors import ExitCode, GsdError, ReferenceError_
from planner.workspace import Phase, PlanRef, Workspace, normalize


def make(root: Path, files: list[str]) -> Workspace:
    """Create `files` (paths under .planning/) with a one-line body; return the workspace."""
    planning = root / ".planning"
    planning.mkdir(parents=True, exist_ok=True)
    for rel in files:
        path = planning / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {path.name}\n", encoding="utf-8")
    return Workspace.discover(root=root)


LAYOUT = [
    "phases/01-foundation/01-01-PLAN.md",
    "phases/01-foundation/01-01-SUMMARY.md",
    "phases/01-foundation/01-02-PLAN.md",
    "phases/02-core/02-01-PLAN.md",
    "phases/02.1-hotfix/2.1-01-PLAN.md",
    "phases/02.10-late-insert/02.10-01-PLAN.md",
    "phases/12-tier-1-coverage-push/12-tier-1-coverage-push-GAP-01-PLAN.md",
    "phases/12-tier-1-coverage-push/12-tier-1-coverage-push-VERIFICATION.md",
    "phases/12A-letter/12A-01-PLAN.md",
    "phases/21-twenty-one/21-01-PLAN.md",
    "phases/26-ci-cd-fixes/26-04-PLAN.md",
    "phases/26-ci-cd-fixes/26-04-SUMMARY.md",
    "phases/26-ci-cd-fixes/26-06-PLAN.md",
    "phases/26-ci-cd-fixes/26-VERIFICATION.md",
    "phases/26-ci-cd-fixes/26-01-SUMMARY.md",
    "phases/CK-01-code-phase/CK-01-02-PLAN.md",
    "phases/v1.2-01-env-vars/v1.2-01-01-PLAN.md",
    "phases/v1.1-02-reload/02-01-PLAN.md",
    "phases/30-single/PLAN.md",
    "phases/08-review/08-GAP-PLAN.md",
    "phases/08-review/fix-oauth-warmup-PLAN.md",
    "phases/08-review/VERIFICATION.md",
    "phases/notes/README.md",
    "milestones/v1.0-phases/05-old-work/05-01-PLAN.md",
    "milestones/v1.0-phases/01-foundation/01-01-PLAN.md",
]


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return make(tmp_path / "proj", LAYOUT)


# ---------------------------------------------------------------------------------------------
# discovery


def test_discover_walks_up_to_the_nearest_planning(tmp_path: Path) -> None:
    ws = make(tmp_path / "proj", LAYOUT)
    deep = ws.root / "src" / "pkg"
    deep.mkdir(parents=True)
    found = Workspace.discover(start=deep)
    assert found.root == ws.root
    assert found.planning == ws.root / ".planning"


def test_discover_root_accepts_project_or_planning_folder(ws: Workspace) -> None:
    assert Workspace.discover(root=ws.root).root == ws.root
    assert Workspace.discover(root=ws.planning).root == ws.root


def test_discover_without_planning_is_an_error_with_hint(tmp_path: Path) -> None:
    with pytest.raises(GsdError) as info:
        Workspace.discover(start=tmp_path)
    assert info.value.code == "GSD201"
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert "--root" in (info.value.hint or "")


def test_root_without_planning_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GsdError) as info:
        Workspace.discover(root=tmp_path)
    assert info.value.code == "GSD202"
    assert str(tmp_path) in info.value.message


# ---------------------------------------------------------------------------------------------
# listing


def test_phases_in_numeric_order_with_archived_and_codes(ws: Workspace) -> None:
    assert [(p.id, p.archived) for p in ws.phases()] == [
        ("01", False),
        ("01", True),
        ("02", False),
        ("02.1", False),
        ("02.10", False),
        ("05", True),
        ("08", False),
        ("12", False),
        ("12A", False),
        ("21", False),
        ("26", False),
        ("30", False),
        ("CK-01", False),
        ("v1.1-02", False),
        ("v1.2-01", False),
    ]


def test_phase_attributes(ws: Workspace) -> None:
    hotfix = ws.resolve_phase("2.1")
    assert (hotfix.number, hotfix.key, hotfix.slug, hotfix.name) == (
        "02.1",
        "2.1",
        "hotfix",
        "hotfix",
    )
    assert hotfix.dir == ws.planning / "phases" / "02.1-hotfix"
    old = ws.resolve_phase(str(ws.planning / "milestones/v1.0-phases/05-old-work"))
    assert (old.archived, old.milestone, old.id) == (True, "v1.0", "05")
    code = ws.resolve_phase("CK-01")
    assert (code.code, code.number, code.key) == ("CK", "01", "ck-1")


def test_plan_ids_numbers_and_summary_paths(ws: Workspace) -> None:
    plans = {p.id: p for p in ws.plans()}
    assert plans["26-04"].number == "04"
    assert plans["26-04"].summary_exists
    assert not plans["26-06"].summary_exists
    assert plans["26-06"].summary_path == ws.planning / "phases/26-ci-cd-fixes/26-06-SUMMARY.md"
    gap = plans["12-GAP-01"]
    assert gap.number == "GAP-01"
    assert gap.summary_path.name == "12-tier-1-coverage-push-GAP-01-SUMMARY.md"
    assert plans["02.1-01"].plan_path.name == "2.1-01-PLAN.md"
    assert plans["CK-01-02"].number == "02"
    assert plans["v1.2-01-01"].number == "01"
    assert plans["v1.1-02-01"].plan_path.name == "02-01-PLAN.md"  # file omits the code
    assert plans["30"].number == ""  # a phase written as one PLAN.md
    assert plans["30"].summary_path.name == "SUMMARY.md"
    assert plans["08-GAP"].number == "GAP"
    assert plans["08-fix-oauth-warmup"].number == "fix-oauth-warmup"


def test_verification_and_orphan_summaries(ws: Workspace) -> None:
    phase = ws.resolve_phase("26")
    assert phase.verification_path == phase.dir / "26-VERIFICATION.md"
    assert phase.orphan_summaries() == [phase.dir / "26-01-SUMMARY.md"]
    gap_phase = ws.resolve_phase("12")
    assert gap_phase.verification_path == gap_phase.dir / "12-tier-1-coverage-push-VERIFICATION.md"
    assert (
        ws.resolve_phase("08").verification_path == ws.resolve_phase("08").dir / "VERIFICATION.md"
    )
    two = ws.resolve_phase("02")
    assert two.verification_path is None
    assert two.verification_target == two.dir / "02-VERIFICATION.md"


def test_plan_level_verification_is_not_the_phase_report(tmp_path: Path) -> None:
    ws = make(
        tmp_path, ["phases/06-webdav/06-01-PLAN.md", "phases/06-webdav/06-01-VERIFICATION.md"]
    )
    assert ws.resolve_phase("6").verification_path is None


def test_folders_that_are_not_phases_are_ignored(ws: Workspace) -> None:
    assert all(p.dir.name != "notes" for p in ws.phases())


# ---------------------------------------------------------------------------------------------
# resolution


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("26-04", "26-04"),
        ("026-4", "26-04"),
        ("12-GAP-01", "12-GAP-01"),
        ("12-gap-1", "12-GAP-01"),
        ("02.1-01", "02.1-01"),
        ("2.1-01", "02.1-01"),
        ("2.10-01", "02.10-01"),
        ("CK-01-02", "CK-01-02"),
        ("ck-1-2", "CK-01-02"),
        ("v1.2-01-01", "v1.2-01-01"),
        ("12A-01", "12A-01"),
        ("12a-1", "12A-01"),
        ("02-01", "02-01"),  # the unprefixed phase, not v1.1-02's 02-01-PLAN.md
        ("v1.1-02-01", "v1.1-02-01"),
        ("08-GAP", "08-GAP"),
        ("12-tier-1-coverage-push-GAP-01", "12-GAP-01"),  # the file stem also works
        ("05-01", "05-01"),  # archived, no active phase 05
    ],
)
def test_resolve_plan_every_form(ws: Workspace, ref: str, expected: str) -> None:
    plan = ws.resolve_plan(ref)
    assert isinstance(plan, PlanRef)
    assert plan.id == expected


def test_active_phase_wins_over_archived_one(ws: Workspace) -> None:
    plan = ws.resolve_plan("01-01")
    assert not plan.phase.archived
    assert ws.resolve_phase("1").archived is False


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("2", "02"),
        ("02", "02"),
        ("21", "21"),
        ("2.1", "02.1"),
        ("2.10", "02.10"),
        ("12", "12"),
        ("12A", "12A"),
        ("Phase 26", "26"),
        ("phase-2.1", "02.1"),
        ("26-ci-cd-fixes", "26"),
        ("v1.2-01", "v1.2-01"),
    ],
)
def test_resolve_phase_is_exact(ws: Workspace, ref: str, expected: str) -> None:
    phase = ws.resolve(ref)
    assert isinstance(phase, Phase)
    assert phase.id == expected


def test_resolve_returns_phase_for_lone_plan_phase_and_plan_when_asked(ws: Workspace) -> None:
    assert isinstance(ws.resolve("30"), Phase)
    assert ws.resolve_plan("30").plan_path.name == "PLAN.md"


def test_unknown_plan_lists_the_phase_plans(ws: Workspace) -> None:
    with pytest.raises(ReferenceError_) as info:
        ws.resolve("26-09")
    err = info.value
    assert (err.code, err.exit_code) == ("GSD203", ExitCode.BAD_INPUT)
    assert err.candidates == ["26-04", "26-06"]
    assert err.format() == (
        "<input>: error[GSD203]: unknown reference '26-09' (hint: `gsd status` lists phases and plans)"
        "\n  candidates: 26-04, 26-06"
    )


def test_unknown_phase_lists_phases_and_never_matches_a_prefix(ws: Workspace) -> None:
    for ref in ("3", "2.2", "1.2-01", "212"):
        with pytest.raises(ReferenceError_) as info:
            ws.resolve(ref)
        assert info.value.code == "GSD203"
        assert "21" in info.value.candidates


def test_ambiguous_reference_lists_candidates(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        ["phases/14-research-design/14-01-PLAN.md", "phases/14-validator-design/14-02-PLAN.md"],
    )
    with pytest.raises(ReferenceError_) as info:
        ws.resolve("14")
    err = info.value
    assert (err.code, err.exit_code) == ("GSD204", ExitCode.BAD_INPUT)
    assert err.candidates == [
        "14 (.planning/phases/14-research-design)",
        "14 (.planning/phases/14-validator-design)",
    ]
    assert ws.resolve_plan("14-02").phase.dir.name == "14-validator-design"
    assert ws.resolve_phase("14-validator-design").dir.name == "14-validator-design"


def test_wrong_kind_is_a_reference_error(ws: Workspace) -> None:
    with pytest.raises(ReferenceError_) as info:
        ws.resolve_plan("26")
    assert info.value.code == "GSD206"
    assert info.value.candidates == ["26-04", "26-06"]
    with pytest.raises(ReferenceError_) as info:
        ws.resolve_phase("26-04")
    assert info.value.code == "GSD206"


def test_resolve_paths(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ws.root)
    plan = ws.resolve(".planning/phases/26-ci-cd-fixes/26-04-PLAN.md")
    assert isinstance(plan, PlanRef) and plan.id == "26-04"
    assert ws.resolve(str(ws.planning / "phases/26-ci-cd-fixes/26-04-SUMMARY.md")) is plan
    phase = ws.resolve(".planning/phases/26-ci-cd-fixes/")
    assert isinstance(phase, Phase) and phase.id == "26"
    assert ws.resolve("26-04-PLAN.md") is plan  # a bare file name
    verification = ws.resolve(".planning/phases/26-ci-cd-fixes/26-VERIFICATION.md")
    assert verification is phase
    monkeypatch.chdir(ws.planning / "phases")
    assert ws.resolve("26-ci-cd-fixes/26-06-PLAN.md").id == "26-06"  # relative to the cwd


def test_dotdot_and_outside_paths_are_refused(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ws.planning / "phases")
    with pytest.raises(ReferenceError_) as info:
        ws.resolve("../phases/26-ci-cd-fixes/26-04-PLAN.md")
    assert info.value.code == "GSD205"
    assert "'..'" in info.value.message
    outside = tmp_path / "elsewhere" / "26-04-PLAN.md"
    outside.parent.mkdir()
    outside.write_text("---\n---\n", encoding="utf-8")
    with pytest.raises(ReferenceError_) as info:
        ws.resolve(str(outside))
    assert info.value.code == "GSD205"
    assert "outside the project" in info.value.message
    link = ws.planning / "phases" / "26-ci-cd-fixes" / "evil-PLAN.md"
    link.symlink_to(outside)
    with pytest.raises(ReferenceError_) as info:
        ws.resolve(str(link))
    assert info.value.code == "GSD205"


def test_tilde_naming_no_user_is_a_reference_error(ws: Workspace) -> None:
    """`~1` (say from a commit subject `feat(~1): ...`) is not a user's home: GSD203, not a crash."""
    with pytest.raises(ReferenceError_) as info:
        ws.resolve("~1")
    assert info.value.code == "GSD203"
    assert "~1" in info.value.message


def test_path_that_is_not_a_document(ws: Workspace) -> None:
    with pytest.raises(ReferenceError_) as info:
        ws.resolve(str(ws.planning / "phases/notes/README.md"))
    assert info.value.code == "GSD207"


def test_normalize() -> None:
    assert normalize("02.1-01") == normalize("2.1-01") == "2.1-1"
    assert normalize("2") != normalize("21")
    assert normalize("2.1") != normalize("2.10")
    assert normalize("12-GAP-01") == "12-gap-1"
    assert normalize("v1.2-01-01") == "v1.2-1-1"


def test_refresh_sees_new_plans(ws: Workspace) -> None:
    assert ws.resolve_plan("26-06").number == "06"  # listing is cached from here on
    (ws.planning / "phases/26-ci-cd-fixes/26-07-PLAN.md").write_text("x", encoding="utf-8")
    with pytest.raises(ReferenceError_):
        ws.resolve("26-07")
    ws.refresh()
    assert ws.resolve_plan("26-07").number == "07"


def test_workspace_imports_no_heavy_modules(ws: Workspace) -> None:
    """The post-commit hook imports the workspace: no pydantic, typer or yaml on that path."""
    code = (
        "import sys; from planner.workspace import Workspace; "
        f"ws = Workspace.discover(root={str(ws.root)!r}); "
        "print(len(ws.plans()), ws.resolve_plan('26-04').id, "
        "sorted(m for m in ('pydantic', 'typer', 'yaml', 'rich') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, env={**os.environ}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "18 26-04 []"


def test_relative_path_that_exists_in_the_cwd_and_in_the_project_is_the_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cwd holding its own `.planning/phases/01-x` must not shadow the project's folder."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    for base in (project, elsewhere):
        (base / ".planning/phases/01-x").mkdir(parents=True)
        (base / ".planning/phases/01-x/01-01-PLAN.md").write_text(
            "---\nphase: 01-x\nplan: 01\n---\n"
        )
    monkeypatch.chdir(elsewhere)
    ws = Workspace.discover(root=project)
    found = ws.resolve(".planning/phases/01-x")
    assert getattr(found, "dir", None) == project / ".planning/phases/01-x"
