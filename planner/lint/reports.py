"""VERIFICATION reports: a status gsd understands and a score it can read.

The status is the one completion predicate (`passed` means complete), so anything else than the
three known values is an error; a score that is not "N/M ..." is a warning (reports still load).
"""

from __future__ import annotations

import re

from planner.errors import Diagnostic
from planner.lint.base import ERROR, WARNING, LintDoc

CODES = {
    "GSD350": "verification status is missing or not passed / gaps_found / human_needed",
    "GSD351": "verification score is not of the form N/M",
    "GSD352": "verification score counts more verified than total",
}

STATUSES = ("passed", "gaps_found", "human_needed")
_SCORE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)")


def check(doc: LintDoc) -> list[Diagnostic]:
    ver = doc.verification
    if ver is None or not ver.has_frontmatter:
        return []
    out: list[Diagnostic] = []
    status = (ver.status or "").strip()
    if status not in STATUSES:
        out.append(
            doc.diag(
                "GSD350",
                ERROR,
                f"status is {status!r}" if status else "frontmatter has no `status`",
                line=doc.line_of("status"),
                hint="status: passed | gaps_found | human_needed",
            )
        )
    if ver.score is not None:
        m = _SCORE_RE.match(ver.score)
        if not m:
            out.append(
                doc.diag(
                    "GSD351",
                    WARNING,
                    f"score {ver.score!r} is not N/M",
                    line=doc.line_of("score"),
                    hint='write `score: "N/M must-haves verified"`',
                )
            )
        elif int(m.group(1)) > int(m.group(2)):
            out.append(
                doc.diag(
                    "GSD352",
                    ERROR,
                    f"score {ver.score!r}: {m.group(1)} verified out of {m.group(2)}",
                    line=doc.line_of("score"),
                    hint="N counts verified must-haves and cannot exceed M",
                )
            )
    return out
