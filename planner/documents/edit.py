"""Surgical edits: change frontmatter keys and `gsd`-managed body sections, nothing else.

Every byte the edit does not own stays as it was: other keys, their order, comments and quoting,
the body, the BOM and the line endings. A frontmatter key is edited by locating its block of lines
textually and replacing only that block with a YAML dump of the new value; the result is parsed
again and compared with the original, so an edit that would disturb another key is refused
(GSD608) instead of written. Managed sections are the lines between `<!-- gsd:begin NAME -->` and
`<!-- gsd:end NAME -->` (markers inside code fences are text, not markers).

This module sits on the git-hook path, which it must not slow: it imports nothing at load time
(no typing, hence plain classes rather than NamedTuples; no `re`, whose import with enum and
functools is a third of the hook's time, hence hand-written line matchers), `re` only to add a
missing section under a heading, `yaml` when a frontmatter is parsed or written (managed sections
need no YAML), and `planner.errors` (which pulls in pydantic) only when an error is raised.
"""

from __future__ import annotations

TYPE_CHECKING = False  # no typing at run time (the hook path); mypy reads this as true
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Iterator, Mapping
    from types import ModuleType
    from typing import Any

    from planner.errors import GsdError

CODES = {
    "GSD601": "managed section begins but never ends",
    "GSD602": "managed section ends but never begins",
    "GSD603": "managed section appears more than once",
    "GSD604": "frontmatter is not valid YAML, so it cannot be edited safely",
    "GSD605": "frontmatter is not a mapping",
    "GSD606": "a frontmatter key to edit appears more than once",
    "GSD607": "frontmatter opens with --- but never closes",
    "GSD608": "the edit would change other frontmatter keys; refused",
}

BOM = "\ufeff"
_HEADING = r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$"
_RULE = r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$"
_heading_res: tuple[re.Pattern[str], re.Pattern[str]] | None = None
# A plain key may not start with whitespace or one of these (YAML indicators, quotes).
_NOT_KEY_START = frozenset("#'\"-?:,[]{}&*!|>%@`")


# Line matchers. Each does exactly what the regex in its docstring does on a line's text (which
# never holds a \n); tests/test_edit_matchers.py holds them equal.


def _is_seq_item(t: str) -> bool:
    """`^-(?:[ \\t]|$)`: a block sequence item at column 0."""
    return t[:1] == "-" and t[1:2] in ("", " ", "\t")


def _after_colon_ok(rest: str) -> bool:
    """`[ \\t]*:(?=[ \\t]|$)` at the start of `rest`."""
    rest = rest.lstrip(" \t")
    return rest[:1] == ":" and rest[1:2] in ("", " ", "\t")


def _top_key(t: str) -> str | None:
    """The `key` group of `^(?P<key>[^\\s#'"\\-?:,\\[\\]{}&*!|>%@`][^:#]*?|"[^"]*"|'[^']*')
    [ \\t]*:(?=[ \\t]|$)`: a top-level `key:` line (plain, "double" or 'single' quoted key)."""
    first = t[:1]
    if first in ('"', "'"):
        close = t.find(first, 1)
        return t[: close + 1] if close > 0 and _after_colon_ok(t[close + 1 :]) else None
    if not first or first.isspace() or first in _NOT_KEY_START:
        return None
    stops = [i for i in (t.find(":", 1), t.find("#", 1)) if i > 0]
    colon = min(stops, default=0)
    if not colon or t[colon] != ":" or not _after_colon_ok(t[colon:]):
        return None
    return t[: max(1, len(t[:colon].rstrip(" \t")))]  # the key is lazy: spaces stay outside


def _fence(t: str) -> str | None:
    """Group 1 of `^ {0,3}(`{3,}|~{3,})`: the backticks or tildes opening a code fence."""
    body = t.lstrip(" ")
    char = body[:1]
    if len(t) - len(body) > 3 or char not in ("`", "~"):
        return None
    run = len(body) - len(body.lstrip(char))
    return body[:run] if run >= 3 else None


