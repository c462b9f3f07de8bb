"""`gsd plan gaps` on every corpus phase whose VERIFICATION.md has open gaps: no crash, lint clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.commands.lint import lint
from planner.commands.plan_gaps import plan_gaps
from planner.documents.loader import load_verification
from planner.documents.models import Verification
from planner.errors import ExitCode, Severity
from planner.gaps.context import CLOSED
from planner.workspace import Workspace


def phases_with_open_gaps(corpus: Path) -> list[tuple[Path, Path]]:
    """(planning folder, phase folder) for each phase whose report lists a gap not marked closed."""
    found = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        planning = sorted(repo.rglob(".planning"), key=lambda p: len(p.parts))[0]
        for phase in Workspace.discover(root=planning.parent).phases():
            path = phase.verification_path
            doc = load_verification(path).doc if path else None
            if isinstance(doc, Verification) and any(
                (g.status or "").lower() not in CLOSED for g in doc.gaps
            ):
                found.append((planning, phase.dir))
    return found


@pytest.mark.slow
def test_plan_gaps_on_corpus_phases(corpus_dir: Path, tmp_path: Path) -> None:
    cases = phases_with_open_gaps(corpus_dir)
    assert len(cases) >= 10
    written = 0
    for n, (planning, phase_dir) in enumerate(cases):
        root = tmp_path / str(n)
        shutil.copytree(phase_dir, root / ".planning" / phase_dir.relative_to(planning))
        ws = Workspace.discover(root=root)
        result, code = plan_gaps(ws, str(phase_dir.relative_to(planning.parent)))
        assert code is ExitCode.OK, (phase_dir, result.message)
        assert result.plans and all(p.written for p in result.plans)
        report = lint([str(root / p.path) for p in result.plans], Workspace.discover(root=root))
        errors = [d.format() for d in report.diagnostics if d.severity is Severity.ERROR]
        assert errors == [], phase_dir
        again, code = plan_gaps(
            Workspace.discover(root=root), str(phase_dir.relative_to(planning.parent))
        )
        assert code is ExitCode.NOTHING_TO_CHECK and again.plans == []  # re-running writes nothing
        written += len(result.plans)
    assert written >= len(cases)
