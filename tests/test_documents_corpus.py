"""Every document of the real-world corpus loads: no exception, and every finding is located."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from planner.documents.loader import load_document
from planner.documents.models import DocKind, Plan
from planner.errors import Severity, has_errors


def test_whole_corpus_loads_with_located_diagnostics(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(corpus_dir.rglob("*.md"))
    assert len(files) > 3000
    crashed: list[str] = []
    kinds: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    mh_present = mh_recovered = 0
    started = time.perf_counter()
    loaded_all = []
    for path in files:
        try:
            loaded_all.append((path, load_document(path)))
        except Exception as exc:  # the point of the test: report every file that raises
            crashed.append(f"{path}: {type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - started
    assert crashed == []
    for path, loaded in loaded_all:
        kinds[
            f"{loaded.kind.value}{'' if loaded.ok or loaded.kind is DocKind.OTHER else ' (unloaded)'}"
        ] += 1
        n_lines = path.read_bytes().count(b"\n") + 1
        for d in loaded.diagnostics:
            codes[d.code] += 1
            severities[d.severity.value] += 1
            assert d.file == str(path)
            assert d.line is not None and 1 <= d.line <= n_lines, d.format()
            assert d.message and d.hint, d.format()
            assert d.code.startswith("GSD1") and len(d.code) == 6
        if loaded.kind is not DocKind.OTHER and loaded.doc is None:
            assert has_errors(loaded.diagnostics), path  # unloaded is always explained by an error
        if isinstance(loaded.doc, Plan) and any(
            k in loaded.frontmatter for k in ("must_haves", "must-haves")
        ):
            mh_present += 1
            mh_recovered += loaded.doc.must_haves.checkable_count > 0
    fraction = mh_recovered / mh_present
    with capsys.disabled():
        print(f"\ncorpus: {len(files)} files loaded in {elapsed:.2f} s")
        print("  per kind:      " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
        print("  per severity:  " + ", ".join(f"{k} {n}" for k, n in sorted(severities.items())))
        print("  per code:      " + ", ".join(f"{k} {n}" for k, n in sorted(codes.items())))
        print(
            f"  must-haves recovered: {mh_recovered}/{mh_present} = {fraction:.1%} of plans with must_haves"
        )
    assert kinds["plan"] > 1000 and kinds["summary"] > 900 and kinds["verification"] > 150
    assert fraction > 0.98
    # the corpus has seed-like recoveries: invalid escapes and colons re-read with a warning
    assert codes["GSD120"] > 5 and codes["GSD121"] > 5
    assert severities[Severity.ERROR.value] < 10
    # Speed is measured by bench/bench_lint.py (loader next to a plain-YAML floor), not here.
