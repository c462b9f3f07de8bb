"""The SUMMARY writer: narrative kept byte for byte, owned keys and managed sections only, commits
from git in the hooks' format, new files from the template, idempotent re-renders."""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from planner.checks.engine import CheckContext, check_plan
from planner.documents.edit import frontmatter_mapping, read_managed_section
from planner.documents.loader import load_plan
from planner.documents.models import Plan
from planner.reports.summary_md import find_heading, render_summary, write_summary
from planner.reports.summary_sections import outcome_text
from planner.results import (
    CommandResult,
    CommandStatus,
    PlanRun,
    PlanRunStatus,
    TaskRun,
    TaskStatus,
    TestCounts,
)
from planner.workspace import PlanRef, Workspace
from tests.execute_helpers import T, summary_path, write_plan

runner = CliRunner()
SECTIONS = (
    "outcome",
    "truths",
    "tasks",
    "tests",
    "artifacts",
    "key-links",
    "deviations",
    "commits",
)


def example_run(
    ws: Workspace, ref: PlanRef, plan: Plan, *, passed: int = 24, run_id: str = "r1"
) -> PlanRun:
    failing = CommandResult(
        command="pytest backend/tests/unit/test_models_orm.py -v",
        run_command="pytest",
        cwd=".",
        status=CommandStatus.FAILED,
        exit_code=1,
        reason="exit 1",
        output_head="FAILED test_x - UNIQUE constraint failed\n27 failed, 24 passed in 0.9s\n",
        fail_lines=["FAILED test_x - UNIQUE constraint failed"],
        test_counts=TestCounts(runner="pytest", passed=passed, failed=51 - passed),
    )
    tasks = [
        TaskRun(
            index=1,
            name=plan.tasks[0].name,
            status=TaskStatus.PASSED,
            duration=1.5,
            reason="1/1 commands passed",
        ),
        TaskRun(
            index=2,
            name=plan.tasks[1].name,
            status=TaskStatus.FAILED,
            duration=3.0,
            commands=[failing],
            reason="1/1 commands did not pass (failed)",
        ),
        TaskRun(index=3, name=plan.tasks[2].name, status=TaskStatus.NOT_RUN, reason="not run"),
    ]
    checks = check_plan(plan, ref.id, CheckContext.create(ws.root))
    return PlanRun(
        plan_id=ref.id,
        path="p",
        phase=ref.phase.id,
        run_id=run_id,
        started_at="2026-02-16T10:00:00Z",
        completed_at="2026-02-16T10:17:00Z",
        duration=1020.0,
        status=PlanRunStatus.PARTIAL,
        tasks=tasks,
        checks=checks,
        tests_before=TestCounts(runner="pytest", passed=19, failed=32),
        tests_after=TestCounts(runner="pytest", passed=passed, failed=51 - passed),
    )


def one_task_plan(
    root: Path, must_haves: dict[str, object] | None = None
) -> tuple[Workspace, PlanRef, Plan]:
    """Plan 01-01 (one task running `true`) in a new project at `root`, loaded."""
    (root / ".planning").mkdir()
    write_plan(root, tasks=[T("A", ["true"])], must_haves=must_haves)
    ws = Workspace.discover(root=root)
    ref = ws.resolve_plan("01-01")
    plan = load_plan(ref.plan_path).doc
    assert isinstance(plan, Plan)
    return ws, ref, plan


