"""`gsd verify` on the bundled example (a private copy): the report holds the real gaps, follows
the code when it is broken or fixed, and does not churn when nothing changed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from verify_factories import VENV_BIN, frontmatter, git_init, gsd

from planner.execution.ledger import Ledger, entry_from_result
from planner.execution.runner import run_command

PHASE26 = Path(".planning/phases/26-ci-cd-fixes")
REPORT26 = PHASE26 / "26-VERIFICATION.md"
PHASE12 = Path(".planning/phases/12-tier-1-coverage-push")
AUTHOR = "/Users/rushiparikh/projects/atom"
PATCH_LINE = (
    '        patch.object(atom, "_record_execution", new_callable=AsyncMock) as record_execution,\n'
)
GOVERNANCE = Path("backend/tests/test_atom_governance.py")
LINK_26_06 = "Key link `test_atom_learning_progression` → `AtomMetaAgent._record_execution` via patch.object mock"
TRUTHS_26_04 = [
    "Tests run without UNIQUE constraint failed: users.email errors",
    "Tests run without duplicate index definition errors",
    "Each test gets a fresh database state",
    "In-memory database is used for all test fixtures",
]
DUP_INDEX = TRUTHS_26_04[1]
HEALTH_CMD = f"PYTHONPATH={AUTHOR}/backend pytest backend/tests/test_health_monitoring.py -q"
GOVERNANCE_CMD = f"PYTHONPATH={AUTHOR}/backend pytest backend/tests/test_atom_governance.py -q"
TASK2_26_04 = (
    "Task 2 of 26-04 (Fix test_health_monitoring.py to use standardized db_session fixture): "
    "verification passes"
)
TASK3_26_04 = "Task 3 of 26-04 (Verify tests pass with clean database state): verification passes"


@pytest.fixture(autouse=True)
def _pytest_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plans run `pytest`: the venv's, as a user's shell would find it."""
    monkeypatch.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def bind_commands(root: Path) -> None:
    """Give the example commands to run: a truth's `verify:` (the DESIGN extension) in 26-04 and
    a command in 26-06's Verification section, both with the author's paths (config maps them)."""
    edit(
        root / PHASE26 / "26-04-PLAN.md",
        f'    - "{DUP_INDEX}"\n',
        f'    - truth: "{DUP_INDEX}"\n      verify: "{HEALTH_CMD}"\n',
    )
    edit(
        root / PHASE26 / "26-06-PLAN.md",
        "After completion, verify:\n",
        f"After completion, verify:\n\n{GOVERNANCE_CMD}\nExpected: 2 passed\n",
    )


def gap_truths(root: Path) -> list[str]:
    return [g["truth"] for g in frontmatter(root / REPORT26)["gaps"]]


# ---------------------------------------------------------------------------------------------
# The example as shipped


def test_phase_26_static_report_holds_what_it_can_see(example_copy: Path) -> None:
    result = gsd(example_copy, "verify", "phase", "26", "--static")
    assert result.exit_code == 1, result.output
    fm = frontmatter(example_copy / REPORT26)
    assert fm["status"] == "gaps_found"
    assert fm["score"] == "9/13 must-haves verified"
    # Nothing ran and there is no ledger: the missing SUMMARYs are all gsd can see on its own.
    assert gap_truths(example_copy) == ["Plan 26-04 has a SUMMARY", "Plan 26-06 has a SUMMARY"]
    # 26-04's truths have no evidence without commands or a ledger: a person must look.
    assert [h["test"] for h in fm["human_verification"]] == TRUTHS_26_04
    # The previous report is the seed: compared, not trusted.
    rv = fm["re_verification"]
    assert (rv["previous_status"], rv["previous_score"]) == (
        "gaps_found",
        "3/10 must-haves verified",
    )
    assert "Artifact `backend/tests/test_feedback_enhanced.py`" in rv["gaps_closed"]
    assert "Tests can create User objects without TypeError" in rv["gaps_dropped"]
    body = (example_copy / REPORT26).read_text(encoding="utf-8")
    # What passes, passes with evidence a reader can open (the seed key-link cases).
    assert (
        'backend/tests/test_atom_governance.py:36: patch.object(atom, "_record_execution", '
        "new_callable=AsyncMock) as record_execution," in body
    )
    assert "test_atom_learning_progression (lines 30-45)" in body
    assert "| `backend/tests/conftest.py` | `core.database.Base` |" in body
    assert "backend/tests/conftest.py:42: Base.metadata.create_all(engine, checkfirst=True)" in body
    assert (
        "| 5 | test_atom_learning_progression runs without UsageEvent mapper error | ✓ VERIFIED |"
        in body
    )
    # The line count is said once, not once per source ("66 lines<br>66 lines").
    assert (
        "| ✓ VERIFIED | exists, 66 lines<br>backend/tests/conftest.py: 66 lines (min_lines 60) |"
        in body
    )
    assert "_No commands run._" in body
    assert result.stdout.splitlines()[-1] == (
        "gaps found: 9/13 must-haves verified (2 completeness findings failing)"
    )
    assert not (example_copy / ".planning/.gsd/ledger").exists()


