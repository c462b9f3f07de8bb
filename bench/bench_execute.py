"""Benchmark of `gsd execute` end to end (not a test): real `gsd` subprocesses on generated projects.

    python bench/bench_execute.py [--plans 8] [--sleep 1] [--commands 200] [--repeat 3]

(a) parallel efficiency: a phase of N independent plans whose one verify command is `sleep S`;
    wall time of `gsd execute phase 1 --jobs N` against the sum of the commands (N x S);
    target: speed-up >= 6x for 8 plans of 1 s.
(b) runner overhead: one plan with C trivial commands (`true`, 10 per task) through
    `gsd execute`, against the same C commands as `bash -c true` in a plain bash loop; gsd's time
    per command includes everything (start-up, ledger, git state, must-haves, SUMMARY), and the
    marginal cost per extra command is measured against a 1-command plan; target: overhead
    < 20 ms per command.
Both projects are git repositories (gsd reads git state per task and the plan's commits).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def write_plan(root: Path, plan: str, tasks: list[list[str]]) -> None:
    folder = root / ".planning" / "phases" / "01-bench"
    folder.mkdir(parents=True, exist_ok=True)
    fm = {"phase": "01-bench", "plan": plan, "type": "execute", "wave": 1, "depends_on": []}
    body = ["# Bench", "", "<tasks>"]
    for i, commands in enumerate(tasks, 1):
        body += [
            '<task type="auto">',
            f"  <name>Task {i}</name>",
            "  <action>Nothing.</action>",
            "  <verify>",
        ]
        body += [f"    {c}" for c in commands]
        body += ["  </verify>", "</task>"]
    body.append("</tasks>")
    (folder / f"01-{plan}-PLAN.md").write_text(
        "---\n" + yaml.safe_dump(fm) + "---\n\n" + "\n".join(body) + "\n"
    )


def git_init(root: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@b",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@b",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def gsd(root: Path, *args: str) -> float:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "planner", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(
            f"gsd {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        )
    return elapsed


def parallel(plans: int, sleep: float, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gsd-bench-") as tmp:
        root = Path(tmp)
        (root / ".planning").mkdir()
        for i in range(1, plans + 1):  # the commands stamp their own start and end
            write_plan(
                root, f"{i:02d}", [[f"date +%s.%N >> starts; sleep {sleep:g}; date +%s.%N >> ends"]]
            )
        git_init(root)
        rows = []
        for _ in range(repeat):
            for name in ("starts", "ends"):
                (root / name).unlink(missing_ok=True)
            cpu, begin = children_cpu(), time.time()
            wall = gsd(root, "execute", "phase", "1", "--jobs", str(plans))
            cpu = children_cpu() - cpu  # gsd, git and the commands: steadier than wall here
            starts = [float(x) for x in (root / "starts").read_text().split()]
            ends = [float(x) for x in (root / "ends").read_text().split()]
            rows.append(
                (wall, min(starts) - begin, max(ends) - min(starts), begin + wall - max(ends), cpu)
            )
    wall, lead, span, tail, cpu = (statistics.median(r[i] for r in rows) for i in range(5))
    serial = plans * sleep
    print(f"(a) parallel: {plans} plans x `sleep {sleep:g}` = {serial:.1f} s of commands")
    print(
        f"    gsd execute phase 1 --jobs {plans}: wall {wall:.2f} s (median of {repeat}: "
        f"{', '.join(f'{r[0]:.2f}' for r in rows)})"
    )
    print(
        f"    speed-up {serial / wall:.2f}x (target >= 6x), efficiency {serial / wall / plans:.0%}"
    )
    print(
        f"    inside the run: first command started after {lead:.2f} s (start-up: imports, plans, locks), "
        f"all {plans} commands within {span:.2f} s ({serial / span:.2f}x), exit {tail:.2f} s after the "
        f"last one (checks, SUMMARYs); CPU {cpu:.2f} s (gsd, git and the commands)"
    )


def overhead(commands: int, repeat: int) -> None:
    per_task = 10
    with tempfile.TemporaryDirectory(prefix="gsd-bench-") as tmp:
        root = Path(tmp)
        (root / ".planning").mkdir()
        tasks = [["true"] * per_task for _ in range(commands // per_task)]
        write_plan(root, "01", tasks)
        write_plan(root, "02", [["true"]])
        git_init(root)
        big = [gsd(root, "execute", "01-01") for _ in range(repeat)]
        one = [gsd(root, "execute", "01-02") for _ in range(repeat)]
        loop = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                ["bash", "-c", f"for i in $(seq {commands}); do bash -c true; done"], check=True
            )
            loop.append(time.perf_counter() - start)
    wall, fixed, plain = statistics.median(big), statistics.median(one), statistics.median(loop)
    per_gsd = wall / commands * 1000
    per_plain = plain / commands * 1000
    marginal = (wall - fixed) / (commands - 1) * 1000
    print(
        f"(b) overhead: {commands} x `true` in one plan ({commands // per_task} tasks of {per_task})"
    )
    print(
        f"    gsd execute: {wall:.2f} s = {per_gsd:.1f} ms per command (all in: start-up, ledger, "
        f"git state, must-haves, SUMMARY)"
    )
    print(
        f"    plain bash loop (`bash -c true` x {commands}): {plain:.2f} s = {per_plain:.1f} ms per command"
    )
    print(
        f"    overhead {per_gsd - per_plain:.1f} ms per command (target < 20 ms); ratio {per_gsd / per_plain:.1f}x"
    )
    print(
        f"    fixed cost (a 1-command plan): {fixed:.2f} s; marginal cost {marginal:.1f} ms per extra command "
        f"(overhead {marginal - per_plain:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=8)
    parser.add_argument("--sleep", type=float, default=1.0)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    parallel(args.plans, args.sleep, args.repeat)
    overhead(args.commands, args.repeat)


if __name__ == "__main__":
    main()
