"""Requirements Coverage: ids from plans and ROADMAP, text from REQUIREMENTS.md, status from the
checks only (a SUMMARY's `requirements-completed` is a claim, shown when the checks disagree)."""

from __future__ import annotations

from pathlib import Path

from reports_factories import artifact, build, cmd, plan, split_frontmatter, truth
from verify_factories import gsd

from planner.reports.requirements import (
    RequirementInputs,
    RequirementStatus,
    parse_requirement_texts,
    requirement_ids,
    requirement_texts,
)
from planner.reports.verification_md import render_verification
from planner.results import ArtifactStatus, CommandStatus, TruthStatus
from planner.roadmap import load_roadmap, parse_roadmap

REQUIREMENTS_MD = """# Requirements

## v1

- [x] **CI-01**: Tests run against a fresh database
- [ ] **CI-02**: Health monitoring tests use the shared fixture
* [ ] CI-03: Governance tests pass
- **LIB-API-04** — The public API is documented

| Requirement | Phase | Status |
|-------------|-------|--------|
| CI-01 | Phase 26 | Complete |
"""


def test_requirement_texts_from_list_items() -> None:
    assert parse_requirement_texts(REQUIREMENTS_MD) == {
        "CI-01": "Tests run against a fresh database",
        "CI-02": "Health monitoring tests use the shared fixture",
        "CI-03": "Governance tests pass",
        "LIB-API-04": "The public API is documented",
    }


def test_requirement_texts_of_a_real_project(corpus_dir: Path) -> None:
    texts = requirement_texts(corpus_dir / "0xc0re__godot-mcp" / ".planning")
    assert texts["COMP-02"] == (
        "AI can disconnect an existing signal connection between two nodes in a scene"
    )
    assert len(texts) >= 20


def test_requirement_ids_keep_prose_entries() -> None:
    assert requirement_ids(["CI-01, CI-02", "CI-01", "fast tests"]) == [
        "CI-01",
        "CI-02",
        "fast tests",
    ]


def test_roadmap_requirements_per_phase() -> None:
    roadmap = parse_roadmap(
        "## Phase Details\n\n### Phase 26: CI/CD Fixes\n**Goal**: Green CI\n"
        "**Depends on**: Phase 25\n**Requirements**: CI-01, CI-02\n\n"
        "### Phase 27: Docs\n**Requirements:** DOC-01\n\n"
        "```\n### Phase 28: Fenced\n**Requirements**: NO-01\n```\n"
    )
    p26, p27 = roadmap.get("26"), roadmap.get("27")
    assert p26 is not None and p27 is not None
    assert (p26.goal, p26.requirements) == ("Green CI", ["CI-01", "CI-02"])
    assert p27.requirements == ["DOC-01"]
    assert roadmap.get("28") is None


def test_roadmap_requirements_of_the_largest_corpus_project(corpus_dir: Path) -> None:
    roadmap = load_roadmap(corpus_dir / "Atypical-Consulting__FlowForge" / ".planning")
    phase = roadmap.get("54")
    assert phase is not None
    assert phase.requirements == [f"MONO-0{i}" for i in range(1, 9)]


def _rows(**inputs: object) -> dict[str, object]:
    passing = plan("26-01", truths=[truth("ok")], artifacts=[artifact("a.py")])
    failing = plan("26-02", truths=[truth("broken", TruthStatus.FAILED, reason="no")])
    human = plan("26-03", truths=[truth("looks right", TruthStatus.UNCERTAIN)])
    empty = plan("26-04")
    only_commands = plan("26-05", commands=[cmd("pytest -q")])
    pv = build(
        [passing, failing, human, empty, only_commands],
        requirements=RequirementInputs(**inputs),  # type: ignore[arg-type]
    )
    return {r.id: r for r in pv.requirements}


def test_status_comes_from_the_checks_of_the_claiming_plans() -> None:
    rows = _rows(
        claims={
            "26-01": ["CI-01", "CI-03"],
            "26-02": ["CI-02", "CI-03"],
            "26-03": ["CI-04"],
            "26-04": ["CI-05"],
            "26-05": ["CI-07"],
        },
        phase_requirements=["CI-01", "CI-06"],
        completed={"26-02": ["CI-02"], "26-01": ["CI-01"]},
    )
    status = {rid: r.status for rid, r in rows.items()}  # type: ignore[attr-defined]
    assert status == {
        "CI-01": RequirementStatus.SATISFIED,
        "CI-03": RequirementStatus.BLOCKED,  # one of its two plans has a gap
        "CI-02": RequirementStatus.BLOCKED,
        "CI-04": RequirementStatus.NEEDS_HUMAN,
        "CI-05": RequirementStatus.NOT_CHECKED,
        "CI-07": RequirementStatus.SATISFIED,  # a passing command is a check
        "CI-06": RequirementStatus.UNCLAIMED,
    }
    assert list(rows) == ["CI-01", "CI-03", "CI-02", "CI-04", "CI-05", "CI-07", "CI-06"]
    assert rows["CI-03"].plans == ["26-01", "26-02"]  # type: ignore[attr-defined]
    assert rows["CI-02"].blocking == ["broken"]  # type: ignore[attr-defined]
    assert rows["CI-02"].overclaimed  # type: ignore[attr-defined]
    assert not rows["CI-01"].overclaimed  # type: ignore[attr-defined]


