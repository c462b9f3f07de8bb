"""The false results of today's tooling, each through `gsd verify`: gsd gets every one right."""

from __future__ import annotations

import json
from pathlib import Path

from verify_factories import frontmatter, gsd, make_project, plan_text, summary_text

REPORT = Path(".planning/phases/01-demo/01-VERIFICATION.md")


def one_plan(tmp_path: Path, must_haves: str, files: dict[str, str] | None = None) -> Path:
    return make_project(
        tmp_path,
        {"01-01": plan_text("1", "01", must_haves)},
        files=files,
        summaries={"01-01": summary_text("1", "01")},
    )


def plan_json(root: Path, *extra: str) -> tuple[int, dict]:
    result = gsd(root, "verify", "phase", "1", "--json", *extra)
    return result.exit_code, json.loads(result.stdout)


def test_prose_only_must_haves_are_nothing_to_check_not_a_pass(tmp_path: Path) -> None:
    root = one_plan(
        tmp_path,
        """
        artifacts:
          - "A login page that users can reach"
        key_links:
          - "the frontend calls the API"
        """,
    )
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 5
    assert result.stdout.splitlines()[-1] == (
        "nothing to check: no checkable must-haves and no commands ran (not a pass)"
    )
    fm = frontmatter(root / REPORT)
    assert (fm["status"], fm["score"]) == ("nothing_to_check", "0/0 must-haves verified")
    # The prose is shown to a person, never counted.
    assert [h["test"] for h in fm["human_verification"]] == [
        "A login page that users can reach",
        "the frontend calls the API",
    ]
    assert "GSD410" in result.stderr


def test_must_haves_as_plain_text_are_nothing_to_check(tmp_path: Path) -> None:
    text = plan_text("1", "01", "truths: []").replace(
        "must_haves:\n  truths: []\n", 'must_haves: "The feature works end to end"\n'
    )
    root = make_project(tmp_path, {"01-01": text}, summaries={"01-01": summary_text("1", "01")})
    assert gsd(root, "verify", "phase", "1").exit_code == 5


def test_inline_exports_that_do_not_exist_fail(tmp_path: Path) -> None:
    root = one_plan(
        tmp_path,
        """
        artifacts:
          - {path: src/mod.py, provides: "the module", exports: ["does_not_exist"]}
          - {path: src/other.py, exports: ["real"]}
        """,
        files={
            "src/mod.py": "def real():\n    return 1\n",
            "src/other.py": "def real():\n    return 2\n",
        },
    )
    code, data = plan_json(root)
    assert code == 1
    bad, good = data["plans"][0]["artifacts"]
    assert (bad["status"], good["status"]) == ("FAILED", "VERIFIED")
    assert "does_not_exist" in bad["reason"]
    assert [g["truth"] for g in data["gaps"]] == ["Artifact `src/mod.py` provides the module"]


def test_link_pattern_only_in_the_target_is_partial(tmp_path: Path) -> None:
    root = one_plan(
        tmp_path,
        """
        key_links:
          - {from: src/app.py, to: src/helpers.py, via: "calls helper", pattern: 'helper\\('}
        """,
        files={
            "src/app.py": "import os\n\nprint(os.name)\n",
            "src/helpers.py": "def helper():\n    return 1\n",
        },
    )
    code, data = plan_json(root)
    assert code == 1
    (link,) = data["plans"][0]["links"]
    assert link["status"] == "PARTIAL"
    assert link["evidence"][0] == {"file": "src/helpers.py", "line": 1, "text": "def helper():"}
    assert data["gaps"][0]["status"] == "partial"
    assert data["score"]["links"] == {"verified": 0, "total": 1}


def test_artifact_outside_the_project_is_refused_and_never_read(tmp_path: Path) -> None:
    project = tmp_path / "p"
    root = one_plan(project, "artifacts:\n  - {path: ../../etc/passwd, contains: root}\n")
    code, data = plan_json(root)
    assert code == 1
    (art,) = data["plans"][0]["artifacts"]
    assert art["status"] == "FAILED"
    assert "outside the project" in art["reason"]
    assert "root:x" not in json.dumps(data)  # not one line of the file was read


def test_directory_artifact_does_not_crash(tmp_path: Path) -> None:
    root = one_plan(
        tmp_path,
        "artifacts:\n  - {path: src/pkg/, contains: VALUE}\n  - {path: src/pkg}\n",
        files={"src/pkg/__init__.py": "VALUE = 1\n", "src/pkg/mod.py": "X = 2\n"},
    )
    code, data = plan_json(root)
    assert code == 0
    assert [a["status"] for a in data["plans"][0]["artifacts"]] == ["VERIFIED", "VERIFIED"]
    assert data["status"] == "passed"


def test_previous_status_passed_inside_re_verification_is_history(tmp_path: Path) -> None:
    """A `gaps_found` report whose re_verification says `previous_status: passed` is not a pass:
    its gaps are still failing ones (remaining, not regressions)."""
    root = one_plan(
        tmp_path,
        "artifacts:\n  - {path: src/missing.py}\n  - {path: src/here.py}\n",
        files={"src/here.py": "X = 1\n"},
    )
    (root / REPORT).write_text(
        "---\nphase: 01-demo\nverified: 2026-01-01T00:00:00Z\nstatus: gaps_found\n"
        "score: 1/2 must-haves verified\nre_verification:\n  previous_status: passed\n"
        "  previous_score: 2/2 must-haves verified\n"
        'gaps:\n  - truth: "Artifact `src/missing.py` exists"\n    status: failed\n'
        "    reason: file does not exist\n---\n\n# Phase 1 report\n",
        encoding="utf-8",
    )
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 1
    fm = frontmatter(root / REPORT)
    assert fm["status"] == "gaps_found"
    rv = fm["re_verification"]
    assert rv["previous_status"] == "gaps_found"
    assert rv["gaps_remaining"] == ["Artifact `src/missing.py` exists"]
    assert rv["regressions"] == []
