"""Entry point. `--version` answers before anything heavy is imported (start-up budget)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from planner import __version__

        print(f"gsd {__version__}")
        raise SystemExit(0)
    from planner.fastpath import fast_path  # `show ... --json` without typer's import cost

    code = fast_path(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    from planner.cli import run

    raise SystemExit(run())


if __name__ == "__main__":
    main()
