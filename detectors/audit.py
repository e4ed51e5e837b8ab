"""Site-audit findings: the documented weaknesses ABM teams use as triggers.

A pure function of the snapshot, over what the crawl fetched anyway (the home page, its headers
and timing, robots.txt, DNS, the TLS certificate) plus two cheap probes the crawler makes for
it (`Site.probes`: does plain HTTP redirect to HTTPS, is there a `/sitemap.xml`). Every finding
has a stable snake_case id (see `docs/scan.schema.json`); `ok: false` is a weakness. A check
that had nothing to look at (DNS off, a probe that failed, no TLS) is left out rather than
reported as a weakness: unknown is not absent.

Findings only mean something for a good scan; callers audit `ok`/`partial` scans only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from detectors.extract import parse_html
from detectors.mailauth import SPF_LOOKUP_LIMIT, is_spf, parse_dmarc
from detectors.models import Finding
from detectors.snapshot import Page, Site

HSTS_MIN_AGE_S = 15_552_000
"""180 days: the shortest max-age the HSTS preload list accepts is a year; below six months
browsers forget the policy between visits of an occasional visitor."""
TTFB_GOOD_MS = 800
"""web.dev's "good" time to first byte."""
PAGE_WEIGHT_MAX_KB = 512
"""Decoded HTML of the home page alone (assets are not fetched); typical pages are far below."""
THIRD_PARTY_MAX = 25
"""Distinct third-party hosts the home page loads from before it counts as a heavy footprint."""
REDIRECTS_MAX = 2
TITLE_MAX = 70
CERT_MIN_DAYS = 14
_VERSIONED = re.compile(r"\d+\.\d+")
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
_RESOURCE_ATTRS = {"script": "src", "img": "src", "iframe": "src", "source": "src",
                   "video": "src", "audio": "src", "embed": "src", "object": "data"}  # fmt: skip


@dataclass(slots=True)
class _Markup:
    """What the audit reads from the home page's HTML, in one walk of the tree."""

    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    canonical: str | None = None
    h1: int = 0
    lang: str = ""
    resources: list[str] = field(default_factory=list)
    """Absolute URLs of sub-resources: scripts, stylesheets, images, frames, media."""


class _Home:
    """The home page with its parsed markup, and the site around it."""

    def __init__(self, site: Site, page: Page) -> None:
        self.site = site
        self.page = page
        self.headers = page.headers
        self.https = page.url.startswith("https://")

    @cached_property
    def markup(self) -> _Markup:
        return _read_markup(self.page)

    def header(self, name: str) -> str:
        return self.headers.get(name, "").strip()


def audit_site(site: Site) -> list[Finding]:
    """Every finding that can be judged from this snapshot, in a stable order."""
    page = next((p for p in site.pages if p.kind == "home"), None)
    if page is None or not page.body:
        return []
    home = _Home(site, page)
    return [f for check in CHECKS if (f := check(home)) is not None]


# -- security ------------------------------------------------------------------------------


def _https(h: _Home) -> Finding:
    detail = "the home page is served over HTTPS" if h.https else "the home page is plain HTTP"
    return Finding("https", "security", h.https, h.https, detail)


def _https_redirect(h: _Home) -> Finding | None:
    if not h.https:
        return Finding("https_redirect", "security", False, False,
                       "plain HTTP is not redirected to HTTPS (the site has no HTTPS home page)")  # fmt: skip
    if h.page.requested_url.startswith("http://"):
        return Finding("https_redirect", "security", True, True,
                       f"http:// redirects to {h.page.url}")  # fmt: skip
    probe = h.site.probe("http")
    if probe is None or probe.status is None:
        return None
    redirected = probe.final_url.startswith("https://")
    detail = (f"{probe.url} redirects to {probe.final_url}" if redirected
              else f"{probe.url} answers HTTP {probe.status} without redirecting to HTTPS")  # fmt: skip
    return Finding("https_redirect", "security", redirected, redirected, detail)


