"""run_command: verdicts, timeouts that leave no process behind, environment, path mapping."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from planner.documents.models import Expectation
from planner.execution import procs
from planner.execution.runner import run_command
from planner.results import CommandResult, CommandStatus, ExpectationStatus

PY = sys.executable


def run(cmd: str, cwd: Path, timeout: float = 10.0, **kw: Any) -> CommandResult:
    return run_command(cmd, cwd=cwd, timeout=timeout, **kw)


def assert_gone(pgid: int, *pids: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def read_pids(path: Path) -> list[int]:
    return [int(x) for x in path.read_text().split()]


# -- verdicts ------------------------------------------------------------------------------------


def test_passing_command_merges_stdout_and_stderr(tmp_path: Path) -> None:
    r = run("echo out; echo err >&2; echo out2", tmp_path)
    assert r.status is CommandStatus.PASSED
    assert r.exit_code == 0
    assert r.output == "out\nerr\nout2\n"
    assert r.output_bytes == 13 and r.omitted_bytes == 0
    assert r.reason == "exit 0"
    assert r.command == r.run_command == "echo out; echo err >&2; echo out2"
    assert r.cwd == str(tmp_path)
    assert r.started_at and r.started_at.endswith("Z")


def test_nonzero_exit_is_failed(tmp_path: Path) -> None:
    r = run("echo boom; exit 3", tmp_path)
    assert r.status is CommandStatus.FAILED
    assert r.exit_code == 3
    assert r.reason == "exit 3"


def test_missing_executable_is_error_not_failed(tmp_path: Path) -> None:
    r = run("definitely-not-a-command-xyz --flag", tmp_path)
    assert r.status is CommandStatus.ERROR
    assert r.exit_code == 127
    assert r.reason == "exit 127: command not found: definitely-not-a-command-xyz"


def test_not_executable_is_error_126(tmp_path: Path) -> None:
    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    r = run("./script.sh", tmp_path)
    assert r.status is CommandStatus.ERROR
    assert r.exit_code == 126
    assert r.reason == "exit 126: cannot execute ./script.sh: Permission denied"


def test_missing_working_folder_is_error(tmp_path: Path) -> None:
    r = run("true", tmp_path / "nope")
    assert r.status is CommandStatus.ERROR
    assert r.exit_code is None
    assert r.reason == f"could not start: working folder {tmp_path / 'nope'} does not exist"


def test_fail_marker_with_exit_zero_fails(tmp_path: Path) -> None:
    r = run("echo 'checking'; echo 'FAIL: bad import found'; echo done", tmp_path)
    assert r.status is CommandStatus.FAILED
    assert r.exit_code == 0
    assert r.fail_lines == ["FAIL: bad import found"]
    assert r.reason == "1 output line starts with FAIL: FAIL: bad import found"


@pytest.mark.parametrize(
    ("pattern", "status", "line"),
    [
        ("root", CommandStatus.FAILED, "FAIL: root found"),
        ("zz-not-there-zz", CommandStatus.PASSED, "PASS: absent"),
    ],
)
def test_grep_and_echo_fail_or_pass_both_ways(
    tmp_path: Path, pattern: str, status: CommandStatus, line: str
) -> None:
    (tmp_path / "f.txt").write_text("root:x:0:0\n")
    r = run(
        f'grep -q "{pattern}" f.txt && echo "FAIL: root found" || echo "PASS: absent"', tmp_path
    )
    assert r.exit_code == 0
    assert r.status is status
    assert r.output == line + "\n"


def test_fail_only_counts_at_line_start(tmp_path: Path) -> None:
    r = run("echo 'test_x FAILED'; echo '  FAIL indented'", tmp_path)
    assert r.status is CommandStatus.PASSED
    assert r.fail_lines == []


def test_killed_by_signal(tmp_path: Path) -> None:
    r = run("kill -SEGV $$", tmp_path)
    assert r.status is CommandStatus.FAILED
    assert r.exit_code is None
    assert r.signal == 11
    assert r.reason == "killed by SIGSEGV"


# -- environment ---------------------------------------------------------------------------------


def test_environment_stdin_and_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GSD_TEST_INHERITED", "yes")
    r = run(
        'echo "$CI $GSD_PLAN $GSD_PHASE $GSD_TEST_INHERITED"; pwd; cat; echo "stdin-eof"',
        tmp_path,
        env={"GSD_PLAN": "26-04", "GSD_PHASE": "26"},
    )
    assert r.status is CommandStatus.PASSED
    assert r.output == f"1 26-04 26 yes\n{tmp_path}\nstdin-eof\n"


def test_own_session_and_process_group(tmp_path: Path) -> None:
    r = run(
        f"{PY} -c 'import os; print(os.getpgid(0) == os.getpid() or os.getpgid(0), os.getsid(0) != {os.getsid(0)})'",
        tmp_path,
    )
    assert r.output.split()[1] == "True"  # a new session, not ours


def test_path_map_rewrites_the_command_and_keeps_the_original(tmp_path: Path) -> None:
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "marker.txt").write_text("here\n")
    original = "cat /Users/a/atom/backend/marker.txt && echo /Users/a/atomic"
    r = run(original, tmp_path, path_map=[("/Users/a/atom", ".")])
    assert r.command == original
    assert r.run_command == f"cat {tmp_path}/backend/marker.txt && echo /Users/a/atomic"
    assert r.output == "here\n/Users/a/atomic\n"
    assert r.status is CommandStatus.PASSED


def test_bad_timeout_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timeout must be positive"):
        run("true", tmp_path, timeout=0)


# -- timeouts and cleanup ------------------------------------------------------------------------


def test_timeout_kills_sleeping_command_quickly(tmp_path: Path) -> None:
    start = time.monotonic()
    r = run(f"echo $$ > {tmp_path}/pg; sleep 30", tmp_path, timeout=1)
    elapsed = time.monotonic() - start
    assert r.status is CommandStatus.TIMED_OUT
    assert r.reason == "timed out after 1 s"
    assert r.exit_code is None
    assert 1.0 <= elapsed < 2.0
    assert_gone(read_pids(tmp_path / "pg")[0])


def test_timeout_kills_backgrounded_grandchildren(tmp_path: Path) -> None:
    start = time.monotonic()
    r = run(
        f"echo $$ > {tmp_path}/pg; sleep 30 & echo $! >> {tmp_path}/pg; (sleep 31 & echo $! >> {tmp_path}/pg; wait) & wait",
        tmp_path,
        timeout=0.5,
    )
    assert time.monotonic() - start < 1.5
    assert r.status is CommandStatus.TIMED_OUT
    pgid, *children = read_pids(tmp_path / "pg")
    assert len(children) == 2
    assert_gone(pgid, *children)


def test_timeout_kills_a_pipeline(tmp_path: Path) -> None:
    start = time.monotonic()
    r = run(f"echo $$ > {tmp_path}/pg; sleep 7 | cat", tmp_path, timeout=0.5)
    assert time.monotonic() - start < 1.5
    assert r.status is CommandStatus.TIMED_OUT
    assert_gone(read_pids(tmp_path / "pg")[0])


def test_command_ignoring_term_is_killed_after_the_grace(tmp_path: Path) -> None:
    child = (
        "import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"open('{tmp_path}/child', 'w').write(str(os.getpid())); print('ready', flush=True); time.sleep(30)"
    )
    start = time.monotonic()
    r = run(f'echo $$ > {tmp_path}/pg; {PY} -c "{child}"', tmp_path, timeout=1, kill_grace=0.5)
    elapsed = time.monotonic() - start
    assert r.status is CommandStatus.TIMED_OUT
    assert r.output == "ready\n"
    assert 1.5 <= elapsed < 2.5
    assert_gone(read_pids(tmp_path / "pg")[0], read_pids(tmp_path / "child")[0])


def test_grandchild_holding_stdout_open_does_not_block(tmp_path: Path) -> None:
    # The shell exits at once; a background sleep keeps the pipe open. We must not wait for EOF.
    start = time.monotonic()
    r = run(
        f"echo $$ > {tmp_path}/pg; sleep 30 & echo $! >> {tmp_path}/pg; echo started",
        tmp_path,
        timeout=10,
    )
    assert time.monotonic() - start < 1.5
    assert r.status is CommandStatus.PASSED
    assert r.output == "started\n"
    assert r.reason == "exit 0; background processes still running at exit were killed"
    pgid, child = read_pids(tmp_path / "pg")
    assert_gone(pgid, child)


def test_background_writer_does_not_keep_us_reading(tmp_path: Path) -> None:
    start = time.monotonic()
    r = run(f"echo $$ > {tmp_path}/pg; yes & echo started", tmp_path, timeout=10)
    assert time.monotonic() - start < 1.5
    assert r.status is CommandStatus.PASSED
    assert r.output_bytes > 1000 and r.output_head.startswith(("started\ny\n", "y\n"))
    assert_gone(read_pids(tmp_path / "pg")[0])


def test_closed_stdout_still_times_out(tmp_path: Path) -> None:
    start = time.monotonic()
    r = run(f"echo $$ > {tmp_path}/pg; exec >&- 2>&-; sleep 30", tmp_path, timeout=0.5)
    assert time.monotonic() - start < 1.5
    assert r.status is CommandStatus.TIMED_OUT
    assert_gone(read_pids(tmp_path / "pg")[0])


def test_registry_is_empty_after_runs(tmp_path: Path) -> None:
    run("sleep 5", tmp_path, timeout=0.3)
    run("true", tmp_path)
    assert procs.live_groups() == []


def test_parallel_commands_from_threads(tmp_path: Path) -> None:
    def one(i: int) -> tuple[int, str, CommandStatus]:
        r = run(f"sleep 0.2; echo job-{i}; exit $(( {i} % 2 ))", tmp_path)
        return i, r.output, r.status

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(8)))
    assert time.monotonic() - start < 1.5  # ran side by side, not one after the other
    for i, output, status in results:
        assert output == f"job-{i}\n"
        assert status is (CommandStatus.FAILED if i % 2 else CommandStatus.PASSED)


# -- output --------------------------------------------------------------------------------------


def test_undecodable_output_is_replaced(tmp_path: Path) -> None:
    r = run(r"printf 'ok \xff\xfe caf\xc3\xa9\n'", tmp_path)
    assert r.output == "ok \ufffd\ufffd café\n"
    assert r.output_bytes == 12


def test_head_and_tail_kept_middle_counted(tmp_path: Path) -> None:
    r = run(
        "echo START; head -c 100000 /dev/zero | tr '\\0' 'x'; echo; echo 'FAIL: in the middle'; "
        "head -c 100000 /dev/zero | tr '\\0' 'y'; echo; echo END",
        tmp_path,
        head_bytes=1000,
        tail_bytes=500,
    )
    assert r.output_head.startswith("START\nxxx")
    assert len(r.output_head) == 1000
    assert r.output_tail.endswith("yyy\nEND\n")
    assert len(r.output_tail) == 500
    assert r.output_bytes == 6 + 100001 + 20 + 100001 + 4
    assert r.omitted_bytes == r.output_bytes - 1500
    assert "bytes omitted" in r.output
    # the FAIL line was in the omitted middle and still counts
    assert r.status is CommandStatus.FAILED
    assert r.fail_lines == ["FAIL: in the middle"]


def test_multibyte_characters_are_not_split_at_the_cut(tmp_path: Path) -> None:
    r = run("for i in $(seq 1 400); do printf 'é'; done", tmp_path, head_bytes=101, tail_bytes=101)
    assert r.output_bytes == 800
    assert r.output_head == "é" * 50  # the 101st byte began a character: dropped, counted
    assert r.output_tail == "é" * 50
    assert r.omitted_bytes == 800 - 200
    assert "\ufffd" not in r.output


# -- expectations and test counts through the runner ---------------------------------------------


def test_unmet_expectation_fails_the_command(tmp_path: Path) -> None:
    r = run(
        "echo '======== 49 passed, 2 failed in 1.20s ========'; exit 0",
        tmp_path,
        expectations=[
            Expectation(text="51/51 tests pass, 0 failed"),
            Expectation(text="coverage above 90%"),
        ],
    )
    assert r.test_counts is not None and (r.test_counts.passed, r.test_counts.failed) == (49, 2)
    assert [e.status for e in r.expectations] == [
        ExpectationStatus.UNMET,
        ExpectationStatus.UNCHECKED,
    ]
    assert r.status is CommandStatus.FAILED
    assert r.reason == (
        "expectation not met: 51/51 tests pass, 0 failed "
        "(51/51 tests pass: saw 49 passed, 2 failed (pytest); 0 failed: saw 49 passed, 2 failed (pytest))"
    )


def test_met_and_unchecked_expectations_pass(tmp_path: Path) -> None:
    r = run(
        "echo '3 passed in 0.01s'",
        tmp_path,
        expectations=[Expectation(text="3 passed"), Expectation(text="the UI looks right")],
    )
    assert r.status is CommandStatus.PASSED
    assert [e.status for e in r.expectations] == [
        ExpectationStatus.MET,
        ExpectationStatus.UNCHECKED,
    ]
    assert r.reason == "exit 0; 1 expectation(s) not checkable"


def test_absent_text_is_searched_in_the_omitted_middle(tmp_path: Path) -> None:
    r = run(
        "head -c 50000 /dev/zero | tr '\\0' 'a'; echo; echo 'sqlalchemy PendingRollbackError raised'; "
        "head -c 50000 /dev/zero | tr '\\0' 'b'",
        tmp_path,
        head_bytes=100,
        tail_bytes=100,
        expectations=[Expectation(text="Test passes without PendingRollbackError")],
    )
    assert "PendingRollbackError" not in r.output
    assert r.expectations[0].status is ExpectationStatus.UNMET
    assert (
        r.expectations[0].detail
        == "without PendingRollbackError: 'PendingRollbackError' appears in the output"
    )
    assert r.status is CommandStatus.FAILED


def test_an_expected_nonzero_exit_passes(tmp_path: Path) -> None:
    r = run(
        "echo 'error: missing --input' >&2; exit 1",
        tmp_path,
        expectations=[Expectation(text="descriptive error to stderr, exit code 1.")],
    )
    assert r.status is CommandStatus.PASSED
    assert r.reason == "exit 1 (as expected); 1 expectation(s) not checkable"
    r = run("exit 2", tmp_path, expectations=[Expectation(text="exit code 1")])
    assert r.status is CommandStatus.FAILED
    assert r.reason == "exit 2; expectation not met: exit code 1 (exit code 1: exit 2)"


def test_finished_background_children_are_reaped(tmp_path: Path) -> None:
    r = run(f"echo $$ > {tmp_path}/pg; sleep 0.05 & echo hi", tmp_path)
    assert r.status is CommandStatus.PASSED
    assert_gone(read_pids(tmp_path / "pg")[0])  # no zombie left in the group either


def test_bash_that_cannot_start_is_error(tmp_path: Path) -> None:
    # bash is looked up on the PATH the command gets
    r = run("true", tmp_path, env={"PATH": str(tmp_path / "empty")})
    assert r.status is CommandStatus.ERROR
    assert r.exit_code is None
    assert r.reason == "could not start bash: No such file or directory"
    assert procs.live_groups() == []
