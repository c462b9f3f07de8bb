"""Confinement: every path a plan names is resolved inside the project, or refused.

A plan is input from anywhere (an agent, another machine), so `../../etc/passwd`, `/etc/passwd` or a
symlink pointing out of the tree must never be read. Refused paths are reported (artifact FAILED,
link UNRESOLVED, reason "outside the project ..."), never opened.

Absolute paths are refused when they leave the project; an absolute path that lies inside the
project root is accepted (it names a project file, only spelled long). `..` that stays inside is
accepted too: only leaving the project is refused.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

CODES = {
    "GSD401": "path outside the project: refused, not read",
}

OUTSIDE = "outside the project"

# Folders never walked for symbols or directory artifacts (generated, vendored or our own state).
IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        "dist",
        "build",
        ".planning",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".next",
        ".gradle",
        ".dart_tool",
        ".idea",
        "target",
        "vendor",
        "Pods",
        "coverage",
        "site-packages",
    }
)


class PathRefused(Exception):
    """A path that leaves the project. `reason` starts with "outside the project"."""

    def __init__(self, rel: str, reason: str) -> None:
        super().__init__(f"{rel}: {reason}")
        self.rel = rel
        self.reason = reason


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=64)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def resolve_inside(root: Path, rel: str, realpath: Callable[[str], str] = os.path.realpath) -> Path:
    """The real path of `rel` under `root`; raise PathRefused when it leaves the project.

    Checked twice: lexically (absolute, `..`) and after following symlinks, so a link whose
    target is outside is refused even though its own name is inside. The path need not exist.
    (String operations rather than pathlib: this runs for every path every plan names.)
    `realpath` may be a run's memoized equivalent of os.path.realpath (pathmemo).
    """
    text = rel.strip()
    if not text:
        raise PathRefused(rel, "empty path")
    if text.startswith("~"):
        raise PathRefused(rel, f"{OUTSIDE} (home-relative path)")
    root_real = _real_root(str(root))
    if os.path.isabs(text):
        candidate = os.path.normpath(text)
        if not (_inside(candidate, root_real) or _inside(candidate, os.path.abspath(root))):
            raise PathRefused(rel, f"{OUTSIDE} (absolute path)")
    else:
        candidate = os.path.join(root_real, text)
        if not _inside(os.path.normpath(candidate), root_real):
            raise PathRefused(rel, f"{OUTSIDE} ('..' escapes the project root)")
    real = realpath(candidate)  # follows every symlink on the way
    if not _inside(real, root_real):
        raise PathRefused(rel, f"{OUTSIDE} (symlink to {real})")
    return Path(real)


def project_rel(root: Path, real: Path) -> str:
    """The posix path of a resolved path relative to the resolved root ("." for the root)."""
    rel = os.path.relpath(str(real), _real_root(str(root)))
    return rel.replace(os.sep, "/") if rel != "." else "."


def clean_spec(text: str) -> str:
    """Strip decoration authors put around paths and symbols: quotes, backticks, a leading `@`.

    `@backend/x.py` (a GSD context reference) loses its `@`; `@/lib/x` (a TypeScript path alias)
    and `@scope/pkg` keep theirs for the caller to interpret.
    """
    out = text.strip().strip("`'\"").strip()
    if (
        out.startswith("@")
        and "/" in out
        and not out.startswith("@/")
        and "." in out.split("/")[-1]
    ):
        out = out[1:]
    if out.startswith("./"):
        out = out[2:]
    return out


def walk_files(root: Path, start: str = "") -> Iterator[str]:
    """Project-relative posix paths of regular files under `start`, sorted, ignored folders skipped.

    Symlinks are not followed (a linked folder could leave the project or loop).
    """
    root_real = root.resolve()
    base = root_real / start if start else root_real
    stack: list[Path] = [base]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[Path] = []
        for entry in entries:
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    if entry.name in IGNORED_DIRS or entry.name.startswith("."):
                        continue
                    subdirs.append(Path(entry.path))
                elif entry.is_file():
                    yield PurePosixPath(Path(entry.path).relative_to(root_real)).as_posix()
            except OSError:
                continue
        stack.extend(reversed(subdirs))
