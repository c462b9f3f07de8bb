"""Find and parse a document's YAML frontmatter; the one place gsd reads frontmatter.

The frontmatter is the `---` block at the top of the file. Real files also put it after a title
heading or inside a ```yaml fence; those are read with a warning. Every key path can be mapped back
to its line in the file (`line_of`) and to the text the author typed (`raw_scalar`), so ids like
`plan: 07` stay "07".
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

import planner.documents.yamlimport  # noqa: F401  (first: yaml, imported deferring a compile)

# isort: split
from yaml.nodes import MappingNode, Node, ScalarNode

from planner.documents.lazyre import lazy_re
from planner.documents.yamlload import node_child, parse_yaml
from planner.errors import Diagnostic, Severity
from planner.records import record

CODES = {
    "GSD110": "frontmatter opened with `---` is never closed",
    "GSD112": "frontmatter is not a mapping (a list or a scalar)",
    "GSD116": "frontmatter found later in the file (after a heading, or in a ```yaml fence)",
    "GSD117": "duplicate key in the frontmatter (the last value wins)",
}

_CLOSE_RE = re.compile(r"\n((?:---|\.\.\.)[ \t]*)(?=\n|$)")  # searched from the newline before
_OPEN_RE = re.compile(r"---[ \t]*(?:\n|$)")
_FM_KEYS = r"(?:phase|plan|status|wave|type|depends_on|must_haves|verified|score|subsystem)"
_DISPLACED_RE = lazy_re(r"\n(---|```ya?ml)[ \t]*\n(?=(?:---[ \t]*\n)?" + _FM_KEYS + r"[ \t]*:)")
_FENCE_CLOSE_RE = lazy_re(r"\n(```[ \t]*)(?=\n|$)")
_DISPLACED_SCAN = 4000  # characters of the file searched for displaced frontmatter


@record
class FrontmatterResult:
    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    has_frontmatter: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    file: str = ""
    node: Node | None = None
    yaml_first_line: int = 2  # file line of the first YAML line
    location: str = "none"  # "top" | "displaced" | "fenced" | "none"
    yaml_lines: list[str] = field(default_factory=list)
    _keys: dict[int, dict[str, tuple[Node, Node]]] = field(default_factory=dict, repr=False)

    def _child(self, node: Node | None, step: str | int) -> tuple[Node | None, Node | None]:
        if isinstance(node, MappingNode) and isinstance(step, str):
            index = self._keys.get(id(node))
            if index is None:  # built once per mapping: line_of is called for most entries
                index = {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}
                self._keys[id(node)] = index
            return index.get(step, (None, None))
        return node_child(node, step)

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """File line of the key (or list item) at `path`, e.g. ("must_haves", "truths", 0)."""
        node: Node | None = self.node
        line: int | None = self.yaml_first_line - 1 if self.has_frontmatter else None
        for step in path:
            key_node, node = self._child(node, step)
            if key_node is None:
                return None
            line = key_node.start_mark.line + self.yaml_first_line
        return line

    def node_at(self, path: tuple[str | int, ...]) -> Node | None:
        node: Node | None = self.node
        for step in path:
            _, node = self._child(node, step)
            if node is None:
                return None
        return node

    def raw_scalar(self, path: tuple[str | int, ...]) -> str | None:
        """The scalar at `path` as written (`07` stays "07"); None when absent or not a scalar."""
        node = self.node_at(path)
        return str(node.value) if isinstance(node, ScalarNode) else None

    def source_line(self, line: int) -> str | None:
        """The text of file line `line` as parsed (after any recovery edits)."""
        i = line - self.yaml_first_line
        return self.yaml_lines[i] if 0 <= i < len(self.yaml_lines) else None


def normalize_text(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


def read_frontmatter(text: str, file: str) -> FrontmatterResult:
    """Split `text` into frontmatter data and body; never raises."""
    text = normalize_text(text)
    res = FrontmatterResult(file=file, body=text)
    if _OPEN_RE.match(text):
        first_nl = text.find("\n")
        m = _CLOSE_RE.search(text, first_nl) if first_nl >= 0 else None
        if m is None:
            res.diagnostics.append(
                Diagnostic(
                    code="GSD110",
                    severity=Severity.ERROR,
                    file=file,
                    line=1,
                    message="frontmatter opened on line 1 is never closed",
                    hint="add a line `---` after the last frontmatter key",
                )
            )
            res.has_frontmatter = True
            res.location = "top"
            res.body, res.body_line = "", 1
            return res
        yaml_text = text[first_nl + 1 : m.start() + 1]
        close_line = text.count("\n", 0, m.start(1)) + 1
        body_start = text.find("\n", m.end())
        res.body = text[body_start + 1 :] if body_start >= 0 else ""
        res.body_line = close_line + 1
        res.location = "top"
        _parse_into(res, yaml_text, 2)
        return res
    _find_displaced(res, text)
    return res


def _find_displaced(res: FrontmatterResult, text: str) -> None:
    head = text[:_DISPLACED_SCAN]
    if "---" not in head and "```y" not in head:
        return
    m = _DISPLACED_RE().search("\n" + head)
    if m is None:
        return
    # offsets in the padded head: m.start() is the start of the opening line in `text`
    before = text[: m.start()].split("\n")
    if any(ln.strip() and not ln.lstrip().startswith("#") for ln in before):
        return  # prose before it: a horizontal rule or an example, not frontmatter
    start = m.end() - 1
    closer = _CLOSE_RE if m.group(1) == "---" else _FENCE_CLOSE_RE()
    c = closer.search(text, start - 1)
    if c is None:
        return
    yaml_text = text[start : c.start() + 1]
    first_line = text.count("\n", 0, start) + 1
    if m.group(1) != "---":  # ```yaml fence that wraps a `---` block
        yaml_text = re.sub(r"^---[ \t]*\n", "\n", yaml_text, count=1)
        yaml_text = re.sub(r"\n---[ \t]*\n?$", "\n", yaml_text)
    res.location = "displaced" if m.group(1) == "---" else "fenced"
    open_line = first_line - 1
    res.diagnostics.append(
        Diagnostic(
            code="GSD116",
            severity=Severity.WARNING,
            file=res.file,
            line=open_line,
            message="frontmatter is not at the top of the file"
            + (" (it is inside a ```yaml fence)" if res.location == "fenced" else ""),
            hint="move the `---` block to line 1",
        )
    )
    end_line = text.count("\n", 0, c.start(1)) + 1
    lines = text.split("\n")
    for i in range(open_line - 1, min(end_line, len(lines))):
        lines[i] = ""  # keep the body's line numbers equal to the file's
    res.body = "\n".join(lines)
    res.body_line = 1
    _parse_into(res, yaml_text, first_line)


def _parse_into(res: FrontmatterResult, yaml_text: str, first_line: int) -> None:
    res.has_frontmatter = True
    res.yaml_first_line = first_line
    parsed = parse_yaml(yaml_text, res.file, first_line)
    res.diagnostics.extend(parsed.diagnostics)
    if not parsed.ok:
        return
    res.yaml_lines = parsed.lines or yaml_text.split("\n")
    if parsed.data is None:
        return
    if not isinstance(parsed.data, dict):
        kind = "a list" if isinstance(parsed.data, list) else "a scalar"
        res.diagnostics.append(
            Diagnostic(
                code="GSD112",
                severity=Severity.ERROR,
                file=res.file,
                line=first_line,
                message=f"frontmatter is {kind}, not a mapping of keys",
                hint="write `key: value` lines between the `---` lines",
            )
        )
        return
    res.node = parsed.node
    res.data = {str(k): v for k, v in parsed.data.items()}
    if isinstance(parsed.node, MappingNode):
        seen: dict[str, int] = {}
        for k, _v in parsed.node.value:
            if isinstance(k, ScalarNode):
                if k.value in seen:
                    res.diagnostics.append(
                        Diagnostic(
                            code="GSD117",
                            severity=Severity.WARNING,
                            file=res.file,
                            line=k.start_mark.line + first_line,
                            message=f"duplicate key `{k.value}` (first on line {seen[k.value]}); "
                            "the last value is used",
                            hint="keep one of them",
                        )
                    )
                seen[k.value] = k.start_mark.line + first_line
