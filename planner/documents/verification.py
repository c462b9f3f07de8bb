"""Build a Verification from a VERIFICATION.md: frontmatter fields, gaps, and human checks.

Only the top-level `status` decides completion; `re_verification.previous_status` never does.
Human verification items come from the frontmatter list and from the body's "Human Verification
Required" section (`### 1. Title` + `**Test:**` / `**Expected:**` / `**Why human:**`, or a
numbered list with the same labels). A body item that describes a frontmatter item (most of its
words shared) enriches it; the others are added after the frontmatter items.
"""

from __future__ import annotations

import re
from typing import Any

from planner.documents.coerce import Path, diag, keymap, path_of, scalar_text, text_list
from planner.documents.frontmatter import FrontmatterResult
from planner.documents.lazyre import lazy_re
from planner.documents.markdown import Body, clean, one_line
from planner.documents.models import (
    Gap,
    GapArtifact,
    HumanItem,
    Override,
    ReVerification,
    Verification,
)
from planner.errors import Diagnostic, Severity

CODES = {
    "GSD170": "VERIFICATION has no frontmatter: status unknown",
    "GSD171": "status missing or not one of passed | gaps_found | human_needed",
    "GSD172": "score is not written as N/M",
    "GSD173": "gap entry unreadable",
    "GSD174": "human_verification entry unreadable",
    "GSD175": "re_verification is neither a mapping nor true/false",
    "GSD176": "override entry unreadable",
}

STATUSES = ("passed", "gaps_found", "human_needed")
_SCORE_RE = re.compile(r"(\d+)\s*/\s*(\d+)")
_ITEM_HEAD_RE = re.compile(r"^\d+[.)]\s+(.*)$")
_LIST_ITEM_RE = lazy_re(r"^[ \t]*\d+[.)][ \t]+", re.M)
_LABEL_RE = re.compile(r"\*\*(Test|Expected|Why human)\s*:?\s*\*\*\s*:?", re.I)
_WORD_RE = re.compile(r"[a-z0-9_][a-z0-9_./-]{2,}")
# `"human verification" in text.lower()` without lowering the whole body: no character but the
# ASCII letters lowers to one of these letters (U+0130 "İ" lowers to "i" + a combining dot,
# which cannot be followed by the rest of the phrase), so ASCII case folding finds the same.
_HUMAN_RE = re.compile("human verification", re.IGNORECASE | re.ASCII)


def _split(text: str) -> list[str]:
    return text.split()


_STOP = frozenset(
    _split(
        """
        the and for with that this are was not but can all its from into after before run test
        tests verify should
        """
    )
)
W = Severity.WARNING


