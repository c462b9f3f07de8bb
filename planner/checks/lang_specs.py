"""Declaration patterns of the brace languages: JS/TS, Go, Rust, Swift, Kotlin, Dart.

Each Spec lists the patterns that find declarations (named groups: `name`, `kw`, and where the
language has them `export` / `mods` / `recv`), the keywords whose bodies hold members, the
tokenizer that skips strings and comments, and how "exported" is spelled.
"""

from __future__ import annotations

import re

import regex

from planner.records import record

M = regex.MULTILINE
ID = r"[A-Za-z_$][\w$]*"
ID_RE = regex.compile(ID)


@record(frozen=True)
class Spec:
    decls: tuple[regex.Pattern[str], ...]
    containers: frozenset[str]  # keywords whose body qualifies members: class, impl, ...
    tokens: re.Pattern[str]
    private_mods: frozenset[str] = frozenset()  # Swift/Kotlin: a declaration is public unless these
    export_rule: str = "keyword"  # keyword | capital | underscore | mods


def _tokenizer(dq: str, sq: str, bt: str) -> re.Pattern[str]:
    # Literal characters and classes only (no \w, \b or case folding, where `re` and `regex`
    # differ), so `re`, about twice as fast on this scan of every file, gives the same tokens.
    parts = [r"//[^\n]*", r"/\*[\s\S]*?\*/", r'"""[\s\S]*?"""', dq]
    parts += [p for p in (sq, bt) if p]
    return re.compile("|".join(parts) + r"|([{}();])")


_DQ_LINE = r'"(?:\\[\s\S]|[^"\\\n])*"'
_DQ_ANY = r'"(?:\\[\s\S]|[^"\\])*"'
_SQ_LINE = r"'(?:\\[\s\S]|[^'\\\n])*'"
_SQ_CHAR = r"'(?:\\(?:u\{[0-9a-fA-F]{1,6}\}|x[0-9a-fA-F]{2}|.)|[^'\\\n])'"  # Rust: not lifetimes
_BT_ESC = r"`(?:\\[\s\S]|[^`\\])*`"
_BT_RAW = r"`[^`]*`"

_JS_MODS = r"(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set|accessor)[ \t]+)*"


