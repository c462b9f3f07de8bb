"""Create a new file atomically and only if it does not exist yet: gap plans never overwrite."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from planner.fsutil import atomic_write_text


def write_new(path: Path, text: str) -> None:
    """Write `text` to `path`, which must not exist (FileExistsError otherwise).

    The content goes to a temporary file first and is hard-linked into place: the link is atomic
    and fails when the name is taken, so a concurrent writer is never overwritten and a reader
    never sees half a plan. Where hard links are not supported, `atomic_write_text` after an
    existence check is the fallback.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system
            if path.exists():
                raise FileExistsError(str(path)) from None
            atomic_write_text(path, text)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
