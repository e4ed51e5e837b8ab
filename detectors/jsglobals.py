"""JS globals and script URLs that a page's inline scripts define, read without running them.

Signatures name JS globals (`window._taboola`, `_sf_async_config`, `OptanonWrapper`) that a
browser render reads from the live page, and script hosts that loader snippets inject
(`s.src = "//static.chartbeat.com/js/chartbeat.js"`). A static fetch sees many of them being
defined in the page's own inline scripts, so they are read here with a small scanner instead
of a JavaScript engine: strings and comments are skipped, and only what a script defines at
its top level (or on `window`) counts, because a `var` inside a function is not a global.
Values are kept only when they are literals (a string, a number, `true`/`false`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import re2

_QUIET = re2.Options()
_QUIET.log_errors = False
_QUIET.max_mem = 64 << 20

MAX_SCRIPT = 300_000
"""Longer inline scripts (bundles, data blobs) are not scanned for globals."""
MAX_URLS = 400
"""At most this many URLs are taken from one page's inline scripts."""
MIN_NAME = 3
"""Shorter top-level names (`s`, `ga`, `e`) are left out unless they start with `_` or `$`:
minified code defines them by the hundred, and signatures naming them want a real render."""

_TOKEN = re.compile(
    r"""[^"'`/]+|/(?![/*])"""
    r"""|(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)"""
    r"|(?P<com>//[^\n]*|/\*.*?(?:\*/|$))|.",
    re.S,
)
"""Runs of plain code, strings, comments, or one odd character (an unclosed quote)."""
_PATH = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_DEFINED = re.compile(
    r"\n[ \t]*(?:(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=(?!=)[ \t]*"
    r"|function\s+([A-Za-z_$][\w$]*)\s*\(|(" + _PATH + r")[ \t]*=(?![=>])[ \t]*)"
)
"""A statement that defines a global, in `top` (where `;`, `{` and `}` start lines). It
starts with a literal newline so the regex engine skips ahead to candidates quickly."""
_STATEMENT_ENDS = str.maketrans(";{}", "\n\n\n")
_ON_WINDOW = re.compile(
    r"(?:window|self|globalThis)(?:\.(" + _PATH + r")|\[\s*([\"'] *[\"'])\s*\])"
    r"\s*=(?![=>])\s*"
)
"""`window.name =` or `window["name"] =` (the name is read back from the blanked string)."""
_BRACE = re.compile(r"[{}]")
_WORD_BEFORE = re.compile(r"([A-Za-z_$][\w$]*)\s*$")
_BLOCK_HEADS = {"if", "for", "while", "switch", "catch", "with"}
LOOK_BACK = 2000
"""How far back a `{` looks for the `)` of `function (...)` or `if (...)`."""
_LITERAL = re.compile(r"-?\d+(?:\.\d+)?\b|true\b|false\b")
_URL = re.compile(r"""//[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,63}(?::\d+)?"""
                  r"""(?:[/?#][^\s'"`<>()\\]*)?""", re.I)  # fmt: skip
_SCHEME = re.compile(r"(https?:)$", re.I)
_LINK_KEY = re.compile(
    r"""(?:url|href|link|permalink|canonical|image|logo|website|sameAs|@id|thumbnail)"""
    r"""["']?\s*:\s*["']?(?:https?:)?$""",
    re.I,
)
"""A URL that is the value of a link field in a script's data (`"url": "https://..."`,
menus and page state of single-page apps) is a link, not something the script loads."""
_BARE_URL = re.compile(
    r"""["'](\.?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,63}/[^\s'"`<>()\\]*\.js)\b""", re.I
)
"""A script URL that a snippet glues to a scheme or a host prefix chosen at run time:
`"static.chartbeat.com/js/chartbeat.js"`, `('https://ssl' : 'http://www') + '.google-analytics.com/ga.js'`."""
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.")
_NOT_GLOBAL = {"this", "var", "let", "const", "return", "if", "else", "for", "while", "new",
               "window", "self", "globalThis", "document", "location"}  # fmt: skip


class _Script:
    """One inline script with its strings and comments blanked out (offsets kept)."""

    def __init__(self, text: str) -> None:
        self.strings: dict[int, str] = {}
        code: list[str] = []
        for m in _TOKEN.finditer(text):
            token = m.group(0)
            if m.lastgroup == "str":
                self.strings[m.start()] = token[1:-1]
                code.append(token[0] + " " * (len(token) - 2) + token[-1])
            elif m.lastgroup == "com":  # a comment ends where a statement can start
                code.append(_blank(token)[:-1] + "\n")
            else:
                code.append(token)
        self.code = "".join(code)
        """The script with string contents and comments blanked."""
        self.top = _outside_functions(self.code).translate(_STATEMENT_ENDS)
        """`code` with function bodies blanked: what runs when the script runs."""

    def value_at(self, pos: int) -> str | None:
        """The literal starting at `pos` in the script, or None when it is not a literal."""
        if pos in self.strings:
            return self.strings[pos]
        m = _LITERAL.match(self.code, pos)
        return m.group(0) if m else None


