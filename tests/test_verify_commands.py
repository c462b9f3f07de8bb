"""Collecting and running a plan's `<verification>` and truth `verify:` commands."""

from __future__ import annotations

from pathlib import Path

from verify_factories import plan_text

from planner.documents.loader import load_plan
from planner.documents.models import Plan
from planner.execution.ledger import Ledger, RunRecord
from planner.results import CommandResult, CommandStatus
from planner.verify.commands import CommandKind, RunSettings, collect, run_batches, truth_verdict

MUST = """\
truths:
  - {truth: "both run", verify: "echo one > order.txt\\necho two >> order.txt\\nExpected: no errors"}
  - truth: "second fails"
    verify: |
      true
      false
      echo after
  - {truth: "prose only", verify: "Look at the page and decide"}
  - plain truth
"""
BODY = "<verification>\ncat order.txt\nExpected: 2 lines\nThen check the logs by eye.\n</verification>\n"


def load(tmp_path: Path) -> Plan:
    path = tmp_path / "01-01-PLAN.md"
    path.write_text(plan_text("1", "01", MUST, BODY), encoding="utf-8")
    plan = load_plan(path).doc
    assert isinstance(plan, Plan)
    return plan


def test_collect_splits_commands_expectations_and_notes(tmp_path: Path) -> None:
    plan = load(tmp_path)
    batch = collect(plan, "01-01", "01", 12.0)
    assert [(c.kind, c.command.text, c.truth, c.command.line) for c in batch.commands] == [
        (CommandKind.VERIFICATION, "cat order.txt", None, 26),
        (CommandKind.TRUTH, "echo one > order.txt", "both run", 9),
        (CommandKind.TRUTH, "echo two >> order.txt", "both run", 9),
        (CommandKind.TRUTH, "true", "second fails", 10),
        (CommandKind.TRUTH, "false", "second fails", 10),
        (CommandKind.TRUTH, "echo after", "second fails", 10),
    ]
    assert [e.text for e in batch.commands[2].command.expectations] == ["no errors"]
    (diag,) = batch.diagnostics
    assert (diag.code, diag.line) == ("GSD910", 15)
    assert batch.timeout == 12.0


def test_run_batches_in_order_with_ledger(tmp_path: Path) -> None:
    plan = load(tmp_path)
    batch = collect(plan, "01-01", "01", 30.0)
    batch.commands = batch.commands[1:] + batch.commands[:1]  # truths first, then `cat`
    ledger = Ledger(tmp_path / ".planning")
    settings = RunSettings(
        root=tmp_path, jobs=2, ledger=ledger, run_id="r1", git_head="abc", git_dirty=True
    )
    out = run_batches([batch], settings)["01-01"]
    assert [r.status for r in out.results] == [
        CommandStatus.PASSED,
        CommandStatus.PASSED,
        CommandStatus.PASSED,
        CommandStatus.FAILED,
        CommandStatus.PASSED,
        CommandStatus.PASSED,
    ]
    assert out.results[-1].output_head == "one\ntwo\n"  # written in order by the earlier commands
    assert out.by_truth["both run"].command == "echo two >> order.txt"
    assert out.by_truth["second fails"].command == "false"
    entries = ledger.entries("01-01")
    assert [e.kind for e in entries] == ["truth"] * 5 + ["verification"]
    assert {(e.run_id, e.git_head, e.git_dirty, e.task) for e in entries} == {
        ("r1", "abc", True, None)
    }
    statuses = [r for r in ledger.records("01-01") if isinstance(r, RunRecord)]
    assert [(s.event, s.plan) for s in statuses] == [("start", "01-01")]  # the caller ends the run


def test_truth_verdict_is_first_failure_else_last() -> None:
    def r(cmd: str, status: CommandStatus) -> CommandResult:
        return CommandResult(command=cmd, run_command=cmd, cwd=".", status=status)

    ok1, bad, ok2 = (
        r("a", CommandStatus.PASSED),
        r("b", CommandStatus.TIMED_OUT),
        r("c", CommandStatus.PASSED),
    )
    assert truth_verdict([ok1, bad, ok2]) is bad
    assert truth_verdict([ok1, ok2]) is ok2


def test_no_commands_no_ledger(tmp_path: Path) -> None:
    plan = load(tmp_path)
    batch = collect(plan, "01-01", "01", 5.0)
    batch.commands = []
    ledger = Ledger(tmp_path / ".planning")
    out = run_batches([batch], RunSettings(root=tmp_path, jobs=1, ledger=ledger, run_id="r"))
    assert out["01-01"].results == []
    assert not ledger.dir.exists()
