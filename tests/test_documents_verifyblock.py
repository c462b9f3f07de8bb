"""split_verify: commands (exact text, lines), expectations, notes; prose is never a command."""

from __future__ import annotations

import pytest

from planner.documents.models import ExpectationKind
from planner.documents.verifyblock import split_verify


def _cmds(text: str, first_line: int | None = 10) -> list[str]:
    return [c.text for c in split_verify(text, first_line).commands]


def test_commands_expectations_and_lines() -> None:
    block = split_verify(
        "\n    PYTHONPATH=/x/backend pytest tests/a.py -v 2>&1 | tee /tmp/out.txt\n"
        "    Expected: 51/51 tests pass, 0 failed\n"
        '    Check: grep -E "passed|failed" /tmp/out.txt | grep "51 passed"\n'
        "    ./scripts/check.sh --fast\n",
        20,
    )
    first, second = block.commands
    assert (first.text, first.line) == (
        "PYTHONPATH=/x/backend pytest tests/a.py -v 2>&1 | tee /tmp/out.txt",
        21,
    )
    assert [(e.kind, e.text, e.line) for e in first.expectations] == [
        (ExpectationKind.EXPECTED, "51/51 tests pass, 0 failed", 22),
        (ExpectationKind.CHECK, 'grep -E "passed|failed" /tmp/out.txt | grep "51 passed"', 23),
    ]
    assert (second.text, second.line, second.expectations) == ("./scripts/check.sh --fast", 24, [])
    assert block.notes == [] and block.line == 20


def test_multiline_quote_is_one_command_and_is_dedented() -> None:
    text = "\n    python3 -c \"\n    import sys\n    if True:\n        print('ok')\n    \"\n    Expected: ok\n"
    [cmd] = split_verify(text, 1).commands
    assert cmd.text == "python3 -c \"\nimport sys\nif True:\n    print('ok')\n\""
    assert [e.text for e in cmd.expectations] == ["ok"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "grep -q a x \\\n  && grep -q b y\necho done",
            ["grep -q a x \\\n  && grep -q b y", "echo done"],
        ),
        ("npm run build &&\n  npm test", ["npm run build &&\n  npm test"]),
        (
            'cat <<EOF > f.txt\nit\'s "raw"\nEOF\nwc -l f.txt',
            ['cat <<EOF > f.txt\nit\'s "raw"\nEOF', "wc -l f.txt"],
        ),
        ("for f in a b; do\n  test -f $f\ndone", ["for f in a b; do\n  test -f $f\ndone"]),
        ("grep 'x' f # it's fine\nls", ["grep 'x' f # it's fine", "ls"]),
        ("[ -f x ] && echo yes", ["[ -f x ] && echo yes"]),
        ("test -f a.py && ! grep -q TODO a.py", ["test -f a.py && ! grep -q TODO a.py"]),
        ("$ npm test\n> 12 passed", ["npm test"]),
        ("echo 'never closed\nsecond line", ["echo 'never closed"]),
        ("cd /repo && go test ./...", ["cd /repo && go test ./..."]),
        (
            "bin/check --all\n.venv/bin/pytest -q\n$PY -m pytest",
            ["bin/check --all", ".venv/bin/pytest -q", "$PY -m pytest"],
        ),
    ],
)
def test_command_shapes(text: str, expected: list[str]) -> None:
    assert _cmds(text) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Run tests twice in succession - same results both times",
        "1. `pytest backend/tests/test_a.py -v` shows 15+ PASSED",
        "- `npx vitest run` all tests pass",
        "test passes without errors",
        "make sure the build is green",
        "cargo test -- --ignored init_tests (if any)",
        "Build compiles: `./gradlew :shared:compileKotlinMetadata`",
        "All 13 tests MUST PASS (GREEN phase).",
        "go to the settings page and toggle dark mode",
        "find the new entry in the sidebar",
        "File exists: src/components/staging/FileTreeSearch.tsx",
        "**Verify:** `grep -c 'qC' src/a.cpp` → ≥10",
        "MISSING — Wave 0 must create tests",
        "Open http://localhost:5173 and check the header",
        "git history shows one commit → squash it",
    ],
)
def test_prose_is_never_a_command(line: str) -> None:
    block = split_verify(line, 1)
    assert block.commands == []
    assert block.notes == [line]


def test_fences_automated_and_entities() -> None:
    text = (
        "Run these:\n"
        "```bash\n"
        "cd api &amp;&amp; pytest -q\n"
        "```\n"
        "```python\n"
        "assert add(1, 2) == 3\n"
        "```\n"
        "<automated>ajazz-cli --selftest &amp;&amp; echo ok</automated>\n"
        "Expected: ok\n"
    )
    block = split_verify(text, 5)
    assert [(c.text, c.line) for c in block.commands] == [
        ("cd api && pytest -q", 7),
        ("ajazz-cli --selftest && echo ok", 12),
    ]
    assert [e.text for e in block.commands[1].expectations] == ["ok"]
    assert block.notes == ["Run these:", "assert add(1, 2) == 3"]


def test_multiline_automated_command() -> None:
    text = "<automated>cd /p && python -c \"\nimport ct\n# a comment inside the string\nprint('PASS')\n\" && grep -c x f</automated>"
    [cmd] = split_verify(text, 3).commands
    assert (
        cmd.text
        == "cd /p && python -c \"\nimport ct\n# a comment inside the string\nprint('PASS')\n\" && grep -c x f"
    )
    assert cmd.line == 3


def test_expectation_before_any_command_is_kept_as_orphan() -> None:
    block = split_verify("Expected:\n  - 51 passed\n  - 0 failed\n\npytest -q", None)
    assert [(e.text, e.line) for e in block.orphan_expectations] == [
        ("- 51 passed\n- 0 failed", None)
    ]
    assert [(c.text, c.line) for c in block.commands] == [("pytest -q", None)]


def test_a_command_followed_by_its_exit_status_is_split() -> None:
    block = split_verify(
        "<automated>swift test --filter NoteWriterTests exits 0 with all tests passing</automated>",
        4,
    )
    [cmd] = block.commands
    assert (cmd.text, cmd.line) == ("swift test --filter NoteWriterTests", 4)
    assert [(e.kind, e.text) for e in cmd.expectations] == [
        (ExpectationKind.EXPECTED, "exits 0 with all tests passing")
    ]
    assert split_verify("The suite exits 0", 1).commands == []  # no command before it: prose
