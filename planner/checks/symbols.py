"""A lazy symbol index of the project: only what plans name gets parsed.

Lookups, cheapest first:
- `lookup_in_file(rel, name)`: parse one file (cached) and look the name up;
- `find(name, hints)`: the hint files first (the plan's files_modified, artifacts, the other end of
  a link); only when they do not declare it, one walk of the tree lists the source files, a
  substring grep narrows them to files that mention the name, a declaration pattern narrows
  further, and only those files are parsed;
- `module_files(["core", "database", "Base"])`: dotted module paths map to files directly
  (`core/database.py`, also under top-level source roots such as `backend/` or `src/`).
Files are read through the run's FileCache, so a file is read once however often it is looked up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import regex

from planner.checks.decls import FileSymbols, Symbol, language_of
from planner.checks.filecache import FileCache
from planner.checks.paths import IGNORED_DIRS, PathRefused, project_rel, resolve_inside, walk_files

CODES = {
    "GSD407": "symbol defined in several files: ambiguous",
    "GSD408": "source file could not be parsed: declaration patterns used",
}

__all__ = ["FileSymbols", "Symbol", "SymbolIndex"]

INDEX_MAX_BYTES = 1024 * 1024  # the tree scan skips larger files (generated code, data)
_MODULE_SUFFIXES = (
    ".py",
    "/__init__.py",
    ".ts",
    ".tsx",
    ".js",
    ".mjs",
    "/index.ts",
    "/index.js",
    ".rs",
    "/mod.rs",
    ".kt",
    ".swift",
    ".dart",
    ".go",
)


def _declaration_of(name: str) -> regex.Pattern[str]:
    word = regex.escape(name)
    return regex.compile(
        r"(?:\b(?:def|class|function\*?|func|fn|fun|struct|enum|trait|interface|type|protocol|object"
        r"|mod|const|let|var|val|typealias|typedef|mixin|extension|impl(?:<[^>\n]*>)?)[ \t]+"
        rf"(?:\([^)\n]*\)[ \t]*)?(?:[\w.<>?]+\.)?{word}\b)"
        rf"|^[ \t]*{word}[ \t]*(?::[^=\n]*)?=(?!=)"
        rf"|^[ \t]*(?:[\w<>?,\[\]]+[ \t]+)*{word}[ \t]*(?:<[^>\n]*>)?[ \t]*\(",
        regex.MULTILINE,
    )


class SymbolIndex:
    def __init__(
        self, root: Path, cache: FileCache, index_max_bytes: int = INDEX_MAX_BYTES
    ) -> None:
        self.root = root.resolve()
        self.cache = cache
        self.index_max_bytes = index_max_bytes
        self.parsed = 0  # files parsed (for the bench and tests)
        self.scans = 0  # tree walks for a name the hints did not declare
        self._symbols: dict[str, FileSymbols | None] = {}
        self._all_files: list[str] | None = None
        self._source_files: list[str] | None = None
        self._found: dict[str, list[Symbol]] = {}
        self._roots: list[str] | None = None
        self._modules: dict[str, list[tuple[str, list[str]]]] = {}
        # Path resolution for the run: realpath costs an lstat per component, and plans name the
        # same paths again and again (files_modified, artifacts, link ends). A static check
        # assumes the tree does not change under it, as the file cache does.
        self._resolved: dict[str, Path | PathRefused] = {}
        self._rels: dict[Path, str] = {}
        self._listings: dict[str, frozenset[str] | None] = {}  # folder -> its file names

    # -- paths ------------------------------------------------------------------------------

    def resolve(self, rel: str) -> Path:
        """paths.resolve_inside under this root, once per spelling per run."""
        found = self._resolved.get(rel)
        if found is None:
            try:
                found = resolve_inside(self.root, rel)
            except PathRefused as refused:
                found = refused
            self._resolved[rel] = found
        if isinstance(found, PathRefused):
            raise found
        return found

    def rel_of(self, real: Path) -> str:
        """paths.project_rel under this root, memoized."""
        found = self._rels.get(real)
        if found is None:
            found = self._rels[real] = project_rel(self.root, real)
        return found

    # -- one file ---------------------------------------------------------------------------

    def parse(self, rel: str) -> FileSymbols | None:
        """Declarations of one project file; None for unknown languages and unreadable files."""
        if rel in self._symbols:
            return self._symbols[rel]
        result: FileSymbols | None = None
        lang = language_of(rel)
        source = self.cache.get(rel) if lang else None
        if lang and source is not None and not source.binary:
            self.parsed += 1
            if lang == "python":
                from planner.checks.lang_python import parse_python

                result = parse_python(source)
            else:
                from planner.checks.lang_braces import parse_braces

                result = parse_braces(source, lang)
        self._symbols[rel] = result
        return result

    def lookup_in_file(self, rel: str, qualname: str) -> list[Symbol]:
        parsed = self.parse(rel)
        return parsed.lookup(qualname) if parsed else []

    # -- the tree ---------------------------------------------------------------------------

    def all_files(self) -> list[str]:
        if self._all_files is None:
            self._all_files = list(walk_files(self.root))
        return self._all_files

    def source_files(self) -> list[str]:
        """Indexable files: a known language, not huge."""
        if self._source_files is None:
            out: list[str] = []
            for rel in self.all_files():
                if language_of(rel) is None:
                    continue
                try:
                    if os.path.getsize(self.root / rel) > self.index_max_bytes:
                        continue
                except OSError:
                    continue
                out.append(rel)
            self._source_files = out
        return self._source_files

    def files_named(self, basename: str) -> list[str]:
        return [rel for rel in self.all_files() if rel.rsplit("/", 1)[-1] == basename]

    def source_roots(self) -> list[str]:
        """ "" plus each top-level folder (and its src/): where dotted module paths may start."""
        if self._roots is None:
            roots = [""]
            try:
                entries = sorted(os.scandir(self.root), key=lambda e: e.name)
            except OSError:
                entries = []
            for entry in entries:
                if entry.name in IGNORED_DIRS or entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    roots.append(entry.name + "/")
                    if os.path.isdir(os.path.join(entry.path, "src")):
                        roots.append(entry.name + "/src/")
            self._roots = roots
        return self._roots

    def is_file(self, rel: str) -> str | None:
        """The confined project-relative path of an existing file, else None."""
        try:
            real = self.resolve(rel)
        except PathRefused:
            return None
        return self.rel_of(real) if real.is_file() else None

    def module_files(self, parts: list[str]) -> list[tuple[str, list[str]]]:
        """Files a dotted path can name, longest module prefix first: [(file, remaining parts)].

        Identifier parts cannot spell `..`, so candidates are probed with plain stats (a missing
        parent folder rules out every suffix at once); only hits are confined (symlinks).
        """
        key = ".".join(parts)
        if key in self._modules:
            return self._modules[key]
        result: list[tuple[str, list[str]]] = []
        for k in range(len(parts), 0, -1):
            module = "/".join(parts[:k])
            parent = module.rpartition("/")[0]
            for root in self.source_roots():
                if self._files_in(root + parent) is None:
                    continue
                for suffix in _MODULE_SUFFIXES:
                    candidate = f"{root}{module}{suffix}"
                    folder, _, name = candidate.rpartition("/")
                    if name not in (self._files_in(folder) or ()):
                        continue
                    rel = self.is_file(candidate)
                    if rel and all(rel != f for f, _ in result):
                        result.append((rel, parts[k:]))
            if result:
                break
        self._modules[key] = result
        return result

    def _files_in(self, folder: str) -> frozenset[str] | None:
        """Names of the files in a project folder (one scandir per run), None if no such folder."""
        if folder not in self._listings:
            found: frozenset[str] | None
            try:
                with os.scandir(os.path.join(self.root, folder)) as entries:
                    found = frozenset(e.name for e in entries if e.is_file())
            except OSError:
                found = None
            self._listings[folder] = found
        return self._listings[folder]

    # -- by name ----------------------------------------------------------------------------

    def find(self, qualname: str, hints: Iterable[str] = ()) -> list[Symbol]:
        """Declarations of `qualname` (`name` or `Class.member`): hint files first, then the tree."""
        small: list[str] = []
        large: list[str] = []  # generated or data files: parsed only when no other hint declares it
        for rel in dict.fromkeys(hints):
            (large if self._size(rel) > self.index_max_bytes else small).append(rel)
        for group in (small, large):
            hinted = [
                sym
                for rel in group
                if self._mentions(rel, qualname)
                for sym in self.lookup_in_file(rel, qualname)
            ]
            if hinted:
                return hinted
        if qualname not in self._found:
            self._found[qualname] = self._scan(qualname)
        return self._found[qualname]

    def _mentions(self, rel: str, qualname: str) -> bool:
        """Every part of the name occurs in the file: a substring test before any parse."""
        source = self.cache.get(rel)
        return source is not None and all(part in source.text for part in qualname.split("."))

    def _size(self, rel: str) -> int:
        source = self.cache.get(rel) if self.cache.cached(rel) else None
        if source is not None:
            return source.size
        try:
            return os.path.getsize(self.root / rel)
        except OSError:
            return 0

    def _scan(self, qualname: str) -> list[Symbol]:
        self.scans += 1
        parts = qualname.split(".")
        declared = _declaration_of(parts[-1])
        found: list[Symbol] = []
        for rel in self.source_files():
            source = self.cache.get(rel)
            if source is None or source.binary or not all(p in source.text for p in parts):
                continue
            if not declared.search(source.text, timeout=1.0):
                continue
            found.extend(self.lookup_in_file(rel, qualname))
        return found
