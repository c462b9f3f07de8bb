"""Run one verification command and say what happened: `run_command(...) -> CommandResult`.

    result = run_command("pytest -q", cwd=root, timeout=300,
                         env={"GSD_PLAN": "26-04", "GSD_PHASE": "26"},
                         path_map=[("/Users/a/atom", "backend")],
                         expectations=command.expectations)

It is `finish_command(launch.start_command(...))`: a command started earlier (a plan's first,
see `launch.early_start`) is waited for with `finish_command` alone.

How a command runs (DESIGN section 3):
- `bash -c TEXT` in its own process group, stdin from /dev/null, cwd = the folder holding
  `.planning/`, environment = ours + `CI=1` + `env`; the text after `--map-path` rewriting
  (`result.command` keeps the plan's text, `result.run_command` what ran).
- stdout and stderr share one pipe (one interleaved stream), read in chunks of up to 1 MiB into an
  `OutputCapture` (head and tail kept, the rest counted; FAIL lines, go test lines and
  expectation literals scanned over the whole stream).
- Timeout: TERM to the group, KILL after `kill_grace`; the call returns once no member is alive.
  When the shell exits but a backgrounded process still holds the pipe open, reading stops after
  `LINGER` seconds and the leftover group is killed: no process outlives the call.
- Thread-safe: plans of a wave run commands from several threads at once. Under
  `procs.interrupt_guard()` an interrupt kills every group; commands in worker threads return
  status `interrupted`, the main thread gets `Interrupted`.

Verdict, first that applies: `timed_out`; `interrupted`; `error` (bash could not start, the
folder is missing, or exit 126/127: not executable / command not found: a broken plan, not failing
code); `failed` (exit status != 0, a line starting with `FAIL`, or an UNMET expectation); else
`passed`. `reason` says why in one line. Test-runner summaries become `test_counts`.
"""

from __future__ import annotations

import math
import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from planner.documents.models import Expectation
from planner.execution import procs
from planner.execution.capture import CapturedOutput, OutputCapture
from planner.execution.expectations import (
    check_expectations,
    expectation_needles,
    expected_exit_codes,
)
from planner.execution.launch import PIPE_SIZE, Started, start_command
from planner.execution.testcounts import parse_test_counts
from planner.results import CommandResult, CommandStatus, ExpectationStatus

CHUNK = 1 << 20  # bytes per read
LINGER = 0.2  # seconds to keep reading after the shell exits while something holds the pipe
_TICK = 0.05  # poll interval when the kernel cannot tell us the leader exited (no pidfd)
_DRAIN_LIMIT = 4 * PIPE_SIZE  # bytes read after the group is dead (a setsid escapee may write on)

_NOT_FOUND = re.compile(r"^(?:.*?: )?(?:line \d+: )?(?P<name>[^\n:]+): command not found\s*$", re.M)
_NOT_EXECUTABLE = re.compile(
    r"^(?:.*?: )?(?:line \d+: )?(?P<name>[^\n:]+): (?P<why>Permission denied|Is a directory|cannot execute[^\n]*)\s*$",
    re.M,
)


def run_command(
    command: str,
    *,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    path_map: Sequence[tuple[str, str]] = (),
    expectations: Sequence[Expectation] = (),
    head_bytes: int = 32768,
    tail_bytes: int = 32768,
    kill_grace: float = procs.KILL_GRACE,
) -> CommandResult:
    """Run `command` under `bash -c` and return its verdict. Never raises for anything the
    command does; raises `Interrupted` in the main thread under `interrupt_guard()`."""
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    started = start_command(command, cwd=cwd, env=env, path_map=path_map)
    try:
        return finish_command(
            started,
            timeout=timeout,
            expectations=expectations,
            head_bytes=head_bytes,
            tail_bytes=tail_bytes,
            kill_grace=kill_grace,
        )
    finally:
        started.discard()  # an interrupt before `finish_command` took over: no group lingers


def finish_command(
    started: Started,
    *,
    timeout: float,
    expectations: Sequence[Expectation] = (),
    head_bytes: int = 32768,
    tail_bytes: int = 32768,
    kill_grace: float = procs.KILL_GRACE,
) -> CommandResult:
    """Wait for a command `launch.start_command` started (its timeout counts from its start)
    and return its verdict, as `run_command` does."""
    result = CommandResult(
        command=started.command,
        run_command=started.run_command,
        cwd=str(started.cwd),
        status=CommandStatus.ERROR,
        started_at=started.started_at,
    )
    if started.interrupted:
        result.status, result.reason = (
            CommandStatus.INTERRUPTED,
            "not started: the run was interrupted",
        )
        return result
    proc, read_fd, begin = started.proc, started.read_fd, started.begin
    if proc is None or read_fd is None:
        result.duration, result.reason = started.error_duration, started.error
        return result
    capture = OutputCapture(head_bytes, tail_bytes, expectation_needles(expectations))
    timed_out = strays = False
    try:
        timed_out = _pump(proc, read_fd, capture, begin + timeout)
        if not timed_out:
            try:
                proc.wait(timeout=max(begin + timeout - time.monotonic(), 0.0))
            except subprocess.TimeoutExpired:  # closed its output but kept running
                timed_out = True
            else:
                procs.reap_orphans(proc.pid)  # finished background children, re-parented to us
        strays = not timed_out and procs.group_alive(proc.pid)
        if timed_out or strays:
            procs.terminate_group(proc, kill_grace)
        elif not timed_out:
            # A background child may have exited between the reap above and the liveness check:
            # reap it now, or it lingers as a zombie in the group.
            procs.reap_orphans(proc.pid)
        _drain(read_fd, capture)
    finally:
        started.proc = started.read_fd = None  # taken over: `discard` has nothing left to do
        os.close(read_fd)
        if proc.poll() is None or procs.group_alive(proc.pid):
            procs.terminate_group(proc, 0.0)  # interrupted in the main thread: be quick
        procs.unregister(proc)
    result.duration = round(time.monotonic() - begin, 3)
    _fill(result, capture.finish(), proc.returncode, timed_out, timeout, expectations)
    if strays and result.status in (CommandStatus.PASSED, CommandStatus.FAILED):
        result.reason = f"{result.reason}; background processes still running at exit were killed"
    return result


