"""Verify commands: ones that cannot fail, pipelines that hide a failure, paths from another machine.

gsd judges a command by its exit status and by output lines starting with `FAIL` (DESIGN 3). So
`grep X && echo "FAIL: ..." || echo "PASS: ..."` can fail (it prints FAIL), but a command whose last
step is `|| true`, `|| :`, `|| echo <anything but FAIL...>`, `|| exit 0`, `; exit 0` or `; true`
exits 0 whatever happened and never prints FAIL: it passes even when the work is missing.
A pipeline's status is its last stage's: `pytest ... | tail -5` passes when pytest fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from planner.errors import Diagnostic
from planner.lint.base import ERROR, WARNING, LintContext, LintDoc
from planner.records import record

CODES = {
    "GSD330": "verify command cannot fail",
    "GSD331": "pipeline ends in a filter that hides the checked command's exit status",
    "GSD332": "absolute path in a command does not exist on this machine",
}

_OPS = {"&&", "||", ";", "&", ";;", "\n"}
_ALWAYS_OK = {"true", ":"}
_ECHO = {"echo", "printf"}
# Filters that exit 0 whatever their input was.
_MASKING_FILTERS = {
    "tail",
    "head",
    "tee",
    "wc",
    "sort",
    "uniq",
    "cat",
    "cut",
    "tr",
    "column",
    "nl",
    "less",
    "more",
}
# First path components that are clearly machine paths even when absent here.
_MACHINE_ROOTS = {
    "Users",
    "home",
    "Volumes",
    "private",
    "mnt",
    "opt",
    "srv",
    "root",
    "workspace",
    "workspaces",
    "var",
    "usr",
    "data",
}
_SKIP_PREFIXES = ("/dev/", "/proc/", "/sys/", "/tmp/", "/var/tmp/", "/private/tmp/", "/run/")
_ABS_PATH_RE = re.compile(r"(?<![\w./~$-])(/[\w.@+~-]+(?:/[\w.@+~-]*)+)")
# Only commands with an operator, or that start with a no-op, can hit the rules below (shlex is slow).
_STARTS_WITH_NOOP_RE = re.compile(
    r"^\s*(?:[A-Za-z_]\w*=\S*\s+)*(?:echo|printf|true|:|exit)\b", re.MULTILINE
)
_TOKEN_RE = re.compile(
    r"""(?P<sp>[ \t]+|\\\n)|(?P<nl>\n)"""
    r"""|(?P<redir>\d*(?:&>>?|>>?&?|<<?&?)(?:\d+-?|-)?)"""
    r"""|(?P<op>&&|\|\||;;|[;&|(){}])"""
    r"""|'(?P<sq>[^']*)'|"(?P<dq>(?:\\.|[^"\\])*)"|\\(?P<esc>.)"""
    r"""|(?P<word>[^\s;&|(){}<>'"\\]+)|(?P<bad>['"\\])""",
    re.DOTALL,
)
_ENV_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@record
class Command:
    text: str
    line: int | None
    where: str  # "task 2", "verification", "truth 3"


def collect(doc: LintDoc) -> list[Command]:
    plan = doc.plan
    if plan is None:
        return []
    found: list[Command] = []
    for task in plan.tasks:
        if task.verify:
            found += [
                Command(c.text, c.line or task.line, f"task {task.index}")
                for c in task.verify.commands
            ]
    if plan.verification:
        found += [Command(c.text, c.line, "verification") for c in plan.verification.commands]
    for i, truth in enumerate(plan.frontmatter.must_haves.truths):
        if truth.verify:
            found.append(Command(truth.verify, truth.line, f"must_haves.truths[{i}].verify"))
    return found


