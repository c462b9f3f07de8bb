"""Declarations in brace languages (JS/TS, Go, Rust, Swift, Kotlin, Dart) by patterns.

Best effort, deterministic: declaration patterns find names; the braces outside strings and
comments (planner.checks.bracescan) give each declaration's end line and tell top-level and
member declarations (brace depth 0, or one deeper than their class/impl) from locals.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping

from planner.checks.bracescan import Braces, at_lines, header_end
from planner.checks.decls import PLACEHOLDER_COMMENT, FileSymbols, Symbol
from planner.checks.filecache import SourceFile
from planner.checks.lang_specs import ID, ID_RE, SPECS, M, Spec
from planner.checks.twins import EnginePattern


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

_STUB_BODY = EnginePattern(
    r"(?:throw\s+new\s+\w*Error\s*\(\s*(?:[\"'`][^\"'`]*(?:not\s+(?:yet\s+)?implemented|todo|stub)"
    r"[^\"'`]*[\"'`])?\s*\)|unimplemented!\s*\([^)]*\)|todo!\s*\([^)]*\)"
    r"|panic\(\s*\"[^\"]*(?:not\s+(?:yet\s+)?implemented|todo|unimplemented)[^\"]*\"\s*\)"
    r"|TODO\(\s*(?:\"[^\"]*\")?\s*\)|fatalError\(\s*(?:\"[^\"]*\")?\s*\)"
    r"|throw\s+UnimplementedError\([^)]*\))\s*;?",
    re.IGNORECASE,
    unicode_sensitive=True,
)
# How a stub body (_STUB_BODY, any case) or a placeholder return (_RETURN_ONLY) begins.
_STUB_HEADS = ("throw", "unimplemented", "todo", "panic", "fatalerror", "return")
_STUB_HEAD_LEN = max(len(head) for head in _STUB_HEADS)
_COMMENTS = EnginePattern(r"//[^\n]*|/\*[\s\S]*?\*/", unicode_sensitive=False)
_RETURN_ONLY = EnginePattern(r"return\b[^;\n]*;?", unicode_sensitive=True)

_JS_EXPORT_LIST = EnginePattern(
    r"^export[ \t]+(?:type[ \t]+)?\{([^}]*)\}", M, unicode_sensitive=False
)
_JS_EXPORT_DEFAULT = EnginePattern(
    rf"^export[ \t]+default[ \t]+(?:(?:async[ \t]+)?function\*?[ \t]*|class[ \t]+)?(?P<name>{ID})?",
    M,
    unicode_sensitive=True,
)
_JS_EXPORT_STAR = EnginePattern(
    rf"^export[ \t]+\*[ \t]+as[ \t]+(?P<name>{ID})", M, unicode_sensitive=True
)
_JS_CJS = EnginePattern(
    rf"^(?:module\.)?exports\.(?P<name>{ID})[ \t]*=|^module\.exports[ \t]*=[ \t]*\{{(?P<list>[^}}]*)\}}",
    M,
    unicode_sensitive=True,
)
_GO_GROUP = EnginePattern(
    r"^(?P<kw>var|const|type)[ \t]*\((?P<body>[\s\S]*?)^\)", M, unicode_sensitive=False
)
_GO_ENTRY = EnginePattern(
    r"^[ \t]+([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)", M, unicode_sensitive=True
)
_RUST_PUB_USE = EnginePattern(
    r"^[ \t]*pub(?:\([^)\n]*\))?[ \t]+use[ \t]+([^;]+);", M, unicode_sensitive=False
)


# A declaration found by a pattern: (offset, name_end, name, kw, exported, recv). A tuple: a
# file has dozens, and building a tuple costs a fraction of an object's __init__.
_Raw = tuple[int, int, str, str, bool, "str | None"]
_BODY_KWS = frozenset({"function", "func", "fn", "fun", "(", "class"})


def _exported(spec: Spec, match: re.Match[str], name: str, groups: Mapping[str, int]) -> bool:
    if spec.export_rule == "capital":
        return name[:1].isupper()
    if spec.export_rule == "underscore":
        return not name.startswith("_")
    if spec.export_rule == "mods":
        mods = set((match.group("mods") if "mods" in groups else "").split())
        return not (mods & spec.private_mods)
    return "export" in groups and match.group("export") is not None


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
    for index, pattern in enumerate(spec.decls):
        heads = spec.heads[index] if index < len(spec.heads) else ()
        groups = pattern.on(text).groupindex
        has_recv = "recv" in groups
        for match in at_lines(pattern, text, heads) if heads else pattern.finditer(text):
            name, kw = match.group("name", "kw")
            if " " in kw or "\t" in kw:  # the only blanks a `kw` group can hold
                kw = " ".join(kw.split())
            if kw == "companion object":
                name = "Companion"
            if not name or (kw == "(" and name in _KEYWORDS):
                continue
            if kw == "(":
                offset, name_end = match.start("name"), match.end("kw") - 1
            else:
                offset, name_end = match.start(), match.end("name")
            if offset not in raws:  # the first pattern to find a declaration there wins
                exported = _exported(spec, match, name, groups)
                raws[offset] = (
                    offset,
                    name_end,
                    name,
                    kw,
                    exported,
                    match.group("recv") if has_recv else None,
                )
    if not raws:
        _extra_exports(found, source, lang)
        return found
    braces = Braces(text, spec.skip)
    ordered = [raws[k] for k in sorted(raws)]
    containers = spec.containers
    symbols, exports = found.symbols, found.exports
    rel = source.rel
    stack: list[tuple[int, int, str, int]] = []  # open containers: open, close, qualname, depth
    line_starts = source.lines.starts  # every line is looked up: the table, not line_of's counting
    for index, (offset, name_end, name, kw, exported, recv) in enumerate(ordered):
        while stack and stack[-1][1] < offset:
            stack.pop()
        depth = braces.depth_at(offset)
        top = stack[-1] if stack else None
        owner = top[2] if top and top[0] < offset and top[3] == depth else None
        is_container = kw in containers
        local = owner is None and depth != 0
        if not is_container and (local or (kw == "(" and owner is None and lang == "js")):
            continue  # a local declaration, or a JS call at the top level: its end is not needed
        if kw in containers or kw in _BODY_KWS:
            limit = len(text)  # a body may hold nested declarations: scan to its `{`
        else:
            limit = ordered[index + 1][0] if index + 1 < len(ordered) else len(text)
        end, body = header_end(text, braces, name_end, limit)
        if is_container and body is not None:
            qual = f"{owner}.{name}" if owner else name
            if kw == "companion object":
                qual = owner or name
            stack.append((body, end, qual, braces.depth_at(body) + 1))
        if local or kw in _SYMBOL_LESS:
            continue
        prefix = f"{recv}." if recv else (f"{owner}." if owner else "")
        kind = _KIND.get(kw, "variable")
        header = text[name_end : (body if body is not None else end + 1)]
        if kind == "variable" and ("=>" in header or "function" in header):
            kind = "function"
        if kind == "function" and prefix:
            kind = "method"
        line = bisect.bisect_right(line_starts, offset)
        end_line = bisect.bisect_right(line_starts, end) if end > offset else line
        bare = name.lstrip("#")
        stub = (kind == "function" or kind == "method") and _is_stub(text, body, end, header)
        symbol = Symbol(bare, prefix + bare, kind, rel, line, max(end_line, line), line, stub)
        symbols.append(symbol)
        if exported and (depth == 0 or lang != "js"):
            exports.setdefault(symbol.qualname, line)
    _extra_exports(found, source, lang)
    return found


def _extra_exports(found: FileSymbols, source: SourceFile, lang: str) -> None:
    """Exports not written as `export <declaration>`: lists, defaults, CommonJS, groups, re-exports."""
    text = source.text
    add = found.exports.setdefault
    if lang == "js":
        for match in at_lines(_JS_EXPORT_LIST, text, ("export",)):
            line = source.line_of(match.start())
            for entry in match.group(1).split(","):
                for word in entry.replace(" as ", " ").split():
                    if word not in ("type", "as") and ID_RE.fullmatch(word):
                        add(word, line)
        for match in at_lines(_JS_EXPORT_DEFAULT, text, ("export",)):
            line = source.line_of(match.start())
            add("default", line)
            if match.group("name"):
                add(match.group("name"), line)
        for match in at_lines(_JS_EXPORT_STAR, text, ("export",)):
            add(match.group("name"), source.line_of(match.start()))
        for match in at_lines(_JS_CJS, text, ("exports.", "module.")):
            line = source.line_of(match.start())
            if match.group("name"):
                add(match.group("name"), line)
            for entry in (match.group("list") or "").split(","):
                key = entry.split(":")[0].strip()
                if key and ID_RE.fullmatch(key):
                    add(key, line)
    elif lang == "go":
        for match in at_lines(_GO_GROUP, text, ("var", "const", "type")):
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
