"""The start-up side of `gsd verify`: the typer-free command line reads the same shapes the same
way, and a `--static --no-write` run imports only what it uses (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from verify_factories import make_project, plan_text, summary_text

from planner.verify.fastcli import VerifyArgs, parse_fast

PY_ONLY = {
    "src/app.py": "def main():\n    return 0\n\n\nclass Store:\n    def get(self):\n        return 1\n",
    "src/cli.py": "from src.app import main\n\n\ndef run():\n    return main()\n",
}
MUST = """
truths:
  - "the app runs"
artifacts:
  - {path: src/app.py, exports: [main, Store], contains: ["def main"]}
  - {path: src/gone.py}
key_links:
  - {from: src/cli.py, to: src/app.py, via: import, pattern: "from src.app import main"}
"""

# Runs the typer-free entry point (planner.fastpath), as `gsd --no-color verify ...` does.
FAST = """
import sys
from planner.fastpath import fast_path
sys.argv = ["gsd", "--no-color", "verify", *sys.argv[1:]]
code = fast_path(sys.argv[1:])
if code is None:
    sys.exit("not a fast shape")
sys.exit(code)
"""

# A run that prints the modules it imported (stdout is the report, so they go to a file).
IMPORTS = (
    FAST.replace("sys.exit(code)", "")
    + """
import json, os
with open(os.environ["IMPORTED_TO"], "w") as handle:
    json.dump(sorted(sys.modules), handle)
"""
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["PYTHONHASHSEED"] = "0"
    return env


def _typer(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", "--no-color", "verify", *args],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
    )


def _fast(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", FAST, *args],
        cwd=root,
        env=env or _env(),
        capture_output=True,
        text=True,
    )


@pytest.fixture()
def py_project(tmp_path: Path) -> Path:
    plans = {"01-01": plan_text("1", "01", MUST), "01-02": plan_text("1", "02", MUST)}
    return make_project(
        tmp_path, plans, files=PY_ONLY, summaries={"01-01": summary_text("1", "01")}
    )


# ---------------------------------------------------------------------------------------------
# parse_fast


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["phase", "1"], VerifyArgs(scope="phase", ref="1")),
        (
            ["phase", "1", "--static", "--no-write"],
            VerifyArgs(scope="phase", ref="1", static=True, no_write=True),
        ),
        (["plan", "26-04", "--json"], VerifyArgs(scope="plan", ref="26-04", json_out=True)),
        (["phase", "--static", "02.1"], VerifyArgs(scope="phase", ref="02.1", static=True)),
        (["phase", "1", "--jobs", "2"], VerifyArgs(scope="phase", ref="1", jobs=2)),
        (["phase", "1", "--format", "github"], VerifyArgs(scope="phase", ref="1", fmt="github")),
        (
            ["phase", "1", "--junit", "out.xml"],
            VerifyArgs(scope="phase", ref="1", junit=Path("out.xml")),
        ),
    ],
)
def test_parse_fast_reads_the_common_shapes(argv: list[str], expected: VerifyArgs) -> None:
    assert parse_fast(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["phase"],
        ["phase", "1", "2"],
        ["phase", "1", "--jobs", "0"],
        ["phase", "1", "--format", "json"],
        ["phase", "1", "--junit"],
        ["phase", "1", "--static", "--static"],
        ["phase", "1", "--help"],
        ["phase", "1", "-h"],
        ["phase", "--", "1"],
        ["phase", "-1"],
        ["summary", "1"],
        ["--static", "phase", "1"],
    ],
)
def test_parse_fast_leaves_every_other_shape_to_typer(argv: list[str]) -> None:
    assert parse_fast(argv) is None


# ---------------------------------------------------------------------------------------------
# Same output as the typer command


@pytest.mark.parametrize(
    "args",
    [
        ("phase", "1", "--static", "--no-write"),
        ("phase", "1", "--static", "--no-write", "--json"),
        ("plan", "01-02", "--static"),
        ("phase", "9", "--static"),  # unknown phase: the boundary's message, exit 3
    ],
)
def test_fast_path_prints_what_typer_prints(py_project: Path, args: tuple[str, ...]) -> None:
    slow = _typer(py_project, *args)
    fast = _fast(py_project, *args)
    assert fast.returncode == slow.returncode
    assert fast.stderr == slow.stderr
    if "--json" in args:
        report, expected = json.loads(fast.stdout), json.loads(slow.stdout)
        assert report.pop("verified_at") and expected.pop("verified_at")  # the clock moved
        assert report == expected
    else:
        assert fast.stdout == slow.stdout
    assert slow.returncode in (1, 3)  # the project has gaps; phase 9 does not exist
    if args[1] == "9":
        assert "GSD" in fast.stderr and fast.stdout == ""


def test_fast_path_writes_the_same_report(py_project: Path, tmp_path: Path) -> None:
    report = py_project / ".planning" / "phases" / "01-demo" / "01-VERIFICATION.md"
    fast = _fast(py_project, "phase", "1", "--static")
    written = report.read_text(encoding="utf-8")
    again = _typer(py_project, "phase", "1", "--static")  # same results: file left as it is
    assert (fast.returncode, again.returncode) == (1, 1)
    assert report.read_text(encoding="utf-8") == written
    assert "unchanged" in again.stdout and "written" in fast.stdout


# ---------------------------------------------------------------------------------------------
# What a static run without a file to write imports


def test_static_no_write_run_imports_only_what_it_uses(py_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "imported.json"
    env = {**_env(), "IMPORTED_TO": str(out)}
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS, "phase", "1", "--static", "--no-write"],
        cwd=py_project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "gaps found: 4/8 must-haves verified" in done.stdout  # the run did its work
    imported = set(json.loads(out.read_text()))
    assert "planner.checks.pyscan" in imported  # the Python files were read for symbols
    never = {
        "typer",  # the fast path's point
        "rich",  # not a terminal
        "jinja2",  # no file rendered
        "git",
        "planner.execution.runner",  # --static starts no process
        "planner.execution.launch",
        "planner.reports.junit",  # no --junit
        "planner.reports.verification_md",  # --no-write renders no file
        "planner.reports.templates",
        "planner.verify.agent_judge",  # no --agent
        "planner.checks.lang_braces",  # no brace-language file in the project
        "subprocess",  # no process, no git: nothing to start one
        "selectors",
        "socket",
        "planner.verify.commands",  # the runner's side of verify
        "planner.execution.ledger",  # the project has no ledger
        "planner.execution.jobs",
        "planner.execution.done_claims",  # no task result to check a done claim against
        "planner.execution.expectations",
        "pydantic",
    }
    assert sorted(never & imported) == []


def test_language_specs_are_built_on_first_use() -> None:
    code = """
