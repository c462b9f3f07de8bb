"""`gsd execute phase N`: waves from depends_on, plans of a wave in parallel, dependents after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from tests.execute_helpers import T, summary_path, write_plan

runner = CliRunner()


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".planning").mkdir()
    return tmp_path


def stamped(plan: str, sleep: float = 0.8) -> T:
    """A task whose command records when it started and ended (its own evidence of overlap)."""
    return T(
        f"Work {plan}", [f"date +%s.%N > {plan}.start; sleep {sleep}; date +%s.%N > {plan}.end"]
    )


def times(root: Path, plan: str) -> tuple[float, float]:
    return float((root / f"{plan}.start").read_text()), float((root / f"{plan}.end").read_text())


def test_a_wave_runs_in_parallel_and_dependents_wait(project: Path) -> None:
    write_plan(project, plan="01", tasks=[stamped("01")])
    write_plan(project, plan="02", tasks=[stamped("02")])
    write_plan(project, plan="03", tasks=[stamped("03", 0.1)], depends_on=["01-01", "02"])
    result = runner.invoke(cli.app, ["execute", "phase", "1", "--jobs", "4"])
    assert result.exit_code == 0, result.stdout
    a, b, c = times(project, "01"), times(project, "02"), times(project, "03")
    assert a[0] < b[1] and b[0] < a[1]  # 01 and 02 overlapped
    assert c[0] >= max(a[1], b[1])  # 03 started after both ended
    lines = result.stdout.splitlines()
    assert sorted(line.split()[0] for line in lines[:2]) == ["01-01", "01-02"]  # as they finish
    assert lines[2].startswith("01-03  ✓ complete  tasks 1/1")
    assert lines[-1] == "phase 01: 3 plans (3 complete); 3/3 tasks passed (exit 0)"
    assert all(summary_path(project, plan=p).exists() for p in ("01", "02", "03"))


def test_jobs_1_runs_one_plan_at_a_time(project: Path) -> None:
    write_plan(project, plan="01", tasks=[stamped("01", 0.3)])
    write_plan(project, plan="02", tasks=[stamped("02", 0.3)])
    result = runner.invoke(cli.app, ["execute", "phase", "01", "--jobs", "1"])
    assert result.exit_code == 0
    a, b = times(project, "01"), times(project, "02")
    assert a[1] <= b[0] or b[1] <= a[0]


def test_cycle_is_bad_input_before_anything_runs(project: Path) -> None:
    write_plan(project, plan="01", tasks=[T("A", ["touch ran"])], depends_on=["02"])
    write_plan(project, plan="02", tasks=[T("B", ["touch ran"])], depends_on=["01"])
    result = runner.invoke(cli.app, ["execute", "phase", "1"])
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "gsd: error[GSD221]: dependency cycle: 01-01 -> 01-02 -> 01-01 "
        "(hint: remove one of these depends_on entries)"
    )
    assert not (project / "ran").exists()
    assert not (project / ".planning" / ".gsd" / "ledger").exists()


def test_unknown_dependency_is_bad_input(project: Path) -> None:
    write_plan(project, plan="01", tasks=[T("A", ["true"])], depends_on=["07-03"])
    result = runner.invoke(cli.app, ["execute", "phase", "1"])
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        ".planning/phases/01-demo/01-01-PLAN.md: error[GSD953]: 01-01 depends_on '07-03': unknown reference "
        "'07-03' (hint: write a plan id (26-04) or a plan number of this phase)"
    )


def test_dependencies_on_other_phases_are_done_already(project: Path) -> None:
    write_plan(project, phase="01-base", plan="01", tasks=[T("Base", ["true"])])
    write_plan(
        project, phase="02-next", plan="01", tasks=[T("Next", ["true"])], depends_on=["01-01"]
    )
    result = runner.invoke(cli.app, ["execute", "phase", "2", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(r["plan_id"], r["status"]) for r in data] == [("02-01", "complete")]


def test_phase_exit_code_is_the_worst_plan(project: Path) -> None:
    write_plan(project, plan="01", tasks=[T("Good", ["true"])])
    write_plan(project, plan="02", tasks=[T("Bad", ["false"])])
    write_plan(project, plan="03", tasks=[T("Unchecked", None)])
    result = runner.invoke(cli.app, ["execute", "phase", "1"])
    assert result.exit_code == 1
    by_plan = {
        line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("01-0")
    }
    assert by_plan["01-01"].startswith("01-01  ✓ complete")
    assert by_plan["01-02"].startswith("01-02  ✗ failed")
    assert by_plan["01-03"].startswith("01-03  ∅ nothing to check")
    assert result.stdout.splitlines()[-1] == (
        "phase 01: 3 plans (1 complete, 1 failed, 1 nothing_to_check); 1/3 tasks passed (exit 1)"
    )


def test_phase_without_plans_is_nothing_to_check(project: Path) -> None:
    (project / ".planning" / "phases" / "04-empty").mkdir(parents=True)
    result = runner.invoke(cli.app, ["execute", "phase", "4"])
    assert result.exit_code == 5
    assert "warning[GSD952]: phase 4 has no plans" in result.stderr


def test_a_plan_waiting_for_a_person_holds_back_its_dependents(project: Path) -> None:
    checkpoint = T(
        "Look", None, type="checkpoint:human-verify", elements={"how-to-verify": "Open it"}
    )
    write_plan(project, plan="01", tasks=[T("Build", ["true"]), checkpoint])
    write_plan(project, plan="02", tasks=[T("Uses it", ["touch used"])], depends_on=["01"])
    write_plan(project, plan="03", tasks=[T("Independent", ["true"])])
    result = runner.invoke(cli.app, ["execute", "phase", "1"])
    assert result.exit_code == 4
    assert not (project / "used").exists()
    lines = result.stdout.splitlines()
    assert "01-02  · not started: 01-01 is awaiting a person" in lines
    assert (
        lines[-1] == "phase 01: 2 plans (1 awaiting_human, 1 complete); 2/3 tasks passed (exit 4)"
    )
    result = runner.invoke(cli.app, ["execute", "phase", "1", "--yes", "--resume"])
    assert result.exit_code == 0
    assert (project / "used").exists()
