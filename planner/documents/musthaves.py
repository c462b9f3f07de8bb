"""Build a plan's MustHaves (truths, artifacts, key links) from its frontmatter, with lines.

Shapes seen in real plans and what they become:
- truth as a one-key mapping (`- Users can: log in`, an unquoted `: `) -> the string "Users can: log in";
- `{truth: ..., verify: ...}` -> a truth bound to a command;
- artifact or key link written as a sentence -> `MustHaves.prose` (shown, never checked);
- artifact written as a bare path (`- src/cli/main.py`) -> an artifact with that path;
- `must_haves` written as a list of statements -> truths (a list of requirement ids -> prose);
- truths/artifacts/key_links at the top level of the frontmatter -> read as must_haves.
"""

from __future__ import annotations

from typing import Any

from planner.documents.coerce import Path, diag, scalar_text, text_list, to_int
from planner.documents.frontmatter import FrontmatterResult
from planner.documents.lazyre import lazy_re
from planner.documents.models import Artifact, KeyLink, MustHaves, Truth
from planner.errors import Diagnostic, Severity

CODES = {
    "GSD130": "must_haves is not in the expected {truths, artifacts, key_links} shape (read anyway)",
    "GSD131": "truth parsed as a one-key mapping (unquoted ': '), read back as one string",
    "GSD132": "artifact or key link written as prose: kept, not checkable",
    "GSD133": "artifact written as a bare path, read as {path: ...}",
    "GSD134": "artifact without a path or key link without from/to: dropped",
    "GSD135": "must-have entry or field of the wrong type",
    "GSD137": "unknown key in must_haves (not checked)",
}

W, E = Severity.WARNING, Severity.ERROR
_KNOWN = ("truths", "artifacts", "key_links")
_REQ_ID_RE = lazy_re(r"^[A-Z][A-Z0-9]*(?:[-_.][A-Z0-9]+)+$")
_BARE_PATH_RE = lazy_re(
    r"^`?[\w.@~-]*[\w@~-](?:/[\w.@~+-]+)*\.\w{1,8}`?$|^`?[\w.@~-]+(?:/[\w.@~+-]+)+/?`?$"
)
_ITEM_LINE_RE = lazy_re(r"^\s*-\s+(.*\S)\s*$")


