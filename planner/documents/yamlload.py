"""Parse YAML text with PyYAML (C loader when present), keep node positions, recover typos.

Real frontmatter breaks YAML in a few recurring ways (invalid escapes in double-quoted regexes,
`: ` inside plain scalars, `@` or a quote at the start of a list item, text after a flow list).
When the author's intent is unambiguous we rewrite the offending line the way they meant it,
parse again, and report a warning at that line; anything else is an error. The parser itself is
always PyYAML: the fixes (planner.documents.yamlfix) only re-quote text, never parse YAML.
"""

from __future__ import annotations

import operator
from dataclasses import field
from typing import Any, ClassVar

import planner.documents.yamlimport  # noqa: F401  (first: yaml, imported deferring a compile)

# isort: split
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.documents.lazyre import lazy_re
from planner.documents.yamlfix import try_fix
from planner.errors import Diagnostic, Severity
from planner.records import record

CODES = {
    "GSD111": "YAML syntax error that could not be recovered",
    "GSD113": "frontmatter too large",
    "GSD114": "YAML aliases expand too far or refer to themselves (refused)",
    "GSD118": "YAML tag or value that cannot be constructed",
}

MAX_YAML_CHARS = 1_000_000  # frontmatter beyond this is refused (no plan needs a megabyte)
MAX_EXPANDED_NODES = 100_000  # alias expansion cap ("billion laughs")
MAX_FIXES = 40
MAX_FLOW_DEPTH = 200  # libyaml composes recursively in C: very deep nesting can crash it
_BRACKETS_RE = lazy_re(r"[\[\]{}]")

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class GsdYamlLoader(_BaseLoader):
    """Safe loader that keeps timestamps as the text the author wrote (JSON-friendly, exact).

    `resolve` gives PyYAML's own answer, remembered per plain scalar text: its tag depends only
    on the text (this loader has no path resolvers), and the same keys recur in every document.
    """

    _plain_tags: ClassVar[dict[str, str]] = {}

    # No path resolvers here, yet the composer calls these two for every node (twice the number
    # of `resolve` calls): C-level no-ops instead of BaseResolver's Python methods that look up
    # the empty resolver table and return. The composer ignores what they return.
    descend_resolver = staticmethod(operator.is_)  # called as (parent node, index)
    ascend_resolver = staticmethod(tuple)  # called with no arguments

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR  # quoted or !-tagged scalar: PyYAML's default scalar tag
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 64 and len(self._plain_tags) < 20_000:
                    self._plain_tags[value] = tag
            return tag
        return _SEQ if kind is SequenceNode else _MAP


def _timestamp_as_text(loader: Any, node: ScalarNode) -> str:
    return str(node.value)


GsdYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


@record
class YamlResult:
    data: Any = None
    node: Node | None = None
    ok: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the text actually parsed (after fixes)


class _Refused(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Node helpers (shared with frontmatter.line_of)


def node_child(node: Node | None, key: str | int) -> tuple[Node | None, Node | None]:
    """(key node or item node, value node) for one path step; (None, None) when absent."""
    if isinstance(node, MappingNode) and isinstance(key, str):
        found: tuple[Node | None, Node | None] = (None, None)
        for k, v in node.value:  # last one wins, as in the constructed data
            if isinstance(k, ScalarNode) and k.value == key:
                found = (k, v)
        return found
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item = node.value[key]
        return item, item
    return None, None


def path_at(root: Node | None, line0: int, col0: int | None = None) -> tuple[str | int, ...] | None:
    """Key path of the value (or key) that starts at 0-based (line0, col0).

    Without a column, the deepest mapping key on the line (else the deepest list item) wins.
    """
    exact: tuple[str | int, ...] | None = None
    key_best: tuple[str | int, ...] | None = None
    item_best: tuple[str | int, ...] | None = None
    stack: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())] if root is not None else []
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        children: list[tuple[Node | None, Node, tuple[str | int, ...]]] = []
        if isinstance(node, MappingNode):
            children = [
                (k, v, (*path, str(k.value) if isinstance(k, ScalarNode) else "?"))
                for k, v in node.value
            ]
        elif isinstance(node, SequenceNode):
            children = [(None, item, (*path, i)) for i, item in enumerate(node.value)]
        for k, v, p in children:
            starts = [m for m in (k.start_mark if k else None, v.start_mark) if m is not None]
            at_col = col0 is not None and any(m.line == line0 and m.column == col0 for m in starts)
            if at_col and (exact is None or len(p) > len(exact)):
                exact = p
            if k is not None and k.start_mark.line == line0:
                key_best = p if key_best is None or len(p) > len(key_best) else key_best
            elif k is None and v.start_mark.line == line0:
                item_best = p if item_best is None or len(p) > len(item_best) else item_best
            if v.start_mark.line <= line0 <= v.end_mark.line:
                stack.append((v, p))
    return exact or key_best or item_best