def test_static_runs_no_command(example_copy: Path) -> None:
    """--static starts no process: a task command that would leave a marker file does not."""
    marker = example_copy / "ran.txt"
    edit(
        example_copy / PHASE26 / "26-06-PLAN.md",
        "  <verify>\n",
        "  <verify>\n    touch ran.txt\n",
    )
    assert gsd(example_copy, "verify", "phase", "26", "--static").exit_code == 1
    assert not marker.exists()
    assert gsd(example_copy, "verify", "plan", "26-06").exit_code == 1
    assert marker.exists()  # the same plan without --static does run it


@pytest.mark.slow
def test_phase_26_verify_finds_the_real_gaps(example_copy: Path) -> None:
    """No ledger, no `gsd execute`: verify runs the tasks' verify commands itself."""
    result = gsd(example_copy, "verify", "phase", "26")
    assert result.exit_code == 1, result.output
    fm = frontmatter(example_copy / REPORT26)
    assert fm["status"] == "gaps_found"
    # Task 3's results speak for "no UNIQUE constraint failed" (it holds): one more truth verified.
    assert fm["score"] == "10/13 must-haves verified"
    gaps = {g["truth"]: g for g in fm["gaps"]}
    assert list(gaps) == [
        TASK2_26_04,
        TASK3_26_04,
        "Plan 26-04 has a SUMMARY",
        "Plan 26-06 has a SUMMARY",
    ]
    task2 = gaps[TASK2_26_04]
    assert task2["reason"] == (
        'verification failed: 1 of 2 commands did not pass: `grep -n "Base.metadata.create_all" '
        'backend/tests/test_health_monitoring.py && echo "FAIL: local create_all still exists" '
        '|| echo "PASS: using standardized fixture"`: failed (exit 0); '
        "FAIL: local create_all still exists"
    )
    # Task 3 pipes pytest through grep (exit 0, no FAIL line); its done line "No \"index ix_*
    # already exists\" errors" is checked against the output, which shows the 5 errors.
    task3 = gaps[TASK3_26_04]
    assert 'expectation not met: done: No "index ix_* already exists" errors' in task3["reason"]
    assert (
        "output ends: ERROR backend/tests/test_health_monitoring.py::TestSystemHealth::"
        "test_no_agents - sqlite3.OperationalError: index ix_agent_feedback_agent_id already exists"
    ) in task3["reason"]
    assert task3["reason"].count("index ix_* already exists") == 1  # said once, not twice
    # 26-06 passes fully: every must-have and task command; only its SUMMARY is missing.
    data = json.loads(gsd(example_copy, "verify", "plan", "26-06", "--json").stdout)
    (plan06,) = data["plans"]
    assert [t["status"] for t in plan06["truths"]] == ["PASSED"] * 3
    assert [a["status"] for a in plan06["artifacts"]] == ["VERIFIED"]
    assert [lk["status"] for lk in plan06["links"]] == ["WIRED"]
    assert [[c["status"] for c in t["commands"]] for t in plan06["tasks"]] == [
        ["passed"],
        ["passed"],
    ]
    assert [g["truth"] for g in data["gaps"]] == ["Plan 26-06 has a SUMMARY"]
    # The Commands Run table shows each task command with its task.
    body = (example_copy / REPORT26).read_text(encoding="utf-8")
    assert (
        '| `grep -n "create_engine" backend/tests/test_health_monitoring.py && echo '
        '"INFO: checking engine imports..."` | 26-04 | 2 | ✓ passed | 0 |'
    ) in body
    # Fresh evidence goes to the ledger as task results of this verify run.
    entries = Ledger(example_copy / ".planning").entries("26-04")
    assert [(e.kind, e.task) for e in entries] == [("verify", 1)] * 2 + [("verify", 2)] * 2 + [
        ("verify", 3)
    ] * 2
    assert len({e.run_id for e in entries}) == 1
    # Against the ledger it just wrote, --static reaches the same verdict without running anything.
    static = gsd(example_copy, "verify", "phase", "26", "--static")
    assert static.exit_code == 1
    assert len(Ledger(example_copy / ".planning").entries("26-04")) == 6
    again = frontmatter(example_copy / REPORT26)
    assert again["score"] == "10/13 must-haves verified"
    assert [g["truth"] for g in again["gaps"]] == list(gaps)


