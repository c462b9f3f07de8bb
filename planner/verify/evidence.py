"""What `gsd verify` reads rather than runs: the truths' `verify:` texts, checkpoint tasks, and
(with `--static`) each task's latest results in the ledger.

Light on purpose: `--static` starts no process, so this imports neither the runner nor the
ledger writer (those are planner.verify.commands'); the ledger itself is read only when the
project has one, and the done-claim checker only when a task has results there.
"""

from __future__ import annotations

from pathlib import Path

from planner.documents.models import Plan, VerifyCommand
from planner.documents.verifyblock import split_verify
from planner.errors import Diagnostic, Severity
from planner.results import CommandResult, HumanCheck, LedgerEntry, TaskCheck

CODES = {
    "GSD910": "a truth's verify: text holds no runnable command (kept as a note, never run)",
}


def truth_commands(plan: Plan, diagnostics: list[Diagnostic]) -> list[tuple[str, VerifyCommand]]:
    """(truth text, command) for each command in the truths' `verify:` texts, split like any
    verify block; a `verify:` with no runnable command is a GSD910 warning in `diagnostics`."""
    out: list[tuple[str, VerifyCommand]] = []
    for truth in plan.must_haves.truths:
        if not truth.verify:
            continue
        block = split_verify(truth.verify, truth.line)
        if not block.commands:
            diagnostics.append(
                Diagnostic(
                    code="GSD910",
                    severity=Severity.WARNING,
                    message=f"verify: of truth {truth.text!r} holds no runnable command: "
                    f"{truth.verify.strip()[:120]!r}",
                    file=plan.path,
                    line=truth.line,
                    hint='write a shell command, e.g. verify: "pytest tests/test_x.py -q"',
                )
            )
            continue
        for command in block.commands:
            # A command has no line of its own inside a YAML scalar: point at the truth.
            out.append((truth.text, command.model_copy(update={"line": truth.line})))
    return out


def latest_task_results(
    planning: Path, plan_ids: list[str]
) -> dict[str, dict[int, list[LedgerEntry]]]:
    """plan id -> each task's entries of its latest run (planner.execution.ledger); all empty,
    without reading anything, when the project has no ledger."""
    if not (planning / ".gsd" / "ledger").is_dir():
        return {plan_id: {} for plan_id in plan_ids}
    from planner.execution.ledger import Ledger

    ledger = Ledger(planning)
    return {plan_id: ledger.latest_task_results(plan_id) for plan_id in plan_ids}


def result_from_entry(entry: LedgerEntry) -> CommandResult:
    """A ledger entry as a command result (for `--static`: the evidence of an earlier run)."""
    output = entry.output_head + ("\n" + entry.output_tail if entry.output_tail else "")
    return CommandResult(
        command=entry.command,
        run_command=entry.run_command or entry.command,
        cwd="",
        status=entry.status,
        exit_code=entry.exit_code,
        duration=entry.duration,
        started_at=entry.started_at,
        output_head=entry.output_head,
        output_tail=entry.output_tail,
        fail_lines=[ln.strip() for ln in output.splitlines() if ln.startswith("FAIL")],
        test_counts=entry.test_counts,
    )


def ledger_task_checks(plan: Plan, latest: dict[int, list[LedgerEntry]]) -> list[TaskCheck]:
    """With `--static`: each auto task's latest ledger results, done claims checked as in a run."""
    if not latest:
        return []
    from planner.execution.done_claims import absence_claims, check_done

    checks: list[TaskCheck] = []
    for task in plan.tasks:
        entries = latest.get(task.index)
        if task.is_checkpoint or not entries:
            continue
        claims = absence_claims(task.done)
        results = [result_from_entry(e) for e in entries]
        for r in results:
            check_done(r, claims)
        checks.append(TaskCheck(index=task.index, name=task.name, commands=results))
    return checks


def checkpoint_checks(plan: Plan, plan_id: str) -> list[HumanCheck]:
    """Checkpoint tasks are never run: each is a check for a person (what was built, how to verify)."""
    checks: list[HumanCheck] = []
    for task in plan.tasks:
        if not task.is_checkpoint:
            continue
        built = task.elements.get("what-built", "").strip()
        how = task.elements.get("how-to-verify", "").strip()
        name = task.name.strip() or f"checkpoint task {task.index}"
        checks.append(
            HumanCheck(
                test=f"Task {task.index} of {plan_id} ({name})" + (f": {built}" if built else ""),
                expected=how or task.done.strip() or None,
                why_human=f"{task.type} task {task.index} of plan {plan_id}: gsd does not run it",
                plan=plan_id,
            )
        )
    return checks
