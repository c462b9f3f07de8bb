"""Frontmatter reading and YAML recovery: what real authors write, and what we make of it."""

from __future__ import annotations

import pytest

from planner.documents.frontmatter import read_frontmatter
from planner.documents.loader import load_text
from planner.documents.models import DocKind, Verification
from planner.errors import Severity


def _fm(yaml_text: str):  # type: ignore[no-untyped-def]
    return read_frontmatter(f"---\n{yaml_text}---\nbody\n", "x.md")


def test_read_frontmatter_api_lines_and_raw_text() -> None:
    res = _fm(
        "phase: 02.1\nplan: 07\nmust_haves:\n  key_links:\n    - from: a\n      to: b\n      pattern: 'x'\n"
    )
    assert res.has_frontmatter and res.location == "top" and res.diagnostics == []
    assert res.data["plan"] == 7 and res.raw_scalar(("plan",)) == "07"  # YAML 1.1 octal, as typed
    assert res.data["phase"] == 2.1 and res.raw_scalar(("phase",)) == "02.1"
    assert res.line_of(("plan",)) == 3
    assert res.line_of(("must_haves", "key_links", 0)) == 6
    assert res.line_of(("must_haves", "key_links", 0, "pattern")) == 8
    assert res.line_of(("must_haves", "nope")) is None
    assert (res.body, res.body_line) == ("body\n", 10)


def test_timestamps_stay_text() -> None:
    res = _fm("verified: 2026-02-18T21:30:00Z\ncompleted: 2026-02-16\n")
    assert res.data == {"verified": "2026-02-18T21:30:00Z", "completed": "2026-02-16"}


def test_no_frontmatter() -> None:
    res = read_frontmatter("# Title\n\ntext\n", "x.md")
    assert (
        not res.has_frontmatter and res.data == {} and res.body_line == 1 and res.diagnostics == []
    )


def test_frontmatter_after_a_heading_is_read_with_a_warning() -> None:
    text = "# Plan: 04-01\n\n---\nphase: 4\nplan: 1\n---\n\n## Objective\nx\n"
    res = read_frontmatter(text, "x.md")
    assert res.location == "displaced" and res.data == {"phase": 4, "plan": 1}
    assert [(d.code, d.line) for d in res.diagnostics] == [("GSD116", 3)]
    assert res.line_of(("plan",)) == 5
    assert res.body.split("\n")[0] == "# Plan: 04-01" and res.body.split("\n")[7] == "## Objective"


def test_frontmatter_in_a_yaml_fence_is_read_with_a_warning() -> None:
    text = "# Plan: IPC\n\n## Frontmatter\n\n```yaml\nphase: 05\nplan: 02\ndepends_on: [05-01]\n```\n\nrest\n"
    res = read_frontmatter(text, "x.md")
    assert res.location == "fenced" and res.raw_scalar(("plan",)) == "02"
    assert [(d.code, d.line) for d in res.diagnostics] == [("GSD116", 5)]
    assert res.line_of(("depends_on",)) == 8


def test_horizontal_rule_after_prose_is_not_frontmatter() -> None:
    res = read_frontmatter("# T\n\nSome prose.\n\n---\nstatus: x\n---\n", "x.md")
    assert not res.has_frontmatter and res.diagnostics == []


def test_duplicate_key_warns() -> None:
    res = _fm("plan: 1\nplan: 2\n")
    assert res.data == {"plan": 2}
    assert [(d.code, d.line) for d in res.diagnostics] == [("GSD117", 3)]


@pytest.mark.parametrize(
    ("yaml_text", "expected", "code", "line", "message"),
    [
        (
            'pattern: "Token\\("\n',
            {"pattern": "Token\\("},
            "GSD120",
            2,
            'pattern: invalid escape "\\(" — use single quotes',
        ),
        (
            "last: 2026-03-26 -- quick task 260326-fkr: fix\n",
            {"last": "2026-03-26 -- quick task 260326-fkr: fix"},
            "GSD121",
            2,
            "last: read as a plain string",
        ),
        (
            'items:\n  - D-03 done: fmt.Errorf("x: %w") pattern\n',
            {"items": ['D-03 done: fmt.Errorf("x: %w") pattern']},
            "GSD121",
            3,
            "items[0]: read as a plain string",
        ),
        (
            "items:\n  - @unchecked Sendable for enums\n",
            {"items": ["@unchecked Sendable for enums"]},
            "GSD121",
            3,
            "items[0]: read as a plain string",
        ),
        (
            'items:\n  - "Continue with Google" button\n',
            {"items": ['"Continue with Google" button']},
            "GSD122",
            3,
            "items[0]: text follows the closing quote; read the whole line as one string",
        ),
        (
            'items:\n  - "returns ("", err) form"\n',
            {"items": ['returns ("", err) form']},
            "GSD122",
            3,
            "items[0]: quoted text contains its own quote; read as 'returns (\"\", err) form'",
        ),
        (
            "added: [three.js r182, @types/three]\n",
            {"added": ["three.js r182", "@types/three"]},
            "GSD123",
            2,
            "added: list items read as strings",
        ),
        (
            'exports: ["extract_lines"] (updated)\n',
            {"exports": ["extract_lines"]},
            "GSD124",
            2,
            "exports: text after the list dropped: '(updated)'",
        ),
        (
            "re_verification: true\n  previous_status: gaps_found\nstatus: passed\n",
            {"re_verification": {"previous_status": "gaps_found"}, "status": "passed"},
            "GSD125",
            2,
            "re_verification: value `true` followed by indented keys; read as the mapping below it",
        ),
        (
            "notes:\n  - the registry is a convenience and\n    locked (decision: not a gatekeeper)\n  - next\n",
            {
                "notes": [
                    "the registry is a convenience and locked (decision: not a gatekeeper)",
                    "next",
                ]
            },
            "GSD121",
            3,
            "notes[0]: read as a plain string",
        ),
    ],
)
def test_recoverable_yaml_is_read_as_meant_with_a_warning(
    yaml_text: str, expected: dict, code: str, line: int, message: str
) -> None:
    res = _fm(yaml_text)
    assert res.data == expected
    assert [(d.code, d.severity, d.line, d.message) for d in res.diagnostics] == [
        (code, Severity.WARNING, line, message)
    ]


def test_ambiguous_escapes_are_an_error() -> None:
    res = _fm('pattern: "a\\\\b\\.c"\n')  # a valid \\ next to an invalid \. : meaning unclear
    assert [(d.code, d.severity, d.line) for d in res.diagnostics] == [
        ("GSD111", Severity.ERROR, 2)
    ]
    assert res.data == {}


def test_several_recoveries_in_one_frontmatter_keep_every_line() -> None:
    res = _fm('a: "x\\.y"\nb: ok\nc: [p, @q]\nd: "z\\d+"\n')
    assert res.data == {"a": "x\\.y", "b": "ok", "c": ["p", "@q"], "d": "z\\d+"}
    assert [(d.code, d.line) for d in res.diagnostics] == [
        ("GSD120", 2),
        ("GSD123", 4),
        ("GSD120", 5),
    ]


def test_previous_status_inside_re_verification_never_looks_passed() -> None:
    text = (
        "---\nphase: 19\nscore: 9/9 must-haves verified\nre_verification: true\n"
        "  previous_status: passed\n  previous_score: 7/9\n---\n"
    )
    v = load_text(text, "19-VERIFICATION.md", DocKind.VERIFICATION).doc
    assert isinstance(v, Verification)
    assert v.status is None and not v.is_complete
    assert v.re_verification is not None and v.re_verification.previous_status == "passed"
