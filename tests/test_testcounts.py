"""Test-runner summaries: real pytest and unittest runs, literal samples of jest, vitest, go, cargo."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from planner.execution.runner import run_command
from planner.execution.testcounts import parse_test_counts
from planner.results import CommandStatus, TestCounts

PY = sys.executable
# Plugins of this venv (hypothesis ...) make every pytest start-up seconds slower.
FAST = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}

PYTEST_SUITE = textwrap.dedent(
    """
    import pytest

    @pytest.fixture
    def broken():
        raise RuntimeError("fixture broke")

    def test_a(): assert 1
    def test_b(): assert 1
    def test_c(): assert 1
    def test_fails(): assert 0
    def test_errors(broken): pass

    @pytest.mark.skip(reason="not today")
    def test_skipped(): pass

    @pytest.mark.xfail(reason="known")
    def test_xfail(): assert 0
    """
)

UNITTEST_SUITE = textwrap.dedent(
    """
    import unittest

    class T(unittest.TestCase):
        def test_ok1(self): pass
        def test_ok2(self): pass
        def test_fail(self): self.fail("no")
        def test_error(self): raise RuntimeError("boom")
        @unittest.skip("later")
        def test_skip(self): pass
        @unittest.expectedFailure
        def test_expected(self): self.fail("known")
    """
)


def counts(
    runner: str, passed: int = 0, failed: int = 0, errors: int = 0, skipped: int = 0
) -> TestCounts:
    return TestCounts(runner=runner, passed=passed, failed=failed, errors=errors, skipped=skipped)


@pytest.mark.parametrize("flags", ["", "-q", "-v -rA --color=yes"])
def test_real_pytest_run(tmp_path: Path, flags: str) -> None:
    (tmp_path / "test_sample.py").write_text(PYTEST_SUITE)
    r = run_command(
        f"{PY} -m pytest -p no:cacheprovider {flags} test_sample.py",
        cwd=tmp_path,
        timeout=60,
        env=FAST,
    )
    assert r.status is CommandStatus.FAILED and r.exit_code == 1
    assert r.test_counts == counts("pytest", passed=3, failed=1, errors=1, skipped=2)


def test_real_pytest_all_passing_quiet(tmp_path: Path) -> None:
    (tmp_path / "test_ok.py").write_text("def test_a(): pass\ndef test_b(): pass\n")
    r = run_command(
        f"{PY} -m pytest -p no:cacheprovider -q test_ok.py", cwd=tmp_path, timeout=60, env=FAST
    )
    assert r.status is CommandStatus.PASSED
    assert r.test_counts == counts("pytest", passed=2)


def test_real_pytest_two_runs_are_summed(tmp_path: Path) -> None:
    (tmp_path / "test_ok.py").write_text("def test_a(): pass\n")
    (tmp_path / "test_bad.py").write_text("def test_a(): assert 0\ndef test_b(): pass\n")
    r = run_command(
        f"{PY} -m pytest -p no:cacheprovider -q test_ok.py; {PY} -m pytest -p no:cacheprovider test_bad.py",
        cwd=tmp_path,
        timeout=60,
        env=FAST,
    )
    assert r.test_counts == counts("pytest", passed=2, failed=1)


def test_real_unittest_run(tmp_path: Path) -> None:
    (tmp_path / "test_unit.py").write_text(UNITTEST_SUITE)
    r = run_command(f"{PY} -m unittest test_unit", cwd=tmp_path, timeout=60)
    assert r.status is CommandStatus.FAILED
    # 6 run: 2 ok, 1 failure, 1 error, 1 skipped, 1 expected failure (counted as skipped)
    assert r.test_counts == counts("unittest", passed=2, failed=1, errors=1, skipped=2)


def test_real_unittest_ok(tmp_path: Path) -> None:
    (tmp_path / "test_unit.py").write_text(
        "import unittest\nclass T(unittest.TestCase):\n    def test_a(self): pass\n"
    )
    r = run_command(f"{PY} -m unittest -v test_unit", cwd=tmp_path, timeout=60)
    assert r.status is CommandStatus.PASSED
    assert r.test_counts == counts("unittest", passed=1)


JEST = """\
PASS src/a.test.js
FAIL src/b.test.js
  ● b › works

