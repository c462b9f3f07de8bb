"""Answer Python symbol questions without parsing, when a scan proves the parse's answer.

lang_python answers with `ast` for a valid file and with its line scan (`_parse_lines`) for a file
with a syntax error or over the ast size cap; which of the two applies is unknown without parsing
(ast costs about 0.5 ms a small file). So every answer given here must be the answer of BOTH:
each function returns None ("parse to know") whenever it is not sure, never a guess.

The base fact, for a line at column 0 reading `def name`, `async def name` or `class name`
followed by a character that cannot continue the name (declares_top_level):
- if the file is valid Python and the line is outside every string literal, it is a module-level
  FunctionDef/ClassDef (`def` cannot occur inside brackets or after a continuation in valid code),
  so the ast gives a top-level symbol `name`;
- otherwise the line scan takes every such line for a top-level block `name`, strings or not.
Built on it:
- export_line: a name that occurs nowhere in the text is exported by neither (ast names come
  from identifiers, which are the text's own characters when the code is ASCII: NFKC folds
  non-ASCII identifiers; `__all__` strings can be spelled with escapes, so it must be absent);
  a def/class line that is the name's first possible occurrence is its export line in both.
- top_level_symbol: the span of a top-level def/class whose name occurs nowhere else. The ast
  side comes from a lite tokenizer (strings, comments, brackets, continuations, logical lines,
  decorators); the line-scan side is lang_python's rule replayed for that one block; they are
  given only when they agree, and the stub flag only when both are surely False.
- pyscan_members extends them to a top-level class's method and a module variable.
The string scan follows Python's tokenizer for a valid file and answers "unsure" on an f-string
from Python 3.12 (its replacement fields may nest the same quotes; before 3.12 an f-string ends
where any string does), an unterminated string, a stray backslash, a lone CR (ast counts it as a
line break, the line scan does not) or a form feed (it resets indentation).
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Iterator

from planner.checks.decls import PLACEHOLDER_COMMENT, Symbol

NOT_EXPORTED = 0  # export_line: surely not exported (lines count from 1)
# Whether an f-string may hold its own quotes (PEP 701): then its end is not a plain string's.
_FSTRINGS_NEST = sys.version_info >= (3, 12)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEAD = re.compile(r"(?:async[ \t]+)?(?:def|class)[ \t]+")
# A column-0 def/class line: in a valid file outside strings, a statement start.
_SAFE = re.compile(r"(?:async[ \t]+)?(def|class)[ \t]")
# Outside strings, the next comment or string opener.
_OPENER = re.compile(r"#[^\n]*|('''|\"\"\"|'|\")")
# The rest of a string after its opening quote, closing quote included; a backslash always takes
# the next character (raw strings too: r"\"" does not end at the escaped quote). Unrolled loops:
# linear, whatever the text.
_REST = {
    "'''": re.compile(r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.DOTALL),
    '"""': re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.DOTALL),
    "'": re.compile(r"[^'\\\n]*(?:\\.[^'\\\n]*)*'", re.DOTALL),
    '"': re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*"', re.DOTALL),
}
_EVENT = re.compile(r"[\n#'\"\\()\[\]{}]")
_BLANKS = re.compile(r"[ \t]*")
# A decorator whose expression starts on its `@` line, not with a parenthesis (the ast line of
# `@(\n f)` is the line of `f`).
_DECORATOR = re.compile(r"@[ \t]*[^ \t\r\n(\\#]")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_WORD_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


class _Unsure(Exception):
    """The scan met something it does not model: parse to know."""


def _past_blanks(text: str, pos: int) -> int:
    """The first offset at or after `pos` that does not hold a space or a tab."""
    found = _BLANKS.match(text, pos)
    return pos if found is None else found.end()


def _line_breaks_agree(text: str) -> bool:
    """No lone CR (ast and the line scan would number lines differently)."""
    return "\r" not in text or text.count("\r") == text.count("\r\n")


def _strings_end_before(text: str, pos: int, stop: int, ascii_code: bool = False) -> bool:
    """Whether `stop` lies outside every string literal, scanning from `pos` (outside any);
    with `ascii_code`, also that every character of code (not string, not comment) in between
    is ASCII. False when unsure."""
    while True:
        found = _OPENER.search(text, pos, stop)
        if ascii_code and not text[pos : stop if found is None else found.start()].isascii():
            return False
        if found is None:
            return True
        quote = found.group(1)
        if quote is None:
            pos = found.end()  # a comment: it ends before the line `stop` starts
            continue
        at = found.start()
        if _FSTRINGS_NEST and _maybe_fstring(text, at):
            return False
        rest = _REST[quote].match(text, found.end())
        if rest is None:
            return False  # unterminated: a syntax error, or a spelling this scan does not know
        pos = rest.end()
        if pos > stop:
            return False  # `stop` is inside this string


