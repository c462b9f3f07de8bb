"""Tasks: the elements each task type needs, checkpoints in autonomous plans, verify commands.

Required (error) for `<task>` elements; for loose `### Task N:` headings and TDD `<feature>` blocks,
which have no fixed elements, the same findings are warnings.
  auto, tdd:                  name, action, verify, done (or acceptance_criteria)
  checkpoint:human-verify:    how-to-verify (or verify); what-built and resume-signal recommended
  checkpoint:decision:        decision (or name), options; resume-signal recommended
  checkpoint:human-action:    action (or instructions / how-to-do-it / what-to-do); resume-signal
A task whose verify block holds no shell command cannot be checked by `gsd execute` (warning).
"""

from __future__ import annotations

from planner.documents.models import Task, TaskForm
from planner.errors import Diagnostic
from planner.lint.base import ERROR, WARNING, LintDoc

CODES = {
    "GSD310": "task is missing an element its type requires",
    "GSD311": "task is missing a recommended element",
    "GSD312": "task has no verify command gsd can run",
    "GSD313": "checkpoint task in a plan marked autonomous: true",
    "GSD315": "unknown task type",
}

KNOWN_TYPES = frozenset(
    {"auto", "tdd", "checkpoint:human-verify", "checkpoint:decision", "checkpoint:human-action"}
)

# (type, required alternatives, recommended alternatives); each entry: names that satisfy it.
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "auto": (("name", "title"), ("action",), ("verify",), ("done", "acceptance-criteria")),
    "checkpoint:human-verify": (("how-to-verify", "verify"),),
    "checkpoint:decision": (("decision", "name", "title"), ("options",)),
    "checkpoint:human-action": (("action", "instructions", "how-to-do-it", "what-to-do"),),
}
_RECOMMENDED: dict[str, tuple[tuple[str, ...], ...]] = {
    "checkpoint:human-verify": (("what-built", "name", "title"), ("resume-signal",)),
    "checkpoint:decision": (("resume-signal",),),
    "checkpoint:human-action": (("resume-signal",),),
}


def _present(task: Task) -> set[str]:
    names = {k.lower().replace("_", "-") for k, v in task.elements.items() if v and v.strip()}
    if task.name.strip():
        names.add("name")
    if task.action.strip():
        names.add("action")
    if task.done.strip():
        names.add("done")
    if task.acceptance_criteria.strip():
        names.add("acceptance-criteria")
    if task.verify is not None and (task.verify.raw.strip() or task.verify.commands):
        names.add("verify")
    return names


def _label(task: Task) -> str:
    return f"task {task.index}" + (f" ({task.name.strip()[:60]})" if task.name.strip() else "")


def check(doc: LintDoc) -> list[Diagnostic]:
    plan = doc.plan
    if plan is None:
        return []
    out: list[Diagnostic] = []
    autonomous = plan.frontmatter.autonomous is True
    for task in plan.tasks:
        out += _check_task(doc, task, autonomous)
    return out


def _check_task(doc: LintDoc, task: Task, autonomous: bool) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    line = task.line
    kind = task.type.strip().lower() or "auto"
    if kind not in KNOWN_TYPES:
        out.append(
            doc.diag(
                "GSD315",
                WARNING,
                f"{_label(task)} has unknown type {task.type!r}; checked as auto",
                line=line,
                hint="types: " + ", ".join(sorted(KNOWN_TYPES)),
            )
        )
    rules = "auto" if kind not in _REQUIRED else kind
    present = _present(task)
    strict = task.form is TaskForm.XML
    for code, table in (("GSD310", _REQUIRED), ("GSD311", _RECOMMENDED)):
        missing = [alts for alts in table.get(rules, ()) if not present.intersection(alts)]
        if missing:
            severity = ERROR if code == "GSD310" and strict else WARNING
            names = ", ".join(f"<{alts[0]}>" for alts in missing)
            out.append(
                doc.diag(
                    code,
                    severity,
                    f"{_label(task)} [{kind}] has no {names}",
                    line=line,
                    hint=_alternatives_hint(missing),
                )
            )
    if task.is_checkpoint and autonomous:
        out.append(
            doc.diag(
                "GSD313",
                ERROR,
                f"{_label(task)} is a {task.type} but the plan says autonomous: true",
                line=line,
                hint="set `autonomous: false` (a person must act), or make the task auto",
            )
        )
    if not task.is_checkpoint and "verify" in present:
        commands = task.verify.commands if task.verify else []
        if not commands:
            out.append(
                doc.diag(
                    "GSD312",
                    WARNING,
                    f"{_label(task)} has a verify block with no command gsd can run",
                    line=(task.verify.line if task.verify and task.verify.line else line),
                    hint="put the check on its own line as a shell command, "
                    "or in <automated>cmd</automated>",
                )
            )
    return out


def _alternatives_hint(missing: list[tuple[str, ...]]) -> str:
    parts = []
    for alts in missing:
        if len(alts) == 1:
            parts.append(f"<{alts[0]}>...</{alts[0]}>")
        else:
            parts.append(" or ".join(f"<{a}>" for a in alts))
    return "add " + "; ".join(parts)
