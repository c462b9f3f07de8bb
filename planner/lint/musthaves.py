"""must_haves: something checkable, paths that stay in the project, key-link regexes that compile.

Patterns are compiled with the `regex` module and MULTILINE, exactly as verify compiles them
(planner.checks.regexes), so a pattern lint accepts is one verify can run.
"""

from __future__ import annotations

import re
from pathlib import Path

from planner.checks.paths import PathRefused, clean_spec, resolve_inside
from planner.errors import Diagnostic
from planner.lint.base import ERROR, WARNING, LintContext, LintDoc

CODES = {
    "GSD320": "must_haves present but nothing in it can be checked",
    "GSD322": "artifact path outside the project",
    "GSD323": "key link path outside the project",
    "GSD324": "key link pattern is not a valid regex",
    "GSD325": "path written absolute or with '..' (inside the project, but not portable)",
}

# Plain text: no metacharacter, backslashes only before ASCII punctuation (`Base\.metadata`).
# Such a pattern compiles in every engine (as planner.checks.regexes.literal_of reads it), so
# it needs no compiling here: most key-link patterns in real plans are.
_LITERAL_RE = re.compile(r"(?:[^\\.^$*+?{}\[\]|()]|\\[^\w\x80-\U0010ffff])*")


def check(doc: LintDoc, ctx: LintContext) -> list[Diagnostic]:
    plan = doc.plan
    if plan is None or not plan.has_frontmatter:
        return []
    out: list[Diagnostic] = []
    mh = plan.frontmatter.must_haves
    if "must_haves" in doc.present_keys and mh.checkable_count == 0:
        out.append(
            doc.diag(
                "GSD320",
                ERROR,
                "must_haves has no truths, artifacts or key links gsd can check",
                line=doc.line_of("must_haves"),
                hint="truths: [statements]; artifacts: [{path, provides}]; "
                "key_links: [{from, to, via, pattern}]",
            )
        )
    root = doc.workspace.root if doc.workspace else None
    for i, artifact in enumerate(mh.artifacts):
        where = f"must_haves.artifacts[{i}].path"
        out += _check_path(
            doc, root, artifact.path, where, artifact.line or doc.line_of("must_haves"), "GSD322"
        )
    for i, link in enumerate(mh.key_links):
        line = link.line or doc.line_of("must_haves")
        for end, value in (("from", link.from_), ("to", link.to)):
            spec = clean_spec(value).split("::", 1)[0]
            if _looks_like_path(spec):
                where = f"must_haves.key_links[{i}].{end}"
                out += _check_path(doc, root, spec, where, line, "GSD323")
        if link.pattern:
            out += _check_pattern(doc, link.pattern, f"must_haves.key_links[{i}].pattern", line)
    return out


def _looks_like_path(spec: str) -> bool:
    return spec.startswith(("/", "~")) or ".." in spec.replace("\\", "/").split("/")


def _check_path(
    doc: LintDoc, root: Path | None, value: str, where: str, line: int | None, code: str
) -> list[Diagnostic]:
    spec = clean_spec(value)
    if not spec:
        return []
    if not _looks_like_path(spec):
        return []
    absolute = spec.startswith(("/", "~"))
    outside = True
    if root is not None:
        try:
            resolve_inside(root, spec)
            outside = False
        except PathRefused:
            outside = True
    if outside:
        return [
            doc.diag(
                code,
                ERROR,
                f"{where}: {spec!r} is outside the project; verify refuses to read it",
                line=line,
                hint="write the path relative to the project root (the folder holding .planning/)",
            )
        ]
    return [
        doc.diag(
            "GSD325",
            WARNING,
            f"{where}: {spec!r} is inside the project but written "
            + ("absolute" if absolute else "with '..'"),
            line=line,
            hint="write it relative to the project root so the plan works on any machine",
        )
    ]


def _check_pattern(doc: LintDoc, pattern: str, where: str, line: int | None) -> list[Diagnostic]:
    if _LITERAL_RE.fullmatch(pattern):
        return []
    try:
        re.compile(pattern, re.MULTILINE)  # 3x faster; `regex` accepts everything `re` does
        return []
    except (re.error, ValueError, OverflowError, RecursionError):
        pass
    import regex  # only for patterns `re` rejects: the authority, as verify compiles with it

    try:
        regex.compile(pattern, regex.MULTILINE)
    except regex.error as exc:
        pos = f" at position {exc.pos}" if getattr(exc, "pos", None) is not None else ""
        return [
            doc.diag(
                "GSD324",
                ERROR,
                f"{where}: invalid regex{pos}: {exc.msg if hasattr(exc, 'msg') else exc}",
                line=line,
                hint=f"pattern is {pattern!r}; escape regex characters with a backslash "
                "(in YAML use single quotes so backslashes stay as written)",
            )
        ]
    except (ValueError, OverflowError, RecursionError) as exc:
        return [doc.diag("GSD324", ERROR, f"{where}: invalid regex: {exc}", line=line)]
    return []
