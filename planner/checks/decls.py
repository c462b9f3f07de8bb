"""What a source file declares: symbols with spans, exported names, stub functions.

Filled by `lang_python` (ast, or indentation patterns for huge/broken files) and `lang_braces`
(declaration patterns plus brace matching for JS/TS, Go, Rust, Swift, Kotlin, Dart).
"""

from __future__ import annotations

from dataclasses import field
from typing import NamedTuple

import regex

from planner.records import record

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

# A comment that says the line is a stand-in: `return None  # placeholder`, `return []  // stub`.
PLACEHOLDER_COMMENT = regex.compile(
    r"(?:#|//)[^\n]*\b(?:placeholder|stub|dummy|not\s+(?:yet\s+)?implemented)\b", regex.IGNORECASE
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
