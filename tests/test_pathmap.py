"""--map-path: parsing, boundaries, longest match first, relative targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import ExitCode, UsageError
from planner.execution.pathmap import map_paths, parse_map_arg, resolve_pairs


def test_parse_map_arg() -> None:
    assert parse_map_arg("/Users/a/atom=/home/b/atom") == ("/Users/a/atom", "/home/b/atom")
    assert parse_map_arg("/Users/a/atom/=.") == ("/Users/a/atom", ".")
    assert parse_map_arg("/a=b=c") == ("/a", "b=c")


@pytest.mark.parametrize(
    ("arg", "code", "message"),
    [
        ("/Users/a/atom", "GSD501", "--map-path '/Users/a/atom': expected OLD=NEW"),
        (
            "Users/a=/x",
            "GSD502",
            "--map-path 'Users/a=/x': OLD must be an absolute path other than /",
        ),
        ("/=/x", "GSD502", "--map-path '/=/x': OLD must be an absolute path other than /"),
        ("/Users/a=", "GSD503", "--map-path '/Users/a=': NEW is empty"),
    ],
)
def test_parse_map_arg_errors(arg: str, code: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_map_arg(arg)
    assert info.value.code == code
    assert info.value.message == message
    assert info.value.exit_code is ExitCode.USAGE


def test_boundaries() -> None:
    pairs = resolve_pairs([("/Users/a/atom", "/srv/atom")], Path("/root"))
    text = (
        "PYTHONPATH=/Users/a/atom/backend pytest /Users/a/atom /Users/a/atomic "
        "'/Users/a/atom/x y' PATH=/Users/a/atom:/bin /x/Users/a/atom cd /Users/a/atom.bak"
    )
    assert map_paths(text, pairs) == (
        "PYTHONPATH=/srv/atom/backend pytest /srv/atom /Users/a/atomic "
        "'/srv/atom/x y' PATH=/srv/atom:/bin /x/Users/a/atom cd /Users/a/atom.bak"
    )


def test_longest_old_wins_and_new_is_not_remapped() -> None:
    pairs = resolve_pairs(
        [
            ("/Users/a/atom", "/srv/atom"),
            ("/Users/a/atom/backend", "/opt/api"),
            ("/srv", "/Users/a/atom"),
        ],
        Path("/root"),
    )
    assert [old for old, _ in pairs] == ["/Users/a/atom/backend", "/Users/a/atom", "/srv"]
    assert map_paths("/Users/a/atom/backend/x /Users/a/atom/frontend /srv/y", pairs) == (
        "/opt/api/x /srv/atom/frontend /Users/a/atom/y"
    )


def test_relative_new_resolves_against_the_project_root(tmp_path: Path) -> None:
    pairs = resolve_pairs([parse_map_arg("/Users/rushiparikh/projects/atom=.")], tmp_path)
    assert pairs == ((("/Users/rushiparikh/projects/atom", str(tmp_path)),))
    assert map_paths("PYTHONPATH=/Users/rushiparikh/projects/atom/backend pytest", pairs) == (
        f"PYTHONPATH={tmp_path}/backend pytest"
    )
    sub = resolve_pairs([("/x", "../elsewhere/./y")], tmp_path)
    assert sub == (("/x", str(tmp_path.parent / "elsewhere" / "y")),)


def test_no_pairs_is_identity() -> None:
    assert map_paths("echo /Users/a", ()) == "echo /Users/a"


def test_seed_command_is_mapped(seeds_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import SEED_PLAN_12_GAP_01

    text = (seeds_dir / SEED_PLAN_12_GAP_01).read_text(encoding="utf-8")
    line = next(
        line.strip() for line in text.splitlines() if line.strip().startswith("PYTHONPATH=/Users/")
    )
    mapped = map_paths(line, resolve_pairs([("/Users/rushiparikh/projects/atom", ".")], tmp_path))
    assert mapped.startswith(
        f"PYTHONPATH={tmp_path}/backend pytest backend/tests/unit/test_models_orm.py"
    )
    assert "/Users/" not in mapped
