"""JSON Schema of each document's frontmatter, generated from the pydantic models.

The models also carry what the loader derives (line numbers, parsed score, body): those are
removed, and the forms authors may write are allowed (an id as a number, `contains` as one
string, a truth as text or {truth, verify}).
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from planner.documents.models import PlanFrontmatter, Summary, Verification

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DERIVED = {
    "line",
    "extra",
    "path",
    "has_frontmatter",
    "frontmatter",
    "body",
    "body_line",
    "score_verified",
    "score_total",
    "prose",
    "title",
}
_ID = {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}
_TEXT_OR_LIST = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def _strip(schema: dict[str, Any]) -> None:
    """Drop loader-derived properties from every object schema, in place."""
    for obj in [schema, *schema.get("$defs", {}).values()]:
        props = obj.get("properties")
        if not isinstance(props, dict):
            continue
        for name in _DERIVED & set(props):
            del props[name]
        if "required" in obj:
            obj["required"] = [r for r in obj["required"] if r not in _DERIVED]
            if not obj["required"]:
                del obj["required"]
        obj["additionalProperties"] = True  # real documents carry many more keys


def _base(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = copy.deepcopy(model.model_json_schema(by_alias=True, mode="validation"))
    _strip(schema)
    schema["$schema"] = _DIALECT
    schema["title"] = title
    return schema


def _plan() -> dict[str, Any]:
    s = _base(PlanFrontmatter, "GSD PLAN.md frontmatter")
    props = s["properties"]
    props["phase"] = dict(_ID, description="phase id, kept as written (02.1, 26-ci-cd-fixes)")
    props["plan"] = dict(_ID, description="plan id, kept as written (04, GAP-01)")
    props["depends_on"] = {
        "type": "array",
        "items": {"anyOf": [{"type": "string"}, {"type": "number"}]},
    }
    defs = s["$defs"]
    truth = defs["Truth"]
    truth["properties"] = {"truth": {"type": "string"}, "verify": {"type": "string"}}
    truth["required"] = ["truth"]
    defs["MustHaves"]["properties"]["truths"] = {
        "type": "array",
        "items": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/Truth"}]},
    }
    art = defs["Artifact"]["properties"]
    art["contains"] = dict(_TEXT_OR_LIST)
    art["exports"] = dict(_TEXT_OR_LIST)
    return s


def _summary() -> dict[str, Any]:
    s = _base(Summary, "GSD SUMMARY.md frontmatter")
    props = s["properties"]
    props["phase"], props["plan"] = dict(_ID), dict(_ID)
    props["key-files"] = props.pop("key_files")
    props["requirements-completed"] = props.pop("requirements_completed")
    s["description"] = "hyphen and underscore spellings of every key are both accepted"
    return s


def _verification() -> dict[str, Any]:
    s = _base(Verification, "GSD VERIFICATION.md frontmatter")
    props = s["properties"]
    props["phase"] = dict(_ID)
    props["status"] = {"enum": ["passed", "gaps_found", "human_needed"]}
    props["score"] = {
        "type": "string",
        "pattern": r"^\s*\d+\s*/\s*\d+",
        "description": '"N/M must-haves verified"',
    }
    props["re_verification"] = {
        "anyOf": [{"$ref": "#/$defs/ReVerification"}, {"type": "boolean"}, {"type": "null"}]
    }
    return s


_BUILDERS = {"plan": _plan, "summary": _summary, "verification": _verification}


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of the frontmatter of a `plan`, `summary` or `verification` document."""
    try:
        return _BUILDERS[kind.strip().lower()]()
    except KeyError:
        raise ValueError(
            f"unknown document kind {kind!r}; choose plan, summary or verification"
        ) from None
