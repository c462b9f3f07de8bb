"""`re` twins of `regex` patterns: the standard engine, where it gives the same answers.

`import regex` costs ~20 ms and each `regex.compile` several times what `re.compile` does, so a
pattern runs with `re` when `re` reads it exactly as `regex` does. What decides:
- `re` must accept it without a warning (`[[:alpha:]]` is a POSIX class to `regex`, a "possible
  nested set" to `re`); `\\p{L}`, `(?V1)`, variable-width look-behinds, `\\N{...}` and `(?#...)`
  are refused here, so `regex` reports or runs them;
- no verbose mode, and no `{` that `re` takes literally but `regex` could read as a fuzzy
  constraint (`(?:foo){e<=1}`: a `{` followed by a digit or one of `deis`);
- `\\B` and `[^\\s\\S]` are refused (the engines disagree on an empty text, on every character);
- `\\w \\s \\d \\b` and case folding differ between the engines on some non-ASCII characters
  (combining marks, `²`, U+001C..U+001F, the Kelvin sign): a pattern with any of them is
  `unicode_sensitive`, compiled with `re.ASCII` and run with `re` on ASCII text only (an O(1)
  test: `str.isascii`); case folding of a non-ASCII character in the pattern is refused.
On ASCII text `re` with `re.ASCII` and `regex` agree on every class and fold (tests prove it on all
128 characters, and on generated patterns against generated texts).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from re import _compiler as _sre_compiler  # type: ignore[attr-defined]
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from types import ModuleType
from typing import Any, cast

FLAGS = re.MULTILINE | re.IGNORECASE | re.DOTALL  # the same bits in `re` and `regex`
# Plain ints: re's parser tests its flags at every step, and a RegexFlag's `&` is an enum call.
_ASCII, _IGNORECASE, _VERBOSE = int(re.ASCII), int(re.IGNORECASE), int(re.VERBOSE)
_ASCII_WIDE = 128
# Categories whose members the two engines define differently beyond ASCII.
_CATEGORIES = {
    _c.CATEGORY_DIGIT: _c.CATEGORY_NOT_DIGIT,
    _c.CATEGORY_SPACE: _c.CATEGORY_NOT_SPACE,
    _c.CATEGORY_WORD: _c.CATEGORY_NOT_WORD,
}
_REPEATS = frozenset({_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT})
_PLAIN = frozenset({_c.ANY, _c.AT, _c.FAILURE, _c.SUCCESS})
_ZERO_WIDTH = frozenset({_c.AT, _c.ASSERT, _c.ASSERT_NOT})
_FUZZY_START = frozenset("0123456789deis")
_QUANTIFIER = re.compile(r"\{[0-9]*(?:,[0-9]*)?\}")  # as re reads one (ASCII digits)


def regex_module() -> ModuleType:
    """The `regex` module, imported on first need only."""
    import regex

    return regex


class Twin:
    """A pattern `re` runs with `regex`'s answers: on any text, or ASCII text when sensitive."""

    __slots__ = ("flags", "pattern", "prefix", "required", "source", "unicode_sensitive")

    def __init__(
        self,
        source: str,
        flags: int,
        pattern: re.Pattern[str],
        unicode_sensitive: bool,
        prefix: str = "",
        required: tuple[str, ...] = (),
    ) -> None:
        self.source, self.flags, self.pattern = source, flags, pattern
        self.unicode_sensitive = unicode_sensitive
        # Literal text every match begins with, and other literal runs every match holds: found
        # with str.find (a fast two-way search) before `re` scans a text character by character.
        self.prefix, self.required = prefix, required

    def __repr__(self) -> str:
        return f"Twin({self.source!r}, sensitive={self.unicode_sensitive})"


class _Refused(Exception):
    """`re` might not read the pattern as `regex` does."""


def re_twin(source: str, flags: int = 0) -> Twin | None:
    """`source` compiled by `re` to find what `regex.compile(source, flags)` finds, or None."""
    if flags & ~FLAGS:
        raise ValueError(f"flags {flags:#x}: only MULTILINE, IGNORECASE, DOTALL are shared")
    flags = int(flags)  # a plain int: the parser tests flags often, RegexFlag's `&` is slow
    try:
        _check_source(source)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any warning means the engines may disagree
            tree = _sre_parser.parse(source, flags | _ASCII)
        sensitive = _walk(tree.data, bool(tree.state.flags & _IGNORECASE))
        if tree.state.flags & _VERBOSE:
            raise _Refused
        # From the parsed tree: parsing again (re.compile) would cost as much as the check.
        compiled = _sre_compiler.compile(tree, flags | _ASCII)
    except (_Refused, re.error, Warning, ValueError, OverflowError, RecursionError):
        return None
    if tree.state.flags & _IGNORECASE:
        return Twin(source, flags, compiled, sensitive)
    prefix, required = _literals(tree.data)
    return Twin(source, flags, compiled, sensitive, prefix, required)


def _literals(items: Any) -> tuple[str, tuple[str, ...]]:
    """(the literal run a match starts with, the other literal runs of the top-level sequence).

    Zero-width items (anchors, look-arounds) before the first literal do not move the start.
    """
    runs: list[str] = []
    run: list[str] = []
    prefix_open = True  # still at the start: only zero-width items so far
    prefix = ""
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            if prefix_open:
                prefix = "".join(run)
            else:
                runs.append("".join(run))
            run = []
        prefix_open = prefix_open and not prefix and op in _ZERO_WIDTH
    if run:
        if prefix_open:
            prefix = "".join(run)
        else:
            runs.append("".join(run))
    return prefix, tuple(runs)


