"""Two more Python symbol questions answered without parsing: a class member, a module variable.

The same discipline as pyscan (read its docstring first): an answer is given only when it is the
answer of BOTH lang_python readings, `ast` for a valid file and the line scan (`_parse_lines`)
for a broken or huge one; None means "parse to know".

- class_member(`Class.member`): `Class` is a top-level class pyscan proves (top_level_span),
  and inside its span `member` occurs once as the name of a `def`/`async def` logical line at
  the class body's indentation (every other occurrence harmless: an attribute, a call). The ast
  side comes from pyscan's lite tokenizer over the class body (spaces-only indentation); the
  line-scan side is lang_python's indentation rule replayed over the class's lines. They must
  agree field by field, and the stub flag must surely be False on both.
- module_variable(`NAME`): `NAME` occurs once in a way that may declare it, as `NAME = ...` or
  `NAME: T = ...` at column 0 on one physical line that starts a logical line (outside strings
  and brackets). Both readings then record one variable at that line; the ast `end_lineno` is the
  same line since the statement is one physical line. Tuple targets, augmented assignments,
  bare annotations and every other spelling leave the question to the parse.
"""

from __future__ import annotations

import re

from planner.checks.decls import Symbol
from planner.checks.pyscan import (
    _DECORATOR,
    _last_code,
    _Line,
    _logical_lines,
    _past_blanks,
    _strings_end_before,
    _Unsure,
    candidates,
    maybe_stub,
    statement_start_above,
    top_level_span,
)

# lang_python's patterns, in the form they take on ASCII lines (AsciiFirst runs `re` there).
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)", re.ASCII)
_MODULE_VAR = re.compile(r"^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)", re.ASCII)
_MEMBER_HEAD = re.compile(r"(?:async[ \t]+)?def[ \t]+")


def _ascii_code(text: str, start: int, end: int) -> bool:
    """Every character of code between the offsets is ASCII (NFKC cannot fold a name onto ours)."""
    return text[start:end].isascii() or _strings_end_before(text, start, end, ascii_code=True)


# ---------------------------------------------------------------------------------------------
# Class members


def class_member(text: str, qualname: str, rel: str) -> Symbol | None:
    """`lookup("Class.member")`'s only symbol in lang_python's parse of `text`, for a method
    defined once directly in a top-level class's body; None when only a parse can tell."""
    owner_name, _, member = qualname.partition(".")
    found = candidates(text, member)
    if found is None or not any(
        _MEMBER_HEAD.fullmatch(text, _line_code(text, at), at) for at in found
    ):
        return None  # no def line for it anywhere: no need to prove the class
    owner = top_level_span(text, owner_name, rel)
    if owner is None or owner[0].kind != "class":
        return None
    cls, line_start, end_offset, body = owner
    found = [at for at in found if line_start <= at <= end_offset]
    if len(found) != 1 or not _ascii_code(text, line_start, end_offset):
        return None
    try:
        by_ast = _ast_member(text, body, found[0], qualname, rel)
    except _Unsure:
        return None
    if by_ast is None:
        return None
    lines = text[line_start:end_offset].split("\n")
    by_lines = _replayed_member(lines, cls.line, by_ast.line, qualname, rel)
    return by_ast if by_lines == by_ast else None


def _line_code(text: str, at: int) -> int:
    """The first offset of the line holding `at` that is not a space or a tab."""
    return _past_blanks(text, text.rfind("\n", 0, at) + 1)


def _ast_member(text: str, body: list[_Line], at: int, qualname: str, rel: str) -> Symbol | None:
    """What ast gives for the member whose name is at `at`, in the class whose body is these
    logical lines (a valid file): its Symbol with stub False, or None when not sure."""
    indent = text[body[0][0] : body[0][1]]
    if any("\t" in text[start:code] for start, code, _, _ in body):
        return None  # tabs: the tokenizer's and the line scan's widths may differ
    width = len(indent)
    index = next((i for i, line in enumerate(body) if line[1] <= at <= line[2]), -1)
    if index == -1:
        return None
    start, code, newline, comments = body[index]
    head = _MEMBER_HEAD.match(text, code)
    if code - start != width or head is None or head.end() != at:
        return None  # not a def at the body's indentation, or a def spelled over lines
    if text[_last_code(text, code, newline, comments)] != ":":
        return None  # a one-line body (`def f(self): pass`) or not a header
    first = code
    for above in range(index - 1, -1, -1):
        d_start, d_code = body[above][0], body[above][1]
        if d_code - d_start != width or not text.startswith("@", d_code):
            break
        if not _DECORATOR.match(text, d_code):
            return None  # `@(\n f)`: the decorator's line is not its `@` line
        first = d_code
    inner = []
    for line in body[index + 1 :]:
        if line[1] - line[0] <= width:
            break
        inner.append(line)
    if not inner or any(not text[s:c].startswith(indent) for s, c, _, _ in inner):
        return None
    if maybe_stub(text, inner):
        return None
    last = inner[-1]
    number = text.count("\n", 0, code) + 1
    start_line = number - text.count("\n", first, code)
    end_line = number + text.count("\n", code, _last_code(text, last[1], last[2], last[3]))
    member = qualname.partition(".")[2]
    return Symbol(member, qualname, "method", rel, number, end_line, start_line)


