"""Truths: the first source of evidence that applies decides (DESIGN section 5).

1. override  - an override in the previous VERIFICATION.md whose `must_have` equals the truth after
               normalization (case, whitespace, quotes and punctuation folded) -> PASSED;
2. command   - the truth's own `verify:` command result: passed (and no unmet expectation) ->
               PASSED; failed / timed out / error / unmet expectation -> FAILED; not run -> next;
3. task      - tasks that state the truth (below) with results in the ledger: the latest result of
               each of their commands; any failed / timed out / error -> FAILED, else all passed ->
               PASSED; tasks without results -> next;
4. artifact / link - artifacts or links the truth names (a path, a file name, a symbol): any
               MISSING/STUB/FAILED artifact or NOT_WIRED/UNRESOLVED link -> FAILED, else any PARTIAL
               link -> PARTIAL, else PASSED;
5. none      - UNCERTAIN, and a HumanCheck (why_human "no automated evidence").

"States the truth" is decided by planner.checks.truthmatch.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from planner.checks.truthmatch import matching_tasks, normalize, states_truth
from planner.checks.twins import EnginePattern
from planner.documents.models import Plan, Truth
from planner.results import (
    ArtifactResult,
    ArtifactStatus,
    CommandResult,
    CommandStatus,
    Evidence,
    ExpectationStatus,
    HumanCheck,
    LedgerEntry,
    LinkResult,
    LinkStatus,
    TruthResult,
    TruthSource,
    TruthStatus,
)

if TYPE_CHECKING:
    from planner.checks.engine import CheckContext

# The matcher lives in truthmatch; these names stay importable from here (other modules use them).
__all__ = ["check_truth", "matching_tasks", "normalize", "states_truth"]

NO_EVIDENCE = "no automated evidence"

_CAMEL = EnginePattern(r"[a-z][A-Z]", unicode_sensitive=False)
_FAILING = frozenset({CommandStatus.FAILED, CommandStatus.TIMED_OUT, CommandStatus.ERROR})
_BAD_ARTIFACT = frozenset({ArtifactStatus.MISSING, ArtifactStatus.STUB, ArtifactStatus.FAILED})
_BAD_LINK = frozenset({LinkStatus.NOT_WIRED, LinkStatus.UNRESOLVED})


def _latest(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """The last result of each command (entries are in ledger order)."""
    last: dict[str, LedgerEntry] = {}
    for entry in entries:
        last.pop(entry.command, None)
        last[entry.command] = entry
    return list(last.values())


def _command_evidence(result: CommandResult) -> Evidence:
    code = "" if result.exit_code is None else f", exit {result.exit_code}"
    return Evidence(text=f"`{result.command}`: {result.status.value}{code}")


class _TruthChecker:
    def __init__(
        self,
        truth: Truth,
        plan: Plan,
        ctx: CheckContext,
        artifacts: list[ArtifactResult],
        links: list[LinkResult],
    ) -> None:
        self.truth, self.plan, self.ctx = truth, plan, ctx
        self.artifacts, self.links = artifacts, links
        self.notes: list[str] = []

    def result(
        self, status: TruthStatus, source: TruthSource, reason: str, evidence: list[Evidence]
    ) -> TruthResult:
        if self.notes and status is TruthStatus.UNCERTAIN:
            reason = "; ".join([reason, *self.notes])
        return TruthResult(
            text=self.truth.text, status=status, source=source, reason=reason, evidence=evidence
        )

    def run(self) -> TruthResult:
        for step in (self.override, self.command, self.tasks, self.named):
            found = step()
            if found is not None:
                return found
        return self.result(TruthStatus.UNCERTAIN, TruthSource.NONE, NO_EVIDENCE, [])

    def override(self) -> TruthResult | None:
        if not self.ctx.overrides:
            return None
        key = normalize(self.truth.text)
        for item in self.ctx.overrides:
            if normalize(item.must_have) == key:
                who = f" by {item.accepted_by}" if item.accepted_by else ""
                when = f" on {item.accepted_at}" if item.accepted_at else ""
                why = f": {item.reason}" if item.reason else ""
                evidence = [Evidence(text=f"override: {item.must_have}")]
                return self.result(
                    TruthStatus.PASSED,
                    TruthSource.OVERRIDE,
                    f"override accepted{who}{when}{why}",
                    evidence,
                )
        return None

    def command(self) -> TruthResult | None:
        if not self.truth.verify:
            return None
        result = self.ctx.command_results.get(self.truth.text)
        if result is None:
            self.notes.append(f"verify command not run: `{self.truth.verify}`")
            return None
        evidence = [_command_evidence(result)]
        evidence += [Evidence(text=line) for line in result.fail_lines[:3]]
        unmet = [e for e in result.expectations if e.status is ExpectationStatus.UNMET]
        if result.status in _FAILING or unmet:
            why = result.reason or (
                f"expectation not met: {unmet[0].text}" if unmet else result.status.value
            )
            return self.result(
                TruthStatus.FAILED, TruthSource.COMMAND, f"verify command {why}", evidence
            )
        if result.status is CommandStatus.PASSED:
            return self.result(
                TruthStatus.PASSED, TruthSource.COMMAND, "verify command passed", evidence
            )
        self.notes.append(f"verify command {result.status.value}")
        return None

    def tasks(self) -> TruthResult | None:
        matched = matching_tasks(self.truth.text, self.plan.tasks)
        evidence: list[Evidence] = []
        statuses: list[CommandStatus] = []
        named: list[str] = []
        for task, item in matched:
            latest = [
                e
                for e in _latest(self.ctx.task_results.get(task.index, []))
                if e.status is not CommandStatus.SKIPPED
            ]
            if not latest:
                self.notes.append(f"task {task.index} states it but has no result in the ledger")
                continue
            named.append(f"task {task.index}")
            evidence.append(Evidence(text=f"task {task.index} ({task.name}) states: {item}"))
            for entry in latest:
                code = "" if entry.exit_code is None else f", exit {entry.exit_code}"
                when = f" at {entry.started_at}" if entry.started_at else ""
                evidence.append(
                    Evidence(
                        text=f"task {task.index}: `{entry.command}`: {entry.status.value}{code}{when}"
                    )
                )
                statuses.append(entry.status)
        if not statuses:
            return None
        if any(s in _FAILING or s is CommandStatus.INTERRUPTED for s in statuses):
            failed = sum(1 for s in statuses if s is not CommandStatus.PASSED)
            reason = f"{failed} of {len(statuses)} commands of {', '.join(named)} did not pass"
            return self.result(TruthStatus.FAILED, TruthSource.TASK, reason, evidence)
        reason = f"all {len(statuses)} commands of {', '.join(named)} passed"
        return self.result(TruthStatus.PASSED, TruthSource.TASK, reason, evidence)

    def named(self) -> TruthResult | None:
        text = self.truth.text
        evidence: list[Evidence] = []
        bad = partial = 0
        kinds: set[TruthSource] = set()
        for art in self.artifacts:
            if _names(text, _path_names(art.path)):
                kinds.add(TruthSource.ARTIFACT)
                evidence.append(Evidence(text=f"artifact {art.path}: {art.status.value}"))
                bad += art.status in _BAD_ARTIFACT
        for link in self.links:
            if _names(text, _end_names(link.from_) | _end_names(link.to)):
                kinds.add(TruthSource.LINK)
                evidence.append(Evidence(text=f"link {link.identity}: {link.status.value}"))
                bad += link.status in _BAD_LINK
                partial += link.status is LinkStatus.PARTIAL
        if not evidence:
            return None
        source = TruthSource.ARTIFACT if TruthSource.ARTIFACT in kinds else TruthSource.LINK
        if bad:
            return self.result(
                TruthStatus.FAILED, source, f"{bad} named must-have(s) failing", evidence
            )
        if partial:
            return self.result(
                TruthStatus.PARTIAL, source, f"{partial} named link(s) partial", evidence
            )
        return self.result(TruthStatus.PASSED, source, "every named must-have verified", evidence)


# Names of an artifact or link end, asked once per truth of the plan: memoized (pure functions).
@functools.lru_cache(maxsize=4096)
def _path_names(path: str) -> frozenset[str]:
    path = path.strip().strip("`'\"")
    names = {path}
    base = path.rstrip("/").rsplit("/", 1)[-1]
    if "." in base.strip("."):
        names.add(base)
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def _end_names(spec: str) -> frozenset[str]:
    spec = spec.strip().strip("`'\"")
    if spec.endswith("()"):
        spec = spec[:-2]
    if "/" in spec or "::" in spec or " " in spec:
        head = spec.split("::")[0].split()[0] if spec else spec
        names = set(_path_names(head))
        if "::" in spec:
            names.add(spec.split("::", 1)[1])
        return frozenset(names)
    names = {spec}
    last = spec.rsplit(".", 1)[-1]
    if len(last) >= 4 and ("_" in last or _CAMEL.search(last)):
        names.add(last)
    return frozenset(names)


def _mentions(text: str, name: str) -> bool:
    """`name` occurs in `text` as a whole word/path (not inside a longer identifier or path)."""
    at = text.find(name)
    while at != -1:
        before = text[at - 1] if at else " "
        end = at + len(name)
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_/.") and not (after.isalnum() or after == "_"):
            return True
        at = text.find(name, at + 1)
    return False


def _names(text: str, names: frozenset[str]) -> bool:
    # `name in text` first: most names are not in the truth at all (a C test, no call).
    return any(_mentions(text, name) for name in names if name and name in text)


def check_truth(
    truth: Truth,
    plan: Plan,
    ctx: CheckContext,
    artifacts: list[ArtifactResult],
    links: list[LinkResult],
    plan_id: str,
) -> tuple[TruthResult, HumanCheck | None]:
    result = _TruthChecker(truth, plan, ctx, artifacts, links).run()
    human = None
    if result.status is TruthStatus.UNCERTAIN:
        human = HumanCheck(test=truth.text, why_human=NO_EVIDENCE, plan=plan_id)
    return result, human