def test_rendered_table_names_blocking_gaps_and_overclaims() -> None:
    failing = plan(
        "26-04",
        truths=[truth(f"truth {i}", TruthStatus.FAILED, reason="no") for i in range(5)],
        artifacts=[artifact("backend/tests/conftest.py", ArtifactStatus.MISSING)],
        commands=[cmd("pytest -q", CommandStatus.FAILED)],
    )
    pv = build(
        [failing],
        requirements=RequirementInputs(
            claims={"26-04": ["CI-01"]},
            phase_requirements=["CI-01", "CI-02"],
            texts={"CI-01": "Tests run | against a fresh database"},
            completed={"26-04": ["CI-01"]},
        ),
    )
    _, body = split_frontmatter(render_verification(pv))
    section = body.split("### Requirements Coverage\n", 1)[1].split("\n### ", 1)[0]
    assert section.strip().splitlines() == [
        "| Requirement | Plans | Status | Blocking Issue |",
        "| ----------- | ----- | ------ | -------------- |",
        "| CI-01: Tests run \\| against a fresh database | 26-04 | ✗ BLOCKED | truth 0; truth 1; "
        "truth 2; and 4 more gaps; SUMMARY of 26-04 claims it complete |",
        "| CI-02 | — | ✗ NO PLAN | ROADMAP assigns it to this phase; no plan claims it |",
    ]


def test_no_requirements_says_so() -> None:
    _, body = split_frontmatter(render_verification(build([plan("26-04")])))
    section = body.split("### Requirements Coverage\n", 1)[1].split("\n### ", 1)[0]
    assert section.strip() == (
        "_No requirements: the plans list none under `requirements:`, "
        "and ROADMAP.md gives this phase none._"
    )


def test_verify_on_the_example_reports_coverage(example_copy: Path) -> None:
    """The example's ROADMAP gives phase 26 CI-01..04. 26-04 claims CI-01 and its SUMMARY says it
    is done, but with --static its truths have no evidence: NEEDS HUMAN, and the claim is named.
    26-06 claims CI-02 and has no SUMMARY (a completeness gap): BLOCKED by that gap."""
    root = example_copy
    phase = root / ".planning/phases/26-ci-cd-fixes"
    for name, ids in (("26-04-PLAN.md", "[CI-01]"), ("26-06-PLAN.md", "[CI-02]")):
        text = (phase / name).read_text(encoding="utf-8")
        assert "\nautonomous: " in text
        (phase / name).write_text(
            text.replace("\nautonomous: ", f"\nrequirements: {ids}\nautonomous: ", 1),
            encoding="utf-8",
        )
    (root / ".planning/REQUIREMENTS.md").write_text(
        "- [ ] **CI-01**: Tests run against a fresh database\n", encoding="utf-8"
    )
    (phase / "26-04-SUMMARY.md").write_text(
        "---\nphase: 26-ci-cd-fixes\nplan: 04\nrequirements-completed: [CI-01]\n---\n\nDone.\n",
        encoding="utf-8",
    )
    result = gsd(root, "verify", "phase", "26", "--static")
    assert result.exit_code == 1, result.output
    report = (phase / "26-VERIFICATION.md").read_text(encoding="utf-8")
    rows = report.split("### Requirements Coverage\n", 1)[1].split("\n### ", 1)[0]
    cells = [ln.split(" | ") for ln in rows.splitlines() if ln.startswith("| CI-")]
    assert [c[:3] for c in cells] == [
        ["| CI-01: Tests run against a fresh database", "26-04", "? NEEDS HUMAN"],
        ["| CI-02", "26-06", "✗ BLOCKED"],
        ["| CI-03", "—", "✗ NO PLAN"],
        ["| CI-04", "—", "✗ NO PLAN"],
    ]
    assert cells[0][3] == (
        "checks passed; items only a person can check remain; SUMMARY of 26-04 claims it complete |"
    )
    assert cells[1][3] == "Plan 26-06 has a SUMMARY |"  # the gap, as the Gaps Summary names it