def check(doc: LintDoc, ctx: LintContext) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    missing: dict[str, list[Command]] = {}
    for cmd in collect(doc):
        text = cmd.text
        needs_parse = "|" in text or ";" in text or _STARTS_WITH_NOOP_RE.search(text)
        items = _parse(text) if needs_parse else None
        if items is not None:
            out += _check_can_fail(doc, cmd, items)
        for path in _missing_paths(cmd.text, ctx.path_map(doc.workspace)):
            missing.setdefault(path, []).append(cmd)
    for path, cmds in missing.items():
        first = cmds[0]
        more = f" (and {len(cmds) - 1} more)" if len(cmds) > 1 else ""
        out.append(
            doc.diag(
                "GSD332",
                WARNING,
                f"{first.where}: {path} does not exist on this machine{more}",
                line=first.line,
                hint=_map_hint(path, doc),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Shell structure: [(operator before, pipeline)], pipeline = [stage words]


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """Shell words and operators as ("word", text) / ("op", text); None on an unbalanced quote.

    Quotes are removed from words (so `echo "FAIL: x"` gives the word `FAIL: x`), while a quoted
    `|` stays a word and never becomes a pipe. Redirections (`2>&1`, `>/dev/null`) are words.
    """
    out: list[tuple[str, str]] = []
    word: list[str] = []
    in_word = False
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "sp"
        if kind == "bad":
            return None
        if kind in ("sp", "nl", "op", "redir"):
            if in_word:
                out.append(("word", "".join(word)))
                word, in_word = [], False
            if kind == "redir":
                out.append(("word", m.group(kind)))
            elif kind != "sp":
                out.append(("op", m.group(kind)))
            continue
        word.append(m.group(kind) or "")
        in_word = True
    if in_word:
        out.append(("word", "".join(word)))
    return out


def _parse(text: str) -> list[tuple[str, list[list[str]]]] | None:
    tokens = _tokens(text)
    if tokens is None:  # unbalanced quote: leave it to the loader's diagnostics
        return None
    items: list[tuple[str, list[list[str]]]] = []
    op = ""
    stages: list[list[str]] = [[]]
    for kind, tok in tokens:
        if kind == "word":
            stages[-1].append(tok)
        elif tok in _OPS:
            items.append((op, stages))
            op, stages = tok, [[]]
        elif tok == "|":
            stages.append([])
    items.append((op, stages))
    return [(o, [s for s in p if s]) for o, p in items if any(p)]


def _words(stage: list[str]) -> list[str]:
    """The stage without leading VAR=value assignments and `!`."""
    i = 0
    while i < len(stage) and (_ENV_ASSIGN_RE.match(stage[i]) or stage[i] == "!"):
        i += 1
    return stage[i:]


def _echo_text(words: list[str]) -> str:
    args = [w for w in words[1:] if not (w.startswith("-") and len(w) <= 3)]
    return args[0] if args else ""


def _prints_fail(items: list[tuple[str, list[list[str]]]]) -> bool:
    for _op, pipeline in items:
        for stage in pipeline:
            words = _words(stage)
            if not words:
                continue
            if words[0] in _ECHO and _echo_text(words).lstrip().startswith("FAIL"):
                return True
            if words[0] in ("exit", "return") and len(words) > 1 and words[1] != "0":
                return True
            if words[0] == "false":
                return True
    return False


def _always_ok(pipeline: list[list[str]]) -> bool:
    words = _words(pipeline[-1]) if pipeline else []
    if not words:
        return False
    if words[0] in _ALWAYS_OK or words[0] in _ECHO:
        return True
    return words[0] == "exit" and (len(words) == 1 or words[1] == "0")


def _check_can_fail(
    doc: LintDoc, cmd: Command, items: list[tuple[str, list[list[str]]]]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    op, last = items[-1]
    final_ok = _always_ok(last) and (
        (len(items) > 1 and op in ("||", ";", "\n")) or len(items) == 1
    )
    if final_ok and len(last) == 1 and not _prints_fail(items):
        tail = " ".join(_words(last[-1]))
        out.append(
            doc.diag(
                "GSD330",
                ERROR,
                f"{cmd.where}: command cannot fail (ends with `{_op_text(op)}{tail[:40]}`): "
                f"{_short(cmd.text)}",
                line=cmd.line,
                hint="gsd fails a command on a non-zero exit or a line starting with FAIL; this "
                'one always exits 0 and never prints FAIL. Drop the fallback, or print "FAIL: ..." '
                "on the failure branch",
            )
        )
    if "pipefail" not in cmd.text:
        for i, (item_op, pipeline) in enumerate(items):
            if len(pipeline) < 2 or (item_op == "||" and i == len(items) - 1):
                continue
            words = _words(pipeline[-1])
            if words and words[0] in _MASKING_FILTERS:
                out.append(
                    doc.diag(
                        "GSD331",
                        WARNING,
                        f"{cmd.where}: the pipeline's status is `{words[0]}`'s, so a failure before "
                        f"it is hidden: {_short(cmd.text)}",
                        line=cmd.line,
                        hint="start the command with `set -o pipefail;`, or drop the trailing "
                        f"`| {words[0]}`",
                    )
                )
                break
    return out


def _op_text(op: str) -> str:
    return "" if not op else ("; " if op in (";", "\n") else f"{op} ")


def _short(text: str, width: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 3] + "..."


# ---------------------------------------------------------------------------------------------
# Paths from another machine


def _missing_paths(text: str, path_map: tuple[tuple[str, str], ...]) -> list[str]:
    found = []
    for m in _ABS_PATH_RE.finditer(text):
        path = m.group(1).rstrip(".")
        if path.startswith(_SKIP_PREFIXES):
            continue
        first = path.split("/")[1]
        if first not in _MACHINE_ROOTS and not os.path.isdir("/" + first):
            continue  # `/api/users` in a grep pattern is not a file path
        mapped = _apply_map(path, path_map)
        if not os.path.exists(mapped) and path not in found:
            found.append(path)
    return found


def _apply_map(path: str, path_map: tuple[tuple[str, str], ...]) -> str:
    if not path_map:
        return path
    from planner.execution.pathmap import map_paths

    return map_paths(path, path_map)


def _map_hint(path: str, doc: LintDoc) -> str:
    ws = doc.workspace
    if ws is not None:
        parts = Path(path).parts
        if ws.root.name in parts[1:]:
            old = str(Path(*parts[: parts.index(ws.root.name, 1) + 1]))
            return (
                f'run with --map-path {old}=. (or "path_map": {{"{old}": "."}} in the gsd '
                "section of .planning/config.json)"
            )
    return "run with --map-path OLD=NEW (or path_map in .planning/config.json) to point it here"
