"""Python declarations: `ast` for files up to AST_MAX_BYTES, indentation patterns otherwise.

`ast.parse` costs about 200x the source size in memory (a 6 MB file took 1.3 GB and 10 s here), so
large files and files with syntax errors use a line scan that finds `def`/`class`/module
assignments and closes each block at the next line indented no deeper.
"""

from __future__ import annotations

import ast
import re

from planner.checks.decls import PLACEHOLDER_COMMENT, AsciiFirst, FileSymbols, Symbol
from planner.checks.filecache import SourceFile
from planner.records import record

AST_MAX_BYTES = 256 * 1024

_ABSTRACT = frozenset({"abstractmethod", "abstractproperty", "overload"})
# Patterns with \w \s \b keep `regex`'s reading of non-ASCII text (AsciiFirst); _ALL has no
# class the engines define differently, so `re` alone reads it the same.
_DEF = AsciiFirst(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)")
_MODULE_VAR = AsciiFirst(r"^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)")
_ALL = re.compile(r"^__all__[ \t]*\+?=[ \t]*[\[(]([^\])]*)[\])]", re.MULTILINE)
_QUOTED = AsciiFirst(r"[\"']([A-Za-z_]\w*)[\"']")
_STUB_STMT = AsciiFirst(r"^(?:pass|\.\.\.|raise[ \t]+NotImplementedError\b.*)$")
_INLINE_BODY = AsciiFirst(r"\)[^()]*:[ \t]*([^#\s].*)$")
# isinstance with a tuple: cheaper than with a `A | B` union, once per statement of every file.
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
_ASSIGN_NODES = (ast.Assign, ast.AnnAssign)
_IMPORT_NODES = (ast.Import, ast.ImportFrom)
_BLOCK_NODES = (ast.If, ast.Try)


