"""A SUMMARY's commit record: the `commits:` frontmatter list and the Commits managed section.

Format (the contract other writers follow):
- `commits:` is the ordered source of truth, oldest commit first. gsd writes 7-character short
  hashes (`- a6b4cfe`). A list already written as mappings (`- hash: a6b4cfe` / `message: ...`,
  as some real summaries do) keeps that style for new items; items gsd cannot read are kept.
- The `commits` managed section renders that list as a table, one row per hash:
  ``| `a6b4cfe` | feat | add transaction rollback |`` (type `—` when the subject has none; the
  subject text after `type(ref): `, `|` escaped). Rows are re-rendered from the list, taking the
  type and text from the existing row, the mapping's message, or the commit itself.
Recording a commit already listed (hash prefix match, either length) changes nothing.
"""

from __future__ import annotations

from planner.documents.edit import (
    frontmatter_mapping,
    read_managed_section,
    replace_managed_section,
    set_frontmatter_keys,
)
from planner.gitops.commits import Commit, parse_subject

# No dataclasses, typing or re at run time: the post-commit hook imports this module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    Lookup = Callable[[list[str]], Sequence[Commit]]

SECTION = "commits"
HEADING = "Commits"
KEY = "commits"
_HEX = frozenset("0123456789abcdefABCDEF")
_HEADER = "| Commit | Type | Subject |\n|--------|------|---------|\n"
_NONE = "No commits recorded yet.\n"
_NO_TYPE = "—"


class CommitEntry:
    """One recorded commit (immutable; compared by value)."""

    __slots__ = ("key", "raw", "text", "type")

    def __init__(self, key: str | None, raw: Any, type: str = "", text: str = "") -> None:
        self.key = key  # the hash as written (lower case), None for an item gsd cannot read
        self.raw = raw  # the frontmatter item, written back as it was
        self.type = type
        self.text = text

    def _fields(self) -> tuple[str | None, Any, str, str]:
        return (self.key, self.raw, self.type, self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CommitEntry) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"CommitEntry(key={self.key!r}, raw={self.raw!r}, type={self.type!r}, text={self.text!r})"

    def with_details(self, type: str, text: str) -> CommitEntry:
        return CommitEntry(self.key, self.raw, type, text)

    def matches(self, sha: str) -> bool:
        return self.key is not None and (sha.startswith(self.key) or self.key.startswith(sha))


def entry_for(commit: Commit, *, mapping_style: bool = False) -> CommitEntry:
    parsed = parse_subject(commit.subject)
    ctype = (parsed.type + ("!" if parsed.breaking else "")) if parsed else ""
    text = parsed.text if parsed else commit.subject
    raw: Any = {"hash": commit.short, "message": commit.subject} if mapping_style else commit.short
    return CommitEntry(commit.short.lower(), raw, ctype, text)


def _entry_from_item(item: Any) -> CommitEntry:
    if isinstance(item, dict):
        h = next((item[k] for k in ("hash", "sha", "commit") if k in item), None)
        key = leading_hash(str(h)) if h is not None else None
        msg = next((str(item[k]) for k in ("message", "subject", "description") if k in item), "")
        parsed = parse_subject(msg)
        ctype = (parsed.type + ("!" if parsed.breaking else "")) if parsed else ""
        return CommitEntry(
            key.lower() if key else None, item, ctype, parsed.text if parsed else msg
        )
    key = leading_hash(str(item)) if isinstance(item, str | int) else None
    return CommitEntry(key.lower() if key else None, item)


# Hand-written matchers rather than regexes (no `re` on the hook's path); each does exactly what
# the regex in its docstring does (tests/test_gitops_record.py holds them equal).


def _hex_end(s: str, start: int = 0) -> int:
    end = start
    while end < len(s) and s[end] in _HEX:
        end += 1
    return end


def leading_hash(s: str) -> str | None:
    """Group 1 of `^([0-9a-fA-F]{7,40})\\b`: the hash an item starts with."""
    end = _hex_end(s)
    if not 7 <= end <= 40 or (end < len(s) and (s[end].isalnum() or s[end] == "_")):
        return None
    return s[:end]


