"""Rewrite absolute paths from another machine in a command (`--map-path OLD=NEW`).

Plans carry their author's paths (`PYTHONPATH=/Users/rushiparikh/projects/atom/backend pytest`).
A mapping `OLD=NEW` replaces OLD where it stands as a whole path or a path prefix: it must start a
path (not be preceded by a path character) and end at a path boundary (`/`, end of text, or a
character that cannot be part of a file name such as a space, `:`, a quote). So with
OLD=`/Users/a/atom`, `/Users/a/atom/backend` is mapped and `/Users/a/atomic` is not.

- `parse_map_arg("OLD=NEW") -> (OLD, NEW)`; bad syntax is a `UsageError` (GSD501-GSD503).
- `resolve_pairs(pairs, root)`: NEW made absolute against the project root, longest OLD first.
- `map_paths(text, pairs) -> str`: one pass over the text, so a NEW containing OLD is not mapped
  again; the longest matching OLD wins.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from planner.errors import UsageError

CODES = {
    "GSD501": "--map-path needs the form OLD=NEW",
    "GSD502": "--map-path OLD must be an absolute path other than /",
    "GSD503": "--map-path NEW is empty",
}

_HINT = (
    "write --map-path /path/on/their/machine=/path/here (NEW may be relative to the project root)"
)
# Characters that continue a path component: a match must not be glued to one of these.
_PATH_CHAR = r"[\w.~+@%-]"


def parse_map_arg(arg: str) -> tuple[str, str]:
    """Split `OLD=NEW` at the first `=` (OLD is an absolute path; NEW may be relative)."""
    if "=" not in arg:
        raise UsageError(f"--map-path {arg!r}: expected OLD=NEW", code="GSD501", hint=_HINT)
    old, new = (part.strip() for part in arg.split("=", 1))
    if not old.startswith("/") or old.rstrip("/") == "":
        raise UsageError(
            f"--map-path {arg!r}: OLD must be an absolute path other than /",
            code="GSD502",
            hint=_HINT,
        )
    if not new:
        raise UsageError(f"--map-path {arg!r}: NEW is empty", code="GSD503", hint=_HINT)
    return old.rstrip("/"), new


def resolve_pairs(pairs: Iterable[tuple[str, str]], root: Path) -> tuple[tuple[str, str], ...]:
    """Absolute NEW (relative ones against `root`), trailing slashes dropped, longest OLD first."""
    resolved: dict[str, str] = {}
    for old, new in pairs:
        target = new if os.path.isabs(new) else os.path.join(os.fspath(root), new)
        resolved[old.rstrip("/") or old] = os.path.normpath(target)
    return tuple(sorted(resolved.items(), key=lambda item: len(item[0]), reverse=True))


def map_paths(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Replace every OLD (at path boundaries) by its NEW. `pairs` must already be resolved."""
    if not pairs:
        return text
    pattern, table = _compile(tuple(pairs))
    return pattern.sub(lambda m: table[m.group(0)], text)


@lru_cache(maxsize=32)
def _compile(pairs: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    ordered = sorted(pairs, key=lambda item: len(item[0]), reverse=True)
    alternatives = "|".join(re.escape(old) for old, _ in ordered)
    pattern = re.compile(rf"(?<!{_PATH_CHAR})(?<!/)(?:{alternatives})(?!{_PATH_CHAR})")
    return pattern, {old: new for old, new in ordered}
