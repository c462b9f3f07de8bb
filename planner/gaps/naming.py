"""New plan numbers and file names that follow the phase's own convention.

`26-04-PLAN.md`, `26-06-PLAN.md` -> `26-07-PLAN.md`; `02.1-3-PLAN.md` -> `02.1-4-PLAN.md` (padding
kept); a phase whose plans are only `12-slug-GAP-01-PLAN.md` -> `12-slug-GAP-02-PLAN.md`. Numbers
already used by any PLAN, SUMMARY or plan-level VERIFICATION file are never reused: the next number
is one past the highest, so an existing file is never a target.
"""

from __future__ import annotations

import re

from planner.records import record
from planner.workspace import Phase

_NUMBER_RE = re.compile(r"^(?P<label>(?:[A-Za-z]+-)?)(?P<digits>\d+)$")
_SUFFIXES = ("PLAN.md", "SUMMARY.md", "VERIFICATION.md")


@record
class Naming:
    prefix: str  # file-name prefix before the number: "26-", "12-tier-1-coverage-push-"
    label: str  # "" or "GAP-"
    width: int  # digits, zero-padded
    next: int

    def number(self, offset: int) -> str:
        return f"{self.label}{self.next + offset:0{self.width}d}"

    def file_name(self, offset: int) -> str:
        return f"{self.prefix}{self.number(offset)}-PLAN.md"


def naming(phase: Phase) -> Naming:
    used: dict[str, list[str]] = {}  # label -> digit strings in use
    plan_files: dict[str, str] = {}  # label -> an existing PLAN file name with that label
    for path in phase.documents():
        for suffix in _SUFFIXES:
            number = phase.doc_number(path.name, suffix)
            m = _NUMBER_RE.match(number or "")
            if m:
                used.setdefault(m["label"].upper(), []).append(m["digits"])
                if suffix == "PLAN.md":
                    plan_files.setdefault(m["label"].upper(), path.name)
    label = "" if "" in used or not used else min(used, key=lambda k: (-len(used[k]), k))
    digits = used.get(label, [])
    width = max((len(d) for d in digits), default=2)
    nxt = max((int(d) for d in digits), default=0) + 1
    sample = plan_files.get(label)
    if sample is not None:
        number = phase.doc_number(sample, "PLAN.md") or ""
        prefix = sample[: -len(number + "-PLAN.md")]
        m = _NUMBER_RE.match(number)
        label = m["label"] if m else label  # as the files spell it ("GAP-", not "gap-")
    else:
        prefix = _prefix_without_plans(phase)
    result = Naming(prefix=prefix, label=label, width=width, next=nxt)
    # The name must read back as this plan of this phase; otherwise use the canonical id form.
    if phase.doc_number(result.file_name(0), "PLAN.md") != result.number(0):
        result.prefix = f"{phase.id}-"
    return result


def _prefix_without_plans(phase: Phase) -> str:
    for path in phase.verifications():
        if phase.doc_number(path.name, "VERIFICATION.md") == "":
            return path.name[: -len("VERIFICATION.md")]
    return f"{phase.id}-"
