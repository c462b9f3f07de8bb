"""SUMMARY and VERIFICATION documents: spellings, commits, scores, gaps, human checks; schemas."""

from __future__ import annotations

import json

import pytest

from planner.documents.loader import load_text
from planner.documents.models import DocKind, Summary, Verification
from planner.documents.schema import json_schema
from planner.errors import Severity


def _summary(fm: str) -> tuple[Summary, list[tuple[str, int | None]]]:
    loaded = load_text(f"---\n{fm}---\n\n# Summary\n", "02-03-SUMMARY.md", DocKind.SUMMARY)
    assert isinstance(loaded.doc, Summary)
    return loaded.doc, [(d.code, d.line) for d in loaded.diagnostics]


def test_summary_fields_in_both_spellings() -> None:
    s, diags = _summary(
        "phase: 02-core\nplan: 03\nstatus: complete\nduration: 17min\ncompleted: 2026-02-16\n"
        "key-files:\n  created:\n    - src/a.py (new)\n    - path: src/b.py\n      purpose: b\n"
        '  modified: ["`src/c.py` — tweaks"]\nrequirements-completed: [AUTH-01, AUTH-02]\n'
    )
    assert diags == []
    assert (s.phase, s.plan, s.status, s.duration, s.completed) == (
        "02-core",
        "03",
        "complete",
        "17min",
        "2026-02-16",
    )
    assert s.key_files == {"created": ["src/a.py", "src/b.py"], "modified": ["src/c.py"]}
    assert s.requirements_completed == ["AUTH-01", "AUTH-02"]
    s2, _ = _summary("key_files:\n  - shared/db.py\nrequirements_completed: AUTH-03\n")
    assert s2.key_files == {"files": ["shared/db.py"]} and s2.requirements_completed == ["AUTH-03"]


def test_summary_commits_in_every_shape_seen() -> None:
    s, diags = _summary(
        "commits:\n"
        "  - 688a223\n"
        "  - '62da68c (AKP815 promotion'\n"
        "  - {'e094239 (Plan 07-01) feat(plugins)': 'replace mini-grep'}\n"
        "  - task: 2\n    hash: 2414423\n    message: 'feat: x'\n"
        "  - no hash here\n"
        "commit: abcdef1\n"
    )
    assert s.commits == ["688a223", "62da68c", "e094239", "2414423", "abcdef1"]
    assert diags == [("GSD161", 9)]


def test_verification_fields() -> None:
    text = (
        "---\nphase: 07\nverified: 2026-03-01T10:00:00Z\nstatus: human_needed\nscore: 8/9 must-haves verified\n"
        "re_verification:\n  previous_status: gaps_found\n  previous_score: 6/9\n"
        "  gaps_closed:\n    - truth: A works\n    - B works\n  gaps_remaining: []\n  regressions: []\n"
        "overrides:\n  - must_have: C works\n    reason: covered by e2e\n    accepted_by: ana\n    accepted_at: 2026-03-01\n"
        "  - reason: no must_have\n"
        "gaps:\n  - truth: D works\n    status: failed\n    reason: crash\n    artifacts:\n      - path: src/d.py\n"
        "        issue: raises\n      - src/e.py\n    missing: [a fix]\n"
        "human_verification:\n  - test: Look at it\n    expected: pretty\n    why_human: taste\n---\n"
    )
    loaded = load_text(text, "07-VERIFICATION.md", DocKind.VERIFICATION)
    v = loaded.doc
    assert isinstance(v, Verification)
    assert [(d.code, d.line) for d in loaded.diagnostics] == [("GSD176", 19)]
    assert (v.phase, v.verified, v.status, v.score_verified, v.score_total) == (
        "07",
        "2026-03-01T10:00:00Z",
        "human_needed",
        8,
        9,
    )
    rv = v.re_verification
    assert rv is not None and (rv.previous_status, rv.previous_score, rv.gaps_closed) == (
        "gaps_found",
        "6/9",
        ["A works", "B works"],
    )
    assert [(o.must_have, o.accepted_by, o.accepted_at) for o in v.overrides] == [
        ("C works", "ana", "2026-03-01")
    ]
    [gap] = v.gaps
    assert (gap.truth, gap.status, gap.line, gap.missing) == ("D works", "failed", 21, ["a fix"])
    assert [(a.path, a.issue) for a in gap.artifacts] == [
        ("src/d.py", "raises"),
        ("src/e.py", None),
    ]
    assert [(h.test, h.expected, h.why_human) for h in v.human_verification] == [
        ("Look at it", "pretty", "taste")
    ]
    assert not v.is_complete


