"""Lint output: text for people, GitHub workflow commands for CI (JSON is the report's model_dump)."""

from __future__ import annotations

from planner.errors import Diagnostic, Severity
from planner.lint.report import LintReport

_COLORS = {
    Severity.ERROR: "\033[1;31m",
    Severity.WARNING: "\033[1;33m",
    Severity.INFO: "\033[1;34m",
}
_RESET = "\033[0m"


def render_text(report: LintReport, *, color: bool = False) -> str:
    """`file:line:col: severity[CODE]: message (hint: ...)` per finding, then one summary line."""
    lines = []
    for d in report.diagnostics:
        text = d.format() if d.file else "gsd: " + d.format().removeprefix("<input>: ")
        if color:
            label = d.severity.value
            text = text.replace(f" {label}[", f" {_COLORS[d.severity]}{label}{_RESET}[", 1)
        lines.append(text)
    lines.append(summary_line(report))
    return "\n".join(lines)


def summary_line(report: LintReport) -> str:
    files = f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}"
    if not report.files:
        return "gsd lint: nothing to lint"
    parts = []
    if report.unreadable:
        parts.append(f"{report.unreadable} unreadable")
    parts.append(_count(report.errors, "error"))
    parts.append(_count(report.warnings, "warning"))
    return f"gsd lint: {', '.join(parts)} in {files}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def render_github(report: LintReport) -> str:
    """GitHub Actions annotations, one per finding (`::error file=...,line=...::message`)."""
    lines = [_annotation(d) for d in report.diagnostics]
    lines.append(summary_line(report))
    return "\n".join(lines)


def _annotation(d: Diagnostic) -> str:
    command = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(d.severity, "notice")
    props = []
    if d.file:
        props.append(f"file={_prop(d.file)}")
    if d.line is not None:
        props.append(f"line={d.line}")
    if d.col is not None:
        props.append(f"col={d.col}")
    props.append(f"title={_prop(d.code)}")
    message = d.message + (f" (hint: {d.hint})" if d.hint else "")
    return f"::{command} {','.join(props)}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
