"""Settle "does this Python file declare `name` at the top level?" without parsing it.

A key link's target `pkg.module.name` only has to exist for a link whose pattern is found in its
source; parsing the module (ast costs about 0.5 ms a small file) just to confirm that is waste when
a plain scan proves it. The proof, for a line at column 0 reading `def name`, `async def name` or
`class name` followed by a character that cannot continue the name:
- if the file is valid Python and the line is outside every string literal, it is a module-level
  FunctionDef/ClassDef (`def` cannot occur inside brackets or after a continuation in valid code),
  so the ast gives a top-level symbol `name`;
- otherwise (a syntax error, a file over the ast size cap) lang_python's line scan is used, and it
  takes every such line for a top-level block `name`, strings or not.
The scan below tracks string literals the way Python's tokenizer does for a valid file. It
answers False whenever it is not sure (an f-string, an unterminated string, another spelling):
False means "parse to know", never "absent".
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEAD = re.compile(r"(?:async[ \t]+)?(?:def|class)[ \t]+")
# Outside strings, the next comment or string opener.
_OPENER = re.compile(r"#[^\n]*|('''|\"\"\"|'|\")")
# The rest of a string after its opening quote, closing quote included; a backslash always takes
# the next character (raw strings too: r"\"" does not end at the escaped quote). Unrolled loops:
# linear, whatever the text.
_REST = {
    "'''": re.compile(r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.DOTALL),
    '"""': re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.DOTALL),
    "'": re.compile(r"[^'\\\n]*(?:\\.[^'\\\n]*)*'", re.DOTALL),
    '"': re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*"', re.DOTALL),
}


def _outside_strings(text: str, stop: int) -> bool:
    """Whether offset `stop` (a line start) lies outside every string literal; False if unsure."""
    pos = 0
    while True:
        found = _OPENER.search(text, pos, stop)
        if found is None:
            return True
        quote = found.group(1)
        if quote is None:
            pos = found.end()  # a comment: it ends before the line `stop` starts
            continue
        at = found.start()
        prefix = text[max(at - 2, 0) : at]
        if "f" in prefix or "F" in prefix:
            return False  # an f-string (nested quotes are legal from Python 3.12): not sure
        rest = _REST[quote].match(text, found.end())
        if rest is None:
            return False  # unterminated: a syntax error, or a spelling this scan does not know
        pos = rest.end()
        if pos > stop:
            return False  # `stop` is inside this string


def declares_top_level(text: str, name: str) -> bool:
    """True only when `text` surely has a column-0 `def`/`async def`/`class` line for `name`
    outside string literals (see the module docstring: the parse then has a top-level `name`)."""
    if not _NAME.fullmatch(name):
        return False
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        after = text[end : end + 1]
        line_start = text.rfind("\n", 0, at) + 1
        if (
            (not after or (after.isascii() and not (after.isalnum() or after == "_")))
            and _HEAD.fullmatch(text, line_start, at)
            and _outside_strings(text, line_start)
        ):
            return True
        at = text.find(name, end)
    return False
