"""`gsd schema plan|summary|verification`: the JSON Schema of a document's frontmatter."""

from __future__ import annotations

from typing import Any

from planner.errors import UsageError

CODES = {
    "GSD230": "unknown schema kind",
}

KINDS = ("plan", "summary", "verification")


def schema(kind: str) -> dict[str, Any]:
    name = kind.strip().lower()
    if name not in KINDS:
        raise UsageError(
            f"unknown schema kind {kind!r}",
            code="GSD230",
            hint="choose one of: " + ", ".join(KINDS),
        )
    from planner.documents.schema import json_schema

    return json_schema(name)
