"""Confinement: plan paths resolve inside the project or are refused, never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner.checks.paths import PathRefused, clean_spec, project_rel, resolve_inside, walk_files


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("x = 1\n")
    (tmp_path / "secret.txt").write_text("outside\n")
    return root


def test_relative_path_inside_resolves(project: Path) -> None:
    real = resolve_inside(project, "src/app.py")
    assert real == (project / "src" / "app.py").resolve()
    assert project_rel(project, real) == "src/app.py"


def test_dotdot_that_stays_inside_is_accepted(project: Path) -> None:
    real = resolve_inside(project, "src/../src/app.py")
    assert project_rel(project, real) == "src/app.py"


def test_missing_path_inside_resolves_without_error(project: Path) -> None:
    assert project_rel(project, resolve_inside(project, "src/new.py")) == "src/new.py"


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        ("../../etc/passwd", "outside the project ('..' escapes the project root)"),
        ("../secret.txt", "outside the project ('..' escapes the project root)"),
        ("src/../../secret.txt", "outside the project ('..' escapes the project root)"),
        ("/etc/passwd", "outside the project (absolute path)"),
        ("~/.ssh/id_rsa", "outside the project (home-relative path)"),
        ("", "empty path"),
    ],
)
def test_escapes_are_refused(project: Path, rel: str, reason: str) -> None:
    with pytest.raises(PathRefused) as info:
        resolve_inside(project, rel)
    assert info.value.reason == reason
    assert info.value.rel == rel


def test_absolute_path_inside_the_project_is_accepted(project: Path) -> None:
    real = resolve_inside(project, str(project / "src" / "app.py"))
    assert project_rel(project, real) == "src/app.py"


def test_symlink_leaving_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    (project / "src" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(PathRefused) as info:
        resolve_inside(project, "src/leak.txt")
    assert (
        info.value.reason
        == f"outside the project (symlink to {(tmp_path / 'secret.txt').resolve()})"
    )


def test_symlinked_folder_leaving_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.py").write_text("y = 2\n")
    (project / "linked").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PathRefused):
        resolve_inside(project, "linked/x.py")


def test_symlink_inside_the_project_is_followed(project: Path) -> None:
    (project / "alias.py").symlink_to(project / "src" / "app.py")
    assert project_rel(project, resolve_inside(project, "alias.py")) == "src/app.py"


def test_clean_spec_strips_decoration() -> None:
    assert clean_spec("  `src/app.py` ") == "src/app.py"
    assert clean_spec('"./src/app.py"') == "src/app.py"
    assert clean_spec("@backend/core/models.py") == "backend/core/models.py"
    assert clean_spec("@decorator") == "@decorator"


def test_walk_files_skips_ignored_and_hidden_folders_and_symlinks(
    project: Path, tmp_path: Path
) -> None:
    for folder in (
        "node_modules/pkg",
        ".git",
        ".venv/lib",
        "__pycache__",
        "build",
        ".planning/phases",
    ):
        (project / folder).mkdir(parents=True, exist_ok=True)
        (project / folder / "f.py").write_text("z = 3\n")
    (project / "src" / "b.py").write_text("b = 1\n")
    (project / "src" / "sub").mkdir()
    (project / "src" / "sub" / "c.py").write_text("c = 1\n")
    os.symlink(tmp_path / "secret.txt", project / "src" / "leak.txt")
    assert list(walk_files(project)) == ["src/app.py", "src/b.py", "src/sub/c.py"]
    assert list(walk_files(project, "src/sub")) == ["src/sub/c.py"]