def _maybe_fstring(text: str, quote_at: int) -> bool:
    prefix = text[max(quote_at - 2, 0) : quote_at]
    return "f" in prefix or "F" in prefix


def _outside_strings(text: str, stop: int) -> bool:
    """Whether offset `stop` (a line start) lies outside every string literal; False if unsure."""
    return _strings_end_before(text, 0, stop)


def _head_at(text: str, at: int, name: str) -> int:
    """The start of the line when `name` at `at` is the name of a column-0 def/class line that
    a parse takes as the whole name (an ASCII non-name character follows); else -1."""
    end = at + len(name)
    after = text[end : end + 1]
    if after and (after in _WORD_CHARS or not after.isascii()):
        return -1
    line_start = text.rfind("\n", 0, at) + 1
    return line_start if _HEAD.fullmatch(text, line_start, at) else -1


def _occurrences(text: str, name: str) -> Iterator[int]:
    """Offsets where `name` may be a whole token: not inside a longer ASCII name (a digit before
    it still counts, and so does any non-ASCII neighbour: both are unsure)."""
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        before = text[at - 1 : at] if at else ""
        after = text[end : end + 1]
        if not (before and before in _WORD_START) and not (after and after in _WORD_CHARS):
            yield at
        at = text.find(name, end)


def _harmless(text: str, at: int, name: str) -> bool:
    """Whether the occurrence of `name` at `at` surely declares nothing, for ast and the line
    scan alike: an attribute (`x.name`), or a name followed on its line by `(`, `.` or `[` (a
    call, an attribute, a subscript: never a Name target) that no `def`/`class` precedes."""
    if text[at - 1 : at] == ".":
        return True
    after = _past_blanks(text, at + len(name))
    if text[after : after + 1] not in ("(", ".", "["):
        return False
    line_start = text.rfind("\n", 0, at) + 1
    before = text[line_start:at].rstrip(" \t")
    if before:
        return not before.endswith(("def", "class"))
    # At the start of its line: the line above must not continue into it (`def \`).
    return not text[max(line_start - 3, 0) : line_start].rstrip("\r\n").endswith("\\")


def declares_top_level(text: str, name: str) -> bool:
    """True only when `text` surely has a column-0 `def`/`async def`/`class` line for `name`
    outside string literals (see the module docstring: the parse then has a top-level `name`)."""
    if not _NAME.fullmatch(name):
        return False
    at = text.find(name)
    while at != -1:
        line_start = _head_at(text, at, name)
        if line_start != -1 and _outside_strings(text, line_start):
            return True
        at = text.find(name, at + len(name))
    return False


def export_line(text: str, name: str) -> int | None:
    """Where lang_python's parse of `text` says `name` is exported (its `exports`, a member of
    an exported class included): a line, NOT_EXPORTED, or None when only a parse can tell."""
    if not _line_breaks_agree(text):
        return None
    head = name.split(".", 1)[0]
    if head not in text:
        # Nothing can name it: unless `__all__` strings (escapes, concatenation) or non-ASCII
        # identifiers (NFKC) could spell it.
        if "__all__" in text:
            return None
        if text.isascii() or _strings_end_before(text, 0, len(text), ascii_code=True):
            return NOT_EXPORTED
        return None
    if head != name or not _NAME.fullmatch(name):
        return None
    first = next((at for at in _occurrences(text, name) if not _harmless(text, at, name)), -1)
    if first == -1:
        return None
    line_start = _head_at(text, first, name)
    # Before the line: no other spelling of the name (ASCII code), and the line is code.
    if line_start == -1 or not _strings_end_before(
        text, 0, line_start, ascii_code=not text.isascii()
    ):
        return None
    return text.count("\n", 0, line_start) + 1


# ---------------------------------------------------------------------------------------------
# The span of one top-level def/class


_Line = tuple[int, int, int, list[tuple[int, int]]]


