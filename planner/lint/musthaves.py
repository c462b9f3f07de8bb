"""must_haves: something checkable, paths that stay in the project, key-link regexes that compile.

Patterns are compiled with the `regex` module and MULTILINE, exactly as verify compiles them
(planner.checks.regexes), so a pattern lint accepts is one verify can run.
"""

from __future__ import annotations

import re
import traceback
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
    if _LITERAL_RE.fullmatch(pattern) or simple_regex(pattern):
        return []  # valid by construction: compiling costs a hundred times more
    try:
        re.compile(pattern, re.MULTILINE)  # 3x faster; `regex` accepts everything `re` does
        return []
    except (re.error, ValueError, OverflowError, RecursionError):
        pass
    import regex  # only for patterns `re` rejects: the authority, as verify compiles with it

    try:
        regex.compile(pattern, regex.MULTILINE)
    except regex.error as exc:
        # regex's parser leaves its error in a reference cycle with the traceback's frames, which
        # would keep this call chain (and every document of the run) alive until a collection.
        traceback.clear_frames(exc.__traceback__)
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


_QUANTIFIERS = frozenset("*+?")
_CLASS_ESCAPES = frozenset("sSwWdD")
_NOT_SIMPLE = frozenset("^$[]{}")


def simple_regex(pattern: str) -> bool:
    """True when `pattern` is in a small subset of regex syntax that `re` and `regex` both always
    compile: literal characters, escaped ASCII punctuation, `.`, `\\s \\S \\w \\W \\d \\D`, `|`,
    balanced plain groups (no `(?`, at most 20 deep) and one `*`, `+` or `?` (optionally lazy)
    after a character, class or group. False means only "not proven": compile it to know.

    Most key-link patterns are like this (`def \\w+\\(`, `import.*from`); each would otherwise
    cost a full compile just to learn that it is valid.
    """
    depth = 0
    repeatable = False  # whether the previous item can take a quantifier
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1 : i + 2]
            if not e or not (e in _CLASS_ESCAPES or (e.isascii() and not e.isalnum() and e != "_")):
                return False  # letter escapes, backreferences, a trailing backslash ...
            repeatable, i = True, i + 2
        elif c in _QUANTIFIERS:
            if not repeatable:
                return False  # nothing to repeat, or a second quantifier
            i += 2 if pattern[i + 1 : i + 2] == "?" else 1
            repeatable = False
        elif c == "(":
            depth += 1
            if pattern[i + 1 : i + 2] == "?" or depth > 20:
                return False
            repeatable, i = False, i + 1
        elif c == ")":
            if depth == 0:
                return False
            depth, repeatable, i = depth - 1, True, i + 1
        elif c == "|":
            repeatable, i = False, i + 1
        elif c in _NOT_SIMPLE:
            return False  # anchors, classes and counted repeats: left to the compiler
        else:
            repeatable, i = True, i + 1  # a literal character or `.`
    return depth == 0
