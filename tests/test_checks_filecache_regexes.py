"""File cache (read once, size cap, decoding) and the time-bounded regex runner."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from planner.checks.filecache import FileCache, LineIndex, clip
from planner.checks.regexes import BudgetExhausted, PatternError, RegexRunner, SearchTimeout


def test_each_file_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("one\ntwo\n")
    cache = FileCache(tmp_path)
    first = cache.get("a.py")
    for _ in range(5):
        assert cache.get("a.py") is first
    assert cache.reads == 1
    assert cache.read_counts["a.py"] == 1


def test_text_lines_and_hits(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"alpha\r\nbeta\ngamma")
    source = FileCache(tmp_path).get("a.py")
    assert source is not None
    assert source.line_count == 3
    assert source.line_text(1) == "alpha"
    assert source.hit(source.text.index("gamma")) == (3, "gamma")
    assert source.span(2, 3) == (7, len(source.text))


def test_undecodable_bytes_are_replaced_and_nul_marks_binary(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"ok \xff\xfe end\n")
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01\x02")
    cache = FileCache(tmp_path)
    bad = cache.get("bad.txt")
    assert bad is not None and bad.text == "ok \ufffd\ufffd end\n" and not bad.binary
    binary = cache.get("bin.dat")
    assert binary is not None and binary.binary


def test_huge_file_is_read_up_to_the_cap(tmp_path: Path) -> None:
    (tmp_path / "big.log").write_bytes(b"x" * 5000 + b"\nNEEDLE\n")
    source = FileCache(tmp_path, max_bytes=1000).get("big.log")
    assert source is not None
    assert source.truncated and source.size == 5008 and len(source.text) == 1000
    assert "NEEDLE" not in source.text


def test_unreadable_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    cache = FileCache(tmp_path)
    assert cache.get("nope.py") is None
    assert cache.error("nope.py") == "No such file or directory"
    assert cache.get("nope.py") is None
    assert cache.reads == 1  # the failure is remembered too


def test_line_index_edges() -> None:
    index = LineIndex("a\nbb\n")
    assert [index.line_of(i) for i in range(5)] == [1, 1, 2, 2, 2]
    assert index.line_text(2) == "bb"
    assert index.line_text(3) == ""
    assert clip("  " + "y" * 300) == "y" * 197 + "..."


def test_patterns_compile_once() -> None:
    runner = RegexRunner()
    first = runner.compile(r"foo\d+")
    assert runner.compile(r"foo\d+") is first
    assert runner.compiles == 1
    hit = runner.search(first, "xx foo12 yy")
    assert hit is not None and (hit.start, hit.end) == (3, 8)


def test_patterns_are_multiline_like_grep() -> None:
    runner = RegexRunner()
    hit = runner.search(runner.compile(r"^def run"), "x = 1\ndef run():\n")
    assert hit is not None and hit.start == 6


def test_invalid_pattern_raises_once_and_is_cached() -> None:
    runner = RegexRunner()
    with pytest.raises(PatternError, match="missing \\)"):
        runner.compile("(unclosed")
    with pytest.raises(PatternError):
        runner.compile("(unclosed")
    assert runner.compiles == 1


def test_search_respects_pos_and_endpos() -> None:
    runner = RegexRunner()
    pattern = runner.compile("needle")
    text = "needle ... needle"
    assert runner.search(pattern, text, 1, 10) is None
    hit = runner.search(pattern, text, 1)
    assert hit is not None and hit.start == 11


def test_catastrophic_pattern_is_bounded_in_time() -> None:
    runner = RegexRunner(timeout=0.5)
    pattern = runner.compile(r"(a+)+$")
    text = ("a" * 5000 + "b\n") * 400  # 2 MB of lines that backtrack exponentially
    started = time.monotonic()
    with pytest.raises(SearchTimeout, match=r"timed out after 0\.5 s"):
        runner.search(pattern, text)
    assert time.monotonic() - started < 3


def test_budget_stops_further_searches() -> None:
    runner = RegexRunner(timeout=0.3, budget=0.5)
    pattern = runner.compile(r"(x+x+)+y")
    text = "x" * 5000 + "\ny"  # a `y` somewhere: the search cannot be settled by str.find
    started = time.monotonic()
    with pytest.raises(SearchTimeout):
        runner.search(pattern, text)
    outcomes = []
    for _ in range(5):
        try:
            runner.search(pattern, text)
        except (SearchTimeout, BudgetExhausted) as exc:
            outcomes.append(type(exc).__name__)
    # What is left of the budget is spent at most once more; then searches are refused at once.
    assert outcomes[-3:] == ["BudgetExhausted"] * 3
    assert str(BudgetExhausted(0.5)) == "regex time budget of 0.5 s used up"
    assert time.monotonic() - started < 2
