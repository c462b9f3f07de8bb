"""Re-verification: compare this run with the VERIFICATION.md it replaces; carry overrides forward.

Identity of a must-have across runs: normalized truth text, artifact path, link `from -> to`
(`planner.reports.phase.identity_*`); commands by their text; completeness findings by phrase.

What the previous report says about a must-have, in this order:
1. listed in its `gaps:` (with a status other than verified/passed) -> it was **failing**;
2. else a row of its Observable Truths / Required Artifacts / Key Link tables -> that row's status
   (✓ VERIFIED / WIRED / PASSED -> passing; ✗ / ⚠️ / MISSING / STUB / PARTIAL ... -> failing;
   UNCERTAIN or JUDGED -> neither);
3. else listed in its `human_verification:` -> uncertain (neither);
4. else, only when the report has none of those tables (frontmatter-only reports), "not listed as
   a gap or human item" is all it says: the must-have counts as **passing** if the report has a
   status at all. With tables, a must-have missing from them is new: neither.

Then: a previous failing item that now passes -> gaps_closed; still failing -> gaps_remaining;
previously passing, now failing -> regressions. A previous gap whose must-have is not checked now
(removed from the plans, command not run, now only uncertain) is *not* closed: it goes to
gaps_dropped. A previous completeness gap (missing SUMMARY, file, commit) that is not found again is
closed, because completeness is checked on every run.

The previous status is the previous report's top-level `status:` and nothing else: its own
`re_verification.previous_status` is history, never read as a verdict (a report with
`status: gaps_found` and `re_verification: {previous_status: passed}` is not complete).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from planner.documents.lazyre import lazy_re
from planner.documents.models import Gap, Override, Verification
from planner.errors import Diagnostic, Severity
from planner.reports.phase import (
    ArtifactStatus,
    GapItem,
    LinkStatus,
    PlanCheckResult,
    ReVerificationResult,
    command_failed,
    command_ran,
    identity_artifact,
    identity_command,
    identity_completeness,
    identity_link,
    identity_task,
    identity_truth,
    normalize_text,
    phrase_task,
    truth_verified,
)

CODES = {
    "GSD701": "previous VERIFICATION.md has no status: re-verification compares against its gaps only",
    "GSD702": "previous VERIFICATION.md has no must-have tables: 'previously passing' inferred from gaps",
    "GSD703": "an override carried forward matches no must-have checked in this run",
}


class PrevState(StrEnum):
    PASSING = "passing"
    FAILING = "failing"
    NEITHER = "neither"  # uncertain, judged, or not covered by the previous report


_GAP_NOT_FAILING = {"verified", "passed", "pass", "met", "closed"}
_ARTIFACT_PHRASE = lazy_re(r"^Artifact `(?P<path>[^`]+)`")
_LINK_PHRASE = lazy_re(r"^Key link `(?P<from>[^`]+)` → `(?P<to>[^`]+)`")
_COMMAND_PHRASE = lazy_re(r"^Command `(?P<cmd>.+)` passes$", re.S)
_TASK_PHRASE = lazy_re(r"^Task (?P<n>\d+) of (?P<plan>\S+)\b.*: verification passes$", re.S)
_COMPLETENESS_PHRASE = lazy_re(
    r"^(Plan \S+ has a SUMMARY|File `.+` named in the \S+ SUMMARY exists"
    r"|Commit \S+ cited in the \S+ SUMMARY exists in git|Plan \S+ can be checked\b.*)$",
    re.S,
)


def gap_identity(text: str) -> str:
    """The identity a gap's `truth:` phrase names (our own phrasings first, else a truth)."""
    text = text.strip()
    if m := _ARTIFACT_PHRASE().match(text):
        return identity_artifact(m["path"])
    if m := _LINK_PHRASE().match(text):
        return identity_link(m["from"], m["to"])
    if m := _COMMAND_PHRASE().match(text):
        return identity_command(m["cmd"])
    if m := _TASK_PHRASE().match(text):
        return identity_task(m["plan"], int(m["n"]))
    if _COMPLETENESS_PHRASE().match(text):
        return identity_completeness(text)
    return identity_truth(text)


# ---------------------------------------------------------------------------------------------
# The previous report's body tables

