"""Subjects split without `re`, and git run without `subprocess`: same answers as before."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.gitops.commits import GitError, parse_subject, read_commits, run_git

# What parse_subject implements (the regex it replaced, kept here as the reference).
SUBJECT_RE = re.compile(
    r"^(?P<type>[A-Za-z][\w-]*)\((?P<scope>[^()]+)\)(?P<bang>!)?:[ \t]*(?P<text>.*)$"
)


def by_regex(subject: str) -> tuple[str, tuple[str, ...], bool, str] | None:
    m = SUBJECT_RE.match(subject.strip())
    if not m:
        return None
    refs = tuple(r.strip() for r in m.group("scope").split(",") if re.search(r"\d", r))
    if not refs:
        return None
    return (m.group("type"), refs, bool(m.group("bang")), m.group("text").strip())


_PIECES = st.sampled_from(
    [
        "feat",
        "fix",
        "a_b",
        "x-y",
        "é",
        "Ⅻ",
        "٣",
        "(",
        ")",
        "26-04",
        ",",
        " ",
        "\t",
        "\n",
        "\r",
        "!",
        ":",
        ": ",
        "api",
        "1",
        "²",
        "_",
        "-",
        "\u2028",
        "\x0c",
        "text",
    ]
)


@settings(max_examples=1200, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join))
@example("feat(26-04)!: add x")
@example("feat(a, 2 ,b,3x): t")
@example("fix(٣): arabic-indic digit")
@example("feat(26-04):\nbody")
@example("feat(26-04): text\n")
@example("1feat(26-04): digit first")
@example("é(26-04): non-ascii type start")
@example("fé(26-04): non-ascii inside the type")
def test_parse_subject_equals_the_regex(subject: str) -> None:
    parsed = parse_subject(subject)
    got = None if parsed is None else (parsed.type, parsed.refs, parsed.breaking, parsed.text)
    assert got == by_regex(subject)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(tmp_path / "gc"), "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "T"],
        ["config", "user.email", "t@example.com"],
    ):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env=env)
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    subprocess.run(["git", "add", "a.py"], cwd=tmp_path, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "feat(26-04): a"], cwd=tmp_path, check=True, env=env)
    return tmp_path


def test_run_git_output_and_failure(repo: Path) -> None:
    [c] = read_commits(repo, ["-1", "HEAD"])
    assert (c.subject, c.files, c.plan_refs()) == ("feat(26-04): a", ("a.py",), ["26-04"])
    assert run_git(["rev-parse", "HEAD"], repo).strip() == c.sha
    with pytest.raises(GitError) as err:
        run_git(["rev-parse", "--verify", "nope"], repo)
    assert str(err.value) == "git rev-parse --verify failed: fatal: Needed a single revision"
    with pytest.raises(GitError) as err:
        run_git(["log"], repo / "missing")
    assert str(err.value) == f"git log: [Errno 2] No such file or directory: '{repo / 'missing'}'"


def test_run_git_reads_large_stdout_and_stderr_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both pipes are drained as they fill: 1 MB on each never blocks git."""
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    fake.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "for _ in range(256):\n"
        "    sys.stderr.write('e' * 4095 + '\\n'); sys.stdout.write('o' * 4095 + '\\n')\n"
        "sys.exit(1 if sys.argv[3:] == ['fail'] else 0)\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert run_git(["ok"], tmp_path) == ("o" * 4095 + "\n") * 256
    with pytest.raises(GitError, match=r"^git fail failed: e{4095}$"):
        run_git(["fail"], tmp_path)


def test_run_git_times_out_and_kills_what_git_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    pidfile = tmp_path / "sleep.pid"
    fake.write_text(f"#!/bin/sh\nsleep 30 &\necho $! > {pidfile}\nwait\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    started = time.monotonic()
    with pytest.raises(GitError) as err:
        run_git(["log", "-1"], tmp_path, timeout=0.5)
    assert time.monotonic() - started < 5
    assert str(err.value) == (
        "git log -1: Command '['git', 'log', '-1']' timed out after 0.5 seconds"
    )
    sleeper = Path(f"/proc/{pidfile.read_text(encoding='utf-8').strip()}/stat")
    deadline = time.monotonic() + 5
    while sleeper.exists() and sleeper.read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, "the shell's child survived the timeout"
        time.sleep(0.05)


def test_run_git_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError) as err:
        run_git(["log"], tmp_path)
    assert str(err.value) == "git log: [Errno 2] No such file or directory: 'git'"
