"""`.planning/.gsd/hooks.log`: where the hooks say what they did and why (never the terminal).

One line per event: `TIME HOOK COMMIT CODE message`. Kept small: beyond 256 KB the older half
is dropped. Stdlib only, os.path rather than pathlib: this runs for every commit.
"""

from __future__ import annotations

import os
import time

LOG_NAME = "hooks.log"
_LOG_MAX = 256 * 1024


def gsd_dir(planning: str | os.PathLike[str]) -> str:
    """`.planning/.gsd/`, created with a `.gitignore` that keeps the folder out of git."""
    gsd = os.path.join(planning, ".gsd")
    os.makedirs(gsd, exist_ok=True)
    ignore = os.path.join(gsd, ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as fh:
            fh.write("*\n")
    return gsd


def log_line(
    planning: str | os.PathLike[str], hook: str, code: str, message: str, commit: str = "-"
) -> None:
    path = os.path.join(gsd_dir(planning), LOG_NAME)
    try:
        if os.path.getsize(path) > _LOG_MAX:
            with open(path, "rb") as fh:
                data = fh.read()[-_LOG_MAX // 2 :]
            with open(path, "wb") as fh:
                fh.write(data[data.find(b"\n") + 1 :])
    except OSError:
        pass
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{stamp} {hook or '-'} {commit[:7] or '-'} {code} {message}\n")
