"""How much gsd's hooks add to `git commit`.

Two repositories with the same content (the seeds' layout: plan 26-04), one with `gsd hooks
install`, one without. N commits go to each, alternating which goes first, so machine noise hits
both alike; 3 in 4 commits name the plan (`feat(26-04): ...`) and are recorded, the others are
`chore:` commits the hook only looks at. Prints median and p90 of `git commit` wall time for both,
and the added time (target: median < 60 ms).

    python bench/bench_hooks.py [--commits 40] [--keep-env]

Bytecode: with PYTHONDONTWRITEBYTECODE set (as in some sandboxes) every hook run would compile
gsd's modules from source, which no installed package does; the bench unsets it for git so the
first run writes the .pyc files, unless --keep-env.
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
sys.path.insert(0, str(REPO))

from planner.gitops.hooks import install  # noqa: E402 - after the path setup above

SEED_PLAN = REPO.parent / "shared" / "seeds" / "001_48dba6ddd45e2763.txt"
PLAN_TEXT = "---\nphase: 26-ci-cd-fixes\nplan: '04'\ntype: execute\n---\n\n# Plan 26-04\n"


def git(repo: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def make_repo(path: Path, env: dict[str, str]) -> Path:
    phase = path / ".planning" / "phases" / "26-ci-cd-fixes"
    phase.mkdir(parents=True)
    plan = phase / "26-04-PLAN.md"
    if SEED_PLAN.is_file():
        shutil.copy(SEED_PLAN, plan)
    else:
        plan.write_text(PLAN_TEXT, encoding="utf-8")
    git(path, "init", "-q", "-b", "main", env=env)
    git(path, "config", "user.name", "Bench", env=env)
    git(path, "config", "user.email", "bench@example.com", env=env)
    git(path, "add", ".", env=env)
    git(path, "commit", "-q", "-m", "docs: plans", env=env)
    return path


def timed_commit(repo: Path, n: int, env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms of git and every process it ran) for one `git commit`."""
    message = f"feat(26-04): change {n}" if n % 4 else f"chore: tidy {n}"
    (repo / "src").mkdir(exist_ok=True)
    with (repo / "src" / f"f{n % 7}.py").open("a", encoding="utf-8") as fh:
        fh.write(f"x = {n}\n")
    git(repo, "add", "src", env=env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    git(repo, "commit", "-q", "-m", message, env=env)
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=40)
    parser.add_argument("--keep-env", action="store_true", help="keep PYTHONDONTWRITEBYTECODE")
    opts = parser.parse_args()
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(name, None)
    if not opts.keep_env:
        env.pop("PYTHONDONTWRITEBYTECODE", None)

    with tempfile.TemporaryDirectory(prefix="gsd-bench-") as tmp:
        env["GIT_CONFIG_GLOBAL"] = str(Path(tmp) / "gitconfig")
        plain = make_repo(Path(tmp) / "plain", env)
        hooked = make_repo(Path(tmp) / "hooked", env)
        install(hooked)
        timed_commit(hooked, 10_000, env)  # warm-up: caches, .pyc files
        timed_commit(plain, 10_000, env)
        times: dict[str, list[float]] = {"plain": [], "hooked": []}
        cpu: dict[str, list[float]] = {"plain": [], "hooked": []}
        kinds: list[bool] = []
        python_start: list[float] = []  # a yardstick for this machine, measured alongside
        for n in range(opts.commits):
            order = [("plain", plain), ("hooked", hooked)]
            for name, repo in order if n % 2 else order[::-1]:
                wall, used = timed_commit(repo, n, env)
                times[name].append(wall)
                cpu[name].append(used)
            kinds.append(bool(n % 4))
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
            python_start.append((time.perf_counter() - started) * 1000)
        summary = hooked / ".planning/phases/26-ci-cd-fixes/26-04-SUMMARY.md"
        recorded = summary.read_text(encoding="utf-8").count("| feat |")

    plain_t, hooked_t = times["plain"], times["hooked"]
    added = [h - p for h, p in zip(hooked_t, plain_t, strict=True)]
    plan_added = [a for a, k in zip(added, kinds, strict=True) if k]
    other_added = [a for a, k in zip(added, kinds, strict=True) if not k]
    median_added = statistics.median(hooked_t) - statistics.median(plain_t)
    load = os.getloadavg()[0]
    print(f"gsd hooks bench: {opts.commits} commits per repository, alternating")
    print(
        f"  machine: {os.cpu_count()} CPUs, load average {load:.2f} at the end (wall times include it)"
    )
    print(
        f"  {sum(kinds)} name plan 26-04 (recorded: {recorded}), {len(kinds) - sum(kinds)} do not"
    )
    print(f"  {'':16} {'median':>9} {'p90':>9}")
    print(f"  {'without hooks':16} {statistics.median(plain_t):7.1f}ms {p90(plain_t):7.1f}ms")
    print(f"  {'with hooks':16} {statistics.median(hooked_t):7.1f}ms {p90(hooked_t):7.1f}ms")
    cpu_added = statistics.median(cpu["hooked"]) - statistics.median(cpu["plain"])
    verdict = "ok" if median_added < 60 else "OVER the 60 ms target"
    print(
        f"  added (median): {median_added:.1f} ms ({verdict}); CPU time added: {cpu_added:.1f} ms"
    )
    print(
        f"  added per commit, median: {statistics.median(plan_added):.1f} ms recording a plan commit,"
        f" {statistics.median(other_added):.1f} ms for a commit that names none"
    )
    start = statistics.median(python_start)
    print(
        f"  yardstick: `python -c pass` takes {start:.1f} ms here; the hook adds"
        f" {median_added / start:.1f}x that"
    )
    return 0 if recorded == sum(kinds) else 1


if __name__ == "__main__":
    raise SystemExit(main())
