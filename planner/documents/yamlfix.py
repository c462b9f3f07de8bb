"""Line fixes for YAML that PyYAML rejects but whose meaning is plain.

Each fix edits one entry of the frontmatter's lines in place (keeping the number of lines, so
every later line number still points at the file) and returns (line0, col0, code, message, hint)
for the warning; `None` means "not sure what was meant": the caller reports the YAML error.
"""

from __future__ import annotations

import yaml

from planner.documents.lazyre import lazy_re

CODES = {
    "GSD120": "invalid escape in a double-quoted scalar, re-read as the raw text",
    "GSD121": "plain scalar YAML could not read (': ', '@', '`' ...), re-read as a string",
    "GSD122": "quoted scalar followed by more text, re-read as one string",
    "GSD123": "flow list item YAML could not read, items quoted",
    "GSD124": "text after a flow collection dropped",
    "GSD125": "scalar before an indented mapping dropped (`key: true` + nested keys)",
}

Fix = tuple[int, int, str, str, str]


_KEY_RE = lazy_re(
    r"^(\s*)((?:-[ \t]+)?)([A-Za-z_][\w.-]*|\"[^\"\n]*\"|'[^'\n]*')[ \t]*:(?:[ \t]+(.*))?$"
)
_ITEM_RE = lazy_re(r"^(\s*)-[ \t]+(.*)$")
_BOOLISH = frozenset({"true", "false", "yes", "no", "on", "off"})  # compared lower-cased
_VALID_ESCAPES = set('0abtnvfre "/\\N_LP\t xuU')


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" "))


def _blank(s: str) -> bool:
    t = s.strip()
    return not t or t.startswith("#")