def build_verification(fm: FrontmatterResult, path: str) -> tuple[Verification, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    v = Verification(
        path=path,
        has_frontmatter=fm.has_frontmatter,
        body=fm.body,
        body_line=fm.body_line,
        frontmatter=dict(fm.data),
    )
    body_items = human_items_from_body(fm.body, fm.body_line)
    if not fm.has_frontmatter:
        diags.append(
            Diagnostic(
                code="GSD170",
                severity=W,
                file=fm.file,
                line=1,
                message="VERIFICATION has no frontmatter; its status is unknown",
                hint="start the file with a `---` block (phase, status, score)",
            )
        )
        v.human_verification = body_items
        return v, diags
    data, keys = fm.data, keymap(fm.data)

    def get(name: str) -> tuple[Any, Path]:
        k = keys.get(name)
        return (data[k], (k,)) if k is not None else (None, (name,))

    for name in ("phase", "verified", "score"):
        value, p = get(name)
        setattr(v, name, scalar_text(fm, p, value))
    status, sp = get("status")
    v.status = None if status is None else str(status).strip()
    if v.status is None:
        diags.append(
            diag(
                fm,
                "GSD171",
                W,
                None,
                "no top-level `status`; the report counts as not passed",
                "add status: passed | gaps_found | human_needed",
                line=1,
            )
        )
    elif v.status not in STATUSES:
        diags.append(
            diag(
                fm,
                "GSD171",
                W,
                sp,
                f"status {v.status!r} is not one of " + " | ".join(STATUSES),
                "use passed, gaps_found or human_needed",
            )
        )
    if v.score:
        m = _SCORE_RE.search(v.score)
        if m:
            v.score_verified, v.score_total = int(m.group(1)), int(m.group(2))
        else:
            diags.append(
                diag(
                    fm,
                    "GSD172",
                    W,
                    get("score")[1],
                    f"score {v.score!r} is not N/M",
                    'write score: "N/M must-haves verified"',
                )
            )
    rv, rp = get("re_verification")
    if isinstance(rv, dict):
        v.re_verification = ReVerification(
            previous_status=scalar_text(fm, (*rp, "previous_status"), rv.get("previous_status")),
            previous_score=scalar_text(fm, (*rp, "previous_score"), rv.get("previous_score")),
            gaps_closed=text_list(
                fm, (*rp, "gaps_closed"), rv.get("gaps_closed"), item_key="truth"
            ),
            gaps_remaining=text_list(
                fm, (*rp, "gaps_remaining"), rv.get("gaps_remaining"), item_key="truth"
            ),
            regressions=text_list(
                fm, (*rp, "regressions"), rv.get("regressions"), item_key="truth"
            ),
        )
    elif rv is True:
        v.re_verification = ReVerification()
    elif rv not in (None, False):
        diags.append(
            diag(
                fm,
                "GSD175",
                W,
                rp,
                f"re_verification {str(rv)[:40]!r} is not a mapping",
                "write previous_status, previous_score, gaps_closed ... under it",
            )
        )
    v.overrides = _overrides(fm, *get("overrides"), diags)
    v.gaps = _gaps(fm, *get("gaps"), diags)
    fm_items = _fm_human(fm, *get("human_verification"), diags)
    v.human_verification = merge_human(fm_items, body_items)
    return v, diags


def _entries(
    fm: FrontmatterResult, value: Any, p: Path, code: str, what: str, diags: list[Diagnostic]
) -> list[tuple[Path, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        diags.append(
            diag(fm, code, W, p, f"{what} is not a list; ignored", f"write {what} as a list")
        )
        return []
    return [((*p, i), item) for i, item in enumerate(value)]


def _overrides(
    fm: FrontmatterResult, value: Any, p: Path, diags: list[Diagnostic]
) -> list[Override]:
    out = []
    for ip, item in _entries(fm, value, p, "GSD176", "overrides", diags):
        if isinstance(item, dict) and isinstance(item.get("must_have"), str):
            out.append(
                Override(
                    must_have=item["must_have"].strip(),
                    **{
                        k: scalar_text(fm, (*ip, k), item.get(k))
                        for k in ("reason", "accepted_by", "accepted_at")
                    },
                )
            )
        else:
            diags.append(
                diag(
                    fm,
                    "GSD176",
                    W,
                    ip,
                    "override without `must_have`; ignored",
                    "write {must_have, reason, accepted_by, accepted_at}",
                )
            )
    return out


def _gaps(fm: FrontmatterResult, value: Any, p: Path, diags: list[Diagnostic]) -> list[Gap]:
    out = []
    for ip, item in _entries(fm, value, p, "GSD173", "gaps", diags):
        if isinstance(item, str):
            out.append(Gap(truth=item.strip(), line=fm.line_of(ip)))
            continue
        truth = item.get("truth", item.get("must_have")) if isinstance(item, dict) else None
        if not isinstance(truth, str):
            diags.append(
                diag(
                    fm,
                    "GSD173",
                    W,
                    ip,
                    "gap without `truth`; ignored",
                    "write {truth, status, reason, artifacts, missing}",
                )
            )
            continue
        arts = []
        for a in item.get("artifacts") or []:
            if isinstance(a, dict) and isinstance(a.get("path"), str):
                arts.append(
                    GapArtifact(
                        path=a["path"], issue=None if a.get("issue") is None else str(a["issue"])
                    )
                )
            elif isinstance(a, str):
                arts.append(GapArtifact(path=path_of(a)))
        status, reason = item.get("status"), item.get("reason")
        out.append(
            Gap(
                truth=truth.strip(),
                status=None if status is None else str(status),
                reason=None if reason is None else str(reason),
                artifacts=arts,
                missing=text_list(fm, (*ip, "missing"), item.get("missing")),
                line=fm.line_of(ip),
            )
        )
    return out


def _fm_human(
    fm: FrontmatterResult, value: Any, p: Path, diags: list[Diagnostic]
) -> list[HumanItem]:
    out = []
    for ip, item in _entries(fm, value, p, "GSD174", "human_verification", diags):
        if isinstance(item, str):
            out.append(HumanItem(test=item.strip(), line=fm.line_of(ip)))
        elif isinstance(item, dict) and isinstance(item.get("test"), str):
            out.append(
                HumanItem(
                    test=item["test"].strip(),
                    line=fm.line_of(ip),
                    expected=scalar_text(fm, (*ip, "expected"), item.get("expected")),
                    why_human=scalar_text(fm, (*ip, "why_human"), item.get("why_human")),
                )
            )
        else:
            diags.append(
                diag(
                    fm,
                    "GSD174",
                    W,
                    ip,
                    "human_verification entry without `test`; ignored",
                    "write {test, expected, why_human}",
                )
            )
    return out


def human_items_from_body(text: str, first_line: int) -> list[HumanItem]:
    """Items of the body's "Human Verification Required" section ([] when it says None)."""
    if not _HUMAN_RE.search(text):
        return []
    body = Body.of(text, first_line)
    heads = body.headings
    sec = next(
        (
            i
            for i, h in enumerate(heads)
            if h.title.strip(" *:#").lower().startswith("human verification")
        ),
        None,
    )
    if sec is None:
        return []
    head = heads[sec]
    items: list[HumanItem] = []
    end = len(text)
    for h in heads[sec + 1 :]:
        m = _ITEM_HEAD_RE.match(h.title.strip(" *"))
        if m is None and h.level <= head.level:
            end = h.start
            break
        if m is not None:
            item_end = next((o.start for o in heads if o.start > h.start), len(text))
            items.append(_item(text[h.end : item_end], one_line(m.group(1).strip(" *")), h.line))
    if items:
        return [i for i in items if i.test]
    intro = text[head.end : end].strip().lstrip("*_ ")
    if intro.lower().startswith("none"):
        return []
    starts = [
        m for m in _LIST_ITEM_RE().finditer(text, head.end, end) if not body.in_fence(m.start())
    ]
    for i, m in enumerate(starts):
        chunk = text[m.end() : starts[i + 1].start() if i + 1 < len(starts) else end]
        if _LABEL_RE.search(chunk):
            items.append(_item(chunk, None, body.line(m.start())))
    return [i for i in items if i.test]


def _item(chunk: str, title: str | None, line: int) -> HumanItem:
    labels = list(_LABEL_RE.finditer(chunk))
    fields: dict[str, str] = {}
    for i, lm in enumerate(labels):
        value = chunk[lm.end() : labels[i + 1].start() if i + 1 < len(labels) else len(chunk)]
        value = re.sub(r"\n[ \t]*[-*][ \t]*$", "", value.rstrip())  # a dangling list marker
        fields.setdefault(lm.group(1).lower(), clean(value).rstrip("-* \n"))
    return HumanItem(
        test=fields.get("test") or (title or ""),
        expected=fields.get("expected"),
        why_human=fields.get("why human"),
        title=title,
        line=line,
    )


def _words(*texts: str | None) -> set[str]:
    return {w for t in texts if t for w in _WORD_RE.findall(t.lower()) if w not in _STOP}


def merge_human(fm_items: list[HumanItem], body_items: list[HumanItem]) -> list[HumanItem]:
    """Frontmatter items first (enriched by the body item describing each), then the rest."""
    if not body_items:
        return fm_items
    if not fm_items:
        return body_items
    fw = [_words(i.test, i.expected, i.why_human) for i in fm_items]
    bw = [_words(i.title, i.test, i.expected, i.why_human) for i in body_items]
    scored = sorted(
        (
            (len(f & b) / min(len(f), len(b)) if f and b else 0.0, fi, bi)
            for fi, f in enumerate(fw)
            for bi, b in enumerate(bw)
        ),
        reverse=True,
    )
    pair: dict[int, int] = {}
    used: set[int] = set()
    for score, fi, bi in scored:
        if score < 0.5:
            break
        if fi not in pair and bi not in used:
            pair[fi] = bi
            used.add(bi)
    merged = []
    for fi, item in enumerate(fm_items):
        if fi in pair:
            b = body_items[pair[fi]]
            item = item.model_copy(
                update={
                    "expected": item.expected or b.expected,
                    "why_human": item.why_human or b.why_human,
                    "title": item.title or b.title,
                }
            )
        merged.append(item)
    merged.extend(b for bi, b in enumerate(body_items) if bi not in used)
    return merged