def format_path(path: tuple[str | int, ...] | None) -> str:
    if not path:
        return ""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _check_expansion(root: Node) -> str | None:
    """Refuse alias graphs that expand past the cap or loop; None when fine."""
    memo: dict[int, int] = {}
    onstack: set[int] = set()

    def size(n: Node) -> int:
        key = id(n)
        if key in memo:
            return memo[key]
        if key in onstack:
            raise _Refused("an alias refers to the node that contains it")
        onstack.add(key)
        total = 1
        if isinstance(n, SequenceNode):
            for c in n.value:
                total += size(c)
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                total += size(k) + size(v)
        onstack.discard(key)
        memo[key] = total
        if total > MAX_EXPANDED_NODES:
            raise _Refused(f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes")
        return total

    try:
        size(root)
    except _Refused as exc:
        return str(exc)
    except RecursionError:
        return "nesting too deep"
    return None


# --------------------------------------------------------------------------------------------
# Parsing with recovery


def parse_yaml(text: str, file: str, first_line: int = 1) -> YamlResult:
    """Parse `text` (whose first line is line `first_line` of `file`); never raises."""
    res = YamlResult()
    if len(text) > MAX_YAML_CHARS:
        res.diagnostics.append(
            _diag(
                "GSD113",
                Severity.ERROR,
                f"frontmatter is {len(text):,} characters (limit {MAX_YAML_CHARS:,}); not parsed",
                file,
                first_line,
                "move bulk data out of the frontmatter",
            )
        )
        return res
    if text.count("[") + text.count("{") > MAX_FLOW_DEPTH and _flow_depth(text) > MAX_FLOW_DEPTH:
        res.diagnostics.append(
            _diag(
                "GSD118",
                Severity.ERROR,
                f"brackets nest deeper than {MAX_FLOW_DEPTH} levels; not parsed",
                file,
                first_line,
                "flatten the frontmatter",
            )
        )
        return res
    lines: list[str] | None = None
    fixes: list[tuple[int, int, str, str, str]] = []  # (line0, col0, code, message, hint)
    fixed_lines: set[int] = set()
    for _attempt in range(MAX_FIXES + 1):
        src = text if lines is None else "\n".join(lines)
        try:
            node, data = _load(src)
        except yaml.MarkedYAMLError as exc:
            if lines is None:
                lines = text.split("\n")
            fix = (
                try_fix(lines, exc)
                if isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError))
                else None
            )
            if fix is None or fix[0] in fixed_lines:
                res.diagnostics.append(_syntax_error(exc, file, first_line))
                return res
            fixed_lines.add(fix[0])
            fixes.append(fix)
            continue
        except _Refused as exc:
            res.diagnostics.append(
                _diag(
                    "GSD114",
                    Severity.ERROR,
                    f"YAML refused: {exc}",
                    file,
                    first_line,
                    "do not use anchors and aliases (&x / *x)",
                )
            )
            return res
        except yaml.YAMLError as exc:  # reader errors (control characters) have no mark
            res.diagnostics.append(
                _diag(
                    "GSD111",
                    Severity.ERROR,
                    f"YAML error: {exc}",
                    file,
                    first_line,
                    "fix the frontmatter YAML",
                )
            )
            return res
        except (RecursionError, ValueError, OverflowError, TypeError) as exc:
            res.diagnostics.append(
                _diag(
                    "GSD118",
                    Severity.ERROR,
                    f"YAML value cannot be read: {type(exc).__name__}",
                    file,
                    first_line,
                    "simplify the frontmatter",
                )
            )
            return res
        res.node, res.data, res.ok = node, data, True
        res.lines = lines if lines is not None else []
        for line0, col0, code, message, hint in fixes:
            where = format_path(path_at(node, line0, col0))
            text_msg = f"{where}: {message}" if where else message
            res.diagnostics.append(
                _diag(code, Severity.WARNING, text_msg, file, first_line + line0, hint)
            )
        return res
    res.diagnostics.append(
        _diag(
            "GSD111",
            Severity.ERROR,
            "too many YAML errors to recover",
            file,
            first_line,
            "fix the frontmatter YAML",
        )
    )
    return res


