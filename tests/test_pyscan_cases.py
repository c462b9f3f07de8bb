"""pyscan on the cases that could fool a scan: each answer equals lang_python's parse (ast, and
the line scan used for broken files), and the scan declines where it cannot be sure."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.checks.decls import Symbol
from planner.checks.engine import CheckContext
from planner.checks.filecache import FileCache, SourceFile
from planner.checks.keylinks import check_link
from planner.checks.lang_python import _parse_lines, parse_python
from planner.checks.pyscan import NOT_EXPORTED, export_line, top_level_symbol
from planner.checks.symbols import SymbolIndex
from planner.documents.models import Artifact, KeyLink
from planner.results import ArtifactStatus, LinkStatus


def both(text: str, name: str) -> tuple[list[Symbol], list[Symbol]]:
    source = SourceFile(rel="m.py", text=text, size=len(text))
    return parse_python(source).lookup(name), _parse_lines(source).lookup(name)


def answer(text: str, name: str = "f") -> Symbol | None:
    """The scan's answer, checked against both parses whenever it gives one."""
    found = top_level_symbol(text, name, "m.py")
    if found is not None:
        by_ast, by_lines = both(text, name)
        assert by_ast == [found] and by_lines == [found], (text, found, by_ast, by_lines)
    return found


def span(text: str, name: str = "f") -> tuple[int, int, int] | None:
    found = answer(text, name)
    return None if found is None else (found.start_line, found.line, found.end_line)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("def f(x):\n    y = x\n    return y\n", (1, 1, 3)),
        ("async def f(x):\n    y = x\n    return y\n\n\nz = 1\n", (1, 1, 3)),
        ("import os\n\n\nclass f:\n    x = 1\n\n    def g(self):\n        pass\n", (4, 4, 8)),
        # decorators, with comments and blank lines between
        ("@a\n@b.c(1, 'x')\n# note\n\ndef f():\n    return h()\n", (1, 5, 6)),
        # a multi-line header, its closing line at column 0
        ("def f(\n    a,\n    b=(1, 2),\n):\n    return a\n    # trailing\n\nx = 1\n", (1, 1, 5)),
        # a docstring naming other defs, at column 0 inside the string
        ('def f():\n    """Doc.\n\n    def g(): pass\n    """\n    return 1\n', (1, 1, 6)),
        # backslash continuations, the last one ending the body
        ("def f(a, \\\n      b):\n    x = a + \\\n        b\n    return x + \\\n  1\n", (1, 1, 6)),
        # the closing bracket of the last statement at column 0
        ("def f():\n    x = [\n        1,\n]\n    return x\n", (1, 1, 5)),
        # a nested def of the same name: local, not indexed
        ("def f():\n    def f():\n        return 1\n    return f\n", (1, 1, 4)),
        # used elsewhere as a call, an attribute, a subscript: no declaration
        ("x = 1\ndef f():\n    return 1\n\nf()\nprint(f.__name__, obj.f, f [0])\n", (2, 2, 3)),
        # strings of every spelling before it; an f-string (Python 3.11 tokenizes it whole)
        ("a = r'\\'' + b'''x\n''' + u\"\\\"\"\nb = f'{a}'\ndef g():\n    return 1\n", (4, 4, 5)),
        # one statement that is no stub; a class body never is
        ("def f():\n    return compute()\n", (1, 1, 2)),
        ("class f:\n    pass\n", (1, 1, 2)),
        # tabs
        ("def f():\n\tx = 1\n\treturn x\n", (1, 1, 3)),
    ],
)
def test_spans_the_scan_gives(text: str, expected: tuple[int, int, int]) -> None:
    assert span(text, "g" if "\ndef g" in text else "f") == expected


@pytest.mark.parametrize(
    "text",
    [
        # a redefinition; a second declaration under `if TYPE_CHECKING:`; an assignment
        "def f():\n    return 1\n\n\ndef f():\n    return 2\n",
        "if TYPE_CHECKING:\n    def f(): ...\n\ndef f():\n    return 2\n",
        "def f():\n    return 1\n\nf = wrap(f)\n",
        # the name only in a string elsewhere: the line scan might read it
        'def f():\n    return 1\nDOC = """\n    def f(): pass\n"""\n',
        # stubs (or maybe): pass, ..., a docstring only, raise, a placeholder return
        "def f():\n    pass\n",
        'def f():\n    """Doc."""\n    ...\n',
        'def f():\n    """Doc."""\n',
        "def f():\n    raise NotImplementedError\n",
        "def f():\n    return None  # placeholder\n",
        # a one-line body
        "def f(): return 1\n",
        # a multi-line decorator (the line scan starts the span at the def)
        "@dec(\n    a,\n)\ndef f():\n    return 1\n",
        # a decorator whose expression starts on the next line
        "@(\n    dec)\ndef f():\n    return 1\n",
        # a column-0 line inside the body (a string): the line scan would end the block there
        'def f():\n    x = """\nabc\n"""\n    return x\n',
        # odd line breaks and whitespace
        "def f():\n    x = 1\r    return x\n",
        "def f():\n    x = 1\n\x0c    return x\n",
        # a keyword is no name
        "def class():\n    return 1\n",
    ],
)
def test_the_scan_declines_when_unsure(text: str) -> None:
    assert answer(text) is None


