"""OutputCapture: bounded head/tail, whole-stream scans independent of how the bytes were chunked."""

from __future__ import annotations

import itertools
import resource
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.execution.capture import GO_WINDOW, LINE_KEEP, MAX_FAIL_LINES, Needle, OutputCapture


def feed_in_pieces(data: bytes, cuts: list[int], **kw: object) -> OutputCapture:
    capture = OutputCapture(**kw)  # type: ignore[arg-type]
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    for a, b in itertools.pairwise(points):
        capture.feed(data[a:b])
    return capture


LINES = st.lists(
    st.sampled_from(
        [
            b"FAIL: x",
            b"FAIL",
            b"ok",
            b"--- PASS: TestA (0.00s)",
            b"--- FAIL: TestB",
            b"    --- PASS: TestA/sub",
            b"=== RUN   TestA",
            b"needle here",
            b"caf\xc3\xa9",
            b"\xff\xfe",
            b"",
            b"x" * 40,
            b"  FAIL: indented",
        ]
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(
    lines=LINES,
    cuts=st.lists(st.integers(min_value=0, max_value=5000), max_size=30),
    head=st.integers(0, 64),
    tail=st.integers(0, 64),
    trailing_newline=st.booleans(),
    window=st.integers(1, 200),
)
def test_chunking_never_changes_the_result(
    lines: list[bytes], cuts: list[int], head: int, tail: int, trailing_newline: bool, window: int
) -> None:
    data = b"\n".join(lines) + (b"\n" if trailing_newline else b"")
    needles = [Needle("needle"), Needle("CAFÉ", ignore_case=True), Needle("HERE", ignore_case=True)]
    whole = OutputCapture(head, tail, needles, go_window=window)
    whole.feed(data)
    pieces = feed_in_pieces(
        data, cuts, head_bytes=head, tail_bytes=tail, needles=needles, go_window=window
    )
    a, b = whole.finish(), pieces.finish()
    assert a == b
    expected_fail = [line for line in data.split(b"\n") if line.startswith(b"FAIL")]
    assert a.fail_line_count == len(expected_fail)
    assert a.fail_lines == [line.decode("utf-8", "replace") for line in expected_fail]
    probe = data[:window]
    if b"=== RUN" in probe or probe.startswith(b"--- ") or b"\n--- " in probe:
        passes = sum(1 for line in data.split(b"\n") if line.startswith(b"--- PASS:"))
    else:
        passes = 0
    assert a.line_counts["--- PASS:"] == passes
    assert a.found[Needle("needle")] == (b"needle" in data)
    assert a.found[Needle("HERE", ignore_case=True)] == (b"here" in data)
    assert a.total_bytes == len(data)
    assert a.omitted_bytes >= 0
    if len(data) <= head + tail:
        assert a.head == data.decode("utf-8", "replace") and a.tail == ""


def test_needle_spanning_two_chunks_is_found() -> None:
    capture = OutputCapture(4, 4, [Needle("PendingRollbackError")])
    for piece in (b"xx Pending", b"Rollback", b"Error yy"):
        capture.feed(piece)
    assert capture.finish().found == {Needle("PendingRollbackError"): True}


def test_fail_lines_are_bounded_but_all_counted() -> None:
    capture = OutputCapture(10, 10)
    capture.feed(b"FAIL: " + b"z" * 5000 + b"\n")
    capture.feed(b"FAIL: n\n" * 500)
    out = capture.finish()
    assert out.fail_line_count == 501
    assert len(out.fail_lines) == MAX_FAIL_LINES
    assert out.fail_lines[0] == "FAIL: " + "z" * (LINE_KEEP - 6)


def test_a_huge_line_without_newline_stays_bounded() -> None:
    capture = OutputCapture(100, 100)
    for _ in range(100):
        capture.feed(b"FAIL" + b"q" * 100_000)
    out = capture.finish()
    assert out.total_bytes == 100 * 100_004
    assert out.fail_line_count == 1
    assert len(out.fail_lines[0]) == LINE_KEEP
    assert len(out.head) == 100 and len(out.tail) == 100


def test_go_lines_are_only_scanned_past_the_window_for_go_output() -> None:
    plain = OutputCapture(10, 10)
    plain.feed(b"x" * GO_WINDOW + b"\n")
    plain.feed(b"\n--- PASS: TestA (0.00s)\n")
    assert plain.finish().line_counts["--- PASS:"] == 0  # not go output: never looked for

    go = OutputCapture(10, 10)
    go.feed(b"=== RUN   TestA\n" + b"x" * GO_WINDOW + b"\n")
    go.feed(b"--- PASS: TestA (0.00s)\n" * 3 + b"--- SKIP: TestB (0.00s)\n")
    counts = go.finish().line_counts
    assert counts["--- PASS:"] == 3 and counts["--- SKIP:"] == 1


HARNESS = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from planner.execution.runner import run_command
    import planner.results, pydantic  # imports done: measure the run alone
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = run_command(sys.argv[1], cwd=Path("."), timeout=60)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(r.status.value, r.output_bytes, r.omitted_bytes, len(r.fail_lines), (after - before) // 1024)
    """
)


@pytest.mark.slow
def test_200_mb_of_output_keeps_memory_bounded(tmp_path: pytest.TempPathFactory) -> None:
    cmd = "yes 'some test output line' | head -c 100M; echo; echo 'FAIL: buried'; head -c 100M /dev/zero"
    out = subprocess.run(
        [sys.executable, "-c", HARNESS, cmd], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    status, total, omitted, fails, growth_mb = (
        out[0],
        int(out[1]),
        int(out[2]),
        int(out[3]),
        int(out[4]),
    )
    assert status == "failed"  # the FAIL line in the middle was seen
    assert fails == 1
    assert total == 200 * 2**20 + 14
    assert omitted == total - 2 * 32768
    assert growth_mb < 20, f"peak RSS grew by {growth_mb} MB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the harness ran as a child
