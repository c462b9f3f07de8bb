"""The plan a commit's reference names, found without loading the workspace (hook path).

`Workspace.resolve_plan` answers this for every command, but importing `planner.workspace` costs
the hook pathlib, dataclasses and `re` (half its time on a commit that names a plan). This module
follows the same rules for references written as ids (`26-04`, `12-GAP-01`, the folder or file
name): the same phase folders (phases/, milestones/*/, archive/), the same document names, the
same normalisation and alias tiers, an archived plan losing to an active one, with str methods
where the workspace has regexes. It answers only when the workspace returns a plan; anything else
(no match, an ambiguity, a phase, a path, `phase 26`, a name that is not plain ASCII) is None and
the caller asks the workspace, which also words the error. tests/test_gitops_planfind.py checks
both agree over the corpus and generated layouts, and each function against its regex.
"""

from __future__ import annotations

import os

from planner.refsyntax import looks_like_path

PLANNING = ".planning"
PLAN = "PLAN.md"
SUMMARY = "SUMMARY.md"
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LETTERS = _UPPER | frozenset("abcdefghijklmnopqrstuvwxyz")
_UPPER_DIGITS = _UPPER | frozenset("0123456789")


class Decline(Exception):
    """A name this module does not read exactly as the workspace's regexes do (non-ASCII)."""


# The workspace's regexes, done with str methods (no `re` on the hook's path). Each function
# names its pattern; tests/test_gitops_planfind.py holds them equal.


def _digits_end(s: str, at: int) -> int:
    while at < len(s) and s[at].isdecimal():
        at += 1
    return at


def _number_end(s: str, at: int) -> int:
    """Where `\\d+(?:\\.\\d+)*` starting at `at` ends (`at` when it does not match)."""
    end = _digits_end(s, at)
    if end == at:
        return at
    while s[end : end + 1] == "." and _digits_end(s, end + 1) > end + 1:
        end = _digits_end(s, end + 1)
    return end


def split_number(token: str) -> tuple[str, str, str] | None:
    """(int, dec, letter) of `^(?P<int>\\d+)(?P<dec>(?:\\.\\d+)*)(?P<letter>[A-Za-z]?)$`."""
    end = _number_end(token, 0)
    rest = token[end:]
    if not end or not (rest == "" or rest in _LETTERS):
        return None
    first = _digits_end(token, 0)
    return token[:first], token[first:end], rest


def normalize(text: str) -> str:
    """`planner.workspace.normalize`: numeric tokens lose leading zeros, case is folded
    (tokens split on `[-_\\s]+`)."""
    out = []
    for token in text.replace("-", " ").replace("_", " ").split():
        parts = split_number(token)
        if parts:
            token = str(int(parts[0])) + parts[1] + parts[2]
        out.append(token.casefold())
    return "-".join(t for t in out if t)


def parse_phase_dir(name: str) -> tuple[str | None, str] | None:
    """(code, number) of `^(?:phase-)?(?:(?P<code>v\\d+(?:\\.\\d+)*|[A-Z][A-Z0-9]{0,9})-)?
    (?P<num>\\d+(?:\\.\\d+)*[A-Za-z]?)(?:-(?P<slug>.+))?$` on an ASCII name."""
    if not (name.isascii() and name.isprintable()):
        raise Decline(name)
    s = name.removeprefix("phase-")
    code = None
    if s[:1] == "v":  # a milestone, `v1.2`
        end = _number_end(s, 1)
        code = s[:end] if end > 1 and s[end : end + 1] == "-" else None
    elif s[:1] in _UPPER:  # a project code, `CK`
        end = 1
        while end < len(s) and s[end] in _UPPER_DIGITS:
            end += 1
        code = s[:end] if end <= 10 and s[end : end + 1] == "-" else None
    if code is not None:  # (the regex has no other reading: a number never starts with a letter)
        s = s[len(code) + 1 :]
    end = _number_end(s, 0)
    if not end:
        return None
    if s[end : end + 1] in _LETTERS and s[end + 1 : end + 2] in ("", "-"):
        end += 1  # the optional letter, `12A`
    rest = s[end:]
    return (code, s[:end]) if rest == "" or (rest[:1] == "-" and len(rest) > 1) else None


class FoundPlan:
    """A plan as the hook needs it: its id, its SUMMARY path and what a new SUMMARY says."""

    __slots__ = ("archived", "id", "number", "phase_name", "stem", "summary_path")

    def __init__(
        self,
        id: str,
        number: str,
        phase_name: str,
        summary_path: str,
        *,
        archived: bool = False,
        stem: str = "",
    ) -> None:
        self.id = id  # "26-04"
        self.number = number  # "04" ("" for a phase's lone PLAN.md)
        self.phase_name = phase_name  # the phase folder's name: "26-ci-cd-fixes"
        self.summary_path = summary_path  # where the SUMMARY is, or would be written
        self.archived = archived
        self.stem = stem  # the PLAN file's name without "PLAN.md" (its tier-2 alias)

    def __repr__(self) -> str:
        return f"FoundPlan({self.id!r}, {self.summary_path!r})"


