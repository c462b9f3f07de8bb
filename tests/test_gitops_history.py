"""One `git log` per HEAD serves every plan of a run (planner.gitops.fromgit.history_of)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hooks_helpers import clean_git_env, commit, git, make_repo

from planner.gitops.commits import read_commits
from planner.gitops.fromgit import commits_for_plan, history_of
from planner.workspace import Workspace


@pytest.fixture()
def repo(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    clean_git_env(monkeypatch, tmp_path)
    return make_repo(tmp_path, seeds_dir)


def test_history_is_read_once_per_head_and_matches_git_log(repo: Path) -> None:
    commit(repo, "feat(26-04): first fix")
    head = git(repo, "rev-parse", "HEAD").strip()
    first = history_of(repo, head)
    assert history_of(repo, head) is first  # the second plan asking gets the same read
    assert [c.sha for c in first] == [
        c.sha for c in read_commits(repo, ["--reverse", "--topo-order", "HEAD"])
    ]
    commit(repo, "feat(26-04): second fix")  # HEAD moved: a new history, the old one intact
    moved = git(repo, "rev-parse", "HEAD").strip()
    assert [c.subject for c in history_of(repo, moved)][-2:] == [
        "feat(26-04): first fix",
        "feat(26-04): second fix",
    ]
    assert len(history_of(repo, head)) == len(first)


def test_a_plans_commits_are_the_same_through_the_shared_history(repo: Path) -> None:
    commit(repo, "feat(26-04): fix the fixture")
    commit(repo, "docs: unrelated", "docs/notes.md")
    ws = Workspace.discover(root=repo)
    plan = ws.resolve_plan("26-04")
    gitdir = repo / ".git"
    head = git(repo, "rev-parse", "HEAD").strip()
    via_head = commits_for_plan(ws, repo, gitdir, plan)
    shared = commits_for_plan(ws, repo, gitdir, plan, head)
    assert [c.subject for c in shared] == [c.subject for c in via_head]
    assert [c.subject for c in shared] == ["feat(26-04): fix the fixture"]
