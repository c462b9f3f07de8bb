"""Key links: resolve both ends, then look for the wiring in the source side.

Ends may be a file path, `path::symbol`, `path symbol()` (a path followed by a name), a dotted
module (`core.database.Base`), or a bare symbol (`test_atom_learning_progression`,
`AtomMetaAgent._record_execution`) found through the symbol index.

Status:
- UNRESOLVED  an end cannot be resolved (not found, ambiguous, outside the project), the pattern
              is invalid (GSD402), or the search timed out / ran out of budget (GSD403/GSD404):
              nothing could be concluded, and that is never counted as wired;
- WIRED       the pattern matches in the source side (inside the symbol's span when `from` is a
              symbol); with no pattern, the source imports or mentions the target;
- PARTIAL     the pattern matches only in the target;
- NOT_WIRED   otherwise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from planner.checks.endpoints import Endpoint, Unresolved, resolve_endpoint
from planner.checks.paths import PathRefused, walk_files
from planner.checks.refscan import NO_MATCH, first_reference
from planner.checks.regexes import BudgetExhausted, Compiled, PatternError, SearchTimeout
from planner.documents.models import KeyLink
from planner.errors import Diagnostic, Severity
from planner.results import Evidence, LinkResult, LinkStatus

if TYPE_CHECKING:
    from planner.checks.engine import CheckContext

CODES = {
    "GSD412": "key link end could not be resolved",
}

DIR_MAX_FILES = 500


class _LinkChecker:
    def __init__(self, link: KeyLink, ctx: CheckContext, plan_path: str, hints: list[str]) -> None:
        self.link, self.ctx, self.plan_path, self.hints = link, ctx, plan_path, hints
        self.diagnostics: list[Diagnostic] = []

    def diag(self, code: str, severity: Severity, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(
                code=code,
                severity=severity,
                message=message,
                file=self.plan_path,
                line=self.link.line,
                hint=hint,
            )
        )

    def result(self, status: LinkStatus, reason: str, evidence: list[Evidence]) -> LinkResult:
        link = self.link
        return LinkResult(
            from_=link.from_,
            to=link.to,
            via=link.via,
            pattern=link.pattern,
            status=status,
            reason=reason,
            evidence=evidence,
        )

    def end(
        self, which: str, raw: str, hints: list[str], base: str | None = None
    ) -> Endpoint | str:
        try:
            return resolve_endpoint(self.ctx, raw, hints, base, lazy=which == "to")
        except PathRefused as refused:
            self.diag("GSD401", Severity.WARNING, f"key link {which} {raw!r}: {refused.reason}")
            return f"{which} {raw!r}: {refused.reason}"
        except Unresolved as exc:
            ambiguous = str(exc).startswith("ambiguous")
            code, severity = (
                ("GSD407", Severity.WARNING) if ambiguous else ("GSD412", Severity.INFO)
            )
            self.diag(code, severity, f"key link {which} {raw!r}: {exc}")
            return f"{which} {raw!r}: {exc}"

    def search(self, compiled: Compiled, ep: Endpoint, whole: bool = False) -> Evidence | None:
        """First match in the endpoint (its symbol's span unless `whole`); may raise timeouts."""
        if ep.is_dir:
            rels = list(walk_files(self.ctx.root, "" if ep.file == "." else ep.file))[
                :DIR_MAX_FILES
            ]
        else:
            rels = [ep.file]
        for rel in rels:
            source = self.ctx.files.get(rel)
            if source is None or source.binary:
                continue
            pos, endpos = 0, len(source.text)
            if ep.symbol is not None and not whole:
                pos, endpos = source.span(ep.symbol.start_line, ep.symbol.end_line)
            hit = self.ctx.regexes.search(compiled, source.text, pos, endpos, key=rel)
            if hit is not None:
                line, text = source.hit(hit.start)
                return Evidence(file=rel, line=line, text=text)
        return None

    def run(self) -> LinkResult:
        link = self.link
        compiled = None
        if link.pattern:
            try:
                compiled = self.ctx.regexes.compile(link.pattern)
            except PatternError as exc:
                self.diag(
                    "GSD402",
                    Severity.ERROR,
                    f"key link pattern {link.pattern!r} is not a valid regex: {exc}",
                    hint="to match text literally escape ( ) [ ] { } . * + ? | with a backslash; "
                    "in YAML prefer single quotes for regexes",
                )
                return self.result(LinkStatus.UNRESOLVED, f"invalid pattern: {exc}", [])
        src = self.end("from", link.from_, self.hints)
        dst_hints = ([src.file] if isinstance(src, Endpoint) else []) + self.hints
        base = None
        if isinstance(src, Endpoint):
            base = src.file if src.is_dir else (src.file.rpartition("/")[0] or ".")
        dst = self.end("to", link.to, dst_hints, base)
        try:
            if isinstance(src, str):
                reason = src if isinstance(dst, Endpoint) else f"{src}; {dst}"
                return self.result(LinkStatus.UNRESOLVED, reason, [])
            if isinstance(dst, str):
                evidence: list[Evidence] = []
                if compiled is not None:
                    hit = self.search(compiled, src)
                    if hit is not None:
                        evidence.append(hit)
                        dst += f"; the pattern does match in {src.label}"
                return self.result(LinkStatus.UNRESOLVED, dst, evidence)
            if compiled is not None:
                return self.with_pattern(compiled, src, dst)
            return self.without_pattern(src, dst)
        except SearchTimeout as exc:
            self.diag(
                "GSD403",
                Severity.WARNING,
                f"key link pattern {link.pattern!r}: {exc}",
                hint="simplify the pattern (nested quantifiers such as (a+)+ backtrack)",
            )
            return self.result(LinkStatus.UNRESOLVED, f"pattern search timed out ({exc})", [])
        except BudgetExhausted as exc:
            self.diag("GSD404", Severity.WARNING, f"key link {link.from_} -> {link.to}: {exc}")
            return self.result(LinkStatus.UNRESOLVED, f"not searched: {exc}", [])

    def with_pattern(self, compiled: Compiled, src: Endpoint, dst: Endpoint) -> LinkResult:
        hit = self.search(compiled, src)
        if hit is not None:
            return self.result(LinkStatus.WIRED, f"pattern found in {src.label}", [hit])
        elsewhere = ""
        if src.symbol is not None:
            outside = self.search(compiled, src, whole=True)
            if outside is not None:
                elsewhere = f" (it matches at {outside.format()}, outside {src.symbol.qualname})"
        target = self.search(compiled, dst)
        if target is not None:
            reason = f"pattern found only in the target {dst.label}, not in {src.label}{elsewhere}"
            return self.result(LinkStatus.PARTIAL, reason, [target])
        reason = f"pattern not found in {src.label}{elsewhere}"
        return self.result(LinkStatus.NOT_WIRED, reason, [])

    def without_pattern(self, src: Endpoint, dst: Endpoint) -> LinkResult:
        reference, names = _reference_pattern(dst)
        hit = None
        if not self._cannot_mention(src, _reference_words(dst)):
            settled, hit = self._settled_reference(src, dst)
            if not settled:
                compiled = self.ctx.regexes.compile(reference, trusted=True)
                hit = self.search(compiled, src)
        if hit is not None:
            return self.result(LinkStatus.WIRED, f"{src.label} references {dst.label}", [hit])
        reason = f"{src.label} does not reference {dst.label} (no import or mention of {names})"
        return self.result(LinkStatus.NOT_WIRED, reason, [])

    def _settled_reference(self, src: Endpoint, dst: Endpoint) -> tuple[bool, Evidence | None]:
        """What searching a file target's reference pattern would find, when refscan can tell
        without compiling it: (True, the evidence or None); (False, None) to run the regex."""
        if src.is_dir or dst.symbol is not None or self.ctx.regexes.remaining <= 0:
            return False, None
        source = self.ctx.files.get(src.file)
        if source is None or source.binary:
            return False, None
        pos, endpos = 0, len(source.text)
        if src.symbol is not None:
            pos, endpos = source.span(src.symbol.start_line, src.symbol.end_line)
        base, stem = _reference_stem(dst)
        if dst.is_dir:
            base = stem  # the pattern has no file-name alternative (A5) for a folder
        start = first_reference(source.text, pos, endpos, stem, base)
        if start is None:
            return False, None
        if start == NO_MATCH:
            return True, None
        line, text = source.hit(start)
        return True, Evidence(file=src.file, line=line, text=text)

    def _cannot_mention(self, src: Endpoint, words: list[str]) -> bool:
        """The source file holds none of the words every alternative of the reference pattern
        spells out: no match is possible, so the pattern is neither compiled nor run. (Not used
        once the regex budget is spent, so that case still reports "not searched".)"""
        if src.is_dir or self.ctx.regexes.remaining <= 0:
            return False
        source = self.ctx.files.get(src.file)
        return source is not None and not any(word in source.text for word in words)


def _reference_stem(dst: Endpoint) -> tuple[str, str]:
    base = dst.file.rstrip("/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if not dst.is_dir and "." in base else base
    if stem in ("__init__", "index", "mod", "main", "lib") and "/" in dst.file:
        stem = dst.file.rsplit("/", 2)[-2]
    return base, stem


def _reference_words(dst: Endpoint) -> list[str]:
    """Literal text each alternative of _reference_pattern(dst) contains (one of these)."""
    if dst.symbol is not None:
        return [dst.symbol.name]
    base, stem = _reference_stem(dst)
    return [stem, base]


def _reference_pattern(dst: Endpoint) -> tuple[str, str]:
    """A regex for "the source imports or names the target", and the names it looks for."""
    if dst.symbol is not None:
        name = dst.symbol.name
        return rf"(?<![\w$]){re.escape(name)}(?![\w$])", repr(name)
    base, stem = _reference_stem(dst)
    word = re.escape(stem)
    alternatives = [
        rf"^[ \t]*(?:from|import|export|use|mod|require|include|\#include|using|package)\b[^\n]*\b{word}\b",
        rf"\bfrom\s+[\"'][^\"'\n]*\b{word}(?:\.\w+)?[\"']",
        rf"(?:require|import)\s*\(\s*[\"'][^\"'\n]*\b{word}(?:\.\w+)?[\"']",
        rf"[\"'][^\"'\n]*/{word}(?:\.\w+)?/?[\"']",
    ]
    if not dst.is_dir:
        alternatives.append(rf"(?<![\w.]){re.escape(base)}\b")
    return "|".join(alternatives), f"{stem!r} or {base!r}"


def check_link(
    link: KeyLink, ctx: CheckContext, plan_path: str, hints: list[str]
) -> tuple[LinkResult, list[Diagnostic]]:
    checker = _LinkChecker(link, ctx, plan_path, hints)
    result = checker.run()
    return result, checker.diagnostics
