"""Terminal output of `gsd execute`, as data: each line is a list of (text, style) parts (the
style of `reports.terminal`), so tests check the parts and the reporter only paints them.

Plan mode streams one line per task as it ends (failing commands and checkpoints under it), then
the must-haves, the SUMMARY and one verdict line. Phase mode prints one line per plan as it ends
and a verdict line. On a terminal a live display shows what is running; elsewhere plain lines.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from planner.documents.models import Plan, Task
from planner.execution.checkpoint import ask_yes_no
from planner.execution.plan_exec import ExecEvents
from planner.reports.phase import compute_score
from planner.reports.summary_sections import fmt_duration, outcome_text, short_command, tests_text
from planner.reports.terminal import BOLD, DIM, FAIL, OK, PLAIN, WARN, Line, plain_text, plan_lines
from planner.results import CommandStatus, PlanRun, PlanRunStatus, TaskRun, TaskStatus
from planner.workspace import PlanRef

if TYPE_CHECKING:
    from planner.commands.execute import ExecuteResult

_TASK_MARK = {
    TaskStatus.PASSED: ("✓", OK),
    TaskStatus.FAILED: ("✗", FAIL),
    TaskStatus.NO_VERIFY: ("?", WARN),
    TaskStatus.SKIPPED: ("↷", DIM),
    TaskStatus.NOT_RUN: ("·", DIM),
    TaskStatus.AWAITING_HUMAN: ("?", WARN),
    TaskStatus.APPROVED: ("✓", OK),
    TaskStatus.INTERRUPTED: ("✗", FAIL),
}
_PLAN_BADGE = {
    PlanRunStatus.COMPLETE: ("✓ complete", OK),
    PlanRunStatus.PARTIAL: ("⚠ partial", WARN),
    PlanRunStatus.FAILED: ("✗ failed", FAIL),
    PlanRunStatus.AWAITING_HUMAN: ("? awaiting human", WARN),
    PlanRunStatus.NOTHING_TO_CHECK: ("∅ nothing to check", WARN),
    PlanRunStatus.INTERRUPTED: ("✗ interrupted", FAIL),
}
_EXIT_STYLE = {
    0: "bold green",
    1: "bold red",
    3: "bold red",
    4: "bold yellow",
    5: "bold yellow",
    130: "bold red",
}
_BAD = (
    CommandStatus.FAILED,
    CommandStatus.TIMED_OUT,
    CommandStatus.ERROR,
    CommandStatus.INTERRUPTED,
)


def task_line(t: TaskRun) -> Line:
    mark, style = _TASK_MARK[t.status]
    line: Line = [(f"  {mark} ", style), (f"{t.index}  ", DIM), (t.name, PLAIN)]
    if t.reason:
        line.append((f"  {t.reason}", DIM if t.status is not TaskStatus.FAILED else FAIL))
    if t.duration:
        line.append((f"  {fmt_duration(t.duration)}", DIM))
    return line


def task_details(t: TaskRun) -> list[Line]:
    """Under a task: each command that did not pass with its evidence; a checkpoint's question."""
    lines: list[Line] = []
    for c in t.commands:
        if c.status not in _BAD:
            continue
        exit_ = f", exit {c.exit_code}" if c.exit_code is not None else ""
        lines.append(
            [
                ("      ✗ ", FAIL),
                (short_command(c.run_command, 160), PLAIN),
                (f"  {c.status.value}{exit_}", FAIL),
            ]
        )
        evidence = c.fail_lines[:3] or [x for x in c.output.splitlines() if x.strip()][-3:]
        lines += [[(f"          {x[:200]}", DIM)] for x in evidence]
        if c.reason and not c.fail_lines:
            lines.append([(f"          {c.reason}", DIM)])
    if t.status is TaskStatus.AWAITING_HUMAN and t.human_check:
        lines += [[(f"      {x}", WARN)] for x in t.human_check.splitlines()]
    for a in t.agent_runs:
        if a.status is not CommandStatus.PASSED:
            lines.append([(f"      agent attempt {a.attempt}: {a.status.value}", DIM)])
    return lines


def plan_line(run: PlanRun) -> Line:
    badge = _PLAN_BADGE[run.status]
    line: Line = [
        (run.plan_id, BOLD),
        ("  ", PLAIN),
        badge,
        (f"  tasks {run.tasks_passed}/{len(run.tasks)}", DIM),
    ]
    if run.checks is not None and not run.dry_run:
        line.append((f"  must-haves {compute_score([run.checks]).text().split()[0]}", DIM))
    if run.tests_after is not None:
        line.append((f"  tests {run.tests_after.passed}/{run.tests_after.total}", DIM))
    line.append((f"  {fmt_duration(run.duration)}", DIM))
    if run.summary_written:
        line.append((f"  SUMMARY written: {run.summary_path}", DIM))
    return line


