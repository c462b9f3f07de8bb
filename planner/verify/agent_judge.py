"""`--agent CMD`: ask an agent about truths no check could decide (UNCERTAIN), one call per truth.

The prompt goes to the command's stdin: the truth, what gsd found, the plan's objective and
excerpts of the files the plan names (artifacts, files_modified, task files; those the truth names
first). The command must print one JSON object: `{"verdict": "pass"|"fail"|"uncertain",
"reason": "..."}` (the last such object in its output counts, so a preamble is tolerated).

An answer is recorded as *judged* (`TruthResult.judged`, source AGENT), never as verified by a
check: a judged pass is not counted in the score and still asks a person to confirm; a judged fail
is a gap. "uncertain", a non-zero exit, a timeout or output that is not the JSON verdict leave the
truth UNCERTAIN, with a diagnostic saying why. The command runs like any verify command (its own
process group, timeout, killed on interrupt) with stdin redirected from a temporary prompt file,
and each call is appended to the ledger (kind `agent`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from pathlib import Path

from planner.checks.engine import plan_hints
from planner.documents.models import Plan
from planner.errors import Diagnostic, Severity
from planner.execution.ledger import Ledger, entry_from_result
from planner.execution.runner import run_command
from planner.records import record
from planner.results import (
    CommandResult,
    CommandStatus,
    PlanCheckResult,
    TruthResult,
    TruthSource,
    TruthStatus,
)

CODES = {
    "GSD920": "the agent command failed (exit status, timeout, could not run): truth stays UNCERTAIN",
    "GSD921": "the agent's output holds no JSON verdict: truth stays UNCERTAIN",
    "GSD922": "the agent answered uncertain: truth stays UNCERTAIN",
}

MAX_FILES = 6
MAX_FILE_CHARS = 12_000
MAX_FILE_LINES = 300
MAX_TOTAL_CHARS = 48_000

_JSON_START = re.compile(r"\{")


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNCERTAIN = "uncertain"


@record(frozen=True)
class AgentSettings:
    command: str
    root: Path
    timeout: float
    jobs: int = 1
    ledger: Ledger | None = None
    run_id: str = ""
    phase_id: str | None = None
    git_head: str | None = None
    git_dirty: bool | None = None


@record(frozen=True)
class JudgeTask:
    plan: Plan
    plan_id: str
    result: PlanCheckResult
    index: int  # position of the truth in result.truths


def parse_verdict(output: str) -> tuple[Verdict, str] | None:
    """The last JSON object in `output` that has a valid `verdict` (None when there is none)."""
    decoder = json.JSONDecoder()
    found: tuple[Verdict, str] | None = None
    for m in _JSON_START.finditer(output):
        try:
            obj, _ = decoder.raw_decode(output, m.start())
        except ValueError:
            continue
        if not isinstance(obj, dict):
            continue
        verdict = obj.get("verdict")
        if (
            not isinstance(verdict, str)
            or verdict.strip().lower() not in Verdict.__members__.values()
        ):
            continue
        reason = obj.get("reason")
        found = (
            Verdict(verdict.strip().lower()),
            reason.strip() if isinstance(reason, str) else "",
        )
    return found


def _excerpt(root: Path, rel: str) -> str | None:
    try:
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines = text.splitlines()
    shown = "\n".join(lines[:MAX_FILE_LINES])[:MAX_FILE_CHARS]
    return f"--- {rel} (lines 1-{min(len(lines), MAX_FILE_LINES)} of {len(lines)}) ---\n{shown}\n"


def build_prompt(truth: TruthResult, plan: Plan, plan_id: str, root: Path) -> str:
    files = plan_hints(plan, root)
    # Files the truth names go first: they are the likeliest evidence.
    files.sort(key=lambda f: Path(f).name not in truth.text and f not in truth.text)
    parts = [
        "You are judging one statement about a software project for `gsd verify`.",
        'Answer with one JSON object and nothing else: {"verdict": "pass" | "fail" | '
        '"uncertain", "reason": "<one sentence>"}.',
        'Say "uncertain" unless the material below shows that the statement holds or fails.',
        "",
        f"Plan: {plan_id} ({plan.path})",
        f"Objective: {(plan.objective or plan.title or '(none given)').strip()}",
        "",
        f"Statement: {truth.text}",
        f"What gsd's checks found: {truth.reason or 'no automated evidence'}",
        "",
        "Files named by the plan (excerpts):" if files else "The plan names no existing files.",
    ]
    total = 0
    for rel in files[:MAX_FILES]:
        block = _excerpt(root, rel)
        if block is None or total + len(block) > MAX_TOTAL_CHARS:
            continue
        parts.append(block)
        total += len(block)
    return "\n".join(parts) + "\n"


def _call(task: JudgeTask, settings: AgentSettings) -> CommandResult:
    truth = task.result.truths[task.index]
    prompt = build_prompt(truth, task.plan, task.plan_id, settings.root)
    fd, name = tempfile.mkstemp(prefix="gsd-agent-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(prompt)
        # `exec <file` gives the whole command (pipelines included) the prompt as stdin.
        script = f"exec < {shlex.quote(name)}\n{settings.command}"
        env = {"GSD_PLAN": task.plan_id, "GSD_PHASE": settings.phase_id or ""}
        result = run_command(script, cwd=settings.root, timeout=settings.timeout, env=env)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    result = result.model_copy(
        update={"command": settings.command, "run_command": settings.command}
    )
    if settings.ledger is not None and result.status is not CommandStatus.INTERRUPTED:
        settings.ledger.append(
            entry_from_result(
                settings.run_id,
                task.plan_id,
                result,
                phase=settings.phase_id,
                kind="agent",
                git_head=settings.git_head,
                git_dirty=settings.git_dirty,
            )
        )
    return result


def _diag(task: JudgeTask, code: str, message: str, hint: str | None = None) -> Diagnostic:
    line = next(
        (
            t.line
            for t in task.plan.must_haves.truths
            if t.text == task.result.truths[task.index].text
        ),
        None,
    )
    return Diagnostic(
        code=code,
        severity=Severity.WARNING,
        message=message,
        file=task.plan.path,
        line=line,
        hint=hint,
    )


def apply_answer(task: JudgeTask, result: CommandResult, command: str) -> None:
    """Record the agent's answer on the truth (or a diagnostic when there is none)."""
    plan_result = task.result
    truth = plan_result.truths[task.index]
    short = f"{truth.text[:60]!r}"
    if result.status is CommandStatus.INTERRUPTED:
        return
    # Only the exit status counts here: a line starting with FAIL is the agent's prose, not a
    # failed check.
    if result.status in (CommandStatus.TIMED_OUT, CommandStatus.ERROR) or result.exit_code != 0:
        plan_result.diagnostics.append(
            _diag(
                task,
                "GSD920",
                f"agent `{command}` on truth {short}: {result.reason or result.status.value}",
                "check the --agent command by hand: it reads the prompt on stdin",
            )
        )
        return
    answer = parse_verdict(result.output)
    if answer is None:
        tail = " ".join(result.output.split())[-120:]
        plan_result.diagnostics.append(
            _diag(
                task,
                "GSD921",
                f"agent `{command}` on truth {short}: no JSON verdict in its output"
                + (f" (ends: {tail!r})" if tail else " (no output)"),
                'the agent must print {"verdict": "pass"|"fail"|"uncertain", "reason": "..."}',
            )
        )
        return
    verdict, reason = answer
    if verdict is Verdict.UNCERTAIN:
        plan_result.diagnostics.append(
            _diag(task, "GSD922", f"agent `{command}` is uncertain about truth {short}: {reason}")
        )
        return
    status = TruthStatus.PASSED if verdict is Verdict.PASS else TruthStatus.FAILED
    plan_result.truths[task.index] = truth.model_copy(
        update={
            "status": status,
            "source": TruthSource.AGENT,
            "judged": True,
            "reason": f"agent `{command}` judged {verdict.value}: {reason}".rstrip(": "),
        }
    )
    # The truth is no longer "no automated evidence": a judged pass gets its own confirm item
    # from the report rules, a judged fail is a gap.
    plan_result.human = [h for h in plan_result.human if h.test != truth.text]


def uncertain_tasks(items: Sequence[tuple[Plan, str, PlanCheckResult]]) -> list[JudgeTask]:
    return [
        JudgeTask(plan, plan_id, result, i)
        for plan, plan_id, result in items
        for i, t in enumerate(result.truths)
        if t.status is TruthStatus.UNCERTAIN
    ]


def judge(items: Sequence[tuple[Plan, str, PlanCheckResult]], settings: AgentSettings) -> int:
    """Ask the agent about every UNCERTAIN truth; update the results in place. Returns the number
    of calls made."""
    tasks = uncertain_tasks(items)
    if not tasks:
        return 0
    if settings.jobs <= 1 or len(tasks) == 1:
        answers = [_call(t, settings) for t in tasks]
    else:
        with ThreadPoolExecutor(max_workers=min(settings.jobs, len(tasks))) as pool:
            answers = list(pool.map(lambda t: _call(t, settings), tasks))
    for task, answer in zip(tasks, answers, strict=True):
        apply_answer(task, answer, settings.command)
    return len(tasks)
