"""One Wappalyzer pattern: its regular expression, its tags, and a bounded-time matcher.

Wappalyzer patterns are JavaScript regular expressions matched case-insensitively, followed by
tags such as `\\;version:\\1` and `\\;confidence:50`. They are translated to RE2 syntax and
run by RE2 (linear time). The few that RE2 cannot express (look-arounds, back-references) run
on the `regex` engine with a per-call timeout, and all of one page's fallback searches share a
budget (`fallback_budget`), so no pattern, nor any number of them, can stall a scan.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import re2
import regex

from detectors.exceptions import SignatureError
from detectors.owner import Owner

FALLBACK_TIMEOUT_S = 0.05
"""Longest one fallback (non-RE2) regex search may run on one subject before it gives up."""
FALLBACK_PAGE_BUDGET_S = 1.0
"""Longest all the fallback searches of one page (one `detect_site` call) may run together:
200 catastrophic look-around patterns at 50 ms each made one page take 28 s. Once it is spent,
the remaining fallback searches of that page are skipped (counted, never silently)."""
MAX_SUBJECT = 2_000_000
"""Subjects are cut to this many characters before a confirming search."""
MATCH_EXCERPT = 120

ANCHORED = re.compile(r"(?<![\\\[])\^|(?<!\\)\$")
"""A `^` or `$` outside a character class: the pattern is anchored to its subject."""
_JS_ESCAPES = set("dDwWsSbBnrtfv0123456789cxu")
_ESCAPE = re.compile(r"\\(.)", re.S)
_QUIET = re2.Options()
_QUIET.log_errors = False


def js_to_re2(source: str) -> str:
    """Translate a JavaScript regex source to RE2/Python syntax.

    In JavaScript an escaped letter with no meaning (`\\l`, `\\Z`) is that letter; in RE2 and
    Python it is an error or an anchor, so it is unescaped. `\\uXXXX` becomes `\\x{XXXX}`.
    """

    def fix(m: re.Match[str]) -> str:
        ch = m.group(1)
        if ch == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", source[m.end() : m.end() + 4]):
            return "\\x"  # completed by the brace rewrite below
        if ch == "k" and source[m.end() : m.end() + 1] == "<":
            return m.group(0)
        if ch.isalpha() and ch not in _JS_ESCAPES:
            return ch
        if ch == "/":
            return "/"
        return m.group(0)

    out = _ESCAPE.sub(fix, source)
    return re.sub(r"\\x([0-9a-fA-F]{4})", r"\\x{\1}", out)


@dataclass(slots=True)
class Pattern:
    """A compiled pattern of one technology, for one evidence field (and key)."""

    tech: str
    field: str
    source: str
    key: str = ""
    confidence: int = 100
    version: str = ""
    tenant: int = 0
    """Group naming the account in a vendor-hosted URL (`\\;tenant:\\1`), 0 for none."""
    regex_source: str = ""
    engine: str = "re2"
    _compiled: Any = dc_field(default=None, repr=False)
    _lines: Any = dc_field(default=None, repr=False)

    @property
    def is_presence(self) -> bool:
        """An empty pattern only asks that the key (header, cookie, global...) exists."""
        return self.regex_source == ""

    def search(self, subject: str) -> Any:
        """Return a match object (RE2 or regex) or None. Never runs unbounded."""
        if self.is_presence:
            return _EMPTY_MATCH
        subject = subject[:MAX_SUBJECT]
        if self.engine == "re2":
            return self._compiled.search(subject)
        return _bounded(self._compiled, subject)

    def search_lines(self, subject: str) -> Any:
        """Search a newline-joined list of subjects, `^` and `$` anchoring at each line."""
        if self.is_presence:
            return _EMPTY_MATCH
        if self._lines is None:
            if self.engine == "re2":
                self._lines = re2.compile("(?im)" + self.regex_source, _QUIET)
            else:
                self._lines = regex.compile(self.regex_source, regex.I | regex.M | regex.V0)
        subject = subject[:MAX_SUBJECT]
        if self.engine == "re2":
            return self._lines.search(subject)
        return _bounded(self._lines, subject)

    def confidence_for(self, match: Any, owner: Owner) -> int:
        """100 when the tenant group names the site itself (`acme` in `acme.zendesk.com`,
        found on acme.com), else the pattern's confidence."""
        if not self.tenant or match is None or match is _EMPTY_MATCH:
            return self.confidence
        groups = match.groups()
        value = groups[self.tenant - 1] if self.tenant <= len(groups) else None
        return 100 if value and owner.names(value) else self.confidence

    def resolve_version(self, match: Any) -> str:
        """Fill `\\1`-style references and `\\1?a:b` ternaries of the version tag."""
        if not self.version or match is None or match is _EMPTY_MATCH:
            return self.version if "\\" not in self.version else ""
        groups = [match.group(0), *match.groups()]

        def group(i: int) -> str:
            return (groups[i] or "") if i < len(groups) else ""

        def ternary(m: re.Match[str]) -> str:
            return m.group(2) if group(int(m.group(1))) else m.group(3)

        version = re.sub(r"\\(\d+)\?([^:]*):(.*)$", ternary, self.version)
        version = re.sub(r"\\(\d+)", lambda m: group(int(m.group(1))), version)
        return version.strip()[:40]


