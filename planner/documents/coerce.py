"""Small, shared conversions from loaded YAML values to model field values.

Ids keep the text the author typed (`plan: 07` -> "07"): scalars are read back from the YAML
node rather than from the int/float YAML made of them.
"""

from __future__ import annotations

import re
from typing import Any

from planner.documents.frontmatter import FrontmatterResult
from planner.documents.yamlload import format_path
from planner.errors import Diagnostic, Severity

Path = tuple[str | int, ...]

_ANNOTATED_PATH_RE = re.compile(r"^`?([^\s`]+)`?(?:\s+(?:\(|-|—|–|:).*)?$")
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


def dotted(path: Path) -> str:
    return format_path(path)


def diag(
    fm: FrontmatterResult,
    code: str,
    sev: Severity,
    path: Path | None,
    msg: str,
    hint: str | None = None,
    line: int | None = None,
) -> Diagnostic:
    """A diagnostic located at the key path (message prefixed with the dotted path)."""
    if line is None and path is not None:
        # the entry itself, else the nearest enclosing key that exists (always a line)
        for cut in range(len(path), -1, -1):
            line = fm.line_of(path[:cut])
            if line is not None:
                break
    text = f"{dotted(path)}: {msg}" if path else msg
    return Diagnostic(code=code, severity=sev, message=text, file=fm.file, line=line, hint=hint)


def scalar_text(fm: FrontmatterResult, path: Path, value: Any) -> str | None:
    """A scalar as the author wrote it; None for None, lists and mappings."""
    if value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, str):
        return value
    raw = fm.raw_scalar(path)
    return raw if raw is not None else str(value)


def text_list(
    fm: FrontmatterResult,
    path: Path,
    value: Any,
    *,
    split_commas: bool = False,
    item_key: str | None = None,
) -> list[str]:
    """A list of strings from a list, a single string (comma-split when asked) or a scalar."""
    if value is None:
        return []
    if isinstance(value, str):
        parts = value.split(",") if split_commas else [value]
        return [p.strip() for p in parts if p.strip()]
    if not isinstance(value, list):
        text = scalar_text(fm, path, value)
        return [text] if text else []
    out: list[str] = []
    for i, item in enumerate(value):
        if isinstance(item, dict) and item_key and isinstance(item.get(item_key), str):
            out.append(item[item_key])
            continue
        text = scalar_text(fm, (*path, i), item)
        if text is not None and text.strip():
            out.append(text.strip())
    return out


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int):
        return bool(value)
    return None


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\+?\s*", value)
        if m:
            return int(m.group(1))
    return None


def to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*s?\s*", value)
        if m:
            return float(m.group(1))
    return None


def path_of(text: str) -> str:
    """`src/x.py (new)` / "`src/x.py` — what it does" -> src/x.py; anything else unchanged."""
    text = text.strip()
    m = _ANNOTATED_PATH_RE.match(text)
    return m.group(1) if m else text.strip("`")


def keymap(data: dict[str, Any]) -> dict[str, str]:
    """normalized key (lower case, '-' -> '_') -> the key as written (first spelling wins)."""
    out: dict[str, str] = {}
    for k in data:
        out.setdefault(k.lower().replace("-", "_"), k)
    return out
