"""What every lint rule sees: one loaded document (`LintDoc`) and the run (`LintContext`)."""

from __future__ import annotations

import re
from dataclasses import field
from functools import cached_property
from pathlib import Path

from planner.documents.models import DocKind, Loaded, Plan, Summary, Verification
from planner.errors import Diagnostic, Severity
from planner.records import record
from planner.workspace import PlanRef, Workspace

_TOP_KEY_RE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
_FENCE_END = ("---", "...")
_HEAD_CHARS = 8192


def frontmatter_key_lines(text: str) -> dict[str, int]:
    """Line numbers of the top-level frontmatter keys (locating only; the loader parses)."""
    text = text.lstrip("\ufeff")
    # Only the lines up to the closing `---` matter: split a growing head of the text, never
    # the whole document, and trust only the head's complete lines.
    limit = _HEAD_CHARS
    while True:
        whole = limit >= len(text)
        lines = text.splitlines() if whole else text[:limit].splitlines()[:-1]
        found, ended = _key_lines(lines)
        if ended or whole:
            return found
        limit *= 8


def _key_lines(lines: list[str]) -> tuple[dict[str, int], bool]:
    """(the keys' lines, whether `lines` reaches the end of the frontmatter or shows there is none)."""
    if not lines:
        return {}, False
    if lines[0].strip() != "---":
        return {}, True
    found: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in _FENCE_END:
            return found, True
        m = _TOP_KEY_RE.match(line)
        if m and m.group(1) not in found:
            found[m.group(1)] = number
    return found, False


@record(eq=False)
class LintDoc:
    path: Path
    shown: str  # the path as printed in findings
    kind: DocKind
    loaded: Loaded | None = None
    workspace: Workspace | None = None  # the project the file belongs to (None: a lone file)
    plan_ref: PlanRef | None = None  # set when the file is a plan of that project
    _text: str | None = field(default=None, repr=False)

    @property
    def plan(self) -> Plan | None:
        doc = self.loaded.doc if self.loaded else None
        return doc if isinstance(doc, Plan) else None

    @property
    def summary(self) -> Summary | None:
        doc = self.loaded.doc if self.loaded else None
        return doc if isinstance(doc, Summary) else None

    @property
    def verification(self) -> Verification | None:
        doc = self.loaded.doc if self.loaded else None
        return doc if isinstance(doc, Verification) else None

    @property
    def text(self) -> str:
        if self._text is None:
            try:
                self._text = self.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._text = ""
        return self._text

    @cached_property
    def key_lines(self) -> dict[str, int]:
        return frontmatter_key_lines(self.text)

    @cached_property
    def present_keys(self) -> set[str]:
        """Top-level frontmatter keys as loaded (the located ones when nothing was loaded)."""
        loaded = self.loaded.frontmatter if self.loaded else {}
        return set(loaded) if loaded else set(self.key_lines)

    def line_of(self, key: str, default: int | None = 1) -> int | None:
        return self.key_lines.get(key, default)

    def diag(
        self,
        code: str,
        severity: Severity,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=code,
            severity=severity,
            message=message,
            file=self.shown,
            line=line,
            col=col,
            hint=hint,
        )


@record
class LintContext:
    # path_map of each project's config.json, by project root (loaded by the lint command).
    path_maps: dict[Path, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # Plans loaded for cross-document rules (siblings of a linted plan), by resolved path.
    loaded_plans: dict[Path, Plan | None] = field(default_factory=dict)

    def path_map(self, ws: Workspace | None) -> tuple[tuple[str, str], ...]:
        return self.path_maps.get(ws.root, ()) if ws is not None else ()

    def plan_at(self, path: Path) -> Plan | None:
        key = path.resolve()
        if key not in self.loaded_plans:
            from planner.documents.loader import load_document

            try:
                doc = load_document(path, DocKind.PLAN).doc
            except Exception:  # an unloadable sibling is reported when it is linted itself
                doc = None
            self.loaded_plans[key] = doc if isinstance(doc, Plan) else None
        return self.loaded_plans[key]


ERROR = Severity.ERROR
WARNING = Severity.WARNING
