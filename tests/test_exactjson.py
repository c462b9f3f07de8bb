"""planner/exactjson.py: the ledger's lines read back without pydantic, with pydantic's answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.datamodel import DataModel, model
from planner.documents.models import KeyLink
from planner.exactjson import load_exact
from planner.execution.ledger import Ledger, RunRecord, RunStatus
from planner.results import CommandStatus, LedgerEntry, TestCounts
from tests.execute_helpers import ledger_lines, run_gsd


def test_a_real_ledger_reads_back_as_pydantic_reads_it(example_copy: Path) -> None:
    done = run_gsd(example_copy, "execute", "26-04")
    assert done.returncode in (0, 1), done.stderr
    lines = ledger_lines(example_copy, "26-04")
    assert any(line.get("record") == "run" for line in lines)
    assert any("command" in line for line in lines)
    for data in lines:
        cls: type[DataModel] = RunRecord if data.get("record") == "run" else LedgerEntry
        assert load_exact(cls, data) == cls.model_validate(data)


def test_reading_the_ledger_does_not_import_pydantic(example_copy: Path) -> None:
    assert run_gsd(example_copy, "execute", "26-04").returncode in (0, 1)
    code = (
        "import sys\n"
        "from planner.execution.ledger import Ledger\n"
        f"ledger = Ledger({str(example_copy / '.planning')!r})\n"
        "assert ledger.entries('26-04') and ledger.skipped_lines == 0\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


_text = st.text(max_size=20)
_opt_text = st.none() | _text
_counts = st.builds(
    TestCounts,
    runner=st.sampled_from(["pytest", "jest", "go"]),
    passed=st.integers(0, 10**6),
    failed=st.integers(0, 50),
    errors=st.integers(0, 5),
    skipped=st.integers(0, 5),
)
_entries = st.builds(
    LedgerEntry,
    run_id=_text,
    plan=_text,
    phase=_opt_text,
    task=st.none() | st.integers(1, 99),
    kind=st.sampled_from(["verify", "verification", "truth", "agent"]),
    command=_text,
    run_command=_opt_text,
    status=st.sampled_from(list(CommandStatus)),
    exit_code=st.none() | st.integers(-255, 255),
    duration=st.floats(0, 1e6, allow_nan=False) | st.integers(0, 10**6),
    started_at=_opt_text,
    output_head=_text,
    output_tail=_text,
    test_counts=st.none() | _counts,
    git_head=_opt_text,
    git_dirty=st.none() | st.booleans(),
    done_refuted=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(_entries)
def test_what_the_ledger_writes_reads_back_equal(entry: LedgerEntry) -> None:
    data = json.loads(entry.model_dump_json())
    assert load_exact(LedgerEntry, data) == entry == LedgerEntry.model_validate(data)


def _line(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "run_id": "r1",
        "plan": "26-04",
        "command": "pytest",
        "status": "passed",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"task": "1"}, "expected int, got str"),
        ({"task": True}, "expected int, got bool"),
        ({"status": "fine"}, "'fine' is not a CommandStatus"),
        ({"duration": "1.5"}, "expected a number, got str"),
        ({"git_dirty": 1}, "expected bool, got int"),
        ({"test_counts": {"passed": 3}}, "TestCounts: 'runner' is missing"),
        ({"test_counts": [1]}, "expected an object for TestCounts, got list"),
        ({"command": None}, "LedgerEntry.command: expected str, got NoneType"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_with_the_reason(
    changes: dict[str, Any], why: str
) -> None:
    with pytest.raises(ValueError) as caught:
        load_exact(LedgerEntry, _line(**changes))
    assert why in str(caught.value)


def test_a_missing_required_key_is_refused() -> None:
    data = _line()
    del data["status"]
    with pytest.raises(ValueError, match="LedgerEntry: 'status' is missing"):
        load_exact(LedgerEntry, data)


def test_unknown_keys_are_ignored_and_ints_become_floats() -> None:
    entry = load_exact(LedgerEntry, _line(duration=2, added_later="x"))
    assert entry.duration == 2.0 and type(entry.duration) is float
    assert entry == LedgerEntry.model_validate(_line(duration=2, added_later="x"))


def test_literals_and_enums_of_a_run_record() -> None:
    data = {"record": "run", "event": "end", "run_id": "r", "plan": "1-01", "at": "t"}
    record = load_exact(RunRecord, {**data, "status": "passed"})
    assert record.status is RunStatus.PASSED and record.event == "end"
    with pytest.raises(ValueError, match="'later' is not one of"):
        load_exact(RunRecord, {**data, "event": "later"})


def test_an_alias_and_the_field_name_are_both_read() -> None:
    by_alias = load_exact(KeyLink, {"from": "a.py", "to": "b.py"})
    by_name = load_exact(KeyLink, {"from_": "a.py", "to": "b.py"})
    assert by_alias == by_name == KeyLink.model_validate({"from": "a.py", "to": "b.py"})


def test_a_damaged_line_is_skipped_by_the_ledger(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / ".planning")
    ledger.append(LedgerEntry(run_id="r", plan="1-01", command="x", status=CommandStatus.PASSED))
    with ledger.path_for("1-01").open("ab") as fh:
        fh.write(json.dumps(_line(plan="1-01", task="two")).encode() + b"\n")
    assert [e.command for e in ledger.entries("1-01")] == ["x"]
    assert ledger.skipped_lines == 1


def test_a_type_it_cannot_read_is_a_programming_error() -> None:
    @model
    class Odd(DataModel):
        when: set[int]

    with pytest.raises(TypeError, match="no reader for"):
        load_exact(Odd, {"when": [1]})
