"""`--agent CMD`: a real scripted agent (a Python script) judges uncertain truths; its word is
recorded as judged, never as verified."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from verify_factories import gsd, make_project, plan_text, summary_text

from planner.execution.ledger import Ledger
from planner.verify.agent_judge import Verdict, parse_verdict

REPORT = Path(".planning/phases/01-demo/01-VERIFICATION.md")

AGENT = textwrap.dedent(
    """\
    import json, os, sys, time
    prompt = sys.stdin.read()
    with open(os.environ["AGENT_LOG"], "a", encoding="utf-8") as log:
        log.write(prompt + "\\n=====\\n")
    def say(verdict, reason):
        print(json.dumps({"verdict": verdict, "reason": reason}))
    if "Statement: Users enjoy the flow" in prompt:
        say("pass", "flow.py greets the user")
    elif "Statement: It caches results" in prompt:
        print("Let me look at the code first.")
        say("fail", "no cache in flow.py")
    elif "Statement: Output is tidy" in prompt:
        print("{verdict: pass")
    elif "Statement: It never crashes" in prompt:
        sys.exit(3)
    elif "Statement: It is instant" in prompt:
        time.sleep(30)
    else:
        say("uncertain", "cannot tell from the excerpts")
    """
)


@pytest.fixture
def agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    script = tmp_path / "agent.py"
    script.write_text(AGENT, encoding="utf-8")
    log = tmp_path / "prompts.txt"
    monkeypatch.setenv("AGENT_LOG", str(log))
    return f"{sys.executable} {script}", log


def project(root: Path, truths: list[str], config: dict[str, object] | None = None) -> Path:
    must = "artifacts:\n  - {path: src/flow.py}\ntruths:\n" + "".join(f"  - {t}\n" for t in truths)
    return make_project(
        root,
        {"01-01": plan_text("1", "01", must)},
        files={"src/flow.py": "def greet(user):\n    return f'hello {user}'\n"},
        summaries={"01-01": summary_text("1", "01")},
        config=config,
    )


def test_parse_verdict() -> None:
    assert parse_verdict('{"verdict": "pass", "reason": "ok"}') == (Verdict.PASS, "ok")
    assert parse_verdict('noise {"a": 1}\n{"verdict": "FAIL", "reason": " no "}\n') == (
        Verdict.FAIL,
        "no",
    )
    assert parse_verdict('{"verdict": "uncertain"}') == (Verdict.UNCERTAIN, "")
    assert parse_verdict('{"verdict": "maybe", "reason": "x"}') is None
    assert parse_verdict("{verdict: pass") is None
    assert parse_verdict("") is None


def test_judged_pass_is_not_verified_and_needs_a_person(
    tmp_path: Path, agent: tuple[str, Path]
) -> None:
    command, log = agent
    root = project(tmp_path / "p", ["Users enjoy the flow"])
    result = gsd(root, "verify", "phase", "1", "--agent", command, "--json")
    assert result.exit_code == 4  # a judged pass is never a pass
    data = json.loads(result.stdout)
    (truth,) = data["plans"][0]["truths"]
    assert (truth["status"], truth["source"], truth["judged"]) == ("PASSED", "agent", True)
    assert truth["reason"] == f"agent `{command}` judged pass: flow.py greets the user"
    assert data["score"]["truths"] == {"verified": 0, "total": 1}
    assert data["score"]["judged"] == 1
    (human,) = data["human_verification"]
    assert human["expected"] == "A person confirms the agent's judgement that this holds"
    body = (root / REPORT).read_text(encoding="utf-8")
    assert "| 1 | Users enjoy the flow | ⚖️ JUDGED PASS (agent, unconfirmed) |" in body
    prompt = log.read_text(encoding="utf-8")
    assert "Statement: Users enjoy the flow" in prompt
    assert "Objective: Demo objective." in prompt
    assert "--- src/flow.py (lines 1-2 of 2) ---\ndef greet(user):" in prompt
    (entry,) = Ledger(root / ".planning").entries("01-01")
    assert (entry.kind, entry.command, entry.status.value) == ("agent", command, "passed")


def test_agent_answers_and_failures(tmp_path: Path, agent: tuple[str, Path]) -> None:
    command, _ = agent
    truths = [
        "Users enjoy the flow",
        "It caches results",
        "Output is tidy",
        "It never crashes",
        "It is instant",
        "Colours are pleasant",
    ]
    root = project(tmp_path / "p", truths, config={"gsd": {"agent_timeout": 1.0}})
    result = gsd(root, "verify", "phase", "1", "--agent", command, "--json", "--jobs", "3")
    assert result.exit_code == 1  # a judged fail is a gap
    data = json.loads(result.stdout)
    status = {t["text"]: (t["status"], t["judged"]) for t in data["plans"][0]["truths"]}
    assert status == {
        "Users enjoy the flow": ("PASSED", True),
        "It caches results": ("FAILED", True),
        "Output is tidy": ("UNCERTAIN", False),
        "It never crashes": ("UNCERTAIN", False),
        "It is instant": ("UNCERTAIN", False),
        "Colours are pleasant": ("UNCERTAIN", False),
    }
    (gap,) = data["gaps"]
    assert gap["reason"] == f"judged by agent: agent `{command}` judged fail: no cache in flow.py"
    diags = {d["code"]: d for d in data["plans"][0]["diagnostics"] if d["code"].startswith("GSD92")}
    assert diags["GSD921"]["message"].startswith(
        f"agent `{command}` on truth 'Output is tidy': no JSON verdict"
    )
    assert diags["GSD921"]["line"] == 13
    assert diags["GSD922"]["message"].endswith(
        "'Colours are pleasant': cannot tell from the excerpts"
    )
    crashes = [d["message"] for d in data["plans"][0]["diagnostics"] if d["code"] == "GSD920"]
    assert sorted(crashes) == [
        f"agent `{command}` on truth 'It is instant': timed out after 1 s",
        f"agent `{command}` on truth 'It never crashes': exit 3",
    ]
    human = [h["test"] for h in data["human_verification"]]
    assert human == [
        "Users enjoy the flow",
        "Output is tidy",
        "It never crashes",
        "It is instant",
        "Colours are pleasant",
    ]


def test_no_agent_call_when_nothing_is_uncertain(tmp_path: Path, agent: tuple[str, Path]) -> None:
    command, log = agent
    root = project(tmp_path / "p", [])
    assert gsd(root, "verify", "phase", "1", "--agent", command).exit_code == 0
    assert not log.exists()
