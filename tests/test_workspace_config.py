"""config.json: the gsd section, defaults, and errors that name the file and the key path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.config import GsdConfig, load_config
from planner.errors import ExitCode, GsdError


def write(tmp_path: Path, data: object) -> Path:
    planning = tmp_path / ".planning"
    planning.mkdir(exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data, indent=2)
    (planning / "config.json").write_text(text, encoding="utf-8")
    return planning


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    cfg = load_config(tmp_path)
    assert cfg == GsdConfig()
    assert (cfg.timeout, cfg.jobs, cfg.agent, cfg.agent_timeout, cfg.path_map) == (
        300.0,
        os.cpu_count() or 1,
        None,
        None,
        {},
    )


def test_gsd_section_is_read_and_other_keys_ignored(tmp_path: Path) -> None:
    planning = write(
        tmp_path,
        {
            "mode": "yolo",
            "workflow": {"research": True},
            "gsd": {
                "timeout": 12,
                "jobs": 3,
                "agent": "claude -p",
                "agent_timeout": 60.5,
                "path_map": {"/Users/a/atom": "."},
            },
        },
    )
    cfg = load_config(planning)
    assert (cfg.timeout, cfg.jobs, cfg.agent, cfg.agent_timeout) == (12.0, 3, "claude -p", 60.5)
    assert cfg.path_map == {"/Users/a/atom": "."}


def test_real_corpus_config_files_load(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*/.planning/config.json")):
        assert load_config(path.parent).timeout == 300.0


def test_invalid_value_names_file_and_key_path(tmp_path: Path) -> None:
    planning = write(tmp_path, {"mode": "x", "gsd": {"timeout": "soon"}})
    with pytest.raises(GsdError) as info:
        load_config(planning)
    err = info.value
    assert (err.code, err.exit_code, err.line) == ("GSD211", ExitCode.BAD_INPUT, 4)
    assert err.message == "gsd.timeout: Input should be a valid number"
    assert err.file is not None and err.file.endswith("config.json")
    assert err.format().endswith(
        ':4: error[GSD211]: gsd.timeout: Input should be a valid number (hint: see the "gsd" '
        "section: timeout, jobs, agent, agent_timeout, path_map)"
    )


def test_every_bad_key_is_listed_one_per_line(tmp_path: Path) -> None:
    planning = write(tmp_path, {"gsd": {"jobs": 0, "timout": 5, "path_map": {"a": 1}}})
    with pytest.raises(GsdError) as info:
        load_config(planning)
    assert info.value.message.split("\n  ") == [
        "gsd.jobs: Input should be greater than or equal to 1",
        "gsd.path_map.a: Input should be a valid string",
        "gsd.timout: Extra inputs are not permitted",
    ]


def test_bool_is_not_a_job_count(tmp_path: Path) -> None:
    planning = write(tmp_path, {"gsd": {"jobs": True}})
    with pytest.raises(GsdError, match=r"gsd\.jobs: Input should be a valid integer"):
        load_config(planning)


def test_gsd_section_must_be_an_object(tmp_path: Path) -> None:
    planning = write(tmp_path, {"gsd": 5})
    with pytest.raises(GsdError, match=r"^gsd: Input should be a valid dictionary"):
        load_config(planning)


def test_invalid_json_is_located(tmp_path: Path) -> None:
    planning = write(tmp_path, '{\n  "gsd": {"timeout": 5,}\n}\n')
    with pytest.raises(GsdError) as info:
        load_config(planning)
    assert (info.value.code, info.value.line, info.value.col) == ("GSD210", 2, 24)
    assert info.value.message.startswith("invalid JSON: ")


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    planning = write(tmp_path, "[1, 2]")
    with pytest.raises(GsdError, match="must hold a JSON object, not list"):
        load_config(planning)


# The pydantic-free reading of a plain `gsd` section (config._plain_section) against pydantic.

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
_keys = st.sampled_from(["timeout", "jobs", "agent", "agent_timeout", "path_map", "timout"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_keys, _json_values, max_size=4) | _json_values)
def test_a_plain_section_reads_as_pydantic_reads_it(section: object) -> None:
    from pydantic import ValidationError

    from planner.config import _plain_section
    from planner.config_schema import ConfigFile

    plain = _plain_section(section)
    try:
        expected = ConfigFile.model_validate({"gsd": section}).gsd.model_dump(exclude_unset=True)
    except ValidationError:
        assert plain is None  # every invalid section goes to pydantic for its messages
        return
    if plain is not None:
        assert plain == expected
        assert [type(v) for v in plain.values()] == [type(v) for v in expected.values()]


def test_the_common_sections_are_read_without_pydantic(tmp_path: Path) -> None:
    import subprocess
    import sys

    planning = tmp_path / ".planning"
    planning.mkdir()
    (planning / "config.json").write_text(
        '{"mode": "yolo", "gsd": {"timeout": 60, "jobs": 2, "agent": "claude -p",'
        ' "agent_timeout": 600, "path_map": {"/old": "/new"}}}'
    )
    code = (
        "import sys\nfrom planner.config import load_config\n"
        f"c = load_config({str(planning)!r})\n"
        "print(c.timeout, c.jobs, c.agent, c.agent_timeout, c.path_map, 'pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "60.0 2 claude -p 600.0 {'/old': '/new'} False"
