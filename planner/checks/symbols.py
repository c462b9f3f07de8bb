"""A lazy symbol index of the project: only what plans name gets parsed.

Lookups, cheapest first:
- `lookup_in_file(rel, name)`: parse one file (cached) and look the name up; a Python file's
  top-level def/class, module variable or top-level class's method that nothing else can declare
  is answered by a scan instead (pyscan, pyscan_members), and a JS/TS or Go file that does not
  hold the name is not parsed (bracefast);
- `export_line(rel, name)`: where a file exports a name, settled by a scan when pyscan or
  bracefast can;
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
import re
from collections.abc import Iterable
from pathlib import Path

from planner.checks import bracefast, pyscan, pyscan_members
from planner.checks.decls import AsciiFirst, FileSymbols, Symbol, language_of
from planner.checks.filecache import FileCache, SourceFile
from planner.checks.pathmemo import PathMemo
from planner.checks.paths import IGNORED_DIRS, PathRefused, walk_files

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

# (suffix, whether it names a file inside the module's folder, that file's name)
_SUFFIX_NAMES = tuple(
    (suffix, suffix.startswith("/"), suffix.rpartition("/")[2]) for suffix in _MODULE_SUFFIXES
)


def _declaration_of(name: str) -> AsciiFirst:
    # Linear: each repeated group ends at a separator its neighbour cannot match.
    word = re.escape(name)
    return AsciiFirst(
        r"(?:\b(?:def|class|function\*?|func|fn|fun|struct|enum|trait|interface|type|protocol|object"
        r"|mod|const|let|var|val|typealias|typedef|mixin|extension|impl(?:<[^>\n]*>)?)[ \t]+"
        rf"(?:\([^)\n]*\)[ \t]*)?(?:[\w.<>?]+\.)?{word}\b)"
        rf"|^[ \t]*{word}[ \t]*(?::[^=\n]*)?=(?!=)"
        rf"|^[ \t]*(?:[\w<>?,\[\]]+[ \t]+)*{word}[ \t]*(?:<[^>\n]*>)?[ \t]*\(",
        re.MULTILINE,
    )


def _scanned_symbol(text: str, qualname: str, rel: str) -> Symbol | None:
    """A Python file's only declaration of `qualname` when a scan proves it (pyscan): a top-level
    def/class, a module variable, or a method of a top-level class; else None (parse)."""
    if "." in qualname:
        return pyscan_members.class_member(text, qualname, rel)
    found = pyscan.top_level_symbol(text, qualname, rel)
    return found if found is not None else pyscan_members.module_variable(text, qualname, rel)


class SymbolIndex:
    def __init__(
        self, root: Path, cache: FileCache, index_max_bytes: int = INDEX_MAX_BYTES
    ) -> None:
        self.root = root.resolve()
        self.cache = cache
        self.index_max_bytes = index_max_bytes
        self.parsed = 0  # files parsed (for the bench and tests)
        self.scanned = 0  # questions answered by pyscan/bracefast instead of a parse (bench, tests)
        self.scans = 0  # tree walks for a name the hints did not declare
        self._symbols: dict[str, FileSymbols | None] = {}
        self._all_files: list[str] | None = None
        self._source_files: list[str] | None = None
        self._found: dict[str, list[Symbol]] = {}
        self._roots: list[str] | None = None
        self._modules: dict[str, list[tuple[str, list[str]]]] = {}
        # Path resolution and file kinds, once per run (see pathmemo).
        self.paths = PathMemo(self.root)
        # folder -> (its entry names, its file names), None when it cannot be listed
        self._listings: dict[str, tuple[frozenset[str], frozenset[str]] | None] = {}

    # -- paths ------------------------------------------------------------------------------

    def resolve(self, rel: str) -> Path:
        """paths.resolve_inside under this root, once per spelling per run."""
        return self.paths.resolve(rel)

    def rel_of(self, real: Path) -> str:
        """paths.project_rel under this root, memoized."""
        return self.paths.rel_of(real)

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

    def has_parsed(self, rel: str) -> bool:
        """Whether `parse(rel)` has run (its answer then costs nothing)."""
        return rel in self._symbols

    def lookup_in_file(self, rel: str, qualname: str) -> list[Symbol]:
        if rel not in self._symbols:
            lang = language_of(rel)
            if lang == "python" and qualname.count(".") < 2:
                source = self._python_source(rel)
                found = _scanned_symbol(source.text, qualname, rel) if source else None
                if found is not None:
                    self.scanned += 1
                    return [found]
            elif lang in bracefast.LANGUAGES:
                source = self._source(rel)
                if source is not None and bracefast.names_absent(source.text, qualname):
                    self.scanned += 1
                    return []
        parsed = self.parse(rel)
        return parsed.lookup(qualname) if parsed else []

    def export_line(self, rel: str, name: str) -> int | None:
        """The line where a file exports `name` (a member of an exported class or type counts),
        None when it does not or is no source file. Without a parse when pyscan proves it."""
        if rel not in self._symbols:
            lang = language_of(rel)
            source = self._source(rel) if lang else None
            line = None
            if source is not None and lang == "python":
                line = pyscan.export_line(source.text, name)
            elif source is not None and lang:
                line = bracefast.export_line(source, lang, name)
            if line is not None:
                self.scanned += 1
                return line or None
        parsed = self.parse(rel)
        if parsed is None:
            return None
        line = parsed.exports.get(name)
        if line is None and "." in name and name.split(".")[0] in parsed.exports:
            members = parsed.lookup(name)  # a member, reachable through its exported owner
            line = members[0].line if members else None
        return line

    def _python_source(self, rel: str) -> SourceFile | None:
        """The text of a Python file that parse() would parse, else None."""
        return self._source(rel) if language_of(rel) == "python" else None

    def _source(self, rel: str) -> SourceFile | None:
        """The text parse() would parse (for a file of a known language), else None."""
        source = self.cache.get(rel)
        return source if source is not None and not source.binary else None

    def surely_declares(self, rel: str, name: str) -> bool:
        """True when `lookup_in_file(rel, name)` is sure to find `name`, settled without a parse
        (pyscan: a Python file's top-level def/class); False means "parse to know"."""
        if rel in self._symbols:
            return False
        source = self._python_source(rel)
        return source is not None and pyscan.declares_top_level(source.text, name)

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
        return self.rel_of(real) if self.paths.is_file(real) else None

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
                # `module.py` is listed in the module's folder, `module/__init__.py` in its own.
                beside, _, stem = f"{root}{module}".rpartition("/")
                listings = (self._files_in(beside) or (), self._files_in(root + module) or ())
                for suffix, inside, name in _SUFFIX_NAMES:
                    if (name if inside else stem + suffix) not in listings[inside]:
                        continue
                    rel = self.is_file(f"{root}{module}{suffix}")
                    if rel and all(rel != f for f, _ in result):
                        result.append((rel, parts[k:]))
            if result:
                break
        self._modules[key] = result
        return result

    def _files_in(self, folder: str) -> frozenset[str] | None:
        """Names of the files in a project folder (one scandir per run), None if no such folder."""
        listing = self._listing(folder.rstrip("/"))
        return None if listing is None else listing[1]

    def _listing(self, folder: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """(every entry name, the file names) of a folder, or None when it cannot be listed.

        Module candidates probe many folders that do not exist: a name missing from its
        parent's listing is answered without a syscall.
        """
        if folder in self._listings:
            return self._listings[folder]
        found: tuple[frozenset[str], frozenset[str]] | None = None
        parent, _, name = folder.rpartition("/")
        above = self._listing(parent) if folder else None
        if above is None or name in above[0]:
            try:
                with os.scandir(os.path.join(self.root, folder)) as entries:
                    listed = list(entries)
                found = (
                    frozenset(e.name for e in listed),
                    frozenset(e.name for e in listed if e.is_file()),
                )
            except OSError:
                found = None
        self._listings[folder] = found
        return found

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