_HEADING = lazy_re(r"^#{2,4}\s+(?P<title>.+?)\s*$")
_CELL_SPLIT = lazy_re(r"(?<!\\)\|")
_SEPARATOR = lazy_re(r"^\|?\s*:?-{2,}")
_FAIL_WORDS = lazy_re(
    r"NOT[_ ]WIRED|UNRESOLVED|FAILED|FAIL\b|MISSING|STUB|PARTIAL|BLOCKED|ORPHANED|✗|❌|⚠|🛑", re.I
)
_NEITHER_WORDS = lazy_re(r"JUDGED|UNCERTAIN|HUMAN|NEEDS|UNKNOWN|SKIPPED", re.I)
_PASS_WORDS = lazy_re(r"VERIFIED|WIRED|PASSED|PASS\b|SATISFIED|✓|✅|✔", re.I)


def classify_status_cell(cell: str) -> PrevState | None:
    if _NEITHER_WORDS().search(cell):
        return PrevState.NEITHER
    if _FAIL_WORDS().search(cell):
        return PrevState.FAILING
    if _PASS_WORDS().search(cell):
        return PrevState.PASSING
    return None


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip().replace("\\|", "|").replace("<br>", " ") for c in _CELL_SPLIT().split(body)]


def _table_kind(title: str) -> str | None:
    t = title.casefold()
    if "truth" in t:
        return "truth"
    if "artifact" in t:
        return "artifact"
    if "link" in t:
        return "link"
    return None


def _row_identity(kind: str, header: list[str], row: list[str]) -> str | None:
    col = {name.casefold(): i for i, name in enumerate(header)}

    def get(*names: str, default: int | None = None) -> str | None:
        for n in names:
            if n in col and col[n] < len(row):
                return row[col[n]]
        return row[default] if default is not None and default < len(row) else None

    if kind == "truth":
        text = get("truth", default=1 if header and header[0].strip() == "#" else 0)
        return identity_truth(text) if text else None
    if kind == "artifact":
        path = get("artifact", "path", "file", default=0)
        return identity_artifact(path) if path else None
    src, dst = get("from", default=0), get("to", default=1)
    return identity_link(src, dst) if src and dst else None


def _header_kind(header: list[str]) -> str | None:
    cols = {h.casefold() for h in header}
    if "truth" in cols:
        return "truth"
    if "artifact" in cols:
        return "artifact"
    return "link" if {"from", "to"} <= cols else None


def parse_previous_tables(body: str) -> dict[str, PrevState]:
    """Identity -> state for every row of the truth, artifact and key-link tables in `body`.

    A table's kind comes from its header row (`Truth`, `Artifact`, `From`/`To` columns), else from
    the section heading above it (deeper headings, such as one per plan, inherit the section's kind).
    """
    states: dict[str, PrevState] = {}
    section: str | None = None
    level = 0
    header: list[str] | None = None
    kind: str | None = None
    for line in body.splitlines():
        if m := _HEADING().match(line):
            depth, found = len(line) - len(line.lstrip("#")), _table_kind(m["title"])
            if found or section is None or depth <= level:
                section, level = found, depth
            header = None
            continue
        if not line.lstrip().startswith("|"):
            header = None  # a table ends at the first line that is not a row
            continue
        if header is None:
            header = _cells(line)
            kind = _header_kind(header) or section
            continue
        if kind is None or _SEPARATOR().match(line.strip()):
            continue
        row = _cells(line)
        status_i = next((i for i, h in enumerate(header) if h.casefold() == "status"), None)
        if status_i is None or status_i >= len(row):
            continue
        ident = _row_identity(kind, header, row)
        state = classify_status_cell(row[status_i])
        if ident and state is not None:
            states.setdefault(ident, state)
    return states


# ---------------------------------------------------------------------------------------------
# Comparison


def _current_states(
    plans: Sequence[PlanCheckResult], gaps: Sequence[GapItem]
) -> tuple[dict[str, str], set[str]]:
    """(identity -> phrase of everything passing now, identities of everything checked now)."""
    passing: dict[str, str] = {}
    checked: set[str] = {g.identity for g in gaps}
    for p in plans:
        for t in p.truths:
            checked.add(identity_truth(t.text))
            if truth_verified(t):
                passing.setdefault(identity_truth(t.text), t.text)
        for a in p.artifacts:
            checked.add(identity_artifact(a.path))
            if a.status is ArtifactStatus.VERIFIED:
                passing.setdefault(identity_artifact(a.path), f"Artifact `{a.path}`")
        for lk in p.links:
            checked.add(identity_link(lk.from_, lk.to))
            if lk.status is LinkStatus.WIRED:
                passing.setdefault(
                    identity_link(lk.from_, lk.to), f"Key link `{lk.from_}` → `{lk.to}`"
                )
        for c in p.commands:
            if command_ran(c):
                checked.add(identity_command(c.command))
                if not command_failed(c):
                    passing.setdefault(identity_command(c.command), f"Command `{c.command}` passes")
        for task in p.tasks:  # run by this verify (or from the ledger with --static)
            ran = [c for c in task.commands if command_ran(c)]
            if ran:
                checked.add(identity_task(p.plan_id, task.index))
                if not any(command_failed(c) for c in ran):
                    passing.setdefault(
                        identity_task(p.plan_id, task.index), phrase_task(p.plan_id, task)
                    )
    return passing, checked


