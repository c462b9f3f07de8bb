"""pyscan's answers against the parse they replace, over real Python files.

Every answer pyscan gives (top_level_symbol, export_line, and pyscan_members' class_member and
module_variable) must equal what lang_python's parse
gives: ast for a valid file, the line scan for a broken one. pyscan cannot tell which applies, so
each answer is compared with BOTH (ast where the file parses, and the line scan always), on the
stdlib and the venv's site-packages, and on variants: CRLF line ends, broken copies (a stray line
inserted, a tail cut off).

Run the whole comparison as a script (prints the counts):
    PYTHONPATH=. python tests/test_pyscan_differential.py [--workers 2] [--limit N]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from planner.checks.decls import FileSymbols
from planner.checks.filecache import SourceFile
from planner.checks.lang_python import _parse_lines, parse_python
from planner.checks.pyscan import NOT_EXPORTED, export_line, top_level_symbol
from planner.checks.pyscan_members import class_member, module_variable

ROOTS = (
    Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}",
    Path(sys.prefix)
    / "lib"
    / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    / "site-packages",
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BREAKERS = ("$\n", ")\n", "def (:\n", "    x = (\n", '"""\n', "class\n")


def python_files(deep: bool = True) -> list[Path]:
    """Every .py file under ROOTS; with deep=False only two levels down (a quick listing)."""
    seen: set[Path] = set()
    out: list[Path] = []
    for root in ROOTS:
        if not root.is_dir():
            continue
        found = root.rglob("*.py") if deep else [*root.glob("*.py"), *root.glob("*/*.py")]
        for path in sorted(found):
            real = path.resolve()
            if real not in seen and path.is_file():
                seen.add(real)
                out.append(path)
    return out


def exported(parsed: FileSymbols, name: str) -> int | None:
    """What the artifact check asked the parse before export_line existed."""
    line = parsed.exports.get(name)
    if line is None and "." in name and name.split(".")[0] in parsed.exports:
        members = parsed.lookup(name)
        line = members[0].line if members else None
    return line


def questions(text: str, parsed: list[FileSymbols], rng: random.Random) -> list[str]:
    """Names to ask: declared ones (top level and members), other identifiers of the file
    (names that occur elsewhere), and absent ones."""
    declared = sorted({s.qualname for p in parsed for s in p.symbols})
    top = [n for n in declared if "." not in n]
    members = [n for n in declared if "." in n]
    words = sorted(set(_IDENT.findall(text)))
    picked = rng.sample(top, min(len(top), 40)) + rng.sample(members, min(len(members), 5))
    picked += rng.sample(words, min(len(words), 15))
    picked += ["zz_absent_name", "Absent.member", (top or ["x"])[0] + "_zz"]
    return list(dict.fromkeys(picked))


def member_questions(
    parsed: list[FileSymbols], words: list[str], rng: random.Random, most: int = 80
) -> list[str]:
    """The `Class.member` names and the module-level names either reading declares (every one,
    or `most` of each picked at random: each answer scans its whole class, so asking all of a
    file with thousands is quadratic), plus names that are not members or variables (another
    class's member, a word of the file)."""
    declared = sorted({s.qualname for p in parsed for s in p.symbols})
    members = [n for n in declared if n.count(".") == 1]
    classes = sorted({n.split(".")[0] for n in members})
    top = [n for n in declared if "." not in n]
    members = rng.sample(members, min(len(members), most))
    top = rng.sample(top, min(len(top), most))
    odd = [f"{c}.{w}" for c in classes[:3] for w in words[:3]] + ["Absent.member"]
    return list(dict.fromkeys(members + top + odd + words[:5]))


def variants(text: str, rng: random.Random) -> list[str]:
    """The same file with CRLF line ends, and broken: a stray line at a random line start, a cut
    tail (both usually a syntax error)."""
    lines = text.split("\n")
    out = [text.replace("\n", "\r\n")] if "\r" not in text else []
    if len(lines) > 3:
        at = rng.randrange(1, len(lines))
        out.append("\n".join(lines[:at]) + "\n" + rng.choice(_BREAKERS) + "\n".join(lines[at:]))
        out.append("\n".join(lines[: rng.randrange(1, len(lines))]))
    return out


