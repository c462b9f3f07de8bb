"""Shared fixtures: the seeds, the corpus and the bundled example (read-only inputs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
EXAMPLE = REPO / "examples" / "atom"

# The seeds' own file names, by role.
SEED_VERIFICATION = "000_406d0d85bbac01b5.txt"  # phase 26 VERIFICATION report
SEED_PLAN_26_04 = "001_48dba6ddd45e2763.txt"
SEED_PLAN_26_06 = "002_b0720b99f6fc68b5.txt"
SEED_SUMMARY_12_GAP_01 = "003_4903b768d492d22e.txt"  # no frontmatter
SEED_PLAN_12_GAP_01 = "004_f390086e93ef0896.txt"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture()
def example_copy(tmp_path: Path) -> Path:
    """A private, writable copy of the bundled example project."""
    if not EXAMPLE.is_dir():
        pytest.skip("examples/atom is not present yet")
    dest = tmp_path / "atom"
    shutil.copytree(
        EXAMPLE, dest, ignore=shutil.ignore_patterns(".gsd", "__pycache__", ".pytest_cache")
    )
    return dest