def parse_python(source: SourceFile) -> FileSymbols:
    if source.size <= AST_MAX_BYTES and not source.truncated:
        try:
            tree = ast.parse(source.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            line = getattr(exc, "lineno", None)
            where = f" at line {line}" if line else ""
            found = _parse_lines(source)
            found.note = f"syntax error{where}: declaration patterns used"
            return found
        return _from_ast(source, tree)
    found = _parse_lines(source)
    found.note = f"large file ({source.size} bytes): declaration patterns used"
    return found


# ---------------------------------------------------------------------------------------------
# ast


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _is_protocol(node: ast.ClassDef) -> bool:
    return any(_decorator_name(base) == "Protocol" for base in node.bases)


def _is_stub_body(node: ast.FunctionDef | ast.AsyncFunctionDef, source: SourceFile) -> bool:
    body = list(node.body)
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        body = body[1:]
    if not body:
        return True  # a docstring and nothing else
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return stmt.value.value is Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        return _decorator_name(stmt.exc) == "NotImplementedError"
    if isinstance(stmt, ast.Return):
        value = stmt.value
        constant = value is None or isinstance(value, ast.Constant)
        return constant and bool(PLACEHOLDER_COMMENT.search(source.line_text(stmt.lineno)))
    return False


def _targets(node: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    names: list[str] = []
    for target in targets:
        elts = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
        names.extend(e.id for e in elts if isinstance(e, ast.Name))
    return names


def _from_ast(source: SourceFile, tree: ast.Module) -> FileSymbols:
    found = FileSymbols(rel=source.rel, language="python")
    no_stubs = source.rel.endswith(".pyi")
    imported: dict[str, int] = {}
    all_names: dict[str, int] = {}

    def visit(body: list[ast.stmt], prefix: str, in_class: bool, exempt: bool) -> None:
        for node in body:
            if isinstance(node, _FUNCTION_NODES):
                decorators = {_decorator_name(d) for d in node.decorator_list}
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                stub = not (no_stubs or exempt or decorators & _ABSTRACT) and _is_stub_body(
                    node, source
                )
                found.symbols.append(
                    Symbol(
                        name=node.name,
                        qualname=prefix + node.name,
                        kind="method" if in_class else "function",
                        file=source.rel,
                        line=node.lineno,
                        end_line=node.end_lineno or node.lineno,
                        start_line=start,
                        stub=stub,
                    )
                )
            elif isinstance(node, ast.ClassDef):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                found.symbols.append(
                    Symbol(
                        name=node.name,
                        qualname=prefix + node.name,
                        kind="class",
                        file=source.rel,
                        line=node.lineno,
                        end_line=node.end_lineno or node.lineno,
                        start_line=start,
                    )
                )
                visit(node.body, f"{prefix}{node.name}.", True, exempt or _is_protocol(node))
            elif isinstance(node, _ASSIGN_NODES):
                for name in _targets(node):
                    found.symbols.append(
                        Symbol(
                            name=name,
                            qualname=prefix + name,
                            kind="attribute" if in_class else "variable",
                            file=source.rel,
                            line=node.lineno,
                            end_line=node.end_lineno or node.lineno,
                            start_line=node.lineno,
                        )
                    )
                    if name == "__all__" and not prefix:
                        all_names.update(_all_entries(node))
            elif isinstance(node, ast.AugAssign) and not prefix:
                if isinstance(node.target, ast.Name) and node.target.id == "__all__":
                    all_names.update(_all_entries(node))
            elif isinstance(node, _IMPORT_NODES) and not prefix:
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    imported.setdefault(bound, node.lineno)
            elif isinstance(node, _BLOCK_NODES) and not prefix:
                # `if TYPE_CHECKING:` / `try: import x except ImportError:` define names too.
                blocks = [node.body, node.orelse]
                if isinstance(node, ast.Try):
                    blocks += [h.body for h in node.handlers] + [node.finalbody]
                for block in blocks:
                    visit(block, prefix, in_class, exempt)

    visit(tree.body, "", False, False)
    for sym in found.symbols:
        if "." not in sym.qualname:
            found.exports.setdefault(sym.name, sym.line)
    # Imports are exports only when re-exported on purpose: in a package's __init__, or __all__.
    is_init = source.rel.rsplit("/", 1)[-1] == "__init__.py"
    for name, line in imported.items():
        if is_init or name in all_names:
            found.exports.setdefault(name, line)
    for name, line in all_names.items():
        found.exports.setdefault(name, line)
    return found


def _all_entries(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> dict[str, int]:
    value = node.value
    out: dict[str, int] = {}
    if isinstance(value, ast.List | ast.Tuple):
        for elt in value.elts:
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                out[elt.value] = elt.lineno
    return out


# ---------------------------------------------------------------------------------------------
# Indentation patterns (huge files, syntax errors)


def _indent_width(indent: str) -> int:
    return len(indent.expandtabs(8))


@record
class _Block:
    name: str
    qualname: str | None  # None: a local scope (a def inside a def), not indexed
    kind: str
    line: int
    start_line: int
    end_line: int


def _parse_lines(source: SourceFile) -> FileSymbols:
    found = FileSymbols(rel=source.rel, language="python")
    lines = source.text.split("\n")
    stack: list[tuple[int, _Block]] = []  # open blocks with their indentation
    blocks: list[_Block] = []
    last_significant = 0
    decorator_start: int | None = None

    def close(until_indent: int) -> None:
        while stack and stack[-1][0] >= until_indent:
            stack.pop()[1].end_line = last_significant

    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = _indent_width(raw[: len(raw) - len(raw.lstrip())])
        if stripped[0] in ")]}":
            last_significant = number
            continue  # the end of a multi-line header or literal, not a new statement
        match = _DEF.match(raw)
        if match:
            close(indent)
            name = match.group(3)
            parents = [block for _, block in stack]
            if all(p.kind == "class" and p.qualname for p in parents):
                prefix = f"{parents[-1].qualname}." if parents else ""
                kind = (
                    "class" if match.group(2) == "class" else ("method" if parents else "function")
                )
                block = _Block(name, prefix + name, kind, number, decorator_start or number, number)
            else:
                block = _Block(name, None, "local", number, number, number)
            blocks.append(block)
            stack.append((indent, block))
            decorator_start = None
        elif stripped.startswith("@"):
            close(indent)
            decorator_start = decorator_start or number
        else:
            close(indent)
            decorator_start = None
            var = _MODULE_VAR.match(raw) if indent == 0 else None
            if var:
                name = var.group(1)
                blocks.append(_Block(name, name, "variable", number, number, number))
        last_significant = number
    close(0)

    for block in blocks:
        if block.qualname is None:
            continue
        stub = block.kind in ("function", "method") and stub_by_lines(
            lines, block.line, block.end_line
        )
        found.symbols.append(
            Symbol(
                name=block.name,
                qualname=block.qualname,
                kind=block.kind,
                file=source.rel,
                line=block.line,
                end_line=block.end_line,
                start_line=block.start_line,
                stub=stub,
            )
        )
        if "." not in block.qualname:
            found.exports.setdefault(block.name, block.line)
    for match in _ALL.finditer(source.text):
        line = source.line_of(match.start())
        for name in _QUOTED.findall(match.group(1)):
            found.exports.setdefault(name, line)
    return found


def stub_by_lines(lines: list[str], line: int, end: int) -> bool:
    body = [ln.strip() for ln in lines[line:end]]
    body = [ln for ln in body if ln and not ln.startswith("#")]
    inline = _INLINE_BODY.search(lines[line - 1])
    if inline and not body:
        body = [inline.group(1).strip()]  # def f(): pass
    if body and body[0][:3] in ('"""', "'''") and len(body) > 1:
        body = body[1:]  # a one-line docstring before the statement
    return len(body) == 1 and bool(_STUB_STMT.match(body[0]))