def _flow_depth(text: str) -> int:
    depth = deepest = 0
    for c in _BRACKETS_RE().findall(text):
        depth = depth + 1 if c in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _load(src: str) -> tuple[Node | None, Any]:
    loader = GsdYamlLoader(src)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        shared = "&" in src
        if shared:
            problem = _check_expansion(node)
            if problem:
                raise _Refused(problem)
        # A merge key is a plain `<<` or a tag spelled with "merge": without either text, no
        # mapping needs its keys checked for one.
        merges = "<<" in src or "merge" in src
        return node, _Builder(loader, {} if shared else None, merges).build(node)
    finally:
        loader.dispose()


_INT = "tag:yaml.org,2002:int"
_FAST_SCALAR_TAGS = (
    _INT,
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
)


class _Builder:
    """Python values from PyYAML's composed and tag-resolved nodes.

    The common tags (str, seq, map, timestamp kept as text) are built directly, which is several
    times faster than PyYAML's generator-based constructor; int, bool, float and null call
    SafeConstructor's own function for the tag; every other tag (binary, set, merge keys,
    unknown tags) goes through PyYAML's construct_object.
    """

    def __init__(self, loader: Any, memo: dict[int, Any] | None, merges: bool) -> None:
        self.loader = loader
        self.memo = memo
        self.merges = merges
        constructors = loader.yaml_constructors
        self.scalar_fns = {tag: constructors[tag] for tag in _FAST_SCALAR_TAGS}

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag in (_STR, _TIMESTAMP):
            return node.value
        if tag == _INT:
            value = node.value
            # plain decimal digits: what SafeConstructor.construct_yaml_int returns, directly
            if value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
                return int(value)
        fn = self.scalar_fns.get(tag)
        if fn is not None:
            return fn(self.loader, node)
        return self.loader.construct_object(node, deep=True)

    def build(self, node: Node) -> Any:
        tag = node.tag
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        memo = self.memo
        if memo is not None and id(node) in memo:
            return memo[id(node)]
        if isinstance(node, SequenceNode) and tag == _SEQ:
            items: list[Any] = []
            if memo is not None:
                memo[id(node)] = items
            for c in node.value:
                # str scalars inline: most nodes are, and a call each is most of the cost
                if c.__class__ is ScalarNode and c.tag == _STR:
                    items.append(c.value)
                else:
                    items.append(self.build(c))
            return items
        if (
            isinstance(node, MappingNode)
            and tag == _MAP
            and not (self.merges and any(k.tag == _MERGE for k, _ in node.value))
        ):
            mapping: dict[Any, Any] = {}
            if memo is not None:
                memo[id(node)] = mapping
            for k, v in node.value:
                key = k.value if k.__class__ is ScalarNode and k.tag == _STR else self.build(k)
                try:
                    if v.__class__ is ScalarNode and v.tag == _STR:
                        mapping[key] = v.value
                    else:
                        mapping[key] = self.build(v)
                except TypeError as exc:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        k.start_mark,
                    ) from exc
            return mapping
        return self.loader.construct_object(node, deep=True)


def _diag(
    code: str,
    sev: Severity,
    msg: str,
    file: str,
    line: int | None,
    hint: str | None,
    col: int | None = None,
) -> Diagnostic:
    return Diagnostic(
        code=code, severity=sev, message=msg, file=file, line=line, col=col, hint=hint
    )


def _syntax_error(exc: yaml.MarkedYAMLError, file: str, first_line: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "syntax error"
    if exc.context:
        problem = f"{problem} ({exc.context})"
    code = "GSD118" if isinstance(exc, yaml.constructor.ConstructorError) else "GSD111"
    return _diag(
        code,
        Severity.ERROR,
        f"YAML {problem}",
        file,
        first_line + mark.line if mark else first_line,
        "quote the value (single quotes keep backslashes and colons as typed)",
        col=mark.column + 1 if mark else None,
    )
