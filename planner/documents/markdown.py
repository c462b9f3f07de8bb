"""Positions in a markdown body: lines, code fences, inline code and headings.

Tags or headings inside code fences (and inline code) are text, not structure, so every scanner
asks `in_code(offset)` before believing a match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import field

from planner.documents.verifyblock import dedent, unescape
from planner.records import record

# Closing structural tags: one alone on a line ends a fence its element opened (_scan_fences).
_CLOSE_TAG_RE = re.compile(
    r"</(task|tasks|feature|action|verify|done|automated|acceptance_criteria|behavior|"
    r"implementation|read_first|files|objective|context|execution_context|verification|"
    r"success_criteria|output)>"
)
# Starts with a literal newline (searched on "\n" + text) so the engine only tries line starts.
_HEADING_RE = re.compile(r"\n(#{1,6})[ \t]+([^\n]*)")


@record
class Heading:
    level: int
    title: str
    start: int  # offset of the '#'
    end: int  # offset just after the heading line
    line: int


@record
class Body:
    text: str
    first_line: int = 1
    fences: list[tuple[int, int]] = field(default_factory=list)
    fence_starts: list[int] = field(default_factory=list)
    unclosed: list[int] = field(default_factory=list)  # offsets of fences that never close
    _headings: list[Heading] | None = None
    _marks: list[int] = field(default_factory=lambda: [0])  # offsets with known line counts
    _counts: list[int] = field(default_factory=lambda: [0])  # newlines before each mark

    @classmethod
    def of(cls, text: str, first_line: int = 1) -> Body:
        body = cls(text=text, first_line=first_line)
        body._scan_fences()
        return body

    def _scan_fences(self) -> None:
        """Fenced code ranges. A fence still open when a line holding only `</action>` (or another
        closing tag whose opening is not inside the fence) comes is closed there: authors nest
        fences inside elements and lose count, and the element's end is what they meant."""
        text = self.text
        # Runs of ``` / ~~~ (found with str.find: much faster than a regex alternation here), in
        # document order. Closing tags matter only while a fence is open: those are searched
        # between the open fence and the next run, not listed for the whole body.
        runs: list[tuple[int, int]] = []
        for mark in ("```", "~~~") if "~" in text else ("```",):  # one-char test: memchr speed
            i = text.find(mark)
            while i >= 0:
                j = i + 3
                while j < len(text) and text[j] == mark[0]:
                    j += 1
                runs.append((i, j))
                i = text.find(mark, j)
        if not runs:
            return
        runs.sort()
        open_at = -1  # line start of the open fence
        open_marker = ""
        tags_from = 0  # closing tags before this offset were seen while the fence was open
        for start, end in runs:
            if open_at >= 0:
                open_at = self._close_at_tag(open_at, tags_from, start)
            tags_from = end
            ls = text.rfind("\n", 0, start) + 1
            if ls != start and text[ls:start].strip(" \t"):
                continue  # not at the start of a line
            eol = text.find("\n", end)
            eol = len(text) if eol < 0 else eol
            rest = text[end:eol]
            marker = text[start:end]
            if open_at < 0:
                if marker[0] == "`" and "`" in rest:
                    continue  # ```inline``` is not a fence
                open_at, open_marker = ls, marker
            elif (
                marker[0] == open_marker[0] and len(marker) >= len(open_marker) and not rest.strip()
            ):
                self.fences.append((open_at, eol))
                open_at = -1
        if open_at >= 0:
            open_at = self._close_at_tag(open_at, tags_from, len(text))
        if open_at >= 0:
            self.unclosed.append(open_at)
            self.fences.append((open_at, len(text)))
        self.fence_starts = [s for s, _ in self.fences]

    def _close_at_tag(self, open_at: int, start: int, end: int) -> int:
        """Close the fence open at `open_at` on the first line in [start, end) holding only a
        closing tag whose opening is not inside the fence; the new open_at (-1 when closed)."""
        text = self.text
        for m in _CLOSE_TAG_RE.finditer(text, start, end):
            ls = text.rfind("\n", 0, m.start()) + 1
            if ls != m.start() and text[ls : m.start()].strip(" \t"):
                continue  # not at the start of a line
            eol = text.find("\n", m.end())
            rest = text[m.end() : len(text) if eol < 0 else eol]
            if not rest.strip() and f"<{m.group(1)}" not in text[open_at:ls]:
                self.unclosed.append(open_at)
                self.fences.append((open_at, ls))
                return -1
        return open_at

    def line(self, offset: int) -> int:
        """File line of `offset` (counts newlines forward from the nearest earlier query: ask in
        increasing order and the text is counted once)."""
        i = bisect_right(self._marks, offset) - 1
        count = self._counts[i] + self.text.count("\n", self._marks[i], offset)
        if offset != self._marks[i]:
            self._marks.insert(i + 1, offset)
            self._counts.insert(i + 1, count)
        return self.first_line + count

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def in_fence(self, offset: int) -> bool:
        i = bisect_right(self.fence_starts, offset) - 1
        return i >= 0 and offset < self.fences[i][1]

    def in_code(self, offset: int) -> bool:
        starts = self.fence_starts  # in_fence, inlined: this runs for every tag found
        if starts:
            i = bisect_right(starts, offset) - 1
            if i >= 0 and offset < self.fences[i][1]:
                return True
        text = self.text
        return text.count("`", text.rfind("\n", 0, offset) + 1, offset) % 2 == 1

    def find_close(self, name: str, start: int, end: int) -> int:
        """Offset of the next `</name>` in [start, end) outside code fences, or -1."""
        tag = f"</{name}>"
        i = self.text.find(tag, start, end)
        while i >= 0 and self.in_fence(i):
            i = self.text.find(tag, i + 1, end)
        return i

    @property
    def headings(self) -> list[Heading]:
        if self._headings is None:
            self._headings = []
            for m in _HEADING_RE.finditer("\n" + self.text):
                start = m.start()  # the line start in text (the pattern's "\n" is the pad)
                if self.in_fence(start):
                    continue
                title = m.group(2).rstrip().rstrip("#").strip()
                if title:
                    self._headings.append(
                        Heading(
                            len(m.group(1)),
                            title,
                            start,
                            min(m.end(), len(self.text)),
                            self.line(start),
                        )
                    )
        return self._headings

    def section_end(self, h: Heading) -> int:
        """End offset of a heading's section: the next heading of the same or a higher level."""
        for other in self.headings:
            if other.start > h.start and other.level <= h.level:
                return other.start
        return len(self.text)


def clean(text: str) -> str:
    """Element text as shown: dedented, stripped, HTML entities undone."""
    if "\n" in text:
        text = dedent(text)
    return unescape(text.strip())


def one_line(text: str) -> str:
    return " ".join(unescape(text).split())
