"""Lint rules: each with a failing and a passing case, exact codes and lines, on real tmp projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.commands.lint import lint
from planner.errors import Diagnostic, ExitCode, Severity
from planner.lint import all_codes
from planner.workspace import Workspace

FM = """---
phase: 26-ci-cd-fixes
plan: 04
type: execute
wave: 1
depends_on: []
files_modified: [src/a.py]
autonomous: true
must_haves:
  truths:
    - "a works"
  artifacts:
    - path: src/a.py
      provides: "a"
  key_links:
    - from: src/a.py
      to: src/b.py
      pattern: 'import b'
---
"""
BODY = """
# Plan 26-04

<tasks>
<task type="auto">
  <name>Do a</name>
  <action>Write a</action>
  <verify>
    test -f src/a.py
  </verify>
  <done>a exists</done>
</task>
</tasks>
"""
TASK_LINE = 24  # line of <task type="auto"> in FM + BODY
VERIFY_CMD_LINE = 28


def project(tmp_path: Path, files: dict[str, str]) -> Workspace:
    root = tmp_path / "proj"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / ".planning").mkdir(parents=True, exist_ok=True)
    return Workspace.discover(root=root)


P = ".planning/phases/26-ci-cd-fixes/"


def run(tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    ws = project(tmp_path, files)
    monkeypatch.chdir(ws.root)
    return lint([], ws).diagnostics


def found(diags: list[Diagnostic], prefix: str = "GSD3") -> list[tuple[str, str, int | None]]:
    return [(d.code, d.severity.value, d.line) for d in diags if d.code.startswith(prefix)]


def plan(fm: str = FM, body: str = BODY) -> str:
    return fm + body


def test_clean_plan_has_no_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan()}, monkeypatch)
    assert diags == []


def test_codes_are_documented_and_in_range() -> None:
    codes = all_codes()
    assert len(codes) >= 20
    assert all(300 <= int(c[3:]) <= 399 for c in codes)


# ---------------------------------------------------------------------------------------------
# frontmatter


def test_no_frontmatter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diags = run(tmp_path, {P + "26-04-PLAN.md": BODY}, monkeypatch)
    assert found(diags) == [("GSD301", "error", 1)]
    assert not [d for d in diags if d.code == "GSD115"]  # restated by GSD301, not repeated


def test_required_and_recommended_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM.replace("plan: 04\n", "").replace("wave: 1\n", "").replace("autonomous: true\n", "")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert found(diags) == [
        ("GSD302", "error", 1),
        ("GSD303", "warning", 1),
        ("GSD303", "warning", 1),
    ]
    assert [d.message for d in diags if d.code.startswith("GSD30")] == [
        "frontmatter has no `plan`",
        "frontmatter has no `wave`",
        "frontmatter has no `autonomous`",
    ]
    assert diags[0].hint == "for this file: `plan: 04`"


def test_missing_must_haves_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM[: FM.index("must_haves:")] + "---\n"
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert found(diags) == [("GSD304", "warning", 1)]


def test_ids_that_disagree_with_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM.replace("phase: 26-ci-cd-fixes", "phase: 27").replace("plan: 04", "plan: 05")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert found(diags) == [("GSD305", "warning", 2), ("GSD306", "warning", 3)]
    for same in ("phase: 26", "phase: 026", "phase: 26-ci-cd-fixes"):
        fm = FM.replace("phase: 26-ci-cd-fixes", same)
        assert found(run(tmp_path / same, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)) == []


def test_wave_below_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diags = run(
        tmp_path, {P + "26-04-PLAN.md": plan(FM.replace("wave: 1", "wave: 0"))}, monkeypatch
    )
    assert found(diags) == [("GSD307", "error", 5)]


# ---------------------------------------------------------------------------------------------
# tasks


def _task(inner: str, kind: str = "auto") -> str:
    return f'\n<tasks>\n<task type="{kind}">\n{inner}\n</task>\n</tasks>\n'


def test_auto_task_missing_elements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = _task("  <name>Do a</name>\n  <action>Write a</action>")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)
    assert found(diags) == [("GSD310", "error", 22)]
    assert diags[-1].message == "task 1 (Do a) [auto] has no <verify>, <done>"
    assert diags[-1].hint == "add <verify>...</verify>; <done> or <acceptance-criteria>"


def test_acceptance_criteria_stands_for_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _task(
        "  <name>Do a</name>\n  <action>Write a</action>\n  <verify>test -f a</verify>\n"
        "  <acceptance_criteria>a exists</acceptance_criteria>"
    )
    assert found(run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)) == []


def test_checkpoint_elements_and_autonomous(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _task("  <what-built>the page</what-built>", "checkpoint:human-verify")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)
    assert found(diags) == [
        ("GSD310", "error", 22),
        ("GSD311", "warning", 22),
        ("GSD313", "error", 22),
    ]
    assert [d.message for d in diags if d.code.startswith("GSD31")] == [
        "task 1 [checkpoint:human-verify] has no <how-to-verify>",
        "task 1 [checkpoint:human-verify] has no <resume-signal>",
        "task 1 is a checkpoint:human-verify but the plan says autonomous: true",
    ]
    good = _task(
        "  <what-built>the page</what-built>\n  <how-to-verify>open it</how-to-verify>\n"
        "  <resume-signal>type approved</resume-signal>",
        "checkpoint:human-verify",
    )
    fm = FM.replace("autonomous: true", "autonomous: false")
    assert found(run(tmp_path / "ok", {P + "26-04-PLAN.md": plan(fm, good)}, monkeypatch)) == []


def test_decision_checkpoint_needs_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM.replace("autonomous: true", "autonomous: false")
    body = _task(
        "  <decision>Which db?</decision>\n  <resume-signal>pick</resume-signal>",
        "checkpoint:decision",
    )
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm, body)}, monkeypatch)
    assert found(diags) == [("GSD310", "error", 22)]
    assert diags[-1].message == "task 1 [checkpoint:decision] has no <options>"


def test_verify_without_a_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = BODY.replace("test -f src/a.py", "The file exists and looks right.")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)
    assert found(diags) == [("GSD312", "warning", 27)]


def test_unknown_task_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = BODY.replace('type="auto"', 'type="magic"')
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)
    assert found(diags) == [("GSD315", "warning", TASK_LINE)]


# ---------------------------------------------------------------------------------------------
# must-haves


def test_must_haves_with_nothing_checkable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM[: FM.index("must_haves:")] + "must_haves: {}\n---\n"
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert found(diags) == [("GSD320", "error", 9)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("../outside.py", [("GSD322", "error", 13)]),
        ("/etc/passwd", [("GSD322", "error", 13)]),
        ("src/../../outside.py", [("GSD322", "error", 13)]),
        ("src/../src/a.py", [("GSD325", "warning", 13)]),
        ("src/a.py", []),
    ],
)
def test_artifact_paths_stay_in_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, expected: list[tuple[str, str, int]]
) -> None:
    fm = FM.replace("    - path: src/a.py", f"    - path: {path}")
    assert found(run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)) == expected


def test_absolute_artifact_inside_project_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "proj"
    fm = FM.replace("    - path: src/a.py", f"    - path: {root}/src/a.py")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert found(diags) == [("GSD325", "warning", 13)]


def test_key_link_path_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM.replace("    - from: src/a.py", "    - from: ../other/a.py::main")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert found(diags) == [("GSD323", "error", 16)]
    assert diags[0].message.startswith("must_haves.key_links[0].from: '../other/a.py' is outside")
    dotted = FM.replace("    - from: src/a.py", "    - from: core.database.Base")
    assert found(run(tmp_path / "b", {P + "26-04-PLAN.md": plan(dotted)}, monkeypatch)) == []


def test_invalid_key_link_regex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM.replace("pattern: 'import b'", "pattern: 'import (b'")
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert found(diags) == [("GSD324", "error", 16)]
    assert (
        diags[0].message
        == "must_haves.key_links[0].pattern: invalid regex at position 9: missing )"
    )
    ok = FM.replace("pattern: 'import b'", r"pattern: 'Base\.metadata\.create_all.*checkfirst'")
    assert found(run(tmp_path / "ok", {P + "26-04-PLAN.md": plan(ok)}, monkeypatch)) == []


# ---------------------------------------------------------------------------------------------
# commands


@pytest.mark.parametrize(
    "command",
    [
        "pytest tests/ || true",
        "grep -q x src/a.py || :",
        'grep -q x src/a.py || echo "not there"',
        "pytest tests/; exit 0",
        "pytest tests/ || exit 0",
        'test -f src/a.py && echo "PASS" || echo "MISSING"',
        'echo "check it by hand"',
        "pytest tests/ >/dev/null 2>&1 || :",
    ],
)
def test_commands_that_cannot_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    body = BODY.replace("test -f src/a.py", command)
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)
    assert found(diags) == [("GSD330", "error", VERIFY_CMD_LINE)]
    assert diags[0].message.startswith("task 1: command cannot fail (ends with `")
    assert "line starting with FAIL" in (diags[0].hint or "")


@pytest.mark.parametrize(
    "command",
    [
        'grep -n "def db(" src/a.py && echo "FAIL: still there" || echo "PASS: removed"',
        'test -f src/a.py || echo "FAIL: missing"',
        "grep -q x src/a.py || exit 1",
        "pytest tests/ -q",
        "grep -c x src/a.py | grep -q '^3$'",
        "set -o pipefail; pytest tests/ | tail -5",
        'grep -q "a||b" src/a.py',  # a quoted || is not an operator
        'grep -E "x|y" src/a.py | grep -q "echo | true"',
    ],
)
def test_commands_that_can_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    body = BODY.replace("test -f src/a.py", command)
    assert found(run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)) == []


@pytest.mark.parametrize("command", ["pytest tests/ 2>&1 | tail -5", "go test ./... | tee out.txt"])
def test_pipeline_hides_exit_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    body = BODY.replace("test -f src/a.py", command)
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)
    assert found(diags) == [("GSD331", "warning", VERIFY_CMD_LINE)]
    assert "set -o pipefail" in (diags[0].hint or "")


def test_absolute_path_from_another_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = BODY.replace(
        "test -f src/a.py",
        "PYTHONPATH=/Users/nobody/work/proj/backend pytest /Users/nobody/work/proj/backend/tests",
    )
    files = {P + "26-04-PLAN.md": plan(body=body)}
    diags = run(tmp_path, files, monkeypatch)
    assert found(diags) == [
        ("GSD332", "warning", VERIFY_CMD_LINE),
        ("GSD332", "warning", VERIFY_CMD_LINE),
    ]
    assert (
        diags[0].message == "task 1: /Users/nobody/work/proj/backend does not exist on this machine"
    )
    assert diags[0].hint is not None and diags[0].hint.startswith(
        "run with --map-path /Users/nobody/work/proj=. "
    )
    # With the mapping in config.json (to folders that exist here) the warning goes away.
    (tmp_path / "proj" / "backend" / "tests").mkdir(parents=True)
    config = {"gsd": {"path_map": {"/Users/nobody/work/proj": "."}}}
    files[".planning/config.json"] = json.dumps(config)
    assert found(run(tmp_path, files, monkeypatch)) == []


def test_system_paths_and_url_paths_are_not_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = BODY.replace(
        "test -f src/a.py",
        'curl -s https://x.test/api/v1 > /dev/null && grep -q "/api/users" src/a.py',
    )
    assert found(run(tmp_path, {P + "26-04-PLAN.md": plan(body=body)}, monkeypatch)) == []


def test_truth_verify_commands_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = FM.replace(
        '    - "a works"', '    - truth: "a works"\n      verify: "python -m a || true"'
    )
    diags = run(tmp_path, {P + "26-04-PLAN.md": plan(fm)}, monkeypatch)
    assert [(d.code, d.message[:40]) for d in diags if d.code.startswith("GSD3")] == [
        ("GSD330", "must_haves.truths[0].verify: command can")
    ]


# ---------------------------------------------------------------------------------------------
# dependencies and waves


def _dep_plan(number: str, wave: int, deps: str) -> str:
    return plan(
        FM.replace("plan: 04", f"plan: {number}")
        .replace("wave: 1", f"wave: {wave}")
        .replace("depends_on: []", f"depends_on: {deps}")
    )


def test_dependencies_resolve_in_every_real_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        ".planning/phases/25-prep/25-01-PLAN.md": plan(
            FM.replace("26-ci-cd-fixes", "25-prep").replace("04", "01")
        ),
        P + "26-01-PLAN.md": _dep_plan("01", 1, "[]"),
        P + "26-02-PLAN.md": _dep_plan("02", 2, '["01"]'),
        P + "26-03-PLAN.md": _dep_plan("03", 2, "[1]"),
        P + "26-04-PLAN.md": _dep_plan("04", 3, '["26-02", "25-01", "Phase 25"]'),
    }
    assert found(run(tmp_path, files, monkeypatch)) == []


def test_unknown_dependency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        P + "26-01-PLAN.md": _dep_plan("01", 1, "[]"),
        P + "26-04-PLAN.md": _dep_plan("04", 2, '["26-09"]'),
    }
    diags = run(tmp_path, files, monkeypatch)
    assert found(diags) == [("GSD340", "error", 6)]
    assert diags[0].file == P + "26-04-PLAN.md"
    assert diags[0].message == "depends_on '26-09': unknown reference '26-09'"
    assert diags[0].hint == "write a plan id (26-04) or a plan number of this phase: 01"


def test_dependency_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        P + "26-01-PLAN.md": _dep_plan("01", 1, '["02"]'),
        P + "26-02-PLAN.md": _dep_plan("02", 2, '["01"]'),
    }
    diags = [d for d in run(tmp_path, files, monkeypatch) if d.code == "GSD341"]
    assert [(d.file, d.line, d.message) for d in diags] == [
        (P + "26-01-PLAN.md", 6, "dependency cycle: 26-01 -> 26-02 -> 26-01"),
        (P + "26-02-PLAN.md", 6, "dependency cycle: 26-01 -> 26-02 -> 26-01"),
    ]


def test_wave_must_follow_dependencies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        P + "26-01-PLAN.md": _dep_plan("01", 2, "[]"),
        P + "26-02-PLAN.md": _dep_plan("02", 2, '["26-01"]'),
    }
    diags = run(tmp_path, files, monkeypatch)
    assert found(diags) == [("GSD342", "error", 5)]
    assert diags[0].message == "wave 2, but it depends on 26-01 (wave 2; depends_on '26-01')"
    assert diags[0].hint == "make it `wave: 3` or later, or drop the dependency"


# ---------------------------------------------------------------------------------------------
# verification reports


def _verification(status: str, score: str) -> str:
    return f"---\nphase: 26-ci-cd-fixes\nverified: 2026-02-18T21:30:00Z\nstatus: {status}\nscore: {score}\n---\n\n# Report\n"


@pytest.mark.parametrize(
    ("status", "score", "expected"),
    [
        ("passed", "3/3 must-haves verified", []),
        ("complete", "3/3 must-haves verified", [("GSD350", "error", 4)]),
        ("gaps_found", "most of them", [("GSD351", "warning", 5)]),
        ("gaps_found", "4/3 must-haves verified", [("GSD352", "error", 5)]),
    ],
)
def test_verification_status_and_score(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    status: str,
    score: str,
    expected: list[tuple[str, str, int]],
) -> None:
    diags = run(tmp_path, {P + "26-VERIFICATION.md": _verification(status, score)}, monkeypatch)
    assert found(diags) == expected
    assert not [d for d in diags if d.code == "GSD171"]  # an unknown status is said once, as GSD350


# ---------------------------------------------------------------------------------------------
# exit codes


def test_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = project(tmp_path, {P + "26-04-PLAN.md": plan()})
    monkeypatch.chdir(ws.root)
    assert lint([], ws).exit_code == ExitCode.OK
    (ws.planning / "phases/26-ci-cd-fixes/26-05-PLAN.md").write_text(
        plan(FM.replace("wave: 1", "wave: 0"))
    )
    ws.refresh()
    assert lint([], ws).exit_code == ExitCode.FAILED
    (ws.planning / "phases/26-ci-cd-fixes/26-06-PLAN.md").write_text("")
    ws.refresh()
    report = lint([], ws)
    assert report.exit_code == ExitCode.BAD_INPUT
    assert [f.path for f in report.files if not f.loaded] == [P + "26-06-PLAN.md"]
    assert lint(["26-09"], ws).exit_code == ExitCode.BAD_INPUT
    empty = project(tmp_path / "empty", {})
    assert lint([], empty).exit_code == ExitCode.NOTHING_TO_CHECK


def test_warnings_alone_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = project(tmp_path, {P + "26-04-PLAN.md": plan(FM.replace("type: execute\n", ""))})
    monkeypatch.chdir(ws.root)
    report = lint([], ws)
    assert (report.errors, report.warnings, report.exit_code) == (0, 1, ExitCode.OK)
    assert report.diagnostics[0].severity is Severity.WARNING
