"""Declarations in brace languages (JS/TS, Go, Rust, Swift, Kotlin, Dart) by patterns.

Best effort, deterministic: declaration patterns find names; one tokenizer pass (strings and
comments skipped) matches braces, which gives each declaration's end line and tells top-level and
member declarations (brace depth 0, or one deeper than their class/impl) from locals.
"""

from __future__ import annotations

import bisect
import re

import regex

from planner.checks.decls import PLACEHOLDER_COMMENT, FileSymbols, Symbol
from planner.checks.filecache import SourceFile
from planner.checks.lang_specs import ID, ID_RE, SPECS, M, Spec
from planner.records import record


def _words(text: str) -> list[str]:
    return text.split()


_KEYWORDS = frozenset(
    _words(
        "if for while switch catch return function new typeof await else do try with super this "
        "constructor delete void yield throw case"
    )
)
_KIND = {
    "function": "function", "function*": "function", "func": "function", "fn": "function",
    "fun": "function", "(": "function", "class": "class", "struct": "class", "interface": "type",
    "trait": "type", "protocol": "type", "enum": "type", "type": "type", "typealias": "type",
    "typedef": "type", "union": "type", "actor": "class", "object": "class", "mixin": "class",
    "namespace": "type", "module": "type", "mod": "type", "macro_rules!": "function",
}  # fmt: skip
_SYMBOL_LESS = frozenset(
    {"impl", "extension", "companion object"}
)  # containers that declare no name of their own
_CONTINUES = frozenset("=,(:|&+-.?[<")

_STUB_BODY = regex.compile(
    r"(?:throw\s+new\s+\w*Error\s*\(\s*(?:[\"'`][^\"'`]*(?:not\s+(?:yet\s+)?implemented|todo|stub)"
    r"[^\"'`]*[\"'`])?\s*\)|unimplemented!\s*\([^)]*\)|todo!\s*\([^)]*\)"
    r"|panic\(\s*\"[^\"]*(?:not\s+(?:yet\s+)?implemented|todo|unimplemented)[^\"]*\"\s*\)"
    r"|TODO\(\s*(?:\"[^\"]*\")?\s*\)|fatalError\(\s*(?:\"[^\"]*\")?\s*\)"
    r"|throw\s+UnimplementedError\([^)]*\))\s*;?",
    regex.IGNORECASE,
)
# How a stub body (_STUB_BODY, any case) or a placeholder return (_RETURN_ONLY) begins.
_STUB_HEADS = ("throw", "unimplemented", "todo", "panic", "fatalerror", "return")
_STUB_HEAD_LEN = max(len(head) for head in _STUB_HEADS)
_COMMENTS = regex.compile(r"//[^\n]*|/\*[\s\S]*?\*/")
_RETURN_ONLY = regex.compile(r"return\b[^;\n]*;?")

_JS_EXPORT_LIST = regex.compile(r"^export[ \t]+(?:type[ \t]+)?\{([^}]*)\}", M)
_JS_EXPORT_DEFAULT = regex.compile(
    rf"^export[ \t]+default[ \t]+(?:(?:async[ \t]+)?function\*?[ \t]*|class[ \t]+)?(?P<name>{ID})?",
    M,
)
_JS_EXPORT_STAR = regex.compile(rf"^export[ \t]+\*[ \t]+as[ \t]+(?P<name>{ID})", M)
_JS_CJS = regex.compile(
    rf"^(?:module\.)?exports\.(?P<name>{ID})[ \t]*=|^module\.exports[ \t]*=[ \t]*\{{(?P<list>[^}}]*)\}}",
    M,
)
_GO_GROUP = regex.compile(r"^(?P<kw>var|const|type)[ \t]*\((?P<body>[\s\S]*?)^\)", M)
_GO_ENTRY = regex.compile(r"^[ \t]+([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)", M)
_RUST_PUB_USE = regex.compile(r"^[ \t]*pub(?:\([^)\n]*\))?[ \t]+use[ \t]+([^;]+);", M)


