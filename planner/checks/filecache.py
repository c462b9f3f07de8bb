"""Each project file is read at most once per run, however many must-haves name it.

Bytes are decoded as UTF-8 with replacement (a stray byte never stops a check). Files above the
size cap are read up to the cap and marked truncated, so a 2 GB log named as an artifact costs
8 MB, not the machine. `reads` counts disk reads so tests and the bench can prove read-once.
"""

from __future__ import annotations

import bisect
import operator
import os
from collections import Counter
from dataclasses import field
from itertools import accumulate, count
from pathlib import Path
from typing import BinaryIO

from planner.records import record

CODES = {
    "GSD405": "file larger than the read cap: only its head was checked",
    "GSD406": "file could not be read",
}

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
_BINARY_SNIFF = 8192
_EVIDENCE_WIDTH = 200


class LineIndex:
    """Offset <-> 1-based line number for one text.

    The first few lookups count newlines (C speed, nothing kept); a text asked more often gets a
    table of line starts. A 5 MB file that yields one evidence line never builds the table.
    """

    QUICK_LOOKUPS = 16
    QUICK_SPLIT_LINES = 4096

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._quick = 0
        # The last quick lookup: hits come in text order, so the next count starts there.
        self._last_offset = 0
        self._last_line = 1
        self._newlines: int | None = None  # in the whole text, once counted

    def newlines(self) -> int:
        """Newlines in the whole text (counted once)."""
        if self._newlines is None:
            self._newlines = self._text.count("\n")
        return self._newlines

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            # Line i + 1 starts after the lengths of lines 0..i and i + 1 newlines: summed by
            # C iterators, not a Python step per line.
            lines = self._text.split("\n")
            starts = [0]
            starts += map(operator.add, accumulate(map(len, lines[:-1])), count(1))
            self._starts = starts
        return self._starts

    def line_of(self, offset: int) -> int:
        if self._starts is None and self._quick < self.QUICK_LOOKUPS:
            self._quick += 1
            text = self._text
            forward = offset - self._last_offset if offset >= self._last_offset else offset
            backward = len(text) - offset
            if self._newlines is None and backward * 8 < forward:
                # Near the end of a text read from the start (an END marker): the total counted
                # now costs about what counting up to the offset would, and line_count reuses it.
                self.newlines()
            if self._newlines is not None and backward < forward:
                # Nearer the end (an END marker, a last line): count back from the known total.
                line = self._newlines + 1 - text.count("\n", offset)
            elif offset >= self._last_offset:
                line = self._last_line + text.count("\n", self._last_offset, offset)
            else:
                line = text.count("\n", 0, offset) + 1
            self._last_offset, self._last_line = offset, line
            return line
        return bisect.bisect_right(self.starts, offset)

    def offset_of(self, line: int) -> int:
        starts = self.starts
        if line <= 1:
            return 0
        if line > len(starts):
            return len(self._text)
        return starts[line - 1]

    def end_offset_of(self, line: int) -> int:
        """Offset just past the end of `line` (its newline excluded)."""
        starts = self.starts
        if line >= len(starts):
            return len(self._text)
        return max(starts[line] - 1, 0)

    def bounds(self, start_line: int, end_line: int) -> tuple[int, int]:
        """(offset_of(start_line), end_offset_of(end_line)).

        While quick lookups remain, without the table: the start is found by splitting the
        text at its first newlines (C speed, so only for lines near the top: deeper ones get
        the table), the end by the next newline after the last line's start. Lines before the
        first are left to the table's rules.
        """
        near = 1 <= start_line <= self.QUICK_SPLIT_LINES and 1 <= end_line <= self.QUICK_SPLIT_LINES
        if self._starts is None and self._quick < self.QUICK_LOOKUPS and near:
            self._quick += 1
            start = self._split_offset(start_line)
            last = start if end_line == start_line else self._split_offset(end_line)
            end = self._text.find("\n", last)
            return start, len(self._text) if end == -1 else end
        return self.offset_of(start_line), self.end_offset_of(end_line)

    def _split_offset(self, line: int) -> int:
        """offset_of(line) for a line >= 1, counted without the table."""
        if line == 1:
            return 0
        rest = self._text.split("\n", line - 1)
        return len(self._text) - len(rest[-1]) if len(rest) == line else len(self._text)

    def line_text(self, line: int) -> str:
        start, end = self.bounds(line, line)
        return self._text[start:end].rstrip("\r")

    def line_around(self, offset: int) -> str:
        """The text of the line holding `offset`, without building the table."""
        text = self._text
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        return text[start : len(text) if end == -1 else end].rstrip("\r")


