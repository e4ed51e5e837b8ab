"""Recognise parked and for-sale domains, so a parking page never reads as a company's site.

Pure: looks at one page's URL and body. The markers live in `parked.json`: parking providers'
scripts and hosts, marketplace hosts, and for-sale phrases. A marker or a phrase counts only
on a page with little visible text (a real site may well link to a domain marketplace); a page
served by a marketplace host (where a parked domain redirects) is parked whatever it says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from detectors.snapshot import Page

DATA_FILE = Path(__file__).with_name("parked.json")
MAX_SCAN = 200_000
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]*>", re.I | re.S)


@dataclass(frozen=True, slots=True)
class _Markers:
    max_text: int
    providers: tuple[tuple[str, re.Pattern[str]], ...]
    hosts: dict[str, str]
    phrases: re.Pattern[str]


@cache
def _markers(path: Path = DATA_FILE) -> _Markers:
    raw = json.loads(path.read_text(encoding="utf-8"))
    providers = tuple((name, re.compile("|".join(patterns), re.I))
                      for name, patterns in raw["providers"].items())  # fmt: skip
    hosts = {host: name for name, names in raw["hosts"].items() for host in names}
    return _Markers(int(raw["max_text"]), providers, hosts,
                    re.compile("|".join(raw["phrases"]), re.I))  # fmt: skip


def visible_text_length(html: str) -> int:
    """Characters of text outside tags, scripts and styles (whitespace collapsed)."""
    return len(" ".join(_TAGS.sub(" ", html[:MAX_SCAN]).split()))


def parked(page: Page) -> str:
    """What parks this page ("Sedo parking page", "for sale at hugedomains.com"), or ""."""
    markers = _markers()
    host = (urlsplit(page.url).hostname or "").lower()
    for suffix, name in markers.hosts.items():
        if host == suffix or host.endswith("." + suffix):
            return f"for sale at {host} ({name})"
    body = page.body[:MAX_SCAN]
    if not body or visible_text_length(body) > markers.max_text:
        return ""
    for name, pattern in markers.providers:
        if pattern.search(body):
            return f"{name} parking page"
    phrase = markers.phrases.search(body)
    return f"for-sale page ({phrase.group(0)!r})" if phrase else ""
