"""Split a verify block into commands, expectations and notes (DESIGN section 3).

A command is a shell line whose first word is a known tool or builtin, a script path (`./x`,
`bin/x`) or a `VAR=value` prefix; it goes on over further lines while a quote, a here-document or
an if/for/while block is open, or a line ends with `\\`, `|`, `&&` or `||`. `Expected:` and
`Check:` lines are expectations of the command before them; `cmd ... exits 0` is the command
`cmd ...` with the expectation "exits 0". Everything else is a note: prose is never run.
The decision uses a fixed list of tools and shape rules, never this machine's PATH.
"""

from __future__ import annotations

import re
from os.path import commonprefix

from planner.documents.lazyre import lazy_re
from planner.documents.models import Expectation, ExpectationKind, VerifyBlock, VerifyCommand
from planner.documents.shellwords import ShellState, command_start, scan_shell

_AUTOMATED_RE = lazy_re(r"<(/?)automated>")
_FENCE_RE = lazy_re(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n`]*$")
_EXPECT_RE = re.compile(
    r"^(?:[-*][ \t]+)?(?:\*\*)?(expected|expect|check)(?:[ \t]+(?:output|result|results))?"
    r"[ \t]*(?:\*\*)?[ \t]*:[ \t]*(?:\*\*)?[ \t]*(.*)$",
    re.I,
)
_INDENT_RE = lazy_re(r"\n([ \t]*)(?=[^\s])")
# Possessive quantifiers (`++`): a line's indent is read once, never backtracked char by char.
_BLANK_WS_RE = lazy_re(r"\n[ \t]++(?=\n)")
_FIRST_INDENT_RE = re.compile(r"\n( *+)(?=[^\s])")
_SHALLOWER: dict[int, re.Pattern[str]] = {}  # width -> a line indented less than width
_MAX_MARGIN = 32  # wider margins take the general path (no pattern kept per width)
_EXIT_TAIL_RE = lazy_re(r"^(.*?\S)\s+(exits?\s+(?:with\s+)?(?:code\s+|status\s+)?0\b.*)$")
_SHELL_LANGS = {"bash", "sh", "shell", "zsh", "console", "shell-session", "terminal", "fish"}
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|apos|#39|#x27|#\d+|#x[0-9a-fA-F]+);")

# Line contexts
_TEXT, _SHELL, _OTHER, _AUTO = "text", "shell", "other", "automated"


def dedent(text: str) -> str:
    """textwrap.dedent without its per-line regexes (this is a hot path); same result."""
    # A one-character `in` is a memchr; two-character ones are slower full scans: tabs are rare,
    # so the tab patterns are only looked for when there is a tab at all.
    tab = "\t" in text
    if "\n " not in text and not (tab and "\n\t" in text) and text[:1] not in (" ", "\t"):
        blank_ws = " \n" in text or (tab and "\t\n" in text)
        return _strip_blank_ws(text) if blank_ws else text
    padded = f"\n{text}\n"  # one copy (a + b + c makes two)
    width = _space_margin(padded) if not tab else None
    if width is not None:
        margin = " " * width
    elif tab:
        indents = _INDENT_RE().findall(padded)
        margin = commonprefix(indents)  # noqa: RUF071 - the common whitespace prefix is meant
    else:  # spaces, but a margin wider than _MAX_MARGIN
        indents = _INDENT_RE().findall(padded)
        margin = " " * min(map(len, indents)) if indents else ""
    if margin:
        padded = padded.replace("\n" + margin, "\n")
    if " \n" in text or (tab and "\t\n" in text):
        padded = _BLANK_WS_RE().sub("\n", padded)
    else:
        # No line but the last can be whitespace only (its newline is the padding): the usual
        # case, the indent before an element's closing tag. Empty it without a regex pass.
        cut = padded.rfind("\n", 0, len(padded) - 1) + 1
        if cut < len(padded) - 1 and not padded[cut:-1].strip(" \t"):
            padded = padded[:cut] + "\n"
    return padded[1:-1]


def _space_margin(padded: str) -> int | None:
    """The smallest indent of the non-blank lines of `padded` (spaces only), without listing them:
    the first line's indent, lowered while a line indented less is found further on. None when
    that indent is too wide to keep a compiled pattern for."""
    m = _FIRST_INDENT_RE.search(padded)
    if m is None:
        return 0
    width, pos = len(m.group(1)), m.end()
    if width > _MAX_MARGIN:
        return None
    while width:
        shallower = _SHALLOWER.get(width)
        if shallower is None:
            shallower = _SHALLOWER[width] = re.compile(rf"\n {{0,{width - 1}}}+(?=[^\s])")
        m = shallower.search(padded, pos)
        if m is None:
            break
        width, pos = m.end() - m.start() - 1, m.end()
    return width


def _strip_blank_ws(text: str) -> str:
    return _BLANK_WS_RE().sub("\n", "\n" + text + "\n")[1:-1]


def unescape(text: str) -> str:
    """Undo HTML escaping (`&lt;`, `&amp;` ...) without touching other `&` text."""
    if "&" not in text:
        return text
    named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'", "#39": "'", "#x27": "'"}

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in named:
            return named[name]
        try:
            code = int(name[2:], 16) if name[1:2] in "xX" else int(name[1:])
            return chr(code)
        except (ValueError, OverflowError):
            return m.group(0)

    return _ENTITY_RE.sub(one, text)


def _regions(text: str, first: int) -> list[tuple[str, int, str]]:
    """(line, lineno, ctx) for each line; <automated> content and fences get their context."""
    if "<automated>" not in text:
        return _text_lines(text, first)
    out: list[tuple[str, int, str]] = []
    pos, line, inside = 0, first, False
    segments: list[tuple[str, int, bool]] = []
    for m in _AUTOMATED_RE().finditer(text):
        seg = text[pos : m.start()]
        segments.append((seg, line, inside))
        line += seg.count("\n")
        inside = m.group(1) == ""
        pos = m.end()
    segments.append((text[pos:], line, inside))
    for seg, start, auto in segments:
        if auto:
            seg_lines = seg.split("\n")
            # the first line follows the tag on its line; dedent the rest on their own
            rest = dedent("\n".join(seg_lines[1:])).split("\n") if len(seg_lines) > 1 else []
            for i, ln in enumerate([seg_lines[0], *rest]):
                out.append((ln, start + i, _AUTO))
            continue
        out.extend(_text_lines(seg, start))
    return out


def _text_lines(seg: str, start: int) -> list[tuple[str, int, str]]:
    out: list[tuple[str, int, str]] = []
    lines = dedent(seg).split("\n")
    fence: tuple[str, int, str] | None = None  # (marker, indent, ctx)
    for i, ln in enumerate(lines):
        m = _FENCE_RE().match(ln) if ("```" in ln or "~~~" in ln) else None
        if fence is None and m:
            lang = m.group(2).lower()
            ctx = _SHELL if lang in _SHELL_LANGS else (_TEXT if not lang else _OTHER)
            fence = (m.group(1), len(ln) - len(ln.lstrip()), ctx)
            out.append(("", start + i, _TEXT))
            continue
        if fence is not None:
            if (
                m
                and m.group(1)[0] == fence[0][0]
                and len(m.group(1)) >= len(fence[0])
                and not m.group(2)
            ):
                fence = None
                out.append(("", start + i, _TEXT))
                continue
            strip = min(fence[1], len(ln) - len(ln.lstrip(" ")))
            out.append((ln[strip:], start + i, fence[2] if fence[2] != _TEXT else "plainfence"))
            continue
        out.append((ln, start + i, _TEXT))
    return out


def split_verify(text: str, first_line: int | None = None) -> VerifyBlock:
    """Split verify text (which may hold `<automated>` tags and ``` fences) into its parts."""
    block = VerifyBlock(raw=text, line=first_line)
    items = _regions(unescape(text), first_line if first_line is not None else 1)
    has_prompt = any(ln.lstrip().startswith("$ ") for ln, _, ctx in items if ctx == _SHELL)
    last: VerifyCommand | None = None
    other: list[str] = []
    i, n = 0, len(items)
    while i < n:
        line, lineno, ctx = items[i]
        s = line.strip()
        if ctx == _OTHER:  # code in another language: one note per fence
            if s:
                other.append(line)
            if i + 1 == n or items[i + 1][2] != _OTHER:
                if other:
                    block.notes.append(dedent("\n".join(other)).strip())
                other = []
            i += 1
            continue
        if not s:
            i += 1
            continue
        m = _EXPECT_RE.match(s) if s[0] in "EeCc-*" else None
        if m and ctx != _AUTO:
            kind = (
                ExpectationKind.CHECK if m.group(1).lower() == "check" else ExpectationKind.EXPECTED
            )
            exp_text, i = _expectation_text(items, i, m.group(2).strip())
            exp = Expectation(text=exp_text, kind=kind, line=_num(lineno, first_line))
            (last.expectations if last else block.orphan_expectations).append(exp)
            continue
        mode = "shell" if ctx in (_SHELL, _AUTO) else "text"
        if ctx == _SHELL and has_prompt:
            if not s.startswith("$ "):
                block.notes.append(s)
                i += 1
                continue
            mode = "text"
        body = s[2:].lstrip() if s.startswith("$ ") else s
        state = command_start(body, mode)
        if state is not None:
            cmd_lines, i = _gather(items, i, body, state)
            last = VerifyCommand(text="\n".join(cmd_lines), line=_num(lineno, first_line))
            block.commands.append(last)
            continue
        m = _EXIT_TAIL_RE().match(body) if "exit" in body else None
        if m and command_start(m.group(1), mode) is not None and '"' not in m.group(2):
            # `swift test --filter X exits 0`: the command, and what its exit should be
            exp = Expectation(text=m.group(2), line=_num(lineno, first_line))
            last = VerifyCommand(text=m.group(1), line=exp.line, expectations=[exp])
            block.commands.append(last)
            i += 1
            continue
        block.notes.append(s)
        i += 1
    return block


def _num(lineno: int, first_line: int | None) -> int | None:
    return lineno if first_line is not None else None


def _expectation_text(items: list[tuple[str, int, str]], i: int, text: str) -> tuple[str, int]:
    """An empty `Expected:` takes the lines under it, up to a blank line."""
    if text:
        return text, i + 1
    parts: list[str] = []
    j = i + 1
    while j < len(items) and items[j][0].strip() and not _EXPECT_RE.match(items[j][0].strip()):
        parts.append(items[j][0].strip())
        j += 1
    return "\n".join(parts), j


def _gather(
    items: list[tuple[str, int, str]], i: int, first: str, state: ShellState
) -> tuple[list[str], int]:
    """Lines of the command starting at items[i]; an unterminated quote keeps only line one."""
    ctx = items[i][2]
    lines = [first.rstrip()]
    j = i + 1
    while state.continues and j < len(items) and items[j][2] == ctx:
        ln = items[j][0].rstrip()
        state = scan_shell(ln, state)
        lines.append(ln)
        j += 1
    if state.open_quote or state.depth > 0:
        return [first.rstrip()], i + 1  # never closes: do not swallow what follows
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return lines, j