def test_phase_12_summary_claims_and_partial_link(example_copy: Path) -> None:
    git_init(example_copy)  # the SUMMARY's commits are then checked, and absent
    result = gsd(example_copy, "verify", "phase", "12")
    assert result.exit_code == 1
    fm = frontmatter(example_copy / PHASE12 / "12-VERIFICATION.md")
    gaps = {g["truth"]: g for g in fm["gaps"]}
    summary = ".planning/phases/12-tier-1-coverage-push/12-tier-1-coverage-push-GAP-01-SUMMARY.md"
    for name in ("workspace_factory.py", "workflow_factory.py", "training_factory.py"):
        gap = gaps[f"File `backend/tests/factories/{name}` named in the 12-GAP-01 SUMMARY exists"]
        assert gap["artifacts"][0]["path"] == summary
    assert (
        "File `backend/tests/factories/feedback_factory.py` named in the 12-GAP-01 SUMMARY exists"
        not in gaps
    )
    assert gaps["Commit a6b4cfe3 cited in the 12-GAP-01 SUMMARY exists in git"]["reason"] == (
        "commit a6b4cfe3 cited in the SUMMARY is not in git"
    )
    assert "Commit 38e8b9ee cited in the 12-GAP-01 SUMMARY exists in git" in gaps
    partial = gaps[
        "Key link `backend/tests/unit/conftest.py` → `backend/tests/property_tests/conftest.py` "
        "via transaction rollback pattern"
    ]
    assert partial["status"] == "partial"
    assert partial["artifacts"][0] == {
        "path": "backend/tests/property_tests/conftest.py",
        "issue": "line 20: Teardown order is rollback(), close(), then dispose().",
    }
    artifact = gaps[
        "Artifact `backend/tests/unit/test_models_orm.py` provides ORM tests with fixed session management"
    ]
    assert artifact["reason"] == "FAILED: 138 lines, min_lines is 968"
    # Task 1's fresh results (1 passed) verify the rollback truth; the task gaps of tasks 2 and 3
    # are the evidence of the failing truths and are not listed twice.
    assert fm["score"] == "3/10 must-haves verified"
    assert not [g for g in gaps if g.startswith("Task ")]


def test_phase_12_outside_git_commits_are_a_note_not_a_gap(example_copy: Path) -> None:
    result = gsd(example_copy, "verify", "plan", "12-GAP-01")
    assert result.exit_code == 1
    assert (
        "· completeness cannot check commits: not a git repository (2 cited: 38e8b9ee, a6b4cfe3)"
        in result.stdout
    )
    assert "Commit a6b4cfe3" not in result.stdout


# ---------------------------------------------------------------------------------------------
# Break the code, fix it: the report follows


@pytest.mark.slow
def test_deleting_the_patch_object_line_is_a_regression(example_copy: Path) -> None:
    assert gsd(example_copy, "verify", "phase", "26").exit_code == 1
    edit(example_copy / GOVERNANCE, PATCH_LINE, "")
    result = gsd(example_copy, "verify", "phase", "26")
    assert result.exit_code == 1
    fm = frontmatter(example_copy / REPORT26)
    gaps = {g["truth"]: g for g in fm["gaps"]}
    assert gaps[LINK_26_06]["status"] == "failed"
    assert gaps[LINK_26_06]["reason"].startswith("NOT_WIRED")
    assert (
        gaps["Mock properly prevents _record_execution database interaction"]["status"] == "failed"
    )
    assert fm["score"] == "7/13 must-haves verified"
    assert set(fm["re_verification"]["regressions"]) == {
        LINK_26_06,
        "test_atom_learning_progression runs without UsageEvent mapper error",
        "Mock properly prevents _record_execution database interaction",
    }
    assert fm["re_verification"]["gaps_remaining"] == [
        TASK2_26_04,
        TASK3_26_04,
        "Plan 26-04 has a SUMMARY",
        "Plan 26-06 has a SUMMARY",
    ]