def _check_source(source: str) -> None:
    """Refuse what the parsed tree cannot show: `\\N{...}`, comments, fuzzy-looking braces."""
    if "{" not in source and "\\N" not in source and "(?#" not in source:
        return
    if "(?#" in source:
        raise _Refused
    i, end = 0, len(source)
    set_start = -1  # index of the first item of the open character set, or -1
    while i < end:
        char = source[i]
        if char == "\\":
            if source.startswith("N", i + 1):
                raise _Refused  # the engines' Unicode name tables differ in version
            i += 2
            continue
        if set_start >= 0:
            if char == "]" and i > set_start:
                set_start = -1
        elif char == "[":
            set_start = i + 1 + source.startswith("^", i + 1)
        elif char == "{":
            quantifier = _QUANTIFIER.match(source, i)
            if quantifier is None or quantifier.end() == i + 2:  # `{}` is literal in both
                if source[i + 1 : i + 2] in _FUZZY_START:
                    raise _Refused
            else:
                i = quantifier.end()
                continue
        i += 1


def _walk(items: Any, ignorecase: bool) -> bool:
    """True when the items use a class, boundary or case fold that differs beyond ASCII."""
    sensitive = False
    for op, av in items:
        if op is _c.LITERAL or op is _c.NOT_LITERAL:
            if ignorecase:
                if av >= _ASCII_WIDE:
                    raise _Refused
                sensitive = True
        elif op is _c.IN:
            sensitive |= _set_sensitive(av, ignorecase)
        elif op is _c.AT:
            if av is _c.AT_NON_BOUNDARY:
                raise _Refused  # `re` never matches `\B` in an empty text, `regex` does
            sensitive |= av is _c.AT_BOUNDARY
        elif op is _c.SUBPATTERN:
            _group, add, remove, sub = av
            if add & _VERBOSE:
                raise _Refused
            inner = (ignorecase or bool(add & _IGNORECASE)) and not remove & _IGNORECASE
            sensitive |= _walk(sub, inner)
        elif op is _c.BRANCH:
            for branch in av[1]:
                sensitive |= _walk(branch, ignorecase)
        elif op in _REPEATS:
            sensitive |= _walk(av[2], ignorecase)
        elif op is _c.ATOMIC_GROUP:
            sensitive |= _walk(av, ignorecase)
        elif op is _c.ASSERT or op is _c.ASSERT_NOT:
            sensitive |= _walk(av[1], ignorecase)
        elif op is _c.GROUPREF_EXISTS:
            sensitive |= _walk(av[1], ignorecase)
            if av[2] is not None:
                sensitive |= _walk(av[2], ignorecase)
        elif op is _c.GROUPREF:
            sensitive |= ignorecase
        elif op not in _PLAIN:
            raise _Refused  # an opcode this check does not know
    return sensitive


def _set_sensitive(items: Any, ignorecase: bool) -> bool:
    categories = {av for op, av in items if op is _c.CATEGORY}
    for op, av in items:
        if ignorecase and (
            (op is _c.LITERAL and av >= _ASCII_WIDE) or (op is _c.RANGE and av[1] >= _ASCII_WIDE)
        ):
            raise _Refused
    if any(_CATEGORIES.get(cat) in categories for cat in categories):
        if any(op is _c.NEGATE for op, _av in items):
            raise _Refused  # `[^\s\S]`: no character to `re`, every character to `regex`
        return False  # `[\s\S]`: every character in both engines
    return ignorecase or bool(categories)


ENGINE_PATTERNS: list[EnginePattern] = []  # every instance, for the tests


class EnginePattern:
    """One of the engine's own patterns: compiled on first use by `re`, with `regex` kept for
    the texts where the engines could differ (non-ASCII text, when `unicode_sensitive`).

    `unicode_sensitive` is declared by the module that owns the pattern, so that nothing is
    checked at run time; tests hold each declaration equal to re_twin's verdict.
    """

    __slots__ = ("_re", "_regex", "flags", "source", "unicode_sensitive")

    def __init__(self, source: str, flags: int = 0, *, unicode_sensitive: bool) -> None:
        if flags & ~FLAGS:
            raise ValueError(f"flags {flags:#x}: only MULTILINE, IGNORECASE, DOTALL are shared")
        self.source, self.flags, self.unicode_sensitive = source, int(flags), unicode_sensitive
        self._re: re.Pattern[str] | None = None
        self._regex: re.Pattern[str] | None = None
        ENGINE_PATTERNS.append(self)

    def __repr__(self) -> str:
        return f"EnginePattern({self.source!r}, {self.flags}, sensitive={self.unicode_sensitive})"

    def on(self, text: str) -> re.Pattern[str]:
        """The compiled pattern that answers for `text` as `regex` would."""
        if self.unicode_sensitive and not text.isascii():
            return self.regex_form()
        found = self._re
        if found is None:
            flags = self.flags | (_ASCII if self.unicode_sensitive else 0)
            found = self._re = re.compile(self.source, flags)
        return found

    # The calls the engine makes, each on the form that answers for its text.
    def search(self, text: str) -> re.Match[str] | None:
        return self.on(text).search(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.on(text).fullmatch(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.on(text).finditer(text)

    def findall(self, text: str) -> list[Any]:
        return self.on(text).findall(text)

    def sub(self, repl: str, text: str) -> str:
        return self.on(text).sub(repl, text)

    def regex_form(self) -> re.Pattern[str]:
        """The `regex` pattern (same API as `re`'s for what the engine calls)."""
        found = self._regex
        if found is None:
            found = self._regex = cast("re.Pattern[str]", _compile_regex(self.source, self.flags))
        return found


def _compile_regex(source: str, flags: int) -> Any:
    return regex_module().compile(source, flags)
