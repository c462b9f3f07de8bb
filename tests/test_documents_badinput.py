"""Bad input: every case gives its exact code and line, never an exception, in under a second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.documents.loader import load_document, load_text
from planner.documents.models import DocKind, Loaded, Plan
from planner.errors import Severity

PLAN = '---\nphase: 02.1\nplan: 07\nmust_haves:\n  key_links:\n    - from: a.py\n      to: b.py\n      pattern: "x\\.y"\n---\n\n<task type="auto">\n  <name>Run</name>\n  <verify>pytest -q</verify>\n</task>\n'


@pytest.fixture()
def timer() -> Iterator[None]:
    started = time.perf_counter()
    yield
    assert time.perf_counter() - started < 1.0


def _write(tmp_path: Path, data: bytes, name: str = "01-01-PLAN.md") -> Loaded:
    path = tmp_path / name
    path.write_bytes(data)
    return load_document(path)


def _codes(loaded: Loaded) -> list[tuple[str, Severity, int | None]]:
    return [(d.code, d.severity, d.line) for d in loaded.diagnostics]


def test_empty_file(tmp_path: Path, timer: None) -> None:
    loaded = _write(tmp_path, b"")
    assert loaded.kind is DocKind.PLAN and loaded.doc is None
    assert _codes(loaded) == [("GSD101", Severity.ERROR, 1)]
    assert _codes(_write(tmp_path, b"  \n\n\t\n")) == [("GSD101", Severity.ERROR, 1)]


def test_binary_file_with_nul_bytes(tmp_path: Path, timer: None) -> None:
    loaded = _write(tmp_path, b"---\nphase: 1\n---\n\x89PNG\x00\x00\x01")
    assert loaded.doc is None
    assert _codes(loaded) == [("GSD102", Severity.ERROR, 4)]


def test_non_utf8_bytes_are_located_and_replaced(tmp_path: Path, timer: None) -> None:
    loaded = _write(
        tmp_path, PLAN.replace("<name>Run", "<name>Caf\udce9").encode("utf-8", "surrogateescape")
    )
    [(code, sev, line)] = [c for c in _codes(loaded) if c[0] == "GSD103"]
    assert (code, sev, line) == ("GSD103", Severity.ERROR, 12)
    d = next(d for d in loaded.diagnostics if d.code == "GSD103")
    assert d.col == 12 and "0xe9" in d.message  # `  <name>Caf` is 11 characters
    assert isinstance(loaded.doc, Plan) and loaded.doc.tasks[0].name == "Caf\ufffd"


def test_bom_is_removed_and_lines_stay_right(tmp_path: Path, timer: None) -> None:
    loaded = _write(tmp_path, b"\xef\xbb\xbf" + PLAN.encode())
    plan = loaded.doc
    assert isinstance(plan, Plan)
    assert _codes(loaded) == [("GSD105", Severity.INFO, 1), ("GSD120", Severity.WARNING, 8)]
    assert (plan.frontmatter.phase, plan.frontmatter.plan) == ("02.1", "07")
    assert plan.must_haves.key_links[0].line == 6 and plan.tasks[0].line == 11


def test_crlf_loads_with_the_same_lines(tmp_path: Path, timer: None) -> None:
    loaded = _write(tmp_path, PLAN.replace("\n", "\r\n").encode())
    plan = loaded.doc
    assert isinstance(plan, Plan)
    assert _codes(loaded) == [("GSD120", Severity.WARNING, 8)]
    assert plan.must_haves.key_links[0].pattern == r"x\.y"
    assert (plan.tasks[0].line, plan.tasks[0].end_line) == (11, 14)
    [cmd] = plan.tasks[0].verify.commands
    assert (cmd.text, cmd.line) == ("pytest -q", 13)


def test_frontmatter_never_closed(timer: None) -> None:
    loaded = load_text("---\nphase: 1\nplan: 2\n\n# Title\n", "p.md", DocKind.PLAN)
    assert ("GSD110", Severity.ERROR, 1) in _codes(loaded)
    assert loaded.diagnostics[0].message == "frontmatter opened on line 1 is never closed"


@pytest.mark.parametrize(
    ("yaml_text", "shape"), [("- a\n- b\n", "a list"), ("just words\n", "a scalar")]
)
def test_frontmatter_that_is_not_a_mapping(yaml_text: str, shape: str, timer: None) -> None:
    loaded = load_text(f"---\n{yaml_text}---\n", "p.md", DocKind.SUMMARY)
    [d] = [d for d in loaded.diagnostics if d.code == "GSD112"]
    assert (d.severity, d.line) == (Severity.ERROR, 2)
    assert d.message == f"frontmatter is {shape}, not a mapping of keys"
    assert loaded.frontmatter == {}


def test_billion_laughs_is_refused_fast(timer: None) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    loaded = load_text("---\n" + "\n".join(levels) + "\n---\nbody\n", "p.md", DocKind.PLAN)
    [d] = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    assert (d.code, d.line) == ("GSD114", 2)
    assert "aliases expand to more than 100,000 nodes" in d.message
    assert loaded.frontmatter == {}


def test_recursive_alias_is_refused(timer: None) -> None:
    loaded = load_text("---\na: &a [1, *a]\n---\n", "p.md", DocKind.OTHER)
    assert _codes(loaded) == [("GSD114", Severity.ERROR, 2)]


def test_five_megabyte_frontmatter_is_refused_within_a_second(timer: None) -> None:
    big = "---\n" + "".join(f"key{i}: {'x' * 40}\n" for i in range(110_000)) + "---\n# T\n"
    assert len(big) > 5_000_000
    loaded = load_text(big, "p.md", DocKind.PLAN)
    [d] = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    assert (d.code, d.line) == ("GSD113", 2)


def test_deeply_nested_brackets_are_refused_not_crashed(timer: None) -> None:
    loaded = load_text(
        "---\na: " + "[" * 100_000 + "]" * 100_000 + "\n---\n", "p.md", DocKind.OTHER
    )
    assert _codes(loaded) == [("GSD118", Severity.ERROR, 2)]


def test_task_never_closed_points_at_its_opening_tag(timer: None) -> None:
    text = (
        '---\nphase: 1\nplan: 1\n---\n\n<tasks>\n\n<task type="auto">\n  <name>One</name>\n'
        '  <verify>pytest</verify>\n\n<task type="auto">\n  <name>Two</name>\n</task>\n</tasks>\n'
    )
    loaded = load_text(text, "p.md", DocKind.PLAN)
    assert _codes(loaded) == [("GSD150", Severity.ERROR, 8)]
    assert loaded.diagnostics[0].message == "<task> opened here is never closed"
    plan = loaded.doc
    assert isinstance(plan, Plan)
    assert [t.name for t in plan.tasks] == ["One", "Two"]  # what could be read is kept
    assert plan.tasks[0].end_line is None and plan.tasks[1].end_line == 14


def test_unrecoverable_yaml_error_has_line_and_column(timer: None) -> None:
    loaded = load_text("---\nphase: 1\ntags: [a, b\nplan: 2\n---\n", "p.md", DocKind.OTHER)
    [d] = loaded.diagnostics
    assert (d.code, d.severity, d.line, d.col) == ("GSD111", Severity.ERROR, 4, 5)
    assert d.message.startswith("YAML did not find expected ',' or ']'")


def test_unknown_yaml_tag_is_an_error_not_a_crash(timer: None) -> None:
    loaded = load_text("---\nx: !!python/object:os.system ls\n---\n", "p.md", DocKind.OTHER)
    assert [(d.code, d.line) for d in loaded.diagnostics] == [("GSD118", 2)]


def test_missing_file_and_directory(tmp_path: Path, timer: None) -> None:
    assert _codes(load_document(tmp_path / "nope-PLAN.md")) == [("GSD100", Severity.ERROR, None)]
    (tmp_path / "dir-PLAN.md").mkdir()
    assert _codes(load_document(tmp_path / "dir-PLAN.md"))[0][0] == "GSD100"


def test_huge_file_is_not_read(tmp_path: Path, timer: None) -> None:
    path = tmp_path / "big-SUMMARY.md"
    with path.open("wb") as fh:
        fh.truncate(17 * 1024 * 1024)  # sparse: cheap to create
    loaded = load_document(path)
    assert loaded.doc is None and _codes(loaded) == [("GSD104", Severity.ERROR, None)]


def test_ids_keep_their_text() -> None:
    plan = load_text(PLAN, "p.md", DocKind.PLAN).doc
    assert isinstance(plan, Plan)
    assert (plan.frontmatter.phase, plan.frontmatter.plan) == ("02.1", "07")
    text = "---\nphase: 4\nplan: 04\ndepends_on: [01, 2.10, '03']\nwave: '2'\n---\n"
    fm = load_text(text, "p.md", DocKind.PLAN).doc
    assert isinstance(fm, Plan)
    assert (fm.frontmatter.phase, fm.frontmatter.plan, fm.frontmatter.wave) == ("4", "04", 2)
    assert fm.frontmatter.depends_on == ["01", "2.10", "03"]