def compare_text(
    text: str, rel: str, rng: random.Random, counts: Counter[str], most: int = 80
) -> list[str]:
    """Ask pyscan every question about one text; return the disagreements (empty: all agree)."""
    source = SourceFile(rel=rel, text=text, size=len(text.encode("utf-8", "replace")))
    truth = parse_python(source)
    by_lines = _parse_lines(source)
    valid = truth.note is None or not truth.note.startswith("syntax error")
    counts["texts"] += 1
    counts["valid texts" if valid else "broken texts"] += 1
    bad: list[str] = []
    for name in questions(text, [truth, by_lines], rng):
        counts["questions"] += 1
        symbol = top_level_symbol(text, name, rel)
        if symbol is not None:
            counts["symbol answers"] += 1
            for label, parsed in (("parse", truth), ("line scan", by_lines)):
                if parsed.lookup(name) != [symbol]:
                    bad.append(f"{rel}: symbol {name}: {symbol} vs {label} {parsed.lookup(name)}")
        line = export_line(text, name)
        if line is not None:
            counts["export answers"] += 1
            counts["export NOT_EXPORTED" if line == NOT_EXPORTED else "export lines"] += 1
            for label, parsed in (("parse", truth), ("line scan", by_lines)):
                if (line or None) != exported(parsed, name):
                    bad.append(f"{rel}: export {name}: {line} vs {label} {exported(parsed, name)}")
    words = sorted(set(_IDENT.findall(text)))[:20]
    for name in member_questions([truth, by_lines], words, rng, most):
        counts["member questions"] += 1
        symbol = class_member(text, name, rel) if "." in name else module_variable(text, name, rel)
        if symbol is not None:
            counts["member answers" if "." in name else "variable answers"] += 1
            for label, parsed in (("parse", truth), ("line scan", by_lines)):
                if parsed.lookup(name) != [symbol]:
                    bad.append(f"{rel}: member {name}: {symbol} vs {label} {parsed.lookup(name)}")
    counts["disagreements"] += len(bad)
    return bad


def compare_file(path: Path, seed: int, counts: Counter[str], most: int = 80) -> list[str]:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return []  # binary: the index does not parse it
    text = data.decode("utf-8", errors="replace")
    rng = random.Random(f"{seed}:{path.name}")
    counts["files"] += 1
    bad = compare_text(text, str(path), rng, counts, most)
    for copy in variants(text, rng):
        bad += compare_text(copy, str(path) + " (variant)", rng, counts, most)
    return bad


# -- pytest -----------------------------------------------------------------------------------


def _sample(count: int, seed: int, deep: bool) -> list[Path]:
    files = python_files(deep)
    if not files:
        pytest.skip("no Python sources found")
    return random.Random(seed).sample(files, min(count, len(files)))


def test_pyscan_agrees_with_the_parse_on_a_sample_of_real_files() -> None:
    counts: Counter[str] = Counter()
    bad: list[str] = []
    for path in _sample(30, seed=7, deep=False):
        bad += compare_file(path, 7, counts, most=8)
    assert bad == []
    # The sample really exercised both fast paths, on valid and on broken files.
    assert counts["symbol answers"] > 60 and counts["export lines"] > 50
    assert counts["export NOT_EXPORTED"] > 50 and counts["broken texts"] > 20
    assert counts["member answers"] > 100 and counts["variable answers"] > 30


@pytest.mark.slow
def test_pyscan_agrees_with_the_parse_on_many_real_files() -> None:
    counts: Counter[str] = Counter()
    bad: list[str] = []
    started = time.monotonic()
    for path in _sample(2000, seed=11, deep=True):
        bad += compare_file(path, 11, counts)
        if time.monotonic() - started > 15:
            break
    assert bad == []
    assert counts["symbol answers"] > 500 and counts["member answers"] > 500


# -- the full comparison ------------------------------------------------------------------------


def _worker(args: tuple[list[Path], int]) -> tuple[Counter[str], list[str]]:
    paths, seed = args
    counts: Counter[str] = Counter()
    bad: list[str] = []
    for path in paths:
        try:
            bad += compare_file(path, seed, counts)
        except (OSError, RecursionError) as exc:  # unreadable, or too deep for the parse
            counts[f"skipped ({type(exc).__name__})"] += 1
    return counts, bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = python_files()
    if args.limit:
        files = files[: args.limit]
    parts = args.workers * 32
    chunks = [(files[i::parts], args.seed) for i in range(parts)]
    started = time.perf_counter()
    total: Counter[str] = Counter()
    bad: list[str] = []
    if args.workers > 1:
        from multiprocessing import Pool

        with Pool(args.workers) as pool:
            results = []
            for done in pool.imap_unordered(_worker, chunks):
                results.append(done)
                print(f"chunk {len(results)}/{parts}", file=sys.stderr, flush=True)
    else:
        results = [_worker(chunk) for chunk in chunks]
    for counts, found in results:
        total.update(counts)
        bad += found
    for line in bad[:50]:
        print("DISAGREE", line)
    print(f"roots: {', '.join(str(r) for r in ROOTS)}")
    for key in sorted(total):
        print(f"{key:24s} {total[key]}")
    print(f"disagreements            {len(bad)}   ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
