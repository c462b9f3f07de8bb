"""Declaration patterns of the brace languages: JS/TS, Go, Rust, Swift, Kotlin, Dart.

Each Spec lists the patterns that find declarations (named groups: `name`, `kw`, and where the
language has them `export` / `mods` / `recv`), the keywords whose bodies hold members, the
comments and strings (where braces do not count), and how "exported" is spelled.
"""

from __future__ import annotations

import re

from planner.checks.twins import EnginePattern
from planner.records import record

M = re.MULTILINE
ID = r"[A-Za-z_$][\w$]*"
ID_RE = EnginePattern(ID, unicode_sensitive=True)


@record(frozen=True)
class Skipped:
    """Comments and strings, in the order a scan tries them: where braces do not count."""

    pattern: re.Pattern[str]
    starts: str  # the characters a comment or a string begins with


@record(frozen=True)
class Spec:
    decls: tuple[EnginePattern, ...]
    containers: frozenset[str]  # keywords whose body qualifies members: class, impl, ...
    skip: Skipped  # comments and strings (lang_braces blanks them out)
    private_mods: frozenset[str] = frozenset()  # Swift/Kotlin: a declaration is public unless these
    export_rule: str = "keyword"  # keyword | capital | underscore | mods
    # Per pattern of `decls`: the words that begin every line it can match, so that it is tried
    # at those lines only (bracescan.at_lines); () or absent: tried everywhere.
    heads: tuple[tuple[str, ...], ...] = ()


def _skipped(dq: str, sq: str, bt: str) -> Skipped:
    # Literal characters and classes only (no \w, \b or case folding, where `re` and `regex`
    # differ), so `re` gives the same matches.
    parts = [r"//[^\n]*", r"/\*[\s\S]*?\*/", r'"""[\s\S]*?"""', dq]
    parts += [p for p in (sq, bt) if p]
    return Skipped(re.compile("|".join(parts)), "".join(sorted({p[0] for p in parts})))


_DQ_LINE = r'"(?:\\[\s\S]|[^"\\\n])*"'
_DQ_ANY = r'"(?:\\[\s\S]|[^"\\])*"'
_SQ_LINE = r"'(?:\\[\s\S]|[^'\\\n])*'"
_SQ_CHAR = r"'(?:\\(?:u\{[0-9a-fA-F]{1,6}\}|x[0-9a-fA-F]{2}|.)|[^'\\\n])'"  # Rust: not lifetimes
_BT_ESC = r"`(?:\\[\s\S]|[^`\\])*`"
_BT_RAW = r"`[^`]*`"

