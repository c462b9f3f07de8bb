"""Exit codes, diagnostics and the two exception families.

`GsdError` means "your input is wrong" and carries a location, a stable code and a hint; the CLI
boundary turns it into one line and its exit code. Any other exception is a bug in gsd.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from planner.datamodel import DataModel, model


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # checks failed or gaps found
    USAGE = 2
    BAD_INPUT = 3  # unparseable document, unknown reference
    HUMAN_NEEDED = 4  # every automated check passed, a person must look
    NOTHING_TO_CHECK = 5  # never reported as a pass
    INTERNAL = 70  # a bug in gsd (the traceback goes to a log, not the terminal)
    INTERRUPTED = 130


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@model
class Diagnostic(DataModel):
    """One located finding about an input document. Codes are stable: tests and users match them.

    A dataclass (planner.datamodel), so that reporting a diagnostic never imports pydantic.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    hint: str | None = None

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def format(self) -> str:
        text = f"{self.location()}: {self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


class GsdError(Exception):
    """An error in the user's input or environment; never a bug in gsd."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        code: str = "GSD000",
        file: str | None = None,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
        candidates: list[str] | None = None,
        exit_code: ExitCode | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.file = file
        self.line = line
        self.col = col
        self.hint = hint
        self.candidates = candidates or []
        if exit_code is not None:
            self.exit_code = exit_code

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            severity=Severity.ERROR,
            message=self.message,
            file=self.file,
            line=self.line,
            col=self.col,
            hint=self.hint,
        )

    def format(self) -> str:
        text = self.diagnostic().format()
        if self.candidates:
            text += "\n  candidates: " + ", ".join(self.candidates)
        return text


class UsageError(GsdError):
    exit_code = ExitCode.USAGE


class ReferenceError_(GsdError):
    """An unknown or ambiguous plan/phase reference (exit 3, candidates listed)."""

    exit_code = ExitCode.BAD_INPUT


class DocumentError(GsdError):
    """A document that cannot be used at all (the loader's diagnostics say why)."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(
        self, message: str, diagnostics: list[Diagnostic] | None = None, **kw: object
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.diagnostics = diagnostics or []


class Interrupted(Exception):
    """Raised when a run is interrupted (SIGINT/SIGTERM); maps to exit 130."""
