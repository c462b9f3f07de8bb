"""Every SUMMARY.md of the corpus: recording commits changes the `commits:` block and the Commits
section, and not one other byte (checked by a line diff, independently of the editor's own logic).
"""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pytest

from planner.documents.edit import (
    frontmatter_mapping,
    read_managed_section,
    replace_managed_section,
    set_frontmatter_keys,
)
from planner.errors import GsdError
from planner.gitops.commits import Commit
from planner.gitops.record import read_entries, record

HASHES = ["abc1234", "def5678"]
SECTION = "| `abc1234` | feat | x |\n"
FM_LINES = {"---", "commits:", "  - abc1234", "  - def5678", ""}
BODY_LINES = {
    "",
    "## Commits",
    "<!-- gsd:begin commits -->",
    SECTION.rstrip("\n"),
    "<!-- gsd:end commits -->",
}


def _summaries(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in corpus_dir.rglob("*SUMMARY.md") if p.is_file())


def _fm_end(lines: list[str]) -> int:
    """Index of the closing --- line (0 when there is no frontmatter)."""
    if not lines or lines[0].lstrip("\ufeff").rstrip() != "---":
        return 0
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)


def _check_diff(old: str, new: str) -> None:
    a, b = old.replace("\r\n", "\n").split("\n"), new.replace("\r\n", "\n").split("\n")
    fm_end = _fm_end(a)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        removed, added = a[i1:i2], b[j1:j2]
        if i1 <= fm_end and (fm_end or i1 == 0):  # frontmatter: only the commits block
            assert (
                not removed
                or removed[0].startswith("commits:")
                or all(r.startswith((" ", "-")) or not r.strip() for r in removed)
            ), removed
            assert set(added) <= FM_LINES, added
        else:  # body: only insertions of the section
            assert not removed, removed
            assert set(added) <= BODY_LINES, added


@pytest.mark.slow
def test_corpus_summaries_change_only_what_gsd_owns(corpus_dir: Path) -> None:
    outcome: Counter[str] = Counter()
    for path in _summaries(corpus_dir):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            outcome["not utf-8"] += 1
            continue
        try:
            before = frontmatter_mapping(text)
            edited = set_frontmatter_keys(text, {"commits": HASHES})
        except GsdError as exc:
            assert exc.code in {"GSD604", "GSD605", "GSD606", "GSD607", "GSD608"}, exc.format()
            assert exc.line is not None
            outcome[exc.code] += 1
            continue
        out = replace_managed_section(edited, "commits", SECTION, heading="Commits")
        assert frontmatter_mapping(out) == {**before, "commits": HASHES}, path
        assert read_managed_section(out, "commits") == SECTION
        assert out.startswith("\ufeff") == text.startswith("\ufeff")
        assert ("\r\n" in out) == ("\r\n" in text)
        _check_diff(text, out)
        assert replace_managed_section(out, "commits", SECTION) == out
        assert set_frontmatter_keys(out, {"commits": HASHES}) == out
        outcome["edited"] += 1
    assert outcome["edited"] > 600, outcome
    # The YAML that PyYAML rejects is refused, never rewritten (26 such files in the corpus).
    assert outcome["GSD604"] < 40, outcome


def test_corpus_mapping_style_commits_keep_their_style(corpus_dir: Path) -> None:
    """Summaries that list `- hash: ... message: ...` get new items in the same shape."""
    seen = 0
    commit = Commit("f" * 40, "fffffff", "feat(01-01): recorded by gsd", (), ("src/x.py",))
    for path in _summaries(corpus_dir):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "\ncommits:\n  - hash:" not in text:
            continue
        try:
            entries = read_entries(text)
        except GsdError:
            continue
        out = record(text, [commit])
        items = frontmatter_mapping(out)["commits"]
        assert items[:-1] == frontmatter_mapping(text)["commits"]
        assert items[-1] == {"hash": "fffffff", "message": "feat(01-01): recorded by gsd"}
        rows = read_managed_section(out, "commits") or ""
        assert rows.count("\n| `") == len(entries) + 1
        assert record(out, [commit]) == out
        seen += 1
    assert seen >= 10
