"""bracefast's answers against parse_braces, the parse they replace (JS/TS and Go exports).

Every answer bracefast gives must be the parse's: `export_line` (a line, or NOT_EXPORTED) equals
`parse_braces(...).exports.get(name)`, and `names_absent` holds only when the parse declares and
exports nothing of that name. Compared on hand-made cases, on generated texts made of the lines
that matter (declarations, braces, comments, strings, template literals), on mutated copies of
them, and on the real JS files of this machine when there are some.

Run the whole comparison as a script (prints the counts):
    PYTHONPATH=. python tests/test_bracefast.py [--seed N] [--limit N] ROOT [ROOT ...]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks import bracefast
from planner.checks.decls import language_of
from planner.checks.filecache import FileCache, SourceFile
from planner.checks.lang_braces import parse_braces
from planner.checks.symbols import SymbolIndex

_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_REAL_JS = (Path("/usr/lib/node_modules/npm"), Path("/usr/share/javascript"))


def source_of(text: str, rel: str) -> SourceFile:
    return SourceFile(rel=rel, text=text, size=len(text.encode()))


def compare(text: str, rel: str, names: list[str], counts: Counter[str]) -> list[str]:
    """Each name's bracefast answer next to the parse's; the disagreements, described."""
    lang = language_of(rel)
    assert lang is not None
    parsed = parse_braces(source_of(text, rel), lang)
    wrong = []
    for name in names:
        counts["asked"] += 1
        got = bracefast.export_line(source_of(text, rel), lang, name)
        want = parsed.exports.get(name)
        if got is not None:
            counts["answered"] += 1
            if (got or None) != want:
                wrong.append(f"{rel}: export_line({name!r}) = {got}, the parse says {want}")
        if bracefast.names_absent(text, name):
            counts["absent"] += 1
            if parsed.lookup(name) or want is not None:
                wrong.append(f"{rel}: {name!r} absent, yet the parse declares it")
    return wrong


def names_in(text: str, rnd: random.Random, k: int = 40) -> list[str]:
    """Names worth asking: the text's identifiers, near misses, absent and dotted ones."""
    ids = list(dict.fromkeys(_IDENT.findall(text)))
    rnd.shuffle(ids)
    out = [*ids[:k], "DoesNotExist", "default", "x.y"]
    for name in ids[:5]:
        out += [name[:-1], name + "Z", "Foo." + name]
    return out


_INSERTS = (
    "{", "}", "/*", "*/", "`", '"', "'", "// {", "  {", "export {", "function f() {", "/* } */",
    "`${", "}`", "x = '{'", "export function dup() {}", "func Dup() {}", "\t{",
)  # fmt: skip


def mutants(text: str, rnd: random.Random) -> Iterator[str]:
    """CRLF, a structural line inserted somewhere (six times), and the lines shuffled."""
    lines = text.split("\n")
    yield text.replace("\n", "\r\n")
    for _ in range(6):
        changed = list(lines)
        changed.insert(rnd.randrange(len(changed) + 1), rnd.choice(_INSERTS))
        yield "\n".join(changed)
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    yield "\n".join(shuffled)


# -- cases ------------------------------------------------------------------------------------

_TS = """\
import { x } from "./x";

// export function commented() {} is mentioned in a comment first
export interface Props {
  id: string;
}

export class Store {
  add(item: string): void {}
}

export function render(props: Props): string {
  return props.id;
}

function hidden() {}
export const helper = (x: string) => x;
export function commented() {}
"""

_GO = """\
package pkg

type Server struct {
\taddr string
}

func NewServer(addr string) *Server {
\treturn &Server{addr: addr}
}

func (s *Server) Start() error {
\treturn nil
}

func helper() {}
"""


@pytest.mark.parametrize(
    ("rel", "text", "name", "expected"),
    [
        ("a.ts", _TS, "render", 12),
        ("a.ts", _TS, "Store", 8),
        ("a.ts", _TS, "Props", 4),
        ("a.ts", _TS, "helper", 17),
        ("a.ts", _TS, "hidden", None),  # declared, not exported: the parse must say so
        ("a.ts", _TS, "commented", None),  # first seen in a comment: unsure
        ("a.ts", _TS, "DoesNotExist", bracefast.NOT_EXPORTED),
        ("a.ts", _TS, "Store.add", None),  # members are the parse's business
        ("a.go", _GO, "NewServer", 7),
        ("a.go", _GO, "Server", 3),
        ("a.go", _GO, "Start", None),  # a method: qualified by its receiver
        ("a.go", _GO, "helper", None),  # lower case: not exported
        ("a.go", _GO, "Missing", bracefast.NOT_EXPORTED),
        ("a.rs", "pub fn run() {}\n", "run", None),  # Rust: not modelled
    ],
)
def test_export_line_cases(rel: str, text: str, name: str, expected: int | None) -> None:
    lang = language_of(rel)
    assert lang is not None
    assert bracefast.export_line(source_of(text, rel), lang, name) == expected
    assert compare(text, rel, [name], Counter()) == []


def test_a_declaration_inside_braces_is_left_to_the_parse() -> None:
    text = "namespace N {\nexport function inner() {}\n}\n"
    assert bracefast.export_line(source_of(text, "a.ts"), "js", "inner") is None
    assert parse_braces(source_of(text, "a.ts"), "js").exports.get("inner") is None


