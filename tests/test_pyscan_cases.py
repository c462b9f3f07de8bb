"""pyscan on the cases that could fool a scan: each answer equals lang_python's parse (ast, and
the line scan used for broken files), and the scan declines where it cannot be sure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.checks.decls import Symbol
from planner.checks.engine import CheckContext
from planner.checks.filecache import FileCache, SourceFile
from planner.checks.keylinks import check_link
from planner.checks.lang_python import _parse_lines, parse_python
from planner.checks.pyscan import NOT_EXPORTED, export_line, top_level_symbol
from planner.checks.pyscan_members import class_member, module_variable
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


def scanned_then_parsed(
    root: Path, rel: str, source: str, target: str, patterns: tuple[str, ...]
) -> tuple[list[Any], list[tuple[int, int]]]:
    """check_link's results for each pattern, first with `rel` left to the scans, then with it
    parsed beforehand; and the index's (parsed, scanned) counts after each round."""
    results: list[Any] = []
    counts = []
    for parse_first in (False, True):
        ctx = CheckContext.create(root)
        if parse_first:
            ctx.symbols.parse(rel)
        for pattern in patterns:
            link = KeyLink.model_validate({"from": source, "to": target, "pattern": pattern})
            results.append(check_link(link, ctx, "p.md", [rel]))
        counts.append((ctx.symbols.parsed, ctx.symbols.scanned))
    return results, counts


def test_link_from_a_bare_symbol_gives_the_same_result_scanned_or_parsed(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/core.py", "def process(x):\n    return x\n")
    write(tmp_path, "pkg/app.py", HANDLER)
    patterns = (r"core\.process\(widget", "never_there")
    results, counts = scanned_then_parsed(
        tmp_path, "pkg/app.py", "handler", "pkg.core.process", patterns
    )
    assert [parsed for parsed, _ in counts] == [0, 1]
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


# -- class members and module variables (pyscan_members) -------------------------------------


def scanned(text: str, name: str) -> tuple[int, int, int] | None:
    """pyscan_members' answer as (start_line, line, end_line), checked field by field against
    both readings of lang_python whenever it gives one."""
    found = class_member(text, name, "m.py") if "." in name else module_variable(text, name, "m.py")
    if found is None:
        return None
    by_ast, by_lines = both(text, name)
    assert by_ast == [found] and by_lines == [found], (text, found, by_ast, by_lines)
    return found.start_line, found.line, found.end_line


WIDGET = (
    "import os\n\nLIMIT = 3\n\n\nclass C:\n    x = 1\n\n    def m(self, a):\n"
    "        y = a\n        return y\n\n    def n(self):\n        return self.m(1)\n"
)


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (WIDGET, "C.m", (9, 9, 11)),
        (WIDGET, "C.n", (13, 13, 14)),
        (WIDGET.replace("\n", "\r\n"), "C.m", (9, 9, 11)),
        # decorated, with a comment and a blank line before the def; a property
        (
            "class C:\n    @staticmethod\n    # why\n\n    @cache(1)\n    def m(a):\n"
            "        b = a\n        return b\n",
            "C.m",
            (2, 6, 8),
        ),
        ("class C:\n    @property\n    def m(self):\n        return self._m\n", "C.m", (2, 3, 4)),
        # async; a multi-line header; the last member, a trailing comment and code after
        (
            "class C:\n    async def m(\n        self,\n    ):\n        await x()\n"
            "        # done\n\nrun()\n",
            "C.m",
            (2, 2, 5),
        ),
        # a nested class with other names, a docstring naming other defs
        (
            'class C:\n    """Doc.\n\n    def m(): pass? no: it is `m` below\n    """\n\n'
            "    class Inner:\n        def k(self):\n            return 2\n\n"
            "    def m(self):\n        return self.k()\n",
            "C.k",
            None,
        ),
        (
            "class C:\n    class Inner:\n        def k(self):\n            return 2\n\n"
            "    def m(self):\n        return Inner().k()\n",
            "C.m",
            (6, 6, 7),
        ),
        # another class's member of the same name, outside the span: not this class's
        (
            "class A:\n    def m(self):\n        return 1\n\n\nclass C:\n    def m(self):\n"
            "        return 2\n",
            "C.m",
            (7, 7, 8),
        ),
        # a broken file: the line scan's answer is the same
        (
            "class C:\n    def m(self):\n        x = 1\n        return x\n\ny = (\n",
            "C.m",
            (2, 2, 4),
        ),
    ],
)
def test_class_members_the_scan_gives(
    text: str, name: str, expected: tuple[int, int, int] | None
) -> None:
    assert scanned(text, name) == expected