class _Braces:
    """Token offsets of one text: matching braces and brace depth at any offset."""

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        offsets: list[int] = []
        chars: list[str] = []
        for match in pattern.finditer(text):
            char = match.group(1)
            if char:
                offsets.append(match.start())
                chars.append(char)
        self.offsets, self.chars = offsets, chars
        self.match: dict[int, int] = {}
        self.brace_offsets: list[int] = []
        self.depth_after: list[int] = [0]
        stack: list[int] = []
        for offset, char in zip(offsets, chars, strict=True):
            if char == "{":
                stack.append(offset)
            elif char == "}":
                if not stack:
                    continue
                self.match[stack.pop()] = offset
            else:
                continue
            self.brace_offsets.append(offset)
            self.depth_after.append(len(stack))
        self.text_end = len(text)

    def depth_at(self, offset: int) -> int:
        return self.depth_after[bisect.bisect_left(self.brace_offsets, offset)]

    def close_of(self, open_offset: int) -> int:
        return self.match.get(open_offset, self.text_end - 1)


@record
class _Raw:
    offset: int
    name_end: int
    name: str
    kw: str
    exported: bool
    recv: str | None


def _group(match: regex.Match[str], name: str) -> str | None:
    return match.group(name) if name in match.re.groupindex else None


def _exported(spec: Spec, match: regex.Match[str], name: str) -> bool:
    if spec.export_rule == "capital":
        return name[:1].isupper()
    if spec.export_rule == "underscore":
        return not name.startswith("_")
    if spec.export_rule == "mods":
        mods = set((_group(match, "mods") or "").split())
        return not (mods & spec.private_mods)
    return _group(match, "export") is not None


def _header_end(text: str, braces: _Braces, start: int, limit: int) -> tuple[int, int | None]:
    """(offset where the declaration ends, offset of its body's `{` or None)."""
    offsets, chars = braces.offsets, braces.chars
    j = bisect.bisect_left(offsets, start)
    depth = 0
    newline = text.find("\n", start)
    while True:
        offset = offsets[j] if j < len(offsets) else len(text)
        while depth == 0 and newline != -1 and newline < min(offset, limit):
            line_start = text.rfind("\n", 0, newline) + 1
            tail = text[line_start:newline].rstrip()
            if tail and tail[-1] not in _CONTINUES and not tail.endswith(("=>", "->")):
                return newline - 1, None
            newline = text.find("\n", newline + 1)
        if j >= len(offsets) or offset >= limit:
            return min(offset, limit) - 1, None
        char = chars[j]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
            if depth == 0:
                newline = text.find("\n", offset)
        elif depth == 0:
            if char == "{":
                return braces.close_of(offset), offset
            return offset, None  # `;` or the enclosing block's `}`
        j += 1


def _is_stub(text: str, open_offset: int | None, close: int, header: str) -> bool:
    if open_offset is None:
        return "TODO(" in header  # Kotlin expression body: fun f() = TODO()
    raw = text[open_offset + 1 : close]
    if len(raw) > 2000:
        return False
    code = (_COMMENTS.sub("", raw) if "/" in raw else raw).strip()  # comments start with /
    if not code[:_STUB_HEAD_LEN].casefold().startswith(_STUB_HEADS):
        return False  # neither pattern below can match: a body that does real work
    if _STUB_BODY.fullmatch(code):
        return True
    return bool(_RETURN_ONLY.fullmatch(code)) and bool(PLACEHOLDER_COMMENT.search(raw))


