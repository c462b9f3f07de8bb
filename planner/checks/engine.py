"""The static must-have check of one plan: artifacts, then key links, then truths.

No command runs here. The verify command runs the commands and passes their results in through
the context (`command_results` for truths' own `verify:`, `task_results` from the ledger); this
module only reads files. One CheckContext serves a whole run, so each file is read once and each
regex compiled once across every plan; `for_plan` gives a plan its own results over the same caches.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import field
from pathlib import Path

from planner.checks.artifacts import check_artifact
from planner.checks.filecache import DEFAULT_MAX_BYTES, FileCache
from planner.checks.keylinks import check_link

# The parsers (planner.checks.lang_python, lang_braces) are imported by the symbol index on the
# first file of their language: a Python-only project never compiles the brace languages' patterns.
from planner.checks.markers import MarkerScan
from planner.checks.paths import PathRefused, clean_spec, project_rel, resolve_inside
from planner.checks.regexes import DEFAULT_BUDGET, DEFAULT_TIMEOUT, RegexRunner
from planner.checks.symbols import SymbolIndex
from planner.checks.truths import check_truth
from planner.documents.models import Override, Plan, Verification
from planner.errors import Diagnostic, Severity
from planner.records import record
from planner.results import (
    CommandResult,
    LedgerEntry,
    PlanCheckResult,
)

CODES = {
    "GSD410": "must-haves are prose only: nothing checkable",
}


def all_codes() -> dict[str, str]:
    """Every diagnostic code the checks emit (GSD400-GSD499), for docs and tests."""
    from planner.checks import artifacts, filecache, keylinks, paths, regexes, symbols

    out: dict[str, str] = {}
    for module in (paths, filecache, regexes, symbols, artifacts, keylinks):
        out.update(module.CODES)
    out.update(CODES)
    return dict(sorted(out.items()))


@record
class CheckContext:
    root: Path
    files: FileCache
    symbols: SymbolIndex
    regexes: RegexRunner
    overrides: list[Override] = field(default_factory=list)
    task_results: dict[int, list[LedgerEntry]] = field(default_factory=dict)
    command_results: dict[str, CommandResult] = field(default_factory=dict)
    # Marker scans by file: shared by every plan of the run, like the file cache.
    marker_scans: dict[str, MarkerScan] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        previous: Verification | None = None,
        task_results: dict[int, list[LedgerEntry]] | None = None,
        command_results: dict[str, CommandResult] | None = None,
        regex_timeout: float = DEFAULT_TIMEOUT,
        regex_budget: float = DEFAULT_BUDGET,
        max_file_bytes: int = DEFAULT_MAX_BYTES,
    ) -> CheckContext:
        root = Path(root).resolve()
        files = FileCache(root, max_bytes=max_file_bytes)
        return cls(
            root=root,
            files=files,
            symbols=SymbolIndex(root, files),
            regexes=RegexRunner(timeout=regex_timeout, budget=regex_budget),
            overrides=list(previous.overrides) if previous else [],
            task_results=dict(task_results or {}),
            command_results=dict(command_results or {}),
        )

    def for_plan(
        self,
        *,
        task_results: dict[int, list[LedgerEntry]] | None = None,
        command_results: dict[str, CommandResult] | None = None,
        overrides: list[Override] | None = None,
    ) -> CheckContext:
        """The same caches (files, symbols, regexes) with one plan's results."""
        return dataclasses.replace(
            self,
            task_results=dict(task_results or {}),
            command_results=dict(command_results or {}),
            overrides=self.overrides if overrides is None else list(overrides),
        )


def plan_hints(plan: Plan, root: Path, symbols: SymbolIndex | None = None) -> list[str]:
    """Files the plan itself points at: where its bare symbols are looked up first.

    With the run's `symbols`, paths are resolved through its per-run memo.
    """
    resolve = symbols.resolve if symbols else functools.partial(resolve_inside, root)
    rel_of = symbols.rel_of if symbols else functools.partial(project_rel, root)
    is_file = symbols.paths.is_file if symbols else Path.is_file
    raw = list(plan.frontmatter.files_modified)
    raw += [a.path for a in plan.must_haves.artifacts]
    for task in plan.tasks:
        raw += task.files
    out: list[str] = []
    for item in raw:
        for part in item.split(","):
            spec = clean_spec(part)
            if not spec or any(ch in spec for ch in "*?["):
                continue
            try:
                real = resolve(spec.split()[0])
            except PathRefused:
                continue
            if is_file(real):
                rel = rel_of(real)
                if rel not in out:
                    out.append(rel)
    return out


def check_plan(plan: Plan, plan_id: str, ctx: CheckContext) -> PlanCheckResult:
    must = plan.must_haves
    result = PlanCheckResult(plan_id=plan_id, path=plan.path, prose_must_haves=list(must.prose))
    diagnostics: list[Diagnostic] = []
    for art in must.artifacts:
        found, diags = check_artifact(art, ctx, plan.path)
        result.artifacts.append(found)
        diagnostics += diags
    hints = plan_hints(plan, ctx.root, ctx.symbols) if must.key_links else []
    for link in must.key_links:
        wired, diags = check_link(link, ctx, plan.path, hints)
        result.links.append(wired)
        diagnostics += diags
    for truth in must.truths:
        verdict, human = check_truth(truth, plan, ctx, result.artifacts, result.links, plan_id)
        result.truths.append(verdict)
        if human is not None:
            result.human.append(human)
    if not must.checkable_count:
        what = f"{len(must.prose)} prose entries" if must.prose else "no must_haves"
        diagnostics.append(
            Diagnostic(
                code="GSD410",
                severity=Severity.WARNING,
                message=f"plan {plan_id} has no checkable must-have ({what})",
                file=plan.path,
                hint="write artifacts as {path: ...} and key links as {from, to, pattern}",
            )
        )
    result.diagnostics = diagnostics
    return result
