"""The verify commands of a gap task: the checks that failed, or checks derived from must-haves.

Sources, in this order (A first; the union is kept, up to MAX_CHECKS per task):
  A. the owning plan's `{truth, verify}` command; the verify commands of tasks (in any plan of the
     phase) whose done criteria or expectations state the truth (the same matching verify uses);
     `<verification>` commands whose expectations state it;
     for a failed-task gap (`Task 2 of 26-04 (...): verification passes`), the task's commands
     its `missing:` names;
  B. the verify commands of tasks that touch the gap's files (their <files>), and task or
     `<verification>` commands that name one of those files.
A command the run ledger saw pass in its latest run is not a failing check and is left out; one it
saw fail, or never ran, is kept. Commands that cannot fail (`gsd lint` GSD330) and commands that
would not read back unchanged from the new plan are left out too. At most MAX_CHECKS per task.
With nothing left, checks are generated from the must-haves: `test -e`, `grep -qF` for `contains`,
a `python3 -c` line count for `min_lines`, `grep -nw` for `exports`, `grep -nE` for a key link;
only those that fail now are kept (one that already passes cannot show the gap closing, and would
let verify count the gap's truth as met).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import regex

from planner.checks.truths import matching_tasks, states_truth
from planner.documents.models import ExpectationKind, VerifyCommand
from planner.documents.verifyblock import split_verify
from planner.gaps.context import Existing, PathCleaner
from planner.gaps.model import CheckSource, GapCheck, OpenGap
from planner.results import CommandStatus

MAX_CHECKS = 6
_FAILING = frozenset({CommandStatus.FAILED, CommandStatus.TIMED_OUT, CommandStatus.ERROR})
_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")  # would be read as plan structure inside <task>
_IDENT = re.compile(r"^[A-Za-z_][\w]*$")
_PCRE_ONLY = re.compile(r"\(\?|[*+?}]\?|\\[dDhHKRXzZAG]")
_PATH_LIKE = re.compile(r"/|\.\w{1,8}$")
_MIN_LINES_PY = (
    "import sys; p, n = sys.argv[1], int(sys.argv[2]); "
    'k = len(open(p, encoding="utf-8", errors="replace").read().splitlines()); '
    'print(("PASS" if k >= n else "FAIL") + f": {p} has {k} lines (min_lines {n})")'
)
_CONTAINS_PY = (
    "import sys; p, s = sys.argv[1], sys.argv[2]; "
    'ok = s in open(p, encoding="utf-8", errors="replace").read(); '
    'print(("PASS: " if ok else "FAIL: ") + p + (" contains " if ok else " lacks ") + repr(s))'
)


def verify_text(checks: Iterable[GapCheck]) -> str:
    """The body of a task's <verify>: each command in <automated>, its expectations after it."""
    lines: list[str] = []
    for check in checks:
        lines.append(f"<automated>{check.command}</automated>")
        lines += [f"{kind}: {text}" for kind, text in check.expectations]
    return "\n".join(lines)


def choose_checks(
    gap: OpenGap, existing: list[Existing], cleaner: PathCleaner
) -> tuple[list[GapCheck], list[str]]:
    """(checks for the gap's task, commands left out with the reason)."""
    left_out: list[str] = []
    tier_a = _tier_a(gap, existing)
    # A failed task's own commands are its checks; other commands on its files would be noise.
    own = any(c.origin == f"{gap.task_plan} task {gap.task_index}" for c in tier_a)
    tier_b = [] if gap.task_plan and own else _tier_b(gap, existing, cleaner)
    kept = _usable(tier_a + tier_b, left_out)
    return kept[:MAX_CHECKS], left_out


def _candidate(
    cmd: VerifyCommand, source: CheckSource, origin: str, status: CommandStatus | None
) -> GapCheck:
    kinds = {ExpectationKind.EXPECTED: "Expected", ExpectationKind.CHECK: "Check"}
    return GapCheck(
        command=cmd.text,
        expectations=[(kinds[e.kind], " ".join(e.text.split())) for e in cmd.expectations],
        source=source,
        origin=origin,
        last_status=status.value if status else None,
    )


def _tier_a(gap: OpenGap, existing: list[Existing]) -> list[GapCheck]:
    out: list[GapCheck] = []
    if gap.truth_verify:
        owner = next((e for e in existing if e.ref.id in gap.owners), None)
        cmds = split_verify(gap.truth_verify).commands or [VerifyCommand(text=gap.truth_verify)]
        for cmd in cmds:
            status = owner.plan_status.get(cmd.text) if owner else None
            out.append(_candidate(cmd, CheckSource.TRUTH_VERIFY, "owner truth", status))
    out += _failed_task(gap, existing)
    for item in existing:
        if item.plan is None:
            continue
        for task, _said in matching_tasks(gap.truth, item.plan.tasks):
            statuses = item.task_status.get(task.index, {})
            for cmd in task.verify.commands if task.verify else []:
                origin = f"{item.ref.id} task {task.index}"
                out.append(_candidate(cmd, CheckSource.TASK, origin, statuses.get(cmd.text)))
        for cmd in item.plan.verification.commands if item.plan.verification else []:
            if any(states_truth(gap.truth, e.text) for e in cmd.expectations):
                origin = f"{item.ref.id} verification"
                status = item.plan_status.get(cmd.text)
                out.append(_candidate(cmd, CheckSource.VERIFICATION, origin, status))
    return out


