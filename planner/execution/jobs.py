"""What a run of plans is given and shares: options, jobs, cancellation, the events interface.

Light on purpose (no pydantic, no result models): the scheduler and the early start of each
plan's first command (`launch`) need these before the heavy modules are imported, and
`plan_exec` re-exports them for everyone else.
"""

from __future__ import annotations

import os
import threading
from dataclasses import field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from planner.execution import procs
from planner.records import record

if TYPE_CHECKING:
    from planner.documents.models import Plan, Task, Verification
    from planner.errors import Diagnostic
    from planner.results import PlanRun, TaskRun
    from planner.workspace import PlanRef

DEFAULT_AGENT_TIMEOUT = 1800.0


@record(frozen=True)
class ExecOptions:
    timeout: float | None = None  # --timeout (wins over the plan's and the config's)
    config_timeout: float = 300.0
    path_map: tuple[tuple[str, str], ...] = ()  # config path_map, then --map-path (later wins)
    agent: str | None = None
    agent_timeout: float = DEFAULT_AGENT_TIMEOUT
    attempts: int = 1  # tries per auto task when an agent is configured
    resume: bool = False
    dry_run: bool = False
    yes: bool = False
    write: bool = True
    lock_wait: float = 5.0
    command_line: str = "gsd execute"


@record
class PlanJob:
    ref: PlanRef
    plan: Plan
    diagnostics: list[Diagnostic] = field(default_factory=list)
    previous: Verification | None = None  # the phase's VERIFICATION.md (its overrides count)


class RunControl:
    """Cancellation shared by the plans of one run. `lock` makes "not cancelled, so write the
    SUMMARY" one step: an interrupt either comes before it (nothing written) or after it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.lock = threading.Lock()

    def cancel(self) -> None:
        with self.lock:
            self._event.set()

    def cancelled(self) -> bool:
        return self._event.is_set() or procs.shutting_down()


class ExecEvents:
    """What a run reports while it goes (called from worker threads); the default is silent."""

    def plan_started(self, ref: PlanRef, plan: Plan) -> None:
        pass

    def task_started(self, ref: PlanRef, task: Task) -> None:
        pass

    def task_finished(self, ref: PlanRef, run: TaskRun) -> None:
        pass

    def plan_finished(self, run: PlanRun) -> None:
        pass

    def plan_error(self, run: PlanRun) -> None:
        """The plan could not run at all (its lock is held elsewhere): `run` says why."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def new_run_id() -> str:
    """Sortable by time, unique across processes: `20250601T120000Z-3fa9c1`."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}Z-{os.urandom(3).hex()}"  # = secrets.token_hex(3)


def plan_timeout(plan: Plan, opts: ExecOptions) -> float:
    """--timeout, else the plan's `timeout:`, else the config's (300 s by default)."""
    return opts.timeout or plan.frontmatter.timeout or opts.config_timeout