def _marker(t: str) -> tuple[str, str] | None:
    """Groups 1 and 2 of `^[ \\t]*<!--[ \\t]*gsd:(begin|end)[ \\t]+([\\w.\\-]+)[ \\t]*-->[ \\t]*$`:
    ("begin" or "end", the section's name)."""
    s = t.strip(" \t")
    if not (s.startswith("<!--") and s.endswith("-->")):
        return None
    s = s[4:-3].lstrip(" \t")
    if not s.startswith("gsd:"):
        return None
    s = s[4:]
    kind = "begin" if s.startswith("begin") else "end" if s.startswith("end") else ""
    rest = s[len(kind) :]
    name = rest.strip(" \t")
    if not kind or rest[:1] not in (" ", "\t") or not name:
        return None
    return (kind, name) if all(c.isalnum() or c in "_.-" for c in name) else None


def _heading_and_rule() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled on first use: only adding a section under an existing heading needs them."""
    global _heading_res
    if _heading_res is None:
        import re

        _heading_res = (re.compile(_HEADING), re.compile(_RULE))
    return _heading_res


class _Line:
    __slots__ = ("end", "start", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start  # offset of the first character
        self.end = end  # offset just past the line break (or the end of the text)
        self.text = text  # without the line break and a trailing \r


def _iter_lines(text: str, offset: int = 0) -> Iterator[_Line]:
    # Only \n ends a line: str.splitlines would also split on \x0c, \u2028 and friends.
    pos = offset
    for raw in text[offset:].split("\n"):
        end = pos + len(raw) + 1
        if end > len(text):  # the last line has no line break
            if not raw:
                return
            end = len(text)
        yield _Line(pos, end, raw[:-1] if raw.endswith("\r") else raw)
        pos = end


def _split_lines(text: str, offset: int = 0) -> list[_Line]:
    return list(_iter_lines(text, offset))


def newline_of(text: str) -> str:
    """The file's line ending, from its first line break ("\\n" when it has none)."""
    nl = text.find("\n")
    return "\r\n" if nl > 0 and text[nl - 1] == "\r" else "\n"


def _error(message: str, code: str, line: int | None, hint: str | None = None) -> GsdError:
    from planner.errors import DocumentError  # lazy: keeps pydantic off the hook path

    return DocumentError(message, code=code, line=line, hint=hint)


# ---------------------------------------------------------------------------------------------
# Frontmatter


class _Frontmatter:
    __slots__ = ("close_line", "lines", "open_line")

    def __init__(self, open_line: _Line, close_line: _Line, lines: list[_Line]) -> None:
        self.open_line = open_line  # the opening ---
        self.close_line = close_line  # the closing --- (or ...)
        self.lines = lines  # the lines between them

    @property
    def yaml_text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def _find_frontmatter(text: str, start: int, *, strict: bool = True) -> _Frontmatter | None:
    """The frontmatter block; an opening `---` that never closes is GSD607 when `strict`, else
    a thematic break at the top of the body (how a markdown reader sees it)."""
    if not text.startswith("---", start):
        return None
    lines = _iter_lines(text, start)
    first = next(lines)
    if first.text.rstrip() != "---":
        return None
    inner: list[_Line] = []
    for line in lines:  # stops at the closing line: the body is never split here
        if line.text.rstrip() in ("---", "..."):
            return _Frontmatter(first, line, inner)
        inner.append(line)
    if not strict:
        return None
    raise _error(
        "frontmatter opens with --- but never closes",
        "GSD607",
        1,
        "add a closing --- line after the frontmatter",
    )


def body_offset(text: str) -> int:
    """Offset where the body starts (after the BOM and the frontmatter, if any)."""
    start = 1 if text.startswith(BOM) else 0
    fm = _find_frontmatter(text, start, strict=False)
    return fm.close_line.end if fm else start


def _yaml() -> ModuleType:
    import yaml  # lazy: a commit recorded by the hook's fast path never needs it

    return yaml


