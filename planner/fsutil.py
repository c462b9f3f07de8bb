"""File helpers shared by every writer: atomic replace, text reading with a size cap."""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path

# tempfile is not imported: it costs the git hook a few ms; O_EXCL with a unique name does the job.
_counter = itertools.count()


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> bool:
    """Write `text` to `path` atomically (temp file in the same folder, fsync, os.replace).

    Returns False and leaves the file untouched when its content is already `text` (so a re-run
    whose result did not change causes no mtime churn). A kill at any point leaves the old file or
    the new one, never half of one.
    """
    data = text.encode(encoding)
    return atomic_write_bytes(path, data)


def atomic_write_bytes(path: Path, data: bytes) -> bool:
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _create_temp(path: Path) -> tuple[int, str]:
    while True:
        tmp = str(path.parent / f".{path.name}.{os.getpid()}.{next(_counter)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), tmp
        except FileExistsError:
            continue
