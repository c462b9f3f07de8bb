"""Key links: resolution of both ends, pattern search in the source side, every status."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from planner.checks.engine import CheckContext
from planner.checks.keylinks import check_link
from planner.documents.models import KeyLink
from planner.results import LinkResult, LinkStatus

PLAN = ".planning/phases/26-ci-cd-fixes/26-06-PLAN.md"
GOV = "backend/tests/test_atom_governance.py"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    project = tmp_path / "atom"
    write(
        project,
        GOV,
        """
        import pytest
        from unittest.mock import AsyncMock, patch

        from core.atom_meta_agent import AtomMetaAgent


        def test_atom_governance_gating():
            with patch.object(AtomMetaAgent, "_record_execution"):
                pass


        @pytest.mark.asyncio
        async def test_atom_learning_progression():
            atom = AtomMetaAgent()
            with patch.object(atom, "_record_execution", new_callable=AsyncMock):
                result = await atom.execute("Test task")
            assert result is not None
        """,
    )
    write(
        project,
        "backend/core/atom_meta_agent.py",
        """
        class AtomMetaAgent:
            async def execute(self, task):
                await self._record_execution(task)
                return {"status": "success"}

            async def _record_execution(self, task):
                # patch.object(self, "_record_execution") is how tests silence this
                return None
        """,
    )
    write(
        project,
        "backend/core/database.py",
        "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
    )
    write(
        project,
        "backend/tests/conftest.py",
        """
        import pytest
        from core.database import Base


        @pytest.fixture
        def db_session(engine):
            Base.metadata.create_all(engine, checkfirst=True)
            yield engine
        """,
    )
    write(project, "backend/tests/unit/conftest.py", "def db():\n    session.rollback()\n")
    write(
        project,
        "web/src/App.tsx",
        "import { api } from './lib/api';\n\nexport function App() {\n  return api;\n}\n",
    )
    write(project, "web/src/lib/api.ts", "export const api = 1;\n")
    write(project, "web/src/lib/unused.ts", "export const unused = 2;\n")
    return project


def run(
    root: Path, hints: list[str] | None = None, ctx: CheckContext | None = None, **fields: object
) -> tuple[LinkResult, list[str], CheckContext]:
    ctx = ctx or CheckContext.create(root)
    link = KeyLink.model_validate({"line": 22, **fields})
    result, diags = check_link(link, ctx, PLAN, hints if hints is not None else [GOV])
    return result, [d.format() for d in diags], ctx


def evidence(result: LinkResult) -> list[str]:
    return [e.format() for e in result.evidence]


def test_seed_26_06_symbol_to_method_is_wired_inside_the_function(root: Path) -> None:
    result, diags, ctx = run(
        root,
        **{
            "from": "test_atom_learning_progression",
            "to": "AtomMetaAgent._record_execution",
            "via": "patch.object mock",
            "pattern": r"patch\.object.*_record_execution",
        },
    )
    assert result.status is LinkStatus.WIRED
    assert result.reason == f"pattern found in {GOV}::test_atom_learning_progression (lines 12-17)"
    assert evidence(result) == [
        f'{GOV}:15: with patch.object(atom, "_record_execution", new_callable=AsyncMock):'
    ]
    assert diags == []
    assert max(ctx.files.read_counts.values()) == 1


def test_a_match_elsewhere_in_the_file_does_not_count(root: Path) -> None:
    write(
        root,
        GOV,
        """
        from unittest.mock import patch


        def test_atom_governance_gating():
            with patch.object(AtomMetaAgent, "_record_execution"):
                pass


        def test_atom_learning_progression():
            atom = AtomMetaAgent()
            assert atom.execute("x")
        """,
    )
    result, _, _ = run(
        root,
        **{
            "from": "test_atom_learning_progression",
            "to": f"{GOV}::test_atom_governance_gating",
            "pattern": r"patch\.object.*_record_execution",
        },
    )
    assert result.status is LinkStatus.PARTIAL  # it matches in the target function, not the source
    assert result.reason == (
        f"pattern found only in the target {GOV}::test_atom_governance_gating (lines 4-6), not in "
        f"{GOV}::test_atom_learning_progression (lines 9-11) (it matches at "
        f'{GOV}:5: with patch.object(AtomMetaAgent, "_record_execution"):, outside '
        "test_atom_learning_progression)"
    )
    assert evidence(result) == [f'{GOV}:5: with patch.object(AtomMetaAgent, "_record_execution"):']
    unrelated, _, _ = run(
        root,
        **{
            "from": "test_atom_learning_progression",
            "to": "backend/core/database.py",
            "pattern": r"patch\.object.*_record_execution",
        },
    )
    assert unrelated.status is LinkStatus.NOT_WIRED
    assert unrelated.reason.startswith(
        f"pattern not found in {GOV}::test_atom_learning_progression (lines 9-11) (it matches at {GOV}:5:"
    )


def test_seed_26_04_dotted_module_target(root: Path) -> None:
    result, _, _ = run(
        root,
        hints=[],
        **{
            "from": "backend/tests/conftest.py",
            "to": "core.database.Base",
            "pattern": r"Base\.metadata\.create_all.*checkfirst",
        },
    )
    assert result.status is LinkStatus.WIRED
    assert result.reason == "pattern found in backend/tests/conftest.py"
    assert evidence(result) == [
        "backend/tests/conftest.py:7: Base.metadata.create_all(engine, checkfirst=True)"
    ]


def test_match_only_in_the_target_is_partial(root: Path) -> None:
    result, _, _ = run(
        root,
        **{
            "from": "backend/tests/conftest.py",
            "to": "backend/core/database.py",
            "pattern": "declarative_base\\(\\)",
        },
    )
    assert result.status is LinkStatus.PARTIAL
    assert result.reason == (
        "pattern found only in the target backend/core/database.py, not in backend/tests/conftest.py"
    )
    assert evidence(result) == ["backend/core/database.py:3: Base = declarative_base()"]


def test_pattern_nowhere_is_not_wired(root: Path) -> None:
    result, _, _ = run(
        root,
        **{
            "from": "backend/tests/unit/conftest.py",
            "to": "backend/tests/conftest.py",
            "pattern": r"rollback\(\), close\(\)",
        },
    )
    assert result.status is LinkStatus.NOT_WIRED
    assert result.reason == "pattern not found in backend/tests/unit/conftest.py"
    assert result.evidence == []


def test_without_pattern_an_import_wires(root: Path) -> None:
    result, _, _ = run(root, **{"from": "web/src/App.tsx", "to": "web/src/lib/api.ts"})
    assert result.status is LinkStatus.WIRED
    assert result.reason == "web/src/App.tsx references web/src/lib/api.ts"
    assert evidence(result) == ["web/src/App.tsx:1: import { api } from './lib/api';"]
    py, _, _ = run(root, **{"from": "backend/tests/conftest.py", "to": "core.database"})
    assert py.status is LinkStatus.WIRED
    assert evidence(py) == ["backend/tests/conftest.py:2: from core.database import Base"]
    symbol, _, _ = run(root, **{"from": GOV, "to": "AtomMetaAgent"})
    assert symbol.status is LinkStatus.WIRED
    assert evidence(symbol) == [f"{GOV}:4: from core.atom_meta_agent import AtomMetaAgent"]


def test_without_pattern_no_reference_is_not_wired(root: Path) -> None:
    result, _, _ = run(root, **{"from": "web/src/App.tsx", "to": "web/src/lib/unused.ts"})
    assert result.status is LinkStatus.NOT_WIRED
    assert result.reason == (
        "web/src/App.tsx does not reference web/src/lib/unused.ts (no import or mention of 'unused' or 'unused.ts')"
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {"from": "backend/nope.py", "to": "core.database.Base"},
            "from 'backend/nope.py': no such file",
        ),
        (
            {"from": "backend/tests/conftest.py", "to": "core.database.Missing"},
            "to 'core.database.Missing': no file, module or symbol named 'core.database.Missing' in the "
            "project; module backend/core/database.py has no symbol 'Missing'",
        ),
        (
            {"from": "no_such_function", "to": "AtomMetaAgent"},
            "from 'no_such_function': no file, module or symbol named 'no_such_function' in the project",
        ),
        (
            {"from": "User model", "to": "AtomMetaAgent"},
            "from 'User model': 'User model' is not a path, module or symbol name",
        ),
        (
            {"from": "conftest.py", "to": "AtomMetaAgent"},
            "from 'conftest.py': ambiguous: 2 files named conftest.py "
            "(backend/tests/conftest.py, backend/tests/unit/conftest.py)",
        ),
        (
            {"from": "../../etc/passwd", "to": "AtomMetaAgent", "pattern": "root"},
            "from '../../etc/passwd': outside the project ('..' escapes the project root)",
        ),
    ],
)
def test_unresolved_ends(root: Path, fields: dict[str, str], reason: str) -> None:
    result, diags, ctx = run(root, hints=[], **fields)
    assert result.status is LinkStatus.UNRESOLVED
    assert result.reason == reason
    assert diags
    assert "etc/passwd" not in ctx.files.read_counts


def test_unresolved_target_still_shows_a_source_match(root: Path) -> None:
    result, _, _ = run(
        root, **{"from": "web/src/App.tsx", "to": "zustand", "pattern": "from './lib/api'"}
    )
    assert result.status is LinkStatus.UNRESOLVED
    assert result.reason == (
        "to 'zustand': no file, module or symbol named 'zustand' in the project; "
        "the pattern does match in web/src/App.tsx"
    )
    assert evidence(result) == ["web/src/App.tsx:1: import { api } from './lib/api';"]


def test_path_symbol_and_path_with_a_name(root: Path) -> None:
    result, _, _ = run(
        root,
        **{
            "from": "backend/core/atom_meta_agent.py::AtomMetaAgent.execute",
            "to": "AtomMetaAgent._record_execution",
            "pattern": "_record_execution",
        },
    )
    assert result.status is LinkStatus.WIRED
    assert evidence(result) == [
        "backend/core/atom_meta_agent.py:3: await self._record_execution(task)"
    ]
    spaced, _, _ = run(
        root,
        **{"from": "web/src/App.tsx App()", "to": "web/src/lib/api.ts", "pattern": "return api"},
    )
    assert spaced.status is LinkStatus.WIRED
    assert spaced.reason == "pattern found in web/src/App.tsx::App (lines 3-5)"
    missing, _, _ = run(root, **{"from": "web/src/App.tsx::Nope", "to": "web/src/lib/api.ts"})
    assert missing.reason == "from 'web/src/App.tsx::Nope': no symbol 'Nope' in web/src/App.tsx"


def test_ambiguous_symbol(root: Path) -> None:
    write(root, "a/x.py", "def handler():\n    return 1\n")
    write(root, "b/y.py", "def handler():\n    return 2\n")
    result, diags, _ = run(root, hints=[], **{"from": "handler", "to": "AtomMetaAgent"})
    assert result.status is LinkStatus.UNRESOLVED
    assert (
        result.reason
        == "from 'handler': ambiguous: 'handler' is defined 2 times (a/x.py:1, b/y.py:1)"
    )
    assert diags[0].startswith(f"{PLAN}:22: warning[GSD407]:")
    hinted, _, _ = run(root, hints=["b/y.py"], **{"from": "handler", "to": "AtomMetaAgent"})
    assert hinted.status is LinkStatus.NOT_WIRED  # the plan's own files decide


def test_directory_source(root: Path) -> None:
    result, _, _ = run(
        root, **{"from": "web/src", "to": "web/src/lib/api.ts", "pattern": "export const api"}
    )
    assert result.status is LinkStatus.WIRED
    assert evidence(result) == ["web/src/lib/api.ts:1: export const api = 1;"]


def test_invalid_regex_is_a_located_diagnostic(root: Path) -> None:
    result, diags, _ = run(
        root, **{"from": GOV, "to": "AtomMetaAgent", "pattern": "patch\\.object(("}
    )
    assert result.status is LinkStatus.UNRESOLVED
    assert result.reason.startswith("invalid pattern: missing ) at position")
    assert len(diags) == 1
    assert diags[0].startswith(
        f"{PLAN}:22: error[GSD402]: key link pattern 'patch\\\\.object((' is not a valid regex: missing )"
    )


def test_catastrophic_regex_is_bounded(root: Path) -> None:
    write(root, "big/data.py", ("x = '" + "a" * 3000 + "b'\n") * 700)  # about 2 MB
    # The regex module counts CPU time; 0.5 s leaves room for a loaded machine under the 3 s bound.
    ctx = CheckContext.create(root, regex_timeout=0.5)
    started = time.monotonic()
    result, diags, _ = run(root, ctx=ctx, **{"from": "big/data.py", "to": GOV, "pattern": "(a+)+$"})
    elapsed = time.monotonic() - started
    assert elapsed < 3
    assert result.status is LinkStatus.UNRESOLVED
    assert result.reason == "pattern search timed out (regex search timed out after 0.5 s)"
    assert diags == [
        f"{PLAN}:22: warning[GSD403]: key link pattern '(a+)+$': regex search timed out after 0.5 s "
        "(hint: simplify the pattern (nested quantifiers such as (a+)+ backtrack))"
    ]


def test_budget_exhausted_links_are_unresolved_quickly(root: Path) -> None:
    write(root, "big/data.py", ("x = '" + "a" * 3000 + "b'\n") * 200)
    ctx = CheckContext.create(root, regex_timeout=0.2, regex_budget=0.3)
    started = time.monotonic()
    statuses = []
    for _ in range(6):
        result, _, _ = run(root, ctx=ctx, **{"from": "big/data.py", "to": GOV, "pattern": "(a+)+$"})
        statuses.append(result.status)
    assert statuses == [LinkStatus.UNRESOLVED] * 6
    assert result.reason == "not searched: regex time budget of 0.3 s used up"
    assert time.monotonic() - started < 3


def test_import_style_targets(root: Path) -> None:
    write(root, "src/lib/prisma.ts", "export const prisma = {};\n")
    write(root, "src/app/page.tsx", "import { prisma } from '@/lib/prisma';\n")
    alias, _, _ = run(root, **{"from": "src/app/page.tsx", "to": "@/lib/prisma"})
    assert alias.status is LinkStatus.WIRED
    assert alias.reason == "src/app/page.tsx references src/lib/prisma.ts"
    bare, _, _ = run(root, **{"from": "web/src/App.tsx", "to": "web/src/lib/api"})
    assert bare.status is LinkStatus.WIRED
    assert bare.reason == "web/src/App.tsx references web/src/lib/api.ts"
    relative, _, _ = run(root, **{"from": "web/src/App.tsx", "to": "./lib/api", "pattern": "api"})
    assert relative.status is LinkStatus.WIRED
    escaping, diags, _ = run(root, **{"from": "web/src/App.tsx", "to": "../../../etc/passwd"})
    assert escaping.status is LinkStatus.UNRESOLVED
    assert (
        escaping.reason
        == "to '../../../etc/passwd': outside the project ('..' escapes the project root)"
    )
    assert diags[0].startswith(f"{PLAN}:22: warning[GSD401]:")
