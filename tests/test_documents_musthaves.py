"""must_haves shapes from real plans: what becomes checkable, what is kept as prose, and why."""

from __future__ import annotations

from planner.documents.loader import load_text
from planner.documents.models import DocKind, Plan
from planner.errors import Severity


def _plan(fm: str) -> tuple[Plan, list[tuple[str, Severity, int | None, str]]]:
    loaded = load_text(
        f'---\nphase: 1\nplan: 1\n{fm}---\n\n<task type="auto"><name>t</name></task>\n',
        "01-01-PLAN.md",
        DocKind.PLAN,
    )
    assert isinstance(loaded.doc, Plan)
    return loaded.doc, [(d.code, d.severity, d.line, d.message) for d in loaded.diagnostics]


def test_full_must_haves() -> None:
    plan, diags = _plan(
        "must_haves:\n"
        "  truths:\n"
        '    - "User can log in"\n'
        '    - truth: "API answers 200"\n'
        '      verify: "curl -sf localhost:8000/health"\n'
        "  artifacts:\n"
        "    - path: src/app.py\n"
        "      provides: the app\n"
        "      min_lines: '60'\n"
        '      contains: "def main"\n'
        '      exports: ["main", "run"]\n'
        "    - path: src/cli.py\n"
        "      exports:\n"
        "        - cli\n"
        "      contains: [\"import typer\", 'app =']\n"
        "    - path: src/x.py\n"
        '      exports: "a, b"\n'
        "  key_links:\n"
        "    - from: src/cli.py\n"
        "      to: src/app.py\n"
        "      via: import\n"
        "      pattern: 'from app import'\n"
    )
    assert diags == []
    mh = plan.must_haves
    assert [(t.text, t.verify, t.line) for t in mh.truths] == [
        ("User can log in", None, 6),
        ("API answers 200", "curl -sf localhost:8000/health", 7),
    ]
    a1, a2, a3 = mh.artifacts
    assert (a1.path, a1.provides, a1.min_lines, a1.contains, a1.exports, a1.line) == (
        "src/app.py",
        "the app",
        60,
        ["def main"],
        ["main", "run"],
        10,
    )
    assert (a2.exports, a2.contains) == (["cli"], ["import typer", "app ="])
    assert a3.exports == ["a", "b"]
    [k] = mh.key_links
    assert (k.from_, k.to, k.via, k.pattern, k.line) == (
        "src/cli.py",
        "src/app.py",
        "import",
        "from app import",
        22,
    )
    assert mh.checkable_count == 6 and mh.prose == []


def test_truth_with_an_unquoted_colon_becomes_one_string() -> None:
    plan, diags = _plan(
        "must_haves:\n  truths:\n    - Users can: log in with  two spaces\n    - plain\n"
    )
    assert [t.text for t in plan.must_haves.truths] == [
        "Users can: log in with  two spaces",
        "plain",
    ]
    assert diags == [
        (
            "GSD131",
            Severity.WARNING,
            6,
            "must_haves.truths[0]: truth contains ': ' and YAML read it as a mapping; read as one string",
        )
    ]


def test_prose_artifacts_and_links_are_kept_but_not_checkable() -> None:
    plan, diags = _plan(
        "must_haves:\n"
        '  truths: ["x works"]\n'
        "  artifacts:\n"
        "    - src/features/expenses/hooks.ts (modified — inserts activities)\n"
        "    - src/cli/main.py\n"
        "  key_links:\n"
        "    - createExpense → activities INSERT inside the function body\n"
    )
    mh = plan.must_haves
    assert [a.path for a in mh.artifacts] == ["src/cli/main.py"]
    assert mh.prose == [
        "src/features/expenses/hooks.ts (modified — inserts activities)",
        "createExpense → activities INSERT inside the function body",
    ]
    assert [(c, line) for c, _, line, _ in diags] == [("GSD132", 7), ("GSD133", 8), ("GSD132", 10)]
    assert diags[0][3] == "must_haves.artifacts[0]: artifact written as prose; not checkable"


def test_must_haves_as_a_list() -> None:
    plan, diags = _plan(
        "must_haves:\n  - Commit graph data structures are defined\n  - Lanes are assigned\n"
    )
    assert [t.text for t in plan.must_haves.truths] == [
        "Commit graph data structures are defined",
        "Lanes are assigned",
    ]
    assert [(c, line) for c, _, line, _ in diags] == [("GSD130", 4)]
    ids, diags = _plan('must_haves:\n  - "SYNC-UI-01"\n')
    assert ids.must_haves.prose == ["SYNC-UI-01"] and ids.must_haves.checkable_count == 0
    assert "requirement ids" in diags[0][3]
    empty, diags = _plan("must_haves: []\n")
    assert empty.must_haves.checkable_count == 0 and diags == []


def test_top_level_truths_are_read_as_must_haves() -> None:
    plan, diags = _plan("truths:\n  - Dates parse\nartifacts:\n  - path: src/a.cpp\n")
    assert [t.text for t in plan.must_haves.truths] == ["Dates parse"]
    assert [a.path for a in plan.must_haves.artifacts] == ["src/a.cpp"]
    assert [(c, line) for c, _, line, _ in diags] == [("GSD130", 4)]


def test_broken_entries_are_errors_with_lines() -> None:
    plan, diags = _plan(
        "must_haves:\n"
        "  artifacts:\n"
        "    - provides: no path here\n"
        "      min_lines: lots\n"
        "    - path: ok.py\n"
        "      min_lines: many\n"
        "  key_links:\n"
        "    - from: a.py\n"
        "      via: nothing\n"
        "  extra_stuff: 1\n"
    )
    assert [a.path for a in plan.must_haves.artifacts] == ["ok.py"]
    assert plan.must_haves.key_links == []
    assert [(c, s, line) for c, s, line, _ in diags] == [
        ("GSD134", Severity.ERROR, 6),
        ("GSD135", Severity.WARNING, 9),
        ("GSD134", Severity.ERROR, 11),
        ("GSD137", Severity.WARNING, 13),
    ]
    assert diags[2][3] == "must_haves.key_links[0]: key link has no `to`; dropped"


def test_plan_frontmatter_coercions() -> None:
    plan, diags = _plan(
        "wave: two\ndepends_on: 01-01, 01-02\nautonomous: 'yes'\nrequirements: AUTH-01\ntimeout: 90s\n"
    )
    fm = plan.frontmatter
    assert (fm.wave, fm.depends_on, fm.autonomous, fm.requirements, fm.timeout) == (
        None,
        ["01-01", "01-02"],
        True,
        ["AUTH-01"],
        90.0,
    )
    assert [(c, line) for c, _, line, _ in diags] == [("GSD140", 4)]  # wave
    assert fm.extra == {}
