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

from detectors.jsglobals import script_urls
from detectors.snapshot import Page

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_SCRIPT_EXT = re.compile(r"\.m?js(?:$|[?#])", re.I)
_NOT_JS = re.compile(r"json|template|html|tmpl|mustache|handlebars|shader|importmap|markdown"
                     r"|speculationrules|text/x-(?!javascript)")  # fmt: skip
"""Script types that hold data or templates. Everything else runs as JavaScript sooner or
later: `module`, `text/psajs` (PageSpeed), `...-text/javascript` (Rocket Loader),
`text/plain` with a consent category (held back until consent), `text/partytown`."""
_SRC_ATTRIBUTES = ("src", "data-src", "data-rocket-src", "data-lazy-src", "data-cfsrc",
                   "pagespeed_orig_src", "data-pagespeed-orig-src")  # fmt: skip
"""Where a script's URL is: `src`, or the attribute a lazy loader, consent manager or
optimiser (WP Rocket, Cloudflare Rocket Loader, PageSpeed) moved it to until it runs."""
_HINTS = {"preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload"}
_CONDITIONAL = re.compile(r"<!--\[if[^\]]{0,40}\]>(.{0,20000}?)<!\[endif\]-->", re.S | re.I)
_CONDITIONAL_SRC = re.compile(r"""<script[^>]{0,200}?\ssrc\s*=\s*["']?([^"'\s>]+)""", re.I)
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
"""Browsers drop tabs and newlines anywhere in a URL (WHATWG URL parsing)."""


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

    __slots__ = ("__dict__", "hints", "inline_js", "inline_scripts", "meta", "root",
                 "script_srcs", "styles", "view")  # fmt: skip

    def __init__(self, view: View) -> None:
        self.view = view
        self.script_srcs: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_js: list[str] = []
        """The inline scripts that are JavaScript (not JSON, templates or data blocks)."""
        self.styles: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.hints: list[str] = []
        """URLs of resource hints (preconnect, dns-prefetch, preload): hosts the page will ask."""
        self.root = parse_html(view.html)
        if self.root is not None:
            self._walk()
        if "<!--[if" in view.html:
            self.script_srcs += _conditional_srcs(view.html, view.url)
        self.script_srcs += view.script_requests or [
            u for u in view.requests if _SCRIPT_EXT.search(u)
        ]

    def _walk(self) -> None:
        base = self.view.url
        for el in self.root.iter("script", "meta", "style", "link"):
            tag = el.tag
            if tag == "script":
                src = next((el.get(a) for a in _SRC_ATTRIBUTES if el.get(a)), None)
                if src:
                    self.script_srcs.append(_absolute(base, src))
                elif el.text:
                    self.inline_scripts.append(el.text)
                    if not _NOT_JS.search((el.get("type") or "").lower()):
                        self.inline_js.append(el.text)
            elif tag == "meta":
                name = el.get("name") or el.get("property") or el.get("http-equiv")
                content = el.get("content")
                if name and content is not None:
                    self.meta.setdefault(name.lower(), []).append(content)
            elif tag == "link":
                self._link(el, base)
            elif el.text:
                self.styles.append(el.text)

    def _link(self, el: Any, base: str) -> None:
        rels = set((el.get("rel") or "").lower().split())
        href = el.get("href")
        if not href or not rels & _HINTS:
            return
        url = _absolute(base, href)
        if "modulepreload" in rels or (el.get("as") or "").lower() == "script":
            self.script_srcs.append(url)
        self.hints.append(url)

    @cached_property
    def all_scripts(self) -> str:
        return "\n".join(self.inline_scripts)

    @cached_property
    def all_styles(self) -> str:
        return "\n".join(self.styles)

    @cached_property
    def inline_urls(self) -> list[str]:
        """URLs written in inline scripts: what the scripts will request once they run."""
        return script_urls(self.inline_js, self.view.url)

    @cached_property
    def title(self) -> str:
        el = self.root.find(".//title") if self.root is not None else None
        return (el.text or "") if el is not None else ""

    @cached_property
    def text(self) -> str:
        if self.root is None:
            return ""
        return " ".join(t.strip() for t in _VISIBLE_TEXT(self.root) if t.strip())


def _conditional_srcs(html: str, base: str) -> list[str]:
    """Script URLs inside IE conditional comments (`<!--[if lt IE 9]>...`): the site's own
    markup, served to every browser, though only old ones run it."""
    return [
        _absolute(base, src)
        for block in _CONDITIONAL.findall(html)
        for src in _CONDITIONAL_SRC.findall(block)
    ]


def _absolute(base: str, src: str) -> str:
    src = _URL_WHITESPACE.sub("", src.strip())
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