def _logical_lines(text: str, pos: int, indented_only: bool = False) -> Iterator[_Line]:
    """Python's logical lines from `pos`, a logical line start outside strings and brackets:
    (line start, first code offset, offset of the NEWLINE or len(text), comment spans).
    Blank and comment-only lines between logical lines are skipped, as the tokenizer does.
    `indented_only`: stop before the first logical line at column 0 (a block's end)."""
    size = len(text)
    while True:
        while True:
            code = _past_blanks(text, pos)
            ch = text[code : code + 1]
            if not ch:
                return
            if ch in "#\r\n":  # a comment-only or blank line (no lone CR: checked by callers)
                newline = text.find("\n", code)
                if newline == -1:
                    return
                pos = newline + 1
                continue
            break
        if indented_only and code == pos:
            return
        if ch == "\\":
            raise _Unsure  # a logical line opened by a continuation: its indentation is odd
        start, depth, at = pos, 0, code
        comments: list[tuple[int, int]] = []
        while True:
            event = _EVENT.search(text, at)
            if event is None:
                if depth:
                    raise _Unsure
                yield start, code, size, comments
                return
            c = event.group()
            at = event.end()
            if c == "\n":
                if depth == 0:
                    yield start, code, event.start(), comments
                    pos = at
                    break
            elif c == "#":
                end = text.find("\n", at)
                end = size if end == -1 else end
                comments.append((event.start(), end))
                at = end
            elif c == "\\":
                if text.startswith("\n", at):
                    at += 1
                elif text.startswith("\r\n", at):
                    at += 2
                else:
                    raise _Unsure  # a backslash outside strings must end its line
            elif c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth < 0:
                    raise _Unsure
            else:
                quote_at = event.start()
                if _FSTRINGS_NEST and _maybe_fstring(text, quote_at):
                    raise _Unsure
                quote = c * 3 if text.startswith(c * 3, quote_at) else c
                rest = _REST[quote].match(text, quote_at + len(quote))
                if rest is None:
                    raise _Unsure
                at = rest.end()


def _last_code(text: str, code: int, newline: int, comments: list[tuple[int, int]]) -> int:
    """Offset of the last code character of a logical line (comments, blanks and continuation
    backslashes are not code)."""
    at = newline - 1
    index = len(comments) - 1
    while at >= code:
        if text[at] in " \t\r\n\\":
            at -= 1
        elif index >= 0 and comments[index][0] <= at < comments[index][1]:
            at = comments[index][0] - 1
            index -= 1
        else:
            break
    return at


def _replayed_block(lines: list[str], number: int) -> tuple[int, int]:
    """(start_line, end_line) that lang_python's line scan gives the column-0 block at line
    `number` (1-based): decorators are the `@` lines above it (blank, comment and closing-bracket
    lines between do not interrupt them); the block ends at the last significant line before the
    next line that starts at column 0 with anything but a comment or a closing bracket."""
    start = number
    for index in range(number - 2, -1, -1):
        stripped = lines[index].strip()
        if not stripped or stripped[0] in "#)]}":
            continue
        if stripped[0] != "@":
            break
        start = index + 1
    end = number
    for index in range(number, len(lines)):
        raw = lines[index]
        stripped = raw.strip()
        if not stripped or stripped[0] == "#":
            continue
        if raw[0].isspace() or stripped[0] in ")]}":
            end = index + 1
            continue
        break
    return start, end


def candidates(text: str, name: str) -> list[int] | None:
    """The offsets where `name` occurs in a way that may declare it (harmless ones left out);
    None when no scan can answer for this name in this text (not an identifier, a keyword, a
    form feed, lone CRs)."""
    if (
        not _NAME.fullmatch(name)
        or keyword.iskeyword(name)
        or "\f" in text
        or not _line_breaks_agree(text)
    ):
        return None
    return [at for at in _occurrences(text, name) if not _harmless(text, at, name)]


def statement_start_above(text: str, line_start: int) -> int:
    """A statement start to tokenize from, for a valid file: the nearest column-0 def/class
    line above `line_start` when it is outside strings, else the top."""
    at = line_start
    while at > 0:
        above = text.rfind("\n", 0, at - 1) + 1
        if text[above : above + 1] in ("d", "c", "a") and _SAFE.match(text, above):
            return above if _outside_strings(text, above) else 0
        at = above
    return 0


def top_level_symbol(text: str, name: str, rel: str) -> Symbol | None:
    """`lookup(name)`'s only symbol in lang_python's parse of `text`, for a top-level def/class
    whose name occurs nowhere outside its own span; None when only a parse can tell."""
    found = top_level_span(text, name, rel)
    return None if found is None else found[0]


def top_level_span(text: str, name: str, rel: str) -> tuple[Symbol, int, int, list[_Line]] | None:
    """top_level_symbol's answer, the offsets of its def/class line and of its span's end, and
    its body's logical lines."""
    found = candidates(text, name)
    if found is None:
        return None
    heads = [start for start in (_head_at(text, at, name) for at in found) if start != -1]
    if len(heads) != 1:
        return None  # no def line, or two: a redefinition
    line_start = heads[0]
    number = text.count("\n", 0, line_start) + 1
    lines = text.split("\n")
    keyword_match = _SAFE.match(lines[number - 1])
    kind = "class" if keyword_match and keyword_match.group(1) == "class" else "function"
    try:
        span = _ast_span(text, statement_start_above(text, line_start), line_start, number)
    except _Unsure:
        return None
    if span is None:
        return None
    start_offset, start, end, end_offset, body = span
    if (start, end) != _replayed_block(lines, number):
        return None
    if kind == "function" and maybe_stub(text, body):
        return None
    if any(at < start_offset or at > end_offset for at in found):
        return None  # the name occurs outside the span: maybe another declaration
    if not text.isascii() and not (
        _strings_end_before(text, 0, start_offset, ascii_code=True)
        and _strings_end_before(text, end_offset, len(text), ascii_code=True)
    ):
        return None  # a non-ASCII identifier elsewhere could fold (NFKC) to the name
    return Symbol(name, name, kind, rel, number, end, start), line_start, end_offset, body


