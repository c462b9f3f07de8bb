"""SUMMARY claims: the files it names and the commits it cites, checked against the tree and git."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import SEED_SUMMARY_12_GAP_01
from verify_factories import git, git_init, summary_text

from planner.documents.loader import load_summary
from planner.documents.models import Summary
from planner.reports.phase import CompletenessKind
from planner.verify.completeness import (
    NOT_A_REPO,
    PlanSummary,
    check_completeness,
    looks_like_project_path,
    missing_commits,
    read_claims,
)


def claims_of(path: Path) -> tuple[list[tuple[str, int | None]], list[tuple[str, int | None]]]:
    doc = load_summary(path).doc
    assert isinstance(doc, Summary)
    claims = read_claims(doc, path.read_text(encoding="utf-8"))
    return [(c.subject, c.line) for c in claims.files], [
        (c.subject, c.line) for c in claims.commits
    ]


def write_summary(root: Path, text: str, name: str = "01-01-SUMMARY.md") -> PlanSummary:
    folder = root / ".planning/phases/01-demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return PlanSummary(
        "01-01",
        ".planning/phases/01-demo/01-01-PLAN.md",
        folder / name,
        f".planning/phases/01-demo/{name}",
    )


def test_seed_summary_claims(seeds_dir: Path) -> None:
    files, commits = claims_of(seeds_dir / SEED_SUMMARY_12_GAP_01)
    assert files == [
        ("backend/tests/factories/workspace_factory.py", 43),
        ("backend/tests/factories/workflow_factory.py", 44),
        ("backend/tests/factories/feedback_factory.py", 45),
        ("backend/tests/factories/training_factory.py", 46),
        ("backend/tests/factories/__init__.py", 47),
        ("backend/tests/unit/conftest.py", 53),
        ("backend/tests/factories/base.py", 54),
        ("backend/tests/unit/test_models_orm.py", 55),
    ]
    assert commits == [("38e8b9ee", 170), ("a6b4cfe3", 287)]


def test_frontmatter_and_body_claims(tmp_path: Path) -> None:
    body = textwrap.dedent(
        """\
        ## Files Created

        | File | Status |
        |------|--------|
        | `src/new.py` | created |
        | `src/old.py` | Deleted |
        | `session.rollback()` call | n/a |
        | `https://example.com/a.py` | link |
        | `/Users/me/proj/src/abs.py` | theirs |

        Ran `1234567` tests, colour `deadbeef` and `abcdef0`.

        ```bash
        git show 0badc0de1
        ```

        Fixed in commit 9f3e2a1 after review.

        ## Commits

        - 7c0ffee1 feat(01-01): add things
        """
    )
    text = summary_text(
        "1",
        "01",
        body,
        key_files={"created": ["src/a.py"], "modified": ["src/b.py"], "deleted": ["src/c.py"]},
        commits=["1a2b3c4"],
    )
    path = write_summary(tmp_path, text).summary_path
    files, commits = claims_of(path)
    assert files == [("src/a.py", 4), ("src/b.py", 4), ("src/new.py", 14)]
    assert commits == [("1a2b3c4", 5), ("abcdef0", 20), ("9f3e2a1", 26), ("7c0ffee1", 30)]


def test_project_path_shapes() -> None:
    assert looks_like_project_path("backend/tests/conftest.py")
    assert looks_like_project_path("src/pkg/")
    for text in (
        "conftest.py",
        "/abs/x.py",
        "~/x.py",
        "a b/c.py",
        "src/Makefile-ish thing",
        "http://x/y.py",
    ):
        assert not looks_like_project_path(text), text


def test_commits_checked_in_a_real_repository(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/a.py").write_text("A = 1\n", encoding="utf-8")
    head = git_init(tmp_path)
    short = head[:8]
    summary = write_summary(
        tmp_path,
        summary_text(
            "1",
            "01",
            f"1. `{short}` - feat(01-01): real\n2. `deadbee1` - feat(01-01): never\n",
            key_files={"created": ["src/a.py", "src/missing.py"]},
        ),
    )
    found = check_completeness(tmp_path, [summary]).findings
    assert [(f.kind, f.subject, f.blocking) for f in found] == [
        (CompletenessKind.MISSING_FILE, "src/missing.py", True),
        (CompletenessKind.UNKNOWN_COMMIT, "deadbee1", True),
    ]
    commit = found[1]
    assert commit.detail == "commit deadbee1 cited in the SUMMARY is not in git"
    assert commit.evidence is not None
    assert commit.evidence.format() == (
        ".planning/phases/01-demo/01-01-SUMMARY.md:10: 2. `deadbee1` - feat(01-01): never"
    )
    assert missing_commits(tmp_path, [short, head, "deadbee1"]) == {"deadbee1"}


def test_outside_git_is_a_note_not_a_gap(tmp_path: Path) -> None:
    summary = write_summary(tmp_path, summary_text("1", "01", commits=["abc1234", "def5678"]))
    (finding,) = check_completeness(tmp_path, [summary]).findings
    assert finding.kind is CompletenessKind.UNKNOWN_COMMIT
    assert not finding.blocking
    assert finding.detail == f"{NOT_A_REPO} (2 cited: abc1234, def5678)"


def test_shallow_clone_does_not_block(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    (origin / "f.txt").write_text("1\n", encoding="utf-8")
    first = git_init(origin)
    (origin / "f.txt").write_text("2\n", encoding="utf-8")
    git(origin, "commit", "-qam", "second")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "clone")
    clone = tmp_path / "clone"
    summary = write_summary(clone, summary_text("1", "01", commits=[first[:10]]))
    (finding,) = check_completeness(clone, [summary]).findings
    assert not finding.blocking
    assert finding.detail.endswith("(shallow clone: it may be outside the fetched history)")


def test_missing_and_unreadable_summaries(tmp_path: Path) -> None:
    folder = tmp_path / ".planning/phases/01-demo"
    folder.mkdir(parents=True)
    absent = PlanSummary(
        "01-02", "p", folder / "01-02-SUMMARY.md", ".planning/phases/01-demo/01-02-SUMMARY.md"
    )
    empty = write_summary(tmp_path, "")
    found = check_completeness(tmp_path, [absent, empty]).findings
    assert [f.kind for f in found] == [CompletenessKind.MISSING_SUMMARY] * 2
    assert (
        found[0].detail
        == "plan 01-02 has no SUMMARY (.planning/phases/01-demo/01-02-SUMMARY.md does not exist)"
    )
    assert found[1].detail == "the SUMMARY of plan 01-01 cannot be read: file is empty"


def test_summary_path_outside_the_project_is_refused(tmp_path: Path) -> None:
    summary = write_summary(
        tmp_path, summary_text("1", "01", key_files={"created": ["../outside/x.py"]})
    )
    result = check_completeness(tmp_path, [summary])
    assert result.findings == []
    (diag,) = [d for d in result.diagnostics if d.code == "GSD912"]
    assert diag.message.startswith("`../outside/x.py` named in the SUMMARY: outside the project")
    assert diag.line == 4