def _replayed_member(
    lines: list[str], first: int, number: int, qualname: str, rel: str
) -> Symbol | None:
    """The Symbol lang_python's line scan gives the method whose def is at line `number`, from
    the lines of its class (`lines`, the first at line `first`, the class line itself), None when
    it gives none or maybe a stub. Replays _parse_lines: blocks close at the next statement line
    indented no deeper; `@` lines open a decorator run; blanks, comments, `)]}` lines are skipped."""
    stack = [0]  # the indentation of the open def/class blocks; the class at 0
    decorators: int | None = None
    last_significant = first
    start = end = -1
    member_indent = -1
    for offset, raw in enumerate(lines[1:], start=first + 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped[0] in ")]}":
            last_significant = offset
            continue
        indent = len(raw[: len(raw) - len(raw.lstrip())].expandtabs(8))
        while stack and stack[-1] >= indent:
            stack.pop()
        if start != -1 and end == -1 and indent <= member_indent:
            end = last_significant
        if _DEF.match(raw):
            if offset == number:
                if stack != [0]:
                    return None  # nested in another block: a local or another class's member
                start, member_indent = decorators or offset, indent
            stack.append(indent)
            decorators = None
        elif stripped.startswith("@"):
            decorators = decorators or offset
        else:
            decorators = None
        last_significant = offset
    if start == -1:
        return None
    if end == -1:
        end = last_significant
    if end == number or _stub_by_lines(lines[number - first : end - first + 1]):
        return None
    member = qualname.partition(".")[2]
    return Symbol(member, qualname, "method", rel, number, end, start)


_STUB_STMT = re.compile(r"^(?:pass|\.\.\.|raise[ \t]+NotImplementedError\b.*)$", re.ASCII)


def _stub_by_lines(block: list[str]) -> bool:
    """lang_python.stub_by_lines for a def whose body starts on the line after its header
    (block: its def line through its end line); True also when unsure (non-ASCII)."""
    body = [ln.strip() for ln in block[1:]]
    body = [ln for ln in body if ln and not ln.startswith("#")]
    if body and body[0][:3] in ('"""', "'''") and len(body) > 1:
        body = body[1:]
    if len(body) != 1:
        return False
    return not body[0].isascii() or bool(_STUB_STMT.match(body[0]))


# ---------------------------------------------------------------------------------------------
# Module variables


def module_variable(text: str, name: str, rel: str) -> Symbol | None:
    """`lookup(name)`'s only symbol in lang_python's parse of `text`, for a module variable
    assigned once at column 0 on one physical line; None when only a parse can tell."""
    found = candidates(text, name)
    if found is None or len(found) != 1:
        return None
    line_start = found[0]
    if line_start and text[line_start - 1] != "\n":
        return None  # not at column 0
    line_end = text.find("\n", line_start)
    line_end = len(text) if line_end == -1 else line_end
    line = text[line_start:line_end]
    target = _MODULE_VAR.match(line)
    if not line.isascii() or target is None or target.group(1) != name:
        return None
    if not _statement_line(text, line_start, line_end):
        return None
    if not _ascii_code(text, 0, len(text)):
        return None
    number = text.count("\n", 0, line_start) + 1
    return Symbol(name, name, "variable", rel, number, number, number)


def _statement_line(text: str, line_start: int, line_end: int) -> bool:
    """Whether, in a valid file, a logical line starts at `line_start` (column 0) and ends on
    the same physical line."""
    try:
        for start, _, newline, _ in _logical_lines(text, statement_start_above(text, line_start)):
            if start >= line_start:
                return start == line_start and newline == line_end
    except _Unsure:
        return False
    return False
