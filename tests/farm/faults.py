"""Fault behaviours of real crawls that :mod:`tests.farm.server` does not play itself.

Registered with :func:`tests.farm.server.register_behaviour` on import, so
``behaviour("gzip_bomb")`` works once this module is loaded (:mod:`tests.farm.faultmatrix`
imports it). Each is a page factory, used for one path or a whole host (``every_path``):

* ``company_page`` a small, well-formed company home page (WordPress, jQuery, Google Analytics)
  for faults that end in a good scan (transient errors, slow sites, redirects);
* ``endless_drip`` a body that never ends, a few bytes at a time (no Content-Length);
* ``gzip_bomb`` a small gzip body that inflates to hundreds of MiB;
* ``akamai_challenge``, ``incapsula_challenge`` bot-manager challenge pages;
* ``parked`` registrar and marketplace parking pages ("this domain may be for sale");
* ``malformed_html`` broken markup (unclosed and misnested tags, NUL bytes, junk) around
  the same technology evidence as ``company_page``;
* ``missing_charset`` windows-1252 bytes with no charset in the header or the page;
* ``redirect_loop``, ``redirect_chain`` redirects that never end, or end after many hops;
* ``flaky`` a fault for the first N requests of each path, then the real page (transient
  5xx, 429 with a short Retry-After, resets).
"""

from __future__ import annotations

import functools
import zlib
from collections import Counter
from collections.abc import AsyncIterator

from tests.farm.server import (
    DEFAULT_CONTENT_TYPE,
    Page,
    Request,
    Response,
    behaviour,
    register_behaviour,
)

COMPANY_TECHNOLOGIES = ("WordPress", "jQuery", "Google Analytics")
"""What the detectors find on ``company_page`` (and on ``malformed_html``)."""

_COMPANY_HEAD = (
    '<meta name="generator" content="WordPress 6.4.2">'
    "<link rel='stylesheet' href='/wp-content/themes/north/style.css?ver=2.1'>"
    "<script src='/wp-includes/js/jquery/jquery.min.js?ver=3.7.1'></script>"
    '<script async src="https://www.googletagmanager.com/gtag/js?id=G-F4ULT5TEST"></script>'
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-F4ULT5TEST');</script>"
)


@register_behaviour("company_page")
def company_page(name: str = "Northwind Fault Co", status: int = 200) -> Response:
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{name}</title>'
        f'{_COMPANY_HEAD}</head><body><header><nav><a href="/">Home</a> '
        '<a href="/pricing">Pricing</a> <a href="/about">About us</a> '
        f'<a href="/contact">Contact</a></nav></header><main><h1>{name}</h1>'
        "<p>Industrial sensors and the software that reads them, for plants that cannot stop."
        "</p><p>Trusted by 400 manufacturers in 30 countries since 2009.</p></main></body></html>"
    )
    return Response(status, [("Content-Type", DEFAULT_CONTENT_TYPE)], html)


@register_behaviour("endless_drip")
def endless_drip(chunk: int = 64, interval: float = 0.25) -> Response:
    """A 200 whose body never ends: ``chunk`` bytes every ``interval`` seconds, chunked."""
    piece = (b"<p>" + b"still loading " * (chunk // 14 + 1))[:chunk]

    async def stream(_request: Request) -> AsyncIterator[bytes]:
        import asyncio

        yield b"<!DOCTYPE html><html><head><title>Loading</title></head><body>"
        while True:
            await asyncio.sleep(interval)
            yield piece

    return Response(200, [("Content-Type", DEFAULT_CONTENT_TYPE)], stream=stream, length=None)


@functools.cache
def _bomb(mb: int) -> bytes:
    """``mb`` MiB of zeros (inside an HTML comment), gzipped: about 1/1000 of the size."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip container
    parts = [packer.compress(b"<!DOCTYPE html><html><head><title>Home</title></head><body><!--")]
    block = b"\0" * (1024 * 1024)
    parts += [packer.compress(block) for _ in range(mb)]
    parts.append(packer.compress(b"--></body></html>"))
    parts.append(packer.flush())
    return b"".join(parts)


@register_behaviour("gzip_bomb")
def gzip_bomb(mb: int = 256) -> Response:
    """``Content-Encoding: gzip`` that inflates to ``mb`` MiB (sent whatever the client
    accepts, as a hostile server does)."""
    headers = [("Content-Type", DEFAULT_CONTENT_TYPE), ("Content-Encoding", "gzip")]
    return Response(200, headers, lambda _request: _bomb(mb), gzip=False)


@register_behaviour("akamai_challenge")
def akamai_challenge() -> Response:
    """Akamai Bot Manager's "Access Denied" page (403, with its reference number)."""
    html = (
        "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n\n"
        'You don\'t have permission to access "http&#58;&#47;&#47;{{host}}&#47;" on this server.'
        "<P>\nReference&#32;&#35;18&#46;4a2e1002&#46;1700000000&#46;2f3b9c1\n<P>"
        "https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;4a2e1002\n</BODY>\n</HTML>\n"
    )
    headers = [("Content-Type", "text/html"), ("Server", "AkamaiGHost"),
               ("Mime-Version", "1.0"), ("Cache-Control", "max-age=0")]  # fmt: skip
    return Response(403, headers, html)


@register_behaviour("incapsula_challenge")
def incapsula_challenge() -> Response:
    """Imperva/Incapsula's interstitial: a 200 page that only loads its challenge script."""
    html = (
        '<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW">'
        '<meta name="format-detection" content="telephone=no"><meta name="viewport" '
        'content="initial-scale=1.0"><meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">'
        '</head><body style="margin:0px;height:100%"><iframe id="main-iframe" '
        'src="/_Incapsula_Resource?CWUDNSAI=24&xinfo=7-12345678-0%200NNN%20RT%281700000000%20'
        "12%29%20q%280%20-1%20-1%20-1%29&incident_id=1234000560012345678-123456789012345678&"
        'edet=12&cinfo=ffffffff&rpinfo=0&mth=GET" frameborder=0 width="100%" height="100%" '
        'marginheight="0px" marginwidth="0px">Request unsuccessful. Incapsula incident ID: '
        "1234000560012345678-123456789012345678</iframe></body></html>"
    )
    headers = [("Content-Type", "text/html"), ("X-CDN", "Imperva"),
               ("Set-Cookie", "visid_incap_2345678=Zm9vYmFyYmF6; path=/; HttpOnly"),
               ("Set-Cookie", "incap_ses_1234_2345678=cXV1eA==; path=/")]  # fmt: skip
    return Response(200, headers, html)


_PARKED = {
    # Sedo's parking lander: the page is a shell for its script.
    "sedo": (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{host}}</title>'
        '<script src="https://img.sedoparking.com/js/jquery.min.js"></script></head><body>'
        '<div id="sedo-parking"><h1>{{host}}</h1><p>This domain may be for sale!</p>'
        '<a href="https://sedo.com/search/details/?domain={{host}}">Buy this domain</a></div>'
        "<p>Related searches: Business Software, Cloud Hosting, Accounting</p>"
        "<script>window.park = 'c2VkbyBwYXJraW5n';</script></body></html>"
    ),
    # GoDaddy's "parked free" page.
    "godaddy": (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{host}}</title>'
        '<link rel="stylesheet" href="https://img1.wsimg.com/parking-lander/static/css/main.css">'
        '</head><body><div id="root"><h1>{{host}}</h1><p>This Web page is parked for FREE, '
        "courtesy of GoDaddy.com.</p><p>Get This Domain</p></div>"
        '<script src="https://img1.wsimg.com/parking-lander/static/js/main.js"></script>'
        "</body></html>"
    ),
    # A marketplace's listing, where parked domains redirect.
    "marketplace": (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{host}} is for sale | '
        "HugeDomains</title></head><body><h1>The domain name is for sale</h1><p>Make this domain "
        "yours today. Buy now for $2,995 or pay $124.79 per month for 24 months.</p><p>Secure "
        "checkout, free ownership transfer.</p></body></html>"
    ),
}