def test_a_brace_in_a_string_or_comment_does_not_count() -> None:
    text = 'const s = "{";\n/* { */\nexport function after() {}\n'
    assert bracefast.export_line(source_of(text, "a.ts"), "js", "after") == 3
    assert parse_braces(source_of(text, "a.ts"), "js").exports["after"] == 3


def test_names_absent_means_no_declaration() -> None:
    assert bracefast.names_absent(_TS, "Nowhere")
    assert bracefast.names_absent(_TS, "Store.remove")
    assert not bracefast.names_absent(_TS, "Store.add")
    assert parse_braces(source_of(_TS, "a.ts"), "js").lookup("Store.remove") == []


def test_the_index_answers_without_parsing(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text(_TS)
    (tmp_path / "a.go").write_text(_GO)
    index = SymbolIndex(tmp_path, FileCache(tmp_path))
    assert index.export_line("a.ts", "render") == 12
    assert index.export_line("a.go", "NewServer") == 7
    assert index.export_line("a.ts", "DoesNotExist") is None
    assert index.lookup_in_file("a.ts", "DoesNotExist") == []
    assert index.parsed == 0 and index.scanned == 4
    assert not index.has_parsed("a.ts")
    # Unsure: the parse answers, and agrees with what it would have said anyway.
    assert index.export_line("a.ts", "commented") == 18
    assert index.export_line("a.go", "Start") is None
    assert index.parsed == 2


# -- generated texts ----------------------------------------------------------------------

_JS_LINES = st.sampled_from(
    [
        "export function foo() {", "export class Foo {", "export const foo = 1;",
        "export default function foo() {}", "function foo() {", "  foo() {", "  foo(x) {",
        "export interface Foo {", "export { foo };", "module.exports = { foo };",
        "}", "{", "/*", "*/", "// export function foo() {}", '"{"', "'}'", "`", "`${", "}`",
        "const s = 'export function foo() {}';", "export type Foo = {", "export function foobar() {",
        "", "  return 1;", "namespace N {", "export async function foo() {",
    ]
)  # fmt: skip
_GO_LINES = st.sampled_from(
    [
        "func Foo() {", "func (s *T) Foo() {", "func foo() {", "type Foo struct {",
        "var Foo = 1", "const (", "\tFoo = 1", ")", "}", "{", "/*", "*/", "// func Foo() {}",
        '"{"', "`", "var x = `func Foo() {`", "", "\treturn", "func FooBar() {",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_JS_LINES, max_size=12), crlf=st.booleans())
def test_generated_js_agrees_with_the_parse(lines: list[str], crlf: bool) -> None:
    text = ("\r\n" if crlf else "\n").join(lines)
    assert compare(text, "g.ts", ["foo", "Foo", "foobar", "default", "N"], Counter()) == []


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_GO_LINES, max_size=12), crlf=st.booleans())
def test_generated_go_agrees_with_the_parse(lines: list[str], crlf: bool) -> None:
    text = ("\r\n" if crlf else "\n").join(lines)
    assert compare(text, "g.go", ["Foo", "foo", "FooBar", "T.Foo"], Counter()) == []


def test_samples_and_their_mutants_agree_with_the_parse() -> None:
    rnd = random.Random(7)
    counts: Counter[str] = Counter()
    samples = Path(__file__).parent / "braces_samples"
    texts = [(p.name, p.read_text()) for p in sorted(samples.iterdir()) if language_of(p.name)]
    texts += [("case.ts", _TS), ("case.go", _GO)]
    wrong: list[str] = []
    for rel, text in texts:
        if language_of(rel) not in bracefast.LANGUAGES:
            continue
        names = names_in(text, rnd)
        for variant in [text, *mutants(text, rnd)]:
            wrong += compare(variant, rel, names, counts)
    assert wrong == []
    assert counts["answered"] > counts["asked"] // 10  # it settles a real share


def js_files(roots: list[Path]) -> list[Path]:
    return [
        p
        for root in roots
        if root.is_dir()
        for p in sorted(root.rglob("*"))
        if language_of(p.name) in bracefast.LANGUAGES and p.is_file()
    ]


def run(files: list[Path], seed: int) -> tuple[Counter[str], list[str]]:
    rnd = random.Random(seed)
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    for path in files:
        data = path.read_bytes()
        if len(data) > 300_000:
            continue
        text = data.decode("utf-8", "replace")
        counts["files"] += 1
        names = names_in(text, rnd)
        for variant in [text, *mutants(text, rnd)]:
            wrong += compare(variant, path.name, names, counts)
    return counts, wrong


@pytest.mark.slow
def test_real_js_files_agree_with_the_parse() -> None:
    files = js_files(list(_REAL_JS))
    if not files:
        pytest.skip("no JS files on this machine")
    random.Random(3).shuffle(files)
    counts, wrong = run(files[:60], seed=3)
    assert wrong == []
    assert counts["answered"] > 0


if __name__ == "__main__":
    cli = argparse.ArgumentParser()
    cli.add_argument("roots", nargs="*", type=Path, default=list(_REAL_JS))
    cli.add_argument("--seed", type=int, default=1)
    cli.add_argument("--limit", type=int, default=0)
    args = cli.parse_args()
    found = js_files(args.roots)
    random.Random(args.seed).shuffle(found)
    counts, wrong = run(found[: args.limit] if args.limit else found, args.seed)
    print(dict(counts))
    for line in wrong[:50]:
        print("DISAGREES", line)
    sys.exit(1 if wrong else 0)
