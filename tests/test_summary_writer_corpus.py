"""The SUMMARY writer on every real SUMMARY.md of the corpus, and `execute --dry-run` on every real
PLAN.md: narrative outside managed sections is only ever added to, never changed (checked by a
line diff); a frontmatter gsd cannot edit safely is a located GsdError, never a crash."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pytest

from planner.commands.execute import dry_run_plan
from planner.documents.edit import body_offset, frontmatter_mapping
from planner.documents.loader import load_plan
from planner.documents.models import Plan
from planner.errors import GsdError
from planner.execution.plan_exec import ExecOptions, PlanJob
from planner.reports.execute_terminal import dry_run_lines
from planner.reports.summary_md import OWNED_KEYS, render_summary
from planner.reports.terminal import plain_text
from planner.results import PlanRun, PlanRunStatus, TaskRun, TaskStatus, TestCounts
from planner.workspace import Workspace
from tests.execute_helpers import T, write_plan


@pytest.mark.slow
def test_every_corpus_summary_keeps_its_narrative(corpus_dir: Path, tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, tasks=[T("A", ["true"]), T("B", ["false"])])
    ws = Workspace.discover(root=tmp_path)
    ref = ws.resolve_plan("01-01")
    plan = load_plan(ref.plan_path).doc
    assert isinstance(plan, Plan)
    run = PlanRun(
        plan_id="01-01", path="p", run_id="r", started_at="2026-01-01T00:00:00Z",
        status=PlanRunStatus.PARTIAL, tests_after=TestCounts(runner="pytest", passed=1, failed=1),
        tasks=[TaskRun(index=1, name="A", status=TaskStatus.PASSED),
               TaskRun(index=2, name="B", status=TaskStatus.FAILED)],
    )  # fmt: skip
    outcomes: Counter[str] = Counter()
    # Every third file (a fixed sample, all 24 repositories): the whole corpus takes ~40 s here.
    for path in sorted(corpus_dir.rglob("*SUMMARY.md"))[::3]:
        raw = path.read_bytes()
        try:
            old = raw.decode("utf-8")
        except UnicodeDecodeError:
            outcomes["not utf-8"] += 1
            continue
        try:
            new, _ = render_summary(old, ref, plan, run, None)
        except GsdError as exc:
            assert exc.code in {
                "GSD601",
                "GSD602",
                "GSD603",
                "GSD604",
                "GSD605",
                "GSD606",
                "GSD607",
                "GSD608",
            }, (path, exc.format())
            outcomes[f"refused {exc.code}"] += 1
            continue
        a = old[body_offset(old) :].splitlines(keepends=True)
        b = new[body_offset(new) :].splitlines(keepends=True)
        if a and not a[-1].endswith("\n"):  # appending a section ends the last line first
            a[-1] += "\r\n" if "\r\n" in old else "\n"
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        changed = [(op, a[i1:i2]) for op, i1, i2, _, _ in ops if op in ("replace", "delete")]
        assert changed == [], path
        fm_old, fm_new = frontmatter_mapping(old), frontmatter_mapping(new)
        assert {k: v for k, v in fm_new.items() if k not in OWNED_KEYS} == {
            k: v for k, v in fm_old.items() if k not in OWNED_KEYS
        }, path
        if outcomes["written"] % 4 == 0:
            assert render_summary(new, ref, plan, run, None)[0] == new, path  # idempotent
        outcomes["written"] += 1
    assert outcomes["written"] > 300, outcomes


@pytest.mark.slow
def test_dry_run_of_every_corpus_plan(corpus_dir: Path, tmp_path: Path) -> None:
    (tmp_path / ".planning").mkdir()
    write_plan(tmp_path, tasks=[T("A", ["true"])])
    ws = Workspace.discover(root=tmp_path)
    ref = ws.resolve_plan("01-01")
    opts = ExecOptions(path_map=(("/Users", "/home"),))
    commands = 0
    for path in sorted(corpus_dir.rglob("*PLAN.md")):
        loaded = load_plan(path)
        if not isinstance(loaded.doc, Plan):
            continue
        run = dry_run_plan(ws, PlanJob(ref=ref, plan=loaded.doc), opts)
        text = plain_text(dry_run_lines(run))
        commands += sum(len(t.commands) for t in run.tasks)
        assert len(text.splitlines()) >= 1 + len(run.tasks), path
    assert commands > 1000