def _failed_task(gap: OpenGap, existing: list[Existing]) -> list[GapCheck]:
    """The verify commands of the task a failed-task gap names: those its `missing:` lists (all of
    the task's when it lists none); the ledger's verdicts then drop any that passed since."""
    item = next((e for e in existing if e.ref.id == gap.task_plan and e.plan), None)
    if item is None or item.plan is None:
        return []
    out: list[GapCheck] = []
    for task in item.plan.tasks:
        if task.index != gap.task_index or task.verify is None:
            continue
        statuses = item.task_status.get(task.index, {})
        for cmd in task.verify.commands:
            if gap.failing_commands and cmd.text.strip() not in gap.failing_commands:
                continue
            status = statuses.get(cmd.text)
            if status is CommandStatus.PASSED and cmd.text.strip() in gap.failing_commands:
                # exit 0 in the ledger, failed in the report (a FAIL line, an unmet done line)
                status = None
            origin = f"{item.ref.id} task {task.index}"
            out.append(_candidate(cmd, CheckSource.TASK, origin, status))
    return out


def _tier_b(gap: OpenGap, existing: list[Existing], cleaner: PathCleaner) -> list[GapCheck]:
    files = set(gap.files)
    if not files:
        return []
    out: list[GapCheck] = []
    for item in existing:
        if item.plan is None:
            continue
        for task in item.plan.tasks:
            if task.verify is None:
                continue
            touches = bool(files & {cleaner.clean(f)[0] for f in task.files})
            statuses = item.task_status.get(task.index, {})
            for cmd in task.verify.commands:
                if touches or any(f in cmd.text for f in files):
                    origin = f"{item.ref.id} task {task.index}"
                    out.append(_candidate(cmd, CheckSource.FILES, origin, statuses.get(cmd.text)))
        for cmd in item.plan.verification.commands if item.plan.verification else []:
            if any(f in cmd.text for f in files):
                origin = f"{item.ref.id} verification"
                status = item.plan_status.get(cmd.text)
                out.append(_candidate(cmd, CheckSource.VERIFICATION, origin, status))
    return out


def _usable(candidates: list[GapCheck], left_out: list[str]) -> list[GapCheck]:
    kept: list[GapCheck] = []
    seen: set[str] = set()
    for check in candidates:
        if check.command in seen:
            continue
        seen.add(check.command)
        reason = _unusable(check)
        if reason:
            left_out.append(f"{check.command.splitlines()[0]} ({check.origin}: {reason})")
        else:
            kept.append(check)
    return kept


def _unusable(check: GapCheck) -> str | None:
    if check.last_status == CommandStatus.PASSED.value:
        return "passed in its latest run"
    codes = lint_codes(check.command)
    if "GSD330" in codes:
        return "cannot fail"
    if "GSD331" in codes:
        # `pytest ... | tail -5` passes whatever pytest said; with pipefail the check can fail.
        check.command = f"set -o pipefail; {check.command}"
        check.note = "set -o pipefail added"
    if not survives(check):
        return "cannot be copied into a plan unchanged"
    return None


def can_fail(command: str) -> bool:
    """False when `gsd lint` would call the command one that cannot fail (GSD330)."""
    return "GSD330" not in lint_codes(command)


def lint_codes(command: str) -> set[str]:
    """The codes `gsd lint`'s command rules give this command (GSD330 cannot fail, GSD331 ...)."""
    from planner.documents.models import DocKind, Loaded, Plan, Task, VerifyBlock
    from planner.lint import commands as lint_commands
    from planner.lint.base import LintContext, LintDoc

    task = Task(index=1, verify=VerifyBlock(commands=[VerifyCommand(text=command)]))
    doc = LintDoc(
        path=Path("gap-check"),
        shown="gap-check",
        kind=DocKind.PLAN,
        loaded=Loaded(
            path="gap-check", kind=DocKind.PLAN, doc=Plan(path="gap-check", tasks=[task])
        ),
    )
    return {d.code for d in lint_commands.check(doc, LintContext())}


def survives(check: GapCheck) -> bool:
    """The check reads back from a <verify> block exactly as written (command and expectations)."""
    if _TAG_LIKE.search(check.command) or "</automated>" in check.command:
        return False
    block = split_verify(verify_text([check]))
    if [c.text for c in block.commands] != [check.command]:
        return False
    got = [" ".join(e.text.split()) for e in block.commands[0].expectations]
    return got == [text for _kind, text in check.expectations]


