"""The agent: a command (`--agent "claude -p"`, or `gsd.agent` in config.json) that does a task's
work. It gets the task prompt on stdin and runs through the same runner as verify commands (own
process group, bounded output, TERM-then-KILL), with its own timeout.

What it says and how it exits are recorded (TaskRun.agent_runs, ledger kind "agent"); they are
never evidence: only the task's verify commands decide its verdict. On a retry (`--attempts N`)
the prompt carries what failed last time: each failing command, its verdict and its output tail.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from planner.documents.models import Plan, Task
from planner.execution.checkpoint import task_title
from planner.execution.runner import run_command
from planner.results import AgentRun, CommandResult

FAILURE_TAIL_CHARS = 3000  # output of each failing command passed back to the agent
_BACKTICKS = re.compile(r"`+")


def build_prompt(
    plan: Plan,
    plan_id: str,
    task: Task,
    *,
    attempt: int = 1,
    attempts: int = 1,
    failures: Sequence[CommandResult] = (),
) -> str:
    """The task prompt: plan objective, task name, files, action, done criteria, verify block,
    and on a retry the failures of the previous attempt."""
    parts = [
        f"# Plan {plan_id}, task {task.index}: {task_title(task)}",
        f"Attempt {attempt} of {attempts}. Work in the current directory (the project root). "
        "When you stop, gsd runs the task's verify commands; only their results count.",
        _section("Plan objective", plan.objective or plan.title or ""),
        _section("Files", "\n".join(f"- {f}" for f in task.files)),
        _section("Action", task.action),
        _section("Done when", task.done or task.acceptance_criteria),
    ]
    if task.verify is not None and task.verify.raw.strip():
        parts.append(
            _section("Verify (gsd runs these commands afterwards)", _fenced(task.verify.raw))
        )
    if failures:
        lines = [
            f"Attempt {attempt - 1} did not pass verification. Fix the cause; do not change the checks."
        ]
        for r in failures:
            lines.append(f"\n- `{r.command}`: {r.status.value} ({r.reason or 'no reason'})")
            tail = r.output[-FAILURE_TAIL_CHARS:].strip()
            if tail:
                lines.append(_fenced(tail))
        parts.append(_section("What failed last time", "\n".join(lines)))
    return "\n\n".join(p for p in parts if p).rstrip() + "\n"


def run_agent(
    command: str,
    prompt: str,
    *,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str],
    attempt: int,
) -> tuple[AgentRun, CommandResult]:
    """Run `command` once with `prompt` on its stdin (a temporary file, also named in
    $GSD_PROMPT_FILE). Returns the agent run and the runner's result (for the ledger)."""
    fd, name = tempfile.mkstemp(prefix="gsd-prompt-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(prompt)
        # Braces give the whole command (pipelines included) the prompt as stdin; the newline
        # keeps a trailing comment in `command` from swallowing the closing brace.
        wrapped = f"{{ {command}\n}} < {shlex.quote(name)}"
        result = run_command(
            wrapped,
            cwd=cwd,
            timeout=timeout,
            env={**env, "GSD_PROMPT_FILE": name, "GSD_ATTEMPT": str(attempt)},
        )
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    result = result.model_copy(update={"command": command, "run_command": command})
    agent_run = AgentRun(
        command=command,
        attempt=attempt,
        status=result.status,
        exit_code=result.exit_code,
        duration=result.duration,
        output_head=result.output_head,
        output_tail=result.output_tail,
    )
    return agent_run, result


def _section(title: str, body: str) -> str:
    body = body.strip("\n")
    return f"## {title}\n\n{_dedent(body)}" if body.strip() else ""


def _fenced(text: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)  # longer than any backtick run inside: it cannot close early
    return f"{fence}\n{_dedent(text).strip(chr(10))}\n{fence}"


def _dedent(text: str) -> str:
    rows = text.splitlines()
    indents = [len(r) - len(r.lstrip()) for r in rows if r.strip()]
    cut = min(indents, default=0)
    return "\n".join(r[cut:].rstrip() for r in rows)
