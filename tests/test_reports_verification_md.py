"""VERIFICATION.md: seed-000 structure, YAML frontmatter, escaping, byte-identical re-runs, loader round trip."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import SEED_VERIFICATION
from reports_factories import T0, T1, artifact, build, cmd, ev, link, plan, split_frontmatter, truth

from planner.documents.models import Verification
from planner.errors import GsdError
from planner.reports.phase import CompletenessFinding, CompletenessKind, PhaseVerification
from planner.reports.templates import (
    TemplateError,
    md_cell,
    md_code,
    render_string,
    render_template,
    template_text,
)
from planner.reports.verification_md import (
    previous_verified,
    render_verification,
    write_verification,
)
from planner.results import (
    ArtifactStatus,
    CommandStatus,
    HumanCheck,
    LinkStatus,
    MarkerHit,
    TestCounts,
    TruthSource,
    TruthStatus,
)

HEADINGS = [
    "# Phase 26: CI/CD Fixes Verification Report",
    "## Goal Achievement",
    "### Observable Truths",
    "### Required Artifacts",
    "### Key Link Verification",
    "### Requirements Coverage",
    "### Commands Run",
    "### Anti-Patterns Found",
    "### Human Verification Required",
    "### Gaps Summary",
]


def sample(**over: object) -> PhaseVerification:
    p = plan(
        truths=[
            truth(
                "Tests can create User objects without TypeError",
                TruthStatus.PARTIAL,
                reason="19 errors",
                evidence=[
                    ev(
                        "backend/tests/test_feedback_enhanced.py",
                        42,
                        "UNIQUE constraint failed: users.email",
                    )
                ],
            ),
            truth(
                "SQLAlchemy relationship reference resolves correctly",
                evidence=[ev("backend/saas/models.py", 7, 'relationship("Subscription")')],
            ),
            truth(
                "Docs read well", judged=True, source=TruthSource.AGENT, reason="agent liked them"
            ),
            truth("Waiver accepted", source=TruthSource.OVERRIDE),
            truth("UI looks right", TruthStatus.UNCERTAIN),
        ],
        artifacts=[
            artifact("backend/saas/models.py", provides="Fixed relationship reference", lines=120),
            artifact(
                "backend/tests/test_x.py",
                ArtifactStatus.STUB,
                markers=[
                    MarkerHit(
                        file="backend/tests/test_x.py",
                        line=3,
                        marker="TODO",
                        text="# TODO: write",
                        severity="blocker",
                    )
                ],
            ),
        ],
        links=[
            link(
                "saas/models.py",
                "ecommerce.models.Subscription",
                via='relationship("Subscription")',
            ),
            link(
                "test_atom_governance.py",
                "AtomMetaAgent.execute()",
                LinkStatus.PARTIAL,
                reason="match only in target",
            ),
        ],
        commands=[
            cmd(
                "pytest tests/ -q",
                CommandStatus.FAILED,
                duration=3.21,
                output_tail="1 failed, 4 passed in 0.31s",
                test_counts=TestCounts(runner="pytest", passed=4, failed=1),
            ),
            cmd("grep -c x a | wc -l", duration=0.01),
        ],
        human=[
            HumanCheck(
                test="Open the dashboard", expected="Charts render", why_human="visual check"
            )
        ],
    )
    kw: dict[str, object] = {
        "completeness": [
            CompletenessFinding(
                kind=CompletenessKind.UNKNOWN_COMMIT,
                plan="26-04",
                subject="abc1234",
                detail="commit abc1234 not found in git",
            )
        ]
    }
    kw.update(over)
    return build([p], **kw)


def headings(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if re.match(r"^#{1,3} ", ln)]


def test_headings_in_seed_order(seeds_dir: Path) -> None:
    text = render_verification(sample())
    assert headings(text) == HEADINGS
    seed = (seeds_dir / SEED_VERIFICATION).read_text(encoding="utf-8")
    common = [
        h for h in headings(seed) if h in HEADINGS
    ]  # the seed's own order of the shared sections
    assert common == [h for h in HEADINGS if h in common] and len(common) == 9


def test_header_lines_and_footer() -> None:
    text = render_verification(sample())
    _, body = split_frontmatter(text)
    lines = body.splitlines()
    i = lines.index("# Phase 26: CI/CD Fixes Verification Report")
    assert lines[i + 2 : i + 6] == [
        "**Phase Goal:** Fix failing tests across all phases to achieve 100% CI pass rate",
        f"**Verified:** {T0}",
        "**Status:** gaps_found",
        "**Re-verification:** No — initial verification",
    ]
    assert (
        "**Score:** 4/9 must-haves verified (44.4%) — truths 2/5, artifacts 1/2, key links 1/2; commands 1/2 passed; 1 truths judged by an agent, not counted"
        in lines
    )
    assert lines[-5:-1] == [
        f"_Verified: {T0}_",
        "_Verifier: gsd 0.1.0 (deterministic)_",
        "_Plans checked: 26-04 (.planning/phases/26-ci-cd-fixes/26-04-PLAN.md)_",
        "",
    ]
    assert re.fullmatch(r"<!-- gsd:results sha256=[0-9a-f]{16} file=[0-9a-f]{16} -->", lines[-1])


def test_tables_rows_and_symbols() -> None:
    text = render_verification(sample())
    assert (
        "| 1 | Tests can create User objects without TypeError | ⚠️ PARTIAL | 19 errors<br>"
        "backend/tests/test_feedback_enhanced.py:42: UNIQUE constraint failed: users.email |"
    ) in text
    assert "| 2 | SQLAlchemy relationship reference resolves correctly | ✓ VERIFIED |" in text
    assert "| 3 | Docs read well | ⚖️ JUDGED PASS (agent, unconfirmed) | agent liked them |" in text
    assert "| 4 | Waiver accepted | ✓ PASSED (override) | — |" in text
    assert "| 5 | UI looks right | ? UNCERTAIN | — |" in text
    assert (
        "| `backend/saas/models.py` | Fixed relationship reference | ✓ VERIFIED | 120 lines |"
        in text
    )
    assert (
        '| `saas/models.py` | `ecommerce.models.Subscription` | relationship("Subscription") | ✓ WIRED | — |'
    ) in text
    assert (
        "| `pytest tests/ -q` | 26-04 | — | ✗ failed | 1 | 3.2s | pytest: 4 passed, 1 failed, 0 errors, 0 skipped<br>"
        "1 failed, 4 passed in 0.31s |"
    ) in text
    assert "| `grep -c x a \\| wc -l` | 26-04 | — | ✓ passed | 0 | 0.0s | — |" in text
    assert (
        "| backend/tests/test_x.py | 3 | TODO: # TODO: write | 🛑 Blocker | Stub: the artifact is not substantive |"
        in text
    )
    # the judged truth is never shown as verified
    judged_row = next(
        ln for ln in text.splitlines() if "Docs read well" in ln and ln.startswith("|")
    )
    assert "VERIFIED" not in judged_row


def test_human_items_numbered_like_seed() -> None:
    text = render_verification(sample())
    section = text.split("### Human Verification Required\n", 1)[1].split("### Gaps Summary", 1)[0]
    assert section.startswith(
        "\n#### 1. Docs read well\n\n**Test:** Docs read well\n**Expected:** A person confirms"
    )
    assert (
        "#### 3. Open the dashboard\n\n**Test:** Open the dashboard\n**Expected:** Charts render\n**Why human:** visual check\n"
        in section
    )


def test_cells_escape_pipes_and_newlines() -> None:
    p = plan(truths=[truth("a | b\nc", TruthStatus.FAILED, reason="x|y\r\nz")])
    text = render_verification(build([p]))
    rows = [
        ln
        for ln in text.split("### Observable Truths", 1)[1].split("**Score:**", 1)[0].splitlines()
        if ln.startswith("|")
    ]
    assert rows[2] == "| 1 | a \\| b<br>c | ✗ FAILED | x\\|y<br>z |"
    assert len(rows) == 3


def test_frontmatter_is_yaml_with_design_keys() -> None:
    tricky = 'Quote " and colon: here # not a comment, ünïcode ✓'
    pv = sample()
    pv.plans[0].truths.append(truth(tricky, TruthStatus.FAILED, reason="line1\nline2"))
    pv = build(pv.plans, completeness=pv.completeness)
    fm, _ = split_frontmatter(render_verification(pv))
    assert list(fm) == [
        "phase",
        "verified",
        "status",
        "score",
        "overrides",
        "gaps",
        "human_verification",
    ]
    assert (fm["phase"], fm["verified"], fm["status"], fm["score"]) == (
        "26-ci-cd-fixes",
        T0,
        "gaps_found",
        "4/10 must-haves verified",
    )
    assert len(fm["gaps"]) == len(pv.gaps) == 6
    assert fm["gaps"][1] == {
        "truth": tricky,
        "status": "failed",
        "reason": "line1\nline2",
        "artifacts": [],
        "missing": [],
    }
    assert set(fm["gaps"][0]) == {"truth", "status", "reason", "artifacts", "missing"}
    assert [h["test"] for h in fm["human_verification"]] == [
        "Docs read well",
        "UI looks right",
        "Open the dashboard",
    ]
    assert all(set(h) == {"test", "expected", "why_human"} for h in fm["human_verification"])


def test_re_verification_in_frontmatter_and_body() -> None:
    from reports_factories import verification_from_text

    first = sample()
    second = sample(previous=verification_from_text(render_verification(first)), verified_at=T1)
    text = render_verification(second)
    fm, body = split_frontmatter(text)
    assert list(fm)[:5] == ["phase", "verified", "status", "score", "re_verification"]
    assert fm["re_verification"]["previous_status"] == "gaps_found"
    assert len(fm["re_verification"]["gaps_remaining"]) == len(second.gaps)
    assert (
        "**Re-verification:** Yes — previous status gaps_found (4/9 must-haves verified); 0 gaps closed, 5 remaining, 0 regressions"
        in body
    )


def test_nothing_to_check_is_not_a_pass() -> None:
    text = render_verification(build([plan()]))
    fm, body = split_frontmatter(text)
    assert (fm["status"], fm["score"]) == ("nothing_to_check", "0/0 must-haves verified")
    assert (
        "Nothing to check: no checkable must-have and no command ran. This is not a pass." in body
    )
    assert "_No truths declared._" in body and "_No commands run._" in body


# ---------------------------------------------------------------------------------------------
# Writing


def test_byte_identical_rerun(tmp_path: Path) -> None:
    path = tmp_path / "26-VERIFICATION.md"
    assert write_verification(path, sample()) is True
    before = path.read_bytes()
    os.utime(path, (1_000_000, 1_000_000))
    # same results an hour later: new timestamp, other durations and output timings
    again = sample(verified_at=T1)
    for c in again.plans[0].commands:
        c.duration += 1.7
        c.output_tail = c.output_tail.replace("0.31s", "0.52s")
    assert write_verification(path, again) is False
    assert path.read_bytes() == before and path.stat().st_mtime == 1_000_000
    assert write_verification(path, sample(verified_at=T1)) is False
    # a changed result rewrites the file with the new time
    changed = sample(verified_at=T1)
    changed.plans[0].truths[0].status = TruthStatus.FAILED
    changed = build(changed.plans, completeness=changed.completeness, verified_at=T1)
    assert write_verification(path, changed) is True
    assert previous_verified(path.read_text(encoding="utf-8")) == T1
    assert "| 1 | Tests can create User objects without TypeError | ✗ FAILED |" in path.read_text(
        encoding="utf-8"
    )


def test_hand_edited_report_is_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "26-VERIFICATION.md"
    write_verification(path, sample())
    forged = path.read_text(encoding="utf-8").replace("status: gaps_found", "status: passed")
    path.write_text(forged, encoding="utf-8")
    assert write_verification(path, sample(verified_at=T1)) is True
    assert "status: gaps_found" in path.read_text(encoding="utf-8")


def test_foreign_report_is_replaced(tmp_path: Path, seeds_dir: Path) -> None:
    path = tmp_path / "26-VERIFICATION.md"
    path.write_text((seeds_dir / SEED_VERIFICATION).read_text(encoding="utf-8"), encoding="utf-8")
    assert write_verification(path, sample()) is True
    assert path.read_text(encoding="utf-8").endswith("-->\n")


def test_write_to_a_directory_is_a_located_error(tmp_path: Path) -> None:
    target = tmp_path / "26-VERIFICATION.md"
    target.mkdir()
    with pytest.raises(GsdError) as info:
        write_verification(target, sample())
    assert info.value.code == "GSD720" and info.value.file == str(target)
    assert list(tmp_path.iterdir()) == [target]  # no temp file left behind
    assert list(target.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "stamp"),
    [
        ("---\nphase: x\nverified: '2026-02-18T21:30:00Z'\n---\n", "2026-02-18T21:30:00Z"),
        ("---\nverified: 2026-02-18T21:30:00Z\n---\nverified: later\n", "2026-02-18T21:30:00Z"),
        ("no frontmatter\nverified: x\n", None),
    ],
)
def test_previous_verified(text: str, stamp: str | None) -> None:
    assert previous_verified(text) == stamp


# ---------------------------------------------------------------------------------------------
# Templates


def test_strict_undefined_fails_loudly() -> None:
    with pytest.raises(TemplateError) as info:
        render_template("VERIFICATION.md.j2", frontmatter="x: 1\n")
    assert info.value.code == "GSD711"
    with pytest.raises(TemplateError, match="GSD711"):
        render_string("{{ missing_variable }}")
    with pytest.raises(TemplateError, match="GSD710"):
        template_text("NO-SUCH-TEMPLATE.j2")


def test_template_is_the_source_file_when_not_installed() -> None:
    repo_template = Path(__file__).resolve().parent.parent / "templates" / "VERIFICATION.md.j2"
    assert template_text("VERIFICATION.md.j2") == repo_template.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "cell", "code"),
    [
        ("a|b", "a\\|b", "`a|b`"),
        ("x\r\ny\nz", "x<br>y<br>z", "`x y z`"),
        ("use `git log`", "use `git log`", "`` use `git log` ``"),
        ("a `b` c", "a `b` c", "``a `b` c``"),
        ("`edge`", "`edge`", "`` `edge` ``"),
    ],
)
def test_markdown_filters(value: str, cell: str, code: str) -> None:
    assert (md_cell(value), md_code(value)) == (cell, code)


# ---------------------------------------------------------------------------------------------
# Round trip through the loader (another helper's module; skipped until it exists)


@pytest.mark.skipif(
    importlib.util.find_spec("planner.documents.loader") is None, reason="loader not written yet"
)
def test_round_trip_through_loader(tmp_path: Path) -> None:
    from planner.documents.loader import load_verification

    pv = sample()
    path = tmp_path / "26-VERIFICATION.md"
    write_verification(path, pv)
    loaded = load_verification(path)
    doc = loaded.doc
    assert isinstance(doc, Verification), loaded.diagnostics
    assert [d.format() for d in loaded.diagnostics if d.severity.value == "error"] == []
    assert (doc.status, doc.score) == ("gaps_found", "4/9 must-haves verified")
    assert (doc.score_verified, doc.score_total) == (4, 9)
    assert len(doc.gaps) == len(pv.gaps) and len(doc.human_verification) == len(
        pv.human_verification
    )
    assert doc.is_complete is False
    assert (
        yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])["status"] == "gaps_found"
    )


@pytest.mark.skipif(
    importlib.util.find_spec("planner.documents.loader") is None, reason="loader not written yet"
)
def test_re_verification_through_loader(tmp_path: Path) -> None:
    """Run 1 passes, run 2 regresses (gaps_found over previous passed), run 3 reads run 2 back:
    the report with `status: gaps_found` and `previous_status: passed` is never complete."""
    from planner.documents.loader import load_verification

    path = tmp_path / "26-VERIFICATION.md"

    def run(status: TruthStatus, stamp: str) -> PhaseVerification:
        prev = load_verification(path).doc if path.exists() else None
        assert prev is None or isinstance(prev, Verification)
        pv = build(
            [plan(truths=[truth("A holds"), truth("B holds", status)])],
            previous=prev,
            verified_at=stamp,
        )
        write_verification(path, pv)
        return pv

    assert run(TruthStatus.PASSED, T0).status.value == "passed"
    second = run(TruthStatus.FAILED, T1)
    assert second.re_verification is not None
    assert (second.re_verification.previous_status, second.re_verification.regressions) == (
        "passed",
        ["B holds"],
    )
    doc = load_verification(path).doc
    assert isinstance(doc, Verification) and doc.status == "gaps_found" and doc.is_complete is False
    assert doc.re_verification is not None and doc.re_verification.previous_status == "passed"
    third = run(TruthStatus.PASSED, "2026-02-20T08:00:00Z")
    assert third.re_verification is not None
    assert third.re_verification.previous_status == "gaps_found"
    assert (third.re_verification.gaps_closed, third.re_verification.regressions) == (
        ["B holds"],
        [],
    )


def test_digest_covers_verdicts_not_volatile_text() -> None:
    from planner.reports.verification_md import results_digest
    from planner.results import ExpectationResult, ExpectationStatus

    def variant(seconds: str, *, exit_code: int = 1) -> PhaseVerification:
        pv = sample(verified_at=T1)
        failing = pv.plans[0].commands[0]
        failing.fail_lines = [f"FAIL: 1 failed in {seconds}"]
        failing.reason = f"exit {exit_code}; 1 output line starts with FAIL: 1 failed in {seconds}"
        failing.exit_code = exit_code
        failing.duration = float(seconds.rstrip("s"))
        failing.expectations = [
            ExpectationResult(
                text="0 failed", status=ExpectationStatus.UNMET, detail=f"1 failed in {seconds}"
            )
        ]
        pv.plans[0].truths[-1].reason = f"no evidence after {seconds}"
        return pv

    assert results_digest(variant("0.12s")) == results_digest(variant("0.57s"))
    # A verdict-level change (the exit code) is a change.
    assert results_digest(variant("0.12s")) != results_digest(variant("0.12s", exit_code=2))


def test_artifact_details_say_the_line_count_once() -> None:
    pv = build(
        [
            plan(
                artifacts=[
                    artifact(
                        "backend/tests/conftest.py",
                        ArtifactStatus.VERIFIED,
                        reason="exists, 66 lines",
                        lines=66,
                        evidence=[ev("backend/tests/conftest.py", None, "exists, 66 lines")],
                    )
                ]
            )
        ]
    )
    text = render_verification(pv)
    row = next(ln for ln in text.splitlines() if ln.startswith("| `backend/tests/conftest.py`"))
    assert row.endswith("| ✓ VERIFIED | exists, 66 lines |")


def _unchanged_by_rendering(old: str, pv: PhaseVerification) -> bool:
    """The rule as it was first written: re-render with the file's own time, else the marker."""
    from planner.reports.verification_md import _MARKER, _file_digest, results_digest

    stamp = previous_verified(old)
    if stamp and render_verification(pv.model_copy(update={"verified_at": stamp})) == old:
        return True
    m = _MARKER.search(old)
    return bool(m and m["r"] == results_digest(pv) and m["f"] == _file_digest(old[: m.start()]))


