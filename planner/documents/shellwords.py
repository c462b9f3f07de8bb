"""Is this line a shell command, and does it continue on the next line?

Deliberately independent of the machine: a fixed list of common tools and builtins plus shape
rules (script paths, `VAR=value` prefixes). Prose that happens to start with a tool's name
("test passes", "make sure ...", "swift build succeeds.") is rejected by a few cheap checks.
"""

from __future__ import annotations

import re
from dataclasses import field

from planner.documents.lazyre import lazy_re
from planner.records import record


def _words(text: str) -> list[str]:
    return text.split()


# Common executables and shell builtins seen in plans (and their obvious neighbours).
KNOWN_COMMANDS = frozenset(
    _words(
        """
        bash sh zsh dash fish env exec eval command builtin source . cd pushd popd export unset set
        true false test [ [[ echo printf read exit return trap wait sleep timeout time nohup xargs
        if for while until case ! { ( python python3 python2 pip pip3 pipx pytest py.test uv uvx
        poetry pdm hatch tox nox coverage mypy ruff black isort flake8 pylint pyright bandit
        pre-commit alembic django-admin node npm npx pnpm yarn bun bunx deno tsc tsx ts-node vitest
        jest mocha playwright cypress eslint prettier biome oxlint next vite webpack rollup esbuild
        turbo nx lerna astro svelte-kit expo eas react-native ng nest prisma drizzle-kit supabase
        firebase vercel netlify wrangler go gofmt golangci-lint staticcheck govulncheck cargo rustc
        rustup rustfmt clippy-driver make cmake ctest ninja meson bazel gcc g++ cc c++ clang
        clang++ clang-format clang-tidy valgrind gdb lldb ldd nm objdump otool strings file java
        javac kotlin kotlinc gradle gradlew mvn sbt ant scala dotnet msbuild nuget swift swiftc
        swiftlint swiftformat xcodebuild xcrun xcode-select pod fastlane plutil codesign security
        defaults simctl flutter dart adb emulator sdkmanager zig ziglings ruby gem bundle bundler
        rake rails rspec php composer phpunit artisan perl lua luarocks elixir mix iex erl rebar3
        ghc cabal stack Rscript julia ocaml dune opam nim crystal docker docker-compose podman
        kubectl helm kind minikube terraform tofu ansible vagrant git gh glab hub svn hg grep egrep
        fgrep rg ag ack find fd ls cat head tail wc sed awk gawk sort uniq cut tr tee diff cmp comm
        paste join fold column nl od xxd hexdump base64 sha256sum sha1sum md5sum shasum cksum stat
        du df mkdir rmdir rm cp mv ln touch chmod chown readlink realpath basename dirname pwd
        which type whereis tar zip unzip gzip gunzip zcat bzip2 xz 7z curl wget http httpie jq yq
        xq xmllint sqlite3 psql pg_dump mysql mongosh redis-cli openssl ssh scp rsync nc netcat
        lsof ps pgrep pkill kill killall ss netstat ping dig nslookup host uname whoami id date cal
        env printenv locale iconv shellcheck shfmt hadolint actionlint yamllint markdownlint
        jsonlint cspell typos godot godot4 blender unity hugo jekyll mkdocs sphinx-build pandoc
        duckdb clickhouse bq gcloud aws az doctl flyctl heroku ollama huggingface-cli
        """
    )
)

