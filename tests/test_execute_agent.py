"""Agent mode: a real scripted agent (a Python file in tmp_path) does the task work; only the verify
commands decide; retries carry the failure output back in the prompt."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from planner.documents.loader import load_plan
from planner.execution.agent import build_prompt
from planner.results import CommandResult, CommandStatus
from tests.conftest import SEED_PLAN_26_04
from tests.execute_helpers import T, ledger_lines, run_gsd, write_plan

runner = CliRunner()

# Lies on the first attempt; fixes app.py when the prompt says what failed last time.
AGENT = r"""
import sys
from pathlib import Path
prompt = sys.stdin.read()
with open(sys.argv[1], "a", encoding="utf-8") as log:
    log.write(prompt + "\n=====\n")
if "## What failed last time" in prompt:
    Path("app.py").write_text("VALUE = 2\n")
    print("fixed VALUE")
else:
    print("All done. 12 passed in 0.5s")
    print("PASS: everything works")
"""

CHECK = 'grep -q "VALUE = 2" app.py && echo "PASS: fixed" || echo "FAIL: VALUE is not 2"'


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    monkeypatch.chdir(root)
    (root / ".planning").mkdir()
    (root / "app.py").write_text("VALUE = 1\n")
    write_plan(
        root,
        tasks=[
            T(
                "Set VALUE to 2",
                [CHECK],
                files=["app.py"],
                action="Change VALUE to 2.",
                done="app.py has VALUE = 2",
            )
        ],
        objective="The app has the right VALUE.",
    )
    return root


def agent_cmd(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "agent.py"
    script.write_text(AGENT)
    log = tmp_path / "prompts.log"
    return f"{sys.executable} {script} {log}", log


def test_agent_fixes_the_code_on_the_second_attempt(project: Path, tmp_path: Path) -> None:
    agent, log = agent_cmd(tmp_path)
    result = runner.invoke(
        cli.app, ["execute", "01-01", "--agent", agent, "--attempts", "3", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    run = json.loads(result.stdout)
    task = run["tasks"][0]
    assert (task["status"], task["attempts"]) == ("passed", 2)
    assert task["reason"] == "1/1 commands passed (attempt 2 of 3)"
    assert [(a["attempt"], a["status"], a["exit_code"]) for a in task["agent_runs"]] == [
        (1, "passed", 0),
        (2, "passed", 0),
    ]
    assert task["agent_runs"][1]["output_head"] == "fixed VALUE\n"
    prompts = log.read_text().split("\n=====\n")[:-1]
    assert len(prompts) == 2
    first, second = prompts
    assert first.startswith("# Plan 01-01, task 1: Set VALUE to 2\n\nAttempt 1 of 3.")
    for part in (
        "## Plan objective\n\nThe app has the right VALUE.",
        "## Files\n\n- app.py",
        "## Action\n\nChange VALUE to 2.",
        "## Done when\n\napp.py has VALUE = 2",
        f"## Verify (gsd runs these commands afterwards)\n\n```\n{CHECK}\n```",
    ):
        assert part in first
    assert "## What failed last time" not in first
    assert f"- `{CHECK}`: failed (1 output line starts with FAIL: FAIL: VALUE is not 2)" in second
    assert "```\nFAIL: VALUE is not 2\n```" in second
    kinds = [
        (e["kind"], e["status"]) for e in ledger_lines(project, "01-01") if e.get("record") != "run"
    ]
    assert kinds == [
        ("agent", "passed"),
        ("verify", "failed"),
        ("agent", "passed"),
        ("verify", "passed"),
    ]
    agent_entries = [e for e in ledger_lines(project, "01-01") if e.get("kind") == "agent"]
    assert all("test_counts" not in e for e in agent_entries)  # its "12 passed" is not a count


def test_the_agents_claims_are_never_evidence(project: Path, tmp_path: Path) -> None:
    agent, _ = agent_cmd(tmp_path)
    result = runner.invoke(cli.app, ["execute", "01-01", "--agent", agent, "--json"])
    assert result.exit_code == 1
    run = json.loads(result.stdout)
    assert run["tasks"][0]["status"] == "failed"
    assert run["tests_after"] is None  # "12 passed" came from the agent, not from a verify command
    assert "All done" in run["tasks"][0]["agent_runs"][0]["output_head"]
    # --resume does not skip the task on the agent's word either.
    result = runner.invoke(cli.app, ["execute", "01-01", "--agent", agent, "--resume", "--json"])
    assert json.loads(result.stdout)["tasks"][0]["status"] == "failed"


def test_agent_from_config_with_its_own_timeout(project: Path) -> None:
    config = {"gsd": {"agent": "sleep 5", "agent_timeout": 0.3}}
    (project / ".planning" / "config.json").write_text(json.dumps(config))
    result = runner.invoke(cli.app, ["execute", "01-01", "--json", "--no-write"])
    task = json.loads(result.stdout)["tasks"][0]
    assert task["agent_runs"][0]["status"] == "timed_out"
    assert task["agent_runs"][0]["duration"] < 3
    assert task["commands"][0]["status"] == "failed"  # the verify commands still ran


def test_agent_that_cannot_run_is_reported(project: Path) -> None:
    result = runner.invoke(cli.app, ["execute", "01-01", "--agent", "no-such-agent-xyz", "--json"])
    run = json.loads(result.stdout)
    assert run["tasks"][0]["agent_runs"][0]["status"] == "error"
    assert [d["code"] for d in run["diagnostics"]] == ["GSD957"]
    assert run["diagnostics"][0]["message"] == (
        "task 1: agent could not run: exit 127: command not found: no-such-agent-xyz"
    )


def test_prompt_for_a_seed_task(seeds_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "26-04-PLAN.md"
    path.write_bytes((seeds_dir / SEED_PLAN_26_04).read_bytes())
    plan = load_plan(path).doc
    assert plan is not None
    failure = CommandResult(
        command="grep x",
        run_command="grep x",
        cwd=".",
        status=CommandStatus.FAILED,
        reason="exit 1",
        output_head="line one\nline two\n",
    )
    prompt = build_prompt(plan, "26-04", plan.tasks[1], attempt=2, attempts=2, failures=[failure])
    assert prompt.startswith(
        "# Plan 26-04, task 2: Fix test_health_monitoring.py to use standardized "
        "db_session fixture\n\nAttempt 2 of 2."
    )
    assert "## Plan objective\n\nAdd pytest conftest hooks for database cleanup" in prompt
    assert "## Files\n\n- backend/tests/test_health_monitoring.py" in prompt
    assert (
        "## Action\n\n1. Remove the local `db_session` fixture (lines 35-44 in current file)"
        in prompt
    )
    assert (
        "## Done when\n\n- No local `db_session` fixture defined in test_health_monitoring.py"
        in prompt
    )
    assert (
        '## Verify (gsd runs these commands afterwards)\n\n```\ngrep -n "Base.metadata.create_all" '
        "backend/tests/test_health_monitoring.py"
    ) in prompt
    assert prompt.endswith("- `grep x`: failed (exit 1)\n```\nline one\nline two\n```\n")


# An agent for the bundled example: on a retry it removes test_health_monitoring.py's local
# db_session fixture (what plan 26-04 task 2 asks for), so the standardized one is used.
EXAMPLE_AGENT = r"""
import re, sys
from pathlib import Path
failed = sys.stdin.read().partition("## What failed last time")[2]
if "FAIL: local create_all still exists" in failed:
    path = Path("backend/tests/test_health_monitoring.py")
    text = path.read_text()
    text = re.sub(r"@pytest\.fixture\ndef db_session\(\):.*?drop_all\(bind=engine\)\n", "", text, flags=re.S)
    path.write_text(text)
    print("removed the local db_session fixture")
