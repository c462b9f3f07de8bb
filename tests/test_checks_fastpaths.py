"""The shortcuts of the checks (issue 3's speed work) give the answers of the slow paths.

Each shortcut settles a question without the costly step (a parse, a regex compile, a stat, a
table of lines) only when it is sure; these tests hold it to the slow path's answer.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks.endpoints import Endpoint
from planner.checks.engine import CheckContext, check_plan
from planner.checks.filecache import FileCache, LineIndex, SourceFile
from planner.checks.keylinks import _reference_pattern, _reference_stem, check_link
from planner.checks.lang_python import parse_python
from planner.checks.pathmemo import PathMemo
from planner.checks.paths import PathRefused, resolve_inside
from planner.checks.pyscan import declares_top_level
from planner.checks.refscan import NO_MATCH, first_reference
from planner.checks.regexes import BudgetExhausted, RegexRunner
from planner.documents.models import KeyLink, MustHaves, Plan, PlanFrontmatter
from planner.results import LinkStatus


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def source_of(text: str, rel: str = "m.py") -> SourceFile:
    return SourceFile(rel=rel, text=text, size=len(text.encode()))


# -- pyscan: a top-level def/class settled without a parse ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("def foo():\n    pass\n", True),
        ("x = 1\nasync def foo(a):\n    return a\n", True),
        ("class foo(Base):\n    pass\n", True),
        ("# a comment with ''' quotes\ndef foo():\n    pass\n", True),
        ("r'\\''\ndef foo():\n    pass\n", True),  # the escaped quote does not end the string
        ('"""doc\ndef foo():\n"""\n', False),  # inside a docstring
        ('s = "a\\\ndef foo():"\n', False),  # a string continued over the newline
        ("s = f'''\ndef foo():'''\n", False),  # f-string: not sure, so not settled
        ("x = 'open\ndef foo(): pass\n", False),  # unterminated string: not sure
        ("def foobar():\n    pass\n", False),  # another name
        ("    def foo(self):\n        pass\n", False),  # not at column 0
    ],
)
def test_declares_top_level_cases(text: str, expected: bool) -> None:
    assert declares_top_level(text, "foo") is expected
    if expected:
        assert parse_python(source_of(text)).lookup("foo")


def test_declares_top_level_on_a_file_with_a_syntax_error() -> None:
    text = "def foo(:\n    pass\n\ndef bar():\n    return 1\n"
    parsed = parse_python(source_of(text))
    assert parsed.note is not None and parsed.note.startswith("syntax error")
    assert declares_top_level(text, "bar") and parsed.lookup("bar")


_PY_PARTS = st.sampled_from(
    [
        "def foo():\n    pass\n",
        "class foo:\n    x = 1\n",
        "async def foo():\n    pass\n",
        "def foo_bar():\n    pass\n",
        "x = '''\n",
        '"""\n',
        "'''\n",
        "s = 'a\\\n",
        't = "b"\n',
        "# '\n",
        "u = r'\\''\n",
        "f'''\n",
        "\n",
        "    return foo\n",
        "y = (\n",
        ")\n",
        "def foo(:\n",
        "'",
        '"',
        "\\\n",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PY_PARTS, max_size=10))
def test_declares_top_level_implies_the_parse_finds_it(parts: list[str]) -> None:
    text = "".join(parts)
    if declares_top_level(text, "foo"):
        assert parse_python(source_of(text)).lookup("foo"), text


