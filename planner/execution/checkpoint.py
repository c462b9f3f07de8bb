"""Checkpoint tasks: what a person must check, and asking them from the main thread.

A checkpoint task (`checkpoint:human-verify`, `checkpoint:decision`, `checkpoint:human-action`)
stops the run unless approved: `--yes`, or `y` typed at the prompt when stdin is a terminal.
Plans run in worker threads, but only the main thread may wait on the terminal (Ctrl-C is
delivered there), so a worker's question goes through `ApprovalBroker`: the worker blocks on its
`Question`, the main thread asks and answers it (or refuses it when the run is interrupted).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import field
from typing import IO

from planner.documents.models import Task
from planner.records import record
from planner.workspace import PlanRef

_ELEMENTS = (
    ("what-built", "What was built"),
    ("how-to-verify", "How to verify"),
    ("decision", "Decision"),
    ("options", "Options"),
    ("instructions", "What to do"),
    ("resume-signal", "To resume"),
)


def task_title(task: Task) -> str:
    """The task's name; a checkpoint without one is named by the first line of what it built."""
    if task.name.strip():
        return " ".join(task.name.split())
    for key in ("what-built", "decision", "instructions", "action"):
        text = task.elements.get(key, "") if key != "action" else task.action
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        if first:
            return first[:100]
    return f"{task.type} task {task.index}"


def describe_checkpoint(task: Task) -> str:
    """What a person must check, as plain text: name, what was built, how to verify."""
    lines = [f"{task_title(task)} ({task.type})"]
    found = False
    for key, label in _ELEMENTS:
        text = _dedent(task.elements.get(key, ""))
        if text:
            found = True
            lines.append(f"{label}:")
            lines += [f"  {line}" for line in text.splitlines()]
    if not found:
        for label, text in (("What to check", task.action), ("Done when", task.done)):
            if _dedent(text):
                lines.append(f"{label}:")
                lines += [f"  {line}" for line in _dedent(text).splitlines()]
    return "\n".join(lines)


def _dedent(text: str) -> str:
    rows = text.strip("\n").splitlines()
    indents = [len(r) - len(r.lstrip()) for r in rows if r.strip()]
    cut = min(indents, default=0)
    return "\n".join(r[cut:].rstrip() for r in rows).strip()


def ask_yes_no(text: str, stdin: IO[str], stderr: IO[str]) -> bool:
    """Show `text` and read one answer: `y`/`yes` approves, anything else (or EOF) refuses."""
    stderr.write(f"\n{text}\nApprove this checkpoint? [y/N] ")
    stderr.flush()
    answer = stdin.readline()
    return answer.strip().lower() in ("y", "yes")


@record
class Question:
    plan: str
    task: int
    text: str
    answer: bool | None = None
    done: threading.Event = field(default_factory=threading.Event)


class ApprovalBroker:
    """Called by plan workers as their `approver`; `serve` runs in the main thread.

    With no way to ask (`ask` is None: stdin is not a terminal), it answers None at once: the
    run stops at the checkpoint and says what a person must check."""

    def __init__(
        self, ask: Callable[[str], bool] | None, inbox: queue.Queue[tuple[str, object]]
    ) -> None:
        self.ask = ask
        self.inbox = inbox
        self._closed = threading.Event()

    def __call__(self, ref: PlanRef, task: Task, text: str) -> bool | None:
        if self.ask is None or self._closed.is_set():
            return None
        question = Question(ref.id, task.index, f"{ref.id} task {task.index}: {text}")
        self.inbox.put(("ask", question))
        question.done.wait()
        return question.answer

    def serve(self, question: Question) -> None:
        if self.ask is None or self._closed.is_set():
            question.answer = None
        else:
            try:
                question.answer = self.ask(question.text)
            finally:
                question.done.set()
        question.done.set()

    def close(self) -> None:
        """Refuse every question from now on (the run is being interrupted)."""
        self._closed.set()

    @staticmethod
    def refuse(question: Question) -> None:
        question.answer = False
        question.done.set()