"""


@pytest.mark.slow
def test_agent_fixes_the_example_on_the_second_attempt(example_copy: Path, tmp_path: Path) -> None:
    script = tmp_path / "example_agent.py"
    script.write_text(EXAMPLE_AGENT)
    result = run_gsd(
        example_copy,
        "execute",
        "26-04",
        "--agent",
        f"{sys.executable} {script}",
        "--attempts",
        "2",
        "--json",
    )
    run = json.loads(result.stdout)
    by_task = {t["index"]: t for t in run["tasks"]}
    assert (by_task[2]["status"], by_task[2]["attempts"]) == ("passed", 2)
    assert by_task[2]["agent_runs"][1]["output_head"] == "removed the local db_session fixture\n"
    assert by_task[2]["commands"][0]["output_head"] == "PASS: using standardized fixture\n"
    health = by_task[3]["commands"][1]["output_head"]
    assert health.count("PASSED") == 5 and "ERROR" not in health  # the 5 errors are gone
    # Every task passes now, but the plan contradicts itself (README): its artifact wants the
    # removed fixture back (`contains: "def db_session"`), so the run is partial, exit 1.
    assert run["status"] == "partial"
    assert [t["status"] for t in run["tasks"]] == ["passed", "passed", "passed"]
    artifacts = {a["path"]: a["status"] for a in run["checks"]["artifacts"]}
    assert artifacts["backend/tests/test_health_monitoring.py"] == "FAILED"
    assert result.returncode == 1
