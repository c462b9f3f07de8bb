"""The hooks on real repositories: git fires them on real commits, amends and rebases."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hooks_helpers import (
    SUMMARY_12_GAP,
    SUMMARY_26_04,
    clean_git_env,
    commit,
    git,
    log_text,
    make_repo,
    recorded,
    rows,
)

from planner.gitops.hooks import HookState, install, status, uninstall


@pytest.fixture(autouse=True)
def _clean_git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_git_env(monkeypatch, tmp_path)


@pytest.fixture()
def repo(tmp_path: Path, seeds_dir: Path) -> Path:
    return make_repo(tmp_path, seeds_dir)


@pytest.fixture()
def hooked(repo: Path) -> Path:
    install(repo)
    return repo


def test_subject_commit_is_recorded_in_frontmatter_and_section(hooked: Path) -> None:
    short = commit(hooked, "feat(26-04): add db_session fixture")
    text = (hooked / SUMMARY_26_04).read_text(encoding="utf-8")
    assert text == (
        f"---\nphase: 26-ci-cd-fixes\nplan: '04'\nstatus: in_progress\ncommits:\n  - {_yaml(short)}\n---\n\n"
        "# 26-04 Summary\n\n## Commits\n\n<!-- gsd:begin commits -->\n"
        "| Commit | Type | Subject |\n|--------|------|---------|\n"
        f"| `{short}` | feat | add db_session fixture |\n<!-- gsd:end commits -->\n"
    )
    assert f"ok recorded {short} in {SUMMARY_26_04.as_posix()}" in log_text(hooked)
    # the hook runs again on the same commit: byte-identical, not even rewritten
    before = (hooked / SUMMARY_26_04).stat().st_mtime_ns
    subprocess.run(
        [sys.executable, "-m", "planner.gitops.hook_main", "post-commit"], cwd=hooked, check=True
    )
    assert (hooked / SUMMARY_26_04).read_text(encoding="utf-8") == text
    assert (hooked / SUMMARY_26_04).stat().st_mtime_ns == before


def _yaml(short: str) -> str:
    return f"'{short}'" if short.isdigit() else short  # an all-digit hash is quoted


def test_trailer_names_the_plan(hooked: Path) -> None:
    short = commit(hooked, "Add factories\n\nLonger body.\n\nPlan: 12-GAP-01")
    assert recorded(hooked, SUMMARY_12_GAP) == [short]
    assert rows(hooked, SUMMARY_12_GAP) == [f"| `{short}` | — | Add factories |"]
    assert not (hooked / SUMMARY_26_04).exists()


def test_ignored_commits_are_logged_not_recorded(hooked: Path) -> None:
    a = commit(hooked, "chore: tidy")
    b = commit(hooked, "feat(99-01): unknown plan")
    c = commit(hooked, "feat(api): a scope that is no plan")
    assert not (hooked / SUMMARY_26_04).exists()
    log = log_text(hooked)
    assert f"post-commit {a} GSD620 not recorded: 'chore: tidy' names no plan" in log
    assert f"post-commit {b} GSD621 not recorded in '99-01': unknown reference '99-01'" in log
    assert f"post-commit {c} GSD620" in log


def test_committing_the_summary_records_nothing(hooked: Path) -> None:
    short = commit(hooked, "feat(26-04): work")
    text = (hooked / SUMMARY_26_04).read_text(encoding="utf-8")
    git(hooked, "add", str(SUMMARY_26_04))
    git(hooked, "commit", "-q", "-m", "docs(26-04): update summary")
    assert (hooked / SUMMARY_26_04).read_text(encoding="utf-8") == text
    assert recorded(hooked) == [short]
    assert "GSD622 not recorded: only .planning/ touched" in log_text(hooked)
    assert git(hooked, "status", "--porcelain") == ""  # .planning/.gsd ignores itself


def test_broken_summary_never_blocks_the_commit(hooked: Path) -> None:
    broken = '---\nphase: 26\nkey: "bad \\. escape"\n---\n# S\n'
    (hooked / SUMMARY_26_04).write_text(broken, encoding="utf-8")
    short = commit(hooked, "feat(26-04): still commits")
    assert git(hooked, "log", "-1", "--format=%h", "--abbrev=7").strip() == short
    assert (hooked / SUMMARY_26_04).read_text(encoding="utf-8") == broken
    assert (
        f"post-commit - GSD624 {SUMMARY_26_04.as_posix()}:3: error[GSD604]: frontmatter is not valid YAML"
        in log_text(hooked)
    )


def test_amend_replaces_the_hash(hooked: Path) -> None:
    first = commit(hooked, "feat(26-04): one")
    old = commit(hooked, "feat(26-04): two")
    git(hooked, "commit", "-q", "--amend", "-m", "feat(26-04): two, amended")
    new = git(hooked, "rev-parse", "--short=7", "HEAD").strip()
    assert recorded(hooked) == [first, new] and old != new
    assert rows(hooked)[-1] == f"| `{new}` | feat | two, amended |"
    # amended to name another plan: it moves
    git(hooked, "commit", "-q", "--amend", "-m", "fix(12-GAP-01): belongs elsewhere")
    moved = git(hooked, "rev-parse", "--short=7", "HEAD").strip()
    assert recorded(hooked) == [first]
    assert recorded(hooked, SUMMARY_12_GAP) == [moved]


def _from_git(repo: Path) -> list[str]:
    """What recording every commit directly would give: the plan's commits, oldest first."""
    out = git(repo, "log", "--reverse", "--format=%h %s", "--abbrev=7", "HEAD")
    return [line.split()[0] for line in out.splitlines() if "(26-04)" in line]