def test_a_broken_file_gets_the_line_scans_answer() -> None:
    text = "def f(a):\n    b = a\n    return b\n\nx = (\n"
    source = SourceFile(rel="m.py", text=text, size=len(text))
    assert parse_python(source).note == "syntax error at line 5: declaration patterns used"
    assert span(text) == (1, 1, 3)


def test_a_non_ascii_identifier_that_folds_to_the_name_stops_the_scan() -> None:
    # NFKC: `ｆ` is `f` to the parser, so the file declares f twice.
    text = "def f():\n    return 1\n\nｆ = 2\n"
    assert len(both(text, "f")[0]) == 2
    assert answer(text) is None
    assert span("# héllo\ndef f():\n    s = 'ü'\n    return s\n") == (2, 2, 4)


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("def g():\n    return 1\n", "absent", NOT_EXPORTED),
        ("def g():\n    return 1\n", "absent.member", NOT_EXPORTED),
        ("x = 1\n\nclass Foo:\n    pass\n", "Foo", 3),
        # an earlier call does not declare it; the def line is the export line
        ("def g():\n    return foo()\n\n\ndef foo():\n    return 1\n", "foo", 5),
        # broken file: the line scan's answer is the same
        ("def foo():\n    return 1\n\n)\n", "foo", 1),
        # maybe spelled another way: `__all__` strings, a non-ASCII identifier, a lone CR
        ("__all__ = ['fo' 'o']\n", "foo", None),
        ("ｆｏｏ = 1\n", "foo", None),
        ("x = 1\rdef foo():\n    return 1\n", "foo", None),
        # not the first occurrence, not a def line, a member
        ("foo = 1\n\ndef foo():\n    return 1\n", "foo", None),
        ("class A:\n    foo = 1\n", "A.foo", None),
    ],
)
def test_export_lines(text: str, name: str, expected: int | None) -> None:
    assert export_line(text, name) == expected
    if expected is not None:
        source = SourceFile(rel="m.py", text=text, size=len(text))
        for parsed in (parse_python(source), _parse_lines(source)):
            assert parsed.exports.get(name) == (expected or None)
    if "ｆｏｏ" in text:
        assert parse_python(SourceFile(rel="m.py", text=text, size=9)).exports["foo"] == 1


# -- in the index and the checks ------------------------------------------------------------


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


HANDLER = (
    '"""Module."""\nfrom pkg import core\n\n\nclass Widget:\n    def compute(self, x):\n'
    "        return x * 2\n\n\ndef handler(request):\n    widget = Widget()\n"
    "    return core.process(widget.compute(request))\n"
)


def test_index_answers_a_bare_symbol_without_parsing(tmp_path: Path) -> None:
    write(tmp_path, "pkg/app.py", HANDLER)
    ix = SymbolIndex(tmp_path, FileCache(tmp_path))
    found = ix.find("handler", hints=["pkg/app.py"])
    assert found == [Symbol("handler", "handler", "function", "pkg/app.py", 10, 12, 10)]
    assert (ix.parsed, ix.scanned) == (0, 1)
    assert ix.export_line("pkg/app.py", "Widget") == 5
    assert ix.export_line("pkg/app.py", "nothing") is None
    assert (ix.parsed, ix.scanned) == (0, 3)
    # A member needs the parse; afterwards the parse answers everything.
    assert ix.export_line("pkg/app.py", "Widget.compute") == 6
    assert ix.parsed == 1
    assert ix.lookup_in_file("pkg/app.py", "handler") == found
    assert ix.scanned == 3


def test_link_from_a_bare_symbol_gives_the_same_result_scanned_or_parsed(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/core.py", "def process(x):\n    return x\n")
    write(tmp_path, "pkg/app.py", HANDLER)
    results = []
    for parse_first in (False, True):
        ctx = CheckContext.create(tmp_path)
        if parse_first:
            ctx.symbols.parse("pkg/app.py")
        for pattern in (r"core\.process\(widget", "never_there"):
            link = KeyLink.model_validate(
                {"from": "handler", "to": "pkg.core.process", "pattern": pattern}
            )
            results.append(check_link(link, ctx, "p.md", ["pkg/app.py"]))
        assert ctx.symbols.parsed == (1 if parse_first else 0)
    assert results[:2] == results[2:]
    assert results[0][0].status is LinkStatus.WIRED
    assert results[1][0].status is LinkStatus.NOT_WIRED
    assert "pkg/app.py::handler (lines 10-12)" in results[1][0].reason


def test_directory_artifact_exports_are_settled_without_parsing(tmp_path: Path) -> None:
    from planner.checks.artifacts import check_artifact

    for i in range(5):
        write(tmp_path, f"pkg/m{i}.py", f"def f{i}():\n    return {i}\n")
    write(tmp_path, "pkg/target.py", "import os\n\n\ndef wanted():\n    return os.sep\n")
    ctx = CheckContext.create(tmp_path)
    art = Artifact.model_validate({"path": "pkg", "exports": ["wanted"]})
    result, diagnostics = check_artifact(art, ctx, "p.md")
    assert result.status is ArtifactStatus.VERIFIED and diagnostics == []
    assert [(e.file, e.line, e.text) for e in result.evidence if e.line] == [
        ("pkg/target.py", 4, "def wanted():")
    ]
    assert ctx.symbols.parsed == 0