def _specs(lang: str) -> Spec:
    """The spec of one language, its patterns compiled now (`regex` compiles in Python, about a
    millisecond a pattern): a project in one language never compiles the other five."""
    return {
        "js": lambda: Spec(
            decls=(
                regex.compile(
                    r"^(?P<export>export[ \t]+(?:default[ \t]+)?)?(?:declare[ \t]+)?(?:async[ \t]+)?"
                    r"(?:abstract[ \t]+)?(?P<kw>function\*?|class|interface|type|enum|const[ \t]+enum"
                    rf"|namespace|module|const|let|var)[ \t]+(?P<name>{ID})",
                    M,
                ),
                regex.compile(
                    rf"^[ \t]+{_JS_MODS}\*?(?P<name>#?{ID})[ \t]*(?:<[^>\n]*>)?[ \t]*(?P<kw>\()", M
                ),
            ),
            containers=frozenset({"class", "interface", "namespace", "module"}),
            tokens=_tokenizer(_DQ_LINE, _SQ_LINE, _BT_ESC),
        ),
        "go": lambda: Spec(
            decls=(
                regex.compile(
                    r"^(?P<kw>func)[ \t]*(?:\([ \t]*(?:\w+[ \t]+)?\*?[ \t]*(?P<recv>\w+)(?:\[[^\]\n]*\])?"
                    r"[ \t]*\)[ \t]*)?(?P<name>\w+)",
                    M,
                ),
                regex.compile(r"^(?P<kw>type|var|const)[ \t]+(?P<name>\w+)", M),
            ),
            containers=frozenset(),
            tokens=_tokenizer(_DQ_LINE, _SQ_LINE, _BT_RAW),
            export_rule="capital",
        ),
        "rust": lambda: Spec(
            decls=(
                regex.compile(
                    r"^[ \t]*(?P<export>pub(?:\([^)\n]*\))?[ \t]+)?(?:(?:default|async|const|unsafe|"
                    r'extern[ \t]+"[^"\n]*")[ \t]+)*(?P<kw>fn|struct|enum|trait|type|const|static|mod'
                    r"|union)[ \t]+(?P<name>\w+)",
                    M,
                ),
                regex.compile(
                    r"^[ \t]*(?:unsafe[ \t]+)?(?P<kw>impl)(?:[ \t]*<[^{\n]*?>)?[ \t]+(?:[\w:]+(?:<[^{\n]*?>)?"
                    r"[ \t]+for[ \t]+)?(?:[\w]+::)*(?P<name>\w+)",
                    M,
                ),
                regex.compile(
                    r"^#\[macro_export\][ \t]*\n[ \t]*(?P<export>)(?P<kw>macro_rules!)[ \t]*(?P<name>\w+)",
                    M,
                ),
            ),
            containers=frozenset({"impl", "trait", "mod"}),
            tokens=_tokenizer(_DQ_ANY, _SQ_CHAR, ""),
        ),
        "swift": lambda: Spec(
            decls=(
                regex.compile(
                    r"^[ \t]*(?P<mods>(?:(?:@\w+(?:\([^)\n]*\))?|public|open|private|fileprivate|internal"
                    r"|static|final|class|override|mutating|nonmutating|convenience|required|lazy|weak"
                    r"|dynamic|indirect|nonisolated)[ \t]+)*)(?P<kw>func|class|struct|enum|protocol"
                    r"|extension|actor|typealias|let|var)[ \t]+(?P<name>[A-Za-z_]\w*)",
                    M,
                ),
            ),
            containers=frozenset({"class", "struct", "enum", "protocol", "extension", "actor"}),
            tokens=_tokenizer(_DQ_LINE, "", ""),
            private_mods=frozenset({"private", "fileprivate"}),
            export_rule="mods",
        ),
        "kotlin": lambda: Spec(
            decls=(
                regex.compile(
                    r"^[ \t]*(?P<mods>(?:(?:@\w+(?:\([^)\n]*\))?|public|private|internal|protected|open"
                    r"|abstract|sealed|data|inline|value|enum|annotation|companion|override|suspend"
                    r"|operator|infix|tailrec|const|lateinit|expect|actual|external|inner|final)[ \t]+)*)"
                    r"(?P<kw>fun|class|interface|object|val|var|typealias)[ \t]+(?:<[^>\n]*>[ \t]*)?"
                    r"(?:[\w.<>?]+\.)?(?P<name>\w+)",
                    M,
                ),
                # Members of a companion object are called as Class.member: it qualifies as its class.
                regex.compile(
                    r"^[ \t]*(?P<kw>companion[ \t]+object)(?:[ \t]+\w+)?(?P<name>)[ \t]*\{", M
                ),
            ),
            containers=frozenset({"class", "interface", "object", "companion object"}),
            tokens=_tokenizer(_DQ_LINE, _SQ_CHAR, ""),
            private_mods=frozenset({"private"}),
            export_rule="mods",
        ),
        "dart": lambda: Spec(
            decls=(
                regex.compile(
                    r"^[ \t]*(?:(?:abstract|sealed|base|final|interface)[ \t]+)*(?P<kw>class|mixin|enum"
                    r"|extension|typedef)[ \t]+(?P<name>\w+)",
                    M,
                ),
                regex.compile(
                    r"^[ \t]*(?!(?:return|if|else|await|throw|new|case|for|while|switch|yield|assert"
                    r"|class|mixin|enum|extension|typedef|import|export|part|library)\b)"
                    r"(?:[\w<>?,]+[ \t]+)+(?P<name>[A-Za-z_]\w*)[ \t]*(?:<[^>\n]*>)?(?P<kw>\()",
                    M,
                ),
            ),
            containers=frozenset({"class", "mixin", "enum", "extension"}),
            tokens=_tokenizer(_DQ_LINE, _SQ_LINE, ""),
            export_rule="underscore",
        ),
    }[lang]()


class _Specs(dict[str, Spec]):
    """Language -> Spec, each built on its first lookup."""

    def __missing__(self, lang: str) -> Spec:
        spec = self[lang] = _specs(lang)
        return spec


SPECS: dict[str, Spec] = _Specs()