# Tools whose name is also an everyday English word: they need a shell-looking next word.
AMBIGUOUS = frozenset(
    _words(
        """
        test find make go open read time wait set type file sort head tail cut kill which source
        echo date host id command exec true false http stack join paste fold column comm cat touch
        mix bundle gem ant hub dig ping kind strings unity pod security defaults return exit time
        """
    )
)
_ENGLISH = frozenset(
    _words(
        """
        the a an that this it its sure all each every for to with and or is are be was were if
        whether out up passes pass passed fails failed succeeds works file files command commands
        cases case suite results result output again new existing other both only then should must
        can will would does do not no any some more less of in on at by from as when
        """
    )
)
# A word of plain English prose among a line's unquoted words: "swift build succeeds."
_PROSE_WORD_RE = re.compile(
    r"\s(?:should|must|succeeds|succeed|exits|returns|shows|exists|passes|compiles|contains"
    r"|confirms|verifies|displays|appears|renders|works|fails)[.,;:]*(?=\s|$)",
    re.I,
)
_ASSIGN_RE = re.compile(r"""^(?:[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|\S*)[ \t]+)+""")
_ASSIGN_ONLY_RE = re.compile(r"""^[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|\S*)$""")
_PATH_RE = re.compile(r"^(?:\.{1,2}/|~/)[\w./@+-]+$")
_BIN_PATH_RE = re.compile(
    r"^(?:/|[\w.-]+/)?(?:[\w.@+-]+/)*(?:bin|\.bin|scripts?|tools|hack)/[\w.+-]+$"
)
_SCRIPT_RE = re.compile(r"^[\w./+-]+\.(?:sh|bash|zsh)$")
_VAR_RE = re.compile(r"^\$(?:\{\w+\}|\w+)")
_WORD_RE = lazy_re(r"^[a-z0-9_][\w.+-]*$")
_TRAILING_NOTE_RE = lazy_re(r"\([A-Za-z][A-Za-z ,']*\s[A-Za-z ,']*\)$")
_QUOTED_RE = lazy_re(r"""\\.|'[^']*'?|"(?:\\.|[^"\\])*"?|`(?:\\.|[^`\\])*`?""")
_COMMENT_RE = lazy_re(r"(?:^|(?<=[ \t;&|(]))#")
_SPECIAL_RE = re.compile(r"[\\'\"`#<]")
_NUMBERED_RE = re.compile(r"^\d+[.)]\s")
_PROSE_MARKS = (" — ", " – ", "→", "✓", "✅", "❌")
_BOLD_RE = lazy_re(r"\*\*[A-Za-z][^*]*\*\*")
_SENTENCE_END_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ)`'\"")
_FOR_RE = lazy_re(r"^for\s+\w+\s+in\b|^for\s*\(\(")
_CASE_RE = lazy_re(r"^case\s+\S+\s+in\b")


def _unquoted(s: str) -> str:
    """The line with quoted parts and comments removed (for prose checks)."""
    if not _SPECIAL_RE.search(s):
        return s
    bare = _QUOTED_RE().sub(" ", s)
    m = _COMMENT_RE().search(bare)
    return bare[: m.start()] if m else bare


def looks_like_prose(s: str, bare: str | None = None) -> bool:
    """`bare` is `s` without quoted parts and comments, when the caller has it already."""
    # Plain `in` tests and anchored regexes: this runs on every candidate line.
    bare = (_unquoted(s) if bare is None else bare).rstrip()
    if any(mark in bare for mark in _PROSE_MARKS) or ("**" in bare and _BOLD_RE().search(bare)):
        return True
    rest = bare.split(None, 1)
    if len(rest) > 1 and _PROSE_WORD_RE.search(" " + rest[1]):
        return True
    if bare.endswith(")"):
        i = bare.rfind("(")
        if i > 0 and bare[i - 1] not in "$<>=" and _TRAILING_NOTE_RE().match(bare, i):
            return True  # `cargo test (if any)`
    last = s.rstrip()
    return len(last) > 1 and last[-1] == "." and last[-2] in _SENTENCE_END_CHARS


def first_word(s: str) -> tuple[str, str]:
    """(first word after `VAR=value` prefixes and `(`/`!`, the rest of the line)."""
    s = s.lstrip("(! \t")
    m = _ASSIGN_RE.match(s)
    if m:
        s = s[m.end() :]
    parts = s.split(None, 1)
    if not parts:
        return "", ""
    return parts[0].rstrip(";"), parts[1] if len(parts) > 1 else ""


def is_command_start(s: str, mode: str = "text") -> bool:
    """Does the (stripped) line `s` start a shell command?

    mode "text": free text, strict. mode "shell": inside ```bash or <automated>, where the
    author declared shell, so any lowercase word may be a tool (prose checks still apply).
    """
    return command_start(s, mode) is not None


def command_start(s: str, mode: str = "text") -> ShellState | None:
    """The shell state after line `s` when it starts a command, else None (one scan for both)."""
    s = s.strip()
    if not s or s[0] in "#-*+>|<`" or (s[0].isdigit() and _NUMBERED_RE.match(s)):
        return None
    if _ASSIGN_ONLY_RE.match(s):
        return scan_shell(s)
    word, rest = first_word(s)
    if not word:
        return None
    if word in ("if", "while", "until"):
        nxt = rest.split(None, 1)[0] if rest.split() else ""
        ok = nxt in ("[", "[[", "!", "(", "((") or (nxt in KNOWN_COMMANDS and nxt not in AMBIGUOUS)
    elif word == "for":
        ok = bool(_FOR_RE().match(s))
    elif word == "case":
        ok = bool(_CASE_RE().match(s))
    elif word in AMBIGUOUS:
        nxt = rest.split(None, 1)[0] if rest.split() else ""
        if word in ("test", "[", "[[") and nxt.startswith("-"):
            ok = True
        else:
            ok = not (nxt.lower() in _ENGLISH or (nxt[:1].isupper() and word != "echo"))
    else:
        ok = (
            word in KNOWN_COMMANDS
            or bool(
                _PATH_RE.match(word)
                or _BIN_PATH_RE.match(word)
                or _SCRIPT_RE.match(word)
                or _VAR_RE.match(word)
            )
            or (mode == "shell" and bool(_WORD_RE().match(word)))
        )
    if not ok:
        return None
    state = scan_shell(s)
    return None if looks_like_prose(s, state.bare) else state


@record
class ShellState:
    open_quote: str = ""  # "'", '"' or "`" while a quote is open at the end of the line
    heredocs: list[str] = field(default_factory=list)  # delimiters still to be seen
    in_heredoc: str = ""
    depth: int = 0  # open if/for/while/until/case compounds
    continues: bool = False
    bare: str = ""  # the last line without its quoted parts and comment


_KEYWORDS = frozenset({"if", "for", "while", "until", "case", "fi", "done", "esac"})
_SEP_RE = lazy_re(r";;|;|&&|\|\||\||\(|\)|\{|\}|\bthen\b|\bdo\b|\belse\b")
_OPENERS = {"if": 1, "for": 1, "while": 1, "until": 1, "case": 1, "fi": -1, "done": -1, "esac": -1}


def _compound_delta(bare: str) -> int:
    """Net if/for/while/case openings minus closings among words in command position."""
    if _KEYWORDS.isdisjoint(bare.replace(";", " ").split()):
        return 0
    delta = 0
    for seg in _SEP_RE().split(bare):
        words = seg.split(None, 1)
        if words:
            delta += _OPENERS.get(words[0], 0)
    return delta


_TOKEN_RE = re.compile(
    r"""\\.|'[^']*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`|<<-?[ \t]*(['"]?)([A-Za-z_][\w-]*)\1|['"`#]"""
)
_CLOSERS = {
    "'": re.compile(r"[^']*'"),
    '"': re.compile(r'(?:\\.|[^"\\])*"'),
    "`": re.compile(r"(?:\\.|[^`\\])*`"),
}


