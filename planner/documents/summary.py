"""Build a Summary from a SUMMARY.md: frontmatter optional, hyphen and underscore keys alike.

`commits` appears as hashes, as "abc1234 (Plan 07-01) feat: ..." strings, as one-key mappings
("abc1234 (Plan 07-01) feat(x)": "message") and as {task, hash, message}; the hash is taken from
each. A hash YAML read as a number (`hash: 2414423`) keeps the digits the author typed.
"""

from __future__ import annotations

from typing import Any

from planner.documents.coerce import Path, diag, keymap, path_of, scalar_text, text_list
from planner.documents.frontmatter import FrontmatterResult
from planner.documents.lazyre import lazy_re
from planner.documents.models import Summary
from planner.errors import Diagnostic, Severity

CODES = {
    "GSD160": "SUMMARY has no frontmatter (read from the body only)",
    "GSD161": "commits entry without a recognisable commit hash",
    "GSD162": "key-files is neither a mapping nor a list",
}

_HASH_RE = lazy_re(r"^\s*`?([0-9a-f]{7,40})\b")
_COMMIT_KEYS = ("commits", "commit", "task_commits")


def build_summary(fm: FrontmatterResult, path: str) -> tuple[Summary, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    s = Summary(
        path=path,
        has_frontmatter=fm.has_frontmatter,
        body=fm.body,
        body_line=fm.body_line,
        frontmatter=dict(fm.data),
    )
    if not fm.has_frontmatter:
        diags.append(
            Diagnostic(
                code="GSD160",
                severity=Severity.WARNING,
                file=fm.file,
                line=1,
                message="SUMMARY has no frontmatter; phase, plan, commits and "
                "key files are unknown",
                hint="start the file with a `---` block (phase, plan, key-files, commits)",
            )
        )
        return s, diags
    data, keys = fm.data, keymap(fm.data)

    def get(name: str) -> tuple[Any, Path]:
        k = keys.get(name)
        return (data[k], (k,)) if k is not None else (None, (name,))

    for field_name in ("phase", "plan", "duration", "completed"):
        value, p = get(field_name)
        setattr(s, field_name, scalar_text(fm, p, value))
    status, _ = get("status")
    s.status = None if status is None else str(status)
    for name in ("requirements_completed", "requirements_closed"):
        value, p = get(name)
        if value is not None:
            s.requirements_completed = text_list(fm, p, value, split_commas=True)
            break
    for name in _COMMIT_KEYS:
        value, p = get(name)
        if value is not None:
            s.commits.extend(h for h in _commits(fm, p, value, diags) if h not in s.commits)
    value, p = get("key_files")
    if value is not None:
        s.key_files = _key_files(fm, p, value, diags)
    return s, diags


def _hash_of(fm: FrontmatterResult, p: Path, item: Any) -> str | None:
    if isinstance(item, dict):
        for k in ("hash", "sha", "commit", "id"):
            if k in item:
                return _hash_of(fm, (*p, k), item[k])
        if len(item) == 1:
            return _hash_of(fm, p, str(next(iter(item))))
        return None
    text = scalar_text(fm, p, item)
    m = _HASH_RE().match(text or "")
    return m.group(1) if m else None


def _commits(fm: FrontmatterResult, p: Path, value: Any, diags: list[Diagnostic]) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        ip = (*p, i) if isinstance(value, list) else p
        h = _hash_of(fm, ip, item)
        if h is None:
            diags.append(
                diag(
                    fm,
                    "GSD161",
                    Severity.WARNING,
                    ip,
                    f"no commit hash in {str(item)[:60]!r}",
                    "start each entry with the short hash",
                )
            )
        elif h not in out:
            out.append(h)
    return out


def _key_files(
    fm: FrontmatterResult, p: Path, value: Any, diags: list[Diagnostic]
) -> dict[str, list[str]]:
    if isinstance(value, dict):
        return {
            str(k): [path_of(x) for x in text_list(fm, (*p, str(k)), v, item_key="path")]
            for k, v in value.items()
        }
    if isinstance(value, (list, str)):
        return {"files": [path_of(x) for x in text_list(fm, p, value, item_key="path")]}
    diags.append(
        diag(
            fm,
            "GSD162",
            Severity.WARNING,
            p,
            f"key-files is a {type(value).__name__}; ignored",
            "write key-files: {created: [...], modified: [...]}",
        )
    )
    return {}
