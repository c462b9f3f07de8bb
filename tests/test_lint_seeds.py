"""`gsd lint` on the five seeds in a real .planning layout, in every output format."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli
from tests.conftest import (
    SEED_PLAN_12_GAP_01,
    SEED_PLAN_26_04,
    SEED_PLAN_26_06,
    SEED_SUMMARY_12_GAP_01,
    SEED_VERIFICATION,
)

runner = CliRunner()
P26 = ".planning/phases/26-ci-cd-fixes/"
P12 = ".planning/phases/12-tier-1-coverage-push/"


@pytest.fixture()
def seeded(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "atom"
    layout = {
        P26 + "26-04-PLAN.md": SEED_PLAN_26_04,
        P26 + "26-06-PLAN.md": SEED_PLAN_26_06,
        P26 + "26-VERIFICATION.md": SEED_VERIFICATION,
        P12 + "12-tier-1-coverage-push-GAP-01-PLAN.md": SEED_PLAN_12_GAP_01,
        P12 + "12-tier-1-coverage-push-GAP-01-SUMMARY.md": SEED_SUMMARY_12_GAP_01,
    }
    for rel, seed in layout.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seeds_dir / seed, root / rel)
    monkeypatch.chdir(root)
    return root


# What gsd's own rules find in the seeds (file, line, code), in output order.
EXPECTED_RULES = [
    (P12 + "12-tier-1-coverage-push-GAP-01-PLAN.md", 120, "GSD332"),  # /Users/rushiparikh/... (x3)
    (P12 + "12-tier-1-coverage-push-GAP-01-PLAN.md", 202, "GSD331"),  # pytest ... | tee
    (P26 + "26-04-PLAN.md", 94, "GSD330"),  # ... && echo PASS || echo "INFO: ..."
    (P26 + "26-04-PLAN.md", 148, "GSD331"),  # pytest ... | grep | tail -5
    (P26 + "26-04-PLAN.md", 148, "GSD332"),
    (P26 + "26-04-PLAN.md", 149, "GSD331"),
    (P26 + "26-06-PLAN.md", 171, "GSD330"),
    (P26 + "26-06-PLAN.md", 199, "GSD332"),
]


def test_text_format(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["lint"])
    assert result.exit_code == 1  # two commands that cannot fail
    lines = result.stdout.splitlines()
    assert lines[-1] == "gsd lint: 2 errors, 9 warnings in 5 files"
    rule_hits = [ln for ln in lines if "[GSD3" in ln]
    assert [
        (ln.split(":")[0], int(ln.split(":")[1]), ln.split("[")[1][:6]) for ln in rule_hits
    ] == EXPECTED_RULES
    assert rule_hits[2] == (
        f"{P26}26-04-PLAN.md:94: error[GSD330]: task 1: command cannot fail (ends with "
        '`|| echo INFO: checking parameter usage...`): grep -n "def.*db_session" '
        "backend/tests/test_feedback_enhanced.py | wc -l | g... (hint: gsd fails a command on a "
        "non-zero exit or a line starting with FAIL; this one always exits 0 and never prints FAIL. "
        'Drop the fallback, or print "FAIL: ..." on the failure branch)'
    )
    assert (
        f"{P26}26-04-PLAN.md:148: warning[GSD332]: task 3: /Users/rushiparikh/projects/atom/backend "
        "does not exist on this machine (and 1 more) (hint: run with --map-path "
        '/Users/rushiparikh/projects/atom=. (or "path_map": {"/Users/rushiparikh/projects/atom": "."} '
        "in the gsd section of .planning/config.json))"
    ) in lines
    # The loader's recoveries are part of the report: the invalid "\." escapes of seeds 001/002.
    assert [ln.split(": ")[0] + " " + ln.split("[")[1][:6] for ln in lines if "GSD120" in ln] == [
        f"{P26}26-04-PLAN.md:34 GSD120",
        f"{P26}26-06-PLAN.md:25 GSD120",
    ]


def test_json_format_is_one_document(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["lint", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["errors"], report["warnings"], report["exit_code"]) == (2, 9, 1)
    assert [f["path"] for f in report["files"]] == [
        P12 + "12-tier-1-coverage-push-GAP-01-PLAN.md",
        P12 + "12-tier-1-coverage-push-GAP-01-SUMMARY.md",
        P26 + "26-04-PLAN.md",
        P26 + "26-06-PLAN.md",
        P26 + "26-VERIFICATION.md",
    ]
    rules = [
        (d["file"], d["line"], d["code"])
        for d in report["diagnostics"]
        if d["code"].startswith("GSD3")
    ]
    assert rules == EXPECTED_RULES
    assert result.stderr == ""


def test_github_format(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["lint", "26", "--format", "github"])
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[0] == (
        f"::warning file={P26}26-04-PLAN.md,line=34,title=GSD120::must_haves.key_links[0].pattern: "
        'invalid escape "\\." — use single quotes (hint: write it as '
        "'Base\\.metadata\\.create_all.*checkfirst' (single quotes keep backslashes as typed))"
    )
    assert lines[1].startswith(
        f"::error file={P26}26-04-PLAN.md,line=94,title=GSD330::task 1: command cannot fail"
    )
    assert lines[-1] == "gsd lint: 2 errors, 6 warnings in 3 files"


def test_one_plan_by_id_and_by_path(seeded: Path) -> None:
    by_id = runner.invoke(cli.app, ["lint", "12-GAP-01"])
    by_path = runner.invoke(cli.app, ["lint", P12 + "12-tier-1-coverage-push-GAP-01-PLAN.md"])
    assert (
        by_id.stdout.splitlines()[-1] == "gsd lint: 0 errors, 3 warnings in 2 files"
    )  # plan + summary
    assert by_path.stdout.splitlines()[-1] == "gsd lint: 0 errors, 2 warnings in 1 file"
    assert by_id.exit_code == by_path.exit_code == 0


def test_unknown_ref_and_unreadable_file_exit_3(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["lint", "26-09", "26-04"])
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == (
        "gsd: error[GSD203]: unknown reference '26-09' "
        "(hint: `gsd status` lists phases and plans; candidates: 26-04, 26-06)"
    )
    (seeded / P26 / "26-07-PLAN.md").write_bytes(b"\x00\x01binary")
    result = runner.invoke(cli.app, ["lint", "26"])
    assert result.exit_code == 3
    assert f"{P26}26-07-PLAN.md:1: error[GSD102]" in result.stdout


def test_tilde_naming_no_user_is_exit_3_not_a_crash(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["lint", "~1"])
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == "gsd: error[GSD203]: no such file or folder: ~1"


def test_lint_in_a_subprocess_with_root(seeded: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "planner", "--root", str(seeded), "lint", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["errors"] == 2


def test_fixing_the_seed_commands_clears_the_errors(seeded: Path) -> None:
    plan = seeded / P26 / "26-04-PLAN.md"
    text = plan.read_text(encoding="utf-8").replace(
        '|| echo "INFO: checking parameter usage..."',
        '|| echo "FAIL: db_session fixture defined locally"',
    )
    plan.write_text(text, encoding="utf-8")
    result = runner.invoke(cli.app, ["lint", "26-04"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "gsd lint: 0 errors, 4 warnings in 1 file"
