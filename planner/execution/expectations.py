"""Check a command's `Expected:` / `Check:` lines against what it printed.

An expectation is split into clauses at commas, semicolons, " and " and before "without"
(never inside quotes); each clause is matched against the forms below, found by surveying the
seeds and the corpus. A clause of no known form is UNCHECKED. The expectation is UNMET when any
clause is unmet, else UNCHECKED when any clause is unchecked (it is shown, never counted as
passed), else MET.

| form (case-insensitive)                          | met when                                     |
|--------------------------------------------------|----------------------------------------------|
| `51 passed`, `2 tests pass`, `0 failed`, `0 errors`, `3 skipped` | the parsed test count equals N  |
| `51/51 tests pass`                               | passed == 51 (and no failures/errors; total 51) |
| `at least 20 tests pass`, `236+ tests pass`      | passed >= N                                  |
| `Test passes`, `all tests pass`                  | exit 0 and no failed/errored test, >= 1 pass |
| `No "X"`, `no 'X'`, ``no `X` ``, `without "X"`   | X (exact case) appears nowhere in the output; a `*` in X matches anything on a line (searched in the kept head/tail) |
| `no X errors`, `no X exceptions`                 | X (any case) appears nowhere in the output    |
| `no PendingRollbackError`, `without DATA_RACE`   | an identifier-like X (CamelCase, CAPS, `_`) appears nowhere |
| `no output`, `empty output`                      | the output is empty                           |
| `no matches`, `zero matches`, `zero results`     | the output is empty or `0`                    |
| `exits 0`, `exit code 1`                         | the exit status                               |
| `PASS`, `PASS message ...`                       | a line starts with PASS (the rest, if any, is unchecked) |
| `prints BUILD_OK`, `` `wal` ``, `"45967.50"`      | the literal appears in the output             |
| `4530`                                           | the last non-empty output line is that number |

Without a parsed test summary, a count clause falls back to the literal text (`51 passed`) in the
output; a zero count (`0 failed`) is then met by exit 0 and no non-zero count of that word.

Literal searches run over the whole stream when `run_command` scanned it (`expectation_needles`
gives the capture what to look for; `found` carries the answers); otherwise over `output`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from planner.documents.models import Expectation, ExpectationKind
from planner.execution.capture import Needle
from planner.records import record
from planner.results import ExpectationResult, ExpectationStatus, TestCounts

_I = re.I

_COUNT = re.compile(
    r"(?:(?P<atleast>at least|>=?)\s*|(?P<all>all)\s+)?(?P<n>\d+)(?P<plus>\+)?(?:\s*/\s*(?P<m>\d+))?"
    r"\s+(?:(?:unit|integration|e2e|new|existing)\s+)?(?:tests?\s+)?"
    r"(?P<word>passed|passing|passes|pass|failed|failing|failures?|fail|errors?|errored|skipped|skips?)"
    r"(?:\s+(?:tests?|in total|total))?",
    _I,
)
_TESTS_PASS = re.compile(
    r"(?:the\s+|all\s+)?(?:tests?|suite|all)\s+(?:pass|passes|passed|passing|green)"
    r"|passes|all\s+green|test\s+suite\s+passes",
    _I,
)
_QUOTED_ABSENT = re.compile(  # a few trailing words say what X is: errors, calls, in output
    r"(?:no|without|zero)\s+(?P<q>[\"'`])(?P<x>.+?)(?P=q)(?:\s+[\w-]+){0,3}", _I
)
_WORDS_ABSENT = re.compile(r"(?:no|without)\s+(?P<x>[^\"'`]+?)\s+(?:errors?|exceptions?)", _I)
_IDENT_ABSENT = re.compile(
    r"(?:no|without|zero)\s+(?P<x>[A-Za-z_][\w.:]*)"
    r"(?:\s+(?:errors?|exceptions?|warnings?|messages?|lines?|output|in\s+(?:the\s+)?output))?",
    _I,
)
_NO_OUTPUT = re.compile(r"no output|empty output|(?:no|zero) output lines?|prints nothing", _I)
_NO_MATCHES = re.compile(r"(?:no|zero) (?:matches|results|hits)(?: found)?|nothing found", _I)
_EXIT = re.compile(
    r"(?:exits?|exit code|exit status|returns exit code)\s*(?:with\s+)?(?:code\s+)?(?P<n>\d+)", _I
)
_PASS_LINE = re.compile(r"PASS\b(?P<rest>.*)")  # case-sensitive: the marker plans print
_PRINTS = re.compile(r"(?:prints|outputs|shows|output contains|contains)\s+(?P<x>.+)", _I)
_LITERAL = re.compile(r"(?P<q>[\"'`])(?P<x>[^\"'`]+)(?P=q)")
_TOKEN = re.compile(r"[A-Za-z0-9_][\w.:=/-]*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_LEAD = re.compile(r"^(?:[-*]\s+|(?:expected\s+)?(?:output|results?)\s*:\s*)", _I)
_GENERIC = frozenset(
    [
        "error",
        "errors",
        "warning",
        "warnings",
        "failure",
        "failures",
        "issue",
        "issues",
        "problem",
        "problems",
        "crash",
        "crashes",
        "output",
        "change",
        "changes",
        "regression",
        "regressions",
        "exception",
        "exceptions",
        "test",
        "tests",
        "new",
        "more",
    ]
)


@record(frozen=True)
class _Outcome:
    status: ExpectationStatus
    detail: str


@record(frozen=True)
class _Clause:
    text: str
    kind: str  # count | tests_pass | absent | absent_ci | no_output | no_matches | exit | pass_line | present | number | unknown
    value: str = ""
    n: int = 0
    m: int | None = None
    at_least: bool = False
    all_: bool = False  # "all 20 tests pass": no failures or errors either
    word: str = ""
    partial: bool = False  # only part of the clause is checkable


def expectation_needles(expectations: Sequence[Expectation]) -> list[Needle]:
    """Literals whose presence the output capture should record over the whole stream."""
    needles: list[Needle] = []
    for exp in expectations:
        for clause in _parse(exp.text, exp.kind):
            if clause.kind in ("absent", "present"):  # absent_glob is matched on the kept text
                needles.append(Needle(clause.value, False))
            elif clause.kind == "absent_ci":
                needles.append(Needle(clause.value, True))
    return needles


def expected_exit_codes(expectations: Sequence[Expectation]) -> set[int]:
    """Exit statuses the plan says the command should end with (`Expected: exit code 1`).

    A non-zero exit that an expectation asks for does not fail the command by itself."""
    return {
        clause.n
        for exp in expectations
        for clause in _parse(exp.text, exp.kind)
        if clause.kind == "exit"
    }


def check_expectations(
    expectations: Sequence[Expectation],
    output: str,
    counts: TestCounts | None,
    *,
    exit_code: int | None = None,
    found: Mapping[Needle, bool] | None = None,
    complete: bool = True,
) -> list[ExpectationResult]:
    """One result per expectation, in order. See the module docstring for the forms.

    `found`: what the capture saw of `expectation_needles(...)` over the whole stream.
    `complete`: False when `output` lost a middle part (a wildcard "no X" can then not be met)."""
    results = []
    for exp in expectations:
        clauses = _parse(exp.text, exp.kind)
        outcomes = [_check(c, output, counts, exit_code, found, complete) for c in clauses]
        results.append(_combine(exp.text, clauses, outcomes))
    return results


def _combine(
    text: str, clauses: tuple[_Clause, ...], outcomes: list[_Outcome]
) -> ExpectationResult:
    unmet = [
        f"{c.text}: {o.detail}"
        for c, o in zip(clauses, outcomes, strict=True)
        if o.status is ExpectationStatus.UNMET
    ]
    if unmet:
        return ExpectationResult(text=text, status=ExpectationStatus.UNMET, detail="; ".join(unmet))
    unchecked = [
        c.text
        for c, o in zip(clauses, outcomes, strict=True)
        if o.status is ExpectationStatus.UNCHECKED
    ]
    if unchecked:
        checked = [
            f"{c.text}: {o.detail}"
            for c, o in zip(clauses, outcomes, strict=True)
            if o.status is ExpectationStatus.MET
        ]
        detail = "not a checkable form: " + "; ".join(unchecked)
        if checked:
            detail += " (checked: " + "; ".join(checked) + ")"
        return ExpectationResult(text=text, status=ExpectationStatus.UNCHECKED, detail=detail)
    return ExpectationResult(
        text=text, status=ExpectationStatus.MET, detail="; ".join(o.detail for o in outcomes)
    )


# -- parsing -------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _parse(text: str, kind: ExpectationKind = ExpectationKind.EXPECTED) -> tuple[_Clause, ...]:
    body = _LEAD.sub("", text.strip()).strip()
    while True:
        stripped = _TRAILING_NOTE.sub("", body)
        if stripped == body:
            break
        body = stripped
    body = body.strip().rstrip(".").strip()
    if not body:
        return (_Clause(text.strip(), "unknown"),)
    if kind is ExpectationKind.CHECK and _LITERAL.fullmatch(body):
        return (_Clause(body, "unknown"),)  # Check: `some command`: a command, not an output
    clauses: list[_Clause] = []
    for part in _split(body):
        clauses.extend(_classify(part))
    if len(clauses) > 1:  # a bare number is only clear on its own ("Expected: 0")
        clauses = [_Clause(c.text, "unknown") if c.kind == "number" else c for c in clauses]
    return tuple(clauses) or (_Clause(text.strip(), "unknown"),)


def _split(body: str) -> list[str]:
    """Split at , ; ' and ' ' but ' and before 'without', outside quotes."""
    parts: list[str] = []
    quote = ""
    start = 0
    i = 0
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in '"`' or (ch == "'" and (i == 0 or not body[i - 1].isalnum())):
            quote = ch
        elif ch in ",;":
            parts.append(body[start:i])
            start = i + 1
        else:
            m = (
                re.match(r"\s+(?:and|but)\s+|\s+(?=without\s)", body[i:], _I)
                if ch.isspace()
                else None
            )
            if m:
                parts.append(body[start:i])
                start = i + m.end()
                i = start
                continue
        i += 1
    parts.append(body[start:])
    return [p.strip().rstrip(".").strip() for p in parts if p.strip().rstrip(".").strip()]


def _classify(part: str) -> list[_Clause]:
    part = _TRAILING_NOTE.sub("", part).strip() or part
    if m := _COUNT.fullmatch(part):
        word = m.group("word").lower()
        canonical = (
            "passed"
            if word.startswith("pass")
            else "failed"
            if word.startswith("fail")
            else "errors"
            if word.startswith("error")
            else "skipped"
        )
        n = int(m.group("n"))
        total = int(m.group("m")) if m.group("m") else None
        return [
            _Clause(
                part,
                "count",
                n=n,
                m=total,
                word=canonical,
                all_=bool(m.group("all")),
                at_least=bool(m.group("atleast") or m.group("plus")),
            )
        ]
    if _TESTS_PASS.fullmatch(part):
        return [_Clause(part, "tests_pass")]
    if _NO_OUTPUT.fullmatch(part):
        return [_Clause(part, "no_output")]
    if _NO_MATCHES.fullmatch(part):
        return [_Clause(part, "no_matches")]
    if m := _QUOTED_ABSENT.fullmatch(part):
        value = m.group("x")
        return [_Clause(part, "absent_glob" if "*" in value else "absent", value=value)]
    if (m := _IDENT_ABSENT.fullmatch(part)) and _identifier_like(m.group("x")):
        return [_Clause(part, "absent", value=m.group("x"))]
    if (m := _WORDS_ABSENT.fullmatch(part)) and m.group("x").lower() not in _GENERIC:
        return [_Clause(part, "absent_ci", value=m.group("x").strip())]
    if m := _EXIT.fullmatch(part):
        return [_Clause(part, "exit", n=int(m.group("n")))]
    if m := _PASS_LINE.fullmatch(part):
        rest = re.sub(r"^\s*(?:message|line|output)\b", "", m.group("rest")).strip()
        return [_Clause(part, "pass_line", partial=bool(rest))]
    if m := _LITERAL.fullmatch(part):
        value = m.group("x")
        if _NUMBER.fullmatch(value):
            return [_Clause(part, "number", value=value)]
        if "..." in value or "\u2026" in value:
            return [_Clause(part, "unknown")]  # a template ("Imported N rows ..."), not a literal
        return [_Clause(part, "present", value=value)]
    if m := _PRINTS.fullmatch(part):
        target = m.group("x").strip()
        inner = _classify(target)
        if inner[0].kind not in ("unknown", "number"):
            return [
                _Clause(part, c.kind, c.value, c.n, c.m, c.at_least, c.all_, c.word, c.partial)
                for c in inner
            ]
        if lit := _LITERAL.fullmatch(target):
            return [_Clause(part, "present", value=lit.group("x"))]
        if _TOKEN.fullmatch(target) and target.lower() not in _GENERIC:
            return [_Clause(part, "present", value=target)]
    if _NUMBER.fullmatch(part):
        return [_Clause(part, "number", value=part)]
    return [_Clause(part, "unknown")]


def _identifier_like(word: str) -> bool:
    if word.lower() in _GENERIC or len(word) < 2:
        return False
    return (
        "_" in word
        or "." in word
        or "::" in word
        or (word.isupper() and sum(ch.isalpha() for ch in word) >= 2)
        or any(ch.isupper() for ch in word[1:])
    )


# -- checking ------------------------------------------------------------------------------------


def _check(
    clause: _Clause,
    output: str,
    counts: TestCounts | None,
    exit_code: int | None,
    found: Mapping[Needle, bool] | None,
    complete: bool,
) -> _Outcome:
    met, unmet = ExpectationStatus.MET, ExpectationStatus.UNMET
    kind = clause.kind
    if kind == "absent_glob":
        glob = re.compile(".*?".join(re.escape(piece) for piece in clause.value.split("*")))
        if hit := glob.search(output):
            return _Outcome(unmet, f"{hit.group(0)!r} appears in the output")
        if not complete:
            return _Outcome(
                ExpectationStatus.UNCHECKED, "output was truncated; pattern not searched in full"
            )
        return _Outcome(met, f"{clause.value!r} not in the output")
    if kind == "count":
        return _check_count(clause, output, counts, exit_code)
    if kind == "tests_pass":
        if exit_code != 0:
            return _Outcome(unmet, f"exit {exit_code}")
        if counts is not None:
            bad = counts.failed + counts.errors
            if bad or counts.passed == 0:
                return _Outcome(unmet, f"saw {_describe(counts)}")
            return _Outcome(met, f"exit 0, {_describe(counts)}")
        return _Outcome(met, "exit 0")
    if kind in ("absent", "absent_ci"):
        seen = _seen(Needle(clause.value, kind == "absent_ci"), output, found)
        return (
            _Outcome(unmet, f"{clause.value!r} appears in the output")
            if seen
            else _Outcome(met, f"{clause.value!r} not in the output")
        )
    if kind == "present":
        seen = _seen(Needle(clause.value, False), output, found)
        return (
            _Outcome(met, f"{clause.value!r} in the output")
            if seen
            else _Outcome(unmet, f"{clause.value!r} not in the output")
        )
    if kind == "no_output":
        return (
            _Outcome(met, "no output")
            if not output.strip()
            else _Outcome(unmet, "the command printed output")
        )
    if kind == "no_matches":
        if output.strip() in ("", "0"):
            return _Outcome(met, "no matches")
        return _Outcome(unmet, f"output: {_first_line(output)!r}")
    if kind == "exit":
        if exit_code == clause.n:
            return _Outcome(met, f"exit {exit_code}")
        return _Outcome(unmet, f"exit {exit_code}" if exit_code is not None else "no exit status")
    if kind == "pass_line":
        if re.search(r"^PASS", output, re.M):
            status = ExpectationStatus.UNCHECKED if clause.partial else met
            return _Outcome(status, "a line starts with PASS")
        return _Outcome(unmet, "no line starts with PASS")
    if kind == "number":
        last = _last_line(output)
        if last == clause.value:
            return _Outcome(met, f"printed {last}")
        return _Outcome(unmet, f"last line is {last!r}")
    return _Outcome(ExpectationStatus.UNCHECKED, "not a checkable form")


def _check_count(
    clause: _Clause, output: str, counts: TestCounts | None, exit_code: int | None
) -> _Outcome:
    met, unmet = ExpectationStatus.MET, ExpectationStatus.UNMET
    word, n = clause.word, clause.n
    if counts is None:
        if n == 0 and not clause.at_least:
            pattern = re.compile(rf"\b[1-9]\d*\s+(?:tests?\s+)?{_word_forms(word)}\b", _I)
            if exit_code == 0 and not pattern.search(output):
                return _Outcome(met, f"no test summary; exit 0 and no non-zero {word} count")
            return _Outcome(unmet, f"no test summary; exit {exit_code}")
        literal = re.compile(rf"\b{n}\s+(?:tests?\s+)?{_word_forms(word)}\b", _I)
        if literal.search(output):
            return _Outcome(met, f"'{n} {word}' in the output (no test summary parsed)")
        return _Outcome(unmet, "no test-runner summary in the output")
    actual = getattr(counts, word)
    ok = actual >= n if clause.at_least else actual == n
    if word == "passed" and clause.all_:
        ok = ok and counts.failed == 0 and counts.errors == 0
    if word == "passed" and clause.m is not None:
        if n == clause.m:
            ok = ok and counts.failed == 0 and counts.errors == 0
        ok = ok and counts.total == clause.m
    return _Outcome(met if ok else unmet, f"saw {_describe(counts)}")


def _word_forms(word: str) -> str:
    return {
        "passed": r"(?:passed|passing|pass)",
        "failed": r"(?:failed|failing|failures?|fail)",
        "errors": r"(?:errors?|errored)",
        "skipped": r"(?:skipped|skips?)",
    }[word]


def _describe(counts: TestCounts) -> str:
    parts = [f"{counts.passed} passed", f"{counts.failed} failed"]
    if counts.errors:
        parts.append(f"{counts.errors} errors")
    if counts.skipped:
        parts.append(f"{counts.skipped} skipped")
    return ", ".join(parts) + f" ({counts.runner})"


def _seen(needle: Needle, output: str, found: Mapping[Needle, bool] | None) -> bool:
    if found is not None and needle in found:
        return found[needle]
    if needle.ignore_case:
        return needle.text.lower() in output.lower()
    return needle.text in output


def _last_line(output: str) -> str:
    for line in reversed(output.splitlines()):
        if line.strip():
            return line.strip()
    return ""


def _first_line(output: str) -> str:
    for line in output.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""