def _outside_functions(code: str) -> str:
    """Blank every function body: a `var` in a block (`if`, `try`) is still global, one in a
    function is not. Braces inside a function body are only counted, never classified."""
    parts: list[str] = []
    inside = 0
    """Brace depth within the outermost function body being skipped; 0 when outside."""
    last = 0
    for m in _BRACE.finditer(code):
        opening = m.group(0) == "{"
        if inside:
            inside += 1 if opening else -1
            if inside == 0:
                parts.append(_blank(code[last : m.start()]))
                last = m.start()
        elif opening and _opens_function(code, m.start()):
            parts.append(code[last : m.end()])
            last = m.end()
            inside = 1
    parts.append(_blank(code[last:]) if inside else code[last:])
    return "".join(parts)


def _opens_function(code: str, pos: int) -> bool:
    """Whether the `{` at `pos` opens a function body (not a block, object or class)."""
    before = code[max(0, pos - LOOK_BACK) : pos].rstrip()
    if before.endswith("=>"):
        return True
    if not before.endswith(")"):
        return False
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(before[i], 0)
        if depth == 0:
            word = _WORD_BEFORE.search(before[max(0, i - 40) : i])
            return not (word and word.group(1) in _BLOCK_HEADS)
    return True


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def static_globals(
    scripts: Iterable[str], wanted: Callable[[str], bool] | None = None
) -> dict[str, str | None]:
    """Dotted path -> literal value (or None) of every global the scripts define.

    `wanted` tells whether a script can define anything the caller looks for (a fast test
    for the names, see `candidates`); scripts it rejects are not scanned at all.
    """
    found: dict[str, str | None] = {}
    for text in scripts:
        if len(text) > MAX_SCRIPT or (wanted is not None and not wanted(text)):
            continue
        script = _Script(text)
        for m in _DEFINED.finditer("\n" + script.top):
            declared, function, assigned = m.groups()
            if function:
                _keep(found, function, None)
            elif declared or assigned.split(".", 1)[0] not in _NOT_GLOBAL:
                _keep(found, declared or assigned, script.value_at(m.end() - 1))
        for m in _ON_WINDOW.finditer(script.code):
            if m.start() == 0 or script.code[m.start() - 1] not in _NAME_CHARS:
                name = m.group(1) or script.strings.get(m.start(2), "")
                if _NAME.fullmatch(name):
                    _keep(found, name, script.value_at(m.end()))
    return found


def candidates(names: Iterable[str]) -> Callable[[str], bool]:
    """A linear-time test: does a script define one of these global names (dotted paths)
    the way `static_globals` reads definitions? Built once per signature set; a script that
    only calls or reads them (`jQuery(...)`, `ga('send')`) is not scanned."""
    heads = sorted({n.split(".", 1)[0] for n in names if _NAME.fullmatch(n.split(".", 1)[0])})
    if not heads:
        return lambda _text: False
    names_re = "(?:" + "|".join(re2.escape(h) for h in heads) + ")"
    test = re2.compile(
        r"(?:\b(?:var|let|const|function)\s+" + names_re + r"(?:[^\w$]|$))"
        r"|(?:\b(?:window|self|globalThis)(?:\.|\[\s*[\"'])" + names_re + r"(?:[^\w$]|$))"
        r"|(?:(?:^|[;{}\n])[ \t]*" + names_re + r"(?:\.[\w$]+)*[ \t]*=(?:[^=]|$))",
        _QUIET,
    )
    return lambda text: test.search(text) is not None


def _keep(found: dict[str, str | None], path: str, value: str | None) -> None:
    head = path.split(".", 1)[0]
    if len(head) < MIN_NAME and not head.startswith(("_", "$")):
        return
    parts = path.split(".")
    for i in range(1, len(parts)):
        found.setdefault(".".join(parts[:i]), None)
    if found.get(path) is None:
        found[path] = value


def script_urls(scripts: Iterable[str], base: str) -> list[str]:
    """Absolute URLs written in the scripts (JSON-escaped slashes undone), first seen first."""
    scheme = urlsplit(base).scheme or "https"
    seen: dict[str, None] = {}
    for raw in scripts:
        text = raw.replace("\\/", "/")
        urls = []
        for m in _URL.finditer(text):
            if _LINK_KEY.search(text, max(0, m.start() - 24), m.start()):
                continue
            given = _SCHEME.search(text, max(0, m.start() - 6), m.start())
            urls.append((given.group(1) if given else scheme + ":") + m.group(0))
        for m in _BARE_URL.finditer(text):
            bare = m.group(1)
            urls.append(bare if bare.startswith(".") else f"{scheme}://{bare}")
        for url in urls:
            seen.setdefault(url, None)
            if len(seen) >= MAX_URLS:
                return list(seen)
    return list(seen)
