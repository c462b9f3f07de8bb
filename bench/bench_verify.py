"""`gsd verify phase --static` on a generated 5,000-file project, against a floor and start-up.

    python bench/bench_verify.py [--keep DIR] [--files 5000] [--plans 40] [--big 20] [--runs 5]

The issue's figure: the CLI's wall time next to `2 x floor + start-up`, all measured in this run.

- floor:   a plain script (in its own process, timed after `import yaml`): for each plan, its YAML
           frontmatter loaded (C loader); each file a plan references (artifact paths, both ends
           of each key link) read once and decoded; each `contains` text searched and each link
           pattern compiled and searched once (`re`). The answers come from the generator's
           manifest: it resolves no path or symbol, parses no code, scans no marker, counts no
           line, builds no report. Its interpreter start and imports are not in the figure.
- start-up: the wall time of `gsd --version`: the interpreter, site-packages, the console script
           and the planner package. It is the least any gsd command costs, and nothing that
           `verify` imports (typer, pydantic, the loader, the checks, the reports) is in it: all
           of that is counted as the command's own cost. `python -c pass` is printed beside it.
- cli:     `gsd verify phase 1 --static --no-write` in the project, wall time from spawn to exit,
           with the child's CPU time and peak RSS. `--no-write` (DESIGN section 2) only skips
           writing VERIFICATION.md: every check runs, the report is built and printed.
- engine:  planner's loader + check_plan over every plan in one CheckContext, in process (its
           imports, the parsers' included, timed apart): the checks without the command around
           them.
- scan:    the engine plus one bare symbol that no plan file declares (one walk of the tree).

Every figure is the median of `--runs` rounds; a round runs floor, start-up, cli and engine one
after the other (the machine is shared and noisy: interleaving spreads the noise). The best run is
shown in brackets. Bytecode caches are in effect, as for an installed wheel: children run with
PYTHONPYCACHEPREFIX in a temporary folder (this sandbox sets PYTHONDONTWRITEBYTECODE=1, which
would recompile every planner module on each run) and one untimed warm-up run writes them.
One more, untimed, cli run counts the files the command opens under the project (an audit hook):
each should be opened once. Nothing is cached across runs by gsd itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CLI_ARGS = ("verify", "phase", "1", "--static", "--no-write")

# Counts `open` audit events for files under the project (argv[1]), then runs gsd's entry point.
_OPEN_COUNTER = """
import json, os, sys
from collections import Counter
root, out = os.path.realpath(sys.argv.pop(1)) + os.sep, sys.argv.pop(1)
opened = Counter()
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and not args[2] & (os.O_WRONLY | os.O_RDWR):
        path = os.path.realpath(args[0])
        if path.startswith(root):
            opened[path[len(root):]] += 1
sys.addaudithook(hook)
import atexit
atexit.register(lambda: open(out, "w").write(json.dumps(opened)))
from planner.__main__ import main
main()
"""


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
    from planner.checks import lang_braces, lang_python  # noqa: F401  (imported on first parse)
    from planner.checks.engine import CheckContext, check_plan
    from planner.documents.loader import load_plan
    from planner.documents.models import Plan

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
        assert isinstance(plan, Plan), loaded.diagnostics
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


def child_env(pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_timed(argv: list[str], cwd: Path, env: dict[str, str]) -> dict[str, object]:
    """Wall time from spawn to exit, the child's own CPU time and peak RSS (wait4), exit code,
    stdout and stderr (through temporary files: no pipe to drain while timing)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "seconds": seconds,
            "exit": proc.returncode,
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
            "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024,
        }


def run_child(mode: str, root: Path, env: dict[str, str]) -> dict[str, object]:
    done = run_timed(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(root)], REPO, env
    )
    if done["exit"] != 0:
        raise SystemExit(f"child {mode} exited {done['exit']}: {str(done['stderr'])[-800:]}")
    data: dict[str, object] = json.loads(str(done["stdout"]))
    data["process_seconds"] = done["seconds"]
    return data


def gsd_argv() -> list[str]:
    gsd = Path(sys.executable).with_name("gsd")
    return [str(gsd)] if gsd.exists() else [sys.executable, "-m", "planner"]


def count_opens(root: Path, env: dict[str, str], tmp: Path) -> dict[str, int]:
    out = tmp / "opened.json"
    done = run_timed(
        [sys.executable, "-c", _OPEN_COUNTER, str(root), str(out), *CLI_ARGS], root, env
    )
    if not out.exists():
        raise SystemExit(f"open counter failed (exit {done['exit']}): {str(done['stderr'])[-800:]}")
    opened: dict[str, int] = json.loads(out.read_text())
    return opened


def med(rows: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(r[key]) for r in rows)  # type: ignore[arg-type]


