"""Artifact checks: existence, min_lines, contains, exports, debt/stub markers.

Status, first rule that applies:
- FAILED  the path leaves the project (refused, never read) or cannot be read;
- MISSING nothing exists at the path (for a glob: nothing matches);
- FAILED  a `contains` string or an `exports` name is absent;
- STUB    the file is a stub (markers.stub_reason: empty, half its functions placeholders, or
          short of min_lines with markers);
- FAILED  fewer lines than `min_lines`;
- VERIFIED.
Directories (and globs) exist when present (match); their `contains`/`exports` are satisfied by
any file under them and `min_lines` counts all their lines (at most DIR_MAX_FILES files are read,
the rest is reported). Markers are scanned for single files only; stub bodies are looked for in
files up to the symbol index's size cap (1 MB), line markers in every file.
Export names that are prose ("main entrypoint") are not symbols: they are listed as unchecked
(GSD409) and neither pass nor fail the artifact.
"""

from __future__ import annotations

import glob as globlib
from typing import TYPE_CHECKING

from planner.checks.decls import language_of
from planner.checks.filecache import SourceFile, clip
from planner.checks.markers import STUB_MARKERS, could_have_stubs, scan_markers, stub_reason
from planner.checks.paths import PathRefused, clean_spec, walk_files
from planner.checks.twins import EnginePattern
from planner.documents.models import Artifact
from planner.errors import Diagnostic, Severity
from planner.results import ArtifactResult, ArtifactStatus, Evidence, MarkerHit

if TYPE_CHECKING:
    from planner.checks.engine import CheckContext

CODES = {
    "GSD409": "export name is prose, not a symbol: not checked",
    "GSD411": "directory artifact has more files than are checked",
}

