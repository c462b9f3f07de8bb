"""The checks over real plans from the corpus: no input crashes them, every code is ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.checks.engine import CheckContext, check_plan
from planner.documents.loader import load_plan


@pytest.mark.slow
def test_corpus_plans_check_without_crashing(corpus_dir: Path) -> None:
    checked = 0
    for repo in sorted(p for p in corpus_dir.iterdir() if p.is_dir()):
        ctx = CheckContext.create(repo, regex_timeout=0.2, regex_budget=5.0)
        for path in sorted(repo.rglob("*PLAN*.md"))[::6]:  # a deterministic sample
            plan = load_plan(path).doc
            if plan is None:
                continue
            result = check_plan(plan, path.stem, ctx.for_plan())
            checked += 1
            assert len(result.artifacts) == len(plan.must_haves.artifacts)
            assert len(result.links) == len(plan.must_haves.key_links)
            assert len(result.truths) == len(plan.must_haves.truths)
            assert all(d.code.startswith("GSD4") for d in result.diagnostics)
            if not plan.must_haves.checkable_count:
                assert result.checkable == 0
            assert max(ctx.files.read_counts.values(), default=1) == 1
    assert checked > 100
