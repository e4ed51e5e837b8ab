"""Pick the telling pages of a site from its home page links."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from crawler.domains import host_of, registered_domain

KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("pricing", re.compile(r"\b(pricing|plans|preise|tarifs)\b", re.I)),
    ("careers", re.compile(r"\b(careers?|jobs|join-us|work-with-us|karriere|vacancies)\b", re.I)),
    ("contact", re.compile(r"\b(contact|contact-us|kontakt|get-in-touch|demo)\b", re.I)),
    ("login", re.compile(r"\b(log-?in|sign-?in|signin|account|my-account)\b", re.I)),
    ("shop", re.compile(r"\b(shop|store|products|collections|catalog)\b", re.I)),
    ("blog", re.compile(r"\b(blog|news|insights|resources)\b", re.I)),
    ("about", re.compile(r"\b(about|about-us|company|team)\b", re.I)),
    ("docs", re.compile(r"\b(docs|documentation|developers?|help|support)\b", re.I)),
]
_SKIP = re.compile(r"\.(?:pdf|jpe?g|png|gif|svg|webp|zip|mp4|mp3|docx?|xlsx?)(?:$|\?)", re.I)


def telling_pages(home_url: str, hrefs: list[str], budget: int) -> list[tuple[str, str]]:
    """(kind, url) of at most `budget` pages, one per kind, on the site's registered domain."""
    if budget <= 0:
        return []
    domain = registered_domain(host_of(home_url))
    chosen: dict[str, str] = {}
    seen = {urldefrag(home_url)[0].rstrip("/")}
    for href in hrefs:
        url = _absolute(home_url, href)
        if not url or url.rstrip("/") in seen or _SKIP.search(url):
            continue
        if registered_domain(host_of(url)) != domain:
            continue
        path = urlsplit(url).path
        for kind, pattern in KINDS:
            if kind not in chosen and pattern.search(path):
                chosen[kind] = url
                seen.add(url.rstrip("/"))
                break
    order = [k for k, _ in KINDS]
    return sorted(chosen.items(), key=lambda kv: order.index(kv[0]))[:budget]


def _absolute(base: str, href: str) -> str:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return ""
    try:
        url = urldefrag(urljoin(base, href))[0]
    except ValueError:
        return ""
    return url if url.startswith(("http://", "https://")) else ""
