"""Benchmark of the command runner (not a test): overhead per command and output capture.

    python bench/bench_runner.py [--commands 200] [--size 1G]

(a) overhead: N trivial commands through `run_command` vs the same N as `bash -c true` from
    Python's subprocess, vs one bash process looping over `/bin/true`; target < 20 ms per command
    of gsd overhead (gsd minus plain subprocess).
(b) capture: a command writing SIZE bytes (`head -c SIZE /dev/zero`, then `yes`), captured by
    `run_command` in a child process whose peak RSS (ru_maxrss) is reported, vs the same stream
    into `cat > /dev/null`; targets: peak < 100 MB, time within 2x of cat.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CAPTURE_CHILD = """
import json, resource, sys, time
from pathlib import Path
from planner.execution.runner import run_command
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
r = run_command(sys.argv[1], cwd=Path("."), timeout=600)
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"status": r.status.value, "bytes": r.output_bytes, "seconds": elapsed,
                  "peak_kb": peak, "base_kb": base}))
"""


def overhead(n: int, cwd: Path) -> None:
    from planner.execution.runner import run_command

    run_command("true", cwd=cwd, timeout=10)  # warm up imports and caches
    start = time.perf_counter()
    for _ in range(n):
        result = run_command("true", cwd=cwd, timeout=10)
        assert result.status.value == "passed", result
    gsd = (time.perf_counter() - start) / n * 1000

    start = time.perf_counter()
    for _ in range(n):
        subprocess.run(["bash", "-c", "true"], cwd=cwd, check=True)
    plain = (time.perf_counter() - start) / n * 1000

    start = time.perf_counter()
    subprocess.run(["bash", "-c", f"for i in $(seq {n}); do /bin/true; done"], cwd=cwd, check=True)
    loop = (time.perf_counter() - start) / n * 1000

    print(f"(a) overhead, {n} trivial commands")
    print(f"    run_command('true')              {gsd:7.2f} ms/command")
    print(f"    subprocess.run(bash -c true)     {plain:7.2f} ms/command")
    print(f"    one bash looping /bin/true       {loop:7.2f} ms/command")
    print(f"    gsd overhead vs plain subprocess {gsd - plain:7.2f} ms/command (target < 20)")


def capture(size: str, cwd: Path) -> None:
    print(f"(b) output capture, {size} of output")
    for label, producer in [
        ("head -c /dev/zero", f"head -c {size} /dev/zero"),
        ("yes", f"yes | head -c {size}"),
    ]:
        out = subprocess.run(
            [sys.executable, "-c", CAPTURE_CHILD, producer],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(out.stdout)
        start = time.perf_counter()
        subprocess.run(["bash", "-c", f"{producer} | cat > /dev/null"], cwd=cwd, check=True)
        cat = time.perf_counter() - start
        gsd = data["seconds"]
        mb = data["bytes"] / 2**20
        print(
            f"    {label:18} gsd {gsd:6.2f} s ({mb / gsd:6.0f} MiB/s)   cat {cat:6.2f} s ({mb / cat:6.0f} MiB/s)"
            f"   ratio {gsd / cat:4.2f} (target < 2)"
        )
        print(
            f"    {'':18} peak RSS {data['peak_kb'] / 1024:5.1f} MB (interpreter and imports before the run:"
            f" {data['base_kb'] / 1024:5.1f} MB; target < 100)   status {data['status']}, {data['bytes']} bytes"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--size", default="1G", help="bytes of output for (b), as head -c takes it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        overhead(args.commands, Path(tmp))
        capture(args.size, Path(tmp))


if __name__ == "__main__":
    main()
