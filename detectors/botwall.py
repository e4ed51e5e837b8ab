"""Recognise bot walls and challenge pages, so a blocked site never reads as "no technology".

Pure: looks at one page's status, headers and body. Every page of a crawl goes through here,
so each wall is first looked for by a literal marker in the lowercased body (a C substring
search), and only a page holding one is searched with the wall's pattern: the seven
case-insensitive patterns over every page took ~12 % of a batch crawl's CPU.
"""

from __future__ import annotations

import re

from detectors.snapshot import Page

# (name, literal markers (lowercase) of which one must occur, pattern that confirms)
_WALLS: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    ("Cloudflare challenge", ("just a moment", "cf-browser-verification", "attention required"),
     re.compile(r"<title>\s*Just a moment\.\.\.|cf-browser-verification|Attention Required! \| Cloudflare",
                re.I)),
    # Akamai writes its reference number with entities: "Reference&#32;&#35;18&#46;4a2e...".
    ("Akamai bot manager", ("access denied", "/_sec/cp_challenge/"), re.compile(
        r"<title>\s*Access Denied\s*</title>.*Reference(?:\s|&#32;)*(?:#|&#35;)[0-9a-f]"
        r"|/_sec/cp_challenge/", re.I | re.S)),
    ("Imperva/Incapsula", ("incapsula",), re.compile(r"_Incapsula_Resource|Incapsula incident ID", re.I)),
    ("DataDome", ("captcha-delivery.com",),
     re.compile(r"geo\.captcha-delivery\.com|ct\.captcha-delivery\.com", re.I)),
    ("PerimeterX", ("px-captcha", "_pxcaptcha", "/px/client/main.min.js"),
     re.compile(r"px-captcha|_pxCaptcha|/px/client/main\.min\.js", re.I)),
    ("Sucuri firewall", ("sucuri website firewall",),
     re.compile(r"Sucuri WebSite Firewall - Access Denied", re.I)),
    ("AWS WAF", ("awswaf.com", "aws-waf-token"),
     re.compile(r"awswaf\.com/.{0,80}challenge|aws-waf-token", re.I)),
]  # fmt: skip
_ERROR_WALLS: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    # Normal Cloudflare pages load challenge-platform scripts too: only an error page counts.
    ("Cloudflare challenge", ("/cdn-cgi/challenge-platform/",),
     re.compile(r"/cdn-cgi/challenge-platform/", re.I)),
    ("Bot protection", ("captcha", "are you a robot", "unusual traffic"),
     re.compile(r"captcha|are you a robot|unusual traffic", re.I)),
]  # fmt: skip
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
    lowered = head.lower()
    walls = _WALLS + (_ERROR_WALLS if page.status in (403, 429, 503) else [])
    for name, markers, pattern in walls:
        if any(m in lowered for m in markers) and pattern.search(head):
            return name
    return ""