Test Suites: 1 failed, 1 passed, 2 total
Tests:       1 failed, 1 skipped, 5 passed, 7 total
Snapshots:   0 total
Time:        1.234 s
"""

VITEST = """\
 ✓ src/a.test.ts  (3 tests) 5ms
 ❯ src/b.test.ts  (2 tests | 1 failed) 7ms

 Test Files  1 failed | 1 passed (2)
      Tests  1 failed | 4 passed | 1 skipped (6)
   Start at  12:00:00
   Duration  1.02s
"""

VITEST_COLOURED = (
    "\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[32m5 passed\x1b[39m\x1b[22m\x1b[90m (5)\x1b[39m\n"
)

GO_VERBOSE = """\
=== RUN   TestAdd
--- PASS: TestAdd (0.00s)
=== RUN   TestSub
=== RUN   TestSub/negative
    --- FAIL: TestSub/negative (0.00s)
--- FAIL: TestSub (0.00s)
=== RUN   TestSkip
    main_test.go:20: later
--- SKIP: TestSkip (0.00s)
=== RUN   TestMul
--- PASS: TestMul (0.00s)
FAIL
FAIL\texample.com/calc\t0.003s
FAIL
"""

GO_QUIET = """\
ok  \texample.com/calc\t0.003s
ok  \texample.com/util\t(cached)
?   \texample.com/cmd\t[no test files]
--- FAIL: TestParse (0.00s)
    parse_test.go:12: bad
FAIL
FAIL\texample.com/parse\t0.010s
FAIL
"""

CARGO = """\
running 3 tests
test tests::a ... ok
test tests::b ... ignored
test tests::c ... FAILED

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 2 tests
test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

   Doc-tests calc

running 1 test
test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.10s
"""


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("===== 3 passed, 1 failed, 2 errors in 0.10s =====", counts("pytest", 3, 1, 2)),
        ("3 passed in 0.01s", counts("pytest", 3)),
        ("1 failed, 3 passed, 1 skipped, 2 warnings in 0.05s", counts("pytest", 3, 1, 0, 1)),
        (
            "=== 1 xpassed, 2 xfailed, 4 deselected in 0.2s (0:00:01) ===",
            counts("pytest", 1, 0, 0, 2),
        ),
        ("============ no tests ran in 0.01s ============", counts("pytest")),
        ("\n----\nRan 5 tests in 0.003s\n\nOK\n", counts("unittest", 5)),
        (
            "Ran 5 tests in 0.003s\n\nFAILED (failures=1, errors=2, skipped=1)\n",
            counts("unittest", 1, 1, 2, 1),
        ),
        (
            "Ran 3 tests in 0.1s\n\nOK (skipped=1, expected failures=1)\n",
            counts("unittest", 1, 0, 0, 2),
        ),
        (JEST, counts("jest", 5, 1, 0, 1)),
        (VITEST, counts("vitest", 4, 1, 0, 1)),
        (VITEST_COLOURED, counts("vitest", 5)),
        (GO_VERBOSE, counts("go", 2, 1, 0, 1)),
        (GO_QUIET, counts("go", 2, 1, 0, 1)),
        (CARGO, counts("cargo", 4, 1, 0, 1)),
    ],
)
def test_literal_samples(output: str, expected: TestCounts) -> None:
    assert parse_test_counts(output) == expected


@pytest.mark.parametrize(
    "output",
    [
        "",
        "all good\n",
        "Checked 3 files in 0.2s",
        "Ran 5 tests in 0.1s\n(cut off)",
        "Test Files  1 passed (1)",
    ],
)
def test_no_summary_is_none(output: str) -> None:
    assert parse_test_counts(output) is None


def test_go_counts_from_the_whole_stream_win_over_the_kept_text() -> None:
    line_counts = {"--- PASS:": 900, "--- FAIL:": 3, "--- SKIP:": 1}
    assert parse_test_counts("--- PASS: TestA (0.00s)\n", line_counts) == counts("go", 900, 3, 0, 1)


def test_long_go_run_is_counted_through_the_runner(tmp_path: Path) -> None:
    script = "echo '=== RUN   TestA'; for i in $(seq 1 3000); do echo \"--- PASS: Test$i (0.00s)\"; done; echo '--- FAIL: TestZ (0.00s)'"
    r = run_command(script, cwd=tmp_path, timeout=30, head_bytes=1000, tail_bytes=1000)
    assert r.omitted_bytes > 0
    assert r.test_counts == counts("go", 3000, 1)