@register_behaviour("parked")
def parked(style: str = "sedo") -> Response:
    return Response(200, [("Content-Type", DEFAULT_CONTENT_TYPE)], _PARKED[style])


@register_behaviour("malformed_html")
def malformed_html() -> Response:
    """Markup a browser still renders: unclosed and misnested tags, stray ``<``, NUL bytes,
    unquoted and broken attributes, no ``</head>`` and an unterminated comment at the end."""
    html = (
        "<html><head><title>Broken & Sons</title>\0\0<meta charset=utf-8 <link rel=icon>"
        + _COMPANY_HEAD.replace("'", "")
        + "<body><div><p>Welcome <b><i>to Broken</b></i> & Sons<table><tr><td>cell<div></td>"
        "</table><<<>>><p class=\"unterminated><a href='/pricing>Pricing</a>"
        "<a href=/about>About</p></span></div></div></div>\0<script>var x = '</div>';"
        "</script><img src=x onerror=><!-- left open"
    )  # fmt: skip
    return Response(200, [("Content-Type", "text/html")], html.encode("utf-8"))


@register_behaviour("missing_charset")
def missing_charset() -> Response:
    """windows-1252 bytes, no charset in the Content-Type and no meta tag."""
    html = (
        f"<!DOCTYPE html><html><head><title>Café Müller</title>{_COMPANY_HEAD}</head><body>"
        "<h1>Willkommen bei Café Müller</h1><p>Öffnungszeiten: täglich 8 bis 18 Uhr. Preise "
        "ab 3,50 €.</p></body></html>"
    )
    return Response(200, [("Content-Type", "text/html")], html.encode("windows-1252"))


@register_behaviour("redirect_loop")
def redirect_loop(hops: int = 3) -> Page:
    """``/`` -> ``/loop/1`` -> ... -> ``/loop/<hops-1>`` -> ``/`` (302s, forever)."""

    def loop(request: Request) -> Response:
        step = int(request.path.rsplit("/", 1)[-1]) if request.path.startswith("/loop/") else 0
        nxt = (step + 1) % hops
        return Response(302, [("Location", f"/loop/{nxt}" if nxt else "/")])

    return loop


@register_behaviour("redirect_chain")
def redirect_chain(hops: int = 4, final: Page | None = None) -> Page:
    """``/`` -> ``/hop/1`` -> ... -> ``/hop/<hops>``, which answers ``final``."""
    end = final if final is not None else company_page()

    def chain(request: Request) -> Response:
        step = int(request.path.rsplit("/", 1)[-1]) if request.path.startswith("/hop/") else 0
        if step >= hops:
            return end(request) if callable(end) else end
        return Response(301, [("Location", f"/hop/{step + 1}")])

    return chain


@register_behaviour("flaky")
def flaky(times: int = 1, fault: Page | None = None, then: Page | None = None) -> Page:
    """``fault`` (default a 503) for the first ``times`` requests of each (host, path), then
    ``then`` (default ``company_page``): a transient fault that a retry gets past."""
    failing = fault if fault is not None else behaviour("error", status=503)
    good = then if then is not None else company_page()
    seen: Counter[tuple[str, str]] = Counter()

    def page(request: Request) -> Response:
        key = (request.host, request.path)
        seen[key] += 1
        chosen = failing if seen[key] <= times else good
        return chosen(request) if callable(chosen) else chosen

    return page