DIR_MAX_FILES = 500
_SYMBOL_NAME = EnginePattern(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*", unicode_sensitive=True)


class _Checker:
    def __init__(self, art: Artifact, ctx: CheckContext, plan_path: str) -> None:
        self.art, self.ctx, self.plan_path = art, ctx, plan_path
        self.diagnostics: list[Diagnostic] = []
        self.evidence: list[Evidence] = []
        self.failures: list[str] = []

    def diag(self, code: str, severity: Severity, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(
                code=code,
                severity=severity,
                message=message,
                file=self.plan_path,
                line=self.art.line,
                hint=hint,
            )
        )

    def result(
        self,
        status: ArtifactStatus,
        reason: str,
        markers: list[MarkerHit] | None = None,
        lines: int | None = None,
    ) -> ArtifactResult:
        return ArtifactResult(
            path=self.art.path,
            provides=self.art.provides,
            status=status,
            reason=reason,
            evidence=self.evidence,
            markers=markers or [],
            lines=lines,
        )

    # -- entry -------------------------------------------------------------------------------

    def run(self) -> ArtifactResult:
        spec = clean_spec(self.art.path)
        if any(ch in spec for ch in "*?["):
            return self.check_glob(spec)
        root = self.ctx.root
        try:
            real = self.ctx.symbols.resolve(spec)
        except PathRefused as refused:
            self.diag("GSD401", Severity.WARNING, f"artifact {self.art.path!r}: {refused.reason}")
            self.evidence.append(Evidence(text=f"{self.art.path}: refused, not read"))
            return self.result(ArtifactStatus.FAILED, refused.reason)
        paths = self.ctx.symbols.paths
        if not paths.exists(real) and " " in spec:
            # "src/app.py (new)": the path is the first word, the rest is a note.
            head = spec.split()[0]
            try:
                alt = self.ctx.symbols.resolve(head)
            except PathRefused:
                alt = None
            if alt is not None and paths.exists(alt):
                real = alt
        if not paths.exists(real):
            rel = spec
            self.evidence.append(Evidence(file=rel, text="not found"))
            return self.result(ArtifactStatus.MISSING, "no such file or directory")
        rel = self.ctx.symbols.rel_of(real)
        if paths.is_dir(real):
            files = list(walk_files(root, "" if rel == "." else rel))
            return self.check_many(rel, files, f"directory, {len(files)} files")
        return self.check_file(rel)

    # -- one file ----------------------------------------------------------------------------

    def check_file(self, rel: str) -> ArtifactResult:
        source = self.ctx.files.get(rel)
        if source is None:
            error = self.ctx.files.error(rel) or "unreadable"
            self.diag("GSD406", Severity.ERROR, f"artifact {rel}: cannot read: {error}")
            self.evidence.append(Evidence(file=rel, text=f"cannot read: {error}"))
            return self.result(ArtifactStatus.FAILED, f"cannot read: {error}")
        if source.truncated:
            self.diag(
                "GSD405",
                Severity.WARNING,
                f"artifact {rel} is {source.size} bytes: only the first "
                f"{self.ctx.files.max_bytes} bytes were checked",
            )
        lines = source.line_count
        art = self.art
        below = art.min_lines is not None and lines < art.min_lines
        if art.min_lines is not None:
            note = f"{lines} lines (min_lines {art.min_lines})"
            self.evidence.append(Evidence(file=rel, text=note))
            if below:
                more = " (file truncated)" if source.truncated else ""
                self.failures.append(f"{lines} lines, min_lines is {art.min_lines}{more}")
        else:
            self.evidence.append(Evidence(file=rel, text=f"exists, {lines} lines"))
        hard = self.check_contains([source]) + self.check_exports([rel])
        # Stub bodies need a parse; a file that cannot hold a stub body (could_have_stubs) is not
        # parsed for them, and a file over the index cap only when its exports were (then the
        # parse is done). Exports alone need no parse here: check_exports settled them, by a
        # scan when one proves the parse's answer (pyscan). So the GSD408 note below, about a
        # parse falling back to declaration patterns, comes only from a parse that was made.
        symbols = None
        small = source.size <= self.ctx.symbols.index_max_bytes
        if (
            (small and could_have_stubs(source.text, language_of(rel)))
            or (self.art.exports and not small)
            or self.ctx.symbols.has_parsed(rel)
        ):
            symbols = self.ctx.symbols.parse(rel)
        if symbols is not None and symbols.note and symbols.note.startswith("syntax error"):
            self.diag("GSD408", Severity.INFO, f"artifact {rel}: {symbols.note}")
        scan = self.ctx.marker_scans.get(rel)
        if scan is None:
            scan = self.ctx.marker_scans[rel] = scan_markers(source, symbols)
        markers = list(scan.hits)
        if scan.total > len(scan.hits):
            markers.append(
                MarkerHit(
                    file=rel,
                    line=scan.hits[-1].line,
                    marker="more",
                    text=f"{scan.total - len(scan.hits)} more markers not listed",
                )
            )
        stub = stub_reason(source, symbols, scan, below)
        if hard:
            return self.result(
                ArtifactStatus.FAILED, "; ".join(self.failures), markers=markers, lines=lines
            )
        if stub:
            blockers = [
                m.model_copy(update={"severity": "blocker"}) if m.marker in STUB_MARKERS else m
                for m in markers
            ]
            reason = "; ".join([f"stub: {stub}", *self.failures])
            return self.result(ArtifactStatus.STUB, reason, markers=blockers, lines=lines)
        if self.failures:
            return self.result(
                ArtifactStatus.FAILED, "; ".join(self.failures), markers=markers, lines=lines
            )
        return self.result(
            ArtifactStatus.VERIFIED, self.summary(lines), markers=markers, lines=lines
        )

    def summary(self, lines: int) -> str:
        parts = [f"{lines} lines"]
        if self.art.contains:
            parts.append(f"contains {len(self.art.contains)}/{len(self.art.contains)}")
        checked = [n for n in self.art.exports if _SYMBOL_NAME.fullmatch(_export_name(n))]
        if checked:
            parts.append(f"exports {len(checked)}/{len(checked)}")
        return "exists, " + ", ".join(parts)

    # -- claims, over one or many files -----------------------------------------------------

    def check_contains(self, sources: list[SourceFile]) -> int:
        failed = 0
        for needle in self.art.contains:
            for source in sources:
                at = source.find(needle)
                if at != -1:
                    line, text = source.hit(at)
                    self.evidence.append(Evidence(file=source.rel, line=line, text=text))
                    break
            else:
                failed += 1
                truncated = any(s.truncated for s in sources)
                more = (
                    " (only the first part of a truncated file was searched)" if truncated else ""
                )
                self.failures.append(f"does not contain {needle!r}{more}")
        return failed

    def check_exports(self, rels: list[str]) -> int:
        failed = 0
        for raw in self.art.exports:
            name = _export_name(raw)
            if not _SYMBOL_NAME.fullmatch(name):
                self.diag(
                    "GSD409",
                    Severity.INFO,
                    f"artifact {self.art.path}: export {raw!r} is not a symbol name; not checked",
                    hint='list identifiers under exports, e.g. exports: ["main"]',
                )
                self.evidence.append(Evidence(text=f"export {raw!r}: prose, not checked"))
                continue
            hit = self._find_export(rels, name)
            if hit is not None:
                self.evidence.append(hit)
                continue
            failed += 1
            declared = self._find_declared(rels, name)
            if declared is not None:
                self.failures.append(f"declares {name!r} at {declared} but does not export it")
            else:
                self.failures.append(f"does not export {name!r}")
        return failed

    def _find_export(self, rels: list[str], name: str) -> Evidence | None:
        for rel in rels:
            line = self.ctx.symbols.export_line(rel, name)
            if line is None:
                continue
            source = self.ctx.files.get(rel)
            text = clip(source.line_text(line)) if source else name
            return Evidence(file=rel, line=line, text=text)
        return None

    def _find_declared(self, rels: list[str], name: str) -> str | None:
        for rel in rels:
            found = self.ctx.symbols.lookup_in_file(rel, name)
            if found:
                return found[0].where
        return None

    def check_many(self, rel: str, files: list[str], what: str) -> ArtifactResult:
        self.evidence.append(Evidence(file=rel, text=what))
        art = self.art
        if art.min_lines is None and not art.contains and not art.exports:
            return self.result(ArtifactStatus.VERIFIED, f"exists ({what})")
        if len(files) > DIR_MAX_FILES:
            self.diag(
                "GSD411",
                Severity.INFO,
                f"artifact {rel}: {len(files)} files; checks read the first {DIR_MAX_FILES}",
            )
            files = files[:DIR_MAX_FILES]
        sources = [s for s in (self.ctx.files.get(f) for f in files) if s and not s.binary]
        lines = sum(s.line_count for s in sources)
        if art.min_lines is not None:
            self.evidence.append(Evidence(file=rel, text=f"{lines} lines in {len(sources)} files"))
            if lines < art.min_lines:
                self.failures.append(
                    f"{lines} lines in all its files, min_lines is {art.min_lines}"
                )
        self.check_contains(sources)
        self.check_exports([s.rel for s in sources])
        if self.failures:
            return self.result(ArtifactStatus.FAILED, "; ".join(self.failures), lines=lines)
        return self.result(ArtifactStatus.VERIFIED, f"exists ({what})", lines=lines)

    def check_glob(self, spec: str) -> ArtifactResult:
        if spec.startswith(("/", "~")) or ".." in spec.split("/"):
            reason = "outside the project (glob leaves the project root)"
            self.diag("GSD401", Severity.WARNING, f"artifact {self.art.path!r}: {reason}")
            self.evidence.append(Evidence(text=f"{self.art.path}: refused, not read"))
            return self.result(ArtifactStatus.FAILED, reason)
        root = self.ctx.root
        matches: list[str] = []
        for found in sorted(globlib.glob(spec, root_dir=root, recursive=True)):
            try:
                real = self.ctx.symbols.resolve(found)
            except PathRefused:
                continue
            if self.ctx.symbols.paths.is_file(real):
                matches.append(self.ctx.symbols.rel_of(real))
        if not matches:
            self.evidence.append(Evidence(file=spec, text="no file matches"))
            return self.result(ArtifactStatus.MISSING, "no file matches the pattern")
        return self.check_many(spec, matches, f"{len(matches)} files match")


def _export_name(raw: str) -> str:
    name = raw.strip().strip("`'\"").strip()
    return name[:-2] if name.endswith("()") else name


def check_artifact(
    art: Artifact, ctx: CheckContext, plan_path: str
) -> tuple[ArtifactResult, list[Diagnostic]]:
    checker = _Checker(art, ctx, plan_path)
    result = checker.run()
    return result, checker.diagnostics