def parse_braces(source: SourceFile, lang: str) -> FileSymbols:
    spec = SPECS[lang]
    text = source.text
    found = FileSymbols(rel=source.rel, language=lang)
    raws: dict[int, _Raw] = {}
    for pattern in spec.decls:
        for match in pattern.finditer(text):
            name = match.group("name")
            kw = " ".join(match.group("kw").split())
            if kw == "companion object":
                name = "Companion"
            if not name or (kw == "(" and name in _KEYWORDS):
                continue
            raw = _Raw(
                offset=match.start("name") if kw == "(" else match.start(),
                name_end=match.end("name") if kw != "(" else match.end("kw") - 1,
                name=name,
                kw=kw,
                exported=_exported(spec, match, name),
                recv=_group(match, "recv"),
            )
            raws.setdefault(raw.offset, raw)
    if not raws:
        _extra_exports(found, source, lang)
        return found
    braces = _Braces(text, spec.tokens)
    ordered = [raws[k] for k in sorted(raws)]
    # Ends first: containers must be known before members are qualified.
    ends: list[tuple[int, int | None]] = []
    for index, raw in enumerate(ordered):
        limit = ordered[index + 1].offset if index + 1 < len(ordered) else len(text)
        if raw.kw in spec.containers or raw.kw in ("function", "func", "fn", "fun", "(", "class"):
            limit = len(text)  # a body may hold nested declarations: scan to its `{`
        ends.append(_header_end(text, braces, raw.name_end, limit))
    stack: list[tuple[int, int, str, int]] = []  # open containers: open, close, qualname, depth
    for raw, (end, body) in zip(ordered, ends, strict=True):
        while stack and stack[-1][1] < raw.offset:
            stack.pop()
        depth = braces.depth_at(raw.offset)
        top = stack[-1] if stack else None
        owner = top[2] if top and top[0] < raw.offset and top[3] == depth else None
        if raw.kw in spec.containers and body is not None:
            qual = f"{owner}.{raw.name}" if owner else raw.name
            if raw.kw == "companion object":
                qual = owner or raw.name
            stack.append((body, end, qual, braces.depth_at(body) + 1))
        if owner is None and depth != 0:
            continue  # a local declaration
        if raw.kw == "(" and owner is None and lang == "js":
            continue  # a call at the top level, not a member
        if raw.kw in _SYMBOL_LESS:
            continue
        prefix = f"{raw.recv}." if raw.recv else (f"{owner}." if owner else "")
        kind = _KIND.get(raw.kw, "variable")
        header = text[raw.name_end : (body if body is not None else end + 1)]
        if kind == "variable" and ("=>" in header or "function" in header):
            kind = "function"
        if kind == "function" and prefix:
            kind = "method"
        line = source.line_of(raw.offset)
        symbol = Symbol(
            name=raw.name.lstrip("#"),
            qualname=prefix + raw.name.lstrip("#"),
            kind=kind,
            file=source.rel,
            line=line,
            end_line=max(source.line_of(max(end, raw.offset)), line),
            start_line=line,
            stub=kind in ("function", "method") and _is_stub(text, body, end, header),
        )
        found.symbols.append(symbol)
        if raw.exported and (depth == 0 or lang != "js"):
            found.exports.setdefault(symbol.qualname, line)
    _extra_exports(found, source, lang)
    return found


def _extra_exports(found: FileSymbols, source: SourceFile, lang: str) -> None:
    """Exports not written as `export <declaration>`: lists, defaults, CommonJS, groups, re-exports."""
    text = source.text
    add = found.exports.setdefault
    if lang == "js":
        for match in _JS_EXPORT_LIST.finditer(text):
            line = source.line_of(match.start())
            for entry in match.group(1).split(","):
                for word in entry.replace(" as ", " ").split():
                    if word not in ("type", "as") and ID_RE.fullmatch(word):
                        add(word, line)
        for match in _JS_EXPORT_DEFAULT.finditer(text):
            line = source.line_of(match.start())
            add("default", line)
            if match.group("name"):
                add(match.group("name"), line)
        for match in _JS_EXPORT_STAR.finditer(text):
            add(match.group("name"), source.line_of(match.start()))
        for match in _JS_CJS.finditer(text):
            line = source.line_of(match.start())
            if match.group("name"):
                add(match.group("name"), line)
            for entry in (match.group("list") or "").split(","):
                key = entry.split(":")[0].strip()
                if key and ID_RE.fullmatch(key):
                    add(key, line)
    elif lang == "go":
        for match in _GO_GROUP.finditer(text):
            base = source.line_of(match.start("body"))
            for entry in _GO_ENTRY.finditer(match.group("body")):
                line = base + match.group("body").count("\n", 0, entry.start())
                for name in entry.group(1).replace(" ", "").split(","):
                    if name[:1].isupper():
                        add(name, line)
                    found.symbols.append(
                        Symbol(name, name, "variable", source.rel, line, line, line)
                    )
    elif lang == "rust":
        for match in _RUST_PUB_USE.finditer(text):
            line = source.line_of(match.start())
            tail = match.group(1).rsplit("::", 1)[-1].strip("{} \n")
            for entry in tail.split(","):
                words = entry.split()
                if words:
                    add(words[-1], line)  # `A as B` exports B