# The keywords that can begin a JS/TS declaration line after its modifiers.
_JS_KW = "function class interface type enum const namespace module let var"
_JS_MODS = r"(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set|accessor)[ \t]++)*"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _specs(lang: str) -> Spec:
    """The spec of one language, built on first use: a project in one language never builds the
    other five (each pattern is compiled on its first use, by `re` for ASCII text)."""
    return {
        "js": lambda: Spec(
            decls=(
                EnginePattern(
                    r"^(?P<export>export[ \t]+(?:default[ \t]+)?)?(?:declare[ \t]+)?(?:async[ \t]+)?"
                    r"(?:abstract[ \t]+)?(?P<kw>function\*?|class|interface|type|enum|const[ \t]+enum"
                    rf"|namespace|module|const|let|var)[ \t]+(?P<name>{ID})",
                    M,
                    unicode_sensitive=True,
                ),
                # Possessive where giving back cannot help (the next item cannot match what it
                # gave back): the same matches, without retrying each indented line many ways.
                EnginePattern(
                    rf"^[ \t]++{_JS_MODS}\*?(?P<name>#?[A-Za-z_$][\w$]*+)[ \t]*+(?:<[^>\n]*>)?[ \t]*"
                    r"(?P<kw>\()",
                    M,
                    unicode_sensitive=True,
                ),
            ),
            containers=frozenset({"class", "interface", "namespace", "module"}),
            skip=_skipped(_DQ_LINE, _SQ_LINE, _BT_ESC),
            heads=(_words("export declare async abstract " + _JS_KW), ()),
        ),
        "go": lambda: Spec(
            decls=(
                EnginePattern(
                    r"^(?P<kw>func)[ \t]*(?:\([ \t]*(?:\w+[ \t]+)?\*?[ \t]*(?P<recv>\w+)(?:\[[^\]\n]*\])?"
                    r"[ \t]*\)[ \t]*)?(?P<name>\w+)",
                    M,
                    unicode_sensitive=True,
                ),
                EnginePattern(
                    r"^(?P<kw>type|var|const)[ \t]+(?P<name>\w+)", M, unicode_sensitive=True
                ),
            ),
            containers=frozenset(),
            skip=_skipped(_DQ_LINE, _SQ_LINE, _BT_RAW),
            export_rule="capital",
            heads=(("func",), ("type", "var", "const")),
        ),
        "rust": lambda: Spec(
            decls=(
                EnginePattern(
                    r"^[ \t]*(?P<export>pub(?:\([^)\n]*\))?[ \t]+)?(?:(?:default|async|const|unsafe|"
                    r'extern[ \t]+"[^"\n]*")[ \t]+)*(?P<kw>fn|struct|enum|trait|type|const|static|mod'
                    r"|union)[ \t]+(?P<name>\w+)",
                    M,
                    unicode_sensitive=True,
                ),
                EnginePattern(
                    r"^[ \t]*(?:unsafe[ \t]+)?(?P<kw>impl)(?:[ \t]*<[^{\n]*?>)?[ \t]+(?:[\w:]+(?:<[^{\n]*?>)?"
                    r"[ \t]+for[ \t]+)?(?:[\w]+::)*(?P<name>\w+)",
                    M,
                    unicode_sensitive=True,
                ),
                EnginePattern(
                    r"^#\[macro_export\][ \t]*\n[ \t]*(?P<export>)(?P<kw>macro_rules!)[ \t]*(?P<name>\w+)",
                    M,
                    unicode_sensitive=True,
                ),
            ),
            containers=frozenset({"impl", "trait", "mod"}),
            heads=((), (), ("#[macro_export]",)),
            skip=_skipped(_DQ_ANY, _SQ_CHAR, ""),
        ),
        "swift": lambda: Spec(
            decls=(
                EnginePattern(
                    r"^[ \t]*(?P<mods>(?:(?:@\w+(?:\([^)\n]*\))?|public|open|private|fileprivate|internal"
                    r"|static|final|class|override|mutating|nonmutating|convenience|required|lazy|weak"
                    r"|dynamic|indirect|nonisolated)[ \t]+)*)(?P<kw>func|class|struct|enum|protocol"
                    r"|extension|actor|typealias|let|var)[ \t]+(?P<name>[A-Za-z_]\w*)",
                    M,
                    unicode_sensitive=True,
                ),
            ),
            containers=frozenset({"class", "struct", "enum", "protocol", "extension", "actor"}),
            skip=_skipped(_DQ_LINE, "", ""),
            private_mods=frozenset({"private", "fileprivate"}),
            export_rule="mods",
        ),
        "kotlin": lambda: Spec(
            decls=(
                EnginePattern(
                    r"^[ \t]*(?P<mods>(?:(?:@\w+(?:\([^)\n]*\))?|public|private|internal|protected|open"
                    r"|abstract|sealed|data|inline|value|enum|annotation|companion|override|suspend"
                    r"|operator|infix|tailrec|const|lateinit|expect|actual|external|inner|final)[ \t]+)*)"
                    r"(?P<kw>fun|class|interface|object|val|var|typealias)[ \t]+(?:<[^>\n]*>[ \t]*)?"
                    r"(?:[\w.<>?]+\.)?(?P<name>\w+)",
                    M,
                    unicode_sensitive=True,
                ),
                # Members of a companion object are called as Class.member: it qualifies as its class.
                EnginePattern(
                    r"^[ \t]*(?P<kw>companion[ \t]+object)(?:[ \t]+\w+)?(?P<name>)[ \t]*\{",
                    M,
                    unicode_sensitive=True,
                ),
            ),
            containers=frozenset({"class", "interface", "object", "companion object"}),
            skip=_skipped(_DQ_LINE, _SQ_CHAR, ""),
            private_mods=frozenset({"private"}),
            export_rule="mods",
        ),
        "dart": lambda: Spec(
            decls=(
                EnginePattern(
                    r"^[ \t]*(?:(?:abstract|sealed|base|final|interface)[ \t]+)*(?P<kw>class|mixin|enum"
                    r"|extension|typedef)[ \t]+(?P<name>\w+)",
                    M,
                    unicode_sensitive=True,
                ),
                EnginePattern(
                    r"^[ \t]*(?!(?:return|if|else|await|throw|new|case|for|while|switch|yield|assert"
                    r"|class|mixin|enum|extension|typedef|import|export|part|library)\b)"
                    r"(?:[\w<>?,]+[ \t]+)+(?P<name>[A-Za-z_]\w*)[ \t]*(?:<[^>\n]*>)?(?P<kw>\()",
                    M,
                    unicode_sensitive=True,
                ),
            ),
            containers=frozenset({"class", "mixin", "enum", "extension"}),
            skip=_skipped(_DQ_LINE, _SQ_LINE, ""),
            export_rule="underscore",
        ),
    }[lang]()


class _Specs(dict[str, Spec]):
    """Language -> Spec, each built on its first lookup."""

    def __missing__(self, lang: str) -> Spec:
        spec = self[lang] = _specs(lang)
        return spec


SPECS: dict[str, Spec] = _Specs()
