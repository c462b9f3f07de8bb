"""ROADMAP.md block events without markdown-it, when a scan proves markdown-it's answer.

`block_events(text)` replays markdown-it-py's block tokenizer (CommonMark preset + GFM tables)
for the constructs roadmaps are made of: ATX and setext headings, paragraphs (lazy continuation
included), bullet and ordered lists at any indentation (nesting, empty items, the "list cannot
interrupt a paragraph unless" rules), thematic breaks, tables (markdown-it's own row, column,
escaped-pipe and termination rules) and `<details>`/`<summary>` HTML blocks (kind 6: they end
at a blank line). Each rule is a port of markdown-it's, in its order, with its terminator
chains, so every event is markdown-it's token: the same content string and the same 1-based
line. It returns None ("unsure: use markdown-it") for whatever it does not model, wherever
markdown-it could see it: a tab or NUL anywhere, a line that could open a fence, a block
quote, an indented code block, a link reference definition or any other HTML block, and lists
nested deeper than markdown-it's nesting cap could matter. Never a guess.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from planner.documents.lazyre import lazy_re

# markdown-it's mdTrim set: JavaScript's trim() without U+FEFF.
_TRIM = (
    "\t\n\x0b\x0c\r \xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_ORDERED = re.compile(r"[0-9]{1,9}[.)](?= |$)")
_BULLET = re.compile(r"[*+-](?= |$)")
_DETAILS = lazy_re(r"^</?(?a:(details|summary))(?=(\s|/?>|$))", re.IGNORECASE)  # kind 6
_HEADER_CELL = re.compile(r"^:?-+:?$")
_OPENERS = frozenset("*-_+#<0123456789")  # first characters of hr, list, html, heading lines
_MAX_DEPTH = 6  # markdown-it stops nesting at level 20 (two levels a list): far from it
_MAX_AUTOCOMPLETED_CELLS = 0x10000


class Event(NamedTuple):
    kind: str  # "heading", "paragraph" or "row"
    line: int | None  # 1-based, markdown-it's map[0] + 1
    content: str = ""  # heading or paragraph inline content
    first_in_item: bool = False  # paragraph: the first block of a list item
    cells: tuple[str, ...] = ()  # row: each cell's inline content


class _Unsure(Exception):
    """Something markdown-it would parse in a way this scan does not model."""


def block_events(text: str) -> list[Event] | None:
    """The heading, paragraph and table-row events of markdown-it's parse, or None when unsure."""
    if "\t" in text or "\0" in text:
        return None
    if "\r" in text:  # markdown-it's normalisation: CR LF and a lone CR are line breaks
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if text.endswith("\n") or (lines and not lines[-1].strip(" ")):
        lines.pop()  # no line after a final newline; a final blank line without one is dropped
    scan = _Scan(lines)
    try:
        scan.tokenize(0)
    except _Unsure:
        return None
    return scan.events


def _row_cells(row: str) -> list[str]:
    """markdown-it's escapedSplit (cells at unescaped pipes; `\\|` loses its backslash), less an
    empty first and last cell."""
    cells: list[str] = []
    current, last, escaped = "", 0, False
    for pos, ch in enumerate(row):
        if ch == "|":
            if not escaped:
                cells.append(current + row[last:pos])
                current, last = "", pos + 1
            else:
                current += row[last : pos - 1]
                last = pos
        escaped = ch == "\\"
    cells.append(current + row[last:])
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


