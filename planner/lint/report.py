"""The result of a lint run: data first; format.py and `--format json` render it."""

from __future__ import annotations

from dataclasses import field

from planner.datamodel import DataModel, model
from planner.documents.models import DocKind
from planner.errors import Diagnostic, ExitCode, Severity


@model
class LintFile(DataModel):
    path: str
    kind: DocKind
    loaded: bool  # False: the file could not be read as a document at all
    errors: int = 0
    warnings: int = 0


@model
class LintReport(DataModel):
    files: list[LintFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    unreadable: int = 0  # files that could not be loaded, plus references that did not resolve
    exit_code: ExitCode = ExitCode.OK

    @classmethod
    def build(
        cls, files: list[LintFile], diagnostics: list[Diagnostic], unresolved: int
    ) -> LintReport:
        by_file: dict[str, LintFile] = {f.path: f for f in files}
        for d in diagnostics:
            f = by_file.get(d.file or "")
            if f is None:
                continue
            if d.severity is Severity.ERROR:
                f.errors += 1
            elif d.severity is Severity.WARNING:
                f.warnings += 1
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
        unreadable = unresolved + sum(not f.loaded for f in files)
        if unreadable:
            code = ExitCode.BAD_INPUT
        elif errors:
            code = ExitCode.FAILED
        elif not files:
            code = ExitCode.NOTHING_TO_CHECK
        else:
            code = ExitCode.OK
        return cls(
            files=files,
            diagnostics=diagnostics,
            errors=errors,
            warnings=warnings,
            unreadable=unreadable,
            exit_code=code,
        )
