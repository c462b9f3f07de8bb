"""ROADMAP.md: which phases a project plans, their names and goals, and which it marks complete.

Read as markdown-it-py parses it (CommonMark + tables), so a `### Phase 9` inside a code fence or
an HTML comment is not a phase: planner.roadmapscan gives markdown-it's answer for simple texts
without importing it (~50 ms), and markdown-it itself parses the rest; one loop reads the events of
either. Three places declare phases in real roadmaps, often all at once: checklist items
(`- [x] **Phase 26: CI/CD Fixes** - ...`), headings (`### Phase 26: CI/CD Fixes` followed by
`**Goal**: ...`) and progress tables (`| 26. CI/CD Fixes | 3/3 | Complete | ... |`).
They are merged by phase key; a phase is marked complete by a checked item or a table row whose
status says complete.
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path
from typing import Any

from planner.documents.lazyre import lazy_re
from planner.records import record
from planner.roadmapscan import Event, block_events

_PHASE_RE = re.compile(
    r"^\s*(?:\[(?P<box>[ xX])\]\s*)?(?:\*\*|__)?\s*Phase\s+"
    r"(?P<num>[A-Za-z]*\d[\w.]*?(?:-\d[\w.]*?)?)\.?(?=[\s:*_]|$)"
    r"(?:\s*:\s*(?P<name>.+?))?\s*(?:\*\*|__|\s[-—–]\s|\s\(|\s\[|$)",
)
_RANGE_RE = re.compile(r"^(\d+)-(\d+)$")
# Compiled on first use: a roadmap without tables or phase details needs none of them.
_TABLE_ROW_RE = lazy_re(
    r"^\s*(?:Phase\s+)?(?P<num>[A-Za-z]*\d[\w.]*?(?:-\d[\w.]*?)?)\.?(?::|\s|$)\s*(?P<name>.*)$"
)
_GOAL_RE = lazy_re(r"^\*\*Goal\*\*:?\s*:?\s*(?P<goal>.+)$|^\*\*Goal:\*\*\s*(?P<goal2>.+)$", re.I)
_REQUIREMENTS_RE = lazy_re(
    r"^(?:\*\*|__)?Requirements(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<ids>.+)$", re.I
)
# CICD-01, LIB-API-02, REQ-7b: upper-case words joined by hyphens, ending in a number.
REQUIREMENT_ID_PATTERN = r"[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-\d+[a-z]?"
REQUIREMENT_ID = re.compile(rf"\b{REQUIREMENT_ID_PATTERN}\b")
_COMPLETE_WORDS = ("complete", "completed", "done", "shipped", "✅", "✓")


def phase_key(number: str) -> str:
    """Normalise a phase number for comparison: `02.1` and `2.1` are the same phase, `2` is not `21`."""
    parts = re.split(r"([.])", number.strip())
    out = []
    for part in parts:
        m = re.fullmatch(r"0*(\d+)([A-Za-z]*)", part)
        out.append(f"{int(m.group(1))}{m.group(2).upper()}" if m else part)
    return "".join(out)


@record
class RoadmapPhase:
    number: str
    name: str | None = None
    goal: str | None = None
    complete: bool = False
    line: int | None = None  # 1-based line of the first declaration
    requirements: list[str] = field(default_factory=list)  # `**Requirements**: CICD-01, ...`

    @property
    def key(self) -> str:
        return phase_key(self.number)


@record
class Roadmap:
    path: Path | None
    phases: list[RoadmapPhase] = field(default_factory=list)

    def get(self, number: str) -> RoadmapPhase | None:
        key = phase_key(number)
        return next((p for p in self.phases if p.key == key), None)

    def completed(self) -> list[RoadmapPhase]:
        return [p for p in self.phases if p.complete]


def parse_roadmap(text: str, path: Path | None = None, *, scan: bool = True) -> Roadmap:
    """The roadmap's phases. `scan=False` always parses with markdown-it (the scan's reference)."""
    events = block_events(text) if scan else None
    if events is None:  # not sure without the real parser (fences, quotes, other HTML, ...)
        events = _markdown_events(text)
    return _roadmap(events, path)


def _markdown_events(text: str) -> list[Event]:
    """markdown-it's tokens as the scan's events: headings, paragraphs, table rows."""
    from markdown_it import MarkdownIt

    return _token_events(MarkdownIt("commonmark").enable("table").parse(text))


def _token_events(tokens: list[Any]) -> list[Event]:
    events: list[Event] = []
    in_row = False
    row_cells: list[str] = []
    row_line: int | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            line = inline.map[0] + 1 if inline.map else None
            events.append(Event("heading", line, inline.content))
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            in_item = i >= 2 and tokens[i - 2].type == "list_item_open"
            line = tok.map[0] + 1 if tok.map else None
            events.append(Event("paragraph", line, tok.content, in_item))
        elif tok.type == "tr_open":
            in_row, row_cells, row_line = True, [], (tok.map[0] + 1 if tok.map else None)
        elif tok.type == "inline" and in_row:
            row_cells.append(tok.content)
        elif tok.type == "tr_close":
            in_row = False
            events.append(Event("row", row_line, cells=tuple(row_cells)))
    return events


def _roadmap(events: list[Event], path: Path | None) -> Roadmap:
    found: dict[str, RoadmapPhase] = {}
    order: list[str] = []

    def note(
        number: str, name: str | None, line: int | None, complete: bool | None
    ) -> RoadmapPhase:
        rng = _RANGE_RE.match(number)
        if rng and complete:  # "Phase 1-11" summarises an archived milestone: mark each phase
            for n in range(int(rng.group(1)), int(rng.group(2)) + 1):
                note(str(n), None, line, True)
        key = phase_key(number)
        if key not in found:
            found[key] = RoadmapPhase(number=number, line=line)
            order.append(key)
        phase = found[key]
        name = (name or "").strip().rstrip("*_").strip()
        if name and not phase.name:
            phase.name = name
        if complete:
            phase.complete = True
        return phase

    current: RoadmapPhase | None = None
    for event in events:
        if event.kind == "heading":
            m = _PHASE_RE.match(event.content)
            current = (
                note(m.group("num"), m.group("name"), event.line, _says_complete(event.content))
                if m
                else None
            )
        elif event.kind == "paragraph":
            first = event.content.splitlines()[0] if event.content else ""
            m = _PHASE_RE.match(first)
            if m and event.first_in_item and m.group("box") is not None:
                note(m.group("num"), m.group("name"), event.line, m.group("box") in "xX")
            elif current is not None:
                _phase_details(current, event.content)
        else:
            _table_row([cell.strip() for cell in event.cells], event.line, note)
    return Roadmap(path=path, phases=[found[k] for k in order])


def _phase_details(phase: RoadmapPhase, paragraph: str) -> None:
    """`**Goal**: ...` and `**Requirements**: ...` lines under a phase heading (first of each)."""
    for content_line in paragraph.splitlines():
        stripped = content_line.strip()
        g = _GOAL_RE().match(stripped) if phase.goal is None else None
        if g:
            phase.goal = (g.group("goal") or g.group("goal2") or "").strip()
            continue
        r = _REQUIREMENTS_RE().match(stripped) if not phase.requirements else None
        if r:
            phase.requirements = list(dict.fromkeys(REQUIREMENT_ID.findall(r.group("ids"))))


def _says_complete(text: str) -> bool:
    low = text.lower()
    return "✅" in text or "(complete)" in low or "(completed" in low


def _table_row(cells: list[str], line: int | None, note: Any) -> None:
    if len(cells) < 2:
        return
    m = _TABLE_ROW_RE().match(cells[0].replace("*", ""))
    if not m or not re.search(r"\d", m.group("num")):
        return
    status = " ".join(cells[1:]).lower()
    complete = any(w in status for w in _COMPLETE_WORDS) and "not started" not in status
    # A table row only marks completion; it names phases too, but names from items/headings win.
    note(m.group("num"), m.group("name") or None, line, complete)


def load_roadmap(planning_dir: Path) -> Roadmap:
    """The project's roadmap, or an empty one when there is no ROADMAP.md (not an error)."""
    path = planning_dir / "ROADMAP.md"
    try:
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    except (FileNotFoundError, IsADirectoryError):
        return Roadmap(path=None)
    return parse_roadmap(text, path)
