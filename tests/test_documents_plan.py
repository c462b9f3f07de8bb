"""Plan bodies: task forms, blocks, references; tags in code are text, not structure."""

from __future__ import annotations

from planner.documents.loader import load_text
from planner.documents.models import DocKind, Plan, TaskForm


def _load(body: str) -> tuple[Plan, list[tuple[str, int | None]]]:
    loaded = load_text("---\nphase: 3\nplan: 2\n---\n" + body, "03-02-PLAN.md", DocKind.PLAN)
    assert isinstance(loaded.doc, Plan)
    return loaded.doc, [(d.code, d.line) for d in loaded.diagnostics]


XML_PLAN = """\
# Plan 03-02: Things

<objective>
Make &lt;Widget&gt; render.
</objective>

<execution_context>
@/home/me/.claude/workflows/execute-plan.md
</execution_context>

<context>
@.planning/PROJECT.md
@src/app.ts (entry) and mail me at dev@example.com
```ts
@Component({selector: 'x'})
```
</context>

<tasks>

<task type="auto" tdd="true">
  <name>Task 1: Build &lt;Widget&gt;</name>
  <files>src/widget.tsx, src/widget.test.tsx</files>
  <read_first>
    - src/app.ts
  </read_first>
  <behavior>
    - renders
  </behavior>
  <action>
    Write the component. Example of a task in docs:
    ```xml
    <task type="auto"><name>not a task</name></task>
    ```
    Keep `<verify>` inline mentions as text.
  </action>
  <verify>
    <automated>npx vitest run src/widget.test.tsx</automated>
  </verify>
  <acceptance_criteria>
    - test passes
  </acceptance_criteria>
  <done>Widget renders</done>
</task>

<task type="checkpoint:human-verify" gate="blocking">
  <what-built>The widget page</what-built>
  <how-to-verify>
    1. Open http://localhost:3000
  </how-to-verify>
  <resume-signal>Type "approved"</resume-signal>
</task>

</tasks>

<verification>
npm test
</verification>

<success_criteria>
- all green
</success_criteria>

<output>
Create 03-02-SUMMARY.md
</output>
"""


def test_xml_plan_blocks_tasks_and_references() -> None:
    plan, diags = _load(XML_PLAN)
    assert diags == []
    assert plan.title == "Plan 03-02: Things"
    assert plan.objective == "Make <Widget> render."
    assert [(r.path, r.section, r.line) for r in plan.references] == [
        ("/home/me/.claude/workflows/execute-plan.md", "execution_context", 12),
        (".planning/PROJECT.md", "context", 16),
        ("src/app.ts", "context", 17),
    ]
    t1, t2 = plan.tasks
    assert (t1.index, t1.type, t1.tdd, t1.name, t1.line, t1.end_line) == (
        1,
        "auto",
        True,
        "Task 1: Build <Widget>",
        25,
        48,
    )
    assert t1.files == ["src/widget.tsx", "src/widget.test.tsx"]
    assert t1.action.startswith("Write the component.") and "<name>not a task</name>" in t1.action
    assert [c.text for c in t1.verify.commands] == ["npx vitest run src/widget.test.tsx"]
    assert t1.verify.commands[0].line == 42
    assert (t1.acceptance_criteria, t1.done) == ("- test passes", "Widget renders")
    assert t1.elements == {"read_first": "- src/app.ts", "behavior": "- renders"}
    assert (
        t2.is_checkpoint and t2.type == "checkpoint:human-verify" and t2.attrs["gate"] == "blocking"
    )
    assert t2.verify is None and t2.name == ""
    assert t2.elements == {
        "what-built": "The widget page",
        "how-to-verify": "1. Open http://localhost:3000",
        "resume-signal": 'Type "approved"',
    }
    assert plan.verification is not None and [c.text for c in plan.verification.commands] == [
        "npm test"
    ]
    assert (plan.success_criteria, plan.output) == ("- all green", "Create 03-02-SUMMARY.md")


