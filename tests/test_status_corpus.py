"""`gsd status` on every real repository of the corpus: no crash, and two pinned outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from planner.commands.status import render_text, status
from planner.status_report import StatusReport
from planner.workspace import Workspace

runner = CliRunner()


def planning_root(repo: Path) -> Path:
    """The folder holding the repository's .planning/ (TradingEino keeps it under backend/)."""
    found = sorted(repo.rglob(".planning"), key=lambda p: len(p.parts))
    assert found, f"no .planning in {repo}"
    return found[0].parent


def repos(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_dir())


@pytest.mark.slow
def test_status_never_crashes_on_the_corpus(corpus_dir: Path) -> None:
    seen = 0
    for repo in repos(corpus_dir):
        root = planning_root(repo)
        result = runner.invoke(cli.app, ["--root", str(root), "--no-color", "status", "--json"])
        assert result.exit_code == 0, (repo.name, result.stderr)
        assert "unexpected error" not in result.stderr, repo.name
        # The JSON is the whole model: it reads back, and renders as the text command would.
        report = StatusReport.model_validate(json.loads(result.stdout))
        assert report.project == root.name
        text = render_text(report)
        assert text.startswith(f"gsd status: {root.name}\n")
        assert text.count("\n") >= 2 + len(report.phases)
        seen += 1
    assert seen >= 24


@pytest.mark.slow
def test_status_detail_of_sampled_phases_on_the_corpus(corpus_dir: Path) -> None:
    for repo in repos(corpus_dir):
        ws = Workspace.discover(root=planning_root(repo))
        overview, _ = status(ws)
        ids = [p.folder or p.id for p in overview.phases]
        for ref in {ids[0], ids[len(ids) // 2], ids[-1]} if ids else set():
            report, _ = status(ws, ref)
            assert len(report.phases) == 1, (repo.name, ref)
            assert render_text(report).startswith(f"Phase {report.phases[0].id}: ")


PRISMA = """\
gsd status: AbianS__prisma-generate-uml
Plans   [##########] 3/3 with a summary
Phases  [----------] 0/3 verified

01  Foundation              [##########] 3/3  human check needed · score 8/10
    01-01  summary written
    01-02  summary written
    01-03  summary written
02  Performance Core        -                 not planned (no folder)
03  Screenshot Reliability  -                 not planned (no folder)
"""

MAILRS = """\
gsd status: goliajp__mailrs
Plans   [##########] 8/8 with a summary
Phases  [#######---] 3/4 verified

01  API Key Authentication  [##########] 2/2  verified · score 11/11 · archived (v1.0)
02  Agent Email Operations  [##########] 2/2  verified · score 7/7 · archived (v1.0)
03  Webhook Subscriptions   [##########] 2/2  verified · score 9/9 · archived (v1.0)
04  MCP Server              [##########] 2/2  gaps found (1 open) · score 9/10 · archived (v1.0)
    04-01  summary written
    04-02  summary written
"""

MAILRS_04 = """\
Phase 04: MCP Server
  Folder        .planning/milestones/v1.0-phases/04-mcp-server
  State         gaps found (1 open) · score 9/10 · archived (v1.0)
  ROADMAP       marked complete
  Verification  gaps_found · 9/10 must-haves verified · 1 open gap · 1 human check · re-verification
  Report        .planning/milestones/v1.0-phases/04-mcp-server/04-VERIFICATION.md
  Progress      [##########] 2/2 plans with a summary

  Plan   Wave  State
  04-01  1     summary written
  04-02  2     summary written
"""


@pytest.mark.parametrize(
    ("repo", "args", "expected"),
    [
        ("AbianS__prisma-generate-uml", [], PRISMA),
        ("goliajp__mailrs", [], MAILRS),
        ("goliajp__mailrs", ["4"], MAILRS_04),  # re_verification present, still gaps_found
    ],
)
def test_pinned_output(corpus_dir: Path, repo: str, args: list[str], expected: str) -> None:
    root = corpus_dir / repo
    result = runner.invoke(cli.app, ["--root", str(root), "--no-color", "status", *args])
    assert (result.exit_code, result.stdout) == (0, expected)


def test_nested_planning_root(corpus_dir: Path) -> None:
    root = corpus_dir / "PineappleBond__TradingEino" / "backend"
    result = runner.invoke(cli.app, ["--root", str(root), "--no-color", "status"])
    assert result.exit_code == 0
    assert result.stdout.startswith("gsd status: backend\n")
