"""Expectations: the recognisable forms from the seeds and the corpus, met / unmet / unchecked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.documents.models import Expectation, ExpectationKind
from planner.execution.capture import Needle
from planner.execution.expectations import (
    check_expectations,
    expectation_needles,
    expected_exit_codes,
)
from planner.results import ExpectationResult, ExpectationStatus, TestCounts

MET, UNMET, UNCHECKED = ExpectationStatus.MET, ExpectationStatus.UNMET, ExpectationStatus.UNCHECKED


def check(
    text: str,
    output: str = "",
    counts: TestCounts | None = None,
    exit_code: int | None = 0,
    complete: bool = True,
) -> ExpectationResult:
    (result,) = check_expectations(
        [Expectation(text=text)], output, counts, exit_code=exit_code, complete=complete
    )
    return result


def pytest_counts(passed: int, failed: int = 0, errors: int = 0, skipped: int = 0) -> TestCounts:
    return TestCounts(runner="pytest", passed=passed, failed=failed, errors=errors, skipped=skipped)


# The seeds' own expectations (004: 12-GAP-01 plan; 001/002: done criteria written the same way).
@pytest.mark.parametrize(
    ("text", "counts", "status"),
    [
        ("51/51 tests pass, 0 failed", pytest_counts(51), MET),
        ("51/51 tests pass, 0 failed", pytest_counts(50, 1), UNMET),
        ("51/51 tests pass, 0 failed", pytest_counts(51, errors=1), UNMET),
        ("51 passed", pytest_counts(51), MET),
        ("51 passed", pytest_counts(49), UNMET),
        ("2 tests pass", pytest_counts(2), MET),
        ("At least 20 total tests pass", None, UNCHECKED),
        ("at least 20 tests pass", pytest_counts(24), MET),
        ("at least 20 tests pass", pytest_counts(19), UNMET),
        ("236+ tests pass (non-e2e), 0 failures", pytest_counts(240), MET),
        ("all 20 tests pass", pytest_counts(20, 1), UNMET),
        ("25 passed, 0 skipped, 0 errors.", pytest_counts(25), MET),
        ("16 passed, 9 skipped, 0 errors.", pytest_counts(16, skipped=9), MET),
        ("16 passed, 9 skipped, 0 errors.", pytest_counts(16, skipped=8), UNMET),
        ("Expected output: 9 passed, 0 failed.", pytest_counts(9), MET),
    ],
)
def test_count_forms(text: str, counts: TestCounts | None, status: ExpectationStatus) -> None:
    assert check(text, "", counts).status is status


def test_count_detail_names_what_was_seen() -> None:
    result = check("51/51 tests pass, 0 failed", counts=pytest_counts(49, 2))
    assert result.status is UNMET
    assert result.detail == (
        "51/51 tests pass: saw 49 passed, 2 failed (pytest); 0 failed: saw 49 passed, 2 failed (pytest)"
    )


def test_counts_without_a_summary_fall_back_to_the_literal_text() -> None:
    assert check("51 passed", "collected 51 items ... 51 passed", None).status is MET
    unmet = check("51 passed", "tests/test_x.py::test_a PASSED", None)
    assert (
        unmet.status is UNMET and unmet.detail == "51 passed: no test-runner summary in the output"
    )
    # a zero count is met by exit 0 and no non-zero count of that word
    assert (
        check("0 errors", "Success: no issues found in 5 source files", None, exit_code=0).status
        is MET
    )
    assert check("0 errors", "Found 3 errors in 1 file", None, exit_code=1).status is UNMET


def test_test_passes_needs_exit_zero_and_no_failures() -> None:
    assert (
        check("Test passes without PendingRollbackError", "1 passed", pytest_counts(1)).status
        is MET
    )
    assert check("Test passes", "", pytest_counts(0, 1), exit_code=1).status is UNMET
    assert (
        check("Test passes", "", pytest_counts(0, skipped=1)).status is UNMET
    )  # nothing actually passed
    assert check("all tests pass", "", None, exit_code=0).status is MET


def test_without_identifier_must_not_appear() -> None:
    result = check(
        "Test passes without PendingRollbackError",
        "E sqlalchemy.exc.PendingRollbackError: x",
        pytest_counts(1),
    )
    assert result.status is UNMET
    assert (
        result.detail
        == "without PendingRollbackError: 'PendingRollbackError' appears in the output"
    )


@pytest.mark.parametrize(
    ("text", "output", "status"),
    [
        ('No "UNIQUE constraint failed: users.email" errors', "3 passed", MET),
        (
            'No "UNIQUE constraint failed: users.email" errors',
            "E   UNIQUE constraint failed: users.email",
            UNMET,
        ),
        ("No UsageEvent mapper errors", "ok", MET),
        ("No UsageEvent mapper errors", "sqlalchemy: usageevent MAPPER failed", UNMET),  # any case
        ("No SQLAlchemy relationship resolution errors", "ok", MET),
        ("no `time.sleep` calls", "x = time.sleep(1)", UNMET),
        ("zero 'TODO'", "all clean", MET),
        ('No "index ix_* already exists" errors', "E  index ix_users_email already exists", UNMET),
        ('No "index ix_* already exists" errors', "all fine", MET),
        ("no DATA_RACE", "WARNING: DATA_RACE", UNMET),
    ],
)
def test_absent_forms(text: str, output: str, status: ExpectationStatus) -> None:
    assert check(text, output).status is status


def test_wildcard_absence_is_unchecked_on_truncated_output() -> None:
    assert check('No "ix_* exists"', "kept part", complete=False).status is UNCHECKED


def test_generic_no_errors_is_not_checked() -> None:
    # "no errors" says nothing precise enough to search for
    assert check("no errors").status is UNCHECKED
    assert check("exits 0 with no errors.").status is UNCHECKED
    assert check("Expected: no warnings.").status is UNCHECKED


@pytest.mark.parametrize(
    ("text", "output", "exit_code", "status"),
    [
        ("no output", "", 0, MET),
        ("no output (zero matches)", "src/a.py:3: bad\n", 1, UNMET),
        ("No matches found", "0\n", 0, MET),
        ("zero matches (both in source and imports)", "", 1, MET),
        ("exits 0, no output", "", 0, MET),
        ("exits 0, no output, no errors.", "", 0, UNCHECKED),
        ("exits 0, no output, no errors.", "", 2, UNMET),
        ("descriptive error to stderr, exit code 1.", "", 1, UNCHECKED),
        ("exit code 1", "", 1, MET),
        ("prints BUILD_OK.", "building\nBUILD_OK\n", 0, MET),
        ("prints BUILD_OK.", "building\n", 0, UNMET),
        ("Expected output: `wal`", "wal\n", 0, MET),
        ('"45967.50"', "45967.50\n", 0, MET),
        ('"2024-06-01"', "date=2024-06-01", 0, MET),
        ("0", "0\n", 0, MET),
        ("4530", "4529\n", 0, UNMET),
        ("3702 (known species unaffected)", "rows\n3702\n", 0, MET),
        (
            "PASS message indicating 51 tests pass and 97%+ coverage",
            "PASS: 51/51 tests pass, 97%",
            0,
            UNCHECKED,
        ),
        ("PASS message indicating 51 tests pass and 97%+ coverage", "FAIL: coverage 80%", 0, UNMET),
        ("PASS", "PASS: ok", 0, MET),
        ("PASS with no race warnings.", "PASS\nok pkg", 0, UNCHECKED),
        ("shows 12 tests passing, 0 failures", "", 0, UNMET),
    ],
)
def test_output_and_exit_forms(
    text: str, output: str, exit_code: int, status: ExpectationStatus
) -> None:
    assert check(text, output, None, exit_code=exit_code).status is status


def test_unchecked_detail_lists_what_was_and_was_not_checked() -> None:
    result = check("Test passes, UI looks right", "", pytest_counts(3))
    assert result.status is UNCHECKED
    assert (
        result.detail
        == "not a checkable form: UI looks right (checked: Test passes: exit 0, 3 passed, 0 failed (pytest))"
    )


def test_needles_and_whole_stream_answers() -> None:
    exps = [
        Expectation(text='No "UNIQUE constraint failed"'),
        Expectation(text="No UsageEvent mapper errors"),
        Expectation(text="prints BUILD_OK"),
        Expectation(text='No "ix_* exists"'),  # wildcard: matched on the kept text instead
        Expectation(text="3 passed"),
    ]
    needles = expectation_needles(exps)
    assert needles == [
        Needle("UNIQUE constraint failed", False),
        Needle("UsageEvent mapper", True),
        Needle("BUILD_OK", False),
    ]
    found = {needles[0]: True, needles[1]: False, needles[2]: True}
    results = check_expectations(exps, "kept text only", None, exit_code=0, found=found)
    assert [r.status for r in results] == [UNMET, MET, MET, MET, UNMET]


def test_corpus_expectations_never_crash_and_some_are_checkable(corpus_dir: Path) -> None:
    pattern = re.compile(r"^\s*(?:-\s*)?(?:Expected|Check)(?: output)?:\s+(.+)$", re.M)
    texts = []
    for path in corpus_dir.rglob("*PLAN*.md"):
        texts += pattern.findall(path.read_text(encoding="utf-8", errors="replace"))
    assert len(texts) > 100
    results = check_expectations([Expectation(text=t) for t in texts], "", None, exit_code=0)
    assert len(results) == len(texts)
    checkable = sum(r.status is not UNCHECKED for r in results)
    assert 0.1 * len(texts) < checkable < len(texts)


def test_check_lines_holding_a_command_are_not_output_literals() -> None:
    exp = Expectation(
        text="`adb shell pm dump com.x | grep versionCode`", kind=ExpectationKind.CHECK
    )
    (result,) = check_expectations([exp], "", None, exit_code=0)
    assert result.status is UNCHECKED
    assert expectation_needles([exp]) == []


def test_templates_and_numbers_in_quotes() -> None:
    assert (
        check('"✓ Imported N corrections from ..."', "✓ Imported 3 corrections from x").status
        is UNCHECKED
    )
    assert check("`2`", "12\n").status is UNMET  # a number is the whole last line, not a substring
    assert check("`2`", "2\n").status is MET
    # a bare number among other clauses is ambiguous
    assert (
        check("0, then empty string, then empty string (three lines).", "0\n\n\n").status
        is UNCHECKED
    )


def test_expected_exit_codes() -> None:
    exps = [
        Expectation(text="descriptive error to stderr, exit code 1."),
        Expectation(text="exits 0"),
    ]
    assert expected_exit_codes(exps) == {0, 1}
