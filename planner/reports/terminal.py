"""Terminal output as data: each line is a list of (text, style) parts, so tests check the parts and
`render_rich` only paints them. One line per plan, the failing items under it with their evidence,
and one coloured verdict line last.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.reports.phase import (
    CompletenessFinding,
    PhaseVerification,
    Tally,
    VerificationStatus,
    command_failed,
    command_ran,
    compute_score,
    is_judged,
    plan_status,
)
from planner.results import ArtifactStatus, Evidence, LinkStatus, PlanCheckResult, TruthStatus

Part = tuple[str, str]
Line = list[Part]

OK, FAIL, WARN, DIM, BOLD, PLAIN = "green", "red", "yellow", "dim", "bold", ""
INDENT = "    "
EVIDENCE_INDENT = "        "

_BADGE: dict[VerificationStatus, Part] = {
    VerificationStatus.PASSED: ("✓ passed", OK),
    VerificationStatus.GAPS_FOUND: ("✗ gaps", FAIL),
    VerificationStatus.HUMAN_NEEDED: ("? human", WARN),
    VerificationStatus.NOTHING_TO_CHECK: ("∅ nothing to check", WARN),
}
_VERDICT_STYLE = {
    VerificationStatus.PASSED: "bold green",
    VerificationStatus.GAPS_FOUND: "bold red",
    VerificationStatus.HUMAN_NEEDED: "bold yellow",
    VerificationStatus.NOTHING_TO_CHECK: "bold yellow",
}


def _tally(label: str, t: Tally) -> Part:
    style = DIM if t.total == 0 else (OK if t.verified == t.total else FAIL)
    return (f"{label} {t.text()}", style)


def _item(
    mark: str, style: str, kind: str, name: str, reason: str, evidence: Sequence[Evidence]
) -> list[Line]:
    head: Line = [(INDENT + mark + " ", style), (kind + " ", DIM), (name, PLAIN)]
    if reason:
        head.append((": " + reason, DIM))
    return [head, *([(EVIDENCE_INDENT + ev.format(), DIM)] for ev in evidence[:3])]


def plan_lines(
    result: PlanCheckResult, completeness: Sequence[CompletenessFinding] = ()
) -> list[Line]:
    s = compute_score([result])
    status = plan_status(result, completeness)
    lines: list[Line] = [
        [
            (result.plan_id, BOLD),
            ("  ", PLAIN),
            _BADGE[status],
            ("  ", PLAIN),
            _tally("truths", s.truths),
            ("  ", PLAIN),
            _tally("artifacts", s.artifacts),
            ("  ", PLAIN),
            _tally("links", s.links),
            ("  ", PLAIN),
            _tally("commands", s.commands),
        ]
    ]
    for t in result.truths:
        if t.status in (TruthStatus.FAILED, TruthStatus.PARTIAL):
            mark = "✗" if t.status is TruthStatus.FAILED else "⚠"
            reason = ("judged by agent: " if is_judged(t) else "") + t.reason
            lines += _item(mark, FAIL, "truth", t.text, reason, t.evidence)
        elif t.status is TruthStatus.UNCERTAIN or is_judged(t):
            lines += _item("?", WARN, "truth", t.text, t.reason or "needs a person", t.evidence)
    for a in result.artifacts:
        if a.status is not ArtifactStatus.VERIFIED:
            lines += _item("✗", FAIL, "artifact", a.path, a.reason or a.status.value, a.evidence)
    for lk in result.links:
        if lk.status is not LinkStatus.WIRED:
            lines += _item(
                "✗", FAIL, "link", lk.identity, lk.reason or lk.status.value, lk.evidence
            )
    for c in result.commands:
        if command_ran(c) and command_failed(c):
            exit_ = f" (exit {c.exit_code})" if c.exit_code is not None else ""
            ev = [Evidence(text=x) for x in c.fail_lines[:3]]
            lines += _item("✗", FAIL, "command", c.command, f"{c.status.value}{exit_}", ev)
    for f in completeness:
        if f.plan == result.plan_id:
            ev = [f.evidence] if f.evidence else []
            lines += _item(
                "✗" if f.blocking else "·",
                FAIL if f.blocking else DIM,
                "completeness",
                f.detail,
                "",
                ev,
            )
    return lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def verdict_line(pv: PhaseVerification) -> Line:
    s = pv.score
    style = _VERDICT_STYLE[pv.status]
    if pv.status is VerificationStatus.NOTHING_TO_CHECK:
        return [
            ("nothing to check: no checkable must-haves and no commands ran (not a pass)", style)
        ]
    base = f"{s.text()}"
    if pv.status is VerificationStatus.PASSED:
        return [(f"passed: {base}, {s.commands.text()} commands passed", style)]
    if pv.status is VerificationStatus.HUMAN_NEEDED:
        n = len(pv.human_verification)
        return [(f"human verification needed: {base}, {_plural(n, 'item')} for a person", style)]
    failing = [
        (s.truths.total - s.truths.verified - _uncertain(pv), "truth"),
        (s.artifacts.total - s.artifacts.verified, "artifact"),
        (s.links.total - s.links.verified, "link"),
        (s.commands.total - s.commands.verified, "command"),
        (
            sum(1 for g in pv.gaps if g.kind.value in ("completeness", "diagnostic")),
            "completeness finding",
        ),
    ]
    detail = ", ".join(_plural(n, w) for n, w in failing if n > 0)
    return [(f"gaps found: {base} ({detail} failing)", style)]


def _uncertain(pv: PhaseVerification) -> int:
    """Truths not verified that are not failing either (uncertain, judged pass)."""
    return sum(
        1
        for p in pv.plans
        for t in p.truths
        if t.status is TruthStatus.UNCERTAIN or (t.status is TruthStatus.PASSED and is_judged(t))
    )


def phase_lines(pv: PhaseVerification) -> list[Line]:
    lines: list[Line] = []
    for p in pv.plans:
        lines += plan_lines(p, pv.completeness)
    plan_ids = {p.plan_id for p in pv.plans}
    for f in pv.completeness:
        if f.plan not in plan_ids:
            lines.append(
                [
                    (f"{f.plan}  ", BOLD),
                    ("✗ " if f.blocking else "· ", FAIL if f.blocking else DIM),
                    (f.detail, PLAIN),
                ]
            )
    lines.append(verdict_line(pv))
    return lines


def plain_text(lines: Sequence[Line]) -> str:
    return "\n".join("".join(text for text, _ in line) for line in lines)


def render_rich(lines: Sequence[Line], console: Any = None) -> None:
    """Print the lines with rich (imported here: plain `--json` runs never load it)."""
    from rich.console import Console
    from rich.text import Text

    out = console if console is not None else Console(highlight=False)
    for line in lines:
        out.print(Text.assemble(*line), highlight=False, soft_wrap=True)
