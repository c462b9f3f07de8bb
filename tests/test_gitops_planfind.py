"""The hook's plan finder answers exactly as `Workspace.resolve_plan`, or not at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import phasedirs, workspace
from planner.errors import GsdError
from planner.gitops import planfind
from planner.gitops.commits import parse_subject
from planner.gitops.context import from_planref
from planner.gitops.planfind import FoundPlan, find_plan
from planner.workspace import PlanRef, Workspace


def _expected(ws: Workspace, ref: str) -> PlanRef | None:
    try:
        return ws.resolve_plan(ref)
    except GsdError:
        return None


def _same(found: FoundPlan, plan: PlanRef) -> bool:
    want = from_planref(plan)
    return all(getattr(found, k) == getattr(want, k) for k in FoundPlan.__slots__)


def _check(ws: Workspace, refs: set[str]) -> tuple[int, int]:
    """Every answer equals the workspace's; (answered, resolvable) counts."""
    answered = resolvable = 0
    for ref in sorted(refs):
        expected = _expected(ws, ref)
        found = find_plan(str(ws.planning), ref)
        if found is not None:
            assert expected is not None, f"{ws.root}: {ref!r} -> {found}, workspace: none"
            assert _same(found, expected), f"{ws.root}: {ref!r} -> {found}, workspace: {expected}"
            answered += 1
        resolvable += expected is not None
    return answered, resolvable


def _refs(ws: Workspace) -> set[str]:
    """Ids, file and folder names as commits write them, and a few that resolve to no plan."""
    refs = {"", "26", "phase 1", "1-99", "zz", "01-01/", "x.md"}
    for phase in ws.phases():
        refs |= {phase.id, phase.dir.name, f"phase {phase.id}", f"{phase.id}-01"}
        for plan in phase.plans():
            stem = plan.plan_path.name[: -len("PLAN.md")]
            refs |= {
                plan.id,
                plan.id.lower(),
                plan.id.upper(),
                stem,
                stem.rstrip("-"),
                "0" + plan.id,
            }
    return refs


_SCOPE_RE = re.compile(r"\b[a-z]+\(([^()\n]+)\)!?:", re.IGNORECASE)


