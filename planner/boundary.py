"""The one error boundary: what an exception becomes on stderr and as an exit code.

GsdError -> its one-line format and its exit code; Ctrl-C / Interrupted -> 130; anything else is
a bug in gsd -> one line naming a crash log that holds the traceback, exit 70. Typer-free, so the
typer group (planner.cli) and the fast path (planner.fastpath) share it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner import output
from planner.records import record

if TYPE_CHECKING:
    from planner.errors import GsdError
    from planner.workspace import Workspace

CRASH_LOG = "crash.log"


@record
class AppState:
    """What the global options decided; commands reach it through `planner.cli.state(ctx)`."""

    root: Path | None = None
    _workspace: Workspace | None = None

    def workspace(self) -> Workspace:
        """The project (found from --root or by walking up); GsdError when there is none."""
        if self._workspace is None:
            from planner.workspace import Workspace

            self._workspace = Workspace.discover(root=self.root)
        return self._workspace

    def optional_workspace(self) -> Workspace | None:
        """The project if there is one; None (not an error) otherwise."""
        from planner.errors import GsdError

        try:
            return self.workspace()
        except GsdError:
            if self.root is not None:
                raise  # an explicit --root that is wrong is always an error
            return None

    def enter_workspace(self) -> Workspace:
        """The project, with the process moved into its root (commands run there).

        Resolve relative path arguments before calling this.
        """
        ws = self.workspace()
        os.chdir(ws.root)
        return ws


def handle_exception(exc: BaseException, app_state: AppState | None) -> int:
    """Print what `exc` means for the user and return the exit code."""
    from planner.errors import ExitCode, GsdError, Interrupted

    if isinstance(exc, GsdError):
        output.err(format_error(exc))
        return int(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt | Interrupted):
        detail = str(exc) if isinstance(exc, Interrupted) else ""
        output.err("gsd: interrupted" + (f": {detail}" if detail else ""))
        return int(ExitCode.INTERRUPTED)
    log = write_crash_log(app_state)
    output.err(f"gsd: an unexpected error has occurred (see {log})")
    return int(ExitCode.INTERNAL)


def format_error(exc: GsdError) -> str:
    """One line (plus candidates): located errors as `file:line: error[CODE]: ...`."""
    if exc.file:
        return exc.format()
    text = output.error_line(exc.message, exc.code)
    if exc.hint:
        text += f" (hint: {exc.hint})"
    if exc.candidates:
        text += "\n  candidates: " + ", ".join(exc.candidates)
    return text


def write_crash_log(app_state: AppState | None) -> Path:
    """Append the current traceback to .planning/.gsd/crash.log (or a temp file); return the path."""
    import datetime
    import tempfile
    import traceback

    from planner import __version__

    folder: Path | None = None
    try:
        ws = app_state._workspace if app_state else None
        if ws is None:
            from planner.workspace import Workspace

            ws = Workspace.discover(root=app_state.root if app_state else None)
        folder = ws.gsd_dir
    except Exception:  # no project, or an unreadable one: the temp dir will do
        folder = None
    try:
        cwd = os.getcwd()
    except OSError as exc:  # the crash may be about this very thing: log it, never raise here
        cwd = f"<unavailable: {exc.strerror}>"
    entry = (
        f"--- {datetime.datetime.now().isoformat(timespec='seconds')} gsd {__version__}\n"
        f"argv: {sys.argv!r}\ncwd: {cwd}\n{traceback.format_exc()}\n"
    )
    for candidate in (folder, Path(tempfile.gettempdir()) / "gsd"):
        if candidate is None:
            continue
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            ignore = candidate / ".gitignore"
            if candidate.name == ".gsd" and not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            path = candidate / CRASH_LOG
            with path.open("a", encoding="utf-8") as fh:
                fh.write(entry)
            return path
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / "gsd" / CRASH_LOG
