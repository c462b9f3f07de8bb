"""Entry point. `--version` answers before anything heavy is imported (start-up budget)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from planner import __version__

        print(f"gsd {__version__}")
        raise SystemExit(0)
    gone = _missing_cwd()
    if gone:
        from planner import output

        output.err(output.error_line(*gone) + " (hint: cd into the project again)")
        raise SystemExit(3)
    from planner.fastpath import fast_path  # `show ... --json` without typer's import cost

    code = fast_path(sys.argv[1:])
    if code is None:
        from planner.cli import run

        code = run()
    _exit(code)


def _missing_cwd() -> tuple[str, str] | None:
    """(message, code) when the current directory no longer exists (deleted, or made anew
    under the shell): every path gsd shows is relative to it, so nothing can run."""
    import os

    try:
        os.getcwd()
    except OSError as exc:
        return f"the current directory is gone ({exc.strerror})", "GSD208"
    return None


def _exit(code: int) -> None:
    """Exit with `code`. Everything gsd loaded is moved out of the garbage collector's reach first:
    the collections interpreter shutdown would run over it cost 65-190 ms, for nothing (files
    are written and closed by then; stdout and stderr are still flushed by the normal exit)."""
    import gc

    gc.freeze()
    raise SystemExit(code)


if __name__ == "__main__":
    main()
