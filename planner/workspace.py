"""Find `.planning/`, list its phases and plans, and resolve the references users type.

STDLIB ONLY at import time: the git post-commit hook imports this module and must start in a few
milliseconds, so pydantic (via `planner.errors`) is imported only on the paths that raise.

Layouts seen in real repositories (../shared/corpus):
  phases/26-ci-cd-fixes/26-04-PLAN.md              normal
  phases/02.1-hotfix/02.1-01-PLAN.md               decimal (inserted) phase; files may be `2.1-01`
  phases/12-tier-1-coverage-push/12-tier-1-coverage-push-GAP-01-PLAN.md
  phases/v1.2-01-per-app-env-vars/v1.2-01-01-PLAN.md   project-code prefix (files may omit it)
  phases/08-.../08-GAP-PLAN.md, fix-oauth-warmup-PLAN.md, T-P0-PLAN.md, PLAN.md, 06-PLAN.md
  milestones/v1.0-phases/NN-slug/, milestones/v4.0/phase-11/   archived phases
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from planner.phasedirs import (
    PHASE_WORD_RE,
    PLANNING,
    Phase,
    PlanRef,
    expand_user,
    is_doc,
    is_relative_to,
    normalize,
    parse_phase_dir,
    subdirs,
)
from planner.records import record
from planner.refsyntax import looks_like_path

if TYPE_CHECKING:
    from planner.config import GsdConfig

CODES = {
    "GSD201": "no .planning/ folder found walking up from the current directory",
    "GSD202": "--root names a folder without .planning/",
    "GSD203": "unknown plan or phase reference",
    "GSD204": "ambiguous plan or phase reference",
    "GSD205": "reference leaves the project ('..' or a path outside it)",
    "GSD206": "reference names a phase where a plan is needed, or the reverse",
    "GSD207": "path is not a plan, summary, verification or phase folder",
    "GSD208": "the current directory no longer exists (checked in planner.__main__)",
}


@record(eq=False)
class Workspace:
    root: Path  # the folder that holds .planning/ (commands run here)
    planning: Path
    _phases: list[Phase] | None = field(default=None, repr=False)
    _aliases_cache: dict[tuple[int, str], list[Phase | PlanRef]] | None = field(
        default=None, repr=False
    )
    _real_dirs: dict[Path, Phase] | None = field(default=None, repr=False)

    @classmethod
    def discover(cls, start: Path | None = None, root: Path | None = None) -> Workspace:
        if root is not None:
            root = expand_user(root).absolute()
            if root.name == PLANNING and root.is_dir():
                root = root.parent
            if not (root / PLANNING).is_dir():
                _raise(
                    "GSD202",
                    f"--root {root} has no {PLANNING}/ folder",
                    hint="pass the folder that contains .planning/",
                )
            return cls(root=root, planning=root / PLANNING)
        here = Path(start if start is not None else Path.cwd()).absolute()
        for folder in (here, *here.parents):
            if (folder / PLANNING).is_dir():
                return cls(root=folder, planning=folder / PLANNING)
        _raise(
            "GSD201",
            f"no {PLANNING}/ folder in {here} or any folder above it",
            hint="run gsd inside a project that has .planning/, or pass --root DIR",
        )

    # -- listing ---------------------------------------------------------------------------

    def phases(self) -> list[Phase]:
        """Active and archived phases, in numeric order."""
        if self._phases is None:
            found: list[Phase] = []
            for d in subdirs(self.planning / "phases"):
                phase = parse_phase_dir(d)
                if phase:
                    found.append(phase)
            for base in ("milestones", "archive"):
                for group in subdirs(self.planning / base):
                    milestone = group.name.removesuffix("-phases")
                    direct = parse_phase_dir(group, archived=True) if base == "archive" else None
                    if direct:
                        found.append(direct)
                        continue
                    for d in subdirs(group):
                        phase = parse_phase_dir(d, archived=True, milestone=milestone)
                        if phase:
                            found.append(phase)
            found.sort(key=Phase.sort_key)
            self._phases = found
        return self._phases

    def plans(self, *, include_archived: bool = True) -> list[PlanRef]:
        return [
            p for ph in self.phases() if include_archived or not ph.archived for p in ph.plans()
        ]

    def refresh(self) -> None:
        """Forget what was listed (after gsd itself writes plans or summaries)."""
        self._phases = None
        self._aliases_cache = None
        self._real_dirs = None

    @property
    def gsd_dir(self) -> Path:
        """gsd's own state (ledger, locks, logs); it ignores itself in git."""
        return self.planning / ".gsd"

    def config(self) -> GsdConfig:
        from planner.config import load_config

        return load_config(self.planning)

    def relpath(self, path: Path | str) -> str:
        """A path for messages: relative to the project root when inside it."""
        p = Path(path)
        try:
            return p.absolute().relative_to(self.root).as_posix()
        except ValueError:
            return str(p)

    def contains(self, path: Path) -> bool:
        root = self.root.resolve()
        return is_relative_to(Path(path).absolute().resolve(), root)

    # -- references ------------------------------------------------------------------------

    def resolve(self, ref: str) -> Phase | PlanRef:
        return self._resolve(ref, want=None)

    def resolve_phase(self, ref: str) -> Phase:
        found = self._resolve(ref, want=Phase)
        assert isinstance(found, Phase)
        return found

    def resolve_plan(self, ref: str) -> PlanRef:
        found = self._resolve(ref, want=PlanRef)
        assert isinstance(found, PlanRef)
        return found

    def _resolve(self, ref: str, want: type | None) -> Phase | PlanRef:
        text = ref.strip()
        if not text:
            _raise("GSD203", "empty reference", hint="a phase (26) or a plan (26-04)")
        found = self._resolve_path(text) if looks_like_path(text) else self._resolve_id(text, want)
        return self._check_kind(ref, found, want)

    def _check_kind(self, ref: str, found: Phase | PlanRef, want: type | None) -> Phase | PlanRef:
        if want is None or isinstance(found, want):
            return found
        if want is PlanRef and isinstance(found, Phase):
            plans = found.plans()
            lone = [p for p in plans if p.number == ""]
            if len(plans) == 1 and lone:
                return lone[0]  # a phase written as one PLAN.md: the phase id is the plan id
            _raise(
                "GSD206",
                f"{ref!r} is phase {found.id}, not a plan",
                hint="name one of its plans",
                candidates=[p.id for p in plans],
                cls="reference",
            )
        assert isinstance(found, PlanRef)
        _raise(
            "GSD206",
            f"{ref!r} is plan {found.id}, not a phase",
            hint=f"its phase is {found.phase.id}",
            candidates=[found.phase.id],
            cls="reference",
        )

    def _aliases(self) -> dict[tuple[int, str], list[Phase | PlanRef]]:
        """(tier, normalized alias) -> targets. Tier 1: gsd ids; tier 2: folder and file names."""
        if self._aliases_cache is not None:
            return self._aliases_cache
        out: dict[tuple[int, str], list[Phase | PlanRef]] = {}

        def add(tier: int, alias: str, target: Phase | PlanRef) -> None:
            targets = out.setdefault((tier, alias), [])
            if target not in targets:
                targets.append(target)

        for ph in self.phases():
            add(1, ph.key, ph)
            add(2, normalize(ph.dir.name), ph)
            for plan in ph.plans():
                add(1, plan.key, plan)
                add(2, normalize(plan.plan_path.name[: -len("PLAN.md")]), plan)
        self._aliases_cache = out
        return out

    def _resolve_id(self, text: str, want: type | None) -> Phase | PlanRef:
        only_phase = False
        norm = normalize(text)
        word = PHASE_WORD_RE.match(text)
        if word and word.end() < len(text):  # "phase 26", "Phase-26": a phase, never a plan
            only_phase = True
            norm = normalize(text[word.end() :])
        aliases = self._aliases()
        for tier in (1, 2):
            matches = [
                t for t in aliases.get((tier, norm), []) if isinstance(t, Phase) or not only_phase
            ]
            if not matches:
                continue
            if want is not None and any(isinstance(m, want) for m in matches):
                matches = [m for m in matches if isinstance(m, want)]
            # A phase and its lone PLAN.md share an id: the phase wins unless a plan is wanted.
            phases_hit = {id(m) for m in matches if isinstance(m, Phase)}
            matches = [
                m
                for m in matches
                if not (isinstance(m, PlanRef) and m.number == "" and id(m.phase) in phases_hit)
            ]
            active = [m for m in matches if not _archived(m)]
            if active:
                matches = active
            if len(matches) == 1:
                return matches[0]
            _raise(
                "GSD204",
                f"reference {text!r} is ambiguous",
                hint="use the folder name or a path",
                candidates=[_describe(m, self) for m in matches],
                cls="reference",
            )
        _raise(
            "GSD203",
            f"unknown reference {text!r}",
            hint="`gsd status` lists phases and plans",
            candidates=self._near(norm),
            cls="reference",
        )

    def _near(self, norm: str) -> list[str]:
        """What to offer when nothing matched: the plans of the named phase, else the phases."""
        head = norm.split("-")
        for ph in self.phases():
            n = len(ph.key.split("-"))
            if head[:n] == ph.key.split("-"):
                return [p.id for p in ph.plans()] or [ph.id]
        return _unique(ph.id for ph in self.phases())[:40]

    def _resolve_path(self, text: str) -> Phase | PlanRef:
        raw = expand_user(text)
        if ".." in raw.parts:
            _raise(
                "GSD205",
                f"reference {text!r} contains '..'",
                hint=f"use a path inside {self.root} without '..', or an id such as 26-04",
                cls="reference",
            )
        tries = [raw] if raw.is_absolute() else [Path.cwd() / raw, self.root / raw]
        existing = [p for p in tries if p.exists()]
        # A relative path is read from the cwd first, but one that only exists inside the project
        # (the cwd being elsewhere) is the project's.
        root_real = self.root.resolve()
        target = next((p for p in existing if is_relative_to(p.resolve(), root_real)), None)
        target = target or (existing[0] if existing else None)
        if target is None:
            found = self._by_file_name(raw.name) if len(raw.parts) == 1 else None
            if found is not None:
                return found
            _raise("GSD203", f"no such file or folder: {text}", cls="reference")
        real = target.resolve()
        if not is_relative_to(real, self.root.resolve()):
            _raise(
                "GSD205",
                f"{text} is outside the project {self.root}",
                hint="gsd only reads documents inside the project",
                cls="reference",
            )
        ph = self._phase_by_real_dir().get(real if target.is_dir() else real.parent)
        if ph is not None:
            if target.is_dir():
                return ph
            for plan in ph.plans():
                if real.name in (plan.plan_path.name, plan.summary_path.name):
                    return plan
            if is_doc(real.name, "VERIFICATION.md"):
                return ph
        _raise(
            "GSD207",
            f"{text} is not a plan, summary, verification or phase folder of this project",
            hint="phase folders live in .planning/phases/ and .planning/milestones/*/",
            cls="reference",
        )

    def _phase_by_real_dir(self) -> dict[Path, Phase]:
        if self._real_dirs is None:
            self._real_dirs = {ph.dir.resolve(): ph for ph in self.phases()}
        return self._real_dirs

    def _by_file_name(self, name: str) -> Phase | PlanRef | None:
        hits = [p for p in self.plans() if name in (p.plan_path.name, p.summary_path.name)]
        active = [p for p in hits if not p.phase.archived] or hits
        if len(active) == 1:
            return active[0]
        if len(active) > 1:
            _raise(
                "GSD204",
                f"file name {name!r} is ambiguous",
                hint="give the path",
                candidates=[self.relpath(p.plan_path) for p in active],
                cls="reference",
            )
        return None


def _archived(target: Phase | PlanRef) -> bool:
    return target.archived if isinstance(target, Phase) else target.phase.archived


def _describe(target: Phase | PlanRef, ws: Workspace) -> str:
    path = target.dir if isinstance(target, Phase) else target.plan_path
    return f"{target.id} ({ws.relpath(path)})"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _raise(
    code: str,
    message: str,
    *,
    hint: str | None = None,
    candidates: list[str] | None = None,
    cls: str = "input",
) -> NoReturn:
    # Imported here: planner.errors pulls in pydantic, which the hook's happy path must not pay for.
    from planner.errors import GsdError, ReferenceError_

    exc_type = ReferenceError_ if cls == "reference" else GsdError
    raise exc_type(message, code=code, hint=hint, candidates=candidates)
