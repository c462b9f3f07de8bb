"""Phase folders and their documents: how a folder name and a file name give phase and plan ids.

STDLIB ONLY at import time (see planner.workspace). Layouts are listed in planner.workspace's
docstring; `Workspace` finds the folders, `parse_phase_dir` reads one, `Phase` lists its plans.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import field
from pathlib import Path

from planner.records import record

PLANNING = ".planning"

# [phase-][CODE-]NUMBER[-slug]; CODE is a milestone (`v1.2`) or an upper-case project code (`CK`).
_PHASE_DIR_RE = re.compile(
    r"^(?:phase-)?(?:(?P<code>v\d+(?:\.\d+)*|[A-Z][A-Z0-9]{0,9})-)?"
    r"(?P<num>\d+(?:\.\d+)*[A-Za-z]?)(?:-(?P<slug>.+))?$"
)
_NUM_RE = re.compile(r"^(?P<int>\d+)(?P<dec>(?:\.\d+)*)(?P<letter>[A-Za-z]?)$")
_TOKEN_SPLIT_RE = re.compile(r"[-_\s]+")
PHASE_WORD_RE = re.compile(r"^phase[-_\s]*", re.IGNORECASE)
_DOC_SUFFIXES = ("PLAN.md", "SUMMARY.md", "VERIFICATION.md")


@functools.lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Comparison form of an id: numeric tokens lose leading zeros, case is folded.

    `02.1-01` and `2.1-01` are equal; `2` and `21`, `2.1` and `2.10` are not.
    """
    out = []
    for token in _TOKEN_SPLIT_RE.split(text.strip()):
        m = _NUM_RE.match(token)
        if m:
            token = str(int(m["int"])) + m["dec"] + m["letter"]
        out.append(token.casefold())
    return "-".join(t for t in out if t)


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.findall(r"\d+|[^\d]+", text)
    )


def _after_number(text: str, number: str) -> int:
    """Where `text` continues after phase `number` with any zero padding (`002.1-` for `02.1`),
    or -1. Plain string work: a compiled pattern per phase cost more than the listing itself."""
    m = _NUM_RE.match(number)
    if not m:
        return _after_prefix(text, number)
    digits = len(text) - len(text.lstrip("0123456789"))
    if not digits or int(text[:digits]) != int(m["int"]):
        return -1
    rest = m["dec"] + m["letter"]
    if text[digits : digits + len(rest)].casefold() != rest.casefold():
        return -1
    return _after_separator(text, digits + len(rest))


def _after_prefix(text: str, prefix: str) -> int:
    """Where `text` continues after `prefix` (any case) and a `-` or the end, or -1."""
    if text[: len(prefix)].casefold() != prefix.casefold():
        return -1
    return _after_separator(text, len(prefix))


def _after_separator(text: str, at: int) -> int:
    if at == len(text):
        return at
    return at + 1 if text[at] == "-" else -1