def clip(text: str, width: int = _EVIDENCE_WIDTH) -> str:
    """One evidence line: stripped, and cut (with an ellipsis) when very long."""
    text = text.strip()
    return text if len(text) <= width else text[: width - 3] + "..."


@record
class SourceFile:
    rel: str  # project-relative posix path
    text: str
    size: int  # bytes on disk
    truncated: bool = False
    binary: bool = False
    lines: LineIndex = field(init=False, repr=False)
    _line_count: int | None = field(default=None, init=False, repr=False)
    _found: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text)

    def find(self, needle: str) -> int:
        """text.find(needle), searched once per run: plans often repeat a `contains` claim."""
        at = self._found.get(needle)
        if at is None:
            at = self._found[needle] = self.text.find(needle)
        return at

    @property
    def line_count(self) -> int:
        """Lines as `wc -l` counts them, plus a last line without a newline (counted once)."""
        if self._line_count is None:
            text = self.text
            count = self.lines.newlines() + (0 if text.endswith("\n") else 1) if text else 0
            self._line_count = count
        return self._line_count

    def line_of(self, offset: int) -> int:
        return self.lines.line_of(offset)

    def line_text(self, line: int) -> str:
        return self.lines.line_text(line)

    def span(self, start_line: int, end_line: int) -> tuple[int, int]:
        """Text offsets [pos, endpos) covering lines start_line..end_line."""
        return self.lines.bounds(start_line, end_line)

    def hit(self, offset: int) -> tuple[int, str]:
        """(line, clipped line text) for a match at `offset`: the `path:line: text` evidence."""
        return self.line_of(offset), clip(self.lines.line_around(offset))


class FileCache:
    """Reads files under one project root, once each; keyed by project-relative posix path."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root.resolve()
        self.max_bytes = max_bytes
        self._files: dict[str, SourceFile] = {}
        self._errors: dict[str, str] = {}
        self.read_counts: Counter[str] = Counter()

    @property
    def reads(self) -> int:
        return sum(self.read_counts.values())

    def cached(self, rel: str) -> bool:
        return rel in self._files or rel in self._errors

    def error(self, rel: str) -> str | None:
        return self._errors.get(rel)

    def get(self, rel: str) -> SourceFile | None:
        """The file's text, read on first call only; None when it cannot be read (see `error`).

        `rel` must already be confined (paths.resolve_inside) and relative to the root.
        """
        found = self._files.get(rel)
        if found is not None:
            return found
        if rel in self._errors:
            return None
        self.read_counts[rel] += 1
        try:
            with open(os.path.join(self.root, rel), "rb") as handle:
                data, size = self._read(handle)
        except OSError as exc:
            self._errors[rel] = exc.strerror or type(exc).__name__
            return None
        truncated = len(data) > self.max_bytes
        if truncated:
            data = data[: self.max_bytes]
        binary = b"\0" in data[:_BINARY_SNIFF]
        source = SourceFile(
            rel=rel,
            text=data.decode("utf-8", errors="replace"),
            size=size,
            truncated=truncated,
            binary=binary,
        )
        self._files[rel] = source
        return source

    def _read(self, handle: BinaryIO) -> tuple[bytes, int]:
        """(at most max_bytes + 1 bytes of the file, its size on disk).

        The read is sized by fstat: asking for max_bytes + 1 at once costs an 8 MB allocation
        per file, even for a 2 KB one. A file larger than fstat said (growing, or a special file
        reporting 0) is read on up to the same limit.
        """
        limit = self.max_bytes + 1
        try:
            stat_size: int | None = os.fstat(handle.fileno()).st_size
        except OSError:
            stat_size = None
        want = limit if stat_size is None else min(stat_size + 1, limit)
        data = handle.read(want)
        if len(data) == want < limit:
            data += handle.read(limit - want)
        return data, len(data) if stat_size is None else stat_size
