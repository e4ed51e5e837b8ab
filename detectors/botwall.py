"""Recognise bot walls and challenge pages, so a blocked site never reads as "no technology".

Pure: looks at one page's status, headers and body.
"""

from __future__ import annotations

import re

from detectors.snapshot import Page

_WALLS: list[tuple[str, re.Pattern[str]]] = [
    ("Cloudflare challenge", re.compile(
        r"<title>\s*Just a moment\.\.\.|cf-browser-verification|Attention Required! \| Cloudflare",
        re.I)),
    # Akamai writes its reference number with entities: "Reference&#32;&#35;18&#46;4a2e...".
    ("Akamai bot manager", re.compile(
        r"<title>\s*Access Denied\s*</title>.*Reference(?:\s|&#32;)*(?:#|&#35;)[0-9a-f]"
        r"|/_sec/cp_challenge/", re.I | re.S)),
    ("Imperva/Incapsula", re.compile(r"_Incapsula_Resource|Incapsula incident ID", re.I)),
    ("DataDome", re.compile(r"geo\.captcha-delivery\.com|ct\.captcha-delivery\.com", re.I)),
    ("PerimeterX", re.compile(r"px-captcha|_pxCaptcha|/px/client/main\.min\.js", re.I)),
    ("Sucuri firewall", re.compile(r"Sucuri WebSite Firewall - Access Denied", re.I)),
    ("AWS WAF", re.compile(r"awswaf\.com/.{0,80}challenge|aws-waf-token", re.I)),
]  # fmt: skip
_ERROR_WALLS: list[tuple[str, re.Pattern[str]]] = [
    # Normal Cloudflare pages load challenge-platform scripts too: only an error page counts.
    ("Cloudflare challenge", re.compile(r"/cdn-cgi/challenge-platform/", re.I)),
    ("Bot protection", re.compile(r"captcha|are you a robot|unusual traffic", re.I)),
]
_HEADER_WALLS = {
    "cf-mitigated": ("Cloudflare challenge", "challenge"),
    "x-datadome": ("DataDome", ""),
    "x-sucuri-block": ("Sucuri firewall", ""),
}
MAX_SCAN = 200_000


def bot_wall(page: Page) -> str:
    """The name of the bot wall this page is, or "" when it looks like a real page."""
    for header, (name, value) in _HEADER_WALLS.items():
        if header in page.headers and value in page.headers[header].lower():
            return name
    if page.status not in (200, 202, 403, 405, 429, 503):
        return ""
    head = page.body[:MAX_SCAN]
    walls = _WALLS + (_ERROR_WALLS if page.status in (403, 429, 503) else [])
    for name, pattern in walls:
        if pattern.search(head):
            return name
    return ""
