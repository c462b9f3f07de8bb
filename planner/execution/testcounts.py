"""Test-runner summaries in a command's output, parsed into `TestCounts`.

`parse_test_counts(output, line_counts=None) -> TestCounts | None` recognises:

- pytest: `=== 3 passed, 1 failed, 2 errors in 0.12s ===` and the `-q` form `3 passed in 0.01s`
  (xpassed counts as passed, xfailed as skipped; deselected and warnings are ignored);
- unittest (and Django's runner): `Ran 5 tests in 0.001s` + `OK (skipped=1)` /
  `FAILED (failures=1, errors=2)` (expected failures count as skipped, unexpected successes as
  failed);
- jest: `Tests:       1 failed, 5 passed, 6 total`;
- vitest: `Tests  1 failed | 4 passed (5)`;
- cargo test: `test result: ok. 5 passed; 0 failed; 1 ignored; ...`, summed over every binary;
- go test: top-level `--- PASS:` / `--- FAIL:` / `--- SKIP:` lines (from `line_counts`, counted by
  the capture over the whole stream, when given); without per-test lines (no `-v`), packages are
  counted instead: `ok` passed, `FAIL` failed, `[no test files]` skipped.

Several summaries of one runner (two pytest invocations) are summed. When several runners
appear, the first in the order above wins. ANSI colour codes are ignored. None means no summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from planner.results import TestCounts

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

_PYTEST_WORD = r"(?:passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun)"
_PYTEST_LINE = re.compile(
    rf"^(?:=+ )?(?P<body>\d+ {_PYTEST_WORD}(?:, \d+ {_PYTEST_WORD})*|no tests ran)"
    r" in [\d.]+s(?: \([\d:.]+\))?(?: =+)?\s*$",
    re.M,
)
_PYTEST_PART = re.compile(rf"(\d+) ({_PYTEST_WORD})")

_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in [\d.]+s\s*$", re.M)
_UNITTEST_STATUS = re.compile(r"^(OK|FAILED)(?: \((?P<body>[^)]*)\))?\s*$", re.M)
_UNITTEST_PART = re.compile(
    r"(failures|errors|skipped|expected failures|unexpected successes)=(\d+)"
)

_JEST_LINE = re.compile(r"^Tests:\s+(?P<body>.*\d+ total)\s*$", re.M)
_JEST_PART = re.compile(r"(\d+) (failed|passed|skipped|todo|pending)\b")

_VITEST_LINE = re.compile(
    r"^\s*Tests\s{2,}(?P<body>\d+ [a-z]+(?: \| \d+ [a-z]+)*)\s+\((\d+)\)\s*$", re.M
)

_CARGO_LINE = re.compile(
    r"^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored;", re.M
)

_GO_TEST = re.compile(r"^--- (PASS|FAIL|SKIP): ", re.M)
_GO_PKG = re.compile(
    r"^(?:(ok)\s+\S+\s+(?:[\d.]+s|\(cached\))|(FAIL)\s+\S+\s+(?:[\d.]+s|\[build failed\]|\[setup failed\])|(\?)\s+\S+\s+\[no test files\])",
    re.M,
)


def parse_test_counts(
    output: str, line_counts: Mapping[str, int] | None = None
) -> TestCounts | None:
    """Counts from the first runner whose summary appears in `output`, or None."""
    text = _ANSI.sub("", output) if "\x1b" in output else output
    parsers: list[Callable[[str], TestCounts | None]] = [_pytest, _unittest, _jest, _vitest, _cargo]
    for parse in parsers:
        counts = parse(text)
        if counts is not None:
            return counts
    return _go(text, line_counts)


def _pytest(text: str) -> TestCounts | None:
    counts: TestCounts | None = None
    for line in _PYTEST_LINE.finditer(text):
        counts = counts or TestCounts(runner="pytest")
        for number, word in _PYTEST_PART.findall(line.group("body")):
            n = int(number)
            if word in ("passed", "xpassed"):
                counts.passed += n
            elif word == "failed":
                counts.failed += n
            elif word.startswith("error"):
                counts.errors += n
            elif word in ("skipped", "xfailed"):
                counts.skipped += n
    return counts


def _unittest(text: str) -> TestCounts | None:
    counts: TestCounts | None = None
    for ran in _UNITTEST_RAN.finditer(text):
        status = _UNITTEST_STATUS.search(text, ran.end())
        if status is None:
            continue  # a run cut off before its verdict: its counts are unknown
        parts = {
            key: int(value) for key, value in _UNITTEST_PART.findall(status.group("body") or "")
        }
        failed = parts.get("failures", 0) + parts.get("unexpected successes", 0)
        errors = parts.get("errors", 0)
        skipped = parts.get("skipped", 0) + parts.get("expected failures", 0)
        counts = counts or TestCounts(runner="unittest")
        counts.passed += max(int(ran.group(1)) - failed - errors - skipped, 0)
        counts.failed += failed
        counts.errors += errors
        counts.skipped += skipped
    return counts


def _jest(text: str) -> TestCounts | None:
    counts: TestCounts | None = None
    for line in _JEST_LINE.finditer(text):
        counts = counts or TestCounts(runner="jest")
        _add_words(counts, _JEST_PART.findall(line.group("body")))
    return counts


def _vitest(text: str) -> TestCounts | None:
    counts: TestCounts | None = None
    for line in _VITEST_LINE.finditer(text):
        counts = counts or TestCounts(runner="vitest")
        _add_words(counts, _JEST_PART.findall(line.group("body")))
    return counts


def _add_words(counts: TestCounts, parts: list[tuple[str, str]]) -> None:
    for number, word in parts:
        n = int(number)
        if word == "passed":
            counts.passed += n
        elif word == "failed":
            counts.failed += n
        else:  # skipped, todo, pending
            counts.skipped += n


def _cargo(text: str) -> TestCounts | None:
    counts: TestCounts | None = None
    for line in _CARGO_LINE.finditer(text):
        counts = counts or TestCounts(runner="cargo")
        counts.passed += int(line.group(1))
        counts.failed += int(line.group(2))
        counts.skipped += int(line.group(3))
    return counts


def _go(text: str, line_counts: Mapping[str, int] | None) -> TestCounts | None:
    if line_counts and line_counts.get("--- PASS:", 0):  # -v output: count tests
        return TestCounts(
            runner="go",
            passed=line_counts.get("--- PASS:", 0),
            failed=line_counts.get("--- FAIL:", 0),
            skipped=line_counts.get("--- SKIP:", 0),
        )
    tests = _GO_TEST.findall(text)
    if "PASS" in tests:  # -v output: count tests
        return TestCounts(
            runner="go",
            passed=tests.count("PASS"),
            failed=tests.count("FAIL"),
            skipped=tests.count("SKIP"),
        )
    packages = _GO_PKG.findall(text)
    if not packages:
        return None
    return TestCounts(
        runner="go",
        passed=sum(1 for ok, _, _ in packages if ok),
        failed=sum(1 for _, fail, _ in packages if fail),
        skipped=sum(1 for _, _, none in packages if none),
    )
