"""Turn a page into the subjects each evidence field is matched against.

One parse per page view: script URLs, inline scripts, meta tags, inline styles and, only when
a signature asks for it, the visible text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from detectors.snapshot import Page

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_SCRIPT_EXT = re.compile(r"\.m?js(?:$|[?#])", re.I)


def parse_html(markup: str) -> Any:
    """Parse HTML leniently; return the root element or None when there is nothing to parse."""
    markup = _XML_DECL.sub("", markup, count=1)
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


@dataclass(slots=True)
class View:
    """One view of a page: `static` (the HTTP response) or `render` (the live browser page)."""

    source: str
    url: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    js: dict[str, Any] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    script_requests: list[str] = field(default_factory=list)


class Features:
    """Lazily extracted subjects of one view."""

    __slots__ = ("__dict__", "inline_scripts", "meta", "root", "script_srcs", "styles", "view")

    def __init__(self, view: View) -> None:
        self.view = view
        self.script_srcs: list[str] = []
        self.inline_scripts: list[str] = []
        self.styles: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.root = parse_html(view.html)
        if self.root is not None:
            self._walk()
        self.script_srcs += view.script_requests or [
            u for u in view.requests if _SCRIPT_EXT.search(u)
        ]

    def _walk(self) -> None:
        base = self.view.url
        for el in self.root.iter("script", "meta", "style"):
            tag = el.tag
            if tag == "script":
                src = el.get("src")
                if src:
                    self.script_srcs.append(_absolute(base, src))
                elif el.text:
                    self.inline_scripts.append(el.text)
            elif tag == "meta":
                name = el.get("name") or el.get("property") or el.get("http-equiv")
                content = el.get("content")
                if name and content is not None:
                    self.meta.setdefault(name.lower(), []).append(content)
            elif el.text:
                self.styles.append(el.text)

    @cached_property
    def all_scripts(self) -> str:
        return "\n".join(self.inline_scripts)

    @cached_property
    def all_styles(self) -> str:
        return "\n".join(self.styles)

    @cached_property
    def text(self) -> str:
        if self.root is None:
            return ""
        return " ".join(t.strip() for t in _VISIBLE_TEXT(self.root) if t.strip())


def _absolute(base: str, src: str) -> str:
    src = src.strip()
    if src.startswith("//"):
        return "https:" + src if base.startswith("https") else "http:" + src
    try:
        return urljoin(base, src)
    except ValueError:
        return src


def views(page: Page) -> list[View]:
    """The static view of a page and, when it was rendered, the browser's view."""
    static = View(
        source="static",
        url=page.url,
        html=page.body,
        headers=page.headers,
        cookies=page.cookies,
        requests=[] if page.rendered else page.requests,
        script_requests=[] if page.rendered else page.script_requests,
    )
    if not page.rendered:
        return [static]
    render = View(
        source="render",
        url=page.url,
        html=page.rendered_dom,
        cookies=page.rendered_cookies,
        js=page.js,
        requests=page.requests,
        script_requests=page.script_requests,
    )
    return [static, render]