def expand_user(text: str | Path) -> Path:
    """`~/x` and `~user/x` expanded; a `~name` naming no user (`feat(~1): ...`) stays as written
    instead of raising RuntimeError."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def is_doc(name: str, suffix: str) -> bool:
    return name == suffix or name.endswith("-" + suffix)


def is_relative_to(path: Path, base: Path) -> bool:
    try:
        path.relative_to(base)
    except ValueError:
        return False
    return True


@record(eq=False)
class PlanRef:
    """One PLAN.md and where its SUMMARY is (or would be written)."""

    id: str  # "26-04", "12-GAP-01", "02.1-01", "v1.2-01-01"; the phase id for PLAN.md
    phase: Phase
    number: str  # "04", "GAP-01", "" for a phase-level PLAN.md
    plan_path: Path
    summary_path: Path

    @property
    def summary_exists(self) -> bool:
        return self.summary_path.is_file()

    @property
    def key(self) -> str:
        return normalize(self.id)

    def __repr__(self) -> str:
        return f"PlanRef({self.id!r}, {str(self.plan_path)!r})"


@record(eq=False)
class Phase:
    dir: Path
    number: str  # as in the folder: "02.1", "12A", "01"
    code: str | None = None  # "v1.2", "CK"
    slug: str = ""
    archived: bool = False
    milestone: str | None = None  # "v1.0" for milestones/v1.0-phases/...
    _plans: list[PlanRef] | None = field(default=None, repr=False)
    _files: list[str] | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        """How gsd names the phase: "26", "02.1", "v1.2-01"."""
        return f"{self.code}-{self.number}" if self.code else self.number

    @property
    def key(self) -> str:
        return normalize(self.id)

    @property
    def name(self) -> str:
        return self.slug.replace("-", " ") if self.slug else self.id

    def sort_key(self) -> tuple[object, ...]:
        m = _NUM_RE.match(self.number)
        assert m is not None  # guaranteed by _PHASE_DIR_RE
        decimals = tuple(int(x) for x in m["dec"].split(".") if x)
        code = (0, ()) if self.code is None else (1, _natural_key(self.code))
        return (code, int(m["int"]), decimals, m["letter"].upper(), self.archived, self.dir.name)

    def refresh(self) -> None:
        self._plans = None
        self._files = None

    def _file_names(self) -> list[str]:
        if self._files is None:
            try:
                self._files = sorted(e.name for e in os.scandir(self.dir) if e.is_file())
            except OSError:
                self._files = []
        return self._files

    def doc_number(self, file_name: str, suffix: str) -> str | None:
        """The plan number a document file carries: `26-04-PLAN.md` -> "04", `PLAN.md` -> ""."""
        if not is_doc(file_name, suffix):
            return None
        body = file_name[: -len(suffix)].rstrip("-")
        if not body:
            return ""
        # How this phase's files may start: `<folder>-`, `<code>-<number>-`, `<number>-`.
        end = _after_prefix(body, self.dir.name)
        if end < 0 and self.code:
            start = _after_prefix(body, self.code)
            if start >= 0:
                end = _after_number(body[start:], self.number)
                end = end + start if end >= 0 else -1
        if end < 0:
            end = _after_number(body, self.number)
        return body[end:] if end >= 0 else body

    def plans(self) -> list[PlanRef]:
        if self._plans is None:
            plans = []
            for name in self._file_names():
                number = self.doc_number(name, "PLAN.md")
                if number is None:
                    continue
                summary = self.dir / (name[: -len("PLAN.md")] + "SUMMARY.md")
                plan_id = f"{self.id}-{number}" if number else self.id
                plans.append(PlanRef(plan_id, self, number, self.dir / name, summary))
            plans.sort(key=lambda p: _natural_key(p.number))
            self._plans = plans
        return self._plans

    def summaries(self) -> list[Path]:
        return [self.dir / n for n in self._file_names() if is_doc(n, "SUMMARY.md")]

    def orphan_summaries(self) -> list[Path]:
        """SUMMARY files that pair with no PLAN in this phase."""
        paired = {p.summary_path.name for p in self.plans()}
        return [p for p in self.summaries() if p.name not in paired]

    def verifications(self) -> list[Path]:
        return [self.dir / n for n in self._file_names() if is_doc(n, "VERIFICATION.md")]

    @property
    def verification_path(self) -> Path | None:
        """The phase's VERIFICATION report if one exists (not a plan-level one)."""
        plan_numbers = {normalize(p.number) for p in self.plans() if p.number}
        ranked = []
        for path in self.verifications():
            number = self.doc_number(path.name, "VERIFICATION.md") or ""
            if number and normalize(number) in plan_numbers:
                continue  # 06-01-VERIFICATION.md belongs to plan 06-01
            preferred = path.name == f"{self.id}-VERIFICATION.md"
            ranked.append((number != "", not preferred, path.name, path))
        return min(ranked)[3] if ranked else None

    @property
    def verification_target(self) -> Path:
        """Where the phase's VERIFICATION report is, or would be written."""
        return self.verification_path or self.dir / f"{self.id}-VERIFICATION.md"

    def documents(self) -> list[Path]:
        """Every PLAN, SUMMARY and VERIFICATION file in the phase folder."""
        return [
            self.dir / n for n in self._file_names() if any(is_doc(n, s) for s in _DOC_SUFFIXES)
        ]

    def __repr__(self) -> str:
        return f"Phase({self.id!r}, {str(self.dir)!r}{', archived' if self.archived else ''})"


def parse_phase_dir(
    path: Path, *, archived: bool = False, milestone: str | None = None
) -> Phase | None:
    m = _PHASE_DIR_RE.match(path.name)
    if not m:
        return None
    return Phase(
        dir=path,
        number=m["num"],
        code=m["code"],
        slug=m["slug"] or "",
        archived=archived,
        milestone=milestone,
    )


def subdirs(path: Path) -> list[Path]:
    try:
        return sorted(Path(e.path) for e in os.scandir(path) if e.is_dir())
    except OSError:
        return []