def plan_block(run: PlanRun) -> list[Line]:
    """Phase mode: the plan's line, the tasks that need attention and the plan's errors."""
    lines = [plan_line(run)]
    for t in run.tasks:
        if t.status in (TaskStatus.FAILED, TaskStatus.AWAITING_HUMAN, TaskStatus.INTERRUPTED):
            lines.append(task_line(t))
            lines += task_details(t)
    lines += [[(f"    {d.format()}", FAIL)] for d in run.diagnostics if d.severity.value == "error"]
    return lines


def plan_footer(run: PlanRun) -> list[Line]:
    """Plan mode, after the task lines: must-haves, tests, SUMMARY."""
    lines: list[Line] = []
    if run.checks is not None and run.status is not PlanRunStatus.INTERRUPTED:
        s = compute_score([run.checks])
        if s.total:
            lines.append(
                [
                    ("  must-haves ", DIM),
                    (f"{s.verified}/{s.total} verified", OK if s.verified == s.total else WARN),
                    (
                        f" (truths {s.truths.text()}, artifacts {s.artifacts.text()}, links {s.links.text()})",
                        DIM,
                    ),
                ]
            )
        else:
            lines.append([("  must-haves ", DIM), ("none declared", WARN)])
        lines += [[("  ", PLAIN), *line] for line in plan_lines(run.checks)[1:]]
        lines.append([("  tests ", DIM), (tests_text(run), PLAIN)])
    for d in run.diagnostics:
        if d.severity.value == "error":
            lines.append([(f"  {d.format()}", FAIL)])
    if run.status is PlanRunStatus.INTERRUPTED:
        lines.append([("  SUMMARY left as it was (interrupted)", WARN)])
    elif run.summary_written:
        lines.append([("  SUMMARY written: ", DIM), (run.summary_path or "", PLAIN)])
    elif run.summary_path and not any(d.code == "GSD955" for d in run.diagnostics):
        lines.append([("  SUMMARY unchanged: ", DIM), (run.summary_path, PLAIN)])
    return lines


def dry_run_lines(run: PlanRun) -> list[Line]:
    lines: list[Line] = [
        [
            (run.plan_id, BOLD),
            ("  dry run: the commands after path mapping; nothing runs, nothing is written", DIM),
        ]
    ]
    for t in run.tasks:
        lines.append([(f"  task {t.index}  ", DIM), (t.name, PLAIN), (f"  ({t.type})", DIM)])
        if t.human_check:
            lines.append([("    checkpoint: stops for a person unless --yes", WARN)])
        elif not t.commands:
            lines.append([("    no verify command", WARN)])
        for c in t.commands:  # a multi-line command is shown whole: this is what will run
            lines += [
                [("    $ " if i == 0 else "      ", DIM), (x, PLAIN)]
                for i, x in enumerate(c.run_command.splitlines())
            ]
    if run.checks is not None and run.checks.commands:
        lines.append([("  truth commands", DIM)])
        lines += [[("    $ ", DIM), (c.run_command, PLAIN)] for c in run.checks.commands]
    return lines


def verdict_line(
    runs: Sequence[PlanRun],
    exit_code: int,
    *,
    phase: str | None = None,
    interrupted: bool = False,
    not_started: Sequence[str] = (),
) -> Line:
    style = _EXIT_STYLE.get(exit_code, "bold red")
    if interrupted:
        names = ", ".join(r.plan_id for r in runs) or "nothing"
        text = f"interrupted: {names} stopped; SUMMARY left as it was"
        if not_started:
            text += f"; not started: {', '.join(not_started)}"
        return [(f"{text} (exit {exit_code})", style)]
    if phase is None and len(runs) == 1:
        run = runs[0]
        unwritten = any(d.code == "GSD955" for d in run.diagnostics)
        note = "; SUMMARY not written (see above)" if unwritten else ""
        return [(f"{run.plan_id} {outcome_text(run)}{note} (exit {exit_code})", style)]
    counts: dict[str, int] = {}
    for r in runs:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    tally = ", ".join(f"{n} {status}" for status, n in counts.items())
    passed = sum(r.tasks_passed for r in runs)
    total = sum(len(r.tasks) for r in runs)
    return [
        (
            f"phase {phase}: {len(runs)} plans ({tally}); {passed}/{total} tasks passed (exit {exit_code})",
            style,
        )
    ]


