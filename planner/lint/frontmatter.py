"""Plan frontmatter: the fields gsd relies on, and ids that agree with the file name.

Levels: `phase` and `plan` identify the plan (error when missing). `type`, `wave`, `depends_on`,
`files_modified` and `autonomous` have safe defaults (warning). A missing `must_haves` is a warning
(verify will say "nothing to check", exit 5); must_haves that exist but hold nothing checkable are
an error (see musthaves.py): the author meant to state checks and gsd cannot run any of them.
"""

from __future__ import annotations

from planner.errors import Diagnostic
from planner.lint.base import ERROR, WARNING, LintDoc
from planner.workspace import normalize

CODES = {
    "GSD301": "plan has no frontmatter",
    "GSD302": "required frontmatter field missing (phase, plan)",
    "GSD303": "recommended frontmatter field missing (type, wave, depends_on, files_modified, autonomous)",
    "GSD304": "must_haves missing: verify has nothing to check",
    "GSD305": "frontmatter phase does not match the phase folder",
    "GSD306": "frontmatter plan does not match the file name",
    "GSD307": "wave must be a whole number of at least 1",
}

REQUIRED = ("phase", "plan")
RECOMMENDED = ("type", "wave", "depends_on", "files_modified", "autonomous")


def check(doc: LintDoc) -> list[Diagnostic]:
    plan = doc.plan
    if plan is None:
        return []
    out: list[Diagnostic] = []
    if not plan.has_frontmatter:
        out.append(
            doc.diag(
                "GSD301",
                ERROR,
                "plan has no frontmatter",
                line=1,
                hint="start the file with a --- block: phase, plan, wave, depends_on, must_haves ...",
            )
        )
        return out
    present = doc.present_keys or _present_from_model(doc)
    for key in REQUIRED:
        if key not in present:
            out.append(
                doc.diag(
                    "GSD302", ERROR, f"frontmatter has no `{key}`", line=1, hint=_id_hint(doc, key)
                )
            )
    for key in RECOMMENDED:
        if key not in present:
            out.append(
                doc.diag(
                    "GSD303",
                    WARNING,
                    f"frontmatter has no `{key}`",
                    line=1,
                    hint=_DEFAULTS[key],
                )
            )
    if "must_haves" not in present:
        out.append(
            doc.diag(
                "GSD304",
                WARNING,
                "frontmatter has no `must_haves`: verify will have nothing to check",
                line=1,
                hint="add must_haves: truths, artifacts (path, provides) and key_links (from, to, pattern)",
            )
        )
    fm = plan.frontmatter
    if fm.wave is not None and fm.wave < 1:
        out.append(
            doc.diag(
                "GSD307",
                ERROR,
                f"wave is {fm.wave}",
                line=doc.line_of("wave"),
                hint="waves count from 1",
            )
        )
    out += _ids_agree(doc)
    return out


_DEFAULTS = {
    "type": "read as `execute`; write `type: execute` (or tdd)",
    "wave": "gsd computes waves from depends_on; write `wave: N` to state it",
    "depends_on": "read as no dependencies; write `depends_on: []`",
    "files_modified": "write the list of files the plan changes",
    "autonomous": "write `autonomous: true` (no checkpoint tasks) or `false`",
}


def _id_hint(doc: LintDoc, key: str) -> str:
    ref = doc.plan_ref
    if ref is not None:
        value = ref.phase.dir.name if key == "phase" else (ref.number or ref.id)
        return f"for this file: `{key}: {value}`"
    return f"write `{key}:` in the frontmatter"


def _present_from_model(doc: LintDoc) -> set[str]:
    """Keys known to be present when the frontmatter could not be located as a --- block."""
    plan = doc.plan
    assert plan is not None
    fm = plan.frontmatter
    present = set(fm.extra)
    for key in ("phase", "plan", "type", "wave", "autonomous"):
        if getattr(fm, key) is not None:
            present.add(key)
    if fm.depends_on:
        present.add("depends_on")
    if fm.files_modified:
        present.add("files_modified")
    if fm.must_haves.checkable_count or fm.must_haves.prose:
        present.add("must_haves")
    return present


def _ids_agree(doc: LintDoc) -> list[Diagnostic]:
    ref, plan = doc.plan_ref, doc.plan
    if ref is None or plan is None:
        return []
    out = []
    fm = plan.frontmatter
    phase = ref.phase
    if fm.phase:
        value = normalize(fm.phase)
        accepted = {phase.key, normalize(phase.number), normalize(phase.dir.name)}
        if value not in accepted and not value.startswith(phase.key + "-"):
            out.append(
                doc.diag(
                    "GSD305",
                    WARNING,
                    f"phase is {fm.phase!r} but the file is in phase {phase.id} ({phase.dir.name})",
                    line=doc.line_of("phase"),
                    hint="gsd names plans by folder and file name; make the frontmatter agree",
                )
            )
    if fm.plan and ref.number:
        value = normalize(fm.plan)
        if value not in (normalize(ref.number), ref.key):
            out.append(
                doc.diag(
                    "GSD306",
                    WARNING,
                    f"plan is {fm.plan!r} but the file name says {ref.number!r} (plan {ref.id})",
                    line=doc.line_of("plan"),
                    hint=f"write `plan: {ref.number}` or rename the file",
                )
            )
    return out
