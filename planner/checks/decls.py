"""What a source file declares: symbols with spans, exported names, stub functions.

Filled by `lang_python` (ast, or indentation patterns for huge/broken files) and `lang_braces`
(declaration patterns plus brace matching for JS/TS, Go, Rust, Swift, Kotlin, Dart).
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import TYPE_CHECKING, Any, NamedTuple

from planner.records import record

if TYPE_CHECKING:
    import regex

LANG_BY_EXT: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "js",
    ".jsx": "js",
    ".mjs": "js",
    ".cjs": "js",
    ".ts": "js",
    ".tsx": "js",
    ".mts": "js",
    ".cts": "js",
    ".svelte": "js",
    ".vue": "js",
    ".go": "go",
    ".rs": "rust",
    ".swift": "swift",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".dart": "dart",
}

FUNCTION_KINDS = frozenset({"function", "method"})


class AsciiFirst:
    """A pattern that `regex` defines, run by `re` where the two engines surely agree.

    `\\w \\s \\b` and case folding differ between them on some non-ASCII characters (combining
    marks, `²`, U+001C..U+001F): on ASCII text, `re` with re.ASCII gives `regex`'s answers for every
    character, so it runs there (str.isascii is O(1)); other text goes to `regex`, imported and
    compiled on first need. A verify run over ASCII sources never imports `regex`.
    Flags are the bits `re` and `regex` share (IGNORECASE, MULTILINE, DOTALL).
    """

    __slots__ = ("_unicode", "ascii", "flags", "source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source, self.flags = source, flags
        self.ascii = re.compile(source, flags | re.ASCII)
        self._unicode: regex.Pattern[str] | None = None

    def unicode(self) -> regex.Pattern[str]:
        if self._unicode is None:
            import regex

            self._unicode = regex.compile(self.source, self.flags)
        return self._unicode

    def search(self, text: str, pos: int = 0, timeout: float | None = None) -> Any:
        """A match or None; `timeout` bounds `regex` runs only (`re` runs only linear patterns
        of ours, never a plan's)."""
        if text.isascii():
            return self.ascii.search(text, pos)
        return self.unicode().search(text, pos, timeout=timeout)

    def match(self, text: str) -> Any:
        return self.ascii.match(text) if text.isascii() else self.unicode().match(text)

    def findall(self, text: str) -> list[Any]:
        return self.ascii.findall(text) if text.isascii() else self.unicode().findall(text)


# A comment that says the line is a stand-in: `return None  # placeholder`, `return []  // stub`.
PLACEHOLDER_COMMENT = AsciiFirst(
    r"(?:#|//)[^\n]*\b(?:placeholder|stub|dummy|not\s+(?:yet\s+)?implemented)\b", re.IGNORECASE
)


def language_of(rel: str) -> str | None:
    dot = rel.rfind(".")
    if dot == -1 or "/" in rel[dot:]:
        return None
    return LANG_BY_EXT.get(rel[dot:].lower())


class Symbol(NamedTuple):
    """One declaration. A named tuple: immutable like a frozen dataclass, and built at about
    half the cost (a parse makes one per declaration of every file it reads)."""

    name: str  # last component: "method"
    qualname: str  # "Class.method"; equals name at top level
    kind: str  # function | method | class | variable | attribute | type
    file: str  # project-relative posix path
    line: int  # the declaration line (def/func/class ...)
    end_line: int  # last line of the body (best effort outside Python's ast)
    start_line: int  # first line of the span: decorators / attributes included
    stub: bool = False  # body is only pass / ... / NotImplementedError / a placeholder

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@record
class FileSymbols:
    rel: str
    language: str
    symbols: list[Symbol] = field(default_factory=list)
    exports: dict[str, int] = field(default_factory=dict)  # exported name -> line
    note: str | None = None  # e.g. "syntax error at line 3: declaration patterns used"

    def lookup(self, qualname: str) -> list[Symbol]:
        """Exact qualified name first, else a qualified suffix (`method` finds `Class.method`)."""
        exact = [s for s in self.symbols if s.qualname == qualname]
        if exact:
            return exact
        tail = "." + qualname
        return [s for s in self.symbols if s.qualname.endswith(tail)]

    @property
    def functions(self) -> list[Symbol]:
        return [s for s in self.symbols if s.kind in FUNCTION_KINDS]