def _previous_state(
    previous: Verification,
    ident: str,
    prev_gaps: dict[str, Gap],
    tables: dict[str, PrevState],
    human: set[str],
) -> PrevState:
    if ident in prev_gaps:
        return PrevState.FAILING
    if ident in tables:
        return tables[ident]
    if ident in human:
        return PrevState.NEITHER
    if not tables and previous.status:
        return PrevState.PASSING
    return PrevState.NEITHER


def compare_with_previous(
    plans: Sequence[PlanCheckResult],
    gaps: Sequence[GapItem],
    previous: Verification,
) -> tuple[ReVerificationResult, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    if not previous.status:
        diags.append(
            Diagnostic(
                code="GSD701",
                severity=Severity.WARNING,
                file=previous.path,
                message=CODES["GSD701"],
                hint="the previous report may lack frontmatter",
            )
        )
    prev_gaps = {
        gap_identity(g.truth): g
        for g in previous.gaps
        if (g.status or "").strip().casefold() not in _GAP_NOT_FAILING
    }
    tables = parse_previous_tables(previous.body)
    if not tables:
        diags.append(
            Diagnostic(
                code="GSD702", severity=Severity.INFO, file=previous.path, message=CODES["GSD702"]
            )
        )
    human = {identity_truth(h.test) for h in previous.human_verification}
    passing_now, checked_now = _current_states(plans, gaps)
    failing_now = {g.identity for g in gaps}

    result = ReVerificationResult(
        previous_status=previous.status or "unknown", previous_score=previous.score
    )
    for g in gaps:
        state = _previous_state(previous, g.identity, prev_gaps, tables, human)
        if state is PrevState.FAILING:
            result.gaps_remaining.append(g.truth)
        elif state is PrevState.PASSING:
            result.regressions.append(g.truth)
    for ident, gap in prev_gaps.items():
        if ident in failing_now:
            continue
        if ident in passing_now or ident.startswith("completeness:"):
            result.gaps_closed.append(gap.truth)
        else:
            result.gaps_dropped.append(gap.truth)
    for ident, phrase in passing_now.items():
        if ident not in prev_gaps and tables.get(ident) is PrevState.FAILING:
            result.gaps_closed.append(phrase)  # failing in the previous tables, not listed as a gap
    diags.extend(_unmatched_overrides(previous.overrides, checked_now, plans, previous.path))
    return result, diags


def _override_keys(plans: Sequence[PlanCheckResult]) -> set[str]:
    keys: set[str] = set()
    for p in plans:
        keys.update(normalize_text(t.text) for t in p.truths)
        keys.update(normalize_text(a.path) for a in p.artifacts)
        keys.update(normalize_text(f"{lk.from_} -> {lk.to}") for lk in p.links)
    return keys


def _unmatched_overrides(
    overrides: Sequence[Override], checked: set[str], plans: Sequence[PlanCheckResult], path: str
) -> list[Diagnostic]:
    keys = _override_keys(plans)
    return [
        Diagnostic(
            code="GSD703",
            severity=Severity.INFO,
            file=path,
            message=f"{CODES['GSD703']}: {o.must_have!r}",
            hint="it is kept in the new report; remove it there if the must-have is gone",
        )
        for o in overrides
        if normalize_text(o.must_have) not in keys and gap_identity(o.must_have) not in checked
    ]


def merge_overrides(previous: Sequence[Override], new: Sequence[Override]) -> list[Override]:
    """Previous overrides carry forward in their order; a new one for the same must-have replaces it."""
    merged: dict[str, Override] = {}
    for o in [*previous, *new]:
        merged[normalize_text(o.must_have)] = o  # a dict keeps the first key's position
    return list(merged.values())
