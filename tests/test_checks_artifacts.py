"""Artifact checks: every status with its exact evidence, confinement, directories, exports."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from planner.checks.artifacts import check_artifact
from planner.checks.engine import CheckContext
from planner.documents.models import Artifact
from planner.results import ArtifactResult, ArtifactStatus

PLAN = ".planning/phases/01-x/01-01-PLAN.md"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    write(
        project,
        "src/service.py",
        """
        import pytest

        __all__ = ["Service"]


        class Service:
            def run(self):
                return 1  # TODO: cache


        @pytest.fixture
        def db_session():
            yield None
        """,
    )
    write(
        project, "src/stub.py", "def a():\n    pass\n\n\ndef b():\n    raise NotImplementedError\n"
    )
    write(project, "src/short.py", "# TODO: write this\nx = 1\n")
    write(project, "src/web.ts", "export function get() {}\nfunction hidden() {}\n")
    write(project, "src/server.go", "package s\n\nfunc Public() {}\n\nfunc helper() {}\n")
    write(tmp_path, "secret.txt", "top secret\n")
    return project


def check(root: Path, **fields: object) -> tuple[ArtifactResult, list[str], CheckContext]:
    ctx = CheckContext.create(root)
    art = Artifact.model_validate({"line": 7, **fields})
    result, diags = check_artifact(art, ctx, PLAN)
    return result, [d.format() for d in diags], ctx


def evidence(result: ArtifactResult) -> list[str]:
    return [e.format() for e in result.evidence]


def test_verified_with_every_claim(root: Path) -> None:
    result, diags, _ = check(
        root,
        path="src/service.py",
        min_lines=10,
        contains=["@pytest.fixture"],
        exports=["Service", "db_session"],
    )
    assert result.status is ArtifactStatus.VERIFIED
    assert result.reason == "exists, 13 lines, contains 1/1, exports 2/2"
    assert evidence(result) == [
        "src/service.py: 13 lines (min_lines 10)",
        "src/service.py:11: @pytest.fixture",
        "src/service.py:6: class Service:",
        "src/service.py:12: def db_session():",
    ]
    assert [(m.line, m.marker, m.severity) for m in result.markers] == [(8, "TODO", "warning")]
    assert result.lines == 13
    assert diags == []


def test_missing(root: Path) -> None:
    result, _, ctx = check(root, path="src/nope.py", contains=["x"])
    assert result.status is ArtifactStatus.MISSING
    assert result.reason == "no such file or directory"
    assert evidence(result) == ["src/nope.py: not found"]
    assert ctx.files.reads == 0


def test_contains_failure(root: Path) -> None:
    result, _, _ = check(root, path="src/service.py", contains=["class Service", "def db("])
    assert result.status is ArtifactStatus.FAILED
    assert result.reason == "does not contain 'def db('"
    assert evidence(result) == [
        "src/service.py: exists, 13 lines",
        "src/service.py:6: class Service:",
    ]


def test_members_of_exported_classes_are_exported(root: Path) -> None:
    result, _, _ = check(root, path="src/service.py", exports=["Service.run"])
    assert result.status is ArtifactStatus.VERIFIED
    assert evidence(result)[-1] == "src/service.py:7: def run(self):"
    missing, _, _ = check(root, path="src/service.py", exports=["Service.stop"])
    assert missing.reason == "does not export 'Service.stop'"


def test_exports_failure_names_the_missing_symbol(root: Path) -> None:
    result, _, _ = check(root, path="src/service.py", exports=["does_not_exist"])
    assert result.status is ArtifactStatus.FAILED
    assert result.reason == "does not export 'does_not_exist'"


def test_declared_but_not_exported(root: Path) -> None:
    go, _, _ = check(root, path="src/server.go", exports=["Public", "helper"])
    assert go.status is ArtifactStatus.FAILED
    assert go.reason == "declares 'helper' at src/server.go:5 but does not export it"
    assert evidence(go) == ["src/server.go: exists, 5 lines", "src/server.go:3: func Public() {}"]
    ts, _, _ = check(root, path="src/web.ts", exports=["get", "hidden"])
    assert ts.reason == "declares 'hidden' at src/web.ts:2 but does not export it"


def test_min_lines_failure_alone(root: Path) -> None:
    result, _, _ = check(root, path="src/web.ts", min_lines=10)
    assert result.status is ArtifactStatus.FAILED
    assert result.reason == "2 lines, min_lines is 10"
    assert evidence(result) == ["src/web.ts: 2 lines (min_lines 10)"]


def test_stub_when_functions_are_placeholders(root: Path) -> None:
    result, _, _ = check(root, path="src/stub.py", exports=["a", "b"])
    assert result.status is ArtifactStatus.STUB
    assert result.reason == "stub: 2 of 2 functions have placeholder bodies (a, b)"
    assert [(m.line, m.marker, m.severity) for m in result.markers] == [
        (1, "stub", "blocker"),
        (5, "stub", "blocker"),
        (6, "NotImplementedError", "blocker"),
    ]


def test_stub_when_short_and_marked(root: Path) -> None:
    result, _, _ = check(root, path="src/short.py", min_lines=20)
    assert result.status is ArtifactStatus.STUB
    assert result.reason == (
        "stub: below min_lines and has 1 debt/stub marker(s); 2 lines, min_lines is 20"
    )
    assert [(m.line, m.marker, m.severity) for m in result.markers] == [(1, "TODO", "warning")]


def test_short_file_with_markers_but_no_min_lines_is_verified(root: Path) -> None:
    result, _, _ = check(root, path="src/short.py")
    assert result.status is ArtifactStatus.VERIFIED
    assert result.reason == "exists, 2 lines"
    assert [m.marker for m in result.markers] == ["TODO"]


def test_empty_file_is_a_stub(root: Path) -> None:
    write(root, "src/empty.py", "")
    result, _, _ = check(root, path="src/empty.py")
    assert result.status is ArtifactStatus.STUB
    assert result.reason == "stub: empty file"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../../etc/passwd", "outside the project ('..' escapes the project root)"),
        ("../secret.txt", "outside the project ('..' escapes the project root)"),
        ("/etc/passwd", "outside the project (absolute path)"),
    ],
)
def test_paths_outside_the_project_are_refused_not_read(root: Path, path: str, reason: str) -> None:
    result, diags, ctx = check(root, path=path, contains=["root"])
    assert result.status is ArtifactStatus.FAILED
    assert result.reason == reason
    assert evidence(result) == [f"{path}: refused, not read"]
    assert diags == [f"{PLAN}:7: warning[GSD401]: artifact {path!r}: {reason}"]
    assert ctx.files.reads == 0


def test_symlink_out_of_the_project_is_refused(root: Path) -> None:
    (root / "src" / "leak.txt").symlink_to(root.parent / "secret.txt")
    result, diags, ctx = check(root, path="src/leak.txt", contains=["top secret"])
    assert result.status is ArtifactStatus.FAILED
    assert result.reason.startswith("outside the project (symlink to ")
    assert ctx.files.reads == 0
    assert diags[0].startswith(
        f"{PLAN}:7: warning[GSD401]: artifact 'src/leak.txt': outside the project"
    )


def test_directory_exists(root: Path) -> None:
    result, _, _ = check(root, path="src/")
    assert result.status is ArtifactStatus.VERIFIED
    assert result.reason == "exists (directory, 5 files)"
    assert evidence(result) == ["src: directory, 5 files"]


def test_directory_claims_apply_to_the_files_under_it(root: Path) -> None:
    result, _, _ = check(
        root, path="src", min_lines=20, contains=["func Public"], exports=["Service", "get"]
    )
    assert result.status is ArtifactStatus.VERIFIED
    assert evidence(result) == [
        "src: directory, 5 files",
        "src: 28 lines in 5 files",
        "src/server.go:3: func Public() {}",
        "src/service.py:6: class Service:",
        "src/web.ts:1: export function get() {}",
    ]
    failed, _, _ = check(root, path="src", exports=["Nowhere"], min_lines=1000)
    assert failed.status is ArtifactStatus.FAILED
    assert (
        failed.reason == "28 lines in all its files, min_lines is 1000; does not export 'Nowhere'"
    )


def test_glob_artifacts(root: Path) -> None:
    result, _, _ = check(root, path="src/*.py", contains=["raise NotImplementedError"])
    assert result.status is ArtifactStatus.VERIFIED
    assert evidence(result) == [
        "src/*.py: 3 files match",
        "src/stub.py:6: raise NotImplementedError",
    ]
    none, _, _ = check(root, path="lib/*.py")
    assert none.status is ArtifactStatus.MISSING
    assert evidence(none) == ["lib/*.py: no file matches"]
    out, diags, _ = check(root, path="../*.txt")
    assert out.status is ArtifactStatus.FAILED and diags[0].endswith(
        "(glob leaves the project root)"
    )


def test_prose_exports_are_listed_not_checked(root: Path) -> None:
    result, diags, _ = check(root, path="src/service.py", exports=["main entrypoint", "Service"])
    assert result.status is ArtifactStatus.VERIFIED
    assert result.reason == "exists, 13 lines, exports 1/1"
    assert "export 'main entrypoint': prose, not checked" in evidence(result)
    assert diags == [
        f"{PLAN}:7: info[GSD409]: artifact src/service.py: export 'main entrypoint' is not a symbol "
        'name; not checked (hint: list identifiers under exports, e.g. exports: ["main"])'
    ]


def test_path_followed_by_a_note(root: Path) -> None:
    result, _, _ = check(root, path="src/web.ts (new)")
    assert result.status is ArtifactStatus.VERIFIED
    assert evidence(result) == ["src/web.ts: exists, 2 lines"]


def test_truncated_file_is_reported(root: Path) -> None:
    write(root, "big.log", "line\n" * 400)
    ctx = CheckContext.create(root, max_file_bytes=1000)
    result, diags = check_artifact(Artifact(path="big.log", contains=["zzz"], line=3), ctx, PLAN)
    assert result.status is ArtifactStatus.FAILED
    assert (
        result.reason
        == "does not contain 'zzz' (only the first part of a truncated file was searched)"
    )
    assert diags[0].format() == (
        f"{PLAN}:3: warning[GSD405]: artifact big.log is 2000 bytes: only the first 1000 bytes were checked"
    )


def test_a_file_named_by_many_artifacts_is_read_once(root: Path) -> None:
    ctx = CheckContext.create(root)
    for i in range(6):
        art = Artifact(path="src/service.py", contains=["class"], exports=["Service"], min_lines=i)
        result, _ = check_artifact(art, ctx, PLAN)
        assert result.status is ArtifactStatus.VERIFIED
    assert ctx.files.read_counts == {"src/service.py": 1}


def test_inline_exports_that_do_not_exist_fail_through_the_loader(
    tmp_path: Path, root: Path
) -> None:
    from planner.documents.loader import load_plan

    plan_path = root / PLAN
    plan_path.parent.mkdir(parents=True)
    plan_path.write_text(
        "---\nphase: 01-x\nplan: 01\nmust_haves:\n  artifacts:\n"
        '    - {path: "src/service.py", exports: ["does_not_exist"]}\n'
        '    - path: src/web.ts\n      exports: ["get"]\n---\n\nBody.\n'
    )
    plan = load_plan(plan_path).doc
    assert plan is not None
    ctx = CheckContext.create(root)
    results = [check_artifact(a, ctx, PLAN)[0] for a in plan.must_haves.artifacts]
    assert [(r.status, r.reason) for r in results] == [
        (ArtifactStatus.FAILED, "does not export 'does_not_exist'"),
        (ArtifactStatus.VERIFIED, "exists, 2 lines, exports 1/1"),
    ]


def test_a_broken_file_parsed_for_stubs_gets_the_syntax_error_note(root: Path) -> None:
    write(root, "src/broken.py", "def run(:\n    pass\n\n\ndef ok():\n    return 1\n")
    result, diags, ctx = check(root, path="src/broken.py", exports=["ok"])
    assert ctx.symbols.parsed == 1  # `pass` may be a stub body: parsed, by the line scan
    assert any("GSD408" in d and "syntax error at line 1" in d for d in diags)
    assert result.status is ArtifactStatus.STUB  # 1 of 2 functions is `pass`


def test_exports_alone_need_no_parse_so_no_note_about_one(root: Path) -> None:
    # No word a stub body needs: the export is settled by the scan (the same answer the parse
    # and the line scan give), nothing is parsed, and no note describes a parse never made.
    write(root, "src/broken.py", "def run(:\n    return 2\n\n\ndef ok():\n    return 1\n")
    result, diags, ctx = check(root, path="src/broken.py", exports=["ok"])
    assert ctx.symbols.parsed == 0
    assert not any("GSD408" in d for d in diags)
    assert result.status is ArtifactStatus.VERIFIED
    assert [e.line for e in result.evidence if e.line] == [5]
