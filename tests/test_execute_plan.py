"""`gsd execute <plan>` on small real projects: verdicts, exit codes, checkpoints, options, ledger."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from planner import cli
from planner.documents.edit import frontmatter_mapping, read_managed_section
from tests.execute_helpers import T, ledger_lines, summary_path, write_plan

runner = CliRunner()


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # gsd moves into the project root; the fixture moves back
    (tmp_path / ".planning").mkdir()
    return tmp_path


def gsd(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_task_verdicts_exit_code_and_summary(project: Path) -> None:
    write_plan(
        project,
        tasks=[
            T("Passing task", ["echo ok", "test -d .planning"]),
            T("Prints FAIL but exits 0", ['echo "FAIL: widget missing" || true']),
            T("Prose only", ["Open the app and look at it."]),
            T("Exits non-zero", ["sh -c 'echo boom; exit 3'"]),
        ],
    )
    code, out, _ = gsd("execute", "01-01")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "01-01  Plan 01-01: Demo plan  (4 tasks)"
    assert lines[1].startswith("  ✓ 1  Passing task  2/2 commands passed")
    assert lines[2].startswith("  ✗ 2  Prints FAIL but exits 0  1/1 commands did not pass (failed)")
    assert lines[3].startswith('      ✗ echo "FAIL: widget missing" || true  failed, exit 0')
    assert lines[4] == "          FAIL: widget missing"
    assert lines[5].startswith(
        "  ? 3  Prose only  no verify command: nothing checked this task "
        "(verify says: Open the app and look at it.)"
    )
    assert lines[6].startswith("  ✗ 4  Exits non-zero  1/1 commands did not pass (failed)")
    assert lines[-1] == (
        "01-01 ⚠️ partial: 1/4 tasks passed (failed: 2, 4; no verify command: 3); "
        "0/0 must-haves verified; tests no test counts in this run's output (exit 1)"
    )

    text = summary_path(project).read_text(encoding="utf-8")
    fm = frontmatter_mapping(text)
    assert list(fm) == [
        "phase",
        "plan",
        "status",
        "started",
        "completed",
        "duration",
        "tasks",
        "must_haves",
        "commits",
    ]
    assert (fm["phase"], fm["plan"], fm["status"], fm["tasks"]) == (
        "01-demo",
        "01",
        "partial",
        "1/4 passed",
    )
    tasks = read_managed_section(text, "tasks") or ""
    assert "| 1 | Passing task | ✓ passed |" in tasks
    assert "| 2 | Prints FAIL but exits 0 | ✗ failed |" in tasks
    assert (
        '`echo "FAIL: widget missing" \\|\\| true`: failed, exit 0<br>FAIL: widget missing |'
        in tasks
    )
    assert "| 3 | Prose only | ? no verify command |" in tasks
    deviations = read_managed_section(text, "deviations") or ""
    assert deviations.splitlines()[0] == (
        '- **Task 2** `echo "FAIL: widget missing" || true`: failed, exit 0 '
        "(1 output line starts with FAIL: FAIL: widget missing)"
    )
    assert "- **Task 4** `sh -c 'echo boom; exit 3'`: failed, exit 3 (exit 3)" in deviations
    assert "  boom" in deviations.splitlines()


def test_all_passed_is_exit_0_and_complete(project: Path) -> None:
    write_plan(project, tasks=[T("One", ["true"]), T("Two", ["echo done"])])
    code, out, _ = gsd("execute", "01-01")
    assert code == 0, out
    assert out.splitlines()[-1].startswith("01-01 ✓ complete: 2/2 tasks passed;")
    assert frontmatter_mapping(summary_path(project).read_text())["status"] == "complete"


def test_no_verify_anywhere_is_nothing_to_check(project: Path) -> None:
    write_plan(project, tasks=[T("Think", None), T("Prose", ["Make sure it looks right"])])
    code, out, _ = gsd("execute", "01-01")
    assert code == 5
    assert "∅ nothing to check (not a pass): 0/2 tasks passed" in out.splitlines()[-1]


def test_a_task_without_verify_among_passing_ones_needs_a_person(project: Path) -> None:
    write_plan(project, tasks=[T("Checked", ["true"]), T("Unchecked", None)])
    code, out, _ = gsd("execute", "01-01")
    assert code == 4
    assert out.splitlines()[-1].startswith(
        "01-01 ⚠️ partial: 1/2 tasks passed (no verify command: 2)"
    )


CHECKPOINT = T(
    "",
    None,
    type="checkpoint:human-verify",
    elements={
        "what-built": "The dashboard page",
        "how-to-verify": "Open /dashboard and see three charts",
        "resume-signal": "Type approved",
    },
)


def test_checkpoint_stops_with_exit_4_and_says_what_to_check(project: Path) -> None:
    write_plan(project, tasks=[T("Build", ["true"]), CHECKPOINT, T("After", ["true"])])
    code, out, _ = gsd("execute", "01-01")
    assert code == 4
    lines = out.splitlines()
    assert lines[2] == "  ? 2  The dashboard page  a person must check this (approve with --yes)"
    assert lines[3:10] == [
        "      The dashboard page (checkpoint:human-verify)",
        "      What was built:",
        "        The dashboard page",
        "      How to verify:",
        "        Open /dashboard and see three charts",
        "      To resume:",
        "        Type approved",
    ]
    assert lines[10] == "  · 3  After  not run: the run stopped at task 2"
    text = summary_path(project).read_text()
    assert frontmatter_mapping(text)["status"] == "partial"
    outcome = read_managed_section(text, "outcome") or ""
    assert "**Awaiting a person at task 2:**" in outcome
    assert "> How to verify:" in outcome

    code, out, _ = gsd("execute", "01-01", "--yes")
    assert code == 0
    assert "  ✓ 2  The dashboard page  approved with --yes" in out.splitlines()


def test_commands_run_in_the_project_root_with_gsd_env(project: Path) -> None:
    (project / "sub").mkdir()
    write_plan(
        project, tasks=[T("Env", ['echo "plan=$GSD_PLAN phase=$GSD_PHASE ci=$CI pwd=$PWD"'])]
    )
    os.chdir(project / "sub")  # gsd finds the project upwards and runs there
    code, out, _ = gsd("execute", "01-01", "--json")
    assert code == 0
    data = json.loads(out)
    head = data["tasks"][0]["commands"][0]["output_head"]
    assert head == f"plan=01-01 phase=01 ci=1 pwd={project}\n"


def test_timeout_flag_beats_plan_which_beats_config(project: Path) -> None:
    (project / ".planning" / "config.json").write_text(json.dumps({"gsd": {"timeout": 0.3}}))
    write_plan(project, tasks=[T("Slow", ["sleep 5"])], extra={"timeout": 0.6})
    code, out, _ = gsd("execute", "01-01", "--json", "--no-write")
    command = json.loads(out)["tasks"][0]["commands"][0]
    assert (code, command["status"], command["reason"]) == (1, "timed_out", "timed out after 0.6 s")
    code, out, _ = gsd("execute", "01-01", "--json", "--no-write", "--timeout", "0.2")
    command = json.loads(out)["tasks"][0]["commands"][0]
    assert (command["status"], command["reason"]) == ("timed_out", "timed out after 0.2 s")
    assert command["duration"] < 3


def test_dry_run_prints_mapped_commands_and_writes_nothing(project: Path) -> None:
    (project / ".planning" / "config.json").write_text(
        json.dumps({"gsd": {"path_map": {"/old/a": "."}}})
    )
    write_plan(project, tasks=[T("Map", ["ls /old/a/x /old/b/y"]), CHECKPOINT])
    code, out, _ = gsd("execute", "01-01", "--dry-run", "--map-path", "/old/b=/new/b")
    assert code == 0
    assert out.splitlines() == [
        "01-01  dry run: the commands after path mapping; nothing runs, nothing is written",
        "  task 1  Map  (auto)",
        f"    $ ls {project}/x /new/b/y",
        "  task 2  The dashboard page  (checkpoint:human-verify)",
        "    checkpoint: stops for a person unless --yes",
    ]
    assert not (project / ".planning" / ".gsd" / "ledger").exists()
    assert not summary_path(project).exists()


def test_resume_skips_tasks_that_passed_in_the_latest_run(project: Path) -> None:
    write_plan(
        project, tasks=[T("First", ["echo first >> ran.log"]), T("Second", ["test -f fixed"])]
    )
    code, _, _ = gsd("execute", "01-01")
    assert code == 1
    (project / "fixed").touch()
    code, out, _ = gsd("execute", "01-01", "--resume")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[1].startswith("  ↷ 1  First  --resume: passed in run ")
    assert lines[2].startswith("  ✓ 2  Second  1/1 commands passed")
    assert (project / "ran.log").read_text() == "first\n"  # task 1 did not run again
    entries = [e for e in ledger_lines(project, "01-01") if e.get("record") != "run"]
    assert [(e["task"], e["status"]) for e in entries] == [
        (1, "passed"),
        (2, "failed"),
        (1, "skipped"),
        (2, "passed"),
    ]
    runs = [e for e in ledger_lines(project, "01-01") if e.get("record") == "run"]
    assert [(r["event"], r.get("status")) for r in runs] == [
        ("start", None),
        ("end", "partial"),
        ("start", None),
        ("end", "passed"),
    ]
    assert frontmatter_mapping(summary_path(project).read_text())["tasks"] == "2/2 passed"


def test_a_refuted_done_claim_fails_the_task_and_resume_runs_it_again(project: Path) -> None:
    """`No "X" errors` in <done> is checked against the output, as gsd verify does."""
    write_plan(
        project,
        tasks=[
            T(
                "Health",
                ["echo 'ERROR test_x - index ix_a already exists'"],
                done='- No "index ix_* already exists" errors',
            )
        ],
    )
    code, out, _ = gsd("execute", "01-01")
    assert code == 1
    assert out.splitlines()[1].startswith("  ✗ 1  Health  1/1 commands did not pass (failed)")
    (entry,) = [e for e in ledger_lines(project, "01-01") if e.get("record") != "run"]
    assert (entry["status"], entry["done_refuted"]) == ("passed", True)
    code, out, _ = gsd("execute", "01-01", "--resume")
    assert code == 1
    assert out.splitlines()[1].startswith("  ✗ 1  Health")  # not skipped as "passed"


def test_resume_runs_a_task_again_when_its_commands_changed(project: Path) -> None:
    write_plan(project, tasks=[T("Only", ["true"])])
    assert gsd("execute", "01-01")[0] == 0
    write_plan(project, tasks=[T("Only", ["echo changed"])])
    code, out, _ = gsd("execute", "01-01", "--resume")
    assert code == 0
    assert out.splitlines()[1].startswith("  ✓ 1  Only  1/1 commands passed")


def test_json_is_the_whole_run_and_nothing_else_on_stdout(project: Path) -> None:
    write_plan(
        project,
        tasks=[T("One", ["echo '3 passed in 0.01s'"])],
        must_haves={"truths": [{"truth": "the marker file exists", "verify": "test -f marker"}]},
    )
    (project / "marker").touch()
    code, out, _ = gsd("execute", "01-01", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["plan_id"], data["status"], data["exit_code"], data["summary_written"]) == (
        "01-01",
        "complete",
        0,
        True,
    )
    assert data["tests_after"] == {
        "runner": "pytest",
        "passed": 3,
        "failed": 0,
        "errors": 0,
        "skipped": 0,
    }
    assert data["checks"]["truths"][0]["status"] == "PASSED"
    assert data["checks"]["truths"][0]["source"] == "command"
    kinds = [
        (e["kind"], e.get("task"))
        for e in ledger_lines(project, "01-01")
        if e.get("record") != "run"
    ]
    assert kinds == [("verify", 1), ("truth", None)]


def test_junit_has_one_testcase_per_command(project: Path, tmp_path: Path) -> None:
    write_plan(project, tasks=[T("A", ["true", "echo 'FAIL: nope'"]), T("B", ["sh -c 'exit 127'"])])
    junit = tmp_path / "out" / "junit.xml"
    (tmp_path / "out").mkdir()
    code, _, _ = gsd("execute", "01-01", "--junit", str(junit), "--no-write")
    assert code == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["true", "echo 'FAIL: nope'", "sh -c 'exit 127'"]
    assert [next((x.tag for x in c if x.tag != "system-out"), "passed") for c in cases] == [
        "passed",
        "failure",
        "error",
    ]
    assert not summary_path(project).exists()  # --no-write


def test_bad_input_and_usage(project: Path) -> None:
    write_plan(project, tasks=[T("A", ["true"])])
    code, _, err = gsd("execute", "01-09")
    assert code == 3
    assert "error[GSD203]: unknown reference '01-09'" in err
    code, _, err = gsd("execute", "phase")
    assert (code, err.strip()) == (
        2,
        "gsd: error[GSD950]: usage: gsd execute phase <N> "
        "(hint: name one phase, e.g. gsd execute phase 26)",
    )
    broken = project / ".planning" / "phases" / "01-demo" / "01-02-PLAN.md"
    broken.write_bytes(b"\x00binary")
    code, _, err = gsd("execute", "01-02")
    assert code == 3
    assert "01-02-PLAN.md:1: error[GSD102]: binary file (NUL byte)" in err


def test_summary_frontmatter_values(project: Path) -> None:
    write_plan(
        project,
        tasks=[T("A", ["echo '2 passed, 1 failed in 0.1s'"])],
        must_haves={"artifacts": [{"path": "README.md"}]},
    )
    (project / "README.md").write_text("hello\n")
    gsd("execute", "01-01")
    gsd("execute", "01-01")
    fm = yaml.safe_load(summary_path(project).read_text().split("---")[1])
    assert fm["must_haves"] == "1/1 verified"
    assert fm["tests"] == {
        "passed": 2,
        "failed": 1,
        "errors": 0,
        "skipped": 0,
        "total": 3,
        "before": "2/3 passing",
    }
    assert fm["commits"] == []
    assert fm["started"].endswith("Z") and fm["completed"] >= fm["started"]


def test_before_after_counts_carry_over_a_resumed_run(project: Path) -> None:
    (project / "counts.txt").write_text("1 passed, 1 failed in 0.1s\n")
    write_plan(
        project,
        tasks=[
            T("Unit", ["echo '2 passed in 0.1s'"]),
            T("Integration", ["cat counts.txt; grep -q fixed counts.txt"]),
        ],
    )
    assert gsd("execute", "01-01")[0] == 1
    (project / "counts.txt").write_text("2 passed in 0.1s\nfixed\n")
    code, out, _ = gsd("execute", "01-01", "--resume")
    assert code == 0
    assert "  tests 3/4 passing before, 4/4 after" in out.splitlines()
    code, out, _ = gsd("execute", "01-01")
    assert "  tests 4/4 passing before, 4/4 after" in out.splitlines()
