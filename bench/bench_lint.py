"""Time `gsd lint` over every corpus repository next to a floor measured in the same run.

Floor: a plain script that reads every file `gsd lint` reads (each project's PLAN, SUMMARY and
VERIFICATION files) and parses its frontmatter with yaml.CSafeLoader: the least any linter must do.
Target: lint within 3x the floor.

Three measurements, all printed:
- end to end (the headline): one process per repository, `python -m planner --root REPO lint
  --format json` next to one `python -c FLOOR filelist` process per repository (interpreter
  start-up and imports on both sides);
- end to end, whole corpus: one `python -m planner lint CORPUS --format json` process (a folder
  outside any project: every PLAN/SUMMARY/VERIFICATION under a `.planning/` in it, each linted
  in its own project) next to one floor process over the files that run reports;
- in process: `planner.commands.lint.lint([], ws)` for every repository next to the floor loop
  in the same process (best of --repeat), i.e. the throughput without start-up.

    python bench/bench_lint.py [CORPUS] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from planner.commands.lint import kind_of, lint  # noqa: E402
from planner.documents.loader import load_document  # noqa: E402
from planner.workspace import Workspace  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
TARGET = 3.0

FLOOR_SCRIPT = r"""
import sys, yaml
loader = yaml.CSafeLoader
count = 0
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8", "replace")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            try:
                yaml.load(text[3:end], Loader=loader)
            except yaml.YAMLError:
                pass
    count += 1
print(count)
"""


def workspaces(corpus: Path) -> list[Workspace]:
    found = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        planning = repo / ".planning"
        if not planning.is_dir():
            planning = next(iter(sorted(repo.glob("**/.planning"))), planning)
        if planning.is_dir():
            found.append(Workspace.discover(root=planning.parent))
    return found


def files_of(ws: Workspace) -> list[Path]:
    return [p for phase in ws.phases() for p in phase.documents()]


def floor_loop(paths: list[Path]) -> None:
    import yaml

    loader = yaml.CSafeLoader
    for path in paths:
        text = path.read_bytes().decode("utf-8", "replace")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            if end > 0:
                with contextlib.suppress(yaml.YAMLError):
                    yaml.load(text[3:end], Loader=loader)


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best time of each function, runs interleaved so load changes hit all of them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            started = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - started)
    return best


def end_to_end(wss: list[Workspace], env: dict[str, str]) -> tuple[float, float, float, float, int]:
    """(lint wall, floor wall, lint cpu, floor cpu, crashed runs): one process per repository."""
    wall = [0.0, 0.0]
    cpu = [0.0, 0.0]
    exit_codes: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, ws in enumerate(wss):
            listing = Path(tmp) / f"files-{i}.txt"
            listing.write_text("\n".join(str(p) for p in files_of(ws)), encoding="utf-8")
            commands = [
                [
                    sys.executable,
                    "-m",
                    "planner",
                    "--root",
                    str(ws.root),
                    "lint",
                    "--format",
                    "json",
                ],
                [sys.executable, "-c", FLOOR_SCRIPT, str(listing)],
            ]
            for side, cmd in enumerate(commands):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                done = subprocess.run(cmd, capture_output=True, env=env, cwd=tmp)
                wall[side] += time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[side] += after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                if side == 0:
                    exit_codes.append(done.returncode)
    crashed = sum(code not in (0, 1, 3, 5) for code in exit_codes)
    return wall[0], wall[1], cpu[0], cpu[1], crashed


def timed(cmd: list[str], env: dict[str, str], cwd: str) -> tuple[float, float, int, bytes]:
    """(wall, cpu, exit code, stdout) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env, cwd=cwd)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.returncode, done.stdout


def whole_corpus(
    corpus: Path, env: dict[str, str], runs: int
) -> tuple[float, float, float, float, int, int]:
    """(lint wall, floor wall, lint cpu, floor cpu, files, exit code), medians of `runs`: one
    `gsd lint CORPUS` process next to one floor process over the files it reported."""
    lint_cmd = [sys.executable, "-m", "planner", "lint", str(corpus), "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        *_, code, out = timed(lint_cmd, env, tmp)  # warm-up; its report names the files
        files = [f["path"] for f in json.loads(out)["files"]]
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(files), encoding="utf-8")
        floor_cmd = [sys.executable, "-c", FLOOR_SCRIPT, str(listing)]
        samples: list[tuple[float, float, float, float]] = []
        for _ in range(runs):
            lint_wall, lint_cpu, *_ = timed(lint_cmd, env, tmp)
            floor_wall, floor_cpu, *_ = timed(floor_cmd, env, tmp)
            samples.append((lint_wall, floor_wall, lint_cpu, floor_cpu))
    lint_wall, floor_wall, lint_cpu, floor_cpu = (
        statistics.median(s[i] for s in samples) for i in range(4)
    )
    return lint_wall, floor_wall, lint_cpu, floor_cpu, len(files), code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    wss = workspaces(args.corpus)
    paths = [p for ws in wss for p in files_of(ws)]
    print(f"corpus: {len(wss)} repositories, {len(paths)} documents")

    # Bytecode caches on, as in an installed wheel (this sandbox sets PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    end_to_end(wss[:1], env)  # warm-up: writes the caches
    runs = [end_to_end(wss, env) for _ in range(max(1, args.repeat // 2))]
    lint_wall, floor_wall, lint_cpu, floor_cpu = (
        statistics.median(r[i] for r in runs) for i in range(4)
    )
    print(
        "end to end, one process per repository (interpreter start-up and imports included):\n"
        f"  wall: gsd lint {lint_wall:.2f} s, floor {floor_wall:.2f} s, "
        f"ratio {lint_wall / floor_wall:.2f}x\n"
        f"  cpu:  gsd lint {lint_cpu:.2f} s, floor {floor_cpu:.2f} s, "
        f"ratio {lint_cpu / floor_cpu:.2f}x   (crashed runs: {runs[0][4]})"
    )
    lint_wall, floor_wall, lint_cpu, floor_cpu, n_files, code = whole_corpus(
        args.corpus, env, max(1, args.repeat // 2)
    )
    print(
        f"end to end, one `gsd lint {args.corpus.name}` process over the whole corpus "
        f"({n_files} documents, exit {code}) next to one floor process:\n"
        f"  wall: gsd lint {lint_wall:.2f} s, floor {floor_wall:.2f} s, "
        f"ratio {lint_wall / floor_wall:.2f}x\n"
        f"  cpu:  gsd lint {lint_cpu:.2f} s, floor {floor_cpu:.2f} s, "
        f"ratio {lint_cpu / floor_cpu:.2f}x"
    )

    def run_lint() -> None:
        for ws in wss:
            ws.refresh()
            lint([], ws)

    def load_only() -> None:
        for path in paths:
            load_document(path, kind_of(path))

    floor_in, lint_in, load_in = interleaved(
        [lambda: floor_loop(paths), run_lint, load_only], args.repeat
    )
    print(
        f"in process, one run over every repository (best of {args.repeat}, interleaved):\n"
        f"  gsd lint {lint_in:.2f} s, floor {floor_in:.2f} s, ratio {lint_in / floor_in:.2f}x "
        f"(target <= {TARGET:.0f}x)\n"
        f"  of which the document loader alone: {load_in:.2f} s ({load_in / floor_in:.2f}x the floor)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