def test_pattern_outside_the_from_function_does_not_wire(example_copy: Path) -> None:
    """`from: test_atom_learning_progression` is evaluated inside that function only."""
    edit(example_copy / GOVERNANCE, PATCH_LINE, "")
    with (example_copy / GOVERNANCE).open("a", encoding="utf-8") as fh:
        fh.write('\n# patch.object(atom, "_record_execution", new_callable=AsyncMock)\n')
    result = gsd(example_copy, "verify", "plan", "26-06", "--json")
    data = json.loads(result.stdout)
    (link,) = data["plans"][0]["links"]
    assert link["status"] == "NOT_WIRED"
    assert "test_atom_learning_progression" in link["reason"]


def test_removing_checkfirst_from_conftest_opens_a_gap(example_copy: Path) -> None:
    edit(
        example_copy / "backend/tests/conftest.py",
        "Base.metadata.create_all(engine, checkfirst=True)",
        "Base.metadata.create_all(engine)",
    )
    result = gsd(example_copy, "verify", "phase", "26", "--static")
    assert result.exit_code == 1
    gaps = {g["truth"]: g for g in frontmatter(example_copy / REPORT26)["gaps"]}
    link = gaps[
        "Key link `backend/tests/conftest.py` → `core.database.Base` via Base.metadata.create_all with checkfirst=True"
    ]
    assert link["status"] == "failed"
    assert link["missing"] == [
        "`Base\\.metadata\\.create_all.*checkfirst` in backend/tests/conftest.py"
    ]
    assert "✗ link backend/tests/conftest.py -> core.database.Base" in result.stdout


@pytest.mark.slow
def test_readme_fix_closes_the_gap_and_raises_the_score(example_copy: Path) -> None:
    bind_commands(example_copy)
    first = gsd(example_copy, "verify", "phase", "26")
    assert first.exit_code == 1, first.output
    fm = frontmatter(example_copy / REPORT26)
    assert fm["score"] == "10/13 must-haves verified"
    dup = next(g for g in fm["gaps"] if g["truth"] == DUP_INDEX)
    assert dup["reason"].startswith("verify command exit 1")
    assert f"`{HEALTH_CMD}`: failed, exit 1" in dup["reason"]
    assert gap_truths(example_copy) == [
        DUP_INDEX,
        TASK2_26_04,
        TASK3_26_04,
        "Plan 26-04 has a SUMMARY",
        "Plan 26-06 has a SUMMARY",
    ]
    # The truth's failing command is its gap's evidence: not a second, command gap.
    assert not [g for g in fm["gaps"] if g["truth"].startswith("Command ")]
    # The README's one-line fix.
    edit(
        example_copy / "backend/tests/test_health_monitoring.py",
        "Base.metadata.create_all(bind=engine)",
        "Base.metadata.create_all(bind=engine, checkfirst=True)",
    )
    second = gsd(example_copy, "verify", "phase", "26")
    fm = frontmatter(example_copy / REPORT26)
    assert fm["score"] == "11/13 must-haves verified"
    # The health tests pass: the truth and task 3 close; task 2 still prints FAIL (the
    # create_all line is still there, as the README says).
    assert fm["re_verification"]["gaps_closed"] == [DUP_INDEX, TASK3_26_04]
    assert fm["re_verification"]["gaps_remaining"] == [
        TASK2_26_04,
        "Plan 26-04 has a SUMMARY",
        "Plan 26-06 has a SUMMARY",
    ]
    assert gap_truths(example_copy) == fm["re_verification"]["gaps_remaining"]
    assert second.stdout.splitlines()[-1] == (
        "gaps found: 11/13 must-haves verified (1 command, 2 completeness findings failing)"
    )
    # Every command ran from the project root with the author's path mapped here, and is in the ledger.
    entries = [e for e in Ledger(example_copy / ".planning").entries("26-04") if e.kind == "truth"]
    assert [e.kind for e in entries] == ["truth", "truth"]
    assert entries[-1].run_command == HEALTH_CMD.replace(AUTHOR, str(example_copy.resolve()))
    assert [e.status.value for e in entries] == ["failed", "passed"]


