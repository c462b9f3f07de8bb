"""Phase completeness: plans without a SUMMARY, and what each SUMMARY claims that gsd can check.

Claims read from a SUMMARY:
- files: `key-files` in the frontmatter (every category but deleted/removed ones), and backticked
  project paths in the tables of its Artifacts / Files sections (a path has a `/`, a file name
  with an extension or a trailing `/`, no spaces; absolute, home-relative and URL paths are not
  project paths). Each must exist under the project root; a path that leaves the project is
  reported (not blocking) and never looked at.
- commits: the frontmatter's `commits` and hashes in the body (backticked, after the word
  "commit", or leading a line of a Commits section; outside code fences; 7-40 hex digits with at
  least one digit and one letter, so numbers and words are not hashes). All are checked with one
  `git cat-file --batch-check`. Outside a git repository (or without git) that is one
  non-blocking finding per SUMMARY; in a shallow clone a missing commit is not blocking.

Every finding carries the SUMMARY file and line where the claim is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import field
from pathlib import Path

from planner.checks.paths import PathRefused, resolve_inside
from planner.documents.lazyre import lazy_re
from planner.documents.loader import load_summary
from planner.documents.models import Summary
from planner.errors import Diagnostic, Severity, has_errors
from planner.records import record
from planner.reports.phase import CompletenessFinding, CompletenessKind
from planner.results import Evidence

CODES = {
    "GSD912": "a SUMMARY names a path outside the project: not checked",
}

GIT_TIMEOUT = 20.0
NOT_A_REPO = "cannot check commits: not a git repository"

_FENCE = lazy_re(r"^\s*(`{3,}|~{3,})")
_HEADING = lazy_re(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BACKTICKED = lazy_re(r"`([^`\n]+)`")
_FILES_SECTION = lazy_re(r"artifact|file", re.I)
_COMMITS_SECTION = lazy_re(r"commit", re.I)
_GONE = lazy_re(r"\b(delet|remov)", re.I)
_PATH_CHARS = lazy_re(r"^[\w./@+-]+$")
_EXTENSION = lazy_re(r"\.[A-Za-z0-9]{1,10}$")
_LINE_SUFFIX = lazy_re(r"(?::\d+(?:-\d+)?|::[\w.]+|#L\d+(?:-L?\d+)?)$")
_HEX = r"[0-9a-f]{7,40}"
_HASH_PATTERNS = (
    lazy_re(rf"`({_HEX})`"),
    lazy_re(rf"\b[Cc]ommit(?:s|ted)?\b[\s:*`(#-]{{0,6}}({_HEX})\b"),
)
_SECTION_HASH = lazy_re(rf"^\s*(?:[-*+]|\d+[.)])?\s*\|?\s*(?:\*\*)?`?({_HEX})\b")


@record
class Claim:
    subject: str  # the path or hash
    line: int | None  # 1-based line in the SUMMARY file
    text: str  # that line, stripped


@record
class SummaryClaims:
    files: list[Claim] = field(default_factory=list)
    commits: list[Claim] = field(default_factory=list)


def _is_hash(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def looks_like_project_path(text: str) -> bool:
    t = text.strip()
    if not t or "://" in t or t.startswith(("/", "~", "-")) or "/" not in t:
        return False
    if not _PATH_CHARS().match(t):
        return False
    last = t.rstrip("/").rsplit("/", 1)[-1]
    return t.endswith("/") or bool(_EXTENSION().search(last))


def _clean_path(text: str) -> str:
    t = _LINE_SUFFIX().sub("", text.strip())
    return t[2:] if t.startswith("./") else t


def _line_of(lines: Sequence[str], needle: str) -> tuple[int | None, str]:
    for i, line in enumerate(lines, 1):
        if needle in line:
            return i, line.strip()
    return None, ""


def _body_lines(
    summary: Summary, file_lines: Sequence[str]
) -> Iterable[tuple[int, str, list[str]]]:
    """(line number in the file, line, active heading titles) for body lines outside code fences."""
    fence: str | None = None
    headings: dict[int, str] = {}
    first = summary.body_line
    for offset, line in enumerate(summary.body.splitlines()):
        number = first + offset
        m = _FENCE().match(line)
        if m:
            if fence is None:
                fence = m.group(1)[0]
            elif m.group(1)[0] == fence:
                fence = None
            continue
        if fence is not None:
            continue
        h = _HEADING().match(line)
        if h:
            level = len(h.group(1))
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = h.group(2)
            continue
        text = file_lines[number - 1] if 0 < number <= len(file_lines) else line
        yield number, text, list(headings.values())


def read_claims(summary: Summary, file_text: str) -> SummaryClaims:
    lines = file_text.splitlines()
    claims = SummaryClaims()
    seen_files: set[str] = set()
    seen_commits: set[str] = set()

    def add_file(path: str, line: int | None, text: str) -> None:
        path = _clean_path(path)
        if path and path not in seen_files:
            seen_files.add(path)
            claims.files.append(Claim(path, line, text))

    def add_commit(sha: str, line: int | None, text: str) -> None:
        if sha not in seen_commits:
            seen_commits.add(sha)
            claims.commits.append(Claim(sha, line, text))

    for category, paths in summary.key_files.items():
        if _GONE().search(category):
            continue
        for path in paths:
            line, text = _line_of(lines, path)
            add_file(path, line, text)
    for sha in summary.commits:
        line, text = _line_of(lines, sha)
        add_commit(sha, line, text)
    for number, row, headings in _body_lines(summary, lines):
        stripped = row.strip()
        in_files = any(_FILES_SECTION().search(h) for h in headings)
        if in_files and stripped.startswith("|") and not _GONE().search(stripped):
            for m in _BACKTICKED().finditer(stripped):
                if looks_like_project_path(m.group(1)):
                    add_file(m.group(1), number, stripped)
        found = [m.group(1) for p in _HASH_PATTERNS for m in p().finditer(row)]
        if any(_COMMITS_SECTION().search(h) for h in headings):
            hit = _SECTION_HASH().match(row)
            if hit:
                found.append(hit.group(1))
        for sha in sorted(set(found), key=row.find):
            if _is_hash(sha):
                add_commit(sha, number, stripped)
    return claims


# ---------------------------------------------------------------------------------------------
# git


@record
class GitProbe:
    ok: bool
    shallow: bool = False
    why: str = ""


def probe_git(root: Path) -> GitProbe:
    out = _git(root, ["rev-parse", "--is-inside-work-tree", "--is-shallow-repository"])
    if out is None:
        return GitProbe(False, why="git is not installed or failed")
    if isinstance(out, int):
        return GitProbe(False, why="not a git repository")
    answers = out.split()
    return GitProbe(True, shallow=len(answers) > 1 and answers[1] == "true")


def missing_commits(root: Path, hashes: Sequence[str]) -> set[str] | None:
    """The hashes git does not know as commits; None when git cannot be asked."""
    if not hashes:
        return set()
    query = "".join(f"{h}^{{commit}}\n" for h in hashes)
    out = _git(root, ["cat-file", "--batch-check"], stdin=query)
    if out is None or isinstance(out, int):
        return None
    answers = out.splitlines()
    missing: set[str] = set()
    for sha, answer in zip(hashes, answers, strict=False):
        # "<sha> commit <size>" when found; "<query> missing" / "<query> ambiguous" otherwise.
        # An ambiguous short hash matches several objects: it exists, do not call it missing.
        if answer.endswith(" missing"):
            missing.add(sha)
    missing.update(hashes[len(answers) :])
    return missing


def _git(root: Path, args: list[str], stdin: str | None = None) -> str | int | None:
    import subprocess  # only a SUMMARY that cites commits gets here

    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=root,
            env=env,
            input=(stdin or "").encode(),
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return proc.returncode
    return proc.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# Findings


@record
class PlanSummary:
    """What the completeness step needs about one plan."""

    plan_id: str
    plan_path: str  # project-relative
    summary_path: Path  # absolute
    summary_rel: str  # project-relative


@record
class CompletenessResult:
    findings: list[CompletenessFinding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # plan id -> the SUMMARY's `requirements-completed` (a claim, for Requirements Coverage)
    requirements_completed: dict[str, list[str]] = field(default_factory=dict)


def check_completeness(root: Path, plans: Sequence[PlanSummary]) -> CompletenessResult:
    out = CompletenessResult()
    pending: list[tuple[PlanSummary, list[Claim]]] = []
    for p in plans:
        if not p.summary_path.is_file():
            out.findings.append(
                CompletenessFinding(
                    kind=CompletenessKind.MISSING_SUMMARY,
                    plan=p.plan_id,
                    detail=f"plan {p.plan_id} has no SUMMARY ({p.summary_rel} does not exist)",
                    evidence=Evidence(file=p.plan_path, text="no SUMMARY next to this plan"),
                    subject=p.summary_rel,
                )
            )
            continue
        loaded = load_summary(p.summary_path)
        diags = [d.model_copy(update={"file": p.summary_rel}) for d in loaded.diagnostics]
        if loaded.doc is None or has_errors(diags) or not isinstance(loaded.doc, Summary):
            first = next((d for d in diags if d.severity is Severity.ERROR), None)
            why = first.message if first else "not a SUMMARY"
            out.findings.append(
                CompletenessFinding(
                    kind=CompletenessKind.MISSING_SUMMARY,
                    plan=p.plan_id,
                    detail=f"the SUMMARY of plan {p.plan_id} cannot be read: {why}",
                    evidence=Evidence(
                        file=p.summary_rel, line=first.line if first else None, text=why
                    ),
                    subject=p.summary_rel,
                )
            )
            continue
        out.diagnostics += diags
        out.requirements_completed[p.plan_id] = list(loaded.doc.requirements_completed)
        text = p.summary_path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
        claims = read_claims(loaded.doc, text)
        out.findings += _file_findings(root, p, claims.files, out.diagnostics)
        if claims.commits:
            pending.append((p, claims.commits))
    out.findings += _commit_findings(root, pending)
    return out


def _evidence(p: PlanSummary, claim: Claim) -> Evidence:
    return Evidence(file=p.summary_rel, line=claim.line, text=claim.text[:200])


def _file_findings(
    root: Path, p: PlanSummary, claims: Sequence[Claim], diags: list[Diagnostic]
) -> list[CompletenessFinding]:
    found: list[CompletenessFinding] = []
    for claim in claims:
        try:
            real = resolve_inside(root, claim.subject)
        except PathRefused as exc:
            diags.append(
                Diagnostic(
                    code="GSD912",
                    severity=Severity.WARNING,
                    message=f"`{claim.subject}` named in the SUMMARY: {exc.reason}; not checked",
                    file=p.summary_rel,
                    line=claim.line,
                )
            )
            continue
        if not real.exists():
            found.append(
                CompletenessFinding(
                    kind=CompletenessKind.MISSING_FILE,
                    plan=p.plan_id,
                    detail=f"`{claim.subject}` named in the SUMMARY does not exist",
                    evidence=_evidence(p, claim),
                    subject=claim.subject,
                )
            )
    return found


def _commit_findings(
    root: Path, pending: Sequence[tuple[PlanSummary, list[Claim]]]
) -> list[CompletenessFinding]:
    if not pending:
        return []
    probe = probe_git(root)
    missing = (
        missing_commits(root, sorted({c.subject for _, cs in pending for c in cs}))
        if probe.ok
        else None
    )
    found: list[CompletenessFinding] = []
    for p, claims in pending:
        if missing is None:
            why = (
                NOT_A_REPO
                if probe.why != "git is not installed or failed"
                else ("cannot check commits: git is not installed or failed")
            )
            found.append(
                CompletenessFinding(
                    kind=CompletenessKind.UNKNOWN_COMMIT,
                    plan=p.plan_id,
                    detail=f"{why} ({len(claims)} cited: "
                    + ", ".join(c.subject for c in claims[:5])
                    + (", ..." if len(claims) > 5 else "")
                    + ")",
                    evidence=_evidence(p, claims[0]),
                    blocking=False,
                )
            )
            continue
        for claim in claims:
            if claim.subject not in missing:
                continue
            shallow = (
                " (shallow clone: it may be outside the fetched history)" if probe.shallow else ""
            )
            found.append(
                CompletenessFinding(
                    kind=CompletenessKind.UNKNOWN_COMMIT,
                    plan=p.plan_id,
                    detail=f"commit {claim.subject} cited in the SUMMARY is not in git{shallow}",
                    evidence=_evidence(p, claim),
                    subject=claim.subject,
                    blocking=not probe.shallow,
                )
            )
    return found
