"""The bundled example (examples/atom) is in its intended state.

These tests pin what examples/atom/README.md promises: the backend suite's counts, the output
of every verify command of plans 26-04 and 26-06 (taken from the seeds, paths mapped by plain
string replacement, run under ``bash -c`` from the project root), the must-have facts gsd
checks, and the planning documents being the seeds plus the listed adaptations only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "atom"
AUTHOR_ROOT = "/Users/rushiparikh/projects/atom"
PHASES = EXAMPLE / ".planning" / "phases"

# Planning document -> seed it reproduces.
DOCUMENTS = {
    "26-ci-cd-fixes/26-VERIFICATION.md": "000_406d0d85bbac01b5.txt",
    "26-ci-cd-fixes/26-04-PLAN.md": "001_48dba6ddd45e2763.txt",
    "26-ci-cd-fixes/26-06-PLAN.md": "002_b0720b99f6fc68b5.txt",
    "12-tier-1-coverage-push/12-tier-1-coverage-push-GAP-01-SUMMARY.md": "003_4903b768d492d22e.txt",
    "12-tier-1-coverage-push/12-tier-1-coverage-push-GAP-01-PLAN.md": "004_f390086e93ef0896.txt",
}
# The only adaptations (README "Adaptations of the seeds"): seed 000's mojibake restored.
ADAPTATIONS = {
    "26-ci-cd-fixes/26-VERIFICATION.md": [
        ("âš\xa0ï¸", "⚠️", 9),
        ("âœ“", "✓", 8),
        ("âœ—", "✗", 5),
        ("ðŸ›‘", "🛑", 7),
        ("âœ…", "✅", 3),
    ],
}

HEALTH_ERRORS = {
    "backend/tests/test_health_monitoring.py::TestAgentHealth::test_no_executions_is_unknown",
    "backend/tests/test_health_monitoring.py::TestAgentHealth::test_success_rate_and_duration",
    "backend/tests/test_health_monitoring.py::TestAgentHealth::test_running_executions_are_not_counted",
    "backend/tests/test_health_monitoring.py::TestSystemHealth::test_counts_agents_by_status",
    "backend/tests/test_health_monitoring.py::TestSystemHealth::test_no_agents",
}
ORM_FAILURES = {
    "backend/tests/unit/test_models_orm.py::TestAgentRegistryModel::test_atom_main_starts_as_student",
    "backend/tests/unit/test_models_orm.py::TestUserModel::test_user_full_name",
    "backend/tests/unit/test_models_orm.py::TestAgentFeedbackModel::test_feedback_thumbs_down",
    "backend/tests/unit/test_models_orm.py::TestIndexConstraints::test_indexes_declared_once",
    "backend/tests/unit/test_models_orm.py::TestDatabaseIsolation::test_each_test_starts_with_empty_tables",
}
SUMMARY_RE = re.compile(r"(\d+) (passed|failed|errors?|skipped)")
OUTCOME_RE = re.compile(r"^(PASSED|FAILED|ERROR) (\S+)", re.M)
VERIFY_RE = re.compile(r"<verify>\n(.*?)</verify>", re.S)


def _env(pythonpath: str | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"}
    }
    # The plans call a bare `pytest`; the venv running these tests provides it.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in examples/atom
    env["COLUMNS"] = "80"
    # As gsd's runner does; pytest also stops truncating its short summary under CI, so the
    # output is the same on a developer's machine and in CI.
    env["CI"] = "1"
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def _pytest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=root,
        env=_env("backend"),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _counts(output: str) -> dict[str, int]:
    last = output.strip().splitlines()[-1]
    return {
        kind.rstrip("s") if kind.startswith("error") else kind: int(n)
        for n, kind in SUMMARY_RE.findall(last)
    }


def _verify_commands(seed: Path) -> list[str]:
    """Every command line of every <verify> block, in order."""
    blocks = VERIFY_RE.findall(seed.read_text(encoding="utf-8"))
    return [line for block in blocks for line in textwrap.dedent(block).strip().splitlines()]


def _run_shell(command: str, root: Path) -> subprocess.CompletedProcess[str]:
    mapped = command.replace(AUTHOR_ROOT, str(root))
    return subprocess.run(
        ["bash", "-c", mapped],
        cwd=root,
        env=_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def suite() -> subprocess.CompletedProcess[str]:
    if not EXAMPLE.is_dir():
        pytest.skip("examples/atom is not present")
    return _pytest(EXAMPLE, "backend/tests", "-q", "-rA")


def test_backend_suite_gives_the_intended_counts(suite: subprocess.CompletedProcess[str]) -> None:
    assert suite.returncode == 1, suite.stdout[-2000:]
    assert _counts(suite.stdout) == {"passed": 43, "failed": 5, "error": 5}


def test_backend_suite_outcomes_per_test(suite: subprocess.CompletedProcess[str]) -> None:
    outcomes = OUTCOME_RE.findall(suite.stdout)
    by_kind = {kind: {test for k, test in outcomes if k == kind} for kind in ("FAILED", "ERROR")}
    assert by_kind == {"FAILED": ORM_FAILURES, "ERROR": HEALTH_ERRORS}
    passed = Counter(test.split("::")[0] for kind, test in outcomes if kind == "PASSED")
    assert passed == {
        "backend/tests/test_feedback_enhanced.py": 19,
        "backend/tests/test_health_monitoring.py": 3,
        "backend/tests/test_atom_governance.py": 2,
        "backend/tests/unit/test_models_orm.py": 15,
        "backend/tests/property_tests/test_user_properties.py": 4,
    }
    assert (
        suite.stdout.count(
            "sqlite3.OperationalError: index ix_agent_feedback_agent_id already exists"
        )
        >= 5
    )
    assert "UNIQUE constraint failed: users.email" in suite.stdout  # leaked by test_user_creation


FEEDBACK_TAIL = re.compile(r"backend/tests/test_feedback_enhanced\.py::\S+ PASSED\s+\[\s*\d+%\]")
GOVERNANCE = re.compile(r"backend/tests/test_atom_governance\.py::(\w+) PASSED\s+\[\s*(\d+)%\]")

# (seed, index of the command among its plan's verify lines) -> exact stdout or a checker.
EXPECTED_VERIFY: dict[tuple[str, int], str] = {
    ("001_48dba6ddd45e2763.txt", 0): "PASS: local fixture removed\n",
    ("001_48dba6ddd45e2763.txt", 1): "INFO: checking parameter usage...\n",
    (
        "001_48dba6ddd45e2763.txt",
        2,
    ): "25:    Base.metadata.create_all(bind=engine)\nFAIL: local create_all still exists\n",
    (
        "001_48dba6ddd45e2763.txt",
        3,
    ): "12:from core.database import Base, create_engine, sessionmaker\n"
    '18:engine = create_engine(SQLALCHEMY_DATABASE_URL, connect_args={"check_same_thread": False})\n'
    "INFO: checking engine imports...\n",
    (
        "002_b0720b99f6fc68b5.txt",
        0,
    ): '        patch("core.agent_governance_service.AgentGovernanceService.record_outcome",'
    " new_callable=AsyncMock) as record_outcome,\nPASS: record_outcome patch added\n",
}


@pytest.mark.parametrize(
    "seed_name, count", [("001_48dba6ddd45e2763.txt", 6), ("002_b0720b99f6fc68b5.txt", 2)]
)
def test_seed_verify_blocks_have_the_commands_pinned_here(
    seeds_dir: Path, seed_name: str, count: int
) -> None:
    assert len(_verify_commands(seeds_dir / seed_name)) == count


@pytest.mark.parametrize("seed_name, index", sorted(EXPECTED_VERIFY))
def test_grep_verify_commands_print_the_intended_verdicts(
    seeds_dir: Path, seed_name: str, index: int
) -> None:
    command = _verify_commands(seeds_dir / seed_name)[index]
    result = _run_shell(command, EXAMPLE)
    assert (result.returncode, result.stdout) == (0, EXPECTED_VERIFY[(seed_name, index)])
    # The runner's rule: a line starting with FAIL fails a command that exits 0.
    fails = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert bool(fails) == ((seed_name, index) == ("001_48dba6ddd45e2763.txt", 2))


def test_26_04_feedback_run_shows_only_passes(seeds_dir: Path) -> None:
    result = _run_shell(_verify_commands(seeds_dir / "001_48dba6ddd45e2763.txt")[4], EXAMPLE)
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    assert len(lines) == 5 and all(FEEDBACK_TAIL.fullmatch(line) for line in lines), lines
    assert lines[-1].endswith("[100%]")


def test_26_04_health_run_shows_the_duplicate_index_errors(seeds_dir: Path) -> None:
    result = _run_shell(_verify_commands(seeds_dir / "001_48dba6ddd45e2763.txt")[5], EXAMPLE)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert {line.removeprefix("ERROR ").split(" - ")[0] for line in lines} == HEALTH_ERRORS
    assert all(line.endswith("index ix_agent_feedback_agent_id already exists") for line in lines)


def test_26_06_governance_run_shows_two_passes(seeds_dir: Path) -> None:
    result = _run_shell(_verify_commands(seeds_dir / "002_b0720b99f6fc68b5.txt")[1], EXAMPLE)
    found = [GOVERNANCE.fullmatch(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and all(found), result.stdout
    assert [(m.group(1), m.group(2)) for m in found if m] == [
        ("test_atom_governance_gating", "50"),
        ("test_atom_learning_progression", "100"),
    ]


def _lines(rel: str) -> list[str]:
    return (EXAMPLE / rel).read_text(encoding="utf-8").splitlines()


def _hits(rel: str, pattern: str) -> list[int]:
    rx = re.compile(pattern)
    return [n for n, line in enumerate(_lines(rel), 1) if rx.search(line)]


def test_must_have_facts_26_04() -> None:
    assert len(_lines("backend/tests/conftest.py")) >= 60
    assert _hits("backend/tests/conftest.py", r"Base\.metadata\.create_all.*checkfirst") == [42]
    assert "@pytest.fixture" in "\n".join(_lines("backend/tests/test_feedback_enhanced.py"))
    assert _hits("backend/tests/test_feedback_enhanced.py", r"def db\(|SessionLocal") == []
    assert _hits("backend/tests/test_health_monitoring.py", r"def db_session") == [23]
    assert _hits("backend/tests/test_health_monitoring.py", r"create_all\(bind=engine\)$") == [25]


def test_must_have_facts_26_06() -> None:
    rel = "backend/tests/test_atom_governance.py"
    start = _hits(rel, r"^def test_atom_learning_progression\(")[0]
    ends = [n for n in _hits(rel, r"^\S") if n > start]
    end = ends[0] - 1 if ends else len(_lines(rel))
    hits = _hits(rel, r"patch\.object.*_record_execution")
    assert hits and all(start < n <= end for n in hits)
    assert _hits(rel, r"\._step_act\(") == []
    assert _hits("backend/core/atom_meta_agent.py", r"_step_act") == []


def test_must_have_facts_12_gap_01() -> None:
    orm = "backend/tests/unit/test_models_orm.py"
    assert len(_lines(orm)) < 968
    manual = [
        n
        for n in _hits(orm, r"(AgentRegistry|User|Workspace)\(")
        if "Factory" not in _lines(orm)[n - 1]
    ]
    assert manual == [36]  # the SUMMARY says no manual constructor remains
    link1 = r"AgentFactory\(\), UserFactory\(\), NOT AgentRegistry\(\)"
    assert _hits(orm, link1) == [] and _hits("backend/core/models.py", link1) == []
    link2 = r"rollback\(\), close\(\)"
    assert _hits("backend/tests/unit/conftest.py", link2) == []  # source: not wired
    assert _hits("backend/tests/property_tests/conftest.py", link2) == [20]  # target only
    factories = EXAMPLE / "backend/tests/factories"
    assert (factories / "feedback_factory.py").is_file()
    assert not (factories / "workspace_factory.py").exists()


@pytest.mark.parametrize("rel", sorted(DOCUMENTS))
def test_planning_document_is_its_seed_plus_listed_adaptations(seeds_dir: Path, rel: str) -> None:
    seed = (seeds_dir / DOCUMENTS[rel]).read_bytes()
    expected = seed
    for bad, good, count in ADAPTATIONS.get(rel, []):
        assert expected.count(bad.encode()) == count, bad
        expected = expected.replace(bad.encode(), good.encode())
    assert (PHASES / rel).read_bytes() == expected


def test_adapted_verification_has_no_mojibake_left() -> None:
    text = (PHASES / "26-ci-cd-fixes/26-VERIFICATION.md").read_text(encoding="utf-8")
    assert not re.search(r"[\u00c0-\u00ff][\u0080-\u02ff\u2000-\u20ff]", text)
    assert text.count("⚠️ PARTIAL") == 8 and text.count("✓ VERIFIED") == 4


def test_readme_lists_every_adaptation_and_document() -> None:
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    for rel, seed in DOCUMENTS.items():
        assert f"`.planning/phases/{rel}` | `{seed}` |" in readme
    for bad, good, count in ADAPTATIONS["26-ci-cd-fixes/26-VERIFICATION.md"]:
        assert f"| `{bad!r}` | {good} | {count} |" in readme
    assert "**43 passed, 5 failed, 5 errors**" in readme
    phase_files = sorted(str(p.relative_to(PHASES)) for p in PHASES.rglob("*") if p.is_file())
    assert phase_files == sorted(DOCUMENTS)


def test_gitignore_keeps_caches_and_the_ledger_out() -> None:
    ignored = set((EXAMPLE / ".gitignore").read_text(encoding="utf-8").split())
    assert {"__pycache__/", ".pytest_cache/", ".planning/.gsd/"} <= ignored


def test_adding_checkfirst_closes_the_duplicate_index_gap(
    example_copy: Path, seeds_dir: Path
) -> None:
    health = example_copy / "backend/tests/test_health_monitoring.py"
    text = health.read_text(encoding="utf-8")
    health.write_text(
        text.replace("create_all(bind=engine)", "create_all(bind=engine, checkfirst=True)"),
        encoding="utf-8",
    )
    result = _pytest(example_copy, "backend/tests/test_health_monitoring.py", "-q")
    assert _counts(result.stdout) == {"passed": 8}
    # The plan wanted the local fixture removed, so its grep still reports FAIL.
    grep = _run_shell(_verify_commands(seeds_dir / "001_48dba6ddd45e2763.txt")[2], example_copy)
    assert grep.stdout.endswith("FAIL: local create_all still exists\n")