def test_rebase_reorder_reword_and_drop(hooked: Path) -> None:
    commit(hooked, "feat(26-04): a", "backend/a.py")
    commit(hooked, "feat(26-04): b", "backend/b.py")
    dropped = commit(hooked, "feat(26-04): c", "backend/c.py")
    commit(hooked, "feat(26-04): d", "backend/d.py")
    # todo list (oldest first): a b c d -> reword a, put d before b, drop c
    script = (
        "import sys; p = sys.argv[1]; lines = [l for l in open(p) if l.startswith('pick')]; "
        "a, b, c, d = lines; a = a.replace('pick', 'reword', 1); "
        "open(p, 'w').writelines([a, d, b])"
    )
    editor = f"{sys.executable} -c \"import sys; p = sys.argv[1]; t = open(p).read(); open(p, 'w').write(t.replace('feat(26-04): a', 'feat(26-04): a, reworded', 1))\""
    env = {"GIT_SEQUENCE_EDITOR": f'{sys.executable} -c "{script}"', "GIT_EDITOR": editor}
    git(hooked, "rebase", "-q", "-i", "HEAD~4", env=env)
    subjects = git(hooked, "log", "--reverse", "--format=%s", "HEAD~3..HEAD").splitlines()
    assert subjects == ["feat(26-04): a, reworded", "feat(26-04): d", "feat(26-04): b"]
    assert recorded(hooked) == _from_git(hooked)
    assert dropped not in recorded(hooked)
    assert [r.split("|")[3].strip() for r in rows(hooked)] == ["a, reworded", "d", "b"]
    assert "GSD623 skipped: rebase-merge in progress" in log_text(hooked)


def test_commit_made_during_a_rebase_edit_stop_is_recorded(hooked: Path) -> None:
    commit(hooked, "feat(26-04): a", "backend/a.py")
    commit(hooked, "feat(26-04): b", "backend/b.py")
    script = "import sys; p = sys.argv[1]; t = open(p).read(); open(p, 'w').write(t.replace('pick', 'edit', 1))"
    git(
        hooked,
        "rebase",
        "-q",
        "-i",
        "HEAD~2",
        env={"GIT_SEQUENCE_EDITOR": f'{sys.executable} -c "{script}"'},
    )
    commit(hooked, "feat(26-04): inserted while editing", "backend/mid.py")
    git(hooked, "rebase", "--continue", env={"GIT_EDITOR": "true"})
    assert len(recorded(hooked)) == 3
    assert recorded(hooked) == _from_git(hooked)


