"""CI step: `gsd verify` every phase this project's ROADMAP marks complete; each must be `passed`.

A phase whose report is gaps_found, human_needed or nothing_to_check fails CI: the ROADMAP may
only tick a phase that gsd itself can verify.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from planner.roadmap import load_roadmap

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    roadmap = load_roadmap(ROOT / ".planning")
    complete = roadmap.completed()
    if not complete:
        print("verify_own_phases: the ROADMAP marks no phase complete", file=sys.stderr)
        return 1
    failed: list[str] = []
    for phase in complete:
        cmd = [
            sys.executable,
            "-m",
            "planner",
            "--root",
            str(ROOT),
            "--no-color",
            "verify",
            "phase",
            phase.number,
        ]
        print(f"$ gsd verify phase {phase.number}  ({phase.name})", flush=True)
        code = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL).returncode
        if code != 0:
            failed.append(f"{phase.number} (exit {code})")
    if failed:
        print("verify_own_phases: not passed: " + ", ".join(failed), file=sys.stderr)
        return 1
    print(f"verify_own_phases: {len(complete)} complete phases verified: passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
