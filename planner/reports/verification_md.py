"""VERIFICATION.md: render a PhaseVerification (frontmatter by yaml.safe_dump, body by template) and
write it so that a re-run with unchanged results leaves the file byte-identical.

Unchanged means: the same verdicts. Much changes on every run without changing a result: the
`verified:` time, command durations, output excerpts and FAIL lines (pytest prints its own
timing; plans echo counts and times), expectation details, ledger times in evidence. So the
file's last line, a results digest (`<!-- gsd:results sha256=R file=F -->`: R over verdict-level
data only -- statuses, identities, exit codes, test counts, expectation statuses, reasons with
timings folded -- F over the file text above the line), decides: same R and an unedited file (F
matches) -> left untouched, the evidence text of the run that wrote it kept. (A file that
re-renders byte for byte with its own `verified:` time is such a file: it is never re-rendered
to find out.)
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from planner.errors import GsdError
from planner.fsutil import atomic_write_text
from planner.reports.phase import (
    PhaseVerification,
    VerificationStatus,
    is_judged,
)
from planner.reports.requirements import RequirementCoverage, RequirementStatus
from planner.reports.symbols import ARTIFACT as _ARTIFACT
from planner.reports.symbols import LINK as _LINK
from planner.reports.symbols import TRUTH as _TRUTH
from planner.reports.templates import md_truncate, template_text
from planner.results import (
    ArtifactResult,
    CommandResult,
    CommandStatus,
    Evidence,
    ExpectationStatus,
    LinkResult,
    TruthResult,
    TruthSource,
    TruthStatus,
)

CODES = {"GSD720": "cannot write the report file"}

TEMPLATE = "VERIFICATION.md.j2"
# Timings inside reasons ("timed out after 300 s" stays: it is the limit, not a measurement of
# this run, but "in 0.12s" and ISO times are): folded before digesting.
_TIMING = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?"
    r"|\b\d+(?:\.\d+)?\s*(?:ms|s|secs?|seconds?)\b"
)
_MARKER = re.compile(
    r"\n<!-- gsd:results sha256=(?P<r>[0-9a-f]{16}) file=(?P<f>[0-9a-f]{16}) -->\n\Z"
)
_VERIFIED_LINE = re.compile(r"^verified:[ \t]*(?P<v>.*?)[ \t]*$", re.M)

# Symbols (seed 000). A judged status is never shown as VERIFIED.
_COMMAND = {
    CommandStatus.PASSED: "✓ passed",
    CommandStatus.FAILED: "✗ failed",
    CommandStatus.TIMED_OUT: "✗ timed out",
    CommandStatus.ERROR: "✗ error (could not run)",
    CommandStatus.SKIPPED: "– skipped",
    CommandStatus.INTERRUPTED: "✗ interrupted",
}
_SEVERITY = {"blocker": "🛑 Blocker", "warning": "⚠️ Warning"}
_IMPACT = {
    "blocker": "Stub: the artifact is not substantive",
    "warning": "Debt marker left in the code",
}


def truth_status_label(t: TruthResult) -> str:
    if is_judged(t):
        return (
            "⚖️ JUDGED PASS (agent, unconfirmed)"
            if t.status is TruthStatus.PASSED
            else f"{_TRUTH[t.status]} (judged by agent)"
        )
    if t.status is TruthStatus.PASSED and t.source is TruthSource.OVERRIDE:
        return "✓ PASSED (override)"
    return _TRUTH[t.status]


def _details(
    reason: str, evidence: list[Evidence], extra: list[str] | None = None, limit: int = 3
) -> str:
    parts = [reason] if reason else []
    # What the reason already says is not repeated ("66 lines<br>66 lines").
    parts += [x for x in extra or [] if x not in reason]
    evidence = [ev for ev in evidence if ev.line or not ev.text or ev.text not in reason]
    parts += [md_truncate(ev.format()) for ev in evidence[:limit]]
    if len(evidence) > limit:
        parts.append(f"(+{len(evidence) - limit} more)")
    return "\n".join(parts) or "—"


def _artifact_row(a: ArtifactResult) -> dict[str, str]:
    extra = [f"{a.lines} lines"] if a.lines is not None else []
    if a.markers:
        extra.append(
            f"{len(a.markers)} marker(s): "
            + ", ".join(f"{m.marker} at {m.line}" for m in a.markers[:5])
        )
    return {
        "path": a.path,
        "expected": a.provides or "exists",
        "status": _ARTIFACT[a.status],
        "details": _details(a.reason, a.evidence, extra),
    }


def _link_row(lk: LinkResult) -> dict[str, str]:
    via = lk.via or (f"pattern `{lk.pattern}`" if lk.pattern else "reference")
    return {
        "from": lk.from_,
        "to": lk.to,
        "via": via,
        "status": _LINK[lk.status],
        "details": _details(lk.reason, lk.evidence),
    }


def _last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""


def command_output_summary(c: CommandResult) -> str:
    parts: list[str] = []
    if c.test_counts:
        tc = c.test_counts
        parts.append(
            f"{tc.runner}: {tc.passed} passed, {tc.failed} failed, {tc.errors} errors, {tc.skipped} skipped"
        )
    for e in c.expectations:
        parts.append(f"expected {e.text!r}: {e.status.value}")
    if c.status is not CommandStatus.PASSED and c.status is not CommandStatus.SKIPPED:
        if c.reason:
            parts.append(c.reason)
        tail = c.fail_lines[:2] or [_last_line(c.output_tail or c.output_head)]
        parts += [md_truncate(x, 160) for x in tail if x and x[:160] not in (c.reason or "")]
    return "\n".join(parts) or "—"


def _command_row(c: CommandResult, plan: str, task: int | None = None) -> dict[str, str]:
    exit_ = (
        str(c.exit_code) if c.exit_code is not None else (f"signal {c.signal}" if c.signal else "—")
    )
    verdict = _COMMAND[c.status]
    if c.status is CommandStatus.PASSED and any(
        e.status is ExpectationStatus.UNMET for e in c.expectations
    ):
        verdict = "✗ failed (expectation unmet)"
    return {
        "command": c.command,
        "plan": plan,
        "task": str(task) if task is not None else "—",
        "verdict": verdict,
        "exit": exit_,
        "duration": f"{c.duration:.1f}s",
        "output": command_output_summary(c),
    }


def _re_verification_line(pv: PhaseVerification) -> str:
    rv = pv.re_verification
    if rv is None:
        return "No — initial verification"
    score = f" ({rv.previous_score})" if rv.previous_score else ""
    closed, remaining, regressed = len(rv.gaps_closed), len(rv.gaps_remaining), len(rv.regressions)
    return (
        f"Yes — previous status {rv.previous_status}{score}; {closed} gap{'' if closed == 1 else 's'} "
        f"closed, {remaining} remaining, {regressed} regression{'' if regressed == 1 else 's'}"
    )


def frontmatter_data(pv: PhaseVerification) -> dict[str, Any]:
    fm: dict[str, Any] = {
        "phase": pv.phase,
        "verified": pv.verified_at,
        "status": pv.status.value,
        "score": pv.score.text(),
    }
    if pv.re_verification is not None:
        r = pv.re_verification
        rv: dict[str, Any] = {
            "previous_status": r.previous_status,
            "previous_score": r.previous_score,
            "gaps_closed": r.gaps_closed,
            "gaps_remaining": r.gaps_remaining,
            "regressions": r.regressions,
        }
        if r.gaps_dropped:
            rv["gaps_dropped"] = r.gaps_dropped
        fm["re_verification"] = rv
    # Explicit keys (DESIGN section 1), not model dumps: fields added to the shared models for the
    # loader (line numbers, titles) must not leak into the file.
    fm["overrides"] = [
        {
            k: v
            for k, v in (
                ("must_have", o.must_have),
                ("reason", o.reason),
                ("accepted_by", o.accepted_by),
                ("accepted_at", o.accepted_at),
            )
            if v is not None
        }
        for o in pv.overrides
    ]
    fm["gaps"] = [
        {
            "truth": g.truth,
            "status": g.status,
            "reason": g.reason,
            "artifacts": [
                {"path": a.path, "issue": a.issue} if a.issue is not None else {"path": a.path}
                for a in g.artifacts
            ],
            "missing": g.missing,
        }
        for g in pv.gaps
    ]
    fm["human_verification"] = [
        {"test": h.test, "expected": h.expected, "why_human": h.why_human}
        for h in pv.human_verification
    ]
    return fm


def frontmatter_yaml(pv: PhaseVerification) -> str:
    # The pure-Python SafeDumper on purpose: libyaml's emitter escapes emoji ("\U0001F6D1") and is
    # not on every install, so the same results would give different bytes on different machines.
    return yaml.safe_dump(
        frontmatter_data(pv),
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
    )


def _context(pv: PhaseVerification) -> dict[str, Any]:
    truths = [(p.plan_id, t) for p in pv.plans for t in p.truths]
    s = pv.score
    return {
        "frontmatter": frontmatter_yaml(pv),
        "pv": pv,
        "title": f"Phase {pv.phase_number}: {pv.phase_name} Verification Report",
        "goal": pv.goal or "_(not given: no goal for this phase in ROADMAP.md)_",
        "re_verification_line": _re_verification_line(pv),
        "truths": [
            {
                "n": i,
                "text": t.text,
                "status": truth_status_label(t),
                "evidence": _details(t.reason, t.evidence),
            }
            for i, (_, t) in enumerate(truths, 1)
        ],
        "score_line": (
            f"{s.text()} ({s.percent()}) — truths {s.truths.text()}, artifacts "
            f"{s.artifacts.text()}, key links {s.links.text()}; commands {s.commands.text()} passed"
            + (f"; {s.judged} truths judged by an agent, not counted" if s.judged else "")
        ),
        "artifacts": [_artifact_row(a) for p in pv.plans for a in p.artifacts],
        "links": [_link_row(lk) for p in pv.plans for lk in p.links],
        "requirements": [_requirement_row(r) for r in pv.requirements],
        "commands": [
            row
            for p in pv.plans
            for row in [
                *(_command_row(c, p.plan_id, t.index) for t in p.tasks for c in t.commands),
                *(_command_row(c, p.plan_id) for c in p.commands),
            ]
        ],
        "anti_patterns": [
            {
                "file": m.file,
                "line": m.line,
                "pattern": f"{m.marker}: {m.text.strip()}",
                "severity": _SEVERITY.get(m.severity, m.severity),
                "impact": _IMPACT.get(m.severity, ""),
            }
            for m in pv.anti_patterns
        ],
        "human": [
            {
                "n": i,
                "title": h.title or md_truncate(h.test.splitlines()[0] if h.test else "", 80),
                "item": h,
            }
            for i, h in enumerate(pv.human_verification, 1)
        ],
        "plans_checked": ", ".join(f"{p.plan_id} ({p.path})" for p in pv.plans) or "none",
        "is_nothing": pv.status is VerificationStatus.NOTHING_TO_CHECK,
        "notes": [f for f in pv.completeness if not f.blocking],
        "diagnostics": [d.format() for p in pv.plans for d in p.diagnostics]
        + [d.format() for d in pv.diagnostics],
    }


_REQUIREMENT_LABEL = {
    RequirementStatus.SATISFIED: "✓ SATISFIED",
    RequirementStatus.NEEDS_HUMAN: "? NEEDS HUMAN",
    RequirementStatus.NOT_CHECKED: "? NOT CHECKED",
    RequirementStatus.UNCLAIMED: "✗ NO PLAN",
    RequirementStatus.BLOCKED: "✗ BLOCKED",
}
_REQUIREMENT_WHY = {
    RequirementStatus.NEEDS_HUMAN: "checks passed; items only a person can check remain",
    RequirementStatus.NOT_CHECKED: "the plans that claim it have nothing checkable",
    RequirementStatus.UNCLAIMED: "ROADMAP assigns it to this phase; no plan claims it",
}


def _requirement_row(r: RequirementCoverage) -> dict[str, str]:
    issues = list(r.blocking) + ([f"and {r.more_blocking} more gaps"] if r.more_blocking else [])
    if r.status in _REQUIREMENT_WHY:
        issues.append(_REQUIREMENT_WHY[r.status])
    if r.overclaimed:
        issues.append(f"SUMMARY of {', '.join(r.claimed_complete_by)} claims it complete")
    return {
        "requirement": f"{r.id}: {r.text}" if r.text else r.id,
        "plans": ", ".join(r.plans) or "—",
        "status": _REQUIREMENT_LABEL[r.status],
        "issue": "; ".join(issues) or "—",
    }


def _stable(text: str | None) -> str:
    return _TIMING.sub("<t>", text or "")


def _truth_reason(t: TruthResult) -> str:
    # A command's or task's reason quotes its output (FAIL lines): the commands are digested.
    if t.source in (TruthSource.COMMAND, TruthSource.TASK):
        return ""
    return _stable(t.reason)


def _command_verdict(c: CommandResult) -> list[Any]:
    """What decides a command's row: never its output, FAIL lines, durations or details, nor
    its reason (it quotes FAIL lines, and a ledger entry read back with --static has none)."""
    counts = c.test_counts.model_dump(mode="json") if c.test_counts else None
    return [
        c.command,
        c.status.value,
        c.exit_code,
        c.signal,
        counts,
        [[e.text, e.status.value] for e in c.expectations],
    ]


def _verdicts(pv: PhaseVerification) -> dict[str, Any]:
    """Verdict-level data only: statuses, identities, exit codes, reasons without timings."""
    plans = [
        {
            "plan": p.plan_id,
            "path": p.path,
            "truths": [
                [t.text, t.status.value, t.source.value, t.judged, _truth_reason(t)]
                for t in p.truths
            ],
            "artifacts": [
                [a.path, a.status.value, _stable(a.reason), a.lines] for a in p.artifacts
            ],
            "links": [[lk.identity, lk.status.value, _stable(lk.reason)] for lk in p.links],
            "commands": [_command_verdict(c) for c in p.commands],
            "tasks": [
                [t.index, t.name, [_command_verdict(c) for c in t.commands]] for t in p.tasks
            ],
            "diagnostics": [
                [d.code, d.severity.value, d.file, d.line, d.message] for d in p.diagnostics
            ],
            "prose": p.prose_must_haves,
        }
        for p in pv.plans
    ]
    return {
        "phase": [pv.phase, pv.phase_number, pv.phase_name, pv.goal, pv.status.value],
        "score": pv.score.model_dump(mode="json"),
        "plans": plans,
        "completeness": [f.model_dump(mode="json") for f in pv.completeness],
        "requirements": [r.model_dump(mode="json") for r in pv.requirements],
        "anti_patterns": [[m.file, m.line, m.marker, m.severity] for m in pv.anti_patterns],
        "gaps": [[g.identity, g.status, g.plan] for g in pv.gaps],
        "human": [[h.test, h.expected, h.why_human] for h in pv.human_verification],
        "re_verification": pv.re_verification.model_dump(mode="json")
        if pv.re_verification
        else None,
        "overrides": [o.model_dump(mode="json") for o in pv.overrides],
        "diagnostics": [
            [d.code, d.severity.value, d.file, d.line, d.message] for d in pv.diagnostics
        ],
        "version": pv.gsd_version,
    }


def results_digest(pv: PhaseVerification) -> str:
    """Digest of the verdicts (see module doc): output excerpts, FAIL lines, expectation details,
    durations and timings in reasons do not count, so a failing command that prints its own
    timing (pytest's `in 0.12s`) does not rewrite the report on every run."""
    data = _verdicts(pv)
    data["_template"] = template_text(TEMPLATE)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _file_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def render_verification(pv: PhaseVerification) -> str:
    from planner.reports.templates import render_template

    text = render_template(TEMPLATE, **_context(pv))
    return f"{text}\n<!-- gsd:results sha256={results_digest(pv)} file={_file_digest(text)} -->\n"


def previous_verified(text: str) -> str | None:
    """The `verified:` value of a report's frontmatter, as written (quotes removed)."""
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    m = _VERIFIED_LINE.search(text, 0, end if end != -1 else len(text))
    return m["v"].strip("'\"") if m and m["v"] else None


def unchanged(old: str, pv: PhaseVerification) -> bool:
    """True when `old` already records these results (so the file must not be touched).

    That is: `old` re-renders byte for byte with its own `verified:` time, or its marker line
    holds these results' digest and the digest of the text above it. The first implies the second
    (a rendering ends with exactly that marker, and the digest leaves out `verified:`), so only
    the marker is read: no YAML dump, no template, where a re-run changed nothing."""
    m = _MARKER.search(old)
    return bool(m and m["r"] == results_digest(pv) and m["f"] == _file_digest(old[: m.start()]))


def write_verification(path: Path, pv: PhaseVerification) -> bool:
    """Write the report atomically; False (file untouched) when the results did not change."""
    path = Path(path)
    try:
        if path.is_file() and unchanged(path.read_text(encoding="utf-8", errors="replace"), pv):
            return False
        return atomic_write_text(path, render_verification(pv))
    except OSError as exc:
        raise GsdError(
            f"{CODES['GSD720']}: {exc.strerror or exc}",
            code="GSD720",
            file=str(path),
            hint="check that the phase folder exists and is writable",
        ) from exc