def _pump(proc: subprocess.Popen[bytes], fd: int, capture: OutputCapture, deadline: float) -> bool:
    """Read the pipe until EOF; True when the deadline passed while the shell was running."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    pidfd = _pidfd(proc.pid)
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    exited_at: float | None = None
    try:
        while True:
            now = time.monotonic()
            until = deadline if exited_at is None else min(deadline, exited_at + LINGER)
            if now >= until:
                return exited_at is None
            wait = (
                until - now
                if pidfd is not None or exited_at is not None
                else min(until - now, _TICK)
            )
            events = poller.poll(math.ceil(wait * 1000))
            for ready, _ in events:
                if ready == fd:
                    chunk = os.read(fd, CHUNK)
                    if not chunk:
                        return False
                    capture.feed(chunk)
                elif exited_at is None:  # the pidfd: the shell has exited
                    exited_at = time.monotonic()
                    poller.unregister(ready)
            if exited_at is None and pidfd is None and not events and proc.poll() is not None:
                exited_at = time.monotonic()
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _drain(fd: int, capture: OutputCapture) -> None:
    """Take what the dead group left in the pipe, without waiting for an EOF that may not come."""
    os.set_blocking(fd, False)
    taken = 0
    while taken < _DRAIN_LIMIT:
        try:
            chunk = os.read(fd, CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            return
        taken += len(chunk)
        capture.feed(chunk)


def _fill(
    result: CommandResult,
    out: CapturedOutput,
    returncode: int | None,
    timed_out: bool,
    timeout: float,
    expectations: Sequence[Expectation],
) -> None:
    result.output_head, result.output_tail = out.head, out.tail
    result.output_bytes, result.omitted_bytes = out.total_bytes, out.omitted_bytes
    result.fail_lines = out.fail_lines
    if returncode is not None and returncode < 0:
        result.signal = -returncode
    elif not timed_out:
        result.exit_code = returncode
    text = out.text
    result.test_counts = parse_test_counts(text, out.line_counts)
    result.expectations = check_expectations(
        expectations,
        text,
        result.test_counts,
        exit_code=result.exit_code,
        found=out.found,
        complete=out.omitted_bytes == 0,
    )
    unmet = [e for e in result.expectations if e.status is ExpectationStatus.UNMET]
    unchecked = sum(e.status is ExpectationStatus.UNCHECKED for e in result.expectations)
    code = result.exit_code
    if timed_out:
        result.status, result.reason = CommandStatus.TIMED_OUT, f"timed out after {timeout:g} s"
    elif procs.shutting_down():
        result.status, result.reason = CommandStatus.INTERRUPTED, "interrupted"
    elif code in (126, 127):
        result.status, result.reason = CommandStatus.ERROR, _cannot_run(code, text)
    else:
        problems = []
        if code != 0 and (code is None or code not in expected_exit_codes(expectations)):
            problems.append(_exit_text(code, result.signal))
        if out.fail_line_count:
            lines = "line starts" if out.fail_line_count == 1 else "lines start"
            problems.append(
                f"{out.fail_line_count} output {lines} with FAIL: {out.fail_lines[0][:160]}"
            )
        if unmet:
            problems.append(f"expectation not met: {unmet[0].text} ({unmet[0].detail})")
        if problems:
            result.status, result.reason = CommandStatus.FAILED, "; ".join(problems)
        else:
            note = f"; {unchecked} expectation(s) not checkable" if unchecked else ""
            expected = " (as expected)" if code != 0 else ""
            result.status, result.reason = CommandStatus.PASSED, f"exit {code}{expected}{note}"


def _exit_text(code: int | None, sig: int | None) -> str:
    if sig is not None:
        return f"killed by {_signame(sig)}"
    if code is not None and code > 128 and code - 128 < 65:
        return f"exit {code} ({_signame(code - 128)})"
    return f"exit {code}"


def _signame(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _cannot_run(code: int, text: str) -> str:
    if code == 127:
        found = _NOT_FOUND.search(text)
        return (
            f"exit 127: command not found: {found.group('name').strip()}"
            if found
            else "exit 127: command not found"
        )
    found = _NOT_EXECUTABLE.search(text)
    if found:
        return f"exit 126: cannot execute {found.group('name').strip()}: {found.group('why')}"
    return "exit 126: command not executable"


def _pidfd(pid: int) -> int | None:
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        fd: int = opener(pid)
    except OSError:
        return None
    return fd
