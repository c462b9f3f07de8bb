"""Build PlanFrontmatter from loaded frontmatter: ids as text, lists from strings, flags from text."""

from __future__ import annotations

from typing import Any

from planner.documents.coerce import diag, scalar_text, text_list, to_bool, to_float, to_int
from planner.documents.frontmatter import FrontmatterResult
from planner.documents.models import PlanFrontmatter
from planner.documents.musthaves import build_must_haves
from planner.errors import Diagnostic, Severity

CODES = {
    "GSD140": "plan frontmatter field of the wrong type, ignored",
}

_OWN = {
    "phase",
    "plan",
    "type",
    "wave",
    "depends_on",
    "files_modified",
    "autonomous",
    "gap_closure",
    "requirements",
    "must_haves",
    "must-haves",
    "timeout",
}


def build_plan_frontmatter(fm: FrontmatterResult) -> tuple[PlanFrontmatter, list[Diagnostic], bool]:
    """(frontmatter model, diagnostics, whether must_haves was present)."""
    data = fm.data
    diags: list[Diagnostic] = []

    def bad(key: str, value: Any, want: str) -> None:
        diags.append(
            diag(
                fm,
                "GSD140",
                Severity.WARNING,
                (key,),
                f"{value!r} is not {want}; ignored",
                f"write {key}: <{want}>",
            )
        )

    kw: dict[str, Any] = {
        "phase": scalar_text(fm, ("phase",), data.get("phase")),
        "plan": scalar_text(fm, ("plan",), data.get("plan")),
        "depends_on": text_list(fm, ("depends_on",), data.get("depends_on"), split_commas=True),
        "files_modified": text_list(
            fm, ("files_modified",), data.get("files_modified"), item_key="path"
        ),
        "requirements": text_list(
            fm, ("requirements",), data.get("requirements"), split_commas=True
        ),
        "extra": {k: v for k, v in data.items() if k not in _OWN},
    }
    if data.get("type") is not None:
        kw["type"] = str(data["type"])
    for key, conv, want in (
        ("wave", to_int, "a whole number"),
        ("autonomous", to_bool, "true or false"),
        ("gap_closure", to_bool, "true or false"),
        ("timeout", to_float, "a number of seconds"),
    ):
        if data.get(key) is not None:
            value = conv(data[key])
            if value is None:
                bad(key, data[key], want)
            elif key != "gap_closure" or value:
                kw[key] = value
    mh, mh_diags, present = build_must_haves(fm)
    diags.extend(mh_diags)
    pf = PlanFrontmatter(must_haves=mh, **kw)
    return pf, diags, present