@dataclass(slots=True)
class FallbackBudget:
    """Seconds left for one page's fallback searches, and how many were skipped."""

    left: float = FALLBACK_PAGE_BUDGET_S
    skipped: int = 0


_BUDGET: ContextVar[FallbackBudget | None] = ContextVar("stackscout_fallback", default=None)


@contextmanager
def fallback_budget(seconds: float = FALLBACK_PAGE_BUDGET_S) -> Iterator[FallbackBudget]:
    """Fallback searches made inside the block share `seconds` (per context: thread-safe)."""
    budget = FallbackBudget(left=seconds)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _bounded(compiled: Any, subject: str) -> Any:
    """A `regex` search within FALLBACK_TIMEOUT_S and what is left of the page's budget."""
    budget = _BUDGET.get()
    timeout = FALLBACK_TIMEOUT_S if budget is None else min(FALLBACK_TIMEOUT_S, budget.left)
    if budget is not None and timeout <= 0:
        budget.skipped += 1
        return None
    started = time.perf_counter()
    try:
        return compiled.search(subject, timeout=timeout)
    except TimeoutError:
        return None
    finally:
        if budget is not None:
            budget.left -= time.perf_counter() - started


class _Empty:
    def group(self, _i: int = 0) -> str:
        return ""

    def groups(self) -> tuple[str, ...]:
        return ()


_EMPTY_MATCH = _Empty()


def parse(tech: str, field_name: str, raw: Any, key: str = "") -> Pattern:
    """Parse one raw pattern string with its tags and compile it. Raises SignatureError."""
    if not isinstance(raw, str):
        raise SignatureError(tech, f"{field_name}: pattern must be a string, got {raw!r}")
    body, *tags = raw.split("\\;")
    pattern = Pattern(tech=tech, field=field_name, source=raw, key=key)
    for tag in tags:
        name, _, value = tag.partition(":")
        if name == "confidence":
            try:
                pattern.confidence = max(0, min(100, int(value)))
            except ValueError as exc:
                raise SignatureError(tech, f"{field_name}: bad confidence {value!r}") from exc
        elif name == "version":
            pattern.version = value
        elif name == "tenant":
            pattern.tenant = _tenant_group(tech, field_name, value)
    pattern.regex_source = js_to_re2(body)
    if body:
        _compile(pattern)
    if pattern.tenant and (not body or pattern.tenant > pattern._compiled.groups):
        raise SignatureError(tech, f"{field_name}: tenant group {pattern.tenant} not in {body!r}")
    return pattern


def _tenant_group(tech: str, field_name: str, value: str) -> int:
    m = re.fullmatch(r"\\?(\d)", value)
    if m is None or m.group(1) == "0":
        raise SignatureError(tech, f"{field_name}: tenant tag must name a group, got {value!r}")
    return int(m.group(1))


def _compile(pattern: Pattern) -> None:
    try:
        pattern._compiled = re2.compile("(?i)" + pattern.regex_source, _QUIET)
        return
    except re2.error:
        pass
    try:
        pattern._compiled = regex.compile(pattern.regex_source, regex.IGNORECASE | regex.V0)
        pattern.engine = "regex"
    except regex.error as exc:
        raise SignatureError(
            pattern.tech, f"{pattern.field}: pattern {pattern.source!r} does not compile: {exc}"
        ) from exc


def excerpt(subject: str, match: Any) -> str:
    """The matched text, or a short window around it, for evidence."""
    if match is None or match is _EMPTY_MATCH:
        return subject[:MATCH_EXCERPT]
    text = str(match.group(0))
    if len(text) > MATCH_EXCERPT:
        return text[: MATCH_EXCERPT - 1] + "…"
    return text
