"""Templates are package data (`planner/templates/<name>` in the wheel, `templates/` in the source
tree), rendered by jinja2 with StrictUndefined: a variable the caller forgot fails loudly instead of
printing an empty cell. Markdown escaping filters live here so every template escapes the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

CODES = {
    "GSD710": "template not found in the installed package or the source tree",
    "GSD711": "template refers to a variable the renderer did not provide",
    "GSD712": "template has a syntax error",
}


class TemplateError(Exception):
    """A broken install or a bug in gsd (never the user's input): the CLI reports it as internal."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


_SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def template_text(name: str) -> str:
    """The text of template `name`: package data first, then the source tree's `templates/`."""
    try:
        packaged = resources.files("planner").joinpath("templates", name)
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, ModuleNotFoundError):
        pass
    source = _SOURCE_TEMPLATES / name
    if source.is_file():
        return source.read_text(encoding="utf-8")
    raise TemplateError(
        "GSD710", f"{CODES['GSD710']}: {name} (looked in planner/templates and {_SOURCE_TEMPLATES})"
    )


# ---------------------------------------------------------------------------------------------
# Markdown filters

_NEWLINES = re.compile(r"\r\n?|\n")
_BACKTICKS = re.compile(r"`+")


def md_inline(value: object) -> str:
    """One line of markdown: newlines become spaces."""
    return _NEWLINES.sub(" ", str(value)).strip()


def md_cell(value: object) -> str:
    """A table cell: `|` escaped, newlines as <br>, so the row stays one row."""
    text = _NEWLINES.sub("\n", str(value)).strip()
    return text.replace("|", "\\|").replace("\n", "<br>")


def md_code(value: object) -> str:
    """Inline code that survives backticks in the text (a longer fence, padded when needed)."""
    text = md_inline(value)
    if not text:
        return ""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_truncate(value: object, limit: int = 200) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=1)
def environment() -> Any:
    import jinja2  # lazy: only commands that write a report pay for it

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: template_text(name)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # markdown, not HTML; cells are escaped by the filters above
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cell=md_cell, code=md_code, inline=md_inline, truncate_text=md_truncate)
    return env


def render_template(name: str, /, **context: Any) -> str:
    import jinja2

    try:
        return str(environment().get_template(name).render(**context))
    except jinja2.UndefinedError as exc:
        raise TemplateError("GSD711", f"{name}: {exc.message}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError("GSD712", f"{name}:{exc.lineno}: {exc.message}") from exc


def render_string(source: str, /, **context: Any) -> str:
    """Render template text with the same environment (tests and one-off snippets)."""
    import jinja2

    try:
        return str(environment().from_string(source).render(**context))
    except jinja2.UndefinedError as exc:
        raise TemplateError("GSD711", f"<string>: {exc.message}") from exc