def build_must_haves(fm: FrontmatterResult) -> tuple[MustHaves, list[Diagnostic], bool]:
    """(must-haves, diagnostics, whether the frontmatter has a must_haves key at all)."""
    data, out = fm.data, MustHaves()
    diags: list[Diagnostic] = []
    key = next((k for k in ("must_haves", "must-haves", "musthaves") if k in data), None)
    sections: dict[str, tuple[Any, Path]] = {}
    if key is None:
        loose = [k for k in _KNOWN if k in data]
        if not loose:
            return out, diags, False
        diags.append(
            diag(
                fm,
                "GSD130",
                W,
                (loose[0],),
                "truths/artifacts/key_links at the top level; read as must_haves",
                "nest them under `must_haves:`",
            )
        )
        sections = {k: (data[k], (k,)) for k in loose}
    else:
        raw, base = data[key], (key,)
        if raw is None:
            return out, diags, True
        if isinstance(raw, list) and not raw:
            return out, diags, True
        if isinstance(raw, list):
            texts = [x for x in raw if isinstance(x, str)]
            if (
                texts
                and len(texts) == len(raw)
                and all(_REQ_ID_RE().match(t.strip()) for t in texts)
            ):
                out.prose.extend(t.strip() for t in texts)
                diags.append(
                    diag(
                        fm,
                        "GSD130",
                        W,
                        base,
                        "must_haves lists requirement ids, "
                        "not must-haves; kept as prose (not checkable)",
                        "write truths/artifacts/key_links under must_haves",
                    )
                )
                return out, diags, True
            diags.append(
                diag(
                    fm,
                    "GSD130",
                    W,
                    base,
                    "must_haves is a list; read as truths",
                    "put the statements under `must_haves: truths:`",
                )
            )
            sections = {"truths": (raw, base)}
        elif isinstance(raw, str):
            out.prose.append(raw.strip())
            diags.append(
                diag(
                    fm,
                    "GSD130",
                    W,
                    base,
                    "must_haves is text; kept as prose (not checkable)",
                    "write truths/artifacts/key_links",
                )
            )
            return out, diags, True
        elif not isinstance(raw, dict):
            diags.append(
                diag(
                    fm,
                    "GSD135",
                    E,
                    base,
                    f"must_haves is a {type(raw).__name__}",
                    "write a mapping with truths, artifacts and key_links",
                )
            )
            return out, diags, True
        else:
            for k, v in raw.items():
                if str(k) in _KNOWN:
                    sections[str(k)] = (v, (*base, str(k)))
                else:
                    diags.append(
                        diag(
                            fm,
                            "GSD137",
                            W,
                            (*base, str(k)),
                            f"unknown key `{k}` is not checked",
                            "use truths, artifacts or key_links",
                        )
                    )
    for name, (value, path) in sections.items():
        if value is None:
            continue
        if not isinstance(value, list):
            if isinstance(value, (str, dict)):
                value = [value]  # one entry written without the list dash
            else:
                diags.append(
                    diag(fm, "GSD135", E, path, f"expected a list, got {type(value).__name__}")
                )
                continue
        for i, item in enumerate(value):
            ipath = (*path, i) if len(value) > 1 or fm.node_at((*path, i)) is not None else path
            if name == "truths":
                _truth(fm, ipath, item, out, diags)
            elif name == "artifacts":
                _artifact(fm, ipath, item, out, diags)
            else:
                _link(fm, ipath, item, out, diags)
    return out, diags, True


def _raw_item_text(fm: FrontmatterResult, path: Path) -> str | None:
    """The text after `- ` on the item's line, when the item is on one line."""
    line = fm.line_of(path)
    node = fm.node_at(path)
    if line is None or node is None or node.end_mark.line != node.start_mark.line:
        return None
    src = fm.source_line(line)
    m = _ITEM_LINE_RE().match(src or "")
    return m.group(1) if m else None


def _truth(
    fm: FrontmatterResult, path: Path, item: Any, out: MustHaves, diags: list[Diagnostic]
) -> None:
    line = fm.line_of(path)
    if isinstance(item, dict):
        text = item.get("truth", item.get("text", item.get("statement")))
        if isinstance(text, str):
            verify = item.get("verify")
            out.truths.append(
                Truth(
                    text=text.strip(),
                    line=line,
                    verify=verify.strip() if isinstance(verify, str) else None,
                )
            )
            return
        if len(item) == 1:
            ((k, v),) = item.items()
            if not isinstance(v, (dict, list)):
                raw = _raw_item_text(fm, path)
                joined = f"{k}: {'' if v is None else v}".rstrip()
                text = raw if raw and raw.startswith(str(k)) else joined
                out.truths.append(Truth(text=text, line=line))
                diags.append(
                    diag(
                        fm,
                        "GSD131",
                        W,
                        path,
                        "truth contains ': ' and YAML read it as a mapping; read as one string",
                        "quote the truth",
                    )
                )
                return
        diags.append(
            diag(
                fm,
                "GSD135",
                E,
                path,
                "truth is a mapping without `truth:`",
                'write the truth as a string, or {truth: "...", verify: "..."}',
            )
        )
        return
    text = scalar_text(fm, path, item)
    if text is None or not text.strip():
        diags.append(
            diag(
                fm,
                "GSD135",
                W if text is not None or item is None else E,
                path,
                "empty or non-text truth ignored",
            )
        )
        return
    out.truths.append(Truth(text=text.strip(), line=line))


def _prose(
    fm: FrontmatterResult, path: Path, text: str, what: str, out: MustHaves, diags: list[Diagnostic]
) -> None:
    out.prose.append(text)
    diags.append(
        diag(
            fm,
            "GSD132",
            W,
            path,
            f"{what} written as prose; not checkable",
            "write {path, provides}" if what == "artifact" else "write {from, to, via, pattern}",
        )
    )


