"""Benchmark the static must-have checks against a floor, on a generated 5,000-file project.

    python bench/bench_verify.py [--keep DIR] [--files 5000] [--plans 40] [--big 20]

Each measurement runs in its own child process (so peak memory is its own):
- floor:  load each plan's YAML, read each referenced file once, run each pattern once (re module),
          with the answers given by the generator's manifest: no resolution, no parsing;
- engine: planner's loader + check_plan over every plan in one CheckContext (in-process); the
          loader's part is shown apart;
- scan:   the engine plus one bare symbol that no plan file declares (one walk of the tree);
- cli:    `gsd verify phase 1 --static --no-write`, when planner/commands/verify.py exists.
Prints wall times, the ratio to the floor, peak RSS and file reads.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_floor(root: Path) -> dict[str, object]:
    import yaml

    started = time.perf_counter()
    manifest = json.loads((root / "bench-manifest.json").read_text())
    texts: dict[str, str] = {}
    reads = 0

    def read(rel: str) -> str | None:
        nonlocal reads
        if rel not in texts:
            path = root / rel
            if not path.is_file():
                return None
            reads += 1
            texts[rel] = path.read_bytes().decode("utf-8", errors="replace")
        return texts[rel]

    compiled: dict[str, re.Pattern[str]] = {}
    found = 0
    for plan in manifest["plans"]:
        text = (root / plan["plan"]).read_text()
        yaml.load(text.split("---", 2)[1], Loader=yaml.CSafeLoader)
        for art in plan["artifacts"]:
            body = read(art["path"])
            if body is not None:
                found += sum(1 for needle in art["contains"] if needle in body)
        for link in plan["links"]:
            source = read(link["source"])
            read(link["target"])
            if link["pattern"] and source is not None:
                pattern = compiled.setdefault(link["pattern"], re.compile(link["pattern"], re.M))
                found += pattern.search(source) is not None
    return {
        "seconds": time.perf_counter() - started,
        "reads": reads,
        "found": found,
        "peak_mb": _peak_mb(),
    }


def child_engine(root: Path, scan: bool) -> dict[str, object]:
    imported = time.perf_counter()
    from planner.checks.engine import CheckContext, check_plan
    from planner.documents.loader import load_plan

    started = time.perf_counter()
    ctx = CheckContext.create(root)
    counts: dict[str, int] = {}
    plans = sorted((root / ".planning" / "phases" / "01-synthetic").glob("*-PLAN.md"))
    load_seconds = 0.0
    for path in plans:
        before = time.perf_counter()
        loaded = load_plan(path)
        load_seconds += time.perf_counter() - before
        plan = loaded.doc
        assert plan is not None, loaded.diagnostics
        result = check_plan(plan, path.name[:5], ctx.for_plan())
        for kind, items in (
            ("artifact", result.artifacts),
            ("link", result.links),
            ("truth", result.truths),
        ):
            for item in items:
                key = f"{kind} {item.status.value}"
                counts[key] = counts.get(key, 0) + 1
    scan_seconds = None
    if scan:
        before = time.perf_counter()
        found = ctx.symbols.find("Store2500.get")  # declared in one TS file no plan names
        scan_seconds = time.perf_counter() - before
        counts["scan found"] = len(found)
    return {
        "import_seconds": started - imported,
        "seconds": time.perf_counter() - started,
        "load_seconds": load_seconds,
        "scan_seconds": scan_seconds,
        "reads": ctx.files.reads,
        "max_reads_per_file": max(ctx.files.read_counts.values(), default=0),
        "parsed": ctx.symbols.parsed,
        "scans": ctx.symbols.scans,
        "regex_compiles": ctx.regexes.compiles,
        "regex_searches": ctx.regexes.searches,
        "counts": dict(sorted(counts.items())),
        "peak_mb": _peak_mb(),
    }


def run_child(mode: str, root: Path) -> dict[str, object]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(root)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    data: dict[str, object] = json.loads(out.stdout)
    data["process_seconds"] = time.perf_counter() - started
    return data


def run_cli(root: Path) -> dict[str, object] | None:
    if not (REPO / "planner" / "commands" / "verify.py").exists():
        return None
    gsd = Path(sys.executable).with_name("gsd")
    argv = [str(gsd)] if gsd.exists() else [sys.executable, "-m", "planner"]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*argv, "verify", "phase", "1", "--static", "--no-write"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    return {
        "seconds": seconds,
        "exit": os.waitstatus_to_exitcode(status),
        "peak_mb": usage.ru_maxrss / 1024,
        "stderr_tail": stderr.strip().splitlines()[-1:] if stderr.strip() else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("MODE", "ROOT"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--plans", type=int, default=40)
    parser.add_argument("--big", type=int, default=20)
    args = parser.parse_args()
    if args.child:
        mode, root = args.child[0], Path(args.child[1])
        data = child_floor(root) if mode == "floor" else child_engine(root, scan=mode == "scan")
        print(json.dumps(data))
        return

    sys.path.insert(0, str(HERE))
    from gen_synthetic import generate

    with tempfile.TemporaryDirectory(prefix="gsd-bench-") as tmp:
        root = args.keep or Path(tmp) / "project"
        started = time.perf_counter()
        generate(root, args.files, args.plans, args.big)
        print(
            f"generated {args.files} files, {args.plans} plans in {time.perf_counter() - started:.1f} s: {root}"
        )
        floor = run_child("floor", root)
        engine = run_child("engine", root)
        scan = run_child("scan", root)
        cli = run_cli(root)

    f_s, e_s = float(floor["seconds"]), float(engine["seconds"])  # type: ignore[arg-type]
    print(
        f"floor   {f_s:7.3f} s  (process {floor['process_seconds']:.2f} s)  reads {floor['reads']:5}  peak {floor['peak_mb']:6.1f} MB"
    )
    print(
        f"engine  {e_s:7.3f} s  (process {engine['process_seconds']:.2f} s, imports {engine['import_seconds']:.2f} s)"
        f"  reads {engine['reads']:5} (max {engine['max_reads_per_file']} per file)  peak {engine['peak_mb']:6.1f} MB"
    )
    print(f"ratio   {e_s / f_s:7.2f} x floor (target <= 2x + start-up)")
    load_s = float(engine["load_seconds"])  # type: ignore[arg-type]
    print(f"        loader {load_s:.3f} s ({load_s / e_s:.0%}), checks {e_s - load_s:.3f} s")
    print(
        f"        parsed {engine['parsed']} files, {engine['scans']} tree scans, {engine['regex_compiles']} regexes compiled, {engine['regex_searches']} searches"
    )
    print(f"        {engine['counts']}")
    print(
        f"scan    {float(scan['seconds']):7.3f} s  (one bare symbol outside the plans' files: "
        f"{float(scan['scan_seconds']):.3f} s)  reads {scan['reads']} (max {scan['max_reads_per_file']} per file)  "  # type: ignore[arg-type]
        f"peak {scan['peak_mb']:6.1f} MB"
    )
    if cli is None:
        print("cli     skipped: planner/commands/verify.py does not exist yet")
    else:
        print(
            f"cli     {cli['seconds']:7.3f} s  exit {cli['exit']}  peak {cli['peak_mb']:6.1f} MB  {cli['stderr_tail']}"
        )


if __name__ == "__main__":
    main()
