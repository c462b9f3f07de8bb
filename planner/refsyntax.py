"""How a reference on the command line or in a commit subject is written: a path, or an id.

Stdlib-free on purpose: the workspace and the git hook's plan finder (which must not import the
workspace) share this one rule.
"""

from __future__ import annotations


def looks_like_path(text: str) -> bool:
    """`a/b`, `a\\b`, `x.md`, `.`, `..`, `~...`: read as a path, not as a phase or plan id."""
    return (
        "/" in text
        or "\\" in text
        or text.endswith(".md")
        or text in (".", "..")
        or text.startswith("~")
    )
