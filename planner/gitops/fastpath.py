"""Recording into a SUMMARY the hook wrote itself, without loading YAML.

Most plan commits land in a SUMMARY whose bytes are exactly what the hook wrote last time: the
hook keeps their hash in `.planning/.gsd/hooks-cache`. Such a file was fully checked then (parsed
by the real YAML loader, edited by `set_frontmatter_keys`), and its `commits:` block is gsd's
plain list, so the new hash is appended as text. The result is byte-identical to the YAML path's
(tests compare both). Any other file (edited since, mapping-style lists, hashes without a row)
takes the YAML path, so yaml is imported only when a person or an agent touched the SUMMARY.
"""

from __future__ import annotations

import os
import zlib

from planner.documents.edit import key_block_span, newline_of, replace_managed_section
from planner.gitops.commits import Commit
from planner.gitops.record import (
    HEADING,
    KEY,
    SECTION,
    CommitEntry,
    append_new,
    render_section,
    section_rows,
)

TYPE_CHECKING = False  # no typing at run time (hook path); mypy reads this as true
if TYPE_CHECKING:
    from collections.abc import Sequence

CACHE_NAME = "hooks-cache"
_LOWER_HEX = frozenset("0123456789abcdef")
_DIGITS = frozenset("0123456789")


def listed_hash(item: str) -> str | None:
    """The hash of an item gsd writes: `^  - (?:([0-9a-f]{7,40})|'([0-9a-f]{7,40})')$` (no `re` on
    the hook's path; tests hold the two equal)."""
    value = item.removesuffix("\n").removeprefix("  - ")  # `$` also matches before a final \n
    if len(value) == len(item.removesuffix("\n")):
        return None
    if value[:1] == "'":
        value = value[1:-1] if len(value) > 1 and value.endswith("'") else ""
    return value if 7 <= len(value) <= 40 and _LOWER_HEX.issuperset(value) else None


def yaml_number(s: str) -> bool:
    """Whether YAML 1.1 reads `s` as a number (decimal, octal, binary), so a dump quotes it:
    `0|[1-9][0-9]*|0[0-7]+|0b[01]+` as a full match."""
    if s[:1] in ("1", "2", "3", "4", "5", "6", "7", "8", "9"):
        return _DIGITS.issuperset(s)
    if s.startswith("0b"):
        return len(s) > 2 and set(s[2:]) <= {"0", "1"}
    return s[:1] == "0" and set(s[1:]) <= set("01234567")


def scalar(short: str) -> str:
    """A hex hash as `yaml.safe_dump` writes it."""
    return f"'{short}'" if yaml_number(short) else short


def record_fast(text: str, commits: Sequence[Commit]) -> str | None:
    """`record(text, commits)` done as text; None when the text is not in gsd's plain form."""
    span = key_block_span(text, KEY)
    if span is None:
        return None
    nl = newline_of(text)
    head, *items = text[span[0] : span[1]].removesuffix(nl).split(nl)
    if head not in (f"{KEY}:", f"{KEY}: []") or (head.endswith("[]") and items):
        return None
    hashes = []
    for item in items:
        listed = listed_hash(item)
        if listed is None:
            return None
        hashes.append(listed)
    rows = section_rows(text)
    entries = [CommitEntry(h, h, *rows.get(h, ("", ""))) for h in hashes]
    if not append_new(entries, commits):
        return text
    if any(not e.text for e in entries):
        return None  # a hash without its row: the YAML path asks git for the subject
    new = entries[len(items) :]  # the listed items keep their bytes: YAML would dump them so
    block = nl.join([f"{KEY}:", *items, *(f"  - {scalar(str(e.key))}" for e in new)]) + nl
    text = text[: span[0]] + block + text[span[1] :]
    return replace_managed_section(text, SECTION, render_section(entries), heading=HEADING)


def content_key(text: str) -> str:
    # CRC-32 and length, not hashlib: loading OpenSSL costs more than the whole fast path saves.
    # A collision only sends an edited file down this path, whose edit is still exact.
    data = text.encode("utf-8")
    return f"{len(data):x}-{zlib.crc32(data):08x}"


class Trust:
    """The SUMMARYs whose current bytes the hook wrote itself (relative path -> content key).

    A lost or torn cache only costs speed: an unknown file takes the YAML path.
    """

    def __init__(self, gsd_dir: str) -> None:
        self.path = os.path.join(gsd_dir, CACHE_NAME)
        self.keys: dict[str, str] = {}
        try:
            with open(self.path, encoding="utf-8") as fh:
                for line in fh:
                    key, _, rel = line.rstrip("\n").partition(" ")
                    if rel:
                        self.keys[rel] = key
        except (OSError, UnicodeDecodeError):
            pass

    def trusts(self, rel: str, text: str) -> bool:
        return self.keys.get(rel) == content_key(text)

    def remember(self, rel: str, text: str) -> None:
        self.keys[rel] = content_key(text)
        try:
            with open(self.path, "w", encoding="utf-8") as fh:
                fh.writelines(f"{key} {name}\n" for name, key in sorted(self.keys.items()))
        except OSError:
            pass
