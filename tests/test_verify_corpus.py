"""`gsd verify --static --no-write` over real planning folders: never a crash, never a pass on
documents whose code is absent, nothing written into the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.commands.verify import VerifyOptions, verify_phase
from planner.errors import ExitCode, GsdError
from planner.workspace import Workspace

SAMPLE_EVERY = 15  # about 25 of the corpus's ~340 phases: a spread, in a few seconds


@pytest.mark.slow
def test_corpus_sample_verifies_without_crashing(corpus_dir: Path) -> None:
    phases = []
    for repo in sorted(p for p in corpus_dir.iterdir() if (p / ".planning").is_dir()):
        ws = Workspace.discover(root=repo)
        phases += [(ws, ph) for ph in ws.phases()]
    sample = phases[::SAMPLE_EVERY]
    assert len(sample) >= 15
    seen: dict[ExitCode, int] = {}
    for ws, phase in sample:
        try:
            outcome = verify_phase(ws, str(phase.dir), VerifyOptions(static=True, write=False))
        except GsdError as exc:  # an unloadable plan is bad input, reported with a location
            assert exc.exit_code is ExitCode.BAD_INPUT and exc.file, exc.format()
            continue
        seen[outcome.exit_code] = seen.get(outcome.exit_code, 0) + 1
        # The corpus holds no code: a phase with must-haves cannot pass.
        if outcome.report.score.total:
            assert outcome.exit_code is not ExitCode.OK, phase.dir
    assert set(seen) <= {ExitCode.FAILED, ExitCode.HUMAN_NEEDED, ExitCode.NOTHING_TO_CHECK}
    assert not list(corpus_dir.glob("*/.planning/.gsd"))