class _Scan:
    """markdown-it's StateBlock without tabs: a line's column is its index, sCount == tShift."""

    def __init__(self, lines: list[str]) -> None:
        self.src = [*lines, ""]  # markdown-it's fake last line
        self.sh = [len(s) - len(s.lstrip(" ")) for s in self.src]  # tShift: where text starts
        self.n = len(lines)
        self.blk = 0  # blkIndent
        self.list_indent = -1
        self.line = 0
        self.depth = 0
        self.fresh_item = False  # nothing emitted yet in the current list item
        self.events: list[Event] = []

    def text(self, i: int) -> str:
        return self.src[i][self.sh[i] :]

    def empty(self, i: int) -> bool:
        return self.sh[i] >= len(self.src[i])

    def code(self, i: int) -> bool:
        return self.sh[i] - self.blk >= 4

    def get_lines(self, begin: int, end: int) -> str:
        # Everything before tShift (a list marker) and indentation count as indent, up to blkIndent.
        return "\n".join(self.src[i][min(self.blk, self.sh[i]) :] for i in range(begin, end))

    def emit(self, event: Event | None = None) -> None:
        if event is not None:
            self.events.append(event)
        self.fresh_item = False

    def tokenize(self, line: int) -> None:
        while line < self.n:
            while line < self.n and self.empty(line):
                line += 1
            self.line = line
            if line >= self.n or self.sh[line] < self.blk:
                break
            self.block(line)
            line = self.line
            if line < self.n and self.empty(line):
                line += 1
                self.line = line

    def block(self, line: int) -> None:
        """markdown-it's rules in order: table, code, fence, blockquote, hr, list, reference, ..."""
        if self.table(line, False):
            return
        if self.code(line) or self.text(line).startswith(("```", "~~~", ">")):
            raise _Unsure  # indented code, a fence or a block quote: not replayed
        if self.hr(line, False) or self.list_block(line, False, False):
            return
        if self.text(line).startswith("[") and self.maybe_reference(line):
            raise _Unsure
        if self.html(line, False) or self.heading(line, False) or self.lheading(line):
            return
        self.paragraph(line)

    def maybe_reference(self, line: int) -> bool:
        # A definition needs `]:` before the next blank line (its label, destination and title).
        while line < self.n and not self.empty(line):
            if "]:" in self.src[line]:
                return True
            line += 1
        return False

    def terminates(self, line: int, chain: str) -> bool:
        """markdown-it's terminator rules of a paragraph, a table ("blockquote") or a list."""
        if self.code(line):
            return False  # each of them declines an indented line
        t = self.text(line)
        if t.startswith(("```", "~~~", ">")):
            raise _Unsure  # a fence or a block quote may interrupt here: not replayed
        if chain == "paragraph" and self.table(line, True):
            return True
        if not t or t[0] not in _OPENERS:
            return False
        if self.hr(line, True):
            return True
        if chain == "list":
            return False
        return (
            self.list_block(line, True, chain == "paragraph")
            or self.html(line, True)
            or self.heading(line, True)
        )

    def table(self, start: int, silent: bool) -> bool:
        nxt = start + 1
        if start + 2 > self.n or self.sh[nxt] < self.blk or self.code(nxt):
            return False
        delim = self.text(nxt)
        if len(delim) < 2 or delim[0] not in "|-:" or delim[:2] == "- ":
            return False
        if any(ch not in "|-: " for ch in delim):
            return False
        columns = delim.split("|")
        aligns = 0
        for i, col in enumerate(columns):
            c = col.strip(_TRIM)
            if not c:
                if i == 0 or i == len(columns) - 1:
                    continue
                return False
            if not _HEADER_CELL.search(c):
                return False
            aligns += 1
        header = self.text(start).strip(_TRIM)
        if "|" not in header or self.code(start):
            return False
        cells = _row_cells(header)
        count = len(cells)
        if count == 0 or count != aligns:
            return False
        if silent:
            return True
        self.emit(Event("row", start + 1, cells=tuple(c.strip(_TRIM) for c in cells)))
        autocompleted, line = 0, start + 2
        while line < self.n:
            if self.sh[line] < self.blk or self.terminates(line, "blockquote"):
                break
            row = self.text(line).strip(_TRIM)
            if not row or self.code(line):
                break
            cells = _row_cells(row)
            autocompleted += count - len(cells)
            if autocompleted > _MAX_AUTOCOMPLETED_CELLS:
                break
            padded = [c.strip(_TRIM) for c in cells[:count]] + [""] * (count - len(cells))
            self.emit(Event("row", line + 1, cells=tuple(padded)))
            line += 1
        self.line = line
        return True

    def hr(self, line: int, silent: bool) -> bool:
        t = self.text(line)
        if self.code(line) or not t or t[0] not in "*-_":
            return False
        if any(ch != t[0] and ch != " " for ch in t) or t.count(t[0]) < 3:
            return False
        if not silent:
            self.line = line + 1
            self.emit()
        return True

    def list_block(self, start: int, silent: bool, after_paragraph: bool) -> bool:
        if self.code(start):
            return False
        sh = self.sh
        if self.list_indent >= 0 and sh[start] - self.list_indent >= 4 and sh[start] < self.blk:
            return False  # "- item\n    - more": a paragraph continuation, not a list
        interrupting = after_paragraph and sh[start] >= self.blk
        t = self.text(start)
        m = _ORDERED.match(t)
        ordered = m is not None
        if m is None:
            m = _BULLET.match(t)
            if m is None:
                return False
        elif interrupting and int(t[: m.end() - 1]) != 1:
            return False
        after = sh[start] + m.end()
        if interrupting and not self.src[start][after:].strip(" "):
            return False
        marker = self.src[start][after - 1]
        if silent:
            return True
        if self.depth >= _MAX_DEPTH:
            raise _Unsure
        self.emit()
        self.depth += 1
        line = start
        while line < self.n:
            src = self.src[line]
            content = after + len(src[after:]) - len(src[after:].lstrip(" "))
            gap = 1 if content >= len(src) or content - after > 4 else content - after
            old_list_indent, old_sh = self.list_indent, sh[line]
            self.list_indent, self.blk = self.blk, after + gap
            sh[line] = content
            self.fresh_item = True
            if content >= len(src) and self.empty(line + 1):
                self.line = min(line + 2, self.n)  # an empty item ends the list before "foo"
            else:
                self.tokenize(line)
            self.fresh_item = False
            self.blk, self.list_indent = self.list_indent, old_list_indent
            sh[line] = old_sh
            line = self.line
            if line >= self.n or sh[line] < self.blk or self.code(line):
                break
            if self.terminates(line, "list"):
                break
            t = self.text(line)
            m = (_ORDERED if ordered else _BULLET).match(t)
            if m is None:
                break
            after = sh[line] + m.end()
            if self.src[line][after - 1] != marker:
                break
        self.depth -= 1
        self.line = line
        return True

    def html(self, line: int, silent: bool) -> bool:
        t = self.text(line)
        if self.code(line) or not t.startswith("<"):
            return False
        if not _DETAILS().search(t):
            raise _Unsure
        if not silent:
            line += 1
            while line < self.n and self.sh[line] >= self.blk and self.text(line):
                line += 1
            self.line = line
            self.emit()
        return True

    def heading(self, line: int, silent: bool) -> bool:
        t = self.text(line)
        if self.code(line) or not t.startswith("#"):
            return False
        level = len(t) - len(t.lstrip("#"))
        if level > 6 or (level < len(t) and t[level] != " "):
            return False
        if not silent:
            body = t[level:].rstrip(" ")
            tail = body.rstrip("#")
            if len(tail) < len(body) and tail.endswith(" "):
                body = tail
            self.line = line + 1
            self.emit(Event("heading", line + 1, body.strip(_TRIM)))
        return True

    def lheading(self, start: int) -> bool:
        if self.code(start):
            return False
        line = start + 1
        while line < self.n and not self.empty(line):
            if self.sh[line] - self.blk > 3:
                line += 1
                continue
            t = self.text(line)
            if self.sh[line] >= self.blk and t[0] in "-=" and not t.lstrip(t[0]).strip(" "):
                self.line = line + 1
                self.emit(Event("heading", start + 1, self.get_lines(start, line).strip(_TRIM)))
                return True
            if self.terminates(line, "paragraph"):
                return False
            line += 1
        return False

    def paragraph(self, start: int) -> None:
        line = start + 1
        while line < self.n and not self.empty(line):
            if self.sh[line] - self.blk <= 3 and self.terminates(line, "paragraph"):
                break
            line += 1
        content = self.get_lines(start, line).strip(_TRIM)
        self.line = line
        self.emit(Event("paragraph", start + 1, content, self.fresh_item))