def only_insertions(old: str, new: str) -> list[str]:
    """Lines of `old` that `new` changed or removed (must be none: narrative kept)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    bad = []
    for op, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            bad += a[i1:i2]
    return bad


def test_seed_003_narrative_is_kept_byte_for_byte(example_copy: Path) -> None:
    ws = Workspace.discover(root=example_copy)
    ref = ws.resolve_plan("12-GAP-01")
    plan = load_plan(ref.plan_path).doc
    assert isinstance(plan, Plan)
    seed = ref.summary_path.read_text(encoding="utf-8")
    written, _ = write_summary(ws, ref, plan, example_run(ws, ref, plan), None)
    assert written
    first = ref.summary_path.read_text(encoding="utf-8")
    assert only_insertions(seed, first) == []
    # The seed had no frontmatter: gsd's keys only, and the body starts with the seed's first line.
    body = first.split("---\n", 2)[2]
    assert list(frontmatter_mapping(first)) == [
        "status",
        "started",
        "completed",
        "duration",
        "tasks",
        "must_haves",
        "tests",
        "commits",
    ]
    assert body.startswith("\n# Phase 12 Tier-1 Coverage Push - GAP-01 Summary\n")
    # Existing headings receive their section; the others are appended.
    assert "## Test Results\n" in seed and first.index("<!-- gsd:begin tests -->") < first.index(
        "## Remaining Work"
    )
    assert (
        first.index("## Deviations from Plan")
        < first.index("<!-- gsd:begin deviations -->")
        < first.index("## Test Results")
    )
    assert (
        first.index("## Commits")
        < first.index("<!-- gsd:begin commits -->")
        < first.index("## Lessons Learned")
    )
    assert first.rstrip().endswith("<!-- gsd:end key-links -->")
    tests = read_managed_section(first, "tests") or ""
    assert tests.splitlines()[0] == "**Tests:** 19/51 passing before, 24/51 after"
    # A second run changes only what gsd owns; the narrative is still the seed's.
    second_run = example_run(ws, ref, plan, passed=30, run_id="r2")
    write_summary(ws, ref, plan, second_run, None)
    second = ref.summary_path.read_text(encoding="utf-8")
    assert only_insertions(seed, second) == []
    changed = only_insertions(first, second)
    assert changed and all(
        "|" in line or line.startswith(("**", "  ")) or ":" in line for line in changed
    )
    assert (read_managed_section(second, "tests") or "").splitlines()[0] == (
        "**Tests:** 19/51 passing before, 30/51 after"
    )


def test_user_frontmatter_keys_stay_byte_identical(tmp_path: Path) -> None:
    ws, ref, plan = one_task_plan(tmp_path)
    existing = (
        "---\n"
        "phase: 01-demo   # the folder\n"
        'plan: "01"\n'
        "subsystem: testing\n"
        "key-files:\n"
        "  created: [a.py, 'b.py']\n"
        "status: in_progress\n"
        "requirements-completed: [REQ-1]\n"
        "---\n\n"
        "# My summary\n\nWritten by a person.\n\n## Test Results\n\nBy hand: fine.\n\n## Notes\n\nKeep me.\n"
    )
    ref.summary_path.write_text(existing, encoding="utf-8")
    run = PlanRun(
        plan_id="01-01",
        path="p",
        run_id="r",
        started_at="2026-01-01T00:00:00Z",
        completed_at="2026-01-01T00:00:05Z",
        duration=5.0,
        status=PlanRunStatus.COMPLETE,
        tasks=[TaskRun(index=1, name="A", status=TaskStatus.PASSED)],
    )
    write_summary(ws, ref, plan, run, None)
    new = ref.summary_path.read_text(encoding="utf-8")
    for line in existing.splitlines()[:6] + existing.splitlines()[7:9]:
        assert line + "\n" in new
    assert "status: in_progress" not in new and "status: complete\n" in new
    assert (
        new.index("By hand: fine.") < new.index("<!-- gsd:begin tests -->") < new.index("## Notes")
    )
    assert only_insertions(existing.replace("status: in_progress\n", ""), new) == []


def test_new_summary_is_the_template_and_rerendering_is_a_no_op(tmp_path: Path) -> None:
    _, ref, plan = one_task_plan(tmp_path, {"truths": ["it works"]})
    run = PlanRun(
        plan_id="01-01",
        path="p",
        run_id="r",
        started_at="2026-01-01T00:00:00Z",
        completed_at="2026-01-01T00:00:05Z",
        duration=5.0,
        status=PlanRunStatus.COMPLETE,
        tasks=[TaskRun(index=1, name="A", status=TaskStatus.PASSED, reason="1/1 commands passed")],
        checks=check_plan(plan, "01-01", CheckContext.create(tmp_path)),
    )
    text, _ = render_summary(None, ref, plan, run, None)
    assert render_summary(text, ref, plan, run, None)[0] == text
    lines = text.splitlines()
    assert lines[:13] == [
        "---",
        "phase: 01-demo",
        "plan: '01'",
        "status: complete",
        "started: '2026-01-01T00:00:00Z'",
        "completed: '2026-01-01T00:00:05Z'",
        "duration: 5.0s",
        "tasks: 1/1 passed",
        "must_haves: 0/1 verified",
        "commits: []",
        "---",
        "",
        "# Plan 01-01: Demo plan Summary",
    ]
    assert [line for line in lines if line.startswith("## ")] == [
        "## Outcome",
        "## Truths Verification",
        "## Tasks",
        "## Test Results",
        "## Artifacts",
        "## Key Links",
        "## Deviations",
        "## Commits",
    ]
    for name in SECTIONS:
        assert read_managed_section(text, name) is not None
    assert read_managed_section(text, "truths") == (
        "| Truth | Status | Evidence |\n|-------|--------|----------|\n"
        "| it works | ? UNCERTAIN | no automated evidence |\n\n"
        "**Score:** 0/1 truths verified (0/1 must-haves verified)\n"
    )
    assert read_managed_section(text, "deviations") == "None: every command that ran passed.\n"
    assert outcome_text(run) == (
        "✓ complete: 1/1 tasks passed; 0/1 must-haves verified; "
        "tests no test counts in this run's output"
    )


def test_crlf_summary_keeps_its_line_endings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, tasks=[T("A", ["true"])])
    summary_path(tmp_path).write_bytes(b"# Summary\r\n\r\nWindows narrative.\r\n")
    assert runner.invoke(cli.app, ["execute", "01-01"]).exit_code == 0
    data = summary_path(tmp_path).read_bytes()
    assert b"\r\n\r\nWindows narrative.\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_unreadable_frontmatter_is_left_alone_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, tasks=[T("A", ["true"])])
    broken = "---\nstatus: [unclosed\n---\n\nNarrative.\n"
    summary_path(tmp_path).write_text(broken)
    result = runner.invoke(cli.app, ["execute", "01-01"])
    assert result.exit_code == 3
    assert summary_path(tmp_path).read_text() == broken
    assert result.stdout.splitlines()[-1].endswith("; SUMMARY not written (see above) (exit 3)")
    assert (
        "  .planning/phases/01-demo/01-01-SUMMARY.md:3: error[GSD955]: SUMMARY not written: "
        "frontmatter is not valid YAML" in result.stdout
    )


def git(root: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
        "PATH": "/usr/bin:/bin",
        "HOME": str(root),
    }
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout


def test_commits_come_from_git_in_the_hooks_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, tasks=[T("A", ["true"])])
    git(tmp_path, "init", "-q")
    (tmp_path / "app.py").write_text("x = 1\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "feat(01-01): add the app")
    (tmp_path / "other.py").write_text("y = 1\n")
    git(tmp_path, "add", "other.py")
    git(tmp_path, "commit", "-q", "-m", "chore: unrelated")
    sha = git(tmp_path, "log", "--format=%H", "--grep", "add the app").strip()
    # A phantom commit recorded by hand is dropped: git does not know it.
    summary_path(tmp_path).write_text("---\ncommits:\n  - deadbee\n---\n\n# S\n")
    result = runner.invoke(cli.app, ["execute", "01-01", "--json"])
    assert result.exit_code == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["commits"] == [
        {"hash": sha, "short": sha[:7], "type": "feat", "subject": "add the app"}
    ]
    text = summary_path(tmp_path).read_text()
    assert frontmatter_mapping(text)["commits"] == [sha[:7]]
    assert read_managed_section(text, "commits") == (
        "| Commit | Type | Subject |\n|--------|------|---------|\n"
        f"| `{sha[:7]}` | feat | add the app |\n"
    )


def test_find_heading_prefers_existing_spelling() -> None:
    text = "# T\n\n```\n## Deviations\n```\n\n## deviations from plan\n"
    assert find_heading(text, ("Deviations", "Deviations from Plan")) == "deviations from plan"
    assert find_heading("# T\n", ("Deviations", "Deviations from Plan")) == "Deviations"


def test_a_run_without_test_counts_removes_the_old_ones(tmp_path: Path) -> None:
    _, ref, plan = one_task_plan(tmp_path)
    run = PlanRun(
        plan_id="01-01",
        path="p",
        run_id="r",
        started_at="2026-01-01T00:00:00Z",
        status=PlanRunStatus.COMPLETE,
        tasks=[TaskRun(index=1, name="A", status=TaskStatus.PASSED)],
        tests_after=TestCounts(runner="pytest", passed=3),
    )
    with_counts, _ = render_summary(None, ref, plan, run, None)
    assert frontmatter_mapping(with_counts)["tests"]["passed"] == 3
    without, _ = render_summary(
        with_counts, ref, plan, run.model_copy(update={"tests_after": None}), None
    )
    assert "tests" not in frontmatter_mapping(without)
    assert (
        read_managed_section(without, "tests") or ""
    ) == "**Tests:** no test counts in this run's output\n"


def test_a_summary_written_meanwhile_is_rendered_again_not_overwritten(tmp_path: Path) -> None:
    """The SUMMARY is rendered outside the lock; if a hook writes while gsd waits for the lock,
    gsd renders again on the hook's text instead of renaming its stale file over it."""
    import threading

    from planner.gitops.context import summary_lock

    ws, ref, plan = one_task_plan(tmp_path, {"truths": ["it works"]})
    run = PlanRun(
        plan_id="01-01",
        path="p",
        run_id="r",
        started_at="2026-01-01T00:00:00Z",
        status=PlanRunStatus.COMPLETE,
        tasks=[TaskRun(index=1, name="A", status=TaskStatus.PASSED, reason="1/1 commands passed")],
    )
    path = ref.summary_path
    path.write_text("---\nphase: 01-demo\n---\n\n# Notes\n\nWritten by hand.\n", encoding="utf-8")
    results: list[bool] = []
    with summary_lock(ws):  # what a hook holds while it records a commit
        writer = threading.Thread(
            target=lambda: results.append(write_summary(ws, ref, plan, run, None)[0])
        )
        writer.start()
        writer.join(0.5)  # rendered and flushed by now, waiting for the lock
        assert writer.is_alive() and results == []
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Written by hand.", "Edited by the hook."), encoding="utf-8")
    writer.join(10)
    assert results == [True]
    final = path.read_text(encoding="utf-8")
    assert "Edited by the hook." in final and "Written by hand." not in final
    assert "status: complete" in final  # and gsd's own keys are there too
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
