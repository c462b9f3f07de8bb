"""The two ends of a key link: a file, a folder, or a symbol in a file.

Accepted spellings: a path (`src/app.py`, a folder, an import path without extension such as
`src/lib/api`, the TypeScript alias `@/lib/api`, `./x` / `../x` relative to the link's source),
`path::symbol`, `path symbol()` (a path followed by a name), a dotted module
(`core.database.Base`), a bare file name found in the tree (`conftest.py`), or a bare symbol
(`test_atom_learning_progression`, `AtomMetaAgent._record_execution`) found by the symbol index,
the plan's own files first. Anything else is Unresolved with the reason; paths leaving the project
raise PathRefused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from planner.checks.decls import Symbol
from planner.checks.paths import PathRefused, clean_spec
from planner.checks.twins import EnginePattern

if TYPE_CHECKING:
    from planner.checks.engine import CheckContext


def _words(text: str) -> list[str]:
    return text.split()


_PATH_EXTS = frozenset(
    _words(
        "py pyi ts tsx js jsx mjs cjs go rs kt kts swift dart java rb php cs c h cc cpp hpp m md "
        "txt json yaml yml toml ini cfg env lock xml html css scss sass less vue svelte sql sq sh "
        "bash zsh ps1 graphql gql proto gradle csv tsv"
    )
)
_IMPORT_SUFFIXES = (
    ".ts",
    ".tsx",
    ".js",
    ".jsx",
    ".mjs",
    ".py",
    ".go",
    ".rs",
    ".kt",
    ".swift",
    ".dart",
    "/index.ts",
    "/index.tsx",
    "/index.js",
    "/__init__.py",
)
_NAME = EnginePattern(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*", unicode_sensitive=True)


class Unresolved(Exception):
    pass


class Endpoint:
    """A resolved end: a file or folder (project-relative), and maybe a symbol in it.

    A link's target symbol may be pending: its existence was settled without a parse
    (SymbolIndex.surely_declares), and the file is parsed only when a reason or a search needs
    the symbol's span. A link found wired in its source never needs it.
    """

    def __init__(
        self,
        file: str,
        is_dir: bool = False,
        symbol: Symbol | None = None,
        pending: Callable[[], Symbol] | None = None,
    ) -> None:
        self.file, self.is_dir = file, is_dir
        self._symbol, self._pending = symbol, pending

    @property
    def symbol(self) -> Symbol | None:
        if self._pending is not None:
            self._symbol, self._pending = self._pending(), None
        return self._symbol

    @property
    def label(self) -> str:
        if self.symbol is not None:
            sym = self.symbol
            return f"{self.file}::{sym.qualname} (lines {sym.start_line}-{sym.end_line})"
        return self.file + ("/" if self.is_dir else "")


def _looks_like_path(text: str) -> bool:
    if "/" in text or "\\" in text:
        return True
    dot = text.rfind(".")
    return dot > 0 and text[dot + 1 :].lower() in _PATH_EXTS


def _strip_call(text: str) -> str:
    return text[:-2] if text.endswith("()") else text


class _Resolver:
    def __init__(
        self, ctx: CheckContext, hints: list[str], base: str | None = None, lazy: bool = False
    ) -> None:
        self.ctx, self.hints = ctx, hints
        self.base = base  # folder of the link's source: `./x` and `../x` in `to` start there
        self.lazy = lazy  # a target: its symbol may stay pending (see Endpoint)

    def in_file(self, rel: str, name: str) -> Endpoint | None:
        """The first declaration of `name` in the file, or None when it has none."""
        symbols = self.ctx.symbols
        if self.lazy and symbols.surely_declares(rel, name):
            return Endpoint(rel, pending=lambda: symbols.lookup_in_file(rel, name)[0])
        found = symbols.lookup_in_file(rel, name)
        return Endpoint(rel, symbol=found[0]) if found else None

    def file_endpoint(self, spec: str) -> Endpoint:
        """A file or folder; an import-style path without extension gets the usual ones tried."""
        if spec.startswith("@/"):
            # A TypeScript path alias: `@/lib/x` is src/lib/x (or lib/x) in most setups.
            for base in ("src/", ""):
                try:
                    return self.file_endpoint(base + spec[2:])
                except Unresolved:
                    continue
            raise Unresolved("no such file (tried the @/ alias as src/ and the project root)")
        real = self.ctx.symbols.resolve(spec)  # PathRefused propagates
        paths = self.ctx.symbols.paths
        if paths.is_dir(real):
            return Endpoint(self.ctx.symbols.rel_of(real), is_dir=True)
        if paths.is_file(real):
            return Endpoint(self.ctx.symbols.rel_of(real))
        if "." not in spec.rsplit("/", 1)[-1]:
            for suffix in _IMPORT_SUFFIXES:
                candidate = spec.rstrip("/") + suffix
                try:
                    found = self.ctx.symbols.resolve(candidate)
                except PathRefused:
                    continue
                if paths.is_file(found):
                    return Endpoint(self.ctx.symbols.rel_of(found))
        raise Unresolved("no such file")

    def symbol_in(self, ep: Endpoint, name: str) -> Endpoint:
        found = self.in_file(ep.file, name)
        if found is None:
            raise Unresolved(f"no symbol {name!r} in {ep.file}")
        return found

    def resolve(self, raw: str) -> Endpoint:
        written = raw.strip().strip("`'\"")
        if self.base is not None and written.startswith(("./", "../")):
            return self.file_endpoint(os.path.normpath(os.path.join(self.base, written)))
        spec = _strip_call(clean_spec(raw))
        if not spec:
            raise Unresolved("empty")
        if "::" in spec:
            left, right = spec.split("::", 1)
            if _looks_like_path(left):
                return self.symbol_in(self.file_endpoint(left), _strip_call(right.strip()))
            spec = spec.replace("::", ".")  # a Rust/C++ path: read it as a dotted name
        if " " in spec:
            head, rest = spec.split(None, 1)
            if _looks_like_path(head):
                ep = self.file_endpoint(head)
                name = _strip_call(rest.strip())
                if _NAME.fullmatch(name) and not ep.is_dir:
                    found = self.in_file(ep.file, name)
                    if found is not None:
                        return found
                return ep  # the rest is a description: the file is the end
            raise Unresolved(f"{raw!r} is not a path, module or symbol name")
        if _looks_like_path(spec):
            if "/" in spec or "\\" in spec or self.ctx.symbols.is_file(spec):
                return self.file_endpoint(spec)
            return self.by_basename(spec)
        if not _NAME.fullmatch(spec):
            raise Unresolved(f"{raw!r} is not a path, module or symbol name")
        return self.by_name(spec)

    def by_basename(self, name: str) -> Endpoint:
        found = self.ctx.symbols.files_named(name)
        hinted = [f for f in found if f in self.hints]
        pick = hinted or found
        if len(pick) == 1:
            return Endpoint(pick[0])
        if not pick:
            raise Unresolved(f"no file named {name} in the project")
        raise Unresolved(f"ambiguous: {len(pick)} files named {name} ({', '.join(pick[:5])})")

    def by_name(self, spec: str) -> Endpoint:
        parts = spec.split(".")
        module_note = ""
        if len(parts) > 1:
            for rel, rest in self.ctx.symbols.module_files(parts):
                if not rest:
                    return Endpoint(rel)
                found = self.in_file(rel, ".".join(rest))
                if found is not None:
                    return found
                module_note = f"; module {rel} has no symbol {'.'.join(rest)!r}"
        symbols = self.ctx.symbols.find(spec, self.hints)
        files = sorted({s.file for s in symbols})
        if not symbols:
            raise Unresolved(
                f"no file, module or symbol named {spec!r} in the project{module_note}"
            )
        if len(symbols) > 1:
            where = ", ".join(s.where for s in symbols[:5])
            raise Unresolved(f"ambiguous: {spec!r} is defined {len(symbols)} times ({where})")
        return Endpoint(files[0], symbol=symbols[0])


def resolve_endpoint(
    ctx: CheckContext, raw: str, hints: list[str], base: str | None = None, lazy: bool = False
) -> Endpoint:
    """Resolve one end of a key link; Unresolved or PathRefused when it cannot be.

    `lazy` (for a link's target): a symbol whose existence is certain may stay pending.
    """
    return _Resolver(ctx, hints, base, lazy).resolve(raw)
