"""Declarations in brace languages (JS/TS, Go, Rust, Swift, Kotlin, Dart) by patterns.

Best effort, deterministic: declaration patterns find names; one tokenizer pass (strings and
comments skipped) matches braces, which gives each declaration's end line and tells top-level and
member declarations (brace depth 0, or one deeper than their class/impl) from locals.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Iterator, Mapping
from itertools import accumulate, chain, count

from planner.checks.decls import PLACEHOLDER_COMMENT, FileSymbols, Symbol
from planner.checks.filecache import SourceFile
from planner.checks.lang_specs import ID, ID_RE, SPECS, M, Skipped, Spec
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
_CONTINUES = frozenset("=,(:|&+-.?[<")
_STRUCTURAL = re.compile(r"[{}();]")
_DELTA = {"{": 1, "}": -1}
_CANDIDATE_SHARE = 16  # above one candidate in 16 characters, a regex scan of the whole text

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


def _at_lines(pattern: EnginePattern, text: str, heads: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """What pattern.finditer(text) yields, for a pattern that can match only at the start of a
    line beginning with one of `heads` (and never matches an empty string): it is tried at those
    lines only. A `^` pattern is otherwise tried at every character; str.find finds the lines at
    C speed."""
    starts: set[int] = set()
    for head in heads:
        if text.startswith(head):
            starts.add(0)
        needle = "\n" + head
        at = text.find(needle)
        while at != -1:
            starts.add(at + 1)
            at = text.find(needle, at + 1)
    compiled = pattern.on(text)
    end = 0
    for start in sorted(starts):
        if start >= end and (found := compiled.match(text, start)) is not None:
            end = found.end()  # as finditer, go on after the match
            yield found


class _Braces:
    """One text's structure: its braces matched and the brace depth at any offset.

    `masked` is the text with comments and strings blanked out (same length): the structural
    characters `{ } ( ) ;` a plain character search finds in it are exactly the tokens a
    comment-and-string-aware scan gives. Only braces are listed (with C iterators); the other
    tokens are searched for where a declaration's header is read.
    """

    def __init__(self, text: str, skip: Skipped) -> None:
        self.masked = masked = _masked(text, skip)
        self.text_end = len(text)
        self.brace_offsets = offsets = sorted([*_positions(masked, "{"), *_positions(masked, "}")])
        deltas = map(_DELTA.__getitem__, map(masked.__getitem__, offsets))
        # Depth after each brace; without a `}` below depth 0, a brace-by-brace scan's stack is
        # never empty at a `}`, so depths and matching follow from these sums.
        self.depth_after = depth = [0, *accumulate(deltas)]
        self.match: dict[int, int] | None = None
        if min(depth) < 0:
            self._unbalanced()

    def _unbalanced(self) -> None:
        """The brace-by-brace scan, for a text with a `}` that closes nothing (it is ignored)."""
        match: dict[int, int] = {}
        kept: list[int] = []
        depth_after = [0]
        stack: list[int] = []
        for offset in self.brace_offsets:
            if self.masked[offset] == "{":
                stack.append(offset)
            elif stack:
                match[stack.pop()] = offset
            else:
                continue  # a `}` without its `{`
            kept.append(offset)
            depth_after.append(len(stack))
        self.match, self.brace_offsets, self.depth_after = match, kept, depth_after

    def depth_at(self, offset: int) -> int:
        return self.depth_after[bisect.bisect_left(self.brace_offsets, offset)]

    def close_of(self, open_offset: int) -> int:
        """The offset of the `}` that closes the `{` at open_offset (the text's end when none)."""
        if self.match is not None:
            return self.match.get(open_offset, self.text_end - 1)
        index = bisect.bisect_left(self.brace_offsets, open_offset)
        # The close is the first brace after which the depth is back to what it was before.
        try:
            after = self.depth_after.index(self.depth_after[index], index + 2)
        except ValueError:
            return self.text_end - 1
        return self.brace_offsets[after - 1]


def _positions(text: str, char: str) -> Iterator[int]:
    """The offsets of `char` in `text`, ascending: summed from the pieces between, in C."""
    pieces = text.split(char)
    del pieces[-1]
    return map(operator.add, accumulate(map(len, pieces)), count())


def _masked(text: str, skip: Skipped) -> str:
    """`text` with its comments and strings (skip.pattern.finditer's matches) blanked out.

    Structural characters cannot begin a comment or a string, so a scan for comments and strings
    alone finds those a scan for both finds. Most code has few: the pattern is tried only where
    one can begin, found by str.split at C speed, instead of being tried at every character.
    """
    candidates = sorted(chain.from_iterable(_positions(text, char) for char in skip.starts))
    if len(candidates) * _CANDIDATE_SHARE > len(text):
        return skip.pattern.sub(_blank, text)  # string-heavy: one C scan is cheaper
    pieces: list[str] = []
    end = 0
    match = skip.pattern.match
    for at in candidates:
        if at >= end and (found := match(text, at)) is not None:
            pieces += (text[end:at], " " * (found.end() - at))
            end = found.end()
    if not pieces:
        return text
    pieces.append(text[end:])
    return "".join(pieces)


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


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


def _header_end(text: str, braces: _Braces, start: int, limit: int) -> tuple[int, int | None]:
    """(offset where the declaration ends, offset of its body's `{` or None)."""
    masked = braces.masked
    search = _STRUCTURAL.search  # the next token, from where the last one was
    depth = 0
    newline = text.find("\n", start)
    at = start
    while True:
        token = search(masked, at)
        offset = len(text) if token is None else token.start()
        stop = offset if offset < limit else limit
        while depth == 0 and newline != -1 and newline < stop:
            line_start = text.rfind("\n", 0, newline) + 1
            tail = text[line_start:newline].rstrip()
            if tail and tail[-1] not in _CONTINUES and not tail.endswith(("=>", "->")):
                return newline - 1, None
            newline = text.find("\n", newline + 1)
        if token is None or offset >= limit:
            return stop - 1, None
        char = masked[offset]
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
        at = offset + 1


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
        for match in _at_lines(pattern, text, heads) if heads else pattern.finditer(text):
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
    braces = _Braces(text, spec.skip)
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
        end, body = _header_end(text, braces, name_end, limit)
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
        for match in _at_lines(_JS_EXPORT_LIST, text, ("export",)):
            line = source.line_of(match.start())
            for entry in match.group(1).split(","):
                for word in entry.replace(" as ", " ").split():
                    if word not in ("type", "as") and ID_RE.fullmatch(word):
                        add(word, line)
        for match in _at_lines(_JS_EXPORT_DEFAULT, text, ("export",)):
            line = source.line_of(match.start())
            add("default", line)
            if match.group("name"):
                add(match.group("name"), line)
        for match in _at_lines(_JS_EXPORT_STAR, text, ("export",)):
            add(match.group("name"), source.line_of(match.start()))
        for match in _at_lines(_JS_CJS, text, ("exports.", "module.")):
            line = source.line_of(match.start())
            if match.group("name"):
                add(match.group("name"), line)
            for entry in (match.group("list") or "").split(","):
                key = entry.split(":")[0].strip()
                if key and ID_RE.fullmatch(key):
                    add(key, line)
    elif lang == "go":
        for match in _at_lines(_GO_GROUP, text, ("var", "const", "type")):
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
