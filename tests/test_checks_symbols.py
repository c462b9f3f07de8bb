"""The symbol index: declarations per language, spans, exports, and lazy lookups."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from planner.checks import lang_python
from planner.checks.filecache import FileCache
from planner.checks.symbols import SymbolIndex


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))


def index(root: Path) -> SymbolIndex:
    return SymbolIndex(root, FileCache(root))


def table(ix: SymbolIndex, rel: str) -> list[tuple[str, str, int, int, int, bool]]:
    parsed = ix.parse(rel)
    assert parsed is not None
    return [(s.qualname, s.kind, s.start_line, s.line, s.end_line, s.stub) for s in parsed.symbols]


PY = """
    from sqlalchemy.orm import declarative_base
    from .other import helper as reexported

    __all__ = ["Base", "reexported"]
    Base = declarative_base()


    class Session:
        timeout: int = 5

        def close(self):
            pass

        @property
        def active(self) -> bool:
            return True

        class Inner:
            def deep(self):
                return 1


    async def get_db():
        raise NotImplementedError("later")


    def placeholder(x):
        return None  # placeholder
"""


def test_python_symbols_spans_and_stubs(tmp_path: Path) -> None:
    write(tmp_path, "core/database.py", PY)
    ix = index(tmp_path)
    assert table(ix, "core/database.py") == [
        ("__all__", "variable", 4, 4, 4, False),
        ("Base", "variable", 5, 5, 5, False),
        ("Session", "class", 8, 8, 20, False),
        ("Session.timeout", "attribute", 9, 9, 9, False),
        ("Session.close", "method", 11, 11, 12, True),
        ("Session.active", "method", 14, 15, 16, False),
        ("Session.Inner", "class", 18, 18, 20, False),
        ("Session.Inner.deep", "method", 19, 19, 20, False),
        ("get_db", "function", 23, 23, 24, True),
        ("placeholder", "function", 27, 27, 28, True),
    ]
    parsed = ix.parse("core/database.py")
    assert parsed is not None
    # __all__ re-exports an import; other imports (declarative_base) are not exports.
    assert parsed.exports == {
        "__all__": 4,
        "Base": 5,
        "Session": 8,
        "get_db": 23,
        "placeholder": 27,
        "reexported": 2,
    }


def test_python_abstract_and_protocol_members_are_not_stubs(tmp_path: Path) -> None:
    write(
        tmp_path,
        "iface.py",
        """
        from abc import ABC, abstractmethod
        from typing import Protocol


        class Store(ABC):
            @abstractmethod
            def get(self, key): ...


        class Reader(Protocol):
            def read(self) -> bytes: ...
        """,
    )
    assert [s for s in table(index(tmp_path), "iface.py") if s[5]] == []


def test_python_syntax_error_falls_back_to_patterns(tmp_path: Path) -> None:
    write(
        tmp_path,
        "broken.py",
        """
        import os

        class Agent:
            @staticmethod
            def run(task,
                    retries=3):
                if task:
                    return task
                return None

            def stop(self):
                pass

        def oops(:
            pass

        LIMIT = 10
        """,
    )
    ix = index(tmp_path)
    parsed = ix.parse("broken.py")
    assert parsed is not None
    assert parsed.note == "syntax error at line 14: declaration patterns used"
    assert table(ix, "broken.py") == [
        ("Agent", "class", 3, 3, 12, False),
        ("Agent.run", "method", 4, 5, 9, False),
        ("Agent.stop", "method", 11, 11, 12, True),
        ("oops", "function", 14, 14, 15, True),
        ("LIMIT", "variable", 17, 17, 17, False),
    ]
    assert parsed.exports == {"Agent": 3, "oops": 14, "LIMIT": 17}


def test_large_python_files_use_patterns_not_ast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lang_python, "AST_MAX_BYTES", 100)
    write(
        tmp_path,
        "big.py",
        "def first():\n    return 1\n\n" + "x = 1\n" * 50 + "class Last:\n    pass\n",
    )
    ix = index(tmp_path)
    parsed = ix.parse("big.py")
    assert parsed is not None and parsed.note is not None and parsed.note.startswith("large file")
    assert [(s.qualname, s.line, s.end_line) for s in parsed.symbols][:1] == [("first", 1, 2)]
    assert parsed.symbols[-1].qualname == "Last" and parsed.symbols[-1].line == 54


TS = """
    import { x } from './x';

    export interface User {
      id: string;
    }

    export class ApiClient {
      private base: string;
      constructor(base: string) {
        this.base = base;
      }

      async get(path: string): Promise<User> {
        const r = await fetch(this.base + "{" + path);
        return r.json();
      }

      post(path: string) {
        throw new Error("not implemented");
      }
    }

    export const handler = async (req) => {
      if (req) {
        run(req);
      }
      return 1;
    };

    function local() {
      function inner() {}
      return 2;
    }

    export { local as renamed };
    export default ApiClient;
    module.exports.legacy = 1;
"""


def test_typescript_declarations_and_exports(tmp_path: Path) -> None:
    write(tmp_path, "web/api.ts", TS)
    ix = index(tmp_path)
    assert table(ix, "web/api.ts") == [
        ("User", "type", 3, 3, 5, False),
        ("ApiClient", "class", 7, 7, 21, False),
        ("ApiClient.get", "method", 13, 13, 16, False),
        ("ApiClient.post", "method", 18, 18, 20, True),
        ("handler", "function", 23, 23, 28, False),
        ("local", "function", 30, 30, 33, False),
    ]
    parsed = ix.parse("web/api.ts")
    assert parsed is not None
    assert parsed.exports == {
        "User": 3,
        "ApiClient": 7,
        "handler": 23,
        "local": 35,
        "renamed": 35,
        "default": 36,
        "legacy": 37,
    }


def test_go_declarations_receivers_and_groups(tmp_path: Path) -> None:
    write(
        tmp_path,
        "srv/server.go",
        """
        package server

        const (
        \tMaxConns = 10
        \tminConns = 1
        )

        type Server struct {
        \taddr string
        }

        func NewServer(addr string) *Server {
        \treturn &Server{addr: addr}
        }

        func (s *Server) Start() error {
        \tfmt.Println("{")
        \treturn nil
        }

        func helper() {
        \tpanic("not implemented")
        }
        """,
    )
    ix = index(tmp_path)
    assert table(ix, "srv/server.go") == [
        ("Server", "type", 8, 8, 10, False),
        ("NewServer", "function", 12, 12, 14, False),
        ("Server.Start", "method", 16, 16, 19, False),
        ("helper", "function", 21, 21, 23, True),
        ("MaxConns", "variable", 4, 4, 4, False),
        ("minConns", "variable", 5, 5, 5, False),
    ]
    parsed = ix.parse("srv/server.go")
    assert parsed is not None
    assert parsed.exports == {"Server": 8, "NewServer": 12, "Server.Start": 16, "MaxConns": 4}


def test_rust_impl_members_lifetimes_and_visibility(tmp_path: Path) -> None:
    write(
        tmp_path,
        "src/lib.rs",
        """
        pub struct Config<'a> {
            name: &'a str,
        }

        impl<'a> Config<'a> {
            pub fn new(name: &'a str) -> Self {
                Config { name }
            }

            fn hidden(&self) -> char {
                '{'
            }
        }

        pub fn run() {
            todo!()
        }

        pub use inner::{Alpha, Beta as Gamma};
        """,
    )
    ix = index(tmp_path)
    assert table(ix, "src/lib.rs") == [
        ("Config", "class", 1, 1, 3, False),
        ("Config.new", "method", 6, 6, 8, False),
        ("Config.hidden", "method", 10, 10, 12, False),
        ("run", "function", 15, 15, 17, True),
    ]
    parsed = ix.parse("src/lib.rs")
    assert parsed is not None
    assert parsed.exports == {"Config": 1, "Config.new": 6, "run": 15, "Alpha": 19, "Gamma": 19}


def test_swift_kotlin_dart_by_declaration_patterns(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.swift",
        """
        public struct Point {
            public var x: Int
            fileprivate func hidden() {
                fatalError("not implemented")
            }
        }

        extension Point {
            func norm() -> Int { return x }
        }
        """,
    )
    write(
        tmp_path,
        "b.kt",
        """
        class Repo(private val db: Db) {
            fun find(id: String): User? {
                val cached = cache[id]
                return cached
            }

            private fun evict() = TODO()

            companion object {
                fun create(): Repo = Repo(Db())
            }
        }
        """,
    )
    write(
        tmp_path,
        "c.dart",
        """
        class HomePage extends StatelessWidget {
          Widget build(BuildContext context) {
            return Text('hi');
          }
        }

        void _private() {}
        """,
    )
    ix = index(tmp_path)
    assert table(ix, "a.swift") == [
        ("Point", "class", 1, 1, 6, False),
        ("Point.x", "variable", 2, 2, 2, False),
        ("Point.hidden", "method", 3, 3, 5, True),
        ("Point.norm", "method", 9, 9, 9, False),
    ]
    assert table(ix, "b.kt") == [
        ("Repo", "class", 1, 1, 12, False),
        ("Repo.find", "method", 2, 2, 5, False),
        ("Repo.evict", "method", 7, 7, 7, True),
        ("Repo.create", "method", 10, 10, 10, False),
    ]
    assert table(ix, "c.dart") == [
        ("HomePage", "class", 1, 1, 5, False),
        ("HomePage.build", "method", 2, 2, 4, False),
        ("_private", "function", 7, 7, 7, False),
    ]
    dart = ix.parse("c.dart")
    assert dart is not None and "_private" not in dart.exports and "HomePage" in dart.exports


def test_dotted_module_paths_map_to_files_under_source_roots(tmp_path: Path) -> None:
    write(tmp_path, "backend/core/database.py", "Base = object()\n")
    write(tmp_path, "backend/core/__init__.py", "")
    write(tmp_path, "src/pkg/__init__.py", "X = 1\n")
    ix = index(tmp_path)
    assert ix.module_files(["core", "database", "Base"]) == [("backend/core/database.py", ["Base"])]
    assert ix.module_files(["core", "database"]) == [("backend/core/database.py", [])]
    assert ix.module_files(["pkg", "X"]) == [("src/pkg/__init__.py", ["X"])]
    assert ix.module_files(["nothing", "here"]) == []


def test_find_uses_hints_before_walking_the_tree(tmp_path: Path) -> None:
    write(tmp_path, "tests/test_gov.py", "def test_atom_learning_progression():\n    pass\n")
    for i in range(30):
        write(tmp_path, f"pkg/mod{i}.py", f"def f{i}():\n    return {i}\n")
    ix = index(tmp_path)
    found = ix.find("test_atom_learning_progression", hints=["tests/test_gov.py"])
    assert [s.where for s in found] == ["tests/test_gov.py:1"]
    assert ix.scans == 0 and ix.cache.reads == 1 and ix.parsed == 1


def test_find_without_hints_greps_before_parsing(tmp_path: Path) -> None:
    write(
        tmp_path,
        "core/agent.py",
        "class AtomMetaAgent:\n    def _record_execution(self):\n        return 1\n",
    )
    write(tmp_path, "tests/t.py", "agent._record_execution()  # mentions, does not declare\n")
    for i in range(30):
        write(tmp_path, f"pkg/mod{i}.py", f"def f{i}():\n    return {i}\n")
    ix = index(tmp_path)
    found = ix.find("AtomMetaAgent._record_execution")
    assert [(s.qualname, s.where) for s in found] == [
        ("AtomMetaAgent._record_execution", "core/agent.py:2")
    ]
    assert ix.scans == 1
    # Only the file that declares the name was looked into: a scan answered (pyscan_members).
    assert (ix.parsed, ix.scanned) == (0, 1)
    assert ix.find("AtomMetaAgent._record_execution") == found
    assert ix.scans == 1  # remembered
    assert max(ix.cache.read_counts.values()) == 1


def test_files_named_and_unknown_languages(tmp_path: Path) -> None:
    write(tmp_path, "a/conftest.py", "")
    write(tmp_path, "b/conftest.py", "")
    write(tmp_path, "notes.md", "# hi\n")
    ix = index(tmp_path)
    assert ix.files_named("conftest.py") == ["a/conftest.py", "b/conftest.py"]
    assert ix.parse("notes.md") is None