@pytest.mark.parametrize(
    "text",
    [
        # defined twice; a property setter; the class defined twice
        "class C:\n    def m(self):\n        return 1\n\n    def m(self):\n        return 2\n",
        "class C:\n    @property\n    def m(self):\n        return 1\n\n    @m.setter\n"
        "    def m(self, v):\n        self._m = v\n",
        "class C:\n    def m(self):\n        return 1\n\n\nclass C:\n    def m(self):\n"
        "        return 2\n",
        # a nested class with the same method name
        "class C:\n    class Inner:\n        def m(self):\n            return 2\n\n"
        "    def m(self):\n        return 1\n",
        # the name in a string, a comment, an assignment, a keyword argument
        'class C:\n    def m(self):\n        return 1\n\n    DOC = """\n    def m(): pass\n    """\n',
        "class C:\n    # m is odd\n    def m(self):\n        return 1\n",
        "class C:\n    def m(self):\n        return 1\n\n    m = wrap(m)\n",
        "class C:\n    def m(self):\n        return f(m=1)\n",
        # a one-line body; stubs; a def under `if` in the class body; tabs
        "class C:\n    def m(self): pass\n",
        "class C:\n    def m(self):\n        pass\n",
        'class C:\n    def m(self):\n        """Doc."""\n        ...\n',
        "class C:\n    def m(self):\n        raise NotImplementedError\n",
        "class C:\n    if X:\n        def m(self):\n            return 1\n",
        "class C:\n\tdef m(self):\n\t\treturn 1\n",
        # a local function, not a member
        "class C:\n    def n(self):\n        def m():\n            return 1\n        return m\n",
        # a decorator whose expression starts on the next line
        "class C:\n    @(\n        dec)\n    def m(self):\n        return 1\n",
        # a non-ASCII identifier that NFKC folds to the name
        "class C:\n    def m(self):\n        return 1\n\n    ｍ = 2\n",
    ],
)
def test_the_member_scan_declines_when_unsure(text: str) -> None:
    assert scanned(text, "C.m") is None


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (WIDGET, "LIMIT", (3, 3, 3)),
        ("X: int = 1\n", "X", (1, 1, 1)),
        ("X: dict[str, int] = {}  # note\n", "X", (1, 1, 1)),
        ("X = Y = 1\n", "X", (1, 1, 1)),
        # later uses that declare nothing: a call, an attribute, a subscript
        ("X = []\nX.append(1)\nprint(X[0], obj.X)\n", "X", (1, 1, 1)),
        ("X = 1\r\nY = 2\r\n", "Y", (2, 2, 2)),
        # a broken file
        ("X = 1\n\ndef f(:\n", "X", (1, 1, 1)),
    ],
)
def test_module_variables_the_scan_gives(
    text: str, name: str, expected: tuple[int, int, int]
) -> None:
    assert scanned(text, name) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # assigned twice; augmented (neither reading records `X += 1`, but the scan declines)
        ("X = 1\nX = 2\n", "X"),
        # a plain use in an expression (inside a def: harmless, but not modelled)
        ("X = 1\n\ndef f():\n    return X\n", "X"),
        ("X = 1\nX += 1\n", "X"),
        # tuple targets (ast records both, the line scan neither); a bare annotation
        ("X, Y = 1, 2\n", "X"),
        ("X: int\n", "X"),
        # over several lines (ast ends at the bracket, the line scan at the first line)
        ("X = [\n    1,\n]\n", "X"),
        ("X = 1 + \\\n    2\n", "X"),
        # not at column 0, inside a string, under `if`, a continuation into it
        ("Y = X = 1\n", "X"),
        ('DOC = """\nX = 1\n"""\n', "X"),
        ("if T:\n    X = 1\n", "X"),
        ("y = 1 + \\\nX = 1\n", "X"),
        # also a def; a keyword; a non-ASCII identifier that folds to the name
        ("X = 1\n\ndef X():\n    return 1\n", "X"),
        ("None = 1\n", "None"),
        ("X = 1\nＸ = 2\n", "X"),
    ],
)
def test_the_variable_scan_declines_when_unsure(text: str, name: str) -> None:
    assert scanned(text, name) is None


def test_augmented_and_tuple_assignments_as_lang_python_records_them() -> None:
    assert [s.line for s in both("X = 1\nX += 1\n", "X")[0]] == [1]
    assert [s.line for s in both("X = 1\nX += 1\n", "X")[1]] == [1]
    assert [s.qualname for s in both("X, Y = 1, 2\n", "Y")[0]] == ["Y"]
    assert both("X, Y = 1, 2\n", "Y")[1] == []


MODULE = (
    '"""Module."""\nCONSTANT = 7\n\n\nclass Widget:\n    def __init__(self, v):\n'
    "        self.v = v\n\n    def compute(self, x):\n        total = 0\n"
    "        for i in range(x):\n            total += i * self.v\n        return total\n"
)


def test_link_from_a_method_to_a_module_variable_needs_no_parse(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/mod.py", MODULE)
    patterns = (r"for i in range\(x\)", r"self\.v = v", "never_there")
    results, counts = scanned_then_parsed(
        tmp_path, "pkg/mod.py", "Widget.compute", "pkg.mod.CONSTANT", patterns
    )
    assert counts == [(0, 6), (1, 0)]
    assert results[:3] == results[3:]
    assert [r[0].status for r in results[:3]] == [
        LinkStatus.WIRED,
        LinkStatus.NOT_WIRED,
        LinkStatus.NOT_WIRED,
    ]
    assert "pkg/mod.py::Widget.compute (lines 9-13)" in results[1][0].reason
    assert "outside Widget.compute" in results[1][0].reason
