"""Debt and stub markers, with line numbers, and the STUB rule."""

from __future__ import annotations

import textwrap
from pathlib import Path

from planner.checks.filecache import FileCache, SourceFile
from planner.checks.markers import MAX_HITS, scan_markers, stub_reason
from planner.checks.symbols import SymbolIndex


def load(tmp_path: Path, rel: str, text: str) -> tuple[SourceFile, SymbolIndex]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    ix = SymbolIndex(tmp_path, FileCache(tmp_path))
    source = ix.cache.get(rel)
    assert source is not None
    return source, ix


def test_every_marker_kind_with_its_line(tmp_path: Path) -> None:
    source, _ = load(
        tmp_path,
        "m.txt",
        """
        # TODO: wire the cache
        x = 1  # FIXME later
        y = "TBD"
        XXX = "not a word match for TODO_LIST"
        raise NotImplementedError
        unimplemented!()
        todo!("soon")
        throw new Error("Not implemented yet");
        return None  # placeholder
        return []  // stub
        TODO_LIST = []
        """,
    )
    scan = scan_markers(source)
    assert [(h.line, h.marker, h.text) for h in scan.hits] == [
        (1, "TODO", "# TODO: wire the cache"),
        (2, "FIXME", "x = 1  # FIXME later"),
        (3, "TBD", 'y = "TBD"'),
        (4, "XXX", 'XXX = "not a word match for TODO_LIST"'),
        (5, "NotImplementedError", "raise NotImplementedError"),
        (6, "unimplemented!", "unimplemented!()"),
        (7, "todo!", 'todo!("soon")'),
        (8, "not implemented", 'throw new Error("Not implemented yet");'),
        (9, "placeholder", "return None  # placeholder"),
        (10, "placeholder", "return []  // stub"),
    ]
    assert scan.total == 10
    assert all(h.severity == "warning" and h.file == "m.txt" for h in scan.hits)


def test_stub_bodies_are_markers_too(tmp_path: Path) -> None:
    source, ix = load(
        tmp_path,
        "svc.py",
        """
        def real():
            return 42


        def later():
            pass
        """,
    )
    scan = scan_markers(source, ix.parse("svc.py"))
    assert [(h.line, h.marker, h.text) for h in scan.hits] == [(5, "stub", "def later():")]


def test_hits_are_capped_but_counted(tmp_path: Path) -> None:
    source, _ = load(tmp_path, "many.py", "".join(f"x{i} = 1  # TODO {i}\n" for i in range(80)))
    scan = scan_markers(source)
    assert len(scan.hits) == MAX_HITS and scan.total == 80


def test_stub_rule_half_of_functions(tmp_path: Path) -> None:
    source, ix = load(
        tmp_path,
        "half.py",
        """
        def a():
            return 1


        def b():
            raise NotImplementedError
        """,
    )
    symbols = ix.parse("half.py")
    scan = scan_markers(source, symbols)
    assert (
        stub_reason(source, symbols, scan, False) == "1 of 2 functions have placeholder bodies (b)"
    )


def test_stub_rule_minority_of_stubs_is_not_a_stub(tmp_path: Path) -> None:
    source, ix = load(
        tmp_path,
        "mostly.py",
        """
        def a():
            return 1


        def b():
            return 2


        def c():
            pass  # TODO
        """,
    )
    symbols = ix.parse("mostly.py")
    scan = scan_markers(source, symbols)
    assert [(h.line, h.marker) for h in scan.hits] == [(9, "stub"), (10, "TODO")]
    assert stub_reason(source, symbols, scan, below_min_lines=False) is None
    assert stub_reason(source, symbols, scan, below_min_lines=True) == (
        "below min_lines and has 2 debt/stub marker(s)"
    )


def test_stub_rule_empty_file(tmp_path: Path) -> None:
    source, ix = load(tmp_path, "empty.py", "\n\n   \n")
    scan = scan_markers(source, ix.parse("empty.py"))
    assert stub_reason(source, ix.parse("empty.py"), scan, False) == "empty file"


def test_binary_files_have_no_markers(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(b"\x00TODO\x00")
    source = FileCache(tmp_path).get("blob.bin")
    assert source is not None
    assert scan_markers(source).hits == []