def test_rebase_result_equals_from_git_rebuild(hooked: Path) -> None:
    from planner.commands.summary import summary_from_git
    from planner.workspace import Workspace

    commit(hooked, "feat(26-04): a", "backend/a.py")
    commit(hooked, "feat(26-04): b", "backend/b.py")
    script = "import sys; p = sys.argv[1]; l = open(p).readlines(); open(p, 'w').writelines(l[1::-1] + l[2:])"
    git(
        hooked,
        "rebase",
        "-q",
        "-i",
        "HEAD~2",
        env={"GIT_SEQUENCE_EDITOR": f'{sys.executable} -c "{script}"'},
    )
    text = (hooked / SUMMARY_26_04).read_text(encoding="utf-8")
    result, code = summary_from_git(Workspace.discover(root=hooked), "26-04")
    assert code == 0 and result.changed is False
    assert (hooked / SUMMARY_26_04).read_text(encoding="utf-8") == text
    assert [r.hash for r in result.commits] == recorded(hooked)


def test_from_git_rebuilds_a_summary_without_hooks(repo: Path) -> None:
    from planner.commands.summary import summary_from_git
    from planner.workspace import Workspace

    a = commit(repo, "feat(26-04): a", "backend/a.py")
    commit(repo, "chore: unrelated", "backend/x.py")
    b = commit(repo, "Add b\n\nPlan: 26-04", "backend/b.py")
    (repo / SUMMARY_26_04).write_text(
        "---\nphase: 26-ci-cd-fixes\ncommits:\n  - deadbee\n---\n# Notes\n", encoding="utf-8"
    )
    git(repo, "add", str(SUMMARY_26_04))
    git(repo, "commit", "-q", "-m", "docs(26-04): summary")  # only .planning/: not listed
    result, code = summary_from_git(Workspace.discover(root=repo), "26-04")
    assert code == 0 and result.changed
    assert [r.hash for r in result.commits] == [a, b]
    assert recorded(repo) == [a, b]  # the phantom deadbee is gone
    result, _ = summary_from_git(Workspace.discover(root=repo), "26-04")
    assert result.changed is False


def test_preexisting_hook_is_chained_and_restored(repo: Path) -> None:
    hooks = repo / ".git/hooks"
    original = '#!/bin/sh\necho "$(git rev-parse HEAD)" >> "$(git rev-parse --show-toplevel)/chained.txt"\nexit 3\n'
    (hooks / "post-commit").write_text(original, encoding="utf-8")
    (hooks / "post-commit").chmod(0o755)
    result = install(repo)
    assert "kept post-commit as post-commit.pre-gsd (it still runs)" in result.changed
    assert [h.state for h in status(repo).hooks] == [HookState.CHAINED, HookState.INSTALLED]
    short = commit(repo, "feat(26-04): with a chained hook")
    assert (repo / "chained.txt").read_text(encoding="utf-8").startswith(short)
    assert recorded(repo) == [short]
    shim = subprocess.run(
        [str(hooks / "post-commit")], cwd=repo, check=False, stdin=subprocess.DEVNULL
    )
    assert shim.returncode == 3  # the chained hook's status is the hook's status
    uninstall(repo)
    assert (hooks / "post-commit").read_text(encoding="utf-8") == original
    assert (hooks / "post-commit").stat().st_mode & stat.S_IXUSR
    assert not (hooks / "post-commit.pre-gsd").exists() and not (hooks / "post-rewrite").exists()
    assert [h.state for h in status(repo).hooks] == [HookState.FOREIGN, HookState.MISSING]


def test_chained_post_rewrite_gets_the_pairs(repo: Path) -> None:
    hooks = repo / ".git/hooks"
    (hooks / "post-rewrite").write_text(
        '#!/bin/sh\necho "$1" > rewrite.txt\ncat >> rewrite.txt\n', encoding="utf-8"
    )
    (hooks / "post-rewrite").chmod(0o755)
    install(repo)
    old = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "commit", "-q", "--amend", "-m", "docs: plans, amended")
    new = git(repo, "rev-parse", "HEAD").strip()
    assert (repo / "rewrite.txt").read_text(encoding="utf-8") == f"amend\n{old} {new}\n"


def test_install_twice_changes_nothing(repo: Path) -> None:
    first = install(repo)
    snapshot = {p.name: (p.read_bytes(), p.stat().st_mode) for p in (repo / ".git/hooks").iterdir()}
    second = install(repo)
    assert first.changed == ["installed post-commit", "installed post-rewrite"]
    assert second.changed == []
    assert {
        p.name: (p.read_bytes(), p.stat().st_mode) for p in (repo / ".git/hooks").iterdir()
    } == snapshot
    shim = (repo / ".git/hooks/post-commit").read_text(encoding="utf-8")
    assert "gsd-planner hook shim" in shim and f"python={sys.executable}\n" in shim