def _artifact(
    fm: FrontmatterResult, path: Path, item: Any, out: MustHaves, diags: list[Diagnostic]
) -> None:
    line = fm.line_of(path)
    if isinstance(item, str):
        text = item.strip()
        if _BARE_PATH_RE().match(text):
            out.artifacts.append(Artifact(path=text.strip("`"), line=line))
            diags.append(
                diag(
                    fm,
                    "GSD133",
                    W,
                    path,
                    f"artifact written as a bare path; read as {{path: {text.strip('`')}}}",
                    "write {path, provides}",
                )
            )
        elif text:
            _prose(fm, path, text, "artifact", out, diags)
        return
    if not isinstance(item, dict):
        diags.append(diag(fm, "GSD135", E, path, f"artifact is a {type(item).__name__}"))
        return
    p = item.get("path", item.get("file"))
    if p is None and len(item) == 1:
        ((k, v),) = item.items()
        if _BARE_PATH_RE().match(str(k).strip()):
            out.artifacts.append(
                Artifact(
                    path=str(k).strip().strip("`"),
                    line=line,
                    provides=None if v is None else str(v),
                )
            )
            diags.append(
                diag(
                    fm,
                    "GSD133",
                    W,
                    path,
                    "artifact written as `path: description`; read as {path, provides}",
                    "write {path, provides}",
                )
            )
        else:
            _prose(fm, path, f"{k}: {v}", "artifact", out, diags)
        return
    if not isinstance(p, str) or not p.strip():
        diags.append(
            diag(
                fm,
                "GSD134",
                E,
                path,
                "artifact has no `path`; dropped",
                "add `path: relative/file`",
            )
        )
        return
    prov, status = item.get("provides"), item.get("status")
    min_lines = None
    if item.get("min_lines") is not None:
        min_lines = to_int(item["min_lines"])
        if min_lines is None:
            diags.append(
                diag(
                    fm,
                    "GSD135",
                    W,
                    (*path, "min_lines"),
                    f"min_lines {item['min_lines']!r} is not a number; ignored",
                )
            )
    art = Artifact(
        path=p.strip(),
        line=line,
        provides=None if prov is None else str(prov),
        min_lines=min_lines,
        status=None if status is None else str(status),
        contains=text_list(fm, (*path, "contains"), item.get("contains")),
        exports=text_list(fm, (*path, "exports"), item.get("exports"), split_commas=True),
    )
    out.artifacts.append(art)


def _link(
    fm: FrontmatterResult, path: Path, item: Any, out: MustHaves, diags: list[Diagnostic]
) -> None:
    if isinstance(item, str):
        if item.strip():
            _prose(fm, path, item.strip(), "key link", out, diags)
        return
    if not isinstance(item, dict):
        diags.append(diag(fm, "GSD135", E, path, f"key link is a {type(item).__name__}"))
        return
    src = scalar_text(fm, (*path, "from"), item.get("from"))
    dst = scalar_text(fm, (*path, "to"), item.get("to"))
    if not src or not dst:
        if len(item) == 1:
            ((k, v),) = item.items()
            _prose(fm, path, f"{k}: {v}", "key link", out, diags)
            return
        missing = " and ".join(n for n, v in (("from", src), ("to", dst)) if not v)
        diags.append(
            diag(
                fm,
                "GSD134",
                E,
                path,
                f"key link has no `{missing}`; dropped",
                "write {from, to, via, pattern}",
            )
        )
        return
    via = item.get("via")
    pattern = item.get("pattern")
    out.key_links.append(
        KeyLink(
            from_=src.strip(),
            to=dst.strip(),
            via=None if via is None else str(via),
            pattern=scalar_text(fm, (*path, "pattern"), pattern) if pattern is not None else None,
            line=fm.line_of(path),
        )
    )