@pytest.mark.parametrize(
    ("fm", "code", "line"),
    [
        ("status: complete\nscore: 5/5\n", "GSD171", 2),
        ("score: all good\nstatus: passed\n", "GSD172", 2),
        ("phase: 1\n", "GSD171", 1),
        ("status: passed\nre_verification: maybe\n", "GSD175", 3),
    ],
)
def test_verification_warnings(fm: str, code: str, line: int) -> None:
    loaded = load_text(f"---\n{fm}---\n", "x-VERIFICATION.md", DocKind.VERIFICATION)
    assert [(d.code, d.severity, d.line) for d in loaded.diagnostics] == [
        (code, Severity.WARNING, line)
    ]


def test_body_human_items_in_a_numbered_list_and_none_sections() -> None:
    body = (
        "## Human Verification Required\n\n"
        "1. **Test:** Sort by ViewCount DESC with pagination\n"
        "   - **Expected:** No duplicates across pages\n"
        "   - **Why human:** Needs a running server\n"
        "2. **Test:** Sort by Name ASC\n"
        "   - **Expected:** Stable order\n\n"
        "## Gaps Summary\n\nNone.\n"
    )
    v = load_text("---\nstatus: human_needed\n---\n" + body, "v.md", DocKind.VERIFICATION).doc
    assert isinstance(v, Verification)
    assert [(h.test, h.expected, h.why_human, h.line) for h in v.human_verification] == [
        (
            "Sort by ViewCount DESC with pagination",
            "No duplicates across pages",
            "Needs a running server",
            6,
        ),
        ("Sort by Name ASC", "Stable order", None, 9),
    ]
    none = load_text(
        "---\nstatus: passed\n---\n## Human Verification Required\n\n**None.** 1. **Test:** x\n",
        "v.md",
        DocKind.VERIFICATION,
    ).doc
    assert isinstance(none, Verification) and none.human_verification == []


@pytest.mark.parametrize("kind", ["plan", "summary", "verification"])
def test_json_schema_for_each_kind(kind: str) -> None:
    schema = json_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is True
    json.dumps(schema)  # plain JSON
    text = json.dumps(schema)
    assert (
        '"line"' not in text and '"body_line"' not in text
    )  # loader-derived fields are not schema
    props = schema["properties"]
    if kind == "plan":
        assert {"phase", "plan", "wave", "depends_on", "must_haves"} <= set(props)
        mh = schema["$defs"]["MustHaves"]["properties"]
        assert set(mh) == {"truths", "artifacts", "key_links"}
        assert schema["$defs"]["KeyLink"]["required"] == ["from", "to"]
        assert {"type": "string"} in mh["truths"]["items"]["anyOf"]
        assert {"type": "string"} in schema["$defs"]["Artifact"]["properties"]["contains"]["anyOf"]
    elif kind == "summary":
        assert {"key-files", "requirements-completed", "commits"} <= set(props)
    else:
        assert props["status"] == {"enum": ["passed", "gaps_found", "human_needed"]}
        assert {"gaps", "human_verification", "re_verification", "overrides", "score"} <= set(props)
        assert schema["$defs"]["Gap"]["required"] == ["truth"]


def test_json_schema_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown document kind"):
        json_schema("roadmap")
