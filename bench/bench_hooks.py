"""How much gsd's hooks add to `git commit`.

Two repositories with the same content (the seeds' layout: plan 26-04), one with `gsd hooks
install`, one without. N commits go to each, alternating which goes first, so machine noise hits
both alike; 3 in 4 commits name the plan (`feat(26-04): ...`) and are recorded, the others are
`chore:` commits the hook only looks at. Each run prints median and p90 of `git commit` wall time
for both, and the added time; the whole measurement is repeated (fresh repositories each run) and
the summary gives the median over runs (target: added median < 60 ms, aim <= 45 ms). The last
lines list what the hook process imports for each kind of commit.

    python bench/bench_hooks.py [--commits 40] [--runs 3] [--keep-env]

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
TARGET_MS = 60.0
AIM_MS = 45.0
# Modules worth naming when the hook loads them (each costs it milliseconds).
NOTABLE = ("re", "zlib", "yaml", "pathlib", "dataclasses", "typing", "subprocess")


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


def stage(repo: Path, n: int, env: dict[str, str]) -> None:
    (repo / "src").mkdir(exist_ok=True)
    with (repo / "src" / f"f{n % 7}.py").open("a", encoding="utf-8") as fh:
        fh.write(f"x = {n}\n")
    git(repo, "add", "src", env=env)


def message(n: int) -> str:
    return f"feat(26-04): change {n}" if n % 4 else f"chore: tidy {n}"


def timed_commit(repo: Path, n: int, env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms of git and every process it ran) for one `git commit`."""
    stage(repo, n, env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    git(repo, "commit", "-q", "-m", message(n), env=env)
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def one_run(commits: int, env: dict[str, str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="gsd-bench-") as tmp:
        env = {**env, "GIT_CONFIG_GLOBAL": str(Path(tmp) / "gitconfig")}
        plain = make_repo(Path(tmp) / "plain", env)
        hooked = make_repo(Path(tmp) / "hooked", env)
        install(hooked)
        timed_commit(hooked, 10_000, env)  # warm-up: caches, .pyc files
        timed_commit(plain, 10_000, env)
        times: dict[str, list[float]] = {"plain": [], "hooked": []}
        cpu: dict[str, list[float]] = {"plain": [], "hooked": []}
        kinds: list[bool] = []
        python_start: list[float] = []  # a yardstick for this machine, measured alongside
        for n in range(commits):
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
    return {
        "plain": statistics.median(plain_t),
        "plain_p90": p90(plain_t),
        "hooked": statistics.median(hooked_t),
        "hooked_p90": p90(hooked_t),
        "added": statistics.median(hooked_t) - statistics.median(plain_t),
        "cpu_added": statistics.median(cpu["hooked"]) - statistics.median(cpu["plain"]),
        "plan": statistics.median(a for a, k in zip(added, kinds, strict=True) if k),
        "other": statistics.median(a for a, k in zip(added, kinds, strict=True) if not k),
        "python": statistics.median(python_start),
        "load": os.getloadavg()[0],
        "plan_commits": sum(kinds),
        "recorded": recorded,
    }


def hook_modules(env: dict[str, str]) -> dict[str, list[str]]:
    """The modules one hook run loads beyond Python's own start-up, per kind of commit (a plan's
    first commit creates its SUMMARY through YAML; later ones find the file as the hook left it)."""
    code = (
        "import sys; before = set(sys.modules)\n"
        "from planner.gitops.hook_main import main\n"
        "main(['post-commit']); print(' '.join(sorted(set(sys.modules) - before)))"
    )
    out: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="gsd-bench-") as tmp:
        env = {**env, "GIT_CONFIG_GLOBAL": str(Path(tmp) / "gitconfig")}
        repo = make_repo(Path(tmp) / "repo", env)
        install(repo)
        kinds = ((1, "a plan's first commit"), (2, "plan commit"), (4, "no plan"))
        for n, kind in kinds:
            stage(repo, n, env)
            git(repo, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", message(n), env=env)
            proc = subprocess.run(
                [sys.executable, "-P", "-c", code],
                cwd=repo,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            out[kind] = proc.stdout.split()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=40, help="commits per repository and run")
    parser.add_argument("--runs", type=int, default=3, help="repeat the measurement")
    parser.add_argument("--keep-env", action="store_true", help="keep PYTHONDONTWRITEBYTECODE")
    opts = parser.parse_args()
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(name, None)
    if not opts.keep_env:
        env.pop("PYTHONDONTWRITEBYTECODE", None)

    print(f"gsd hooks bench: {opts.runs} run(s) of {opts.commits} commits per repository")
    print(f"  machine: {os.cpu_count()} CPUs (wall times include its load)")
    print(
        f"  {'run':4} {'plain':>7} {'hooked':>7} {'p90':>7} {'ADDED':>7} {'plan':>7} "
        f"{'noplan':>7} {'cpu':>7} {'py -c':>6} {'load':>5}"
    )
    runs = []
    ok = True
    for i in range(opts.runs):
        r = one_run(opts.commits, env)
        runs.append(r)
        ok = ok and r["recorded"] == r["plan_commits"]
        print(
            f"  {i + 1:<4} {r['plain']:7.1f} {r['hooked']:7.1f} {r['hooked_p90']:7.1f} "
            f"{r['added']:7.1f} {r['plan']:7.1f} {r['other']:7.1f} {r['cpu_added']:7.1f} "
            f"{r['python']:6.1f} {r['load']:5.2f}"
        )
    print(
        "  (ms; plain/hooked: median `git commit`; ADDED: hooked - plain medians; plan/noplan:"
        " median added for commits that name plan 26-04 / none; cpu: CPU time added)"
    )

    def mid(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    added = mid("added")
    verdict = (
        f"ok, under the {TARGET_MS:.0f} ms target"
        + (
            f" and the {AIM_MS:.0f} ms aim"
            if added <= AIM_MS
            else f", above the {AIM_MS:.0f} ms aim"
        )
        if added < TARGET_MS
        else f"OVER the {TARGET_MS:.0f} ms target"
    )
    print(f"  added (median over runs): {added:.1f} ms ({verdict})")
    print(
        f"  per commit: {mid('plan'):.1f} ms recording a plan commit,"
        f" {mid('other'):.1f} ms for a commit that names none; CPU added {mid('cpu_added'):.1f} ms"
    )
    print(
        f"  yardstick: `python -c pass` takes {mid('python'):.1f} ms here;"
        f" the hook adds {added / mid('python'):.1f}x that"
    )
    print(f"  recorded: {'every' if ok else 'NOT every'} plan commit, in each run")
    for kind, modules in hook_modules(env).items():
        notable = [m for m in NOTABLE if m in modules] or ["none of " + ", ".join(NOTABLE)]
        print(f"  hook imports ({kind}): {len(modules)} modules; notable: {', '.join(notable)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