def _load(yaml_text: str) -> Any:
    yaml = _yaml()
    return yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _parse_mapping(yaml_text: str, first_line: int) -> dict[Any, Any]:
    try:
        data = _load(yaml_text)
    except _yaml().YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _error(
            f"frontmatter is not valid YAML ({problem}); not editing it",
            "GSD604",
            line,
            "fix the YAML (quote values that contain ': ' or backslashes) and run again",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _error("frontmatter is not a mapping", "GSD605", first_line, "use `key: value` lines")
    return data


def frontmatter_mapping(text: str) -> dict[Any, Any]:
    """The frontmatter as parsed strictly ({} when there is none); GSD604/605/607 when unusable.

    The tolerant reader for documents is `planner.documents.frontmatter`; this one is for
    editors, which must not write into a frontmatter they cannot read exactly.
    """
    start = 1 if text.startswith(BOM) else 0
    fm = _find_frontmatter(text, start)
    if fm is None:
        return {}
    return _parse_mapping(fm.yaml_text, text.count("\n", 0, fm.open_line.end) + 1)


def _key_blocks(fm: _Frontmatter) -> list[tuple[str, int, int]]:
    """(key, first line index, end line index exclusive) for each top-level key, in order.

    A block runs from its key line to the next column-0 node; blank lines and column-0 comments
    at its end belong to whatever follows (they usually describe the next key).
    """
    heads: list[tuple[str | None, int]] = []
    for i, line in enumerate(fm.lines):
        t = line.text
        if not t.strip() or t[0] in " \t#" or _is_seq_item(t):
            continue
        key = _top_key(t)
        heads.append((_unquote_key(key) if key is not None else None, i))
    blocks: list[tuple[str, int, int]] = []
    for n, (key, first) in enumerate(heads):
        end = heads[n + 1][1] if n + 1 < len(heads) else len(fm.lines)
        while end > first + 1 and (
            not fm.lines[end - 1].text.strip() or fm.lines[end - 1].text.startswith("#")
        ):
            end -= 1
        if key is not None:
            blocks.append((key, first, end))
    return blocks


def key_block_span(text: str, key: str) -> tuple[int, int] | None:
    """Offsets of a top-level key's lines in the frontmatter, the span `set_frontmatter_keys`
    replaces; None without frontmatter, or when the key is absent or written twice. No YAML."""
    fm = _find_frontmatter(text, 1 if text.startswith(BOM) else 0, strict=False)
    if fm is None:
        return None
    spans = [
        (fm.lines[first].start, fm.lines[end - 1].end)
        for name, first, end in _key_blocks(fm)
        if name == key
    ]
    return spans[0] if len(spans) == 1 else None


def _unquote_key(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    return raw


def _dumper() -> type:
    global _dumper_class
    if _dumper_class is not None:
        return _dumper_class
    yaml = _yaml()

    class IndentedDumper(yaml.SafeDumper):  # type: ignore[name-defined]
        """Indent list items under their key (`key:` then `  - a`), as real GSD documents do."""

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    _dumper_class = IndentedDumper
    return IndentedDumper


_dumper_class: type | None = None  # made once, on first use (functools.cache: import time)


def _plain(value: Any) -> Any:
    """Tuples as lists (the safe dumper has no representer for them), recursively."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _dump_keys(updates: Mapping[str, Any]) -> dict[str, str]:
    """Each key's block YAML (ending with "\n"), from one dump of them all: the dumper's set-up
    costs more than a small value. A block starts at each non-blank line in column 0 (values,
    list items and continuation lines are indented); a dump that does not split into exactly one
    block per key is redone key by key."""
    if len(updates) < 2:
        return {k: dump_key(k, v) for k, v in updates.items()}
    blocks: list[str] = []
    for line in _dump(dict(updates.items())).split("\n")[:-1]:  # only \n ends a line here too
        if (line.strip() and line[0] not in " \t") or not blocks:
            blocks.append(line + "\n")
        else:
            blocks[-1] += line + "\n"
    if len(blocks) != len(updates):
        return {k: dump_key(k, v) for k, v in updates.items()}
    return dict(zip(updates, blocks, strict=True))


def _dump(mapping: dict[str, Any]) -> str:
    return str(
        _yaml().dump(
            _plain(mapping),
            Dumper=_dumper(),
            default_flow_style=False,
            sort_keys=False,
            allow_unicode=True,
            width=4096,
        )
    )


def dump_key(key: str, value: Any, nl: str = "\n") -> str:
    """One top-level key as block YAML, ending with a line break."""
    out = _dump({key: value})
    return out.replace("\n", nl) if nl != "\n" else out


def set_frontmatter_keys(
    text: str, updates: Mapping[str, Any], *, remove: Iterable[str] = ()
) -> str:
    """Set (or remove) top-level frontmatter keys; every other byte stays as it was.

    A key whose current value already equals the new one is left untouched (no re-quoting); new
    keys go at the end of the frontmatter; a text without frontmatter gets one prepended.
    Raises GsdError (GSD604-GSD608) when the frontmatter cannot be edited safely.
    """
    removals = [k for k in remove if k not in updates]
    start = 1 if text.startswith(BOM) else 0
    nl = newline_of(text)
    fm = _find_frontmatter(text, start)
    if fm is None:
        if not updates:
            return text
        rest = text[start:]
        sep = "" if not rest or rest.startswith(("\n", "\r\n")) else nl
        dumped = "".join(_dump_keys(updates).values())
        dumped = dumped.replace("\n", nl) if nl != "\n" else dumped
        return text[:start] + f"---{nl}{dumped}---{nl}" + sep + rest

    first_line = text.count("\n", 0, fm.open_line.end) + 1  # 1-based line of the first YAML line
    old = _parse_mapping(fm.yaml_text, first_line)
    blocks = _key_blocks(fm)
    by_key: dict[str, tuple[int, int]] = {}
    for key, first, end in blocks:
        if key in updates or key in removals:
            if key in by_key:
                raise _error(
                    f"frontmatter key {key!r} appears more than once; not editing it",
                    "GSD606",
                    first_line + first,
                    "remove the duplicate key",
                )
            by_key[key] = (first, end)

    unlocated = [k for k in (*updates, *removals) if k in old and k not in by_key]
    if unlocated:
        raise _error(
            f"frontmatter key {unlocated[0]!r} is not written as a plain `key:` line; not editing it",
            "GSD608",
            first_line,
            "write the key as `key: value` at the start of a line",
        )
    # Each key dumped once; the dumps read back together are the values the file will hold.
    dumps = _dump_keys(updates)
    wanted = _load("".join(dumps.values())) if dumps else {}
    lines = {k: d.replace("\n", nl) if nl != "\n" else d for k, d in dumps.items()}
    replacements: list[tuple[int, int, str]] = []  # (start offset, end offset, new text)
    for key, (first, end) in by_key.items():
        span = (fm.lines[first].start, fm.lines[end - 1].end)
        if key in removals:
            replacements.append((*span, ""))
        elif key not in old or old[key] != wanted[key]:
            replacements.append((*span, lines[key]))
    missing = [k for k in updates if k not in by_key]
    if missing:
        at = fm.close_line.start
        prefix = "" if at == 0 or text[at - 1] == "\n" else nl
        replacements.append((at, at, prefix + "".join(lines[k] for k in missing)))
    if not replacements:
        return text

    new_text = text
    for begin, end_off, new in sorted(replacements, reverse=True):
        new_text = new_text[:begin] + new + new_text[end_off:]
    _check_edit(new_text, start, old, wanted, removals, first_line)
    return new_text


def _check_edit(
    new_text: str,
    start: int,
    old: dict[Any, Any],
    wanted: dict[str, Any],
    removals: list[str],
    first_line: int,
) -> None:
    # The textual edit must mean exactly the intended change; a key whose block we misread
    # (an odd multi-line scalar at column 0, say) would show up here as a changed neighbour.
    fm = _find_frontmatter(new_text, start)
    try:
        new = _parse_mapping(fm.yaml_text, first_line) if fm else None
    except Exception:  # any failure to re-read means the edit is unsafe
        new = None
    expected = {k: v for k, v in old.items() if k not in removals}
    expected.update(wanted)
    if new != expected or list(new) != list(expected):
        raise _error(
            "editing the frontmatter would change keys it does not own; refused",
            "GSD608",
            first_line,
            "the frontmatter uses a layout gsd cannot edit line by line; simplify it",
        )


# ---------------------------------------------------------------------------------------------
# Managed sections


class _Section:
    __slots__ = ("begin", "end")

    def __init__(self, begin: _Line, end: _Line) -> None:
        self.begin = begin
        self.end = end


def _body_lines(text: str, *, whole: bool = False) -> list[tuple[int, _Line, bool]]:
    """(1-based line number, line, inside a code fence) for each body line (each line: `whole`).

    Markers are looked for in the whole text: whether a leading `---` opens a frontmatter can
    change with the section's own content (a `---` line in it), the markers' place cannot.
    """
    offset = 0 if whole else body_offset(text)
    base = text.count("\n", 0, offset) + 1
    out: list[tuple[int, _Line, bool]] = []
    fence: str | None = None
    for n, line in enumerate(_split_lines(text, offset)):
        run = _fence(line.text)
        if fence is None:
            fence = run
            out.append((base + n, line, fence is not None))
            continue
        out.append((base + n, line, True))
        # A closing fence: the same character, at least as long, nothing else on the line.
        closes = run is not None and run[0] == fence[0] and len(run) >= len(fence)
        if closes and not line.text.strip().strip(fence[0]):
            fence = None
    return out


# The markers of the last text scanned: writing a SUMMARY looks up its ~10 sections in one text
# (a section whose content is unchanged leaves the text as it is), so one scan serves them all.
_last_markers: tuple[str, list[tuple[int, _Line, str, str]]] | None = None


def _markers(text: str) -> list[tuple[int, _Line, str, str]]:
    """(line number, line, "begin" | "end", name) of each marker outside code fences."""
    global _last_markers
    last = _last_markers  # one read: other threads may replace it meanwhile
    if last is not None and (last[0] is text or last[0] == text):
        return last[1]
    found: list[tuple[int, _Line, str, str]] = []
    if "gsd:" in text:  # every marker holds it
        for number, line, fenced in _body_lines(text, whole=True):
            m = None if fenced else _marker(line.text)
            if m:
                found.append((number, line, m[0], m[1]))
    _last_markers = (text, found)
    return found


def _find_section(text: str, name: str) -> _Section | None:
    begins: list[tuple[int, _Line]] = []
    ends: list[tuple[int, _Line]] = []
    for number, line, kind, marked in _markers(text):
        if marked == name:
            (begins if kind == "begin" else ends).append((number, line))
    if not begins and not ends:
        return None
    if len(begins) > 1 or len(ends) > 1:
        number = (begins[1] if len(begins) > 1 else ends[1])[0]
        raise _error(
            f"managed section {name!r} appears more than once",
            "GSD603",
            number,
            f"keep one <!-- gsd:begin {name} --> ... <!-- gsd:end {name} --> pair",
        )
    if not ends:
        raise _error(
            f"managed section {name!r} begins but never ends",
            "GSD601",
            begins[0][0],
            f"add <!-- gsd:end {name} --> after the section",
        )
    if not begins or ends[0][1].start < begins[0][1].start:
        raise _error(
            f"managed section {name!r} ends but never begins",
            "GSD602",
            ends[0][0],
            f"add <!-- gsd:begin {name} --> before the section",
        )
    return _Section(begins[0][1], ends[0][1])


def read_managed_section(text: str, name: str) -> str | None:
    """The content between the markers (line breaks as "\\n"), or None when there is none."""
    section = _find_section(text, name)
    if section is None:
        return None
    return text[section.begin.end : section.end.start].replace("\r\n", "\n")


def replace_managed_section(
    text: str, name: str, content: str, *, heading: str | None = None
) -> str:
    """Put `content` between the NAME markers; everything outside them stays byte-identical.

    When the section is absent it is added: at the end of the body's existing heading named
    `heading` if there is one (so a hand-written `## Commits` gets the managed block inside it),
    otherwise at the end of the body, after a new `## heading` when `heading` is given.
    """
    nl = newline_of(text)
    content = content.replace("\r\n", "\n")
    if content and not content.endswith("\n"):
        content += "\n"
    content = content.replace("\n", nl) if nl != "\n" else content
    section = _find_section(text, name)
    if section is not None:
        if text[section.begin.end : section.end.start] == content:
            return text  # the same object: the next lookup reuses this scan
        return text[: section.begin.end] + content + text[section.end.start :]

    block = f"<!-- gsd:begin {name} -->{nl}{content}<!-- gsd:end {name} -->{nl}"
    at = _end_of_heading_section(text, heading) if heading else None
    if at is not None:
        lead = "" if text[at - 1 : at] == "\n" else nl
        return text[:at] + lead + nl + block + text[at:]
    out = text
    if out and not out.endswith("\n"):
        out += nl
    if out.strip() and not out.endswith(nl + nl):
        out += nl
    if heading:
        out += f"## {heading}{nl}{nl}"
    return out + block


def _end_of_heading_section(text: str, heading: str) -> int | None:
    """Offset just after the last content line of the body section titled `heading`."""
    lines = _body_lines(text)
    wanted = heading.strip().lower()
    heading_re, rule_re = _heading_and_rule()
    for i, (_, line, fenced) in enumerate(lines):
        m = None if fenced else heading_re.match(line.text)
        if not m or m.group(2).strip().lower() != wanted:
            continue
        level = len(m.group(1))
        last = line
        for _, nxt, nxt_fenced in lines[i + 1 :]:
            h = None if nxt_fenced else heading_re.match(nxt.text)
            if h and len(h.group(1)) <= level:
                break
            if nxt.text.strip() and not rule_re.match(nxt.text):
                last = nxt
        return last.end
    return None