from planner.checks.decls import LANG_BY_EXT
from planner.checks.lang_specs import SPECS
assert dict(SPECS) == {}
go = SPECS["go"]
assert list(SPECS) == ["go"] and SPECS["go"] is go
for lang in sorted(set(LANG_BY_EXT.values()) - {"python"}):
    assert SPECS[lang].decls, lang
assert sorted(SPECS) == ["dart", "go", "js", "kotlin", "rust", "swift"]
try:
    SPECS["cobol"]
except KeyError:
    print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "ok\n", done.stderr


def _imports(
    root: Path, tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "imported.json"
    env = {**_env(), "IMPORTED_TO": str(out)}
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS, *args], cwd=root, env=env, capture_output=True, text=True
    )
    return done, set(json.loads(out.read_text()))


TASKS = """<tasks>
<task type="auto">
  <name>Build it</name>
  <verify>
    echo "boom happened"
  </verify>
  <done>No "boom" errors</done>
</task>
</tasks>
"""


def test_static_run_reads_the_ledger_and_writes_nothing_to_it(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"01-01": plan_text("1", "01", MUST, TASKS)}, files=PY_ONLY)
    ran = _fast(root, "phase", "1", "--no-write", "--json")  # runs the task: result to the ledger
    assert ran.returncode == 1, ran.stderr
    ledger = root / ".planning" / ".gsd" / "ledger" / "01-01.jsonl"
    before = ledger.read_bytes()
    done, imported = _imports(root, tmp_path, "phase", "1", "--static", "--no-write", "--json")
    # The ledger's result, its done claim checked as in the run that recorded it.
    gaps = {g["truth"]: g["reason"] for g in json.loads(done.stdout)["gaps"]}
    assert gaps == {g["truth"]: g["reason"] for g in json.loads(ran.stdout)["gaps"]}
    assert gaps["Task 1 of 01-01 (Build it): verification passes"].startswith(
        'verification failed: 1 of 1 commands did not pass: `echo "boom happened"`: failed '
        '(exit 0); expectation not met: done: No "boom" errors'
    )
    assert ledger.read_bytes() == before  # no run started, none ended
    assert {"planner.execution.ledger", "planner.execution.expectations"} <= imported
    assert sorted(imported & {"planner.execution.runner", "planner.verify.commands"}) == []


def test_unchanged_rerun_renders_and_validates_nothing(py_project: Path, tmp_path: Path) -> None:
    assert _fast(py_project, "phase", "1", "--static").returncode == 1
    (py_project / "src" / "gone.py").write_text("x = 1\n", encoding="utf-8")  # a gap closes
    assert _fast(py_project, "phase", "1", "--static").returncode == 1
    report = py_project / ".planning" / "phases" / "01-demo" / "01-VERIFICATION.md"
    written = report.read_bytes()
    assert b"re_verification:\n  previous_status: gaps_found\n" in written
    done, imported = _imports(py_project, tmp_path, "phase", "1", "--static")
    assert "gaps found" in done.stdout, done.stderr  # (IMPORTS exits 0)
    assert "(unchanged)" in done.stdout and report.read_bytes() == written
    # The file's marker says so: nothing re-rendered, its re_verification read without pydantic.
    assert sorted(imported & {"jinja2", "pydantic", "planner.reports.templates"}) == [
        "planner.reports.templates"
    ]


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"previous_status": None, "previous_score": None},
        {
            "previous_status": "gaps_found",
            "previous_score": "3/5 must-haves verified",
            "gaps_closed": ["Artifact `src/a.py` exists"],
            "gaps_remaining": [],
            "regressions": ["B holds", "C holds"],
            "gaps_dropped": ["D holds"],
        },
        {"gaps_closed": ("a",)},  # the rest goes to pydantic, as before
        {"previous_score": 5},
        {"gaps_closed": ["a", 1]},
        {"gaps_closed": None},
        {"unknown": "x", "gaps_closed": ["a"]},
        "not a mapping",
    ],
)
def test_carried_re_verification_is_what_pydantic_validates(raw: object) -> None:
    from pydantic import ValidationError

    from planner.documents.models import Verification
    from planner.reports.phase import ReVerificationResult
    from planner.verify.report import carried_re_verification

    previous = Verification(path="x", frontmatter={"re_verification": raw})
    expected: ReVerificationResult | None = None
    if isinstance(raw, dict):
        try:
            expected = ReVerificationResult.model_validate(raw)
        except ValidationError:
            expected = None
    got = carried_re_verification(previous)
    assert got == expected
    if got is not None and isinstance(raw, dict) and isinstance(raw.get("gaps_closed"), list):
        assert got.gaps_closed is not raw["gaps_closed"]  # a copy, as pydantic makes