def test_link_target_symbol_is_not_parsed_when_the_link_is_wired(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/core.py", "def process(x):\n    return x\n")
    write(tmp_path, "app.py", "from pkg import core\n\ncore.process(1)\n")
    ctx = CheckContext.create(tmp_path)
    wired = KeyLink.model_validate({"from": "app.py", "to": "pkg.core.process", "pattern": "core"})
    result, _ = check_link(wired, ctx, "p.md", [])
    assert result.status is LinkStatus.WIRED
    assert result.reason == "pattern found in app.py"
    assert ctx.symbols.parsed == 0
    # A reason that names the target still shows its span: pyscan gives it, still unparsed.
    partial = KeyLink.model_validate(
        {"from": "app.py", "to": "pkg.core.process", "pattern": "return x"}
    )
    result, _ = check_link(partial, ctx, "p.md", [])
    assert result.status is LinkStatus.PARTIAL
    assert result.reason == (
        "pattern found only in the target pkg/core.py::process (lines 1-2), not in app.py"
    )
    assert (ctx.symbols.parsed, ctx.symbols.scanned) == (0, 1)


# -- refscan: a file reference answered without compiling its regex --------------------------

_WORDS = st.sampled_from(
    ["api", "api.py", "myapi", "api_x", "x-y", "src", "lib", "index", "index.ts", "apié", "b"]
)
_PIECES = st.sampled_from(
    [
        "from",
        "import",
        "export",
        "use",
        "using",
        "module",
        "require",
        "#include",
        "imports",
        " ",
        "\t",
        "\x0c",
        "'",
        '"',
        "(",
        "/",
        ".",
        "_",
        "é",
        "\\",
        "x",
        "from '",
        'import("',
    ]
)
_IMPORT_LINE = st.tuples(
    st.sampled_from(["", " ", "\t", "x"]),
    st.sampled_from(["from", "import", "export", "use", "using", "mod", "module", "#include"]),
    st.sampled_from([" ", "", "(", " '", ' "./', "_", "."]),
    st.lists(st.one_of(_WORDS, _PIECES), max_size=3).map("".join),
    _WORDS,
    st.sampled_from(["", "'", '"', ";", ".py'", "/", "_", " "]),
).map("".join)
_LINE = st.one_of(
    _IMPORT_LINE, _IMPORT_LINE, st.lists(st.one_of(_WORDS, _PIECES), max_size=6).map("".join)
)
_TARGETS = st.sampled_from(
    ["src/api.py", "src/lib/index.ts", "src/api", "lib", "a/b/api.ts", "src/x-y.py", "src/b.py"]
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(_LINE, max_size=6),
    _TARGETS,
    st.booleans(),
    st.integers(0, 40),
    st.integers(0, 80),
)
def test_first_reference_is_the_first_match_of_the_regex(
    lines: list[str], target: str, is_dir: bool, a: int, b: int
) -> None:
    text = "\n".join(lines)
    dst = Endpoint(target, is_dir=is_dir)
    base, stem = _reference_stem(dst)
    if is_dir:
        base = stem
    pos = 0 if a < 20 else min(a, len(text))
    end = len(text) if b >= 40 else max(min(b, len(text)), pos)
    settled = first_reference(text, pos, end, stem, base)
    match = re.compile(_reference_pattern(dst)[0], re.MULTILINE).search(text, pos, end)
    if settled == NO_MATCH:
        assert match is None
    elif settled is not None:
        assert match is not None and match.start() == settled


def test_reference_settled_without_compiling(tmp_path: Path) -> None:
    write(tmp_path, "src/app.py", "x = 1\nfrom src import api\n\napi.run()\n")
    write(tmp_path, "src/api.py", "def run():\n    return 1\n")
    ctx = CheckContext.create(tmp_path)
    link = KeyLink.model_validate({"from": "src/app.py", "to": "src/api.py"})
    result, _ = check_link(link, ctx, "p.md", [])
    assert result.status is LinkStatus.WIRED
    assert [e.format() for e in result.evidence] == ["src/app.py:2: from src import api"]
    assert ctx.regexes.compiles == 0


# -- file cache, line index, regex runner ----------------------------------------------------


def test_reads_sized_by_fstat_still_read_what_the_cap_allows(tmp_path: Path) -> None:
    (tmp_path / "exact.txt").write_bytes(b"x" * 1000)
    (tmp_path / "over.txt").write_bytes(b"y" * 1001)
    cache = FileCache(tmp_path, max_bytes=1000)
    exact, over = cache.get("exact.txt"), cache.get("over.txt")
    assert exact is not None and not exact.truncated and len(exact.text) == 1000
    assert over is not None and over.truncated and len(over.text) == 1000 and over.size == 1001


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_file_reporting_size_zero_is_read_whole() -> None:
    source = FileCache(Path("/proc/self")).get("status")
    assert source is not None and source.size == 0 and "Name:" in source.text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "bb", "\n", "\r\n", "x\n"]), max_size=12).map("".join),
    st.integers(-1, 10),
    st.integers(-1, 10),
    st.sampled_from([0, 15, 16]),
)
def test_bounds_without_the_table_match_the_table(
    text: str, first: int, last: int, used: int
) -> None:
    table = LineIndex(text)
    assert table.starts is not None
    quick = LineIndex(text)
    quick._quick = used
    assert quick.bounds(first, last) == (table.offset_of(first), table.end_offset_of(last))
    assert LineIndex(text).line_text(first) == table.line_text(first)


