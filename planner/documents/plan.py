"""Read a plan's body: tasks, the objective/verification/success/output blocks, @-references.

Tasks come in three forms: `<task ...>` elements (under `<tasks>` or loose under `## Tasks`), TDD
`<feature>` blocks, and, in plans with neither, `### Task N: ...` headings with `**Files:**`,
`**Action:**`, `**Verify:**`, `**Done:**` labels. Blocks are `<objective>`-style tags or, failing
those, `## Objective`-style headings. Tags inside code fences or inline code are never structure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import field
from typing import Any

from planner.documents.coerce import path_of
from planner.documents.lazyre import lazy_re
from planner.documents.markdown import Body, clean, one_line
from planner.documents.models import Reference, Task, TaskForm, VerifyBlock
from planner.documents.verifyblock import split_verify
from planner.errors import Diagnostic, Severity
from planner.records import record

CODES = {
    "GSD150": "<task> (or <feature>) opened and never closed",
    "GSD151": "element inside a task opened and never closed",
    "GSD152": "plan body has no tasks",
    "GSD153": "task has no name",
    "GSD155": "code fence opened and never closed before its element or the file ends",
}

_SECTIONS = (
    "objective",
    "context",
    "execution_context",
    "verification",
    "success_criteria",
    "output",
)
_TOP_RE = re.compile(
    r"<(/?)(tasks|task|feature|objective|context|execution_context|verification|"
    r"success_criteria|output)(?=[\s>])([^<>\n]*)>"
)
_CHILD_RE = re.compile(r"<([a-z][a-z0-9_-]*)((?:\s[^<>\n]*)?)>")


def _words(text: str) -> list[str]:
    return text.split()


_KNOWN_CHILDREN = frozenset(
    _words(
        """
        name title files action verify automated done acceptance_criteria read_first behavior
        implementation what-built how-to-verify resume-signal
        """
    )
)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TASK_HEADING_RE = lazy_re(r"^Task\s+(\d+)\b\s*[:.·)\-—–]?\s*(.*)$", re.I)
_LABEL_RE = lazy_re(
    r"\*\*(Files?|Action|Changes|Verify|Verification|Done(?: when)?|Acceptance(?: criteria)?)"
    r"\s*:?\s*\*\*\s*:?",
    re.I,
)
_HEADING_SECTIONS = {
    "objective": "objective",
    "goal": "objective",
    "context": "context",
    "verification": "verification",
    "success criteria": "success_criteria",
    "output": "output",
}
_REF_RE = re.compile(r"@([\w.~/][^\s`'\"()<>\[\],;]*)")
_FILE_SPLIT_RE = re.compile(r"[\n,]")
_TITLE_RE = re.compile(r"\n#[ \t]+([^\n]+)")
_TITLE_START_RE = re.compile(r"\n#[ \t]")
_INNER_HEADING_RE = lazy_re(r"^[ \t]*#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)

ErrFn = Callable[[str, Severity, int, str, str], None]


@record
class PlanBody:
    title: str | None = None
    objective: str | None = None
    references: list[Reference] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    verification: VerifyBlock | None = None
    success_criteria: str | None = None
    output: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def parse_plan_body(text: str, first_line: int, file: str) -> PlanBody:
    body = Body.of(text, first_line)
    out = PlanBody()

    def err(code: str, sev: Severity, line: int, msg: str, hint: str) -> None:
        out.diagnostics.append(
            Diagnostic(code=code, severity=sev, message=msg, file=file, line=line, hint=hint)
        )

    for off in body.unclosed:
        err(
            "GSD155",
            Severity.WARNING,
            body.line(off),
            "code fence is never closed before its element ends (or the file ends)",
            "close the ``` fence",
        )
    spans, sections = _scan_top(body, err)
    for kind, open_m, close_at, closed in spans:
        out.tasks.append(_xml_task(body, kind, open_m, close_at, closed, len(out.tasks) + 1, err))
    if not out.tasks:
        out.tasks = _heading_tasks(body)
    if any(name not in sections for name in _HEADING_SECTIONS.values()):
        h_sections = _heading_sections(body)
        for name in _SECTIONS:
            if name not in sections and name in h_sections:
                sections[name] = h_sections[name]
    if "objective" in sections:
        out.objective = clean(text[sections["objective"][0] : sections["objective"][1]])
    for name in ("success_criteria", "output"):
        if name in sections:
            setattr(out, name, clean(text[sections[name][0] : sections[name][1]]))
    if "verification" in sections:
        a, b = sections["verification"]
        out.verification = split_verify(text[a:b], body.line(a))
    for name in ("context", "execution_context"):
        if name in sections:
            out.references.extend(_references(body, *sections[name], name))
    out.references.sort(key=lambda r: r.line or 0)
    out.title = _title(body)
    for task in out.tasks:
        if not task.name and not task.is_checkpoint:  # checkpoints are often unnamed
            err(
                "GSD153",
                Severity.WARNING,
                task.line or first_line,
                f"task {task.index} has no name",
                "add <name>...</name>",
            )
    if not out.tasks:
        err(
            "GSD152",
            Severity.WARNING,
            first_line,
            "no tasks found in the plan body",
            'write tasks as <task type="auto"><name>...</name>...</task>',
        )
    return out


Span = tuple[str, "re.Match[str]", int, bool]  # (kind, opening tag, end offset, closed?)


def _scan_top(body: Body, err: ErrFn) -> tuple[list[Span], dict[str, tuple[int, int]]]:
    """Task spans and the offsets of the tag sections (<objective> ...)."""
    spans: list[Span] = []
    sections: dict[str, tuple[int, int]] = {}
    pending: dict[str, re.Match[str]] = {}
    open_task: re.Match[str] | None = None
    for m in _TOP_RE.finditer(body.text):
        if body.in_code(m.start()):
            continue
        closing, name = m.group(1) == "/", m.group(2)
        if name in ("task", "feature"):
            if not closing:
                if open_task is not None:
                    _unclosed(body, open_task, err)
                    spans.append((open_task.group(2), open_task, m.start(), False))
                open_task = m
            elif open_task is not None and open_task.group(2) == name:
                spans.append((name, open_task, m.start(), True))
                open_task = None
            continue
        if open_task is not None:
            if name == "tasks" and closing:
                _unclosed(body, open_task, err)
                spans.append((open_task.group(2), open_task, m.start(), False))
                open_task = None
            continue
        if name == "tasks":
            continue
        if not closing:
            if name not in sections:
                pending.setdefault(name, m)
        elif name in pending:
            sections[name] = (pending.pop(name).end(), m.start())
    if open_task is not None:
        _unclosed(body, open_task, err)
        spans.append((open_task.group(2), open_task, len(body.text), False))
    return spans, sections


def _unclosed(body: Body, m: re.Match[str], err: ErrFn) -> None:
    name = m.group(2)
    err(
        "GSD150",
        Severity.ERROR,
        body.line(m.start()),
        f"<{name}> opened here is never closed",
        f"add </{name}> after the {name}'s last element",
    )


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR_RE.finditer(text):
        dq, sq, bare = m.group(2, 3, 4)  # exactly one alternative matched
        out[m.group(1)] = dq if dq is not None else sq if sq is not None else bare
    return out


def _files(text: str) -> list[str]:
    out = []
    for part in _FILE_SPLIT_RE.split(text):
        p = part.strip().lstrip("-*+ ").strip()
        if p:
            out.append(path_of(p))
    return out


def _xml_task(
    body: Body, kind: str, open_m: re.Match[str], end: int, closed: bool, index: int, err: ErrFn
) -> Task:
    text = body.text
    start = open_m.end()
    attrs = _attrs(open_m.group(3))
    ttype = attrs.get("type", "tdd" if kind == "feature" else "auto")
    kw: dict[str, Any] = {
        "index": index,
        "attrs": attrs,
        "type": ttype,
        "line": body.line(open_m.start()),
        "form": TaskForm.FEATURE if kind == "feature" else TaskForm.XML,
        "tdd": kind == "feature" or attrs.get("tdd", "").lower() == "true" or ttype == "tdd",
    }
    found: dict[str, tuple[int, int]] = {}
    extra: dict[str, str] = {}
    pos = start
    while True:
        m = _CHILD_RE.search(text, pos, end)
        if m is None:
            break
        name = m.group(1)
        if (
            name not in _KNOWN_CHILDREN and text[body.line_start(m.start()) : m.start()].strip()
        ) or body.in_code(m.start()):
            pos = m.end()
            continue
        close = body.find_close(name, m.end(), end)
        if close < 0:
            if name in _KNOWN_CHILDREN:
                err(
                    "GSD151",
                    Severity.ERROR,
                    body.line(m.start()),
                    f"<{name}> in task {index} is never closed",
                    f"add </{name}>",
                )
            pos = m.end()
            continue
        if name in found:  # a repeated element: keep both texts
            extra[name] = extra.get(name, "") + "\n\n" + clean(text[m.end() : close])
        else:
            found[name] = (m.end(), close)
        pos = close + len(name) + 3
    elements: dict[str, str] = {}
    for name, (a, b) in found.items():
        raw = text[a:b]
        if name in ("name", "title"):
            kw.setdefault("name", one_line(raw))
        elif name == "files":
            kw["files"] = _files(clean(raw))
        elif name in ("action", "done", "acceptance_criteria"):
            kw[name] = clean(raw)
        elif name == "verify":
            kw["verify"] = split_verify(raw, body.line(a))
        elif name == "automated" and "verify" not in found:
            kw["verify"] = split_verify(f"<automated>{raw}</automated>", body.line(a))
        else:
            elements[name] = clean(raw) + extra.get(name, "")
    name = kw.get("name") or one_line(attrs.get("name", attrs.get("title", "")))
    if not name:  # `<task id="A">` followed by `### A. Migration ...`
        h = _INNER_HEADING_RE().search(text, start, end)
        if h is not None and not body.in_fence(h.start()):
            name = one_line(h.group(1))
    kw["name"] = name
    # after the elements' lines: Body.line counts forward from the last line asked
    kw["end_line"] = body.line(end) if closed else None
    if kind == "feature" and not kw.get("action") and "implementation" in elements:
        kw["action"] = elements["implementation"]
    return Task(elements=elements, **kw)


def _heading_tasks(body: Body) -> list[Task]:
    tasks: list[Task] = []
    for h in body.headings:
        if h.level < 2 or h.level > 4:
            continue
        m = _TASK_HEADING_RE().match(h.title.lstrip("*_` "))  # also **Task 1:** ...
        if m is None:
            continue
        end = body.section_end(h)
        close = body.text.find("</tasks>", h.end, end)
        end = close if close >= 0 else end
        task = Task(
            index=len(tasks) + 1,
            name=one_line(m.group(2).strip(" *_`:")) or h.title,
            form=TaskForm.HEADING,
            line=h.line,
            end_line=body.line(max(h.end, end - 1)),
        )
        labels = [
            lm
            for lm in _LABEL_RE().finditer(body.text, h.end, end)
            if not body.in_fence(lm.start())
        ]
        for i, lm in enumerate(labels):
            a = lm.end()
            b = labels[i + 1].start() if i + 1 < len(labels) else end
            label = lm.group(1).lower()
            raw = body.text[a:b]
            if label.startswith("file"):
                task.files = _files(clean(raw))
            elif label in ("action", "changes"):
                task.action = (task.action + "\n\n" + clean(raw)).strip()
            elif label.startswith("verif"):
                task.verify = split_verify(raw, body.line(a))
            elif label.startswith("done"):
                task.done = clean(raw)
            else:
                task.acceptance_criteria = clean(raw)
        if not labels:
            task.action = clean(body.text[h.end : end])
        tasks.append(task)
    return tasks


def _title(body: Body) -> str | None:
    """The first level-1 heading outside code fences."""
    text = body.text
    if not _TITLE_START_RE.search(text) and not text.startswith(("# ", "#\t")):
        return None  # no line starts with `# `: most plans, spared the copy and the full scan
    for m in _TITLE_RE.finditer("\n" + text):
        if not body.in_fence(m.start()):
            title = m.group(1).strip().rstrip("#").strip()
            if title:
                return one_line(title)
    return None


def _heading_sections(body: Body) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for h in body.headings:
        key = _HEADING_SECTIONS.get(h.title.strip(" *:").lower())
        if key and key not in found and h.level >= 2:
            found[key] = (h.end, body.section_end(h))
    return found


def _references(body: Body, a: int, b: int, section: str) -> list[Reference]:
    refs = []
    text = body.text
    for m in _REF_RE.finditer(text, a, b):
        if m.start() > 0 and text[m.start() - 1] not in " \t\n([":
            continue  # user@host, a decorator inside a word ...
        path = m.group(1).rstrip(".:")
        if ("/" in path or "." in path) and not body.in_fence(m.start()):
            refs.append(Reference(path=path, line=body.line(m.start()), section=section))
    return refs
