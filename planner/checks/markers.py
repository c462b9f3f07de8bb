"""Debt and stub markers with line numbers, and the one rule that turns them into STUB.

Markers (one per line, first wins):
- debt: `TODO`, `FIXME`, `TBD`, `XXX` (upper case, whole words; Kotlin's `TODO()` too);
- stub: `NotImplementedError`, `unimplemented!(` / `todo!(`, `throw new Error("not implemented")`,
  and a `return` whose comment calls it a placeholder/stub/dummy (`return None  # placeholder`);
- stub bodies: functions whose whole body is `pass`, `...`, a docstring, `raise NotImplementedError`,
  a placeholder return, or (brace languages) one of the stub statements above. Abstract methods,
  `@overload`, Protocol members and `.pyi` files are exempt.

An artifact is STUB (rather than only reporting its markers as anti-patterns) when:
1. the file is empty or whitespace only; or
2. it has functions and at least half of them have stub bodies; or
3. it is below its `min_lines` and has at least one marker of any kind.
Otherwise markers are listed with the artifact (severity "warning") and do not change its status.
"""

from __future__ import annotations

import re

from planner.checks.decls import FileSymbols
from planner.checks.filecache import SourceFile, clip
from planner.checks.twins import EnginePattern
from planner.records import record
from planner.results import MarkerHit

MAX_HITS = 50  # per file; the count of the rest is reported, not each line

_MARKER = EnginePattern(
    r"\b(?P<debt>TODO|FIXME|TBD|XXX)\b"
    r"|\b(?P<nie>NotImplementedError)\b"
    r"|\b(?P<macro>unimplemented|todo)!\s*\("
    r"|(?P<throw>throw\s+new\s+\w*Error\s*\(\s*[\"'`](?i:[^\"'`\n]*not\s+(?:yet\s+)?implemented))"
    r"|(?P<placeholder>\breturn\b[^\n]*?(?:#|//)(?i:[^\n]*\b(?:placeholder|stub|dummy)\b))",
    unicode_sensitive=True,
)
STUB_MARKERS = frozenset(
    {"NotImplementedError", "unimplemented!", "todo!", "not implemented", "placeholder", "stub"}
)


# Each marker needs these characters. In a big text one-character `in` tests run at memchr
# speed, some 20x faster than a multi-character needle, so a word is searched for only when all
# its characters occur; each character is tested once per text (an absent one costs a full scan,
# so the likely absent ones come first). A short text is searched for the words directly.
_GATED_WORDS = (
    ("X", "XXX"),
    ("TDO", "TODO"),
    ("XFIME", "FIXME"),
    ("TBD", "TBD"),
    ("pNIEmlotedrn", "NotImplementedError"),
    ("!tdo", "todo!"),
    ("!upmlietdn", "unimplemented!"),
    ("wE", "throw"),
)
_GATE_FROM = 64 * 1024  # characters
_COMMENT_WORDS = ("placeholder", "stub", "dummy")


def _comment_has_word(text: str, opener: str) -> bool:
    """Some `opener` (`#` or `/`) is followed on its line by a placeholder word (any case)."""
    if len(text) < _GATE_FROM:
        # casefold maps each character on its own, so a line holding a word makes the whole
        # folded text hold it: a short text without one needs no look at its comments.
        folded = text.casefold()
        if not any(word in folded for word in _COMMENT_WORDS):
            return False
    pos = text.find(opener)
    while pos != -1:
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        rest = text[pos:end].casefold()  # as (?i) folds: "ſtub" matches stub
        if any(word in rest for word in _COMMENT_WORDS):
            return True
        pos = text.find(opener, end)
    return False


