"""Answer brace-language export questions without parsing, when a scan proves the parse's answer.

`parse_braces` costs about 0.5 ms a small JS/TS or Go file: every declaration pattern over the
whole text, then each declaration's header and body. `artifacts.exports` asks one thing of it,
"the line where the file exports `name`" (`parsed.exports.get(name)`), and most often the answer
is the file's first mention of the name. These functions return the parse's answer, or None
("parse to know") whenever the facts below do not settle it. JS/TS and Go only: their
declaration patterns (lang_specs) match within one line and at a line start.

The facts, from how parse_braces builds `exports`:
- Every exported key is made of the text's own characters: a declaration's name group, a
  receiver (Go `Server.Start`), an export list's words, `default` (from `export default`). So a
  name with a dot-free part that occurs nowhere in the text is exported by nothing (0).
- Declarations go in offset order and the first exported one with that key wins (`setdefault`;
  the export lists of _extra_exports come after them). A declaration's name is on its own line,
  after its offset; so no declaration on a line above the name's first occurrence can be named
  `name`. If the first occurrence is the name group of a declaration starting that line, found
  by the first pattern that claims that offset, unqualified (no receiver; at brace depth 0 there
  is no owner) and exported by the language's rule, its line is the answer. Brace depth 0 is
  checked with the parse's own Braces, so comments and strings count exactly as the parse counts
  them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.checks.filecache import SourceFile

NOT_EXPORTED = 0  # surely not exported (lines count from 1)
LANGUAGES = frozenset({"js", "go"})


def names_absent(text: str, qualname: str) -> bool:
    """True when a part of `qualname` occurs nowhere in `text`: no JS/TS or Go declaration of
    the file can be named so (its qualified names join dot-free pieces of the text), and no
    export either."""
    return any(part and part not in text for part in qualname.split("."))


def export_line(source: SourceFile, lang: str, name: str) -> int | None:
    """The line where parse_braces would export `name`, NOT_EXPORTED when it surely would not,
    None when only a parse can tell."""
    if lang not in LANGUAGES or not name or "." in name:
        return None
    text = source.text
    first = text.find(name)
    if first == -1:
        return NOT_EXPORTED
    from planner.checks.bracescan import Braces  # a project without these languages never needs it
    from planner.checks.lang_specs import SPECS

    start = text.rfind("\n", 0, first) + 1
    spec = SPECS[lang]
    for index, pattern in enumerate(spec.decls):
        heads = spec.heads[index] if index < len(spec.heads) else ()
        if heads and not text.startswith(heads, start):
            continue  # at_lines never tries this pattern on this line
        compiled = pattern.on(text)
        found = compiled.match(text, start)
        if found is None or not found.group("name"):
            continue
        # This pattern claims the declaration at `start` (the first one to match there wins).
        if found.start("name") != first or found.group("name") != name:
            return None
        groups = compiled.groupindex
        if found.group("kw") == "(" or ("recv" in groups and found.group("recv")):
            return None  # a call or a method: not the unqualified declaration this needs
        if lang == "go":
            exported = name[:1].isupper()
        else:
            exported = "export" in groups and found.group("export") is not None
        if not exported:
            return None
        if Braces(text, spec.skip).depth_at(start) != 0:
            return None
        return source.line_of(start)
    return None
