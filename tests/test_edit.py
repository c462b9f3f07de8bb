"""Surgical editing: frontmatter keys and managed sections change, every other byte stays."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import SEED_PLAN_26_04, SEED_SUMMARY_12_GAP_01
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.documents import edit
from planner.documents.edit import (
    frontmatter_mapping,
    read_managed_section,
    replace_managed_section,
    set_frontmatter_keys,
)
from planner.errors import GsdError

DOC = """---
phase: 26-ci-cd-fixes
# the plan number stays a string
plan: "04"
tags: [ci, db]   # inline list, trailing comment
commits:
- 1111111
- 2222222

# Key files changed (comment owned by the next key)
key-files:
  created:
    - backend/tests/conftest.py
duration: 12min
---

# Plan 26-04 Summary

Body text: with a colon.
"""


def test_set_key_replaces_only_its_block() -> None:
    out = set_frontmatter_keys(DOC, {"commits": ["aaaaaaa", "bbbbbbb"]})
    assert out == DOC.replace(
        "commits:\n- 1111111\n- 2222222\n", "commits:\n  - aaaaaaa\n  - bbbbbbb\n"
    )


def test_unchanged_value_keeps_the_block_as_written() -> None:
    assert set_frontmatter_keys(DOC, {"commits": [1111111, 2222222], "plan": "04"}) == DOC


def test_new_key_goes_at_the_end_and_removed_key_vanishes() -> None:
    out = set_frontmatter_keys(DOC, {"status": "complete"}, remove=["duration", "missing"])
    assert out == DOC.replace("duration: 12min\n", "status: complete\n")


def test_ids_keep_their_text() -> None:
    out = set_frontmatter_keys(DOC, {"plan": "07"})
    assert "plan: '07'\n" in out
    assert frontmatter_mapping(out)["plan"] == "07"


def test_no_frontmatter_gets_one_prepended(seeds_dir: Path) -> None:
    text = (seeds_dir / SEED_SUMMARY_12_GAP_01).read_text(encoding="utf-8")
    out = set_frontmatter_keys(text, {"phase": "12-tier-1-coverage-push", "commits": []})
    assert out == "---\nphase: 12-tier-1-coverage-push\ncommits: []\n---\n\n" + text
    assert set_frontmatter_keys(text, {}) == text


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff" + DOC.replace("\n", "\r\n")
    out = set_frontmatter_keys(text, {"commits": ["aaaaaaa"], "status": "done"})
    expected = "\ufeff" + DOC.replace("commits:\n- 1111111\n- 2222222\n", "commits:\n  - aaaaaaa\n")
    expected = expected.replace("duration: 12min\n", "duration: 12min\nstatus: done\n")
    assert out == expected.replace("\n", "\r\n")
    assert frontmatter_mapping(out)["status"] == "done"


def test_invalid_yaml_is_refused_with_its_line(seeds_dir: Path) -> None:
    plan = (seeds_dir / SEED_PLAN_26_04).read_text(encoding="utf-8")
    with pytest.raises(GsdError) as info:
        set_frontmatter_keys(plan, {"status": "x"})
    assert info.value.code == "GSD604"
    # the invalid escape is in `pattern: "Base\.metadata..."`, line 34 of the seed
    line = plan.splitlines()[info.value.line - 1]
    assert 'pattern: "Base\\.metadata' in line


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("---\na: 1\nbody\n", "GSD607", 1),
        ("---\n- a\n- b\n---\n", "GSD605", 2),
        ("---\ncommits: 1\nx: 2\ncommits: 3\n---\n", "GSD606", 4),
        ('---\ncommits: "multi\nline"\nother: 1\n---\n', "GSD608", 2),
    ],
)
def test_frontmatter_errors(text: str, code: str, line: int) -> None:
    with pytest.raises(GsdError) as info:
        set_frontmatter_keys(text, {"commits": ["abc1234"]})
    assert (info.value.code, info.value.line) == (code, line)


SECTIONED = """# Title

Intro.

## Commits

<!-- gsd:begin commits -->
old row
<!-- gsd:end commits -->

## After

