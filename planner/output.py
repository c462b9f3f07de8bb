"""Console helpers: colour on/off, messages on stderr, one JSON document on stdout.

Plain ANSI, no rich: this module is on every command's start-up path.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

_STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}

_color_allowed = True


def set_color(enabled: bool) -> None:
    """`--no-color` turns colour off for the whole run."""
    global _color_allowed
    _color_allowed = enabled


def color_enabled(stream: IO[str] | None = None) -> bool:
    """Colour only on a terminal, never with NO_COLOR set or after --no-color."""
    if not _color_allowed or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, *styles: str, stream: IO[str] | None = None) -> str:
    if not styles or not color_enabled(stream):
        return text
    codes = ";".join(_STYLES[s] for s in styles)
    return f"\033[{codes}m{text}\033[0m"


def out(text: str = "") -> None:
    """A line of the command's own output (stdout)."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """A message for the person running gsd (stderr, never mixed into --json output)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def error_line(message: str, code: str | None = None) -> str:
    """`gsd: error[GSD203]: message` (used when there is no file to point at)."""
    label = paint("error", "red", "bold", stream=sys.stderr)
    return f"gsd: {label}[{code}]: {message}" if code else f"gsd: {label}: {message}"


def print_json(data: Any) -> None:
    """The one JSON document a `--json` run prints on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
