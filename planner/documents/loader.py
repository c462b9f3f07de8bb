"""The one document loader: a file on disk -> Plan / Summary / Verification, or diagnostics.

Never raises for bad input. Empty, binary, oversized and unreadable files give `doc=None` and an
error; everything else gives a document plus every diagnostic found on the way (callers refuse to
act on a document whose diagnostics contain an error: see `planner.errors.has_errors`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from planner.documents.frontmatter import FrontmatterResult, read_frontmatter
from planner.documents.models import DocKind, Loaded, Plan
from planner.documents.plan import parse_plan_body
from planner.documents.planmeta import build_plan_frontmatter
from planner.errors import Diagnostic, Severity

CODES = {
    "GSD100": "file cannot be read",
    "GSD101": "file is empty",
    "GSD102": "file is binary (contains NUL bytes)",
    "GSD103": "file is not valid UTF-8 (read with replacement characters)",
    "GSD104": "file too large",
    "GSD105": "UTF-8 byte-order mark removed",
    "GSD115": "plan has no frontmatter (no ids, no must-haves)",
}

MAX_FILE_BYTES = 16 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_BINARY = ("binary file (NUL byte); not a markdown document", "point gsd at the .md document")
_BOM_NOTE = ("UTF-8 byte-order mark removed", "save the file as UTF-8 without BOM")


def guess_kind(name: str) -> DocKind:
    upper = name.upper()
    if upper.endswith("PLAN.MD"):
        return DocKind.PLAN
    if upper.endswith("SUMMARY.MD"):
        return DocKind.SUMMARY
    if upper.endswith("VERIFICATION.MD"):
        return DocKind.VERIFICATION
    return DocKind.OTHER


def _d(
    code: str,
    sev: Severity,
    msg: str,
    file: str,
    line: int | None,
    hint: str,
    col: int | None = None,
) -> Diagnostic:
    return Diagnostic(
        code=code, severity=sev, message=msg, file=file, line=line, col=col, hint=hint
    )


def _unread(path: str, kind: DocKind, code: str, msg: str, line: int | None, hint: str) -> Loaded:
    return Loaded(
        path=path, kind=kind, diagnostics=[_d(code, Severity.ERROR, msg, path, line, hint)]
    )


def load_document(path: Path, kind: DocKind | None = None) -> Loaded:
    """Load `path` as `kind` (guessed from the file name when None)."""
    path = path if isinstance(path, Path) else Path(path)
    shown = str(path)
    kind = kind or guess_kind(path.name)
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return _too_large(shown, kind, size)
            # Ask for the size fstat gave (a read of MAX_FILE_BYTES allocates that much first);
            # a file that grew since is read on, up to the same limit.
            data = fh.read(size + 1)
            if len(data) > size:
                data += fh.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        with contextlib.suppress(OSError):  # the size is reported first, even when unreadable
            size = os.stat(path).st_size
            if size > MAX_FILE_BYTES:
                return _too_large(shown, kind, size)
        msg = f"cannot read file: {exc.strerror or exc}"
        return _unread(shown, kind, "GSD100", msg, None, "check the path and its permissions")
    return load_bytes(data, shown, kind)


def _too_large(path: str, kind: DocKind, size: int) -> Loaded:
    msg = f"file is {size / 1e6:.1f} MB (limit {MAX_FILE_BYTES / 1e6:.0f} MB); not read"
    return _unread(path, kind, "GSD104", msg, None, "split the document")


def load_plan(path: Path) -> Loaded:
    return load_document(path, DocKind.PLAN)


def load_summary(path: Path) -> Loaded:
    return load_document(path, DocKind.SUMMARY)


def load_verification(path: Path) -> Loaded:
    return load_document(path, DocKind.VERIFICATION)


def load_bytes(data: bytes, path: str, kind: DocKind) -> Loaded:
    """Load a document from its bytes (decoding, BOM and binary checks included)."""
    if len(data) > MAX_FILE_BYTES:
        return _unread(path, kind, "GSD104", "file too large; not read", None, "split the document")
    nul = data.find(b"\x00")
    if nul >= 0:
        return _unread(path, kind, "GSD102", _BINARY[0], data.count(b"\n", 0, nul) + 1, _BINARY[1])
    diags: list[Diagnostic] = []
    if data.startswith(_BOM):
        data = data[3:]
        diags.append(_d("GSD105", Severity.INFO, _BOM_NOTE[0], path, 1, _BOM_NOTE[1]))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        msg = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); read with replacement characters"
        diags.append(_d("GSD103", Severity.ERROR, msg, path, line, "save the file as UTF-8", col))
        text = data.decode("utf-8", errors="replace")
    return _load(text, path, kind, diags)


def load_text(text: str, path: str, kind: DocKind) -> Loaded:
    """Load a document already read as text (tests, or files read elsewhere)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return _unread(path, kind, "GSD102", _BINARY[0], line, _BINARY[1])
    diags: list[Diagnostic] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        diags.append(_d("GSD105", Severity.INFO, _BOM_NOTE[0], path, 1, _BOM_NOTE[1]))
    return _load(text, path, kind, diags)


def _load(text: str, path: str, kind: DocKind, diags: list[Diagnostic]) -> Loaded:
    if not text or text.isspace():  # `not text.strip()` without copying the whole text
        sev = Severity.WARNING if kind is DocKind.OTHER else Severity.ERROR
        diags.append(
            _d("GSD101", sev, "file is empty", path, 1, f"write the {kind.value} document")
        )
        return Loaded(path=path, kind=kind, diagnostics=diags)
    fm = read_frontmatter(text, path)
    diags.extend(fm.diagnostics)
    loaded = Loaded(path=path, kind=kind, frontmatter=fm.data)
    # No validation pass here: the builders coerce every field to its declared type (tests check
    # each loaded corpus document with pydantic, `model_validate(model_dump())`).
    if kind is DocKind.PLAN:
        loaded.doc = _plan(fm, path, diags)
    elif kind is DocKind.SUMMARY:
        from planner.documents.summary import build_summary  # each kind's reader when needed

        loaded.doc, more = build_summary(fm, path)
        diags.extend(more)
    elif kind is DocKind.VERIFICATION:
        from planner.documents.verification import build_verification

        loaded.doc, more = build_verification(fm, path)
        diags.extend(more)
    loaded.diagnostics = sorted(diags, key=lambda d: d.line or 0)
    return loaded


def _plan(fm: FrontmatterResult, path: str, diags: list[Diagnostic]) -> Plan:
    pf, more, _present = build_plan_frontmatter(fm)
    diags.extend(more)
    if not fm.has_frontmatter:
        msg = "plan has no frontmatter: no phase/plan ids and no must-haves to check"
        hint = "start the file with a `---` block (phase, plan, must_haves)"
        diags.append(_d("GSD115", Severity.WARNING, msg, path, 1, hint))
    body = parse_plan_body(fm.body, fm.body_line, path)
    diags.extend(body.diagnostics)
    return Plan(
        path=path,
        frontmatter=pf,
        has_frontmatter=fm.has_frontmatter,
        title=body.title,
        objective=body.objective,
        references=body.references,
        tasks=body.tasks,
        verification=body.verification,
        success_criteria=body.success_criteria,
        output=body.output,
        body_line=fm.body_line,
    )
