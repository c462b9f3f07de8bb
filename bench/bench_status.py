"""Time `gsd status` on a large real project next to a floor measured in the same run.

Floor: a plain script that reads every PLAN/SUMMARY/VERIFICATION file once and parses its
frontmatter with yaml.CSafeLoader (the least any status command must do). Target: status within
3x the floor. Two measurements:
- in process: `compute_status` + text rendering vs the floor loop (best of --repeat runs);
- end to end: `python -m planner --root ROOT status` vs `python -c FLOOR` as subprocesses
  (interpreter start-up and imports included on both sides).

    python bench/bench_status.py [ROOT] [--repeat N]

ROOT defaults to ../shared/corpus/Atypical-Consulting__FlowForge (278 plans).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO.parent / "shared" / "corpus" / "Atypical-Consulting__FlowForge"
TARGET = 3.0

FLOOR_SCRIPT = r"""
import os, sys, yaml
loader = yaml.CSafeLoader
count = 0
for folder, _dirs, files in os.walk(os.path.join(sys.argv[1], ".planning")):
    for name in files:
        if not name.endswith(("PLAN.md", "SUMMARY.md", "VERIFICATION.md")):
            continue
        with open(os.path.join(folder, name), "rb") as fh:
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


def floor_in_process(root: Path) -> int:
    namespace: dict[str, object] = {}
    old = sys.argv
    sys.argv = ["floor", str(root)]
    try:
        exec(compile(FLOOR_SCRIPT, "<floor>", "exec"), namespace)  # prints the file count
    finally:
        sys.argv = old
    return 0


def status_in_process(root: Path) -> int:
    from planner.commands.status import render_text, status
    from planner.workspace import Workspace

    report, _code = status(Workspace.discover(root=root))
    return len(render_text(report))


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root: Path = args.root.resolve()
    if not (root / ".planning").is_dir():
        print(f"no .planning/ under {root}", file=sys.stderr)
        return 2

    # Warm the page cache and the imports once so both sides start equal.
    status_in_process(root)
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        floor_in_process(root)
        floor = best_of(lambda: floor_in_process(root), args.repeat)
    ours = best_of(lambda: status_in_process(root), args.repeat)
    print(f"project: {root.name}")
    print(
        f"in process   floor {floor * 1000:7.1f} ms   status {ours * 1000:7.1f} ms   "
        f"ratio {ours / floor:4.2f}x (target <= {TARGET}x)"
    )

    python = sys.executable
    floor_cmd = [python, "-c", FLOOR_SCRIPT, str(root)]
    status_cmd = [python, "-m", "planner", "--root", str(root), "--no-color", "status"]

    def run(cmd: list[str]) -> None:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=REPO)

    run(status_cmd)
    floor_e2e = best_of(lambda: run(floor_cmd), args.repeat)
    ours_e2e = best_of(lambda: run(status_cmd), args.repeat)
    print(
        f"end to end   floor {floor_e2e * 1000:7.1f} ms   status {ours_e2e * 1000:7.1f} ms   "
        f"ratio {ours_e2e / floor_e2e:4.2f}x (target <= {TARGET}x)"
    )
    return 0 if ours / floor <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
