"""Where the braces of a brace-language text are: outside its comments and strings, matched.

With comments and strings blanked out (same length), the structural characters `{ } ( ) ;` left
are exactly the tokens a comment-and-string-aware scan gives. Offsets, depths and matching are
computed by C-level string and iterator calls rather than a Python step per token (a file has
hundreds); the other tokens are searched for only where a declaration's header is read.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Iterator
from itertools import accumulate, chain, count

from planner.checks.lang_specs import Skipped
from planner.checks.twins import EnginePattern

_CONTINUES = frozenset("=,(:|&+-.?[<")  # a header line ending in one of these goes on
_STRUCTURAL = re.compile(r"[{}();]")
_DELTA = {"{": 1, "}": -1}
_CANDIDATE_SHARE = 16  # above one candidate in 16 characters, a regex scan of the whole text


def at_lines(pattern: EnginePattern, text: str, heads: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """What pattern.finditer(text) yields, for a pattern that can match only at the start of a
    line beginning with one of `heads` (and never matches an empty string): it is tried at those
    lines only. A `^` pattern is otherwise tried at every character; str.find finds the lines at
    C speed."""
    starts: set[int] = set()
    for head in heads:
        if text.startswith(head):
            starts.add(0)
        needle = "\n" + head
        at = text.find(needle)
        while at != -1:
            starts.add(at + 1)
            at = text.find(needle, at + 1)
    compiled = pattern.on(text)
    end = 0
    for start in sorted(starts):
        if start >= end and (found := compiled.match(text, start)) is not None:
            end = found.end()  # as finditer, go on after the match
            yield found


class Braces:
    """One text's structure: its braces matched and the brace depth at any offset.

    `masked` is the text with comments and strings blanked out (same length): the structural
    characters `{ } ( ) ;` a plain character search finds in it are exactly the tokens a
    comment-and-string-aware scan gives. Only braces are listed (with C iterators); the other
    tokens are searched for where a declaration's header is read.
    """

    def __init__(self, text: str, skip: Skipped) -> None:
        self.masked = text_masked = blank_out(text, skip)
        self.text_end = len(text)
        opens, closes = _positions(text_masked, "{"), _positions(text_masked, "}")
        self.brace_offsets = offsets = sorted([*opens, *closes])
        deltas = map(_DELTA.__getitem__, map(text_masked.__getitem__, offsets))
        # Depth after each brace; without a `}` below depth 0, a brace-by-brace scan's stack is
        # never empty at a `}`, so depths and matching follow from these sums.
        self.depth_after = depth = [0, *accumulate(deltas)]
        self.match: dict[int, int] | None = None
        if min(depth) < 0:
            self._unbalanced()

    def _unbalanced(self) -> None:
        """The brace-by-brace scan, for a text with a `}` that closes nothing (it is ignored)."""
        match: dict[int, int] = {}
        kept: list[int] = []
        depth_after = [0]
        stack: list[int] = []
        for offset in self.brace_offsets:
            if self.masked[offset] == "{":
                stack.append(offset)
            elif stack:
                match[stack.pop()] = offset
            else:
                continue  # a `}` without its `{`
            kept.append(offset)
            depth_after.append(len(stack))
        self.match, self.brace_offsets, self.depth_after = match, kept, depth_after

    def depth_at(self, offset: int) -> int:
        return self.depth_after[bisect.bisect_left(self.brace_offsets, offset)]

    def close_of(self, open_offset: int) -> int:
        """The offset of the `}` that closes the `{` at open_offset (the text's end when none)."""
        if self.match is not None:
            return self.match.get(open_offset, self.text_end - 1)
        index = bisect.bisect_left(self.brace_offsets, open_offset)
        # The close is the first brace after which the depth is back to what it was before.
        try:
            after = self.depth_after.index(self.depth_after[index], index + 2)
        except ValueError:
            return self.text_end - 1
        return self.brace_offsets[after - 1]


def _positions(text: str, char: str) -> Iterator[int]:
    """The offsets of `char` in `text`, ascending: summed from the pieces between, in C."""
    pieces = text.split(char)
    del pieces[-1]
    return map(operator.add, accumulate(map(len, pieces)), count())


def blank_out(text: str, skip: Skipped) -> str:
    """`text` with its comments and strings (skip.pattern.finditer's matches) blanked out.

    Structural characters cannot begin a comment or a string, so a scan for comments and strings
    alone finds those a scan for both finds. Most code has few: the pattern is tried only where
    one can begin, found by str.split at C speed, instead of being tried at every character.
    """
    candidates = sorted(chain.from_iterable(_positions(text, char) for char in skip.starts))
    if len(candidates) * _CANDIDATE_SHARE > len(text):
        return skip.pattern.sub(_blank, text)  # string-heavy: one C scan is cheaper
    pieces: list[str] = []
    end = 0
    match = skip.pattern.match
    for at in candidates:
        if at >= end and (found := match(text, at)) is not None:
            pieces += (text[end:at], " " * (found.end() - at))
            end = found.end()
    if not pieces:
        return text
    pieces.append(text[end:])
    return "".join(pieces)


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def header_end(text: str, braces: Braces, start: int, limit: int) -> tuple[int, int | None]:
    """(offset where the declaration ends, offset of its body's `{` or None)."""
    masked = braces.masked
    search = _STRUCTURAL.search  # the next token, from where the last one was
    depth = 0
    newline = text.find("\n", start)
    at = start
    while True:
        token = search(masked, at)
        offset = len(text) if token is None else token.start()
        stop = offset if offset < limit else limit
        while depth == 0 and newline != -1 and newline < stop:
            line_start = text.rfind("\n", 0, newline) + 1
            tail = text[line_start:newline].rstrip()
            if tail and tail[-1] not in _CONTINUES and not tail.endswith(("=>", "->")):
                return newline - 1, None
            newline = text.find("\n", newline + 1)
        if token is None or offset >= limit:
            return stop - 1, None
        char = masked[offset]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
            if depth == 0:
                newline = text.find("\n", offset)
        elif depth == 0:
            if char == "{":
                return braces.close_of(offset), offset
            return offset, None  # `;` or the enclosing block's `}`
        at = offset + 1
