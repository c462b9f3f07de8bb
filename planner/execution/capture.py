"""Bounded capture of one command's merged stdout+stderr stream.

`OutputCapture.feed(chunk)` is called with every chunk read from the pipe; memory stays bounded
whatever the command prints: the first `head_bytes` and the last `tail_bytes` are kept, the rest is
counted. While the bytes pass, the whole stream (not only what is kept) is scanned for:

- lines starting with `FAIL` (plans print `FAIL: ...` and exit 0): counted, the first few kept;
- top-level go test lines (`--- PASS:`, `--- FAIL:`, `--- SKIP:`), counted, because go prints no
  summary and a long `go test -v` run would otherwise be counted from the kept head/tail only.
  To keep the common case at one scan per chunk, this scan runs past the first `GO_WINDOW` bytes
  only when go test lines (`=== RUN`, a line starting `--- `) showed up within them;
- literal needles (`Needle`) that expectations ask about (`No "X"` must hold over the full output).

Lines split across chunks are handled; a line is only looked at through its first `LINE_KEEP`
bytes, so one enormous line without a newline costs no more memory than a short one. Every scan is
a C-level `bytes.find`, never a Python loop per line, which keeps throughput close to `cat`.
`finish()` decodes head and tail as UTF-8 with replacement, cutting at character boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from typing import NamedTuple

from planner.records import record

GO_WINDOW = 65536  # go test output must show itself within this many bytes to be counted
LINE_KEEP = 512  # bytes of a line kept for FAIL lines and prefix checks
MAX_FAIL_LINES = 50  # FAIL lines kept (all are counted)

FAIL_PREFIX = b"FAIL"
GO_PREFIXES = (b"--- PASS:", b"--- FAIL:", b"--- SKIP:")
_GO_LEAD = b"\n--- "


class Needle(NamedTuple):
    """A literal whose presence anywhere in the stream is recorded."""

    text: str
    ignore_case: bool = False

    def encoded(self) -> bytes:
        data = self.text.encode("utf-8", "replace")
        return data.lower() if self.ignore_case else data


@record
class CapturedOutput:
    head: str  # the whole output when nothing was omitted
    tail: str  # "" when nothing was omitted
    total_bytes: int
    omitted_bytes: int
    fail_lines: list[str]  # first MAX_FAIL_LINES lines starting with FAIL
    fail_line_count: int  # all of them
    line_counts: dict[str, int]  # "--- PASS:" etc -> lines starting with it (full stream)
    found: dict[Needle, bool] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Head and tail joined (what parsers of summaries look at)."""
        return self.head if not self.tail else self.head + "\n" + self.tail