def test_repeated_search_of_one_file_runs_once_and_budget_still_applies() -> None:
    runner = RegexRunner(budget=1.0)
    compiled = runner.compile(r"b+$")
    text = "a\nbbb\n"
    first = runner.search(compiled, text, key="f.txt")
    again = runner.search(compiled, text, key="f.txt")
    assert first is not None and again == first and runner.searches == 1
    runner.spent = runner.budget
    with pytest.raises(BudgetExhausted):
        runner.search(compiled, text, key="f.txt")


# -- path memo: realpath, kinds, project-relative paths -------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write(root, "src/a.py", "")
    write(tmp_path, "outside/secret.txt", "")
    (root / "src" / "alias.py").symlink_to(root / "src" / "a.py")
    (root / "srcdir").symlink_to(root / "src")
    (root / "out").symlink_to(tmp_path / "outside")
    (root / "loop").symlink_to(root / "loop")
    (root / "dangling").symlink_to(root / "nowhere")
    return root


SPECS = [
    "src/a.py",
    "src/alias.py",
    "srcdir/a.py",
    "srcdir/../src/a.py",
    "out/secret.txt",
    "loop/x",
    "dangling",
    "src/missing.py",
    "src/",
    "src/.",
    "./src/a.py",
    "src//a.py",
    "../proj/src/a.py",
]


@pytest.mark.parametrize("spec", SPECS)
def test_path_memo_resolves_like_resolve_inside(linked: Path, spec: str) -> None:
    memo = PathMemo(linked)
    try:
        expected: Path | str = resolve_inside(linked, spec)
    except PathRefused as refused:
        expected = refused.reason
    for _ in range(2):  # the second answer comes from the memo
        try:
            got: Path | str = memo.resolve(spec)
        except PathRefused as refused:
            got = refused.reason
        assert got == expected
    if isinstance(expected, Path):
        assert memo.exists(expected) == expected.exists()
        assert memo.is_dir(expected) == expected.is_dir()
        assert memo.is_file(expected) == expected.is_file()
        assert memo.rel_of(expected) == os.path.relpath(expected, os.path.realpath(linked))


def test_path_memo_realpath_matches_os(linked: Path) -> None:
    memo = PathMemo(linked)
    for spec in [*SPECS, "srcdir/alias.py", "out/../src/a.py"]:
        path = os.path.join(os.path.realpath(linked), spec)
        assert memo.realpath(path) == os.path.realpath(path), spec


def test_whole_plan_results_do_not_depend_on_the_memo_order(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/core.py", "def process(x):\n    return x\n")
    write(tmp_path, "app.py", "from pkg import core\n\ndef main():\n    core.process(1)\n")
    must = MustHaves.model_validate(
        {
            "artifacts": [{"path": "pkg/core.py", "exports": ["process"]}],
            "key_links": [
                {"from": "main", "to": "pkg.core.process", "pattern": "core\\.process"},
                {"from": "app.py", "to": "pkg/core.py"},
            ],
        }
    )
    plan = Plan(
        path="p.md", frontmatter=PlanFrontmatter(files_modified=["app.py"], must_haves=must)
    )
    first = check_plan(plan, "01-01", CheckContext.create(tmp_path))
    ctx = CheckContext.create(tmp_path)
    check_plan(plan, "01-01", ctx.for_plan())  # warm every memo
    again = check_plan(plan, "01-01", ctx.for_plan())
    assert again.model_dump() == first.model_dump()
    assert [link.status for link in first.links] == [LinkStatus.WIRED, LinkStatus.WIRED]