def table_row(s: str) -> tuple[str, str] | None:
    """Groups 1 and 2 of `^\\|\\s*`?([0-9a-fA-F]{7,40})`?\\s*\\|(.*)\\|\\s*$` on a stripped
    line: the row's hash and the cells after it (without the closing `|`)."""
    if s[:1] != "|":
        return None
    start = 1
    while start < len(s) and s[start].isspace():
        start += 1
    start += s[start : start + 1] == "`"
    end = _hex_end(s, start)
    if not 7 <= end - start <= 40:
        return None
    at = end + (s[end : end + 1] == "`")
    while at < len(s) and s[at].isspace():
        at += 1
    rest = s[at + 1 :].rstrip()  # `\\s*$` ends the line; `.` stops at a line break
    if s[at : at + 1] != "|" or not rest.endswith("|") or "\n" in rest:
        return None
    return s[start:end], rest[:-1]


def split_cell(cells: str) -> list[str]:
    """`re.split(r"(?<!\\\\)\\|", cells, maxsplit=1)`: the first cell and the rest."""
    at = cells.find("|")
    while at > 0 and cells[at - 1] == "\\":
        at = cells.find("|", at + 1)
    return [cells] if at < 0 else [cells[:at], cells[at + 1 :]]


def section_rows(text: str) -> dict[str, tuple[str, str]]:
    """Hash -> (type, text) from the rows of an existing Commits section."""
    content = read_managed_section(text, SECTION) or ""
    rows: dict[str, tuple[str, str]] = {}
    for line in content.splitlines():
        row = table_row(line.strip())
        if row:
            cells = split_cell(row[1])
            ctype = cells[0].strip() if len(cells) == 2 else ""
            body = cells[-1].strip().replace("\\|", "|")
            rows[row[0].lower()] = ("" if ctype == _NO_TYPE else ctype, body)
    return rows


def read_entries(text: str) -> list[CommitEntry]:
    """The recorded commits, in order: the frontmatter list, or the section's rows without it."""
    fm = frontmatter_mapping(text)
    rows = section_rows(text)
    items = fm.get(KEY)
    if items is None:
        return [CommitEntry(h, h, t, s) for h, (t, s) in rows.items()]
    entries = [_entry_from_item(item) for item in (items if isinstance(items, list) else [items])]
    out = []
    for e in entries:
        if e.key is not None and e.key in rows and not e.text:
            e = e.with_details(*rows[e.key])
        out.append(e)
    return out


def mapping_style(entries: Sequence[CommitEntry]) -> bool:
    return any(isinstance(e.raw, dict) for e in entries)


def render_section(entries: Iterable[CommitEntry]) -> str:
    lines = [
        f"| `{e.key}` | {e.type or _NO_TYPE} | {e.text.replace('|', chr(92) + '|')} |\n"
        for e in entries
        if e.key is not None
    ]
    return _HEADER + "".join(lines) if lines else _NONE


def apply_entries(text: str, entries: Sequence[CommitEntry]) -> str:
    """Write `entries` as the `commits:` list and the Commits section; nothing else changes."""
    text = set_frontmatter_keys(text, {KEY: [e.raw for e in entries]})
    return replace_managed_section(text, SECTION, render_section(entries), heading=HEADING)


def record(text: str, commits: Sequence[Commit], *, lookup: Lookup | None = None) -> str:
    """Append the commits not yet listed; the text comes back unchanged when all are there.

    `lookup` (hashes -> commits, e.g. from `git log --no-walk`) fills in the subject of listed
    hashes that have no row yet, so the rendered table is complete.
    """
    entries = read_entries(text)
    if not append_new(entries, commits):
        return text
    return apply_entries(text, fill_details(entries, lookup) if lookup else entries)


def append_new(entries: list[CommitEntry], commits: Sequence[Commit]) -> bool:
    """Append an entry for each commit not listed yet (in the list's style); True if any."""
    style = mapping_style(entries)
    added = False
    for commit in commits:
        if not any(e.matches(commit.sha) for e in entries):
            entries.append(entry_for(commit, mapping_style=style))
            added = True
    return added


def fill_details(entries: list[CommitEntry], lookup: Lookup) -> list[CommitEntry]:
    """Type and subject for entries that only have a hash, from `lookup`."""
    bare = [e.key for e in entries if e.key is not None and not e.text]
    if not bare:
        return entries
    found = lookup(bare)
    out = []
    for e in entries:
        commit = (
            next((c for c in found if e.key and e.matches(c.sha)), None) if not e.text else None
        )
        if commit is not None:
            found_entry = entry_for(commit)
            e = e.with_details(found_entry.type, found_entry.text)
        out.append(e)
    return out


def new_summary(phase: str, plan: str, plan_id: str) -> str:
    """A minimal SUMMARY for a plan that has none yet (recording fills in the commits)."""
    head = set_frontmatter_keys(
        "", {"phase": phase, "plan": plan, "status": "in_progress", KEY: []}
    )
    return head + f"\n# {plan_id} Summary\n"