@pytest.mark.slow
def test_static_rerun_leaves_the_report_byte_identical(example_copy: Path) -> None:
    assert gsd(example_copy, "verify", "phase", "26").exit_code == 1
    report = example_copy / REPORT26
    before, mtime = report.read_bytes(), report.stat().st_mtime_ns
    time.sleep(0.05)
    for _ in range(2):  # the ledger's task results, not a new run: the same verdicts
        again = gsd(example_copy, "verify", "phase", "26", "--static", "--json")
        assert json.loads(again.stdout)["verified_at"] == frontmatter(report)["verified"]
    assert (report.read_bytes(), report.stat().st_mtime_ns) == (before, mtime)


@pytest.mark.slow
def test_rerun_with_commands_leaves_the_report_byte_identical(example_copy: Path) -> None:
    bind_commands(example_copy)
    assert gsd(example_copy, "verify", "phase", "26").exit_code == 1
    report = example_copy / REPORT26
    before, stat = report.read_bytes(), report.stat()
    time.sleep(0.05)
    again = gsd(example_copy, "verify", "phase", "26")
    assert again.exit_code == 1
    assert f"report: {REPORT26} (unchanged)" in again.stdout
    assert report.read_bytes() == before
    assert report.stat().st_mtime_ns == stat.st_mtime_ns
    # The unchanged report keeps the comparison with the seed it replaced.
    assert frontmatter(report)["re_verification"]["previous_score"] == "3/10 must-haves verified"


@pytest.mark.slow
def test_task_results_from_the_ledger_are_truth_evidence(example_copy: Path) -> None:
    """What `gsd execute` leaves in the ledger (task 3's verify commands) decides truth 1."""
    from planner.documents.loader import load_plan
    from planner.documents.models import Plan

    plan = load_plan(example_copy / PHASE26 / "26-04-PLAN.md").doc
    assert isinstance(plan, Plan)
    ledger = Ledger(example_copy / ".planning")
    run_id = ledger.new_run_id()
    task = plan.tasks[2]
    assert task.verify is not None
    for command in task.verify.commands:
        result = run_command(command.text, cwd=example_copy, timeout=120, path_map=[(AUTHOR, ".")])
        ledger.append(entry_from_result(run_id, "26-04", result, phase="26", task=3))
    out = json.loads(gsd(example_copy, "verify", "plan", "26-04", "--static", "--json").stdout)
    truth = out["plans"][0]["truths"][0]
    assert (truth["text"], truth["status"], truth["source"]) == (TRUTHS_26_04[0], "PASSED", "task")
    assert truth["reason"] == "all 2 commands of task 3 passed"


# ---------------------------------------------------------------------------------------------
# Outputs


def test_junit_has_one_case_per_must_have_and_command(example_copy: Path, tmp_path: Path) -> None:
    edit(
        example_copy / PHASE26 / "26-06-PLAN.md",
        "After completion, verify:\n",
        "After completion, verify:\n\ntest -f backend/tests/conftest.py\n",
    )
    junit = tmp_path / "out" / "verify.xml"
    result = gsd(example_copy, "verify", "phase", "26", "--junit", str(junit))
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    cases = {
        s.get("name"): [c.get("classname", "") for c in s.iter("testcase")]
        for s in root.iter("testsuite")
    }
    assert sorted(cases["26-04"]) == sorted(
        ["gsd.26-04.truths"] * 4 + ["gsd.26-04.artifacts"] * 3 + ["gsd.26-04.links"]
    )
    assert sorted(cases["26-06"]) == sorted(
        ["gsd.26-06.truths"] * 3 + ["gsd.26-06.artifacts", "gsd.26-06.links", "gsd.26-06.commands"]
    )
    assert cases["phase-26-completeness"] == ["gsd.26-04.completeness", "gsd.26-06.completeness"]
    command_case = next(
        c for c in root.iter("testcase") if c.get("classname") == "gsd.26-06.commands"
    )
    assert command_case.get("name") == "test -f backend/tests/conftest.py"
    assert command_case.find("failure") is None
    assert root.get("tests") == "16"


