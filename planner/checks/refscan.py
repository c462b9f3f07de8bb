"""Answer a file-reference search without compiling its regex, when plain string tests settle it.

A key link without a pattern looks for `keylinks._reference_pattern(target)` in its source: for a
file target the alternation

    A1 ^[ \\t]*(?:from|import|...)\\b[^\\n]*\\bSTEM\\b     (an import line)
    A2 \\bfrom\\s+["'][^"'\\n]*\\bSTEM(?:\\.\\w+)?["']
    A3 (?:require|import)\\s*\\(\\s*["'][^"'\\n]*\\bSTEM(?:\\.\\w+)?["']
    A4 ["'][^"'\\n]*/STEM(?:\\.\\w+)?/?["']
    A5 (?<![\\w.])BASE\\b                                 (files only)

compiled with `re` per target (about 1 ms: more than the search). Only the start of the first
match is used (the evidence line). Every match holds STEM or BASE, so let `o` be their first
occurrence in the searched span and L its line's start:
- no occurrence: nothing can match;
- when A1 matches at L, the first match starts at L: A1, A4 and A5 matches start on the line of
  their own occurrence or later; an A2/A3 match starting before L would need L's line to begin,
  after whitespace, with a quote or `(` (only `\\s` separates `from`/`import` from it), and A1's
  line begins with its keyword.
Otherwise the regex decides (None). Semantics follow `re` over text[:end] searched from `pos`:
`^` and `\\b` see the real text before `pos`, and `end` is the end of the text.
"""

from __future__ import annotations

NO_MATCH = -1

_KEYWORDS = (
    "from",
    "import",
    "export",
    "use",
    "mod",
    "require",
    "include",
    "#include",
    "using",
    "package",
)


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # re's \w for str patterns


def _boundary(text: str, at: int, end: int) -> bool:
    """re's \\b at offset `at` of text[:end]."""
    before = at > 0 and _word(text[at - 1])
    after = at < end and _word(text[at])
    return before != after


def _import_line_has(text: str, start: int, end: int, stem: str) -> bool:
    """A1 matches at line start `start`: `[ \\t]*keyword\\b` then `\\bSTEM\\b` on the line."""
    line_end = text.find("\n", start, end)
    limit = end if line_end == -1 else line_end
    k = start
    while k < limit and text[k] in " \t":
        k += 1
    for keyword in _KEYWORDS:
        after = k + len(keyword)
        if text.startswith(keyword, k, limit) and _boundary(text, after, end):
            at = text.find(stem, after, limit)
            while at != -1:
                if _boundary(text, at, end) and _boundary(text, at + len(stem), end):
                    return True
                at = text.find(stem, at + 1, limit)
            return False  # no two keywords can both match at one offset
    return False


def first_reference(text: str, pos: int, end: int, stem: str, base: str) -> int | None:
    """Start of the first match of the file-reference pattern in text[pos:end]; NO_MATCH when
    there is none; None when only the regex can tell."""
    if not stem or not base or "\n" in stem or "\n" in base:
        return None
    if stem.isspace() or base.isspace():
        return None
    hits = [at for at in (text.find(stem, pos, end), text.find(base, pos, end)) if at != -1]
    if not hits:
        return NO_MATCH
    first = min(hits)
    line_start = text.rfind("\n", 0, first) + 1
    if line_start >= pos and _import_line_has(text, line_start, end, stem):
        return line_start
    return None