class OutputCapture:
    """Keeps the head and tail of a byte stream and scans all of it. Not thread-safe: one reader."""

    def __init__(
        self,
        head_bytes: int = 32768,
        tail_bytes: int = 32768,
        needles: Iterable[Needle] = (),
        *,
        go_window: int = GO_WINDOW,
    ) -> None:
        if head_bytes < 0 or tail_bytes < 0:
            raise ValueError("head_bytes and tail_bytes must be >= 0")
        self.head_bytes = head_bytes
        self.tail_bytes = tail_bytes
        self._head = bytearray()
        self._tail = bytearray()
        self._total = 0
        self._line = bytearray()  # first LINE_KEEP bytes of the line being read
        self._fail_lines: list[str] = []
        self._fail_count = 0
        self._go_counts = dict.fromkeys(GO_PREFIXES, 0)
        self._go_mode: bool | None = None  # None: still deciding (within the first GO_WINDOW)
        self._go_probe = bytearray()  # the first go_window bytes, to decide on
        self._go_window = go_window
        self._needles: dict[Needle, bytes] = {n: n.encoded() for n in needles if n.text}
        self._found: dict[Needle, bool] = dict.fromkeys(self._needles, False)
        self._needle_carry = b""  # end of the previous chunk, for needles spanning two chunks
        self._carry_len = max((len(b) for b in self._needles.values()), default=1) - 1

    @property
    def total_bytes(self) -> int:
        return self._total

    def feed(self, data: bytes) -> None:
        if not data:
            return
        self._total += len(data)
        rest = data
        room = self.head_bytes - len(self._head)
        if room > 0:
            self._head += data[:room]
            rest = data[room:]
        if rest and self.tail_bytes:
            if len(rest) >= self.tail_bytes:
                self._tail = bytearray(rest[-self.tail_bytes :])
            else:
                self._tail += rest
                if len(self._tail) > 2 * self.tail_bytes:  # trim rarely: amortised O(1)
                    del self._tail[: len(self._tail) - self.tail_bytes]
        if self._go_mode is None and len(self._go_probe) < self._go_window:
            self._go_probe += data[: self._go_window - len(self._go_probe)]
        self._scan_lines(data)
        if self._go_mode is None and len(self._go_probe) >= self._go_window:
            self._decide_go()
        if self._needles:
            self._scan_needles(data)

    # -- line prefixes -------------------------------------------------------------------------

    def _scan_lines(self, data: bytes) -> None:
        first_nl = data.find(b"\n")
        if first_nl == -1:
            if len(self._line) < LINE_KEEP:
                self._line += data[: LINE_KEEP - len(self._line)]
            return
        if len(self._line) < LINE_KEEP:
            self._line += data[: min(first_nl, LINE_KEEP - len(self._line))]
        self._end_line(bytes(self._line))
        last_nl = data.rfind(b"\n")
        if last_nl > first_nl:
            # Lines wholly inside this chunk start right after a newline in [first_nl, last_nl).
            i = data.find(b"\n" + FAIL_PREFIX, first_nl, last_nl)
            while i != -1:
                end = data.find(b"\n", i + 1)
                self._add_fail(data[i + 1 : min(end, i + 1 + LINE_KEEP)])
                i = data.find(b"\n" + FAIL_PREFIX, end, last_nl)
            if self._go_mode is not False:
                i = data.find(_GO_LEAD, first_nl, last_nl)
                while i != -1:
                    self._count_go(data[i + 1 : i + 1 + len(GO_PREFIXES[0])])
                    i = data.find(_GO_LEAD, i + 1, last_nl)
        self._line = bytearray(data[last_nl + 1 : last_nl + 1 + LINE_KEEP])

    def _decide_go(self) -> None:
        # Exactly the first go_window bytes decide, so the outcome never depends on chunking.
        probe = bytes(self._go_probe)
        self._go_mode = b"=== RUN" in probe or probe.startswith(b"--- ") or b"\n--- " in probe
        if not self._go_mode:
            self._go_counts = dict.fromkeys(GO_PREFIXES, 0)
        self._go_probe = bytearray()

    def _end_line(self, line: bytes) -> None:
        if line.startswith(FAIL_PREFIX):
            self._add_fail(line)
        elif line.startswith(b"--- ") and self._go_mode is not False:
            self._count_go(line)

    def _add_fail(self, line: bytes) -> None:
        self._fail_count += 1
        if len(self._fail_lines) < MAX_FAIL_LINES:
            self._fail_lines.append(line.decode("utf-8", "replace").rstrip("\r"))

    def _count_go(self, line: bytes) -> None:
        for prefix in GO_PREFIXES:
            if line.startswith(prefix):
                self._go_counts[prefix] += 1
                return

    # -- needles -------------------------------------------------------------------------------

    def _scan_needles(self, data: bytes) -> None:
        lowered: bytes | None = None
        carry = self._needle_carry
        for needle, pattern in self._needles.items():
            if self._found[needle]:
                continue
            if needle.ignore_case:
                if lowered is None:
                    lowered = data.lower()
                hay = lowered
                seam = carry.lower() + lowered[: len(pattern) - 1]
            else:
                hay = data
                seam = carry + data[: len(pattern) - 1]
            if pattern in hay or pattern in seam:
                self._found[needle] = True
        if self._carry_len:
            self._needle_carry = (carry + data[-self._carry_len :])[-self._carry_len :]

    # -- result --------------------------------------------------------------------------------

    def finish(self) -> CapturedOutput:
        if self._line:
            self._end_line(bytes(self._line))
            self._line = bytearray()
        if self._go_mode is None:
            self._decide_go()
        head = bytes(self._head)
        tail = bytes(self._tail[-self.tail_bytes :]) if self.tail_bytes else b""
        omitted = self._total - len(head) - len(tail)
        if omitted == 0:
            head_text, tail_text = (head + tail).decode("utf-8", "replace"), ""
        else:
            cut = _incomplete_utf8_suffix(head)
            skip = _continuation_prefix(tail)
            omitted += cut + skip
            head_text = head[: len(head) - cut].decode("utf-8", "replace")
            tail_text = tail[skip:].decode("utf-8", "replace")
        return CapturedOutput(
            head=head_text,
            tail=tail_text,
            total_bytes=self._total,
            omitted_bytes=omitted,
            fail_lines=list(self._fail_lines),
            fail_line_count=self._fail_count,
            line_counts={p.decode(): n for p, n in self._go_counts.items()},
            found=dict(self._found),
        )


def _incomplete_utf8_suffix(data: bytes) -> int:
    """Bytes at the end of `data` that start a UTF-8 character the cut left unfinished."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 == 0x80:  # continuation byte: keep looking for the lead
            continue
        need = (
            2
            if byte & 0xE0 == 0xC0
            else 3
            if byte & 0xF0 == 0xE0
            else 4
            if byte & 0xF8 == 0xF0
            else 1
        )
        return back if need > back else 0
    return 0


def _continuation_prefix(data: bytes) -> int:
    """Continuation bytes at the start of `data` (the rest of a character cut off before it)."""
    n = 0
    while n < min(3, len(data)) and data[n] & 0xC0 == 0x80:
        n += 1
    return n
