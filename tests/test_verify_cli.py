"""`gsd verify` options and exit codes, on small real projects (CliRunner)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from verify_factories import frontmatter, gsd, make_project, plan_text, summary_text

from planner.execution.ledger import Ledger

REPORT = Path(".planning/phases/01-demo/01-VERIFICATION.md")
EXISTS = "artifacts:\n  - {path: src/app.py}\n"
APP = {"src/app.py": "def main():\n    return 0\n"}


def project(
    tmp_path: Path,
    must_haves: str = EXISTS,
    body: str = "",
    *,
    plans: dict[str, str] | None = None,
    summaries: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
) -> Path:
    """One phase, plan 01-01 by default, a SUMMARY for every plan unless `summaries` is given."""
    plans = plans or {"01-01": plan_text("1", "01", must_haves, body)}
    if summaries is None:
        summaries = {stem: summary_text("1", stem[-2:]) for stem in plans}
    return make_project(tmp_path, plans, files=APP, summaries=summaries, config=config)


def verification(*lines: str) -> str:
    return "<verification>\n" + "\n".join(lines) + "\n</verification>\n"


# ---------------------------------------------------------------------------------------------
# Exit codes


def test_exit_0_when_everything_passes(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "passed: 1/1 must-haves verified, 0/0 commands passed"
    assert frontmatter(root / REPORT)["status"] == "passed"


def test_exit_1_when_a_gap_is_found(tmp_path: Path) -> None:
    root = project(tmp_path, "artifacts:\n  - {path: src/gone.py}\n")
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 1
    assert "    ✗ artifact src/gone.py: " in result.stdout


def test_exit_3_unknown_reference_lists_candidates(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = gsd(root, "verify", "phase", "7")
    assert result.exit_code == 3
    assert "unknown reference '7'" in result.stderr
    assert "candidates: 01" in result.stderr
    plan = gsd(root, "verify", "plan", "01-09")
    assert plan.exit_code == 3
    assert "candidates: 01-01" in plan.stderr


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "GSD101"), ("---\nphase: 1\nmust_haves:\n  truths: [a, b\n---\n# x\n", "GSD111")],
)
def test_exit_3_when_a_plan_cannot_be_loaded(tmp_path: Path, text: str, code: str) -> None:
    root = project(tmp_path, plans={"01-01": plan_text("1", "01", EXISTS), "01-02": text})
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 3
    assert "01-02-PLAN.md" in result.stderr
    assert f"error[GSD900]: plan 01-02 cannot be loaded: [{code}]" in result.stderr
    assert not (root / REPORT).exists()


def test_exit_4_when_only_a_person_can_tell(tmp_path: Path) -> None:
    root = project(tmp_path, EXISTS + "truths:\n  - Users enjoy the new flow\n")
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 4
    assert result.stdout.splitlines()[-1] == (
        "human verification needed: 1/2 must-haves verified, 1 item for a person"
    )
    assert frontmatter(root / REPORT)["human_verification"][0]["test"] == "Users enjoy the new flow"


def test_exit_5_phase_without_plans_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / ".planning/phases/01-demo").mkdir(parents=True)
    result = gsd(tmp_path, "verify", "phase", "1")
    assert result.exit_code == 5
    assert "not written (the phase has no plans)" in result.stdout
    assert not (tmp_path / REPORT).exists()


def test_plan_error_diagnostic_is_a_gap(tmp_path: Path) -> None:
    root = project(tmp_path, EXISTS + "truths:\n  - {foo: [1], bar: 2}\n")
    result = gsd(root, "verify", "phase", "1", "--json")
    assert result.exit_code == 1
    (gap,) = json.loads(result.stdout)["gaps"]
    assert gap["truth"] == "Plan 01-01 can be checked (GSD135, line 11)"


def test_missing_summary_is_a_gap(tmp_path: Path) -> None:
    root = project(tmp_path, summaries={})
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 1
    assert frontmatter(root / REPORT)["gaps"][0]["truth"] == "Plan 01-01 has a SUMMARY"


# ---------------------------------------------------------------------------------------------
# Commands


def test_verification_commands_run_in_the_root_with_plan_env(tmp_path: Path) -> None:
    root = project(
        tmp_path, body=verification('echo "$GSD_PLAN $GSD_PHASE $CI" > env.txt', "test -f env.txt")
    )
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 0, result.output
    assert (root / "env.txt").read_text() == "01-01 01 1\n"
    entries = Ledger(root / ".planning").entries("01-01")
    assert [(e.kind, e.command, e.status.value) for e in entries] == [
        ("verification", 'echo "$GSD_PLAN $GSD_PHASE $CI" > env.txt', "passed"),
        ("verification", "test -f env.txt", "passed"),
    ]
    assert result.stdout.splitlines()[-1] == "passed: 1/1 must-haves verified, 2/2 commands passed"


def test_static_runs_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, body=verification("touch ran.txt"))
    result = gsd(root, "verify", "phase", "1", "--static")
    assert result.exit_code == 0
    assert not (root / "ran.txt").exists()
    assert Ledger(root / ".planning").records("01-01") == []


def test_failing_command_is_a_gap_with_its_output(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        body=verification("grep -q main src/app.py && echo 'FAIL: main still there' || echo PASS"),
    )
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 1
    (gap,) = frontmatter(root / REPORT)["gaps"]
    assert (
        gap["truth"]
        == "Command `grep -q main src/app.py && echo 'FAIL: main still there' || echo PASS` passes"
    )
    assert "FAIL: main still there" in gap["reason"]


def test_only_commands_and_no_must_haves_is_checkable(tmp_path: Path) -> None:
    text = plan_text("1", "01", "truths: []", verification("true"))
    root = project(tmp_path, plans={"01-01": text})
    assert gsd(root, "verify", "phase", "1").exit_code == 0


def test_truth_verify_command_decides_the_truth(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        EXISTS
        + 'truths:\n  - {truth: "main returns 0", verify: "python3 -c \'import sys; sys.exit(0)\'"}\n'
        + '  - {truth: "nothing prints FAIL", verify: "echo FAIL: it printed"}\n'
        + '  - {truth: "prose verify", verify: "Check that it looks right"}\n',
    )
    result = gsd(root, "verify", "phase", "1", "--json")
    data = json.loads(result.stdout)
    truths = {t["text"]: t for t in data["plans"][0]["truths"]}
    assert (truths["main returns 0"]["status"], truths["main returns 0"]["source"]) == (
        "PASSED",
        "command",
    )
    assert truths["nothing prints FAIL"]["status"] == "FAILED"
    assert truths["prose verify"]["status"] == "UNCERTAIN"
    assert "GSD910" in result.stderr
    assert [c["command"] for c in data["plans"][0]["commands"]] == [
        "python3 -c 'import sys; sys.exit(0)'",
        "echo FAIL: it printed",
    ]
    assert [e.kind for e in Ledger(root / ".planning").entries("01-01")] == ["truth", "truth"]


def test_timeout_flag_wins_over_plan_and_config(tmp_path: Path) -> None:
    text = plan_text("1", "01", EXISTS, verification("sleep 30")).replace(
        "wave: 1\n", "wave: 1\ntimeout: 60\n"
    )
    root = project(tmp_path, plans={"01-01": text}, config={"gsd": {"timeout": 60}})
    start = time.monotonic()
    result = gsd(root, "verify", "phase", "1", "--timeout", "0.5", "--json")
    assert time.monotonic() - start < 10
    (cmd,) = json.loads(result.stdout)["plans"][0]["commands"]
    assert (cmd["status"], cmd["reason"]) == ("timed_out", "timed out after 0.5 s")
    assert result.exit_code == 1


def test_plan_timeout_wins_over_config(tmp_path: Path) -> None:
    text = plan_text("1", "01", EXISTS, verification("sleep 30")).replace(
        "wave: 1\n", "wave: 1\ntimeout: 0.5\n"
    )
    root = project(tmp_path, plans={"01-01": text}, config={"gsd": {"timeout": 60}})
    (cmd,) = json.loads(gsd(root, "verify", "phase", "1", "--json").stdout)["plans"][0]["commands"]
    assert cmd["reason"] == "timed out after 0.5 s"


def test_jobs_runs_plans_in_parallel(tmp_path: Path) -> None:
    """Each plan's command passes only if the other plan's command started while it waited."""
    plans = {
        "01-01": plan_text(
            "1", "01", EXISTS, verification("touch a.start; sleep 1.5; test -f b.start")
        ),
        "01-02": plan_text(
            "1", "02", EXISTS, verification("touch b.start; sleep 1.5; test -f a.start")
        ),
    }
    parallel = project(tmp_path / "par", plans=plans)
    assert gsd(parallel, "verify", "phase", "1", "--jobs", "2").exit_code == 0
    serial = project(tmp_path / "ser", plans=plans)
    assert gsd(serial, "verify", "phase", "1", "--jobs", "1").exit_code == 1


def test_map_path_flag_and_config(tmp_path: Path) -> None:
    body = verification("test -f /Users/someone/proj/src/app.py")
    bare = project(tmp_path / "a", body=body)
    assert gsd(bare, "verify", "phase", "1").exit_code == 1
    assert gsd(bare, "verify", "phase", "1", "--map-path", "/Users/someone/proj=.").exit_code == 0
    configured = project(
        tmp_path / "b", body=body, config={"gsd": {"path_map": {"/Users/someone/proj": "."}}}
    )
    result = gsd(configured, "verify", "phase", "1", "--json")
    (cmd,) = json.loads(result.stdout)["plans"][0]["commands"]
    assert cmd["run_command"] == f"test -f {configured.resolve()}/src/app.py"
    assert result.exit_code == 0


def test_bad_map_path_is_a_usage_error(tmp_path: Path) -> None:
    result = gsd(project(tmp_path), "verify", "phase", "1", "--map-path", "relative=.")
    assert result.exit_code == 2
    assert "GSD502" in result.stderr


# ---------------------------------------------------------------------------------------------
# Previous report, formats


def test_override_in_previous_report_passes_the_truth_and_carries_forward(tmp_path: Path) -> None:
    root = project(tmp_path, EXISTS + "truths:\n  - Users enjoy the new flow\n")
    (root / REPORT).write_text(
        "---\nphase: 01-demo\nstatus: human_needed\nscore: 1/2 must-haves verified\noverrides:\n"
        "  - must_have: users enjoy the new flow.\n    reason: survey of 20 users\n"
        "    accepted_by: dana\n    accepted_at: 2026-01-02\n---\n# r\n",
        encoding="utf-8",
    )
    result = gsd(root, "verify", "phase", "1", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    truth = data["plans"][0]["truths"][0]
    assert (truth["status"], truth["source"]) == ("PASSED", "override")
    fm = frontmatter(root / REPORT)
    assert fm["overrides"][0]["accepted_by"] == "dana"
    assert fm["score"] == "2/2 must-haves verified"


def test_no_write_leaves_the_phase_folder_alone(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = gsd(root, "verify", "phase", "1", "--no-write")
    assert result.exit_code == 0
    assert (
        "report: .planning/phases/01-demo/01-VERIFICATION.md (not written (--no-write))"
        in result.stdout
    )
    assert not (root / REPORT).exists()


def test_existing_report_name_is_kept(tmp_path: Path) -> None:
    root = project(tmp_path)
    named = root / ".planning/phases/01-demo/01-demo-VERIFICATION.md"
    named.write_text("---\nphase: 01-demo\nstatus: gaps_found\n---\n# old\n", encoding="utf-8")
    assert gsd(root, "verify", "phase", "1").exit_code == 0
    assert frontmatter(named)["status"] == "passed"
    assert not (root / REPORT).exists()


def test_unreadable_previous_report_is_replaced_with_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / REPORT).write_text("", encoding="utf-8")
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 0
    assert "warning[GSD901]" in result.stderr
    assert frontmatter(root / REPORT)["status"] == "passed"


def test_github_format_for_a_failed_truth_command(tmp_path: Path) -> None:
    root = project(tmp_path, 'truths:\n  - {truth: "it works", verify: "false"}\n')
    result = gsd(root, "verify", "phase", "1", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=.planning/phases/01-demo/01-01-PLAN.md,line=9,title=gsd verify 01-01%3A failed"
        "::it works: verify command exit 1; `false`: failed, exit 1"
    )
    # The failing command is the truth gap's evidence: not annotated a second time.
    assert not any("::Command `false` passes" in line for line in lines)
    assert lines[1] == "gaps found: 0/1 must-haves verified (1 truth, 1 command failing)"


def test_colour_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from verify_factories import RUNNER

    from planner import cli

    root = project(tmp_path)
    monkeypatch.setenv("FORCE_COLOR", "1")
    painted = RUNNER.invoke(cli.app, ["--root", str(root), "verify", "phase", "1"])
    assert painted.exit_code == 0
    assert "\x1b[" in painted.stdout
    assert "passed: 1/1 must-haves verified" in painted.stdout
    plain = RUNNER.invoke(cli.app, ["--no-color", "--root", str(root), "verify", "phase", "1"])
    assert "\x1b[" not in plain.stdout


def test_diagnostic_codes_are_in_range_and_documented() -> None:
    from planner.commands import verify
    from planner.verify import agent_judge, completeness, evidence, loading

    codes: list[str] = []
    for module in (verify, loading, evidence, completeness, agent_judge):
        codes += list(module.CODES)
    assert len(codes) == len(set(codes))
    assert all(900 <= int(c[3:]) <= 949 for c in codes), codes


# ---------------------------------------------------------------------------------------------
# Report churn


TIMED_FAIL = (
    "python3 -c \"import time; print(f'FAIL: 1 failed in {time.perf_counter_ns() % 10**9}ns')\""
)
TIMED_EXIT = (
    'python3 -c "import sys, time; '
    "print(f'1 failed, 2 passed in {time.perf_counter_ns() % 10**6 / 1000:.3f}s'); sys.exit(1)\""
)


def test_failing_commands_printing_their_timing_do_not_rewrite_the_report(
    tmp_path: Path,
) -> None:
    """Output, FAIL lines and timings change on every run; the verdicts do not: no rewrite."""
    root = project(tmp_path, body=verification(TIMED_FAIL, TIMED_EXIT))
    first = gsd(root, "verify", "phase", "1")
    assert first.exit_code == 1, first.output
    report = root / REPORT
    before, mtime = report.read_bytes(), report.stat().st_mtime_ns
    gaps = frontmatter(report)["gaps"]
    assert [g["reason"].split(";")[0] for g in gaps] == ["failed (exit 0)", "failed (exit 1)"]
    assert gaps[0]["reason"].startswith("failed (exit 0); FAIL: 1 failed in ")  # the volatile text
    assert "; output ends: 1 failed, 2 passed in " in gaps[1]["reason"]
    assert "exit 1; " not in gaps[1]["reason"]  # the exit code is said once
    time.sleep(0.01)
    again = gsd(root, "verify", "phase", "1")
    assert again.exit_code == 1
    assert f"report: {REPORT} (unchanged)" in again.stdout
    assert (report.read_bytes(), report.stat().st_mtime_ns) == (before, mtime)
    # Both runs really ran (and printed different timings): the ledger has both.
    entries = Ledger(root / ".planning").entries("01-01")
    assert len(entries) == 4
    assert entries[0].output_head != entries[2].output_head


def test_task_commands_run_and_checkpoints_need_a_person(tmp_path: Path) -> None:
    tasks = (
        '<task type="auto">\n  <name>Build it</name>\n  <verify>\n    echo "FAIL: not built"\n'
        "  </verify>\n  <done>built</done>\n</task>\n"
        '<task type="checkpoint:human-verify">\n  <name>Look at it</name>\n'
        "  <what-built>The page</what-built>\n  <how-to-verify>Open it and look</how-to-verify>\n"
        "  <verify>\n    touch checkpoint-ran\n  </verify>\n</task>\n"
    )
    root = project(tmp_path, body=f"<tasks>\n{tasks}</tasks>\n")
    result = gsd(root, "verify", "phase", "1")
    assert result.exit_code == 1, result.output
    fm = frontmatter(root / REPORT)
    (gap,) = fm["gaps"]
    assert gap["truth"] == "Task 1 of 01-01 (Build it): verification passes"
    assert gap["reason"] == (
        'verification failed: 1 of 1 commands did not pass: `echo "FAIL: not built"`: '
        "failed (exit 0); FAIL: not built"
    )
    assert not (root / "checkpoint-ran").exists()  # a checkpoint is never run
    assert fm["human_verification"] == [
        {
            "test": "Task 2 of 01-01 (Look at it): The page",
            "expected": "Open it and look",
            "why_human": "checkpoint:human-verify task 2 of plan 01-01: gsd does not run it",
        }
    ]
    body = (root / REPORT).read_text(encoding="utf-8")
    assert '| `echo "FAIL: not built"` | 01-01 | 1 | ✗ failed | 0 |' in body
    (entry,) = Ledger(root / ".planning").entries("01-01")
    assert (entry.kind, entry.task, entry.status.value) == ("verify", 1, "failed")
    # --static: the ledger's task result is the evidence, nothing runs; annotated at the command.
    github = gsd(root, "verify", "phase", "1", "--static", "--format", "github").stdout
    plan_lines = (root / ".planning/phases/01-demo/01-01-PLAN.md").read_text().splitlines()
    line = plan_lines.index('    echo "FAIL: not built"') + 1
    assert github.splitlines()[0].startswith(
        f"::error file=.planning/phases/01-demo/01-01-PLAN.md,line={line},"
    )
    assert "::Task 1 of 01-01 (Build it): verification passes: verification failed" in github
    assert len(Ledger(root / ".planning").entries("01-01")) == 1
