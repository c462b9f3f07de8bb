"""Commit subjects and trailers, and the SUMMARY commit record (text level, no git)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import SEED_SUMMARY_12_GAP_01
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.documents.edit import frontmatter_mapping, read_managed_section
from planner.gitops.commits import Commit, parse_log, parse_subject
from planner.gitops.fastpath import listed_hash, record_fast, scalar, yaml_number
from planner.gitops.fromgit import rebuilt_entries
from planner.gitops.record import (
    leading_hash,
    new_summary,
    read_entries,
    record,
    split_cell,
    table_row,
)
from planner.gitops.rewrite import parse_pairs, rewritten_entries


def commit(
    n: int, subject: str, files: tuple[str, ...] = ("src/x.py",), trailers: tuple[str, ...] = ()
) -> Commit:
    sha = f"{n:x}" * 40
    return Commit(sha[:40], sha[:7], subject, trailers, files)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("feat(26-04): add fixture", ("feat", ("26-04",), False, "add fixture")),
        ("fix(12-GAP-01)!: drop table", ("fix", ("12-GAP-01",), True, "drop table")),
        ("docs(02.1-01): notes", ("docs", ("02.1-01",), False, "notes")),
        ("test(26-04, 26-05): both", ("test", ("26-04", "26-05"), False, "both")),
        ("feat(CK-01-02): code prefix", ("feat", ("CK-01-02",), False, "code prefix")),
        ("feat(api): no digit, no plan", None),
        ("Merge branch 'main' (26-04)", None),
        ("plain subject", None),
    ],
)
def test_parse_subject(subject: str, expected: tuple[object, ...] | None) -> None:
    parsed = parse_subject(subject)
    assert (
        None if parsed is None else (parsed.type, parsed.refs, parsed.breaking, parsed.text)
    ) == expected


def test_plan_refs_and_planning_only() -> None:
    c = commit(
        1, "feat(26-04): x", files=(".planning/phases/a.md",), trailers=("12-GAP-01", "26-04")
    )
    assert c.plan_refs() == ["26-04", "12-GAP-01"]
    assert not c.touches_outside(".planning/")
    assert commit(2, "x", files=()).touches_outside(".planning/") is False  # empty commit
    assert commit(3, "x", files=(".planning/a.md", "src/b.py")).touches_outside(".planning/")


def test_parse_log_format() -> None:
    out = (
        "\x1e"
        + "a" * 40
        + "\x1faaaaaaa\x1fdocs(26-04): s\x1f26-04\x1d12-GAP-01\x1f\x00\n.planning/a.md\x00"
        "\x1e" + "b" * 40 + "\x1fbbbbbbb\x1fchore\x1f\x1f\x00\nsrc/x.py\x00src/y z.py\x00"
        "\x1e" + "c" * 40 + "\x1fccccccc\x1fempty\x1f\x1f"
    )
    a, b, c = parse_log(out)
    assert (a.short, a.trailer_refs, a.files) == (
        "aaaaaaa",
        ("26-04", "12-GAP-01"),
        (".planning/a.md",),
    )
    assert (b.subject, b.files) == ("chore", ("src/x.py", "src/y z.py"))
    assert c.files == ()


def test_new_summary_and_record_are_exact_and_idempotent() -> None:
    text = new_summary("26-ci-cd-fixes", "04", "26-04")
    one = record(text, [commit(1, "feat(26-04): add a | b")])
    two = record(one, [commit(2, "Add fixtures", trailers=("26-04",))])
    assert two == (
        "---\nphase: 26-ci-cd-fixes\nplan: '04'\nstatus: in_progress\ncommits:\n"
        "  - '1111111'\n  - '2222222'\n---\n\n# 26-04 Summary\n\n## Commits\n\n"
        "<!-- gsd:begin commits -->\n| Commit | Type | Subject |\n|--------|------|---------|\n"
        "| `1111111` | feat | add a \\| b |\n| `2222222` | — | Add fixtures |\n"
        "<!-- gsd:end commits -->\n"
    )
    assert record(two, [commit(1, "feat(26-04): add a | b"), commit(2, "x")]) == two
    entries = read_entries(two)
    assert [(e.key, e.type, e.text) for e in entries] == [
        ("1111111", "feat", "add a | b"),
        ("2222222", "", "Add fixtures"),
    ]


def test_record_into_seed_summary_without_frontmatter(seeds_dir: Path) -> None:
    text = (seeds_dir / SEED_SUMMARY_12_GAP_01).read_text(encoding="utf-8")
    out = record(text, [commit(10, "feat(12-GAP-01): add rollback")])
    head = "---\ncommits:\n  - aaaaaaa\n---\n\n"
    assert out.startswith(head)
    anchor = (
        "2. `38e8b9ee` - feat(12-GAP-01): create missing factories and fix ORM tests to use them\n"
    )
    block = (
        "\n<!-- gsd:begin commits -->\n| Commit | Type | Subject |\n|--------|------|---------|\n"
        "| `aaaaaaa` | feat | add rollback |\n<!-- gsd:end commits -->\n"
    )
    assert out[len(head) :] == text.replace(anchor, anchor + block)


def test_existing_longer_hashes_match_by_prefix() -> None:
    text = "---\ncommits:\n  - a6b4cfe3\n---\n# S\n"
    c = Commit("a6b4cfe3" + "0" * 32, "a6b4cfe", "feat(12-GAP-01): x", (), ("f",))
    assert record(text, [c]) == text


def test_fill_details_from_lookup() -> None:
    text = "---\ncommits:\n  - '1111111'\n---\n# S\n"
    looked: list[list[str]] = []

    def lookup(keys: list[str]) -> list[Commit]:
        looked.append(keys)
        return [commit(1, "fix(26-04): older one")]

    out = record(text, [commit(2, "feat(26-04): new")], lookup=lookup)
    assert looked == [["1111111"]]
    assert "| `1111111` | fix | older one |\n| `2222222` | feat | new |\n" in out


def test_section_without_frontmatter_list_is_read() -> None:
    text = (
        "# S\n<!-- gsd:begin commits -->\n| Commit | Type | Subject |\n|---|---|---|\n"
        "| `1111111` | feat! | breaking |\n<!-- gsd:end commits -->\n"
    )
    [entry] = read_entries(text)
    assert (entry.key, entry.type, entry.text) == ("1111111", "feat!", "breaking")


def test_unreadable_items_are_kept() -> None:
    text = "---\ncommits:\n  - see PR 12\n  - {hash: '1111111', message: 'feat(26-04): a'}\n---\n"
    out = record(text, [commit(2, "feat(26-04): b")])
    assert frontmatter_mapping(out)["commits"] == [
        "see PR 12",
        {"hash": "1111111", "message": "feat(26-04): a"},
        {"hash": "2222222", "message": "feat(26-04): b"},
    ]


def test_parse_pairs() -> None:
    assert parse_pairs("A1 B2\nc3 d4 extra\n\n") == [("a1", "b2"), ("c3", "d4")]


def test_rewritten_entries_reorder_drop_and_replace() -> None:
    base = new_summary("26-x", "04", "26-04")
    text = record(
        base,
        [
            commit(1, "feat(26-04): old base"),
            commit(2, "feat(26-04): a"),
            commit(3, "feat(26-04): b"),
        ],
    )
    entries = read_entries(text)
    # rebase: 2 -> 5 and 3 -> 4, new order 4 then 5; 1 is older and untouched
    gone = {"2" * 40, "3" * 40}
    out = rewritten_entries(
        entries, gone, [commit(4, "feat(26-04): b"), commit(5, "feat(26-04): a")]
    )
    assert [e.key for e in out] == ["1111111", "4444444", "5555555"]
    # amend after post-commit already recorded the new hash: it keeps one place, at the end
    amended = record(text, [commit(6, "feat(26-04): b amended")])
    out = rewritten_entries(
        read_entries(amended), {"3" * 40}, [commit(6, "feat(26-04): b amended")]
    )
    assert [e.key for e in out] == ["1111111", "2222222", "6666666"]


def test_rebuilt_entries_drop_phantoms_and_keep_known() -> None:
    text = (
        "---\ncommits:\n  - hash: 1111111\n    message: 'feat(26-04): a'\n  - hash: deadbee\n---\n"
    )
    entries = read_entries(text)
    out = rebuilt_entries(entries, [commit(1, "feat(26-04): a"), commit(2, "feat(26-04): b")])
    assert [e.raw for e in out] == [
        {"hash": 1111111, "message": "feat(26-04): a"},
        {"hash": "2222222", "message": "feat(26-04): b"},
    ]
    assert read_managed_section(text, "commits") is None


# ---------------------------------------------------------------------------------------------
# The fast path (no YAML) must write exactly what the YAML path writes.

_HEX = st.from_regex(r"[0-9a-f]{7}", fullmatch=True)
_SUBJECTS = st.sampled_from(
    ["feat(26-04): add x", "fix(26-04)!: drop | pipe", "Add fixtures", "docs(26-04): é ünïcode"]
)


@settings(max_examples=200, deadline=None)
@given(short=st.from_regex(r"[0-9a-f]{7,12}", fullmatch=True))
def test_scalar_quotes_like_yaml(short: str) -> None:
    assert yaml.safe_dump([short]) == f"- {scalar(short)}\n"


@settings(max_examples=60, deadline=None)
@given(
    first=st.lists(st.tuples(_HEX, _SUBJECTS), min_size=1, max_size=4, unique_by=lambda t: t[0]),
    then=st.lists(st.tuples(_HEX, _SUBJECTS), min_size=1, max_size=3, unique_by=lambda t: t[0]),
    crlf=st.booleans(),
    narrative=st.booleans(),
)
def test_fast_path_equals_yaml_path(
    first: list[tuple[str, str]], then: list[tuple[str, str]], crlf: bool, narrative: bool
) -> None:
    def as_commits(items: list[tuple[str, str]]) -> list[Commit]:
        return [Commit(h + "0" * 33, h, s, (), ("src/a.py",)) for h, s in items]

    base = new_summary("26-ci-cd-fixes", "04", "26-04")
    if narrative:
        base = base.replace("---\n\n#", "duration: 12min\n---\n\n#") + "\n## Notes\n\nKept.\n"
    if crlf:
        base = base.replace("\n", "\r\n")
    text = record(base, as_commits(first))
    fast = record_fast(text, as_commits(then))
    assert fast is not None
    assert fast == record(text, as_commits(then))
    assert record_fast(fast, as_commits(first + then)) == fast


def test_fast_path_declines_what_it_cannot_do_as_text() -> None:
    c = [commit(9, "feat(26-04): new")]
    flow = "---\ncommits: [1111111]\n---\n# S\n"
    mapping = "---\ncommits:\n  - hash: '1111111'\n---\n# S\n"
    no_row = "---\ncommits:\n  - '1111111'\n---\n# S\n"
    absent = "---\nphase: 26\n---\n# S\n"
    assert [record_fast(t, c) for t in (flow, mapping, no_row, absent)] == [None] * 4


# ---------------------------------------------------------------------------------------------
# The hand-written matchers (no `re` on the hook's path) equal the regexes they replace.

HEX_RE = re.compile(r"^([0-9a-fA-F]{7,40})\b")
ROW_RE = re.compile(r"^\|\s*`?([0-9a-fA-F]{7,40})`?\s*\|(.*)\|\s*$")
PIPE_RE = re.compile(r"(?<!\\)\|")
ITEM_RE = re.compile(r"^  - (?:([0-9a-f]{7,40})|'([0-9a-f]{7,40})')$")
NUMBER_RE = re.compile(r"0|[1-9][0-9]*|0[0-7]+|0b[01]+")

_HEXISH = st.text(alphabet="0123456789abcdefABCDEFg_é ", min_size=5, max_size=44)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_HEXISH, st.from_regex(r"[0-9a-f]{6,42}[ .g_é]?", fullmatch=True)))
def test_leading_hash_equals_the_regex(text: str) -> None:
    m = HEX_RE.match(text)
    assert leading_hash(text) == (m.group(1) if m else None)


_ROWS = st.tuples(
    st.sampled_from(["|", "| ", "|\u2003", " |", "|`", "| `"]),
    st.from_regex(r"[0-9a-fA-F]{5,42}", fullmatch=True),
    st.sampled_from(["", "`", "` ", " ", "x"]),
    st.sampled_from(["|", " |", "`|"]),
    st.text(alphabet="ab|\\ —`\n\r", max_size=10),
    st.sampled_from(["|", "| ", "", " |\u2003", "|\n"]),
).map("".join)


@settings(max_examples=700, deadline=None)
@given(_ROWS)
def test_table_row_and_split_cell_equal_the_regexes(line: str) -> None:
    m = ROW_RE.match(line.strip())
    row = table_row(line.strip())
    assert row == ((m.group(1), m.group(2)) if m else None)
    if row:
        assert split_cell(row[1]) == PIPE_RE.split(row[1], maxsplit=1)


@settings(max_examples=500, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["  - ", " - ", "  -", "  - '", "   - "]),
        st.from_regex(r"[0-9a-fA-F]{5,42}", fullmatch=True),
        st.sampled_from(["", "'", "\n", "'\n", "\n\n", " ", "x"]),
    ).map("".join)
)
def test_listed_hash_equals_the_regex(item: str) -> None:
    m = ITEM_RE.match(item)
    assert listed_hash(item) == ((m.group(1) or m.group(2)) if m else None)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789abcdef٣", max_size=9))
def test_yaml_number_equals_the_regex(text: str) -> None:
    assert yaml_number(text) == bool(NUMBER_RE.fullmatch(text))