def _scopes(ws: Workspace) -> set[str]:
    """Plan refs that real commit subjects in the project's documents name."""
    refs: set[str] = set()
    for path in ws.planning.rglob("*.md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in _SCOPE_RE.finditer(text):
            parsed = parse_subject(m.group(0) + " x")
            refs |= set(parsed.refs) if parsed else set()
    return refs


_NAME = st.text(alphabet="0123456789.-_ vVAZCKphasex", max_size=14)


@settings(max_examples=800, deadline=None)
@given(st.one_of(_NAME, _NAME.map(lambda t: "phase-" + t)))
def test_phase_folder_names_parse_as_the_workspace_regex_does(name: str) -> None:
    m = phasedirs._PHASE_DIR_RE.match(name)
    assert planfind.parse_phase_dir(name) == ((m["code"], m["num"]) if m else None)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789.aZx٣", max_size=8))
def test_numbers_split_as_the_workspace_regex_does(token: str) -> None:
    m = phasedirs._NUM_RE.match(token)
    assert planfind.split_number(token) == ((m["int"], m["dec"], m["letter"]) if m else None)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789.-_ aAbBvVGAP\t\x1c\u3000٣", max_size=16))
def test_normalize_is_the_workspace_one(text: str) -> None:
    assert planfind.normalize(text) == workspace.normalize(text)


@pytest.mark.slow
def test_every_corpus_plan_is_found_as_the_workspace_finds_it(corpus_dir: Path) -> None:
    answered = resolvable = 0
    projects = sorted(p.parent for p in corpus_dir.glob("*/.planning"))
    assert projects
    for root in projects:
        ws = Workspace.discover(root=root)
        a, r = _check(ws, _refs(ws) | _scopes(ws))
        answered, resolvable = answered + a, resolvable + r
        for plan in ws.plans():  # a plan's own id: answered whenever the workspace answers
            if _expected(ws, plan.id) is plan:
                assert find_plan(str(ws.planning), plan.id) is not None, plan
    assert answered > 0.9 * resolvable, (answered, resolvable)


def _layout(root: Path, phases: dict[str, list[str]]) -> Workspace:
    for folder, files in phases.items():
        path = root / ".planning" / folder
        path.mkdir(parents=True, exist_ok=True)
        for name in files:
            (path / name).write_text("# plan\n", encoding="utf-8")
    return Workspace.discover(root=root)


def test_archived_duplicates_and_ambiguity(tmp_path: Path) -> None:
    ws = _layout(
        tmp_path,
        {
            "phases/26-ci": ["26-04-PLAN.md", "26-05-PLAN.md"],
            "milestones/v1.0-phases/26-old": ["26-04-PLAN.md", "26-07-PLAN.md"],
            "phases/02.1-hotfix": ["2.1-01-PLAN.md"],
            "phases/07-a": ["07-01-PLAN.md"],
            "phases/07-b": ["07-01-PLAN.md"],
            "phases/08-solo": ["PLAN.md"],
            "phases/v1.2-01-env": ["v1.2-01-01-PLAN.md", "01-02-PLAN.md", "fix-oauth-PLAN.md"],
            "archive/12-done": ["12-01-PLAN.md"],
        },
    )
    planning = str(ws.planning)
    active = find_plan(planning, "26-04")
    assert active is not None and "phases/26-ci/" in active.summary_path  # active beats archived
    archived = find_plan(planning, "26-07")
    assert archived is not None and archived.archived
    assert find_plan(planning, "02.1-01") is not None and find_plan(planning, "2.1-1") is not None
    assert find_plan(planning, "07-01") is None  # ambiguous: the workspace words the error
    assert find_plan(planning, "26") is None  # a phase, not a plan
    solo = find_plan(planning, "08")
    assert solo is not None and (solo.id, solo.number) == ("08", "")
    assert find_plan(planning, "fix-oauth") is not None  # tier 2: the file name
    assert find_plan(planning, "phase 26") is None and find_plan(planning, "a/b") is None
    _check(ws, _refs(ws) | {"v1.2-01-02", "V1.2-1-2", "12-01", "fix-oauth-", "08-solo"})


_TOKEN = st.sampled_from(
    [
        "01",
        "1",
        "02",
        "2",
        "02.1",
        "10",
        "0",
        "00",
        "GAP",
        "gap",
        "v1.2",
        "CK",
        "ck",
        "x",
        "a",
        "1a",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    dirs=st.lists(
        st.tuples(
            st.sampled_from(["phases", "milestones/v1.0-phases", "archive"]),
            st.lists(_TOKEN, min_size=1, max_size=3),
            st.lists(st.lists(_TOKEN, min_size=0, max_size=3), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=4,
    ),
    refs=st.lists(st.lists(_TOKEN, min_size=1, max_size=4), max_size=6),
)
def test_generated_layouts_agree(
    tmp_path_factory: pytest.TempPathFactory,
    dirs: list[tuple[str, list[str], list[list[str]]]],
    refs: list[list[str]],
) -> None:
    root = tmp_path_factory.mktemp("ws")
    phases: dict[str, list[str]] = {}
    for base, name, plans in dirs:
        files = ["-".join([*p, "PLAN.md"]) for p in plans]
        phases.setdefault(f"{base}/{'-'.join(name)}", []).extend(files)
    ws = _layout(root, phases)
    _check(ws, _refs(ws) | {"-".join(r) for r in refs})
    # every phase and plan is read as the workspace reads it (in some order)
    mine = {
        ph.dir: (ph.id, sorted((p.id, p.number, p.summary_path) for p in ph.plans()))
        for ph in planfind.phases(str(ws.planning))
    }
    theirs = {
        str(ph.dir): (ph.id, sorted((p.id, p.number, str(p.summary_path)) for p in ph.plans()))
        for ph in ws.phases()
    }
    assert mine == theirs