def test_heading_tasks_under_markdown_sections() -> None:
    plan, diags = _load(
        "# Plan\n\n## Objective\nShip it.\n\n## Tasks\n\n"
        "### Task 1: Add logging\n\n**Files:** `src/a.cpp`\n\n**Action:** Edit file.\n"
        "**Verify:** `grep -c 'qC' src/a.cpp` shows 10\n\ngrep -c qC src/a.cpp\n\n**Done when:** Build passes.\n\n"
        "### Task 2 · Mirror logging\n\nSame pattern.\n\n## Verification\n\n- `make test` passes\n"
    )
    assert diags == []
    assert plan.objective == "Ship it."
    t1, t2 = plan.tasks
    assert (t1.form, t1.name, t1.files, t1.action, t1.done, t1.line) == (
        TaskForm.HEADING,
        "Add logging",
        ["src/a.cpp"],
        "Edit file.",
        "Build passes.",
        12,
    )
    assert [c.text for c in t1.verify.commands] == ["grep -c qC src/a.cpp"]
    assert t1.verify.notes == ["`grep -c 'qC' src/a.cpp` shows 10"]
    assert (t2.name, t2.action, t2.verify) == ("Mirror logging", "Same pattern.", None)
    assert plan.verification is not None and plan.verification.commands == []


def test_feature_blocks_are_tdd_tasks() -> None:
    plan, diags = _load(
        "<feature>\n  <name>Numpad</name>\n  <files>src/Numpad.tsx</files>\n"
        "  <behavior>\n    - 13 keys\n  </behavior>\n  <implementation>Grid of buttons</implementation>\n</feature>\n"
    )
    assert diags == []
    [t] = plan.tasks
    assert (t.form, t.type, t.tdd, t.name, t.action, t.line, t.end_line) == (
        TaskForm.FEATURE,
        "tdd",
        True,
        "Numpad",
        "Grid of buttons",
        5,
        12,
    )
    assert t.elements["behavior"] == "- 13 keys"


def test_task_names_from_title_attribute_and_inner_heading() -> None:
    plan, diags = _load(
        '<task id="1" title="Build activity feed">\n### What\nx\n</task>\n\n'
        '<task id="14-01-A" wave="1">\n### A. Migration — add column\nx\n</task>\n'
    )
    assert [t.name for t in plan.tasks] == ["Build activity feed", "A. Migration — add column"]
    assert [t.type for t in plan.tasks] == ["auto", "auto"] and diags == []


def test_tags_in_code_are_not_structure() -> None:
    plan, diags = _load(
        'Use `<task>` elements like this:\n\n```\n<task type="auto">\n  <name>example</name>\n</task>\n```\n'
    )
    assert plan.tasks == []
    assert diags == [("GSD152", 5)]


def test_unclosed_element_and_fence_closed_by_the_element_end() -> None:
    plan, diags = _load(
        '<task type="auto">\n  <name>One</name>\n  <action>\n    Do this:\n    ```\n    step\n  </action>\n'
        "  <verify>make check</verify>\n  <done>\n</task>\n"
    )
    [t] = plan.tasks
    assert t.action == "Do this:\n```\nstep"
    assert [c.text for c in t.verify.commands] == ["make check"]
    assert diags == [("GSD155", 9), ("GSD151", 13)]


def test_plan_without_frontmatter_warns_and_still_reads_tasks() -> None:
    loaded = load_text(
        '# P\n\n<task type="auto"><name>x</name><verify>ls</verify></task>\n', "p.md", DocKind.PLAN
    )
    assert isinstance(loaded.doc, Plan) and not loaded.doc.has_frontmatter
    assert [(d.code, d.line) for d in loaded.diagnostics] == [("GSD115", 1)]
    assert [c.text for c in loaded.doc.tasks[0].verify.commands] == ["ls"]
