"""`dom` rules: CSS selectors evaluated only when the page can contain what they select.

Evaluating 1,500 selectors on every page would cost more than everything else together, so
each selector is reduced to the literal it cannot match without (an id, a class, an attribute
value or a custom tag name); one prefilter scan of the page finds which literals occur, and
only those selectors run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import re2

from detectors.patterns import ANCHORED, Pattern, excerpt
from detectors.prefilter import Prefilter
from detectors.signatures import DomRule

_ATTRIBUTE = re.compile(
    r"""\[\s*([\w:\\-]+)\s*(?:[~|^$*]?=\s*(?:'([^']*)'|"([^"]*)"|([^\]\s]*)))?\s*[is]?\s*\]"""
)
_NAME = re.compile(r"(?:#|\.)([\w-]+)|(?:^|[\s>+~(])([a-z]+-[\w-]+)", re.I)
_COMMON_ATTRIBUTES = {"class", "id", "href", "src", "rel", "type", "name", "content", "property",
                      "value", "action", "style", "title", "lang", "http-equiv", "charset"}  # fmt: skip
MAX_ELEMENTS = 200
"""Elements of one selector examined for text and attribute patterns."""
MIN_LITERAL = 3


def split_selector(selector: str) -> list[str]:
    """Split a selector group on commas outside brackets, parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(selector):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(selector[start:i])
            start = i + 1
    parts.append(selector[start:])
    return [p.strip() for p in parts if p.strip()]


def literals_of(alternative: str) -> set[str]:
    """Literals a match of this (comma-free) selector must contain: ids, classes, values and
    uncommon attribute names."""
    found: list[str] = []
    for m in _ATTRIBUTE.finditer(alternative):
        name, value = m.group(1).replace("\\", ""), m.group(2) or m.group(3) or m.group(4)
        if name.lower() not in _COMMON_ATTRIBUTES:
            found.append(name)
        if value:
            found.append(value)
    rest = _ATTRIBUTE.sub(" ", alternative)
    found += [m.group(1) or m.group(2) for m in _NAME.finditer(rest)]
    return {f for f in found if len(f) >= MIN_LITERAL}


class DomMatcher:
    def __init__(self, rules: Sequence[DomRule]) -> None:
        self.rules = list(rules)
        literal_ids: dict[str, int] = {}
        self._always: set[int] = set()
        self._alt_rule: list[int] = []
        self._alt_size: list[int] = []
        self._by_literal: list[list[int]] = []
        value_sources: list[str] = []
        self._value_owner: list[int] = []
        self._needs_value: list[bool] = []
        for index, rule in enumerate(self.rules):
            for alternative in split_selector(rule.selector):
                lits = literals_of(alternative)
                if not lits:
                    self._always.add(index)
                    continue
                alt = len(self._alt_rule)
                self._alt_rule.append(index)
                self._alt_size.append(len(lits))
                for lit in lits:
                    lid = literal_ids.setdefault(lit, len(literal_ids))
                    if lid == len(self._by_literal):
                        self._by_literal.append([])
                    self._by_literal[lid].append(alt)
            checks = [p for p in [rule.text, *rule.attributes.values()] if p]
            # An anchored value (`^...`) is anchored to the attribute, not the page: no prefilter.
            unfilterable = any(p.is_presence or ANCHORED.search(p.regex_source) for p in checks)
            self._needs_value.append(not rule.exists and not unfilterable)
            for p in checks:
                if not p.is_presence:
                    value_sources.append(p.regex_source)
                    self._value_owner.append(index)
        self._literals = Prefilter([re2.escape(x) for x in literal_ids])
        self._values = Prefilter(value_sources)

    def candidates(self, html: str) -> list[DomRule]:
        """Rules one of whose alternatives has all its literals in `html`."""
        seen: dict[int, int] = {}
        for lid in set(self._literals.scan(html)):
            for alt in self._by_literal[lid]:
                seen[alt] = seen.get(alt, 0) + 1
        hits = {self._alt_rule[a] for a, n in seen.items() if n == self._alt_size[a]}
        hits |= self._always
        valued = {self._value_owner[i] for i in self._values.scan(html)}
        return [self.rules[i] for i in sorted(hits) if not self._needs_value[i] or i in valued]

    def match(self, root: Any, html: str) -> Iterator[tuple[DomRule, Pattern | None, str, str]]:
        """Yield (rule, pattern or None for `exists`, key, matched text) for every hit."""
        if root is None:
            return
        selected: dict[str, list[Any]] = {}  # many rules share a selector: meta[name=generator]
        for rule in self.candidates(html):
            elements = selected.get(rule.selector)
            if elements is None:
                try:
                    elements = rule.xpath(root)
                except Exception:
                    elements = []
                selected[rule.selector] = elements
            if not elements:
                continue
            if rule.exists:
                yield rule, None, rule.selector, _describe(elements[0])
            yield from _element_hits(rule, elements[:MAX_ELEMENTS])


def _element_hits(
    rule: DomRule, elements: list[Any]
) -> Iterator[tuple[DomRule, Pattern | None, str, str]]:
    if rule.text is not None:
        for el in elements:
            text = el.text_content() if hasattr(el, "text_content") else ""
            m = rule.text.search(text)
            if m is not None:
                yield rule, rule.text, rule.selector, excerpt(text, m)
                break
    for attr, pattern in rule.attributes.items():
        for el in elements:
            value = el.get(attr)
            if value is None:
                continue
            m = pattern.search(value)
            if m is not None:
                yield rule, pattern, f"{rule.selector} @{attr}", excerpt(value, m)
                break


def _describe(el: Any) -> str:
    attrs = " ".join(f'{k}="{v[:40]}"' for k, v in list(el.attrib.items())[:3])
    return f"<{el.tag}{' ' + attrs if attrs else ''}>"