def _hsts(h: _Home) -> Finding:
    value = h.header("strict-transport-security")
    if not h.https or not value:
        why = "no HTTPS" if not h.https else "no Strict-Transport-Security header"
        return Finding("hsts", "security", False, None, f"{why}: browsers may be downgraded")
    m = re.search(r"max-age\s*=\s*\"?(\d+)", value, re.I)
    age = int(m.group(1)) if m else 0
    ok = age >= HSTS_MIN_AGE_S
    return Finding("hsts", "security", ok, age,
                   f"HSTS max-age {age} s" + ("" if ok else f" (under {HSTS_MIN_AGE_S} s)"))  # fmt: skip


def _csp(h: _Home) -> Finding:
    enforced = bool(h.header("content-security-policy")) or (
        "content-security-policy" in h.markup.meta
    )
    report_only = bool(h.header("content-security-policy-report-only"))
    detail = ("a Content-Security-Policy is enforced" if enforced
              else "Content-Security-Policy in report-only mode" if report_only
              else "no Content-Security-Policy")  # fmt: skip
    return Finding("csp", "security", enforced, enforced, detail)


def _x_frame_options(h: _Home) -> Finding:
    value = h.header("x-frame-options")
    if not value and "frame-ancestors" in h.header("content-security-policy").lower():
        value = "CSP frame-ancestors"
    detail = f"framing restricted ({value})" if value else "any site may frame the page"
    return Finding("x_frame_options", "security", bool(value), value or None, detail)


def _x_content_type_options(h: _Home) -> Finding:
    value = h.header("x-content-type-options")
    ok = value.lower() == "nosniff"
    detail = "X-Content-Type-Options: nosniff" if ok else "MIME sniffing not disabled"
    return Finding("x_content_type_options", "security", ok, value or None, detail)


def _referrer_policy(h: _Home) -> Finding:
    value = h.header("referrer-policy") or h.markup.meta.get("referrer", "")
    detail = f"Referrer-Policy {value}" if value else "no Referrer-Policy"
    return Finding("referrer_policy", "security", bool(value), value or None, detail)


def _mixed_content(h: _Home) -> Finding | None:
    if not h.https:
        return None
    insecure = [u for u in h.markup.resources if u.startswith("http://")]
    detail = (f"{len(insecure)} sub-resources over plain HTTP, e.g. {insecure[0]}" if insecure
              else "no sub-resource over plain HTTP")  # fmt: skip
    return Finding("mixed_content", "security", not insecure, len(insecure), detail)


def _server_banner(h: _Home) -> Finding:
    banners = [b for b in (h.header("server"), h.header("x-powered-by")) if b]
    versioned = [b for b in banners if _VERSIONED.search(b)]
    value = "; ".join(versioned or banners) or None
    detail = (f"software versions disclosed: {value}" if versioned
              else "no software version in Server/X-Powered-By")  # fmt: skip
    return Finding("server_banner", "security", not versioned, value, detail)