def scan_shell(line: str, prev: ShellState | None = None) -> ShellState:
    """Quote/heredoc/compound state after `line`, given the state before it."""
    st = ShellState(
        open_quote=prev.open_quote if prev else "",
        heredocs=list(prev.heredocs) if prev else [],
        in_heredoc=prev.in_heredoc if prev else "",
        depth=prev.depth if prev else 0,
    )
    if st.in_heredoc:
        if line.strip() == st.in_heredoc:
            st.in_heredoc = st.heredocs.pop(0) if st.heredocs else ""
        st.continues = bool(st.in_heredoc or st.heredocs or st.depth > 0)
        return st
    pos = 0
    if st.open_quote:
        m = _CLOSERS[st.open_quote].match(line)
        if m is None:
            st.continues = True  # the quote is still open
            return st
        pos, st.open_quote = m.end(), ""
    parts: list[str] = []
    last: int | None = pos
    if _SPECIAL_RE.search(line, pos):
        for m in _TOKEN_RE.finditer(line, pos):
            tok = m.group(0)
            c = tok[0]
            if c == "\\":
                continue
            if c == "#":
                if m.start() == 0 or line[m.start() - 1] in " \t;&|(":
                    parts.append(line[last : m.start()])
                    last = None
                    break
                continue
            if c == "<":
                st.heredocs.append(m.group(2))
                continue
            parts.append(line[last : m.start()])
            if len(tok) == 1:  # a quote that does not close on this line
                st.open_quote = c
                last = None
                break
            parts.append(" ")
            last = m.end()
    if last is not None:
        parts.append(line[last:])
    bare = st.bare = "".join(parts).rstrip()
    quote = st.open_quote
    trailing = not quote and (
        (bare.endswith("\\") and not bare.endswith("\\\\")) or bare.endswith(("&&", "||", "|"))
    )
    if not quote and st.heredocs and not st.in_heredoc:
        st.in_heredoc = st.heredocs.pop(0)
    st.depth = max(0, st.depth + _compound_delta(bare))
    st.continues = bool(quote or trailing or st.in_heredoc or st.depth > 0)
    return st