def best(rows: list[dict[str, object]], key: str) -> float:
    return min(float(r[key]) for r in rows)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("MODE", "ROOT"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--plans", type=int, default=40)
    parser.add_argument("--big", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5, help="rounds (medians are reported)")
    args = parser.parse_args()
    if args.child:
        mode, root = args.child[0], Path(args.child[1])
        data = child_floor(root) if mode == "floor" else child_engine(root, scan=mode == "scan")
        print(json.dumps(data))
        return

    sys.path.insert(0, str(HERE))
    from gen_synthetic import generate

    with tempfile.TemporaryDirectory(prefix="gsd-bench-") as tmp_name:
        tmp = Path(tmp_name)
        root = args.keep or tmp / "project"
        started = time.perf_counter()
        generate(root, args.files, args.plans, args.big)
        print(
            f"generated {args.files} files, {args.plans} plans in {time.perf_counter() - started:.1f} s: {root}"
        )
        env = child_env(tmp / "pycache")
        gsd = gsd_argv()
        cli_argv = [*gsd, *CLI_ARGS]
        # Warm-up (untimed): bytecode caches, the page cache.
        run_child("floor", root, env)
        run_child("engine", root, env)
        run_timed(cli_argv, root, env)
        python_rows, startup_rows, floor_rows, cli_rows, engine_rows = [], [], [], [], []
        for _ in range(args.runs):
            python_rows.append(run_timed([sys.executable, "-c", "pass"], root, env))
            startup_rows.append(run_timed([*gsd, "--version"], root, env))
            floor_rows.append(run_child("floor", root, env))
            cli_rows.append(run_timed(cli_argv, root, env))
            engine_rows.append(run_child("engine", root, env))
        scan = run_child("scan", root, env)
        opened = count_opens(root, env, tmp)

    floor, engine, cli = floor_rows[-1], engine_rows[-1], cli_rows[-1]
    f_s, startup_s, cli_s = (
        med(floor_rows, "seconds"),
        med(startup_rows, "seconds"),
        med(cli_rows, "seconds"),
    )
    e_s, e_imp = med(engine_rows, "seconds"), med(engine_rows, "import_seconds")
    target = 2 * f_s + startup_s
    print(f"medians of {args.runs} interleaved rounds (best in brackets)")
    print(
        f"python  {med(python_rows, 'seconds'):7.3f} s  ({best(python_rows, 'seconds'):.3f})"
        "  `python -c pass`, for reference"
    )
    print(
        f"startup {startup_s:7.3f} s  ({best(startup_rows, 'seconds'):.3f})  `gsd --version`:"
        " interpreter, site-packages, console script, planner package; nothing verify imports"
    )
    print(
        f"floor   {f_s:7.3f} s  ({best(floor_rows, 'seconds'):.3f})  process {med(floor_rows, 'process_seconds'):.2f} s;"
        f" {args.plans} plans' YAML loaded, {floor['reads']} files read once, each contains/pattern"
        f" searched once (re); no resolution, parsing or report; peak {floor['peak_mb']:.0f} MB"
    )
    print(
        f"cli     {cli_s:7.3f} s  ({best(cli_rows, 'seconds'):.3f})  cpu {med(cli_rows, 'cpu'):.3f} s,"
        f" exit {cli['exit']}, peak {max(float(r['peak_mb']) for r in cli_rows):.0f} MB:"  # type: ignore[arg-type]
        f" `gsd {' '.join(CLI_ARGS)}` (checks run, report built and printed, file not written)"
    )
    verdict = "met" if cli_s <= target else "missed"
    print(
        f"target  {target:7.3f} s  = 2 x floor + startup; cli is {cli_s / target:.2f}x the target ({verdict});"
        f" cli - startup = {cli_s - startup_s:.3f} s = {(cli_s - startup_s) / f_s:.2f}x floor"
    )
    peak = max(float(r["peak_mb"]) for r in cli_rows)  # type: ignore[arg-type]
    print(
        f"memory    cli peak {peak:.0f} MB (target < 200 MB: {'met' if peak < 200 else 'missed'})"
    )
    repeated = {k: v for k, v in opened.items() if v > 1}
    print(
        f"reads     cli opened {len(opened)} project files"
        + (
            f"; more than once: {dict(sorted(repeated.items())[:5])}"
            if repeated
            else ", each once (read once per run: met)"
        )
    )
    print(
        f"engine  {e_s:7.3f} s  ({best(engine_rows, 'seconds'):.3f})  in process, imports {e_imp:.3f} s apart:"
        f" ratio {e_s / f_s:.2f} x floor; reads {engine['reads']} (max {engine['max_reads_per_file']} per file),"
        f" peak {engine['peak_mb']:.0f} MB"
    )
    load_s = med(engine_rows, "load_seconds")
    print(f"        loader {load_s:.3f} s ({load_s / e_s:.0%}), checks {e_s - load_s:.3f} s")
    print(
        f"        parsed {engine['parsed']} files, {engine['scans']} tree scans, {engine['regex_compiles']} regexes compiled, {engine['regex_searches']} searches"
    )
    print(f"        {engine['counts']}")
    print(
        f"scan    {float(scan['seconds']):7.3f} s  (one bare symbol outside the plans' files: "  # type: ignore[arg-type]
        f"{float(scan['scan_seconds']):.3f} s)  reads {scan['reads']} (max {scan['max_reads_per_file']} per file)  "  # type: ignore[arg-type]
        f"peak {scan['peak_mb']:6.1f} MB"
    )
    if cli["exit"] not in (0, 1, 4):
        print(f"cli stderr: {str(cli['stderr'])[-800:]}")


if __name__ == "__main__":
    main()