def _cert_expiry(h: _Home) -> Finding | None:
    tls = h.site.tls
    if tls is None or not tls.not_after or not h.page.fetched_at:
        return None
    try:
        expires = datetime.fromisoformat(tls.not_after)
    except ValueError:
        return None
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    days = int((expires.timestamp() - h.page.fetched_at) // 86400)
    ok = days >= CERT_MIN_DAYS
    return Finding("cert_expiry_days", "security", ok, days,
                   f"the certificate of {tls.host or h.site.domain} expires in {days} days")  # fmt: skip


def _dns_known(h: _Home, rtype: str, name: str) -> bool:
    return h.site.dns_status in ("ok", "partial") and not h.site.dns_failed(rtype, name)


def _spf(h: _Home) -> Finding | None:
    site = h.site
    if not _dns_known(h, "TXT", site.domain):
        return None
    records = [r for r in site.records("TXT") if is_spf(r.value)]
    problems = [e.reason for e in site.dns_errors if e.type == "SPF"]
    if len(records) > 1:
        problems.insert(0, f"{len(records)} SPF records (only one is allowed)")
    if site.spf_lookups > SPF_LOOKUP_LIMIT and not problems:
        problems.append(f"{site.spf_lookups} DNS lookups (limit {SPF_LOOKUP_LIMIT})")
    if not records:
        return Finding("spf", "security", False, None, f"no SPF record at {site.domain}")
    detail = "; ".join(problems) if problems else f"SPF with {site.spf_lookups} DNS lookups"
    return Finding("spf", "security", not problems, site.spf_lookups, detail)


def _dmarc(h: _Home) -> Finding | None:
    name = f"_dmarc.{h.site.domain}"
    if not _dns_known(h, "TXT", name):
        return None
    policies = [d for v in h.site.txt_at(name) if (d := parse_dmarc(v))]
    if not policies:
        return Finding("dmarc", "security", False, None, f"no DMARC record at {name}")
    policy = policies[0].policy or "missing"
    ok = policy in ("quarantine", "reject")
    pct = f" on {policies[0].percent}% of mail" if policies[0].percent != 100 else ""
    return Finding("dmarc", "security", ok, policy, f"DMARC policy p={policy}{pct}")


# -- seo -----------------------------------------------------------------------------------


def _title(h: _Home) -> Finding:
    title = h.markup.title
    if not title:
        return Finding("title", "seo", False, None, "no <title>")
    ok = len(title) <= TITLE_MAX
    detail = f"title of {len(title)} characters" + ("" if ok else f" (over {TITLE_MAX})")
    return Finding("title", "seo", ok, title[:200], detail)


def _meta_description(h: _Home) -> Finding:
    text = h.markup.meta.get("description", "").strip()
    detail = f"meta description of {len(text)} characters" if text else "no meta description"
    return Finding("meta_description", "seo", bool(text), len(text) if text else None, detail)


def _canonical(h: _Home) -> Finding:
    href = h.markup.canonical
    detail = f"canonical URL {href}" if href else "no canonical link"
    return Finding("canonical", "seo", bool(href), href, detail)


def _noindex(h: _Home) -> Finding:
    sources = [h.markup.meta.get("robots", ""), h.markup.meta.get("googlebot", ""),
               h.header("x-robots-tag")]  # fmt: skip
    noindex = any("noindex" in s.lower() or s.lower().strip() == "none" for s in sources)
    detail = "the home page asks search engines not to index it" if noindex else "indexable"
    return Finding("robots_meta_noindex", "seo", not noindex, noindex, detail)


def _h1(h: _Home) -> Finding:
    n = h.markup.h1
    return Finding("h1", "seo", n >= 1, n, f"{n} <h1> heading(s)")


def _viewport(h: _Home) -> Finding:
    value = h.markup.meta.get("viewport", "")
    detail = "mobile viewport declared" if value else "no viewport meta tag (not mobile-friendly)"
    return Finding("viewport", "seo", bool(value), value or None, detail)


def _lang(h: _Home) -> Finding:
    lang = h.markup.lang
    detail = f"language declared: {lang}" if lang else "no lang attribute on <html>"
    return Finding("lang", "seo", bool(lang), lang or None, detail)


def _sitemap(h: _Home) -> Finding | None:
    listed = _SITEMAP_LINE.findall(h.site.robots_txt or "")
    if listed:
        return Finding("sitemap", "seo", True, listed[0],
                       f"robots.txt lists {len(listed)} sitemap(s)")  # fmt: skip
    probe = h.site.probe("sitemap")
    if probe is None or probe.status is None:
        return None
    found = probe.status == 200
    detail = (f"{probe.url} exists" if found
              else f"no sitemap in robots.txt and {probe.url} answered HTTP {probe.status}")  # fmt: skip
    return Finding("sitemap", "seo", found, probe.url if found else None, detail)


def _robots_txt(h: _Home) -> Finding:
    present = h.site.robots_txt is not None
    return Finding("robots_txt", "seo", present, present,
                   "robots.txt present" if present else "no robots.txt")  # fmt: skip


# -- performance ---------------------------------------------------------------------------


def _ttfb(h: _Home) -> Finding | None:
    ms = h.page.ttfb_ms
    if ms is None:
        return None
    ok = ms <= TTFB_GOOD_MS
    return Finding("ttfb_ms", "performance", ok, ms,
                   f"first byte after {ms:g} ms" + ("" if ok else f" (over {TTFB_GOOD_MS} ms)"))  # fmt: skip


def _page_weight(h: _Home) -> Finding:
    kb = round(h.page.size / 1024, 1)
    ok = kb <= PAGE_WEIGHT_MAX_KB
    more = " (cut at the download limit)" if h.page.truncated else ""
    return Finding("page_weight_kb", "performance", ok, kb, f"home page HTML {kb} KB{more}")


def _redirects(h: _Home) -> Finding:
    n = len(h.page.redirects)
    detail = f"{n} redirect(s) before the home page" + (
        f": {' -> '.join(h.page.redirects)}" if n else ""
    )
    return Finding("redirects", "performance", n <= REDIRECTS_MAX, n, detail)


# -- privacy -------------------------------------------------------------------------------


def _third_party_hosts(h: _Home) -> Finding:
    hosts = sorted(third_party_hosts(h))
    ok = len(hosts) <= THIRD_PARTY_MAX
    shown = ", ".join(hosts[:5]) + (", ..." if len(hosts) > 5 else "")
    detail = f"{len(hosts)} third-party hosts" + (f": {shown}" if hosts else "")
    return Finding("third_party_hosts", "privacy", ok, len(hosts), detail)


def third_party_hosts(h: _Home) -> set[str]:
    """Hosts of the home page's sub-resources (and recorded requests) outside the site."""
    own = {h.site.domain, _strip_www(urlsplit(h.page.url).hostname or "")} - {""}
    hosts = set()
    for url in [*h.markup.resources, *h.page.requests]:
        host = (urlsplit(url).hostname or "").lower()
        if host and not any(host == d or host.endswith("." + d) for d in own):
            hosts.add(host)
    return hosts


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


CHECKS: tuple[Callable[[_Home], Finding | None], ...] = (
    _https, _https_redirect, _hsts, _csp, _x_frame_options, _x_content_type_options,
    _referrer_policy, _mixed_content, _server_banner, _cert_expiry, _spf, _dmarc,
    _title, _meta_description, _canonical, _noindex, _h1, _viewport, _lang, _sitemap,
    _robots_txt, _ttfb, _page_weight, _redirects, _third_party_hosts,
)  # fmt: skip


# -- markup --------------------------------------------------------------------------------


def _read_markup(page: Page) -> _Markup:
    out = _Markup()
    root = parse_html(page.body)
    if root is None:
        return out
    out.lang = (root.get("lang") or "").strip()
    for el in root.iter("title", "meta", "link", "h1", *_RESOURCE_ATTRS):
        _read_element(el, page.url, out)
    return out


def _read_element(el: Any, base: str, out: _Markup) -> None:
    tag = el.tag
    if tag == "title":
        if out.title is None:  # the document's, not an inline SVG's
            out.title = " ".join((el.text_content() or "").split())
    elif tag == "meta":
        name = (el.get("name") or el.get("http-equiv") or "").lower()
        if name and name not in out.meta:
            out.meta[name] = el.get("content") or ""
    elif tag == "link":
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rel and href and out.canonical is None:
            out.canonical = _absolute(base, href)
        elif href and {"stylesheet", "preload", "modulepreload", "icon"} & set(rel):
            out.resources.append(_absolute(base, href))
    elif tag == "h1":
        out.h1 += 1
    else:
        src = (el.get(_RESOURCE_ATTRS[tag]) or "").strip()
        if src and not src.startswith(("data:", "javascript:", "about:", "blob:")):
            out.resources.append(_absolute(base, src))


def _absolute(base: str, url: str) -> str:
    try:
        return urljoin(base, url)
    except ValueError:
        return url