class _Phase:
    __slots__ = ("archived", "code", "dir", "id", "key", "name", "number")

    def __init__(self, path: str, code: str | None, number: str, archived: bool) -> None:
        self.dir = path
        self.name = os.path.basename(path)
        self.number = number
        self.code = code
        self.archived = archived
        self.id = f"{code}-{number}" if code else number
        self.key = normalize(self.id)

    def plans(self) -> list[FoundPlan]:
        try:
            names = sorted(e.name for e in os.scandir(self.dir) if e.is_file())
        except OSError:
            names = []
        plans = []
        for name in names:
            if name != PLAN and not name.endswith("-" + PLAN):
                continue
            if not (name.isascii() and name.isprintable()):
                raise Decline(name)
            body = name[: -len(PLAN)].rstrip("-")
            number = body[self._prefix_end(body) :]
            summary = os.path.join(self.dir, name[: -len(PLAN)] + SUMMARY)
            plan_id = f"{self.id}-{number}" if number else self.id
            stem = name[: -len(PLAN)]
            plans.append(
                FoundPlan(plan_id, number, self.name, summary, archived=self.archived, stem=stem)
            )
        return plans

    def _prefix_end(self, body: str) -> int:
        """How much of a document's name is the phase's prefix: the first of `<folder>`,
        `<code>-<number>`, `<number>` (numbers with any zero padding, case ignored) followed by
        `-` or the end, as the workspace's `(?:-|$)` patterns match it (0: none)."""
        low = body.lower()
        heads = [len(self.name)] if low.startswith(self.name.lower()) else []
        if self.code and low.startswith(self.code.lower() + "-"):
            heads.append(self._number_at(low, len(self.code) + 1))
        heads.append(self._number_at(low, 0))
        for end in heads:
            if end >= 0 and low[end : end + 1] in ("", "-"):
                return end + (low[end : end + 1] == "-")
        return 0

    def _number_at(self, low: str, at: int) -> int:
        """Where `0*<int><dec><letter>` (the phase number, any zero padding) ends; -1 if not."""
        parts = split_number(self.number)
        assert parts is not None  # parse_phase_dir read it so
        whole, dec, letter = str(int(parts[0])), parts[1], parts[2].lower()
        zeros = len(low) - len(low[at:].lstrip("0")) - at
        at += zeros - 1 if whole == "0" and zeros else zeros  # `0*0`: the last zero is the int
        tail = whole + dec + letter
        return at + len(tail) if low.startswith(tail, at) else -1


def _subdirs(path: str) -> list[str]:
    try:
        return sorted(e.path for e in os.scandir(path) if e.is_dir())
    except OSError:
        return []


def _phase(path: str, archived: bool) -> _Phase | None:
    parsed = parse_phase_dir(os.path.basename(path))
    return _Phase(path, parsed[0], parsed[1], archived) if parsed else None


def phases(planning: str) -> list[_Phase]:
    """Every phase folder `Workspace.phases()` lists (in no particular order); Decline."""
    found = [ph for d in _subdirs(os.path.join(planning, "phases")) if (ph := _phase(d, False))]
    for base in ("milestones", "archive"):
        for group in _subdirs(os.path.join(planning, base)):
            direct = _phase(group, True) if base == "archive" else None
            if direct:
                found.append(direct)
                continue
            found.extend(ph for d in _subdirs(group) if (ph := _phase(d, True)))
    return found


def find_plan(planning: str, ref: str) -> FoundPlan | None:
    """The plan `Workspace.resolve_plan(ref)` returns, or None when it would not return one
    simply (see the module docstring)."""
    text = ref.strip()
    if not text or not text.isascii() or looks_like_path(text):
        return None
    if text[:5].lower() == "phase" and text[5:].lstrip("-_ \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"):
        return None  # `^phase[-_\\s]*` and more: "phase 26" is a phase, never a plan
    norm = normalize(text)
    try:
        return _find(planning, norm)
    except Decline:
        return None


def _find(planning: str, norm: str) -> FoundPlan | None:
    listed = phases(planning)
    # Tier 1, gsd ids. A plan's id is its phase's id and its number, so only the phases whose
    # key starts `norm` (as whole tokens) can hold a plan with that key.
    hit_phase = any(ph.key == norm for ph in listed)
    plans = [
        p
        for ph in listed
        if norm == ph.key or norm.startswith(ph.key + "-")
        for p in ph.plans()
        if normalize(p.id) == norm
    ]
    if not plans and not hit_phase:  # tier 2, folder and file names
        hit_phase = any(normalize(ph.name) == norm for ph in listed)
        plans = [p for ph in listed for p in ph.plans() if normalize(p.stem) == norm]
    active = [p for p in plans if not p.archived] or plans
    return active[0] if len(active) == 1 else None