# ---------------------------------------------------------------------------------------------
# Generated checks


class _Project:
    """Reads project files for the "does this check fail now?" test (confined, size-capped)."""

    MAX_BYTES = 5_000_000

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[str, str | None] = {}

    def exists(self, rel: str) -> bool:
        from planner.checks.paths import PathRefused, resolve_inside

        try:
            return resolve_inside(self.root, rel).exists()
        except PathRefused:
            return False

    def text(self, rel: str) -> str | None:
        from planner.checks.paths import PathRefused, resolve_inside

        if rel not in self._texts:
            try:
                with resolve_inside(self.root, rel).open("rb") as fh:
                    data = fh.read(self.MAX_BYTES)
                self._texts[rel] = data.decode("utf-8", errors="replace")
            except (PathRefused, OSError):
                self._texts[rel] = None
        return self._texts[rel]


def _echo(ok: str, bad: str) -> str:
    return f"&& echo {shlex.quote('PASS: ' + ok)} || echo {shlex.quote('FAIL: ' + bad)}"


def artifact_checks(artifact: dict[str, Any], project: _Project) -> list[tuple[GapCheck, bool]]:
    """(check, whether it fails now) for each property of the artifact."""
    path = str(artifact["path"])
    q = shlex.quote(path)
    text = project.text(path)
    out = [
        (f"test -e {q} {_echo(f'{path} exists', f'{path} is missing')}", not project.exists(path))
    ]
    contains = artifact.get("contains") or []
    for item in [contains] if isinstance(contains, str) else contains:
        item = str(item)
        fails = text is None or item not in text
        if "\n" in item:
            out.append((f"python3 -c {shlex.quote(_CONTAINS_PY)} {q} {shlex.quote(item)}", fails))
        else:
            command = f"grep -qF -- {shlex.quote(item)} {q} " + _echo(
                f"{path} contains {item}", f"{path} does not contain {item}"
            )
            out.append((command, fails))
    if artifact.get("min_lines"):
        need = int(artifact["min_lines"])
        fails = text is None or len(text.splitlines()) < need
        out.append((f"python3 -c {shlex.quote(_MIN_LINES_PY)} {q} {need}", fails))
    for name in artifact.get("exports") or []:
        fails = text is None or not re.search(rf"\b{re.escape(str(name))}\b", text)
        out.append((f"grep -nw -- {shlex.quote(str(name))} {q}", fails))
    origin = f"artifact {path}"
    return [(GapCheck(command=c, source=CheckSource.GENERATED, origin=origin), f) for c, f in out]


def link_check(link: dict[str, Any], project: _Project) -> tuple[GapCheck, bool] | None:
    """`grep` the link's pattern in its source file (only when `from` names a file)."""
    source = str(link.get("from") or "").split("::", 1)[0].strip()
    if not source or " " in source or not _PATH_LIKE.search(source):
        return None
    text = project.text(source)
    pattern = link.get("pattern")
    if pattern:
        flag = "-nP" if _PCRE_ONLY.search(str(pattern)) else "-nE"
        command = f"grep {flag} -- {shlex.quote(str(pattern))} {shlex.quote(source)}"
        fails = text is None or not _search(str(pattern), text)
    else:
        target = re.split(r"::|[./]", str(link.get("to") or ""))
        names = [t for t in target if _IDENT.match(t) and t not in ("py", "ts", "js", "rs", "go")]
        if not names:
            return None
        command = f"grep -nw -- {shlex.quote(names[-1])} {shlex.quote(source)}"
        fails = text is None or not re.search(rf"\b{re.escape(names[-1])}\b", text)
    origin = f"key link {link.get('from')} -> {link.get('to')}"
    return GapCheck(command=command, source=CheckSource.GENERATED, origin=origin), fails


def _search(pattern: str, text: str) -> bool:
    try:
        return regex.search(pattern, text, flags=regex.MULTILINE, timeout=1.0) is not None
    except (regex.error, TimeoutError, ValueError, OverflowError, RecursionError):
        return False


def generated_checks(
    artifacts: list[dict[str, Any]], links: list[dict[str, Any]], root: Path
) -> tuple[list[GapCheck], list[str]]:
    """(checks that fail now, checks left out because they already pass).

    A check that passes before any work is done cannot show the gap closing, and a task whose
    only check passes would report the gap's truth as met: such checks are left out.
    """
    project = _Project(root)
    found: list[tuple[GapCheck, bool]] = []
    for artifact in artifacts:
        found += artifact_checks(artifact, project)
    for link in links:
        item = link_check(link, project)
        if item is not None:
            found.append(item)
    kept = [c for c, fails in found if fails and survives(c)]
    passing = [f"{c.command} ({c.origin}: already passes)" for c, fails in found if not fails]
    return kept, passing