```
<!-- gsd:begin commits -->
(a fenced example, not a marker)
```
"""


def test_replace_existing_section() -> None:
    out = replace_managed_section(SECTIONED, "commits", "new 1\nnew 2")
    assert out == SECTIONED.replace("old row\n", "new 1\nnew 2\n")
    assert read_managed_section(out, "commits") == "new 1\nnew 2\n"


def test_absent_section_is_appended_with_heading() -> None:
    text = "# Title\n\nBody."
    out = replace_managed_section(text, "tasks", "| a |\n", heading="Tasks")
    assert (
        out
        == "# Title\n\nBody.\n\n## Tasks\n\n<!-- gsd:begin tasks -->\n| a |\n<!-- gsd:end tasks -->\n"
    )
    assert read_managed_section(text, "tasks") is None


def test_existing_heading_gets_the_block_inside_it(seeds_dir: Path) -> None:
    text = (seeds_dir / SEED_SUMMARY_12_GAP_01).read_text(encoding="utf-8")
    out = replace_managed_section(text, "commits", "| row |\n", heading="Commits")
    anchor = (
        "2. `38e8b9ee` - feat(12-GAP-01): create missing factories and fix ORM tests to use them\n"
    )
    block = "\n<!-- gsd:begin commits -->\n| row |\n<!-- gsd:end commits -->\n"
    assert out == text.replace(anchor, anchor + block)


def test_crlf_section_round_trip() -> None:
    text = SECTIONED.replace("\n", "\r\n")
    out = replace_managed_section(text, "commits", "a\nb\n")
    assert out == SECTIONED.replace("old row\n", "a\nb\n").replace("\n", "\r\n")
    assert (
        replace_managed_section(out, "commits", read_managed_section(out, "commits") or "") == out
    )


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("# T\n<!-- gsd:begin commits -->\nrow\n", "GSD601", 2),
        ("# T\nrow\n<!-- gsd:end commits -->\n", "GSD602", 3),
        ("<!-- gsd:end commits -->\n<!-- gsd:begin commits -->\n", "GSD602", 1),
        (
            "---\na: 1\n---\n<!-- gsd:begin commits -->\n<!-- gsd:end commits -->\n"
            "<!-- gsd:begin commits -->\n<!-- gsd:end commits -->\n",
            "GSD603",
            6,
        ),
    ],
)
def test_malformed_markers(text: str, code: str, line: int) -> None:
    with pytest.raises(GsdError) as info:
        replace_managed_section(text, "commits", "x")
    assert (info.value.code, info.value.line) == (code, line)
    with pytest.raises(GsdError):
        read_managed_section(text, "commits")


def test_other_sections_markers_are_not_ours() -> None:
    text = "<!-- gsd:begin tasks -->\n"  # malformed, but not the section being edited
    assert read_managed_section(text, "commits") is None


# ---------------------------------------------------------------------------------------------
# Properties

_LINE = st.one_of(
    st.sampled_from(
        ["", "# H", "## Commits", "---", "| a | b |", "- item", "text: colon", "  indented"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30),
)
_KEY = st.from_regex(r"[a-z][a-z_\-]{0,10}", fullmatch=True).filter(lambda k: k != "commits")
_VALUE = st.one_of(
    st.integers(),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
    st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), max_size=3),
)
_HASHES = st.lists(st.from_regex(r"[0-9a-f]{7}", fullmatch=True), max_size=5)


def _block(key: str, value: object) -> str:
    return yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=1000)


@settings(max_examples=100, deadline=None)
@given(
    before=st.dictionaries(_KEY, _VALUE, max_size=4),
    after=st.dictionaries(_KEY, _VALUE, max_size=4),
    old=_HASHES,
    new=_HASHES,
    body=st.lists(_LINE, max_size=12),
    comment=st.booleans(),
    nl=st.sampled_from(["\n", "\r\n"]),
)
def test_property_commits_edit_touches_only_its_block(
    before: dict[str, object],
    after: dict[str, object],
    old: list[str],
    new: list[str],
    body: list[str],
    comment: bool,
    nl: str,
) -> None:
    after = {k: v for k, v in after.items() if k not in before}
    head = "---\n" + "".join(_block(k, v) for k, v in before.items())
    head += "# about the next key\n" if comment else ""
    tail = "".join(_block(k, v) for k, v in after.items()) + "---\n" + "\n".join(body) + "\n"
    head, tail = head.replace("\n", nl), tail.replace("\n", nl)
    old_block = _block("commits", old).replace("\n", nl)
    text = head + old_block + tail
    out = set_frontmatter_keys(text, {"commits": new})
    assert out.startswith(head) and out.endswith(tail)
    middle = out[len(head) : len(out) - len(tail)]
    assert yaml.safe_load(middle) == {"commits": new}
    assert frontmatter_mapping(out) == {**before, "commits": new, **after}


@settings(max_examples=100, deadline=None)
@given(
    body=st.lists(_LINE, max_size=15),
    first=st.lists(_LINE, max_size=4),
    second=st.lists(_LINE, max_size=4),
    nl=st.sampled_from(["\n", "\r\n"]),
)
def test_property_section_edit_touches_only_the_section(
    body: list[str], first: list[str], second: list[str], nl: str
) -> None:
    text = nl.join(body)
    content1 = "".join(line + "\n" for line in first)
    content2 = "".join(line + "\n" for line in second)
    once = replace_managed_section(text, "commits", content1, heading="Commits")
    assert read_managed_section(once, "commits") == content1
    twice = replace_managed_section(once, "commits", content2)
    assert read_managed_section(twice, "commits") == content2
    begin = twice.index("<!-- gsd:begin commits -->")
    end = twice.index("<!-- gsd:end commits -->")
    o_begin = once.index("<!-- gsd:begin commits -->")
    o_end = once.index("<!-- gsd:end commits -->")
    assert twice[:begin] == once[:o_begin] and twice[end:] == once[o_end:]
    # nothing of the original body moved or changed: it is a subsequence, in order
    nl = nl if nl in text else "\n"  # a text without a line break is written with \n
    assert _is_subsequence(text.split(nl), once.split(nl))
    assert replace_managed_section(twice, "commits", content2) == twice


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(line == other for other in it) for line in small)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_-]{0,10}", fullmatch=True), _VALUES, max_size=5))
def test_keys_dumped_together_split_into_each_keys_own_dump(updates: dict[str, object]) -> None:
    """One dump split at column-0 lines gives, for every key, exactly its dump alone."""
    assert edit._dump_keys(updates) == {k: edit.dump_key(k, v) for k, v in updates.items()}
