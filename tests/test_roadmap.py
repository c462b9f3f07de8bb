"""ROADMAP parsing: phases from items, headings and tables; fences and comments are not phases."""

from __future__ import annotations

from pathlib import Path

from planner.roadmap import load_roadmap, parse_roadmap, phase_key

ROADMAP = """\
# Roadmap: Atom

## Phases

- [x] **Phase 12: Tier-1 Coverage Push** - raise coverage
- [ ] **Phase 26: CI/CD Fixes** — fix failing tests (INSERTED)
- [x] **Phase 02.1: Hot-fix Things** - desc

```markdown
### Phase 99: Inside a fence
- [x] **Phase 98: Also fenced**
```

<!--
### Phase 97: Inside a comment
-->

## Phase Details

### Phase 26: CI/CD Fixes
**Goal**: Fix failing tests across all phases to achieve 100% CI pass rate

### Phase 30: Later
**Goal:** Not yet planned

| Phase | Plans Complete | Status | Completed |
|-------|----------------|--------|-----------|
| 30. Later | 0/2 | Not started | - |
| 31. Shipped Already | 2/2 | Complete | 2026-01-01 |
"""


def test_phases_in_order_with_names_goals_and_completion() -> None:
    roadmap = parse_roadmap(ROADMAP)
    got = [(p.number, p.name, p.complete) for p in roadmap.phases]
    assert got == [
        ("12", "Tier-1 Coverage Push", True),
        ("26", "CI/CD Fixes", False),
        ("02.1", "Hot-fix Things", True),
        ("30", "Later", False),
        ("31", "Shipped Already", True),
    ]
    assert roadmap.get("26") is not None
    assert (
        roadmap.get("26").goal == "Fix failing tests across all phases to achieve 100% CI pass rate"
    )  # type: ignore[union-attr]
    assert roadmap.get("30").goal == "Not yet planned"  # type: ignore[union-attr]
    assert roadmap.get("2.1") is roadmap.get("02.1")
    assert [p.number for p in roadmap.completed()] == ["12", "02.1", "31"]


def test_fenced_and_commented_headings_are_not_phases() -> None:
    keys = {p.key for p in parse_roadmap(ROADMAP).phases}
    assert not keys & {"99", "98", "97"}


def test_phase_key_is_exact() -> None:
    assert phase_key("02.1") == phase_key("2.1") == "2.1"
    assert phase_key("2") != phase_key("21")
    assert phase_key("2.1") != phase_key("2.10")
    assert phase_key("12a") == "12A"


def test_range_items_mark_each_phase_complete() -> None:
    roadmap = parse_roadmap("- [x] **Phase 1-3** — MVP\n- [ ] **Phase 4: Next** - soon\n")
    assert [(p.number, p.complete) for p in roadmap.phases] == [
        ("1", True),
        ("2", True),
        ("3", True),
        ("1-3", True),
        ("4", False),
    ]


def test_missing_roadmap_is_empty_not_an_error(tmp_path: Path) -> None:
    assert load_roadmap(tmp_path).phases == []


def test_every_corpus_roadmap_parses(corpus_dir: Path) -> None:
    roadmaps = [p for p in corpus_dir.glob("*/**/.planning/ROADMAP.md")]
    assert len(roadmaps) >= 20
    for path in roadmaps:
        roadmap = load_roadmap(path.parent)
        assert roadmap.phases, f"no phase found in {path}"
