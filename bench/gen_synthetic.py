"""Generate a synthetic GSD project for the must-have benchmark.

    python bench/gen_synthetic.py OUTDIR [--files 5000] [--plans 40] [--big 20]

Writes OUTDIR/.planning/phases/01-synthetic/01-NN-PLAN.md (full frontmatter, 10 artifacts and 10 key
links each, mixed outcomes) over a source tree of Python, TypeScript and Go files, some of them
large (2-5 MB), plus OUTDIR/bench-manifest.json: what each plan references, for the floor script.
Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

PHASE_DIR = ".planning/phases/01-synthetic"


@dataclass
class Source:
    rel: str
    lang: str  # py | ts | go
    key: int  # unique number used in its symbol names
    group: int  # package number
    imports: int | None = None  # key of the module it imports (same package)


@dataclass
class Tree:
    small: list[Source] = field(default_factory=list)
    big: list[Source] = field(default_factory=list)
    by_key: dict[int, Source] = field(default_factory=dict)


def _py(src: Source, filler: int) -> str:
    lines = [f'"""Synthetic module {src.key}."""', "from __future__ import annotations", ""]
    if src.imports is not None:
        lines += [f"from src.py{src.group:02d} import mod_{src.imports:05d}", ""]
    lines += [
        f"CONSTANT_{src.key} = {src.key}",
        "",
        "",
        f"class Widget_{src.key}:",
        "    def __init__(self, value: int) -> None:",
        "        self.value = value",
        "",
        "    def compute(self, x: int) -> int:",
        "        total = 0",
        "        for i in range(x):",
        "            total += i * self.value",
        "        return total",
        "",
        "",
        f"def handler_{src.key}(request):",
        f"    widget = Widget_{src.key}(3)",
    ]
    if src.imports is not None:
        lines.append(
            f"    return mod_{src.imports:05d}.process_{src.imports}(widget.compute(request))"
        )
    else:
        lines.append("    return widget.compute(request)")
    lines += ["", "", f"def process_{src.key}(value):", "    return value * 2", ""]
    for i in range(filler):
        lines += [
            "",
            f"def helper_{src.key}_{i}(a, b):",
            f"    # helper {i} of module {src.key}",
            "    if a > b:",
            "        return a - b",
            "    return b - a",
        ]
    return "\n".join(lines) + "\n"


def _ts(src: Source, filler: int) -> str:
    lines: list[str] = []
    if src.imports is not None:
        lines.append(f"import {{ helper{src.imports} }} from './comp_{src.imports:05d}';")
    lines += [
        "",
        f"export interface Props{src.key} {{",
        "  id: string;",
        "  count: number;",
        "}",
        "",
        f"export class Store{src.key} {{",
        "  private items: string[] = [];",
        "",
        "  add(item: string): void {",
        "    this.items.push(item);",
        "  }",
        "",
        "  get(index: number): string {",
        "    return this.items[index];",
        "  }",
        "}",
        "",
        f"export function render{src.key}(props: Props{src.key}): string {{",
    ]
    if src.imports is not None:
        lines.append(f"  return helper{src.imports}(props.id);")
    else:
        lines.append("  return props.id;")
    lines += ["}", "", f"export const helper{src.key} = (x: string) => x.toUpperCase();"]
    for i in range(filler):
        lines += [
            "",
            f"function local{src.key}_{i}(a: number, b: number): number {{",
            "  if (a > b) {",
            "    return a - b;",
            "  }",
            "  return b - a;",
            "}",
        ]
    return "\n".join(lines) + "\n"


def _go(src: Source, filler: int) -> str:
    lines = [f"package pkg{src.group:02d}", "", 'import "fmt"', ""]
    lines += [
        f"type Server{src.key} struct {{",
        "\taddr string",
        "}",
        "",
        f"func NewServer{src.key}(addr string) *Server{src.key} {{",
        f"\treturn &Server{src.key}{{addr: addr}}",
        "}",
        "",
        f"func (s *Server{src.key}) Start() error {{",
        '\tfmt.Println("starting", s.addr)',
        "\treturn nil",
        "}",
    ]
    for i in range(filler):
        lines += [
            "",
            f"func helper{src.key}x{i}(a, b int) int {{",
            "\tif a > b {",
            "\t\treturn a - b",
            "\t}",
            "\treturn b - a",
            "}",
        ]
    return "\n".join(lines) + "\n"


def _big(src: Source, size: int) -> str:
    chunks: list[str] = []
    total = 0
    i = 0
    while total < size:
        if src.lang == "py":
            chunk = f"def generated_{src.key}_{i}(x):\n    value = x * {i} + {i % 7}\n    return value - {i}\n\n\n"
        elif src.lang == "ts":
            chunk = f"export function generated{src.key}_{i}(x: number): number {{\n  return x * {i} + {i % 7};\n}}\n\n"
        else:
            chunk = f"func generated{src.key}x{i}(x int) int {{\n\treturn x*{i} + {i % 7}\n}}\n\n"
        chunks.append(chunk)
        total += len(chunk)
        i += 1
    chunks.append(f"// END_OF_BIG_{src.key}\n" if src.lang != "py" else f"# END_OF_BIG_{src.key}\n")
    return "".join(chunks)


def build_tree(out: Path, files: int, big: int, rng: random.Random) -> Tree:
    tree = Tree()
    small_count = files - big
    per_lang = {"py": small_count * 2 // 5, "ts": small_count * 3 // 10}
    per_lang["go"] = small_count - per_lang["py"] - per_lang["ts"]
    key = 0
    for lang, count in per_lang.items():
        for n in range(count):
            key += 1
            group = n // 100
            if lang == "py":
                rel = f"src/py{group:02d}/mod_{key:05d}.py"
            elif lang == "ts":
                rel = f"web/src/ts{group:02d}/comp_{key:05d}.ts"
            else:
                rel = f"go/pkg{group:02d}/file_{key:05d}.go"
            first_in_group = n % 100 == 0
            src = Source(rel, lang, key, group, imports=None if first_in_group else key - 1)
            tree.small.append(src)
            tree.by_key[key] = src
    for n in range(big):
        key += 1
        lang = ("py", "ts", "go")[n % 3]
        ext = {"py": "py", "ts": "ts", "go": "go"}[lang]
        src = Source(f"data/big_{n:02d}.{ext}", lang, key, 0)
        tree.big.append(src)
        tree.by_key[key] = src
    for group_dir in {str(Path(s.rel).parent) for s in tree.small if s.lang == "py"}:
        (out / group_dir).mkdir(parents=True, exist_ok=True)
        (out / group_dir / "__init__.py").write_text("")
    (out / "src").mkdir(exist_ok=True)
    (out / "src" / "__init__.py").write_text("")
    for src in tree.small:
        path = out / src.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        filler = rng.randint(8, 20)
        text = {"py": _py, "ts": _ts, "go": _go}[src.lang](src, filler)
        path.write_text(text)
    for src in tree.big:
        path = out / src.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_big(src, rng.randint(2_000_000, 5_000_000)))
    return tree


def _q(text: str) -> str:
    """A YAML single-quoted scalar (backslashes stay as typed)."""
    return "'" + text.replace("'", "''") + "'"


def build_plan(number: int, tree: Tree, rng: random.Random) -> tuple[str, dict[str, object]]:
    pys = [s for s in tree.small if s.lang == "py" and s.imports is not None]
    tss = [s for s in tree.small if s.lang == "ts" and s.imports is not None]
    gos = [s for s in tree.small if s.lang == "go"]
    py = rng.sample(pys, 4)
    ts = rng.sample(tss, 2)
    go = rng.sample(gos, 2)
    big = tree.big[number % len(tree.big)]
    big2 = tree.big[(number + 7) % len(tree.big)]
    files_modified = [s.rel for s in (*py, *ts, *go)]

    artifacts: list[dict[str, object]] = [
        {"path": py[0].rel, "provides": "handlers"},
        {
            "path": ts[0].rel,
            "provides": "store",
            "exports": [f"render{ts[0].key}", f"Store{ts[0].key}"],
        },
        {
            "path": go[0].rel,
            "provides": "server",
            "exports": [f"NewServer{go[0].key}", "DoesNotExist"],
        },
        {"path": py[1].rel, "provides": "module", "min_lines": 40},
        {"path": py[2].rel, "provides": "big module", "min_lines": 5000},
        {"path": ts[1].rel, "provides": "store", "contains": [f"export class Store{ts[1].key}"]},
        {"path": py[3].rel, "provides": "text", "contains": ["this text is not there"]},
        {"path": f"src/missing/gone_{number:02d}.py", "provides": "never written"},
        {
            "path": big.rel,
            "provides": "generated code",
            "min_lines": 1000,
            "contains": [f"END_OF_BIG_{big.key}"],
        },
        {
            "path": py[0].rel,
            "provides": "exports",
            "exports": [f"handler_{py[0].key}", f"Widget_{py[0].key}"],
        },
    ]
    imp0 = tree.by_key[py[0].imports or 0]
    imp1 = tree.by_key[py[1].imports or 0]
    imp_ts = tree.by_key[ts[0].imports or 0]
    links: list[dict[str, str]] = [
        {
            "from": py[0].rel,
            "to": imp0.rel,
            "via": "import",
            "pattern": rf"from src\.py{py[0].group:02d} import mod_{imp0.key:05d}",
        },
        {
            "from": ts[0].rel,
            "to": imp_ts.rel,
            "via": "import",
            "pattern": rf"import \{{ helper{imp_ts.key} \}}",
        },
        {"from": go[0].rel, "to": go[1].rel, "via": "fmt", "pattern": r"fmt\.Println\(.*addr\)"},
        {"from": py[1].rel, "to": imp1.rel, "via": "call", "pattern": rf"process_{imp1.key}\("},
        {
            "from": f"handler_{py[0].key}",
            "to": f"src.py{imp0.group:02d}.mod_{imp0.key:05d}.process_{imp0.key}",
            "via": "call",
            "pattern": rf"process_{imp0.key}\(widget",
        },
        {
            "from": f"handler_{py[1].key}",
            "to": f"src.py{imp1.group:02d}.mod_{imp1.key:05d}.process_{imp1.key}",
            "via": "call",
            "pattern": rf"mod_{imp1.key:05d}\.process",
        },
        {
            "from": f"Widget_{py[2].key}.compute",
            "to": f"src.py{py[2].group:02d}.mod_{py[2].key:05d}.CONSTANT_{py[2].key}",
            "via": "loop",
            "pattern": r"for i in range\(x\)",
        },
        {
            "from": big2.rel,
            "to": py[0].rel,
            "via": "generated",
            "pattern": rf"END_OF_BIG_{big2.key}$",
        },
        {
            "from": py[3].rel,
            "to": ts[1].rel,
            "via": "nothing",
            "pattern": r"never_called_anywhere\(",
        },
        {"from": py[1].rel, "to": f"src.py{imp1.group:02d}.mod_{imp1.key:05d}", "via": "import"},
    ]
    truths = [
        f"handler_{py[0].key} returns the processed widget total",
        f"{py[0].rel} exposes its handlers",
        f"render{ts[0].key} renders the store",
        "Everything is fast and pleasant",
        f"Plan {number} tasks pass their checks",
    ]
    lines = [
        "---",
        "phase: 01-synthetic",
        f"plan: {number:02d}",
        "type: execute",
        f"wave: {1 + number % 3}",
        "depends_on: []",
        "files_modified:",
        *[f"  - {f}" for f in files_modified],
        "autonomous: true",
        "gap_closure: false",
        f"requirements: [SYN-{number:02d}]",
        "",
        "must_haves:",
        "  truths:",
        *[f"    - {_q(t)}" for t in truths],
        "  artifacts:",
    ]
    for art in artifacts:
        lines.append(f"    - path: {_q(str(art['path']))}")
        lines.append(f"      provides: {_q(str(art['provides']))}")
        if "min_lines" in art:
            lines.append(f"      min_lines: {art['min_lines']}")
        for key in ("contains", "exports"):
            if key in art:
                items = ", ".join(_q(str(v)) for v in art[key])  # type: ignore[attr-defined]
                lines.append(f"      {key}: [{items}]")
    lines.append("  key_links:")
    for link in links:
        lines.append(f"    - from: {_q(link['from'])}")
        lines.append(f"      to: {_q(link['to'])}")
        lines.append(f"      via: {_q(link['via'])}")
        if "pattern" in link:
            lines.append(f"      pattern: {_q(link['pattern'])}")
    lines += [
        "---",
        "",
        "<objective>",
        f"Synthetic plan {number} for the must-have benchmark.",
        "</objective>",
        "",
        "<tasks>",
        "",
        '<task type="auto">',
        f"  <name>Task 1: wire handler_{py[0].key}</name>",
        f"  <files>{py[0].rel}</files>",
        "  <action>Wire the handler to the processing module.</action>",
        "  <verify>",
        f"    grep -n 'def handler_{py[0].key}' {py[0].rel}",
        "  </verify>",
        f"  <done>handler_{py[0].key} returns the processed widget total</done>",
        "</task>",
        "",
        '<task type="auto">',
        "  <name>Task 2: check the store</name>",
        f"  <files>{ts[0].rel}</files>",
        "  <action>Render the store.</action>",
        "  <verify>",
        f"    grep -c render{ts[0].key} {ts[0].rel}",
        "  </verify>",
        f"  <done>Plan {number} tasks pass their checks</done>",
        "</task>",
        "",
        "</tasks>",
        "",
        "<verification>",
        f"grep -n handler_{py[0].key} {py[0].rel}",
        "</verification>",
        "",
    ]
    manifest = {
        "plan": f"{PHASE_DIR}/01-{number:02d}-PLAN.md",
        "artifacts": [{"path": a["path"], "contains": a.get("contains", [])} for a in artifacts],
        # The floor knows where each link's pattern must be searched (it resolves nothing).
        "links": [
            {
                "source": _source_file(link["from"], tree, py),
                "target": _target_file(link["to"], tree),
                "pattern": link.get("pattern"),
            }
            for link in links
        ],
    }
    return "\n".join(lines), manifest


def _source_file(spec: str, tree: Tree, py: list[Source]) -> str:
    if "/" in spec:
        return spec
    key = int(spec.split("_")[1].split(".")[0])
    return tree.by_key[key].rel


def _target_file(spec: str, tree: Tree) -> str:
    if "/" in spec:
        return spec
    parts = spec.split(".")
    return "/".join(parts[:3]) + ".py"


def generate(out: Path, files: int = 5000, plans: int = 40, big: int = 20, seed: int = 42) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    tree = build_tree(out, files, big, rng)
    phase = out / PHASE_DIR
    phase.mkdir(parents=True, exist_ok=True)
    (out / ".planning" / "ROADMAP.md").write_text("# Roadmap\n\n- [ ] Phase 1: Synthetic\n")
    manifest = []
    for number in range(1, plans + 1):
        text, entry = build_plan(number, tree, rng)
        (phase / f"01-{number:02d}-PLAN.md").write_text(text)
        manifest.append(entry)
    path = out / "bench-manifest.json"
    path.write_text(json.dumps({"plans": manifest, "files": files}, indent=1))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--plans", type=int, default=40)
    parser.add_argument("--big", type=int, default=20)
    args = parser.parse_args()
    manifest = generate(args.outdir, args.files, args.plans, args.big)
    print(
        f"wrote {args.files} source files and {args.plans} plans under {args.outdir} ({manifest.name})"
    )


if __name__ == "__main__":
    main()
