"""The dataclass models keep pydantic's guarantees: every loaded document validates, dumps agree.

Documents and diagnostics are slotted dataclasses so that loading one never imports pydantic
(start-up). What pydantic gave for free is checked here instead, on every document of the corpus:
the loader's values have the declared types (pydantic validates the dump back into an equal
object) and `model_dump` writes what pydantic's serialiser writes.
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from planner.datamodel import dump
from planner.documents.loader import load_document
from planner.documents.models import KeyLink, Loaded, MustHaves, Plan, Truth
from planner.errors import Diagnostic, Severity

LOADED = TypeAdapter(Loaded)


def test_every_corpus_document_validates_and_dumps_as_pydantic_would(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.rglob("*.md"))
    assert len(files) > 3000
    invalid: list[str] = []
    differ: list[str] = []
    for path in files:
        loaded = load_document(path)
        try:
            again = Loaded.model_validate(loaded.model_dump())
        except ValidationError as exc:
            invalid.append(f"{path}: {exc.errors()[0]}")
            continue
        if again != loaded:
            invalid.append(f"{path}: validated copy differs")
        for by_alias in (False, True):
            ours = loaded.model_dump(mode="json", by_alias=by_alias)
            theirs = LOADED.dump_python(loaded, mode="json", by_alias=by_alias)
            if ours != theirs or list(ours) != list(theirs):
                differ.append(str(path))
    assert invalid == []
    assert differ == []


def test_values_yaml_can_produce_dump_as_pydantic_dumps_them() -> None:
    values: dict[str, Any] = {
        "date": dt.date(2026, 1, 2),
        "naive": dt.datetime(2026, 1, 2, 3, 4, 5),
        "utc": dt.datetime(2026, 1, 2, 3, 4, 5, 123, tzinfo=dt.UTC),
        "offset": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "inf": math.inf,
        "nan": math.nan,
        "keys": {1: "one", None: "none", 2.5: "half", dt.date(2026, 1, 1): "day"},
        "set": {3},
        "tuple": (1, "a"),
        "bytes": b"ab",
        "nested": [{"a": [1, 2.0, True, None]}],
    }
    adapter = TypeAdapter(dict[str, Any])
    assert dump(values, json=True) == adapter.dump_python(values, mode="json")
    python = dump(values, json=False)
    assert python["utc"] is values["utc"]
    assert python["tuple"] == (1, "a")
    assert math.isinf(python["inf"])


def test_undecodable_binary_yaml_value_dumps_with_replacement_where_pydantic_raises() -> None:
    assert dump({"blob": b"a\xff"}, json=True) == {"blob": "a\ufffd"}


def test_alias_validation_copy_and_schema() -> None:
    link = KeyLink.model_validate({"from": "a.py", "to": "b.py", "pattern": "x"})
    assert link == KeyLink(from_="a.py", to="b.py", pattern="x")
    assert link.model_dump(by_alias=True)["from"] == "a.py"
    assert link.model_dump()["from_"] == "a.py"
    moved = link.model_copy(update={"line": 9})
    assert (moved.line, link.line) == (9, None)
    with pytest.raises(ValidationError):
        MustHaves.model_validate({"truths": [{"text": 3}]})
    schema = KeyLink.model_json_schema()
    assert schema["required"] == ["from", "to"]
    assert Plan.model_json_schema()["$defs"]["Truth"]["required"] == ["text"]


def test_a_pydantic_model_holding_dataclass_models_serialises_them_with_aliases() -> None:
    class Holder(BaseModel):
        diagnostics: list[Diagnostic]
        link: KeyLink

    diag = Diagnostic(code="GSD1", severity=Severity.ERROR, message="m", file="f", line=2)
    held = Holder(diagnostics=[diag], link=KeyLink(from_="a", to="b"))
    assert held.diagnostics[0] is diag  # not copied, not re-validated
    assert held.model_dump(mode="json", by_alias=True) == {
        "diagnostics": [
            {"code": "GSD1", "severity": "error", "message": "m", "file": "f", "line": 2}
            | {"col": None, "hint": None}
        ],
        "link": {"from": "a", "to": "b", "via": None, "pattern": None, "line": None},
    }
    assert Truth(text="t") == Truth(text="t") and Truth(text="t") != Truth(text="u")


def test_loading_and_showing_a_plan_never_imports_pydantic(tmp_path: Path) -> None:
    plan = tmp_path / "01-01-PLAN.md"
    plan.write_text("---\nphase: 01\nplan: 01\nmust_haves:\n  truths: [works]\n---\n# Plan\n")
    code = (
        "import sys, json\n"
        "from planner.documents.loader import load_document\n"
        f"loaded = load_document({str(plan)!r})\n"
        "print(json.dumps(loaded.model_dump(mode='json', by_alias=True)))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    dumped, modules = out.stdout.splitlines()
    assert '"truths": [{"text": "works"' in dumped
    assert modules == "[]"


def test_models_compare_by_class_and_fields_print_as_dataclasses_and_are_unhashable() -> None:
    truth = Truth(text="t", line=3)
    assert repr(truth) == "Truth(text='t', verify=None, line=3)"
    assert truth == Truth(text="t", line=3)
    assert truth != Truth(text="t", line=4)
    assert truth != KeyLink(from_="t", to="t")  # another class never compares equal
    with pytest.raises(TypeError):
        hash(truth)
    with pytest.raises(AttributeError):
        truth.txet = "typo"  # type: ignore[attr-defined]  # slotted: no stray attributes
