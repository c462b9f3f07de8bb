"""planner.roadmapscan: every answer the scan gives is markdown-it's, and simple roadmaps get one.

Differential: corpus roadmaps, mutated variants of them and generated documents are read both
ways (the scan, and markdown-it forced); where the scan answers, its events and the Roadmap built
from them must equal markdown-it's. `gsd verify` on a simple roadmap must not import markdown_it.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from planner.roadmap import _roadmap, _token_events, parse_roadmap
from planner.roadmapscan import Event, block_events
from tests.verify_factories import make_project, plan_text

# This tree's planner, whatever the installed one is.
_REPO = str(Path(__file__).resolve().parents[1])
_PATH = os.environ.get("PYTHONPATH", "")

# The real entry point (`gsd`), writing whether markdown_it was imported to a file at exit.
_ENTRY = """
import atexit, os, sys
def dump():
    with open(os.environ["MARKDOWN_IT_TO"], "w") as handle:
        handle.write(str("markdown_it" in sys.modules))
atexit.register(dump)
sys.argv = ["gsd", *sys.argv[1:]]
from planner.__main__ import main
main()
"""

# markdown-it's block parse alone: the core `inline` rule only fills tokens' children, which the
# events do not read (their content and lines are the block rules'). Twice as fast as `parse`.
_BLOCK_ONLY = MarkdownIt("commonmark").enable("table")
_BLOCK_ONLY.core.ruler.disable(["inline", "text_join"])


def _roadmaps(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in corpus_dir.rglob("*ROADMAP*") if p.is_file())


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")


def _same_or_declined(text: str) -> bool:
    """True when the scan answered (and its answer is markdown-it's), False when it declined."""
    forced = parse_roadmap(text, scan=False)
    assert parse_roadmap(text) == forced, text
    events = block_events(text)
    if events is None:
        return False
    assert events == _token_events(_BLOCK_ONLY.parse(text)), text
    return True


def _same_events_or_declined(text: str) -> bool:
    """_same_or_declined with markdown-it's block parse only (for many documents)."""
    events = block_events(text)
    if events is None:
        return False
    reference = _token_events(_BLOCK_ONLY.parse(text))
    assert events == reference, text
    assert _roadmap(events, None) == _roadmap(reference, None), text
    return True


# --- exact answers on the shapes roadmaps are made of ---------------------------------------


def test_checkbox_items_headings_goals_and_rows() -> None:
    text = (
        "# Roadmap\n\n- [x] **Phase 1: Alpha** - first\n  more of it\n- [ ] Phase 2: Beta\n\n"
        "### Phase 2: Beta\n**Goal**: ship it\n**Requirements**: AB-01, CD-02\n\n"
        "| Phase | Status |\n|---|---|\n| 1. Alpha | Complete |\n| 2 \\| x | Not started\n"
    )
    assert block_events(text) == [
        Event("heading", 1, "Roadmap"),
        Event("paragraph", 3, "[x] **Phase 1: Alpha** - first\nmore of it", True),
        Event("paragraph", 5, "[ ] Phase 2: Beta", True),
        Event("heading", 7, "Phase 2: Beta"),
        Event("paragraph", 8, "**Goal**: ship it\n**Requirements**: AB-01, CD-02"),
        Event("row", 11, cells=("Phase", "Status")),
        Event("row", 13, cells=("1. Alpha", "Complete")),
        Event("row", 14, cells=("2 | x", "Not started")),
    ]
    roadmap = parse_roadmap(text)
    assert roadmap == parse_roadmap(text, scan=False)
    got = [(p.number, p.name, p.complete, p.line, p.goal, p.requirements) for p in roadmap.phases]
    assert got == [
        ("1", "Alpha", True, 3, None, []),
        ("2", "Beta", False, 5, "ship it", ["AB-01", "CD-02"]),
    ]


def test_dashes_under_a_paragraph_line_make_a_setext_heading_not_a_rule() -> None:
    text = "Phase 3: Gamma\n---\n\n- [ ] Phase 4\n***\n"
    assert block_events(text) == [
        Event("heading", 1, "Phase 3: Gamma"),
        Event("paragraph", 4, "[ ] Phase 4", True),
    ]
    assert [p.number for p in parse_roadmap(text).phases] == ["3", "4"]


def test_details_block_swallows_lines_up_to_a_blank_line() -> None:
    text = (
        "<details>\n<summary>v1</summary>\n- [x] Phase 1: Hidden\n\n"
        "- [x] Phase 2: Seen\n</details>\n"
    )
    # `</details>` ends the item's paragraph (an HTML block of this kind may interrupt one).
    assert block_events(text) == [Event("paragraph", 5, "[x] Phase 2: Seen", True)]
    assert _same_or_declined(text)
    assert [p.number for p in parse_roadmap(text).phases] == ["2"]


def test_list_interrupting_a_paragraph_only_when_commonmark_allows() -> None:
    # "2." cannot interrupt a paragraph (an ordered list must start at 1 to do that), "1." can.
    text = "Intro\n2. [x] Phase 5\n\nIntro\n1. [x] Phase 6\n"
    assert block_events(text) == [
        Event("paragraph", 1, "Intro\n2. [x] Phase 5"),
        Event("paragraph", 4, "Intro"),
        Event("paragraph", 5, "[x] Phase 6", True),
    ]


def test_nested_items_and_a_later_paragraph_are_not_first_blocks() -> None:
    text = "- Milestone\n  - [x] Phase 1: A\n\n  **Goal**: g\n"
    assert block_events(text) == [
        Event("paragraph", 1, "Milestone", True),
        Event("paragraph", 2, "[x] Phase 1: A", True),
        Event("paragraph", 4, "**Goal**: g", False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "```\n### Phase 9\n```\n",
        "~~~md\n- [x] Phase 9\n~~~\n",
        "> ### Phase 9\n",
        "<!--\n### Phase 9\n-->\n",
        "<div>\n\n# Phase 9\n",
        "    ### Phase 9\n",
        "[phase]: https://example.com\n",
        "- [x] Phase 9\n\tindented by a tab\n",
        "# Phase 9\0\n",
    ],
)
def test_declines_what_it_does_not_model(text: str) -> None:
    assert block_events(text) is None
    assert parse_roadmap(text) == parse_roadmap(text, scan=False)


def test_crlf_and_a_final_blank_line_keep_lines() -> None:
    text = "# Roadmap\r\n\r\n- [x] Phase 1: A\r\n   "
    assert block_events(text) == [
        Event("heading", 1, "Roadmap"),
        Event("paragraph", 3, "[x] Phase 1: A", True),
    ]
    assert _same_or_declined(text)


# --- the corpus, as is and mutated -------------------------------------------------------------


def test_corpus_roadmaps_read_the_same(corpus_dir: Path) -> None:
    paths = _roadmaps(corpus_dir)
    assert len(paths) > 20
    answered = sum(_same_or_declined(_read(p)) for p in paths)
    # 65 of 67 at the time of writing: the two others quote a note (`>`), which is not modelled.
    assert answered >= 0.9 * len(paths), (answered, len(paths))


def _mutations(text: str, rng: random.Random) -> list[str]:
    lines = text.split("\n")

    def at_random(insert: str) -> str:
        out = list(lines)
        for _ in range(3):
            out.insert(rng.randrange(len(out) + 1), insert)
        return "\n".join(out)

    def after_text_lines(insert: str) -> str:
        out: list[str] = []
        for line in lines:
            out.append(line)
            if line.strip() and line.lstrip()[0].isalnum() and rng.random() < 0.3:
                out.append(insert)
        return "\n".join(out)

    return [
        *("\n".join(" " * k + line for line in lines) for k in (1, 2, 3, 4)),
        "\n".join(line for line in lines if rng.random() > 0.15),
        after_text_lines("---"),
        after_text_lines("==="),
        after_text_lines("  -"),
        at_random("```"),
        at_random("> quoted"),
        at_random("<details>"),
        at_random("</summary>"),
        at_random("<!-- note -->"),
        "\r\n".join(lines),
        "\n".join(("\t" + line[2:]) if line.startswith("  ") else line for line in lines),
        "\n".join(line + " " * rng.randint(0, 3) for line in lines),
        "\n".join(line for line in lines if line.strip()),
        "\n".join(line.lstrip() for line in lines),
    ]


@pytest.mark.slow
def test_mutated_corpus_roadmaps_read_the_same_or_decline(corpus_dir: Path) -> None:
    rng = random.Random(7)
    answered = declined = 0
    for path in _roadmaps(corpus_dir):
        for variant in rng.sample(_mutations(_read(path), rng), 9):
            if _same_events_or_declined(variant):
                answered += 1
            else:
                declined += 1
    print(f"mutated corpus roadmaps: {answered} answered by the scan, {declined} declined")
    assert answered >= 0.4 * (answered + declined), (answered, declined)


# --- generated documents ------------------------------------------------------------------------

# Lines roadmaps are made of, and lines that make the scan decline (fences, quotes, other HTML,
# definitions, tabs); each gets 0-5 spaces of indentation and 0-2 trailing spaces.
_MODELLED = [
    "# Phase 1: Alpha",
    "## Phase Details",
    "### Phase 2: Beta ✅",
    "####### Phase 9",
    "#Phase 3",
    "# Phase 4 ##",
    "## #",
    "- [x] **Phase 1: A** - d",
    "* [ ] Phase 2: B",
    "1. [x] Phase 3: C",
    "2) Phase 4",
    "-",
    "- ",
    "+ foo",
    "10. bar",
    "1.",
    "- - Phase 7: nested",
    "-  [ ] Phase 8",
    "**Goal**: do x",
    "**Requirements**: AB-01, CD-02",
    "plain text",
    "Phase 5: lazy",
    "[x] Phase 6: boxed",
    "| Phase | Status |",
    "|---|---|",
    "| 1. A | Complete |",
    "| 2 \\| x | Not started |",
    "a | b",
    "--- | ---",
    "|:--|--:|",
    "| only |",
    "|-|",
    "---",
    "===",
    "***",
    "- - -",
    "___",
    "--",
    "= =",
    "<details>",
    "<summary>v1 (Phases 1-2)</summary>",
    "</details>",
    "a\u00a0b",
    "#\u00a0x",
    "",
    "",
]
_DECLINED = ["<div>", "<!-- c -->", "<br>", "```", "~~~", "> quote", "[ref]: /url", "\tfoo"]


def _line(fragment: str, indent: int, tail: int) -> str:
    return " " * indent + fragment + " " * tail if fragment else " " * tail


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.builds(
            _line, st.sampled_from(_MODELLED + _DECLINED), st.integers(0, 5), st.integers(0, 2)
        ),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_generated_documents_read_the_same_or_decline(
    lines: list[str], newline: str, final_newline: bool
) -> None:
    _same_events_or_declined(newline.join(lines) + (newline if final_newline else ""))


def test_generated_roadmap_shapes_are_mostly_answered() -> None:
    rng = random.Random(3)
    answered = 0
    for _ in range(400):
        lines = [
            _line(
                rng.choice(_MODELLED), rng.choice([0, 0, 0, 0, 1, 2, 2, 3, 3, 4]), rng.randint(0, 2)
            )
            for _ in range(rng.randint(1, 25))
        ]
        answered += _same_events_or_declined("\n".join(lines) + "\n")
    # The rest hold an indented code block (4+ spaces where no paragraph continues).
    assert answered >= 250, answered


# --- the CLI: markdown_it is imported only when the scan declines --------------------------------


@pytest.mark.parametrize(
    ("roadmap", "imported"),
    [
        (
            "# Roadmap\n\n- [ ] Phase 1: Synthetic\n\n### Phase 1: Synthetic\n**Goal**: Ship it\n",
            False,
        ),
        ("# Roadmap\n\n```\n### Phase 9\n```\n\n### Phase 1: Synthetic\n**Goal**: Ship it\n", True),
    ],
    ids=["simple", "fenced"],
)
def test_verify_imports_markdown_it_only_when_the_scan_declines(
    tmp_path: Path, roadmap: str, imported: bool
) -> None:
    root = make_project(
        tmp_path / "proj",
        {"01-01": plan_text("01-demo", "01", "artifacts:\n  - path: src/a.py\n")},
        files={"src/a.py": "def a():\n    return 1\n", ".planning/ROADMAP.md": roadmap},
    )
    flag = tmp_path / "markdown_it.txt"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _ENTRY,
            "--no-color",
            "verify",
            "phase",
            "1",
            "--static",
            "--no-write",
            "--json",
        ],
        cwd=root,
        env={**os.environ, "MARKDOWN_IT_TO": str(flag), "PYTHONPATH": _REPO + os.pathsep + _PATH},
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(done.stdout)
    assert report["goal"] == "Ship it", done.stderr  # the roadmap was read, either way
    assert flag.read_text() == str(imported)


def test_trim_set_is_markdown_its() -> None:
    from markdown_it.common.utils import MD_TRIM_CHARS

    from planner.roadmapscan import _TRIM

    assert sorted(_TRIM) == sorted(MD_TRIM_CHARS)
