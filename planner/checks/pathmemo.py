"""Path resolution and file kinds for one run, each answered once.

Plans name the same paths again and again (files_modified, artifacts, link ends, module
candidates). `os.path.realpath` costs an lstat per path component and every `Path.is_file()` a
stat, so a run keeps the answers: a static check assumes the tree does not change under it, as
the file cache does. Answers are those of paths.resolve_inside / project_rel and of pathlib's
exists / is_dir / is_file, errors included.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from planner.checks.paths import PathRefused, project_rel, resolve_inside

# The errors pathlib's exists / is_dir / is_file answer False for; any other one is raised.
_IGNORED_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


class PathMemo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._root_real = os.path.realpath(root)
        self._prefix = self._root_real.rstrip(os.sep) + os.sep
        self._resolved: dict[str, Path | PathRefused] = {}
        self._rels: dict[Path, str] = {}
        self._dirs: dict[str, str] = {}  # folder -> its real path
        self._modes: dict[str, int | None] = {}  # real path -> st_mode, None when absent

    def realpath(self, path: str) -> str:
        """os.path.realpath(path), resolving each parent folder once per run.

        realpath walks components left to right, so the real path of `folder/name` is the real
        path of `folder` joined with `name`, unless `name` itself is a symlink (then the whole
        path is resolved the slow way).
        """
        head, tail = os.path.split(path)
        if not head or tail in ("", ".", ".."):
            return os.path.realpath(path)
        parent = self._dirs.get(head)
        if parent is None:
            parent = self._dirs[head] = os.path.realpath(head)
        full = os.path.join(parent, tail)
        try:
            mode = os.lstat(full).st_mode
        except OSError:
            return full
        return os.path.realpath(path) if stat.S_ISLNK(mode) else full

    def resolve(self, rel: str) -> Path:
        """paths.resolve_inside under this root, once per spelling per run."""
        found = self._resolved.get(rel)
        if found is None:
            try:
                found = resolve_inside(self.root, rel, realpath=self.realpath)
            except PathRefused as refused:
                found = refused
            self._resolved[rel] = found
        if isinstance(found, PathRefused):
            raise found
        return found

    def rel_of(self, real: Path) -> str:
        """paths.project_rel under this root (a confined real path is a suffix of the root)."""
        found = self._rels.get(real)
        if found is None:
            text = str(real)
            if text.startswith(self._prefix) and os.sep == "/":
                found = text[len(self._prefix) :]
            else:
                found = project_rel(self.root, real)
            self._rels[real] = found
        return found

    def _mode(self, real: Path) -> int | None:
        key = str(real)
        if key in self._modes:
            return self._modes[key]
        try:
            mode: int | None = os.stat(key).st_mode
        except OSError as exc:
            if exc.errno not in _IGNORED_ERRNOS:
                raise
            mode = None
        except ValueError:
            mode = None
        self._modes[key] = mode
        return mode

    def exists(self, real: Path) -> bool:
        return self._mode(real) is not None

    def is_dir(self, real: Path) -> bool:
        mode = self._mode(real)
        return mode is not None and stat.S_ISDIR(mode)

    def is_file(self, real: Path) -> bool:
        mode = self._mode(real)
        return mode is not None and stat.S_ISREG(mode)