def test_unchanged_reads_the_marker_only_with_the_same_answers(seeds_dir: Path) -> None:
    from planner.reports.verification_md import unchanged

    written = render_verification(sample())
    failed = sample(verified_at=T1)
    failed.plans[0].truths[0].status = TruthStatus.FAILED
    failed = build(failed.plans, completeness=failed.completeness, verified_at=T1)
    olds = {
        "as written": written,
        "another time": render_verification(sample(verified_at=T1)),
        "edited body": written.replace("## Goal Achievement", "## Goal  Achievement"),
        "edited status": written.replace("status: gaps_found", "status: passed"),
        "marker only": written[written.rindex("\n<!--") :],
        "no marker": written[: written.rindex("\n<!--") + 1],
        "seed": (seeds_dir / SEED_VERIFICATION).read_text(encoding="utf-8"),
        "empty": "",
    }
    answers = {}
    for name, old in olds.items():
        for pv in (sample(), sample(verified_at=T1), failed):
            assert unchanged(old, pv) == _unchanged_by_rendering(old, pv), name
            answers[name, pv is failed] = unchanged(old, pv)
    assert answers["as written", False] and answers["another time", False]
    assert not answers["as written", True] and not answers["edited status", False]
    assert not answers["edited body", False] and not answers["seed", False]