def _may_have_markers(text: str) -> bool:
    """A superset test of _MARKER before running it: most files, and huge ones, have no marker."""
    present: dict[str, bool] = {}

    def has(ch: str) -> bool:
        found = present.get(ch)
        if found is None:
            found = present[ch] = ch in text
        return found

    gated = len(text) >= _GATE_FROM
    for gate, word in _GATED_WORDS:
        if (not gated or all(has(ch) for ch in gate)) and word in text:
            if word != "throw":
                return True
            # `throw new XError("not implemented")`
            if "implemented" in text.casefold():
                return True
    # `return x  # placeholder` / `return x; // stub`
    if "return" not in text:
        return False
    return (has("#") and _comment_has_word(text, "#")) or (
        has("/") and _comment_has_word(text, "/")
    )


_STUB_WORDS = {
    "python": ("pass", "...", "notimplementederror", "placeholder", "stub", "dummy", "implemented"),
    "braces": ("todo", "implemented", "fatalerror", "placeholder", "stub", "dummy"),
}
# A line ending in ":" followed by a string line: where a docstring-only body would be. Our own
# linear, ASCII-only pattern: `re` runs it about twice as fast as `regex`, with the same answer.
_DOCSTRING_BODY = re.compile(r":[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*\r?\n)*[ \t]*[rRbBuUfF]{0,2}[\"']")


def could_have_stubs(text: str, language: str | None) -> bool:
    """A cheap superset test: False only when no function body in `text` can be a stub body.

    Lets the artifact check skip parsing a file for the stub rule with the same verdict.
    """
    if language is None:
        return False
    folded = text.lower()
    words = _STUB_WORDS["python" if language == "python" else "braces"]
    if any(word in folded for word in words):
        return True
    return language == "python" and bool(_DOCSTRING_BODY.search(text))


@record
class MarkerScan:
    hits: list[MarkerHit]
    total: int  # hits found, including those past MAX_HITS


def scan_markers(source: SourceFile, symbols: FileSymbols | None = None) -> MarkerScan:
    """Every marker line of one file (at most MAX_HITS listed), plus stub-bodied functions."""
    hits: list[MarkerHit] = []
    total = 0
    last_line = 0
    if not source.binary and _may_have_markers(source.text):
        for match in _MARKER.finditer(source.text):
            line = source.line_of(match.start())
            if line == last_line:
                continue
            last_line = line
            total += 1
            if len(hits) >= MAX_HITS:
                continue
            kind = match.lastgroup
            if kind == "debt":
                marker = match.group("debt")
            elif kind == "nie":
                marker = "NotImplementedError"
            elif kind == "macro":
                marker = match.group("macro") + "!"
            elif kind == "throw":
                marker = "not implemented"
            else:
                marker = "placeholder"
            hits.append(
                MarkerHit(
                    file=source.rel, line=line, marker=marker, text=source.hit(match.start())[1]
                )
            )
    if symbols is not None:
        marked = {h.line for h in hits}
        for sym in symbols.functions:
            if sym.stub and sym.line not in marked:
                total += 1
                if len(hits) < MAX_HITS:
                    hits.append(
                        MarkerHit(
                            file=source.rel,
                            line=sym.line,
                            marker="stub",
                            text=clip(source.line_text(sym.line)),
                        )
                    )
        hits.sort(key=lambda h: h.line)
    return MarkerScan(hits=hits, total=total)


def stub_reason(
    source: SourceFile, symbols: FileSymbols | None, scan: MarkerScan, below_min_lines: bool
) -> str | None:
    """Why the file is a stub under the rule above, or None when it is not."""
    # `not text.strip()` without copying a 5 MB text: isspace stops at the first other character.
    if not source.text or source.text.isspace():
        return "empty file"
    functions = symbols.functions if symbols else []
    stubs = [f for f in functions if f.stub]
    if functions and 2 * len(stubs) >= len(functions):
        names = ", ".join(f.qualname for f in stubs[:5])
        return f"{len(stubs)} of {len(functions)} functions have placeholder bodies ({names})"
    if below_min_lines and scan.total:
        return f"below min_lines and has {scan.total} debt/stub marker(s)"
    return None