def _sq(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def try_fix(lines: list[str], exc: yaml.MarkedYAMLError) -> Fix | None:
    mark = exc.problem_mark
    if mark is None or not 0 <= mark.line < len(lines):
        return None
    if exc.problem and "unknown escape" in exc.problem:
        return _fix_escape(lines, exc)  # None when ambiguous: never guess around an escape
    return _fix_bool_parent(lines, mark.line, mark.column) or _fix_entry(lines, mark.line)


def _closing_quote(s: str, start: int) -> int:
    """Index of the `"` closing a double-quoted scalar opened at `start`, or -1."""
    i = start + 1
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == '"':
            return i
        i += 1
    return -1


def _fix_escape(lines: list[str], exc: yaml.MarkedYAMLError) -> Fix | None:
    ctx = exc.context_mark
    mark = exc.problem_mark
    if ctx is None or mark is None or ctx.line != mark.line:
        return None
    line = lines[ctx.line]
    start = ctx.column
    if start >= len(line) or line[start] != '"':
        return None
    end = _closing_quote(line, start)
    if end < 0 or (line[end + 1 :].strip() and not line[end + 1 :].lstrip().startswith("#")):
        return None
    inner = line[start + 1 : end]
    if "\\\\" in inner or '\\"' in inner:
        return None  # mixes valid and invalid escapes: what was meant is not clear
    bad = next(
        (
            inner[i : i + 2]
            for i in range(len(inner) - 1)
            if inner[i] == "\\" and inner[i + 1] not in _VALID_ESCAPES
        ),
        "\\",
    )
    lines[ctx.line] = line[:start] + _sq(inner) + line[end + 1 :]
    return (
        ctx.line,
        start,
        "GSD120",
        f'invalid escape "{bad}" — use single quotes',
        f"write it as {_sq(inner)} (single quotes keep backslashes as typed)",
    )


def _fix_bool_parent(lines: list[str], line0: int, col: int) -> Fix | None:
    """`re_verification: true` followed by an indented mapping: the mapping is what was meant."""
    m = _KEY_RE().match(lines[line0])
    if not m or m.group(2) or col > len(m.group(1)) + len(m.group(3)) + 1:
        return None
    p = line0 - 1
    while p >= 0 and _blank(lines[p]):
        p -= 1
    if p < 0:
        return None
    pm = _KEY_RE().match(lines[p])
    if (
        not pm
        or (pm.group(4) or "").strip().lower() not in _BOOLISH
        or _indent(lines[p]) >= _indent(lines[line0])
    ):
        return None
    value = (pm.group(4) or "").strip()
    lines[p] = lines[p][: lines[p].rindex(value)].rstrip()
    return (
        p,
        len(pm.group(1)),
        "GSD125",
        f"value `{value}` followed by indented keys; read as the mapping below it",
        "remove the value after the colon when nested keys follow",
    )


def _entry_start(lines: list[str], line0: int) -> int:
    """The line where the entry containing `line0` begins (itself, or the line it continues)."""
    if _KEY_RE().match(lines[line0]) or _ITEM_RE().match(lines[line0]):
        return line0
    ind = _indent(lines[line0])
    p = line0 - 1
    while p >= 0:
        s = lines[p]
        if not _blank(s) and _indent(s) < ind and (_KEY_RE().match(s) or _ITEM_RE().match(s)):
            return p
        if not _blank(s) and _indent(s) < ind:
            return -1
        p -= 1
    return -1


def _fix_entry(lines: list[str], line0: int) -> Fix | None:
    s0 = _entry_start(lines, line0)
    if s0 < 0:
        return None
    line = lines[s0]
    km = _KEY_RE().match(line)
    im = _ITEM_RE().match(line)
    if km and not km.group(2):  # `key: value`
        if km.group(4) is None:
            return None
        prefix, value, cont_indent = line[: km.start(4)], km.group(4), len(km.group(1))
    elif im:  # `- value` or `- key: value`
        key_col = im.start(2)
        nxt = next((lines[j] for j in range(s0 + 1, len(lines)) if not _blank(lines[j])), "")
        # `- key: value` is a mapping item only when sibling keys follow at the key's column
        if km and km.group(4) and _indent(nxt) == key_col and _KEY_RE().match(nxt):
            prefix, value, cont_indent = line[: km.start(4)], km.group(4), key_col
        else:
            prefix, value, cont_indent = line[:key_col], im.group(2), len(im.group(1))
    else:
        return None
    if not value or not value.strip():
        return None
    end = s0
    parts = [value.strip()]
    for j in range(s0 + 1, len(lines)):
        s = lines[j]
        if not s.strip() or _indent(s) <= cont_indent or s.lstrip().startswith("#"):
            break
        parts.append(s.strip())
        end = j
    text = " ".join(parts)
    if text[0] in "|>&*!":
        return None
    new_value, code, message = _requote(text)
    if new_value is None:
        return None
    new_line = prefix + new_value
    if new_line == line and end == s0:
        return None
    lines[s0] = new_line
    for j in range(s0 + 1, end + 1):
        lines[j] = ""
    return s0, len(prefix), code, message, "quote the whole value with single quotes"


def _flow_end(text: str) -> int:
    """Index of the bracket closing the flow collection at text[0], or -1."""
    depth = 0
    quote = ""
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = ""
            continue
        if c in "'\"" and (i == 0 or text[i - 1] in "[{, "):
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(inner: str) -> list[str]:
    items: list[str] = []
    cur: list[str] = []
    depth = 0
    for c in inner:
        if c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth = max(0, depth - 1)
        if c == "," and depth == 0:
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
    items.append("".join(cur).strip())
    if items and items[-1] == "":
        items.pop()
    return items


def _requote(text: str) -> tuple[str | None, str, str]:
    if text[0] in "[{":
        end = _flow_end(text)
        if 0 < end < len(text) - 1:
            trailer = text[end + 1 :].strip()
            if not trailer.startswith("#"):
                return text[: end + 1], "GSD124", f"text after the list dropped: {trailer!r}"
        if text[0] == "[" and text.endswith("]") and not any(q in text for q in "'\""):
            items = _split_top(text[1:-1])
            return (
                "[" + ", ".join(_sq(i) for i in items) + "]",
                "GSD123",
                "list items read as strings",
            )
        return None, "", ""
    if text[0] in "\"'" and len(text) > 1 and text.endswith(text[0]):
        inner = text[1:-1]
        if text[0] == "'":
            inner = inner.replace("''", "'")
        return _sq(inner), "GSD122", f"quoted text contains its own quote; read as {_sq(inner)}"
    if text[0] in "\"'":
        return (
            _sq(text),
            "GSD122",
            "text follows the closing quote; read the whole line as one string",
        )
    return _sq(text), "GSD121", "read as a plain string"