def test_json_is_the_only_thing_on_stdout(example_copy: Path) -> None:
    result = gsd(example_copy, "verify", "phase", "26", "--static", "--json", "--no-write")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["status"], data["phase"], data["phase_number"]) == (
        "gaps_found",
        "26-ci-cd-fixes",
        "26",
    )
    assert [p["plan_id"] for p in data["plans"]] == ["26-04", "26-06"]
    assert "warning[GSD120]" in result.stderr  # messages go to stderr
    # --no-write: the seed is still there.
    assert frontmatter(example_copy / REPORT26)["score"] == "3/10 must-haves verified"


def test_verify_plan_prints_and_does_not_write(example_copy: Path) -> None:
    before = (example_copy / REPORT26).read_bytes()
    result = gsd(example_copy, "verify", "plan", "26-06")
    assert result.exit_code == 1  # no SUMMARY
    assert "26-06  ✗ gaps  truths 3/3  artifacts 1/1  links 1/1  commands 2/2" in result.stdout
    assert "not written (`verify plan` never writes the phase report)" in result.stdout
    assert (example_copy / REPORT26).read_bytes() == before


def test_github_annotations_point_at_evidence_or_the_plan_line(example_copy: Path) -> None:
    edit(example_copy / GOVERNANCE, PATCH_LINE, "")
    result = gsd(example_copy, "verify", "plan", "26-06", "--format", "github")
    lines = result.stdout.splitlines()
    # The link has no located evidence once broken: the PLAN.md line of the key link (22).
    link = next(ln for ln in lines if "Key link" in ln)
    assert link.startswith(
        "::error file=.planning/phases/26-ci-cd-fixes/26-06-PLAN.md,line=22,"
        "title=gsd verify 26-06%3A failed::Key link `test_atom_learning_progression`"
    )
    summary = next(ln for ln in lines if "has a SUMMARY" in ln)
    assert summary.startswith("::error file=.planning/phases/26-ci-cd-fixes/26-06-PLAN.md,title=")
    assert lines[-1].startswith("gaps found: ")


def test_github_annotation_uses_located_evidence(example_copy: Path) -> None:
    result = gsd(example_copy, "verify", "plan", "12-GAP-01", "--static", "--format", "github")
    partial = next(ln for ln in result.stdout.splitlines() if "via transaction rollback" in ln)
    assert partial.startswith(
        "::error file=backend/tests/property_tests/conftest.py,line=20,title=gsd verify 12-GAP-01%3A partial::"
    )


# ---------------------------------------------------------------------------------------------
# Real processes


def _gsd_process(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.Popen(
        [sys.executable, "-m", "planner", "--root", str(root), *args],
        cwd=root.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_real_subprocess_verify_phase_26(example_copy: Path) -> None:
    proc = _gsd_process(example_copy, "verify", "phase", "26")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert (
        out.splitlines()[-1]
        == "gaps found: 10/13 must-haves verified (2 commands, 2 completeness findings failing)"
    )
    assert frontmatter(example_copy / REPORT26)["status"] == "gaps_found"
    assert "\x1b[" not in out  # not a terminal: plain


def _processes_with(token: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token in cmdline and state != "Z":
            found.append(f"{entry.name}: {cmdline}")
    return found


@pytest.mark.slow
def test_ctrl_c_kills_children_and_writes_nothing(example_copy: Path) -> None:
    token = f"30.{uuid.uuid4().int % 10**6:06d}"
    edit(
        example_copy / PHASE26 / "26-04-PLAN.md",
        f'    - "{DUP_INDEX}"\n',
        f'    - truth: "{DUP_INDEX}"\n      verify: "sleep {token}"\n',
    )
    before = (example_copy / REPORT26).read_bytes()
    proc = _gsd_process(example_copy, "verify", "phase", "26")
    deadline = time.monotonic() + 30
    while not _processes_with(f"sleep {token}"):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err
    assert _processes_with(f"sleep {token}") == []
    assert (example_copy / REPORT26).read_bytes() == before
    records = Ledger(example_copy / ".planning").records("26-04")
    assert getattr(records[-1], "status", None) == "interrupted"