# -------------------------------------------------------------------------------------------
# The reporter


class ExecuteReporter(ExecEvents):
    """Prints a run as it goes. Thread-safe: plans report from worker threads."""

    def __init__(
        self,
        stream: IO[str] | None = None,
        *,
        phase_mode: bool = False,
        color: bool = False,
        live: bool = False,
        quiet: bool = False,
    ) -> None:
        self.stream = stream or sys.stdout
        self.phase_mode, self.color, self.quiet = phase_mode, color, quiet
        self.lock = threading.RLock()
        self.running: dict[str, tuple[str, float]] = {}  # plan id -> (what it does, since)
        self.console: Any = None
        self.live: Any = None
        if live and not quiet:
            from rich.console import Console
            from rich.live import Live

            self.console = Console(
                file=self.stream, force_terminal=True, no_color=not color, highlight=False
            )
            self.live = Live(
                get_renderable=self._status,
                console=self.console,
                refresh_per_second=8,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )

    def __enter__(self) -> ExecuteReporter:
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.stop()

    def emit(self, lines: Sequence[Line]) -> None:
        if self.quiet or not lines:
            return
        with self.lock:
            if self.console is not None:
                from rich.text import Text

                for line in lines:
                    self.console.print(Text.assemble(*line), highlight=False, soft_wrap=True)
            else:
                self.stream.write(plain_text(lines) + "\n")
                self.stream.flush()

    # events (worker threads)

    def plan_started(self, ref: PlanRef, plan: Plan) -> None:
        with self.lock:
            self.running[ref.id] = ("starting", time.monotonic())
        if not self.phase_mode:
            title = f"  {plan.title}" if plan.title else ""
            self.emit(
                [
                    [
                        (ref.id, BOLD),
                        (title, PLAIN),
                        (f"  ({len(plan.tasks)} task{'' if len(plan.tasks) == 1 else 's'})", DIM),
                    ]
                ]
            )

    def task_started(self, ref: PlanRef, task: Task) -> None:
        with self.lock:
            self.running[ref.id] = (f"task {task.index}: {task.name[:60]}", time.monotonic())

    def task_finished(self, ref: PlanRef, run: TaskRun) -> None:
        if not self.phase_mode:
            self.emit([task_line(run), *task_details(run)])

    def plan_finished(self, run: PlanRun) -> None:
        with self.lock:
            self.running.pop(run.plan_id, None)
        self.emit(plan_block(run) if self.phase_mode else plan_footer(run))

    def plan_error(self, run: PlanRun) -> None:
        if self.phase_mode:  # a lone plan's error is the command's error: the CLI prints it
            self.emit(plan_block(run))

    def ask(self, text: str) -> bool:
        """A checkpoint question on the terminal (main thread); the live display pauses."""
        with self.lock:
            if self.live is not None:
                self.live.stop()
            try:
                return ask_yes_no(text, sys.stdin, sys.stderr)
            finally:
                if self.live is not None:
                    self.live.start()

    def _status(self) -> Any:
        from rich.console import Group
        from rich.spinner import Spinner

        now = time.monotonic()
        with self.lock:
            items = list(self.running.items())
        return Group(
            *(
                Spinner("dots", text=f"{plan}  {what}  {fmt_duration(now - since)}")
                for plan, (what, since) in items
            )
        )


def final_lines(result: ExecuteResult) -> list[Line]:
    """After the run: dry-run listings, or the verdict line (what streamed before is not repeated)."""
    lines: list[Line] = []
    if result.dry_run:
        for run in result.runs:
            lines += dry_run_lines(run)
        return lines
    if not result.runs and not result.interrupted:
        return [
            [
                (
                    f"phase {result.phase}: no plans: nothing to check (exit {result.exit_code})",
                    "bold yellow",
                )
            ]
        ]
    if not result.interrupted:
        lines += [
            [
                (name.split()[0], BOLD),
                ("  · not started: " + name.partition(" ")[2].strip("()"), WARN),
            ]
            for name in result.not_started
        ]
    lines.append(
        verdict_line(
            result.runs,
            result.exit_code,
            phase=result.phase if result.mode == "phase" else None,
            interrupted=result.interrupted,
            not_started=result.not_started,
        )
    )
    return lines
