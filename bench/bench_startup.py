"""Start-up time of the CLI: median wall time of several runs of each command.

Targets: `gsd --version` < 0.15 s, `gsd show <plan> --json` < 0.25 s. Figures are printed, never
asserted (the machine's load decides them as much as the code does).

Each figure is the median wall time, in brackets the median CPU time (user + system) of the child,
then the best wall time: on a shared machine the CPU time and the best run are the steadier ones. Two settings: with bytecode caches (as an installed wheel runs; the caches are written
by a warm-up run) and without them (this sandbox sets PYTHONDONTWRITEBYTECODE=1, so every import
compiles the planner sources again).

    python bench/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
SEED_PLAN = "001_48dba6ddd45e2763.txt"  # plan 26-04

PLAN_TEXT = """---
phase: 26-ci-cd-fixes
plan: 04
type: execute
wave: 1
depends_on: []
files_modified: [src/a.py]
autonomous: true
must_haves:
  truths: ["a works"]
  artifacts:
    - path: src/a.py
      provides: "a"
---

<tasks>
<task type="auto">
  <name>Do a</name>
  <action>Write a</action>
  <verify>test -f src/a.py</verify>
  <done>a exists</done>
</task>
</tasks>
"""

TARGETS = {"--version": 0.15, "show 26-04 --json": 0.25}


def gsd_command() -> list[str]:
    script = Path(sys.executable).parent / "gsd"
    return [str(script)] if script.exists() else [sys.executable, "-m", "planner"]


def median_time(
    cmd: list[str], cwd: Path, env: dict[str, str], runs: int, *, check: bool = True
) -> tuple[float, float, float]:
    """(median wall seconds, median child CPU seconds, best wall seconds)."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if check and done.returncode != 0:
            raise SystemExit(
                f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-400:]}"
            )
    return statistics.median(walls), statistics.median(cpus), min(walls)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    gsd = gsd_command()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        phase = root / ".planning" / "phases" / "26-ci-cd-fixes"
        phase.mkdir(parents=True)
        plan = phase / "26-04-PLAN.md"
        if (SEEDS / SEED_PLAN).exists():
            shutil.copyfile(SEEDS / SEED_PLAN, plan)
        else:
            plan.write_text(PLAN_TEXT, encoding="utf-8")
        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "--version": [*gsd, "--version"],
            "--help": [*gsd, "--help"],
            "show 26-04 --json": [*gsd, "show", "26-04", "--json"],
            "lint 26-04": [*gsd, "lint", "26-04"],
        }
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        uncached = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        for cmd in commands.values():  # warm-up: file caches, bytecode caches
            subprocess.run(cmd, cwd=root, env=cached, capture_output=True)
        print(f"{args.runs} runs each, command: {' '.join(gsd)}")
        print("median wall s (median cpu s) best wall s")
        print(f"{'':26}{'with .pyc':>26}{'without .pyc':>26}{'target':>9}")
        for name, cmd in commands.items():
            check = name != "lint 26-04"  # lint exits 1 on the seed's findings
            cells = []
            for env in (cached, uncached):
                wall, cpu, best = median_time(cmd, root, env, args.runs, check=check)
                cells.append(f"{wall:.3f} ({cpu:.3f}) {best:.3f}")
            target = TARGETS.get(name)
            mark = f"< {target:.2f}" if target else ""
            print(f"{name:26}{cells[0]:>26}{cells[1]:>26}{mark:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