def test_core_hooks_path_is_respected(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    result = install(repo)
    assert Path(result.hooks_dir) == (repo / ".githooks").resolve()
    assert not (repo / ".git/hooks/post-commit").exists()
    short = commit(repo, "feat(26-04): via hooksPath")
    assert recorded(repo) == [short]


def test_linked_worktree_uses_the_common_hooks(repo: Path, tmp_path: Path) -> None:
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "feature", str(wt))
    result = install(wt)
    assert Path(result.hooks_dir) == (repo / ".git/hooks").resolve()
    short = commit(wt, "feat(26-04): in the worktree")
    assert recorded(wt) == [short]
    assert not (repo / SUMMARY_26_04).exists()  # the main work tree's copy is not touched
    git(wt, "commit", "-q", "--amend", "-m", "feat(26-04): amended in the worktree")
    assert recorded(wt) == [git(wt, "rev-parse", "--short=7", "HEAD").strip()]


def test_missing_interpreter_falls_back_to_gsd_on_path(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(repo, python=str(repo / "gone" / "python"))
    assert status(repo).hooks[0].interpreter_ok is False
    bindir = Path(sys.executable).parent
    assert (bindir / "gsd").exists(), "the package is installed with its console script"
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    short = commit(repo, "feat(26-04): via gsd on PATH")
    assert recorded(repo) == [short]


def test_no_gsd_at_all_is_logged(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(repo, python=str(repo / "gone" / "python"))
    git_dir = Path(shutil.which("git") or "/usr/bin/git").parent
    monkeypatch.setenv("PATH", f"{git_dir}:/bin")
    commit(repo, "feat(26-04): nobody records this")
    assert not (repo / SUMMARY_26_04).exists()
    assert "GSD628 gsd not found" in log_text(repo)


def _hook_modules(repo: Path) -> set[str]:
    """Run the post-commit hook in-process of a fresh interpreter; the modules it loaded."""
    code = (
        "import sys\nfrom planner.gitops.hook_main import main\nsys.argv[1:] = ['post-commit']\n"
        "main()\nprint(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-P", "-c", code], cwd=repo, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


HEAVY = {"pydantic", "typer", "rich", "jinja2", "git", "click"}
# What recording a plan commit as text needs none of (each costs the hook milliseconds).
TEXT_PATH_FREE = {
    "re",
    "enum",
    "functools",
    "pathlib",
    "dataclasses",
    "typing",
    "subprocess",
    "contextlib",
    "inspect",
    "planner.workspace",
    "planner.errors",
}


def test_hook_path_imports_no_heavy_library(repo: Path) -> None:
    commit(repo, "feat(26-04): first", "backend/x.py")
    modules = _hook_modules(repo)  # creates the SUMMARY: the YAML path
    assert recorded(repo) == [git(repo, "rev-parse", "--short=7", "HEAD").strip()]
    assert "yaml" in modules and not HEAVY & modules
    second = commit(repo, "feat(26-04): second", "backend/y.py")
    modules = _hook_modules(repo)  # the SUMMARY is as the hook left it: the text path
    assert recorded(repo)[-1] == second
    assert not ({"yaml"} | HEAVY) & modules
    assert not TEXT_PATH_FREE & modules, TEXT_PATH_FREE & modules
    # a person edits the SUMMARY: the next commit takes the YAML path again, and keeps the edit
    path = repo / SUMMARY_26_04
    path.write_text(path.read_text(encoding="utf-8") + "\nNotes by hand.\n", encoding="utf-8")
    third = commit(repo, "feat(26-04): third", "backend/z.py")
    modules = _hook_modules(repo)
    assert "yaml" in modules
    assert recorded(repo)[-1] == third
    assert path.read_text(encoding="utf-8").endswith("\nNotes by hand.\n")
    chore = commit(repo, "chore: no plan", "backend/w.py")
    modules = _hook_modules(repo)  # a commit naming no plan stays cheaper still
    assert chore and not ({"zlib", "planner.documents.edit"} | TEXT_PATH_FREE) & modules