_Opening = tuple[str, int, int]  # a body-level logical line: its first name, code offset, NEWLINE


def _maybe_stub(text: str, body_lines: int, firsts: list[_Opening]) -> bool:
    """False when ast surely finds no stub body (lang_python._is_stub_body): `body_lines`
    body-level logical lines (counted up to 3), the first two opened as `firsts` tell (a name
    of "" is a line that may be a docstring: a string, a parenthesis...)."""
    if body_lines >= 3:
        return False  # after a docstring, two logical lines: no single statement
    if not firsts[0][0]:
        # Maybe a docstring: then the statement after it decides, if there is one.
        return body_lines < 2 or _maybe_stub_statement(text, *firsts[1])
    if body_lines >= 2:
        return False  # several statements, or one compound statement: neither is a stub
    return _maybe_stub_statement(text, *firsts[0])


def _maybe_stub_statement(text: str, word: str, code: int, newline: int) -> bool:
    """Whether the body's only statement (after any docstring) may be a stub one."""
    if word in ("", "pass"):
        return True
    if word == "return":  # a stub only with a placeholder comment on its line
        line_end = text.find("\n", code, newline)
        line = text[text.rfind("\n", 0, code) + 1 : newline if line_end == -1 else line_end]
        return bool(PLACEHOLDER_COMMENT.search(line.rstrip("\r")))
    if word == "raise":  # a stub only when it raises NotImplementedError
        statement = text[code:newline]
        return not statement.isascii() or "NotImplementedError" in statement
    return False  # an assignment, a call, a compound statement...


def _ast_span(
    text: str, safe: int, line_start: int, number: int
) -> tuple[int, int, int, int, list[_Line]] | None:
    """For the def/class at `line_start`, what ast gives a valid file: (span start offset,
    start_line, end_line, offset of the end of end_line, the body's logical lines); None when
    not sure."""
    chain = -1  # the first `@` logical line of the run just above, if any
    plain = True  # every decorator of that run starts its expression on its `@` line
    for header in _logical_lines(text, safe):
        start, code = header[0], header[1]
        if start > line_start:
            return None  # the def line is inside another logical line: not valid code
        if start == line_start:
            break
        if code == start and text.startswith("@", code):
            if chain == -1:
                chain, plain = start, True
            plain = plain and bool(_DECORATOR.match(text, code))
        else:
            chain = -1
    else:
        return None
    if not plain:
        return None
    start_offset = line_start if chain == -1 else chain
    _, code, header_end, comments = header
    if text[_last_code(text, code, header_end, comments)] != ":":
        return None  # a one-line body (`def f(): pass`) or not a header
    body = list(_logical_lines(text, header_end + 1, True))
    if not body:
        return None  # no indented body
    end_at = _last_code(text, *body[-1][1:])
    end_offset = text.find("\n", end_at)
    end_offset = len(text) if end_offset == -1 else end_offset
    start_line = number - text.count("\n", start_offset, line_start)
    end_line = number + text.count("\n", line_start, end_at)
    return start_offset, start_line, end_line, end_offset, body


def maybe_stub(text: str, body: list[_Line]) -> bool:
    """False when ast surely finds no stub in a def whose body is these logical lines: its
    lines at the first one's indentation are counted (up to 3) and the first two opened (a word,
    or "" for a line that may be a string) for _maybe_stub."""
    indent = text[body[0][0] : body[0][1]]
    body_lines = 0
    firsts: list[_Opening] = []
    for start, code, newline, _ in body:
        if text[start:code] != indent:
            continue
        body_lines += 1
        if len(firsts) < 2:
            word = ""
            if text[code] in _WORD_START:
                word_end = code + 1
                while word_end < newline and text[word_end] in _WORD_CHARS:
                    word_end += 1
                if text[word_end : word_end + 1] not in ("'", '"'):  # not a string prefix
                    word = text[code:word_end]
            firsts.append((word, code, newline))
        if body_lines >= 3:
            break
    return _maybe_stub(text, body_lines, firsts)
