# ruff: noqa: PLR0911, PLR0915
"""The Stackscout site farm: one loopback HTTP/1.1 server that plays many fake company websites.

Clients reach it as an HTTP proxy (``http_proxy=http://127.0.0.1:PORT``) or directly:

* proxy form ``GET http://acme.test/pricing HTTP/1.1`` and origin form ``GET /pricing`` with a
  ``Host`` header are both dispatched on the host name;
* ``CONNECT acme.test:443`` answers ``200`` and then speaks TLS with a certificate issued for the
  requested name by a CA generated at start (see :mod:`tests.farm.certs`); a TLS ClientHello sent
  straight to the port (Chromium's ``--host-resolver-rules=MAP *.test 127.0.0.1:PORT``) works too;
* unknown hosts get ``502`` with a plain-text body; the farm never opens an outbound connection;
* hosts marked dead (``Site(dead=True)`` or ``Farm(dead_hosts=...)``) get their TCP connection
  closed without a single byte of response: a client sees a connection error (Scrapy:
  ``ResponseNeverReceived``/``ConnectionLost``; through CONNECT: the tunnel fails; urllib:
  ``RemoteDisconnected``);
* connection-level faults (``Site(connect=...)``, :data:`CONNECT_FAULTS`) play what a forwarding
  proxy meets before any HTTP: ``refused`` (the farm really connects to a loopback port nobody
  listens on and answers ``502 Connection refused``, as proxies report it), ``tls_garbage`` and
  ``tls_plain_http`` (the tunnel opens, then the "server" answers the ClientHello with random
  bytes, or with a plain-HTTP error page: a handshake that cannot succeed).

A site is data (:class:`Site`): ``host -> {path -> Response}``, plus robots.txt, default headers,
latency and gzip. Faults are named behaviours (:data:`BEHAVIOURS`), e.g.
``behaviour("rate_limited", retry_after=30)`` or directly ``rate_limited(retry_after=30)``; add a
new one with :func:`register_behaviour`. Every request is counted in :class:`Stats`.

Standalone: ``uv run python -m tests.farm.server --port 8899 --sites default,generated:200``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gzip as gzip_module
import json
import os
import random
import signal
import socket
import ssl
import struct
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, Union
from urllib.parse import urlsplit

from tests.farm.certs import FarmTLS

__all__ = [
    "ALLOW_ALL",
    "BEHAVIOURS",
    "CONNECT_FAULTS",
    "DISALLOW_ALL",
    "Farm",
    "Request",
    "RequestRecord",
    "Response",
    "Site",
    "Stats",
    "behaviour",
    "binary",
    "close",
    "cloudflare_challenge",
    "error",
    "hang",
    "huge",
    "rate_limited",
    "redirect",
    "register_behaviour",
    "reset",
    "truncated",
    "with_delay",
    "wrong_charset",
]

ALLOW_ALL = "User-agent: *\nDisallow:\n"
CONNECT_FAULTS = ("refused", "tls_garbage", "tls_plain_http")
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
HEAD_LIMIT = 64 * 1024
FARM_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_CONTENT_TYPE = "text/html; charset=utf-8"


# ---------------------------------------------------------------------------------------------
# Requests and responses
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Request:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    scheme: str
    host: str
    port: int
    path: str
    query: str = ""
    body: bytes = b""
    proxy_form: bool = False

    def header(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == name:
                return value
        return default

    @property
    def base(self) -> str:
        """``scheme://host`` as the client asked for it (use in absolute links)."""
        return f"{self.scheme}://{self.host}"

    @property
    def path_qs(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def url(self) -> str:
        return self.base + self.path_qs


Body = Union[bytes, str, Callable[[Request], Union[bytes, str]]]  # noqa: UP007
Stream = Callable[[Request], AsyncIterator[bytes]]


@dataclass(slots=True)
class Response:
    """What a path answers. Everything but ``status`` is optional.

    ``body`` is bytes, a str (encoded UTF-8; ``{{base}}`` and ``{{host}}`` are replaced by the
    request's ``scheme://host`` and host) or a callable ``(Request) -> bytes | str`` for lazily
    built pages. ``headers`` is a list of pairs so ``Set-Cookie`` can repeat. ``delay`` (seconds)
    overrides the site's latency. ``gzip`` overrides the site's setting (compressed only when the
    client accepts gzip). ``stream`` replaces ``body`` with an async iterator of chunks, sent with
    ``Content-Length: length`` (or chunked when ``length`` is None). ``action`` (``"close"``,
    ``"reset"``, ``"hang"``) replaces the response entirely; ``then`` does the same after the
    (possibly partial) response was written.
    """

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body = b""
    delay: float | None = None
    gzip: bool | None = None
    stream: Stream | None = None
    length: int | None = None
    action: str | None = None
    then: str | None = None


Page = Union[Response, Callable[[Request], Response]]  # noqa: UP007


def render_body(body: Body, request: Request) -> bytes:
    if callable(body):
        body = body(request)
    if isinstance(body, str):
        if "{{" in body:
            body = body.replace("{{base}}", request.base).replace("{{host}}", request.host)
        return body.encode("utf-8")
    return bytes(body)


def _header_names(headers: Iterable[tuple[str, str]]) -> set[str]:
    return {name.lower() for name, _ in headers}


# ---------------------------------------------------------------------------------------------
# Sites
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Site:
    """One fake website.

    ``pages`` maps a path (``"/pricing"``, or with a query ``"/search?q=x"``) to a
    :class:`Response` or a callable ``(Request) -> Response``. ``robots`` is served at
    ``/robots.txt`` unless ``pages`` has that path (None: 404). ``headers`` are added to every
    response (a response's own header of the same name wins; ``Set-Cookie`` accumulates).
    ``latency`` (seconds) is waited before each response (None: the farm's default).
    ``every_path`` answers every request (robots.txt included): challenges, outages, redirects of
    a whole host. ``dead`` closes every connection without answering. ``www_alias`` also serves
    the site as ``www.<host>`` unless that name is a site of its own. ``https_redirect`` sends
    plain-HTTP requests to the same URL over https. ``slash_redirect`` answers ``/x`` with a 301
    to ``/x/`` when only the latter exists (WordPress-style). ``truth`` is free-form ground truth
    (technologies, faults) for tests and benchmarks; the server ignores it.
    """

    host: str
    pages: dict[str, Page] = field(default_factory=dict)
    robots: str | None = ALLOW_ALL
    headers: list[tuple[str, str]] = field(default_factory=list)
    latency: float | None = None
    gzip: bool = False
    every_path: Page | None = None
    dead: bool = False
    www_alias: bool = True
    https_redirect: bool = False
    slash_redirect: bool = True
    not_found: Page | None = None
    truth: dict[str, Any] = field(default_factory=dict)
    connect: str | None = None

    def __post_init__(self) -> None:
        if self.connect is not None and self.connect not in CONNECT_FAULTS:
            raise ValueError(f"unknown connect fault {self.connect!r}; known: {CONNECT_FAULTS}")

    def resolve(self, request: Request) -> Response:
        page = self._page(request)
        return page(request) if callable(page) else page

    def _page(self, request: Request) -> Page:
        if self.every_path is not None:
            return self.every_path
        if self.https_redirect and request.scheme == "http":
            return Response(301, [("Location", f"https://{request.host}{request.path_qs}")])
        path = request.path
        page = self.pages.get(request.path_qs) if request.query else None
        if page is None:
            page = self.pages.get(path)
        if page is not None:
            return page
        if path == "/robots.txt":
            if self.robots is None:
                return _not_found_page
            return Response(200, [("Content-Type", "text/plain; charset=utf-8")], self.robots)
        if self.slash_redirect and not path.endswith("/") and path + "/" in self.pages:
            location = path + "/" + (f"?{request.query}" if request.query else "")
            return Response(301, [("Location", location)])
        return self.not_found if self.not_found is not None else _not_found_page


def _not_found_page(request: Request) -> Response:
    return Response(
        404,
        [("Content-Type", DEFAULT_CONTENT_TYPE)],
        "<!DOCTYPE html><html><head><title>Page not found</title></head><body>"
        f'<h1>404</h1><p>Nothing at {request.path}.</p><p><a href="/">Home</a></p>'
        "</body></html>",
    )


def _unknown_host(request: Request) -> Response:
    return Response(
        502,
        [("Content-Type", "text/plain; charset=utf-8"), ("X-Farm", "unknown-host")],
        f"stackscout site farm: unknown host {request.host!r}. The farm serves only the sites it "
        "was given and never connects out; add a Site for this host.\n",
    )


# ---------------------------------------------------------------------------------------------
# Behaviours (faults). Each factory returns a Page; register new ones with register_behaviour.
# ---------------------------------------------------------------------------------------------

BEHAVIOURS: dict[str, Callable[..., Page]] = {}


def register_behaviour(name: str) -> Callable[[Callable[..., Page]], Callable[..., Page]]:
    """Decorator: make a Page factory available as ``behaviour(name, **params)``."""

    def deco(factory: Callable[..., Page]) -> Callable[..., Page]:
        BEHAVIOURS[name] = factory
        return factory

    return deco


def behaviour(name: str, **params: Any) -> Page:
    try:
        factory = BEHAVIOURS[name]
    except KeyError:
        raise KeyError(f"unknown behaviour {name!r}; known: {sorted(BEHAVIOURS)}") from None
    return factory(**params)


@register_behaviour("page")
def page(
    body: Body,
    status: int = 200,
    headers: Iterable[tuple[str, str]] = (),
    content_type: str = DEFAULT_CONTENT_TYPE,
    delay: float | None = None,
) -> Response:
    hdrs = list(headers)
    if "content-type" not in _header_names(hdrs):
        hdrs.insert(0, ("Content-Type", content_type))
    return Response(status, hdrs, body, delay=delay)


@register_behaviour("redirect")
def redirect(location: str, status: int = 301, headers: Iterable[tuple[str, str]] = ()) -> Page:
    """Redirect to ``location`` (absolute, another host, or relative). ``{path}`` in it is
    replaced by the requested path and query, ``{host}`` by the requested host."""
    extra = list(headers)
    if "{path}" in location or "{host}" in location:

        def dynamic(request: Request) -> Response:
            loc = location.replace("{path}", request.path_qs).replace("{host}", request.host)
            return Response(status, [("Location", loc), *extra], _redirect_body(loc))

        return dynamic
    return Response(status, [("Location", location), *extra], _redirect_body(location))


def _redirect_body(location: str) -> str:
    return (
        "<html><head><title>Moved</title></head><body>"
        f'<p>This page has moved to <a href="{location}">{location}</a>.</p></body></html>'
    )


@register_behaviour("error")
def error(
    status: int = 503, body: str | None = None, headers: Iterable[tuple[str, str]] = ()
) -> Response:
    phrase = _reason(status)
    text = (
        body
        if body is not None
        else (
            f"<html><head><title>{status} {phrase}</title></head><body><center><h1>{status} "
            f"{phrase}</h1></center><hr><center>nginx</center></body></html>"
        )
    )
    return Response(status, [("Content-Type", DEFAULT_CONTENT_TYPE), *headers], text)


@register_behaviour("rate_limited")
def rate_limited(retry_after: int | str = 30, status: int = 429) -> Response:
    return Response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", str(retry_after))],
        "Too Many Requests\n",
    )


@register_behaviour("drip")
def drip(
    body: bytes | str | None = None,
    size: int = 20_000,
    chunk: int = 512,
    interval: float = 0.05,
    content_type: str = DEFAULT_CONTENT_TYPE,
) -> Response:
    """Send the body ``chunk`` bytes at a time, ``interval`` seconds apart."""
    data = _filler_html(size) if body is None else body
    raw = data.encode("utf-8") if isinstance(data, str) else data

    async def stream(_request: Request) -> AsyncIterator[bytes]:
        for start in range(0, len(raw), chunk):
            if start:
                await asyncio.sleep(interval)
            yield raw[start : start + chunk]

    return Response(200, [("Content-Type", content_type)], stream=stream, length=len(raw))


@register_behaviour("close")
def close() -> Response:
    """Close the connection without any response (what a dead host looks like)."""
    return Response(action="close")


@register_behaviour("reset")
def reset(after_bytes: int | None = None, declared: int = 20_000) -> Response:
    """TCP RST. ``after_bytes=None``: right after the request; ``n``: after the headers
    (``Content-Length: declared``) and ``n`` body bytes."""
    if after_bytes is None:
        return Response(action="reset")
    return _partial(after_bytes, declared, "reset")


@register_behaviour("truncated")
def truncated(sent: int = 5_000, declared: int = 20_000) -> Response:
    """Promise ``declared`` bytes, send ``sent``, then close cleanly (FIN)."""
    return _partial(sent, declared, "close")


def _partial(sent: int, declared: int, then: str) -> Response:
    raw = _filler_html(declared).encode()[:sent]

    async def stream(_request: Request) -> AsyncIterator[bytes]:
        if raw:
            yield raw

    return Response(
        200, [("Content-Type", DEFAULT_CONTENT_TYPE)], stream=stream, length=declared, then=then
    )


@register_behaviour("hang")
def hang(after_headers: bool = False) -> Response:
    """Never answer (or send the headers and then nothing). The connection stays open until the
    client gives up."""
    if not after_headers:
        return Response(action="hang")

    async def nothing(_request: Request) -> AsyncIterator[bytes]:
        return
        yield b""  # pragma: no cover - makes this an async generator

    return Response(
        200, [("Content-Type", DEFAULT_CONTENT_TYPE)], stream=nothing, length=10_000, then="hang"
    )


@register_behaviour("huge")
def huge(
    mb: float = 20, content_type: str = DEFAULT_CONTENT_TYPE, chunked: bool = False
) -> Response:
    """An HTML body of ``mb`` MiB generated on the fly and streamed in 64 KiB chunks."""
    total = int(mb * 1024 * 1024)
    head = b"<!DOCTYPE html><html><head><title>Archive</title></head><body>\n"
    block = (
        b"<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.</p>\n" * 820
    )[: 64 * 1024]

    async def stream(_request: Request) -> AsyncIterator[bytes]:
        left = total
        first = head[:left]
        left -= len(first)
        yield first
        while left > 0:
            part = block[:left]
            left -= len(part)
            yield part

    return Response(
        200, [("Content-Type", content_type)], stream=stream, length=None if chunked else total
    )


@register_behaviour("binary")
def binary(
    size: int = 64 * 1024, content_type: str = DEFAULT_CONTENT_TYPE, seed: int = 0
) -> Response:
    """Random bytes, by default mislabelled as HTML (a real-world fault)."""
    data = random.Random(seed).randbytes(size)
    return Response(200, [("Content-Type", content_type)], data)


@register_behaviour("wrong_charset")
def wrong_charset(
    html: str | None = None, declared: str = "utf-8", actual: str = "windows-1252"
) -> Response:
    """HTML encoded in ``actual`` while the header (and meta tag) claim ``declared``."""
    text = (
        html
        if html is not None
        else (
            '<!DOCTYPE html><html><head><meta charset="' + declared + '"><title>Café Müller — Über '
            "uns</title></head><body><h1>Willkommen bei Café Müller</h1><p>Öffnungszeiten: "
            "täglich 8–18 Uhr. Preise ab 3,50 €.</p><p>Naïve façade, jalapeño, smörgåsbord.</p>"  # noqa: RUF001
            "</body></html>"
        )
    )
    return Response(
        200,
        [("Content-Type", f"text/html; charset={declared}")],
        text.encode(actual, errors="replace"),
    )


@register_behaviour("bad_gzip")
def bad_gzip(body: str = "<html><body>not really gzip</body></html>") -> Response:
    """Claims ``Content-Encoding: gzip`` but sends plain bytes."""
    return Response(
        200,
        [("Content-Type", DEFAULT_CONTENT_TYPE), ("Content-Encoding", "gzip")],
        body,
        gzip=False,
    )


@register_behaviour("cloudflare_challenge")
def cloudflare_challenge(status: int = 403) -> Page:
    """A Cloudflare managed-challenge interstitial ("Just a moment...")."""

    def challenge(request: Request) -> Response:
        ray = f"{abs(hash((request.host, request.path, time.monotonic_ns()))) % (1 << 64):016x}"
        return Response(
            status,
            [
                ("Content-Type", "text/html; charset=UTF-8"),
                ("Server", "cloudflare"),
                ("cf-mitigated", "challenge"),
                ("CF-RAY", f"{ray}-SJC"),
                (
                    "Cache-Control",
                    "private, max-age=0, no-store, no-cache, must-revalidate, "
                    "post-check=0, pre-check=0",
                ),
                ("Expires", "Thu, 01 Jan 1970 00:00:01 GMT"),
                ("Cross-Origin-Embedder-Policy", "require-corp"),
                ("Cross-Origin-Opener-Policy", "same-origin"),
                ("Permissions-Policy", "accelerometer=(),autoplay=(),browsing-topics=(),camera=()"),
                ("Referrer-Policy", "same-origin"),
                ("X-Frame-Options", "SAMEORIGIN"),
                ("X-Content-Type-Options", "nosniff"),
            ],
            _CHALLENGE_HTML.replace("__HOST__", request.host).replace("__RAY__", ray),
        )

    return challenge


_CHALLENGE_HTML = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>\
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta http-equiv="X-UA-Compatible" \
content="IE=Edge"><meta name="robots" content="noindex,nofollow"><meta name="viewport" \
content="width=device-width,initial-scale=1"><style>*{box-sizing:border-box;margin:0;padding:0}\
html{line-height:1.15;-webkit-text-size-adjust:100%;color:#313131;font-family:system-ui,-apple-system,\
BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}body{display:flex;\
flex-direction:column;height:100vh;min-height:100vh}.main-content{margin:8rem auto;max-width:60rem;\
padding-left:1.5rem}@media (width <= 720px){.main-content{margin-top:4rem}}.h2{font-size:1.5rem;\
font-weight:500;line-height:2.25rem}@media (width <= 720px){.h2{font-size:1.25rem;line-height:1.5rem}}\
#challenge-error-text{background-image:url("data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy\
53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIzMiIgaGVpZ2h0PSIzMiIgZmlsbD0ibm9uZSI+PC9zdmc+");\
background-repeat:no-repeat;background-size:contain;padding-left:34px}@media (prefers-color-scheme:dark)\
{body{background-color:#222;color:#d9d9d9}}</style><meta http-equiv="refresh" content="390"></head>\
<body class="no-js"><div class="main-wrapper" role="main"><div class="main-content"><noscript><div \
class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div>\
</noscript></div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: "__HOST__",cType: \
'managed',cRay: '__RAY__',cH: 'kP7rQ2v9Xq3Lw8Zt1Yb5Nc6Md0Ae4Sf-1700000000-1.2.1.1-Zx9',cUPMDTk: \
"\\/?__cf_chl_tk=Qm4Tz8Wv2Lr6Np0Xs3Ky7Hb1Jd5Fg9Ce-1700000000-0.0.1.1-4821",cFPWv: 'b',cITimeS: \
'1700000000',cTTimeMs: '1000',cMTimeMs: '390000',cTplC: 0,cTplV: 5,cTplB: 'cf',cK: "",fa: \
"\\/?__cf_chl_f_tk=Qm4Tz8Wv2Lr6Np0Xs3Ky7Hb1Jd5Fg9Ce-1700000000-0.0.1.1-4821",md: \
"pT4sX9vQ2mL7wR1zK8nB3cY6hJ0dF5gA",cRq: {ru: 'aHR0cHM6Ly9fX0hPU1RfXy8=',ra: \
'TW96aWxsYS81LjA=',rm: 'R0VU',d: 'Zk9Xb1p3c1FlUnVkVmFrUmdYb1d4cQ==',t: 'MTcwMDAwMDAwMC4wMDAwMDA=',\
cT: Math.floor(Date.now() / 1000),m: 'c2F0aXNmaWVkIGJ5IGNoYWxsZW5nZQ==',i1: 'AbCdEfGhIjKlMnOp',\
i2: 'QrStUvWxYz012345',zh: 'x7F2+0kLm9Qp3Rs5Tu7Vw9Xy1Za3Bc5De7Fg9Hi1Jk=',uh: \
'Mn0Op2Qr4St6Uv8Wx0Yz2Ab4Cd6Ef8Gh0Ij2Kl4Mn6=',hh: 'Op8Qr0St2Uv4Wx6Yz8Ab0Cd2Ef4Gh6Ij8Kl0Mn2Op4='}};\
var cpo = document.createElement('script');cpo.src = \
'/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=__RAY__';window._cf_chl_opt.cOgUHash = \
location.hash === '' && location.href.indexOf('#') !== -1 ? '#' : location.hash;\
window._cf_chl_opt.cOgUQuery = location.search === '' && location.href.slice(0, \
location.href.length - window._cf_chl_opt.cOgUHash.length).indexOf('?') !== -1 ? '?' : \
location.search;if (window.history && window.history.replaceState) {var ogU = location.pathname + \
window._cf_chl_opt.cOgUQuery + window._cf_chl_opt.cOgUHash;history.replaceState(null, null, \
"\\/?__cf_chl_rt_tk=Qm4Tz8Wv2Lr6Np0Xs3Ky7Hb1Jd5Fg9Ce-1700000000-0.0.1.1-4821" + \
window._cf_chl_opt.cOgUHash);cpo.onload = function() {history.replaceState(null, null, ogU);}}\
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"""


def with_delay(page_: Page, seconds: float) -> Page:
    """The same page, answered after ``seconds`` (overrides the site's latency)."""
    if callable(page_):

        def delayed(request: Request) -> Response:
            response = page_(request)
            response.delay = seconds
            return response

        return delayed
    return dataclasses.replace(page_, headers=list(page_.headers), delay=seconds)


BEHAVIOURS["slow"] = lambda seconds=5.0, body=None: with_delay(
    page(body if body is not None else _filler_html(8_000)), seconds
)
BEHAVIOURS["dead"] = close


def _filler_html(size: int) -> str:
    para = (
        "<p>Our team helps companies of every size modernise their operations with practical "
        "software, honest pricing and support that answers the phone.</p>\n"
    )
    head = "<!DOCTYPE html><html><head><title>Loading</title></head><body>\n"
    tail = "</body></html>\n"
    count = max(0, (size - len(head) - len(tail)) // len(para) + 1)
    return (head + para * count + tail)[: max(size, 0)]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


# ---------------------------------------------------------------------------------------------
# Stats
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    scheme: str
    host: str
    path: str
    target: str
    status: int | None  # None: connection closed/reset/hung without a status line
    user_agent: str | None
    time: float


class Stats:
    """Thread-safe counters of what the farm was asked for (host names as requested)."""

    def __init__(self, log_size: int = 20_000) -> None:
        self._lock = threading.Lock()
        self._log_size = log_size
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._by_path: Counter[tuple[str, str]] = Counter()
            self._by_host: Counter[str] = Counter()
            self._by_status: Counter[int | None] = Counter()
            self._connects: Counter[str] = Counter()
            self._log: deque[RequestRecord] = deque(maxlen=self._log_size)
            self.total = 0
            self.started = time.monotonic()

    def record(self, request: Request, status: int | None) -> None:
        rec = RequestRecord(
            request.method,
            request.scheme,
            request.host,
            request.path,
            request.target,
            status,
            request.header("user-agent"),
            time.time(),
        )
        with self._lock:
            self._by_path[(request.host, request.path)] += 1
            self._by_host[request.host] += 1
            self._by_status[status] += 1
            self._log.append(rec)
            self.total += 1

    def record_connect(self, host: str) -> None:
        with self._lock:
            self._connects[host] += 1

    def count(self, host: str | None = None, path: str | None = None) -> int:
        """Requests for ``host`` (and ``path``, without query); no arguments: all requests."""
        with self._lock:
            if host is None:
                return self.total
            if path is None:
                return self._by_host[host.lower()]
            return self._by_path[(host.lower(), path)]

    def fetched(self, host: str, path: str = "/") -> bool:
        return self.count(host, path) > 0

    def paths(self, host: str) -> dict[str, int]:
        host = host.lower()
        with self._lock:
            return {p: n for (h, p), n in self._by_path.items() if h == host}

    def hosts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._by_host)

    def statuses(self) -> dict[int | None, int]:
        with self._lock:
            return dict(self._by_status)

    def connects(self, host: str | None = None) -> int:
        with self._lock:
            if host is None:
                return sum(self._connects.values())
            return self._connects[host.lower()]

    def records(self, host: str | None = None) -> list[RequestRecord]:
        with self._lock:
            log = list(self._log)
        return log if host is None else [r for r in log if r.host == host.lower()]

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            elapsed = time.monotonic() - self.started
            return {
                "total": self.total,
                "elapsed_s": round(elapsed, 3),
                "rate_per_s": round(self.total / elapsed, 1) if elapsed > 0 else 0.0,
                "hosts": len(self._by_host),
                "statuses": {str(k): v for k, v in self._by_status.items()},
                "connects": sum(self._connects.values()),
            }


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_date_cache: list[Any] = [0, ""]


def _http_date() -> str:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[0] = now
        _date_cache[1] = formatdate(now, usegmt=True)
    return str(_date_cache[1])


class Farm:
    """The site farm. Use :meth:`start`/:meth:`stop` (background thread, own event loop) or
    ``await farm.serve_forever()`` inside an event loop.

    ``latency`` (seconds) is the default wait before every response, used when neither the
    response nor its site sets one. ``dead_hosts`` are hosts whose connections are closed
    without an answer.
    """

    def __init__(
        self,
        sites: Mapping[str, Site] | Iterable[Site] | None = None,
        *,
        latency: float = 0.0,
        dead_hosts: Iterable[str] = (),
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.sites: dict[str, Site] = {}
        if sites is not None:
            for site in sites.values() if isinstance(sites, Mapping) else sites:
                self.add_site(site)
        self.latency = latency
        self.dead_hosts: set[str] = {h.lower() for h in dead_hosts}
        self.bind_host = host
        self.port = port
        self.stats = Stats()
        self.tls: FarmTLS | None = None
        self._sock: socket.socket | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._accept_task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- sites ----------------------------------------------------------------------------------

    def add_site(self, site: Site) -> Site:
        self.sites[site.host.lower()] = site
        return site

    def remove_site(self, host: str) -> None:
        self.sites.pop(host.lower(), None)

    @contextlib.contextmanager
    def temporary_sites(self, *sites: Site) -> Iterator[None]:
        """Serve extra sites for the duration of a ``with`` block (restores replaced ones)."""
        saved = {s.host.lower(): self.sites.get(s.host.lower()) for s in sites}
        for site in sites:
            self.add_site(site)
        try:
            yield
        finally:
            for host, old in saved.items():
                if old is None:
                    self.sites.pop(host, None)
                else:
                    self.sites[host] = old

    def lookup(self, host: str) -> Site | None:
        site = self.sites.get(host)
        if site is None and host.startswith("www."):
            bare = self.sites.get(host[4:])
            if bare is not None and bare.www_alias:
                return bare
        return site

    def is_dead(self, host: str) -> bool:
        if host in self.dead_hosts:
            return True
        site = self.lookup(host)
        return site is not None and site.dead

    def connect_fault(self, host: str) -> str | None:
        site = self.lookup(host)
        return site.connect if site is not None else None

    # -- addresses ------------------------------------------------------------------------------

    @property
    def proxy_url(self) -> str:
        return f"http://{self.bind_host}:{self.port}"

    def url(self, host: str, path: str = "/", scheme: str = "http") -> str:
        """The URL a crawler should fetch (through the proxy) for ``host`` and ``path``."""
        if not path.startswith("/"):
            path = "/" + path
        return f"{scheme}://{host}{path}"

    def proxy_env(self) -> dict[str, str]:
        url = self.proxy_url
        return {"http_proxy": url, "https_proxy": url, "HTTP_PROXY": url, "HTTPS_PROXY": url}

    @property
    def playwright_proxy(self) -> dict[str, str]:
        """Launch option for Playwright: ``browser_type.launch(proxy=farm.playwright_proxy)``."""
        return {"server": self.proxy_url}

    @property
    def host_resolver_rules(self) -> str:
        """Chromium flag value sending every ``*.test`` name (http and https) to the farm."""
        return f"MAP *.test {self.bind_host}:{self.port}, MAP * ~NOTFOUND"

    @property
    def ca_path(self) -> str | None:
        return str(self.tls.ca_path) if self.tls else None

    # -- lifecycle: background thread -----------------------------------------------------------

    def start(self) -> Farm:
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.open())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.close())
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="stackscout-farm", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            self._thread = None
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        if self.tls is not None:
            self.tls.cleanup()
            self.tls = None

    def __enter__(self) -> Farm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- lifecycle: inside an event loop --------------------------------------------------------

    def _known_names(self) -> list[str]:
        names = []
        for host, site in list(self.sites.items()):
            names.append(host)
            if site.www_alias and not host.startswith("www."):
                names.append("www." + host)
        return names

    async def open(self) -> None:
        if self.tls is None:
            self.tls = FarmTLS()
        self.tls.register_hosts(self._known_names())
        sock = socket.create_server((self.bind_host, self.port), backlog=1024)
        sock.setblocking(False)
        self._sock = sock
        self.port = sock.getsockname()[1]
        self._accept_task = asyncio.get_running_loop().create_task(self._accept_loop())

    async def close(self) -> None:
        if self._accept_task is not None:
            self._accept_task.cancel()
            with contextlib.suppress(BaseException):
                await self._accept_task
            self._accept_task = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        for writer in list(self._writers):
            writer.transport.abort()
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def serve_forever(self) -> None:
        await self.open()
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    # -- connections ----------------------------------------------------------------------------

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept_loop(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._sock is not None
        while True:
            try:
                conn, _addr = await loop.sock_accept(self._sock)
            except OSError:
                await asyncio.sleep(0.01)
                continue
            conn.setblocking(False)
            with contextlib.suppress(OSError):
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._track(loop.create_task(self._sniff(conn)))

    async def _sniff(self, conn: socket.socket) -> None:
        """Peek at the first byte: 0x16 is a TLS handshake sent straight to the port."""
        loop = asyncio.get_running_loop()
        try:
            first = await _peek(loop, conn)
        except (OSError, asyncio.CancelledError):
            conn.close()
            return
        if not first:
            conn.close()
            return
        direct_tls = first[0] == 0x16
        reader = asyncio.StreamReader(limit=HEAD_LIMIT, loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, self._connection, loop=loop)
        try:
            if direct_tls:
                assert self.tls is not None
                await loop.connect_accepted_socket(
                    lambda: protocol, conn, ssl=self.tls.default_context, ssl_handshake_timeout=10
                )
            else:
                await loop.connect_accepted_socket(lambda: protocol, conn)
        except (OSError, ssl.SSLError, TimeoutError, ConnectionError):
            conn.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._track(task)
        self._writers.add(writer)
        scheme = "https" if writer.get_extra_info("ssl_object") is not None else "http"
        tunnel_host: str | None = None
        tunnel_port = 443 if scheme == "https" else 80
        try:
            while True:
                try:
                    request = await self._read_request(
                        reader, writer, scheme, tunnel_host, tunnel_port
                    )
                except _BadRequest as exc:
                    await self._write_simple(writer, exc.status, str(exc))
                    break
                if request is None:
                    break
                if request.method == "CONNECT":
                    if tunnel_host is not None or scheme == "https":
                        await self._write_simple(writer, 400, "CONNECT inside a tunnel")
                        break
                    tls = await self._connect(request, reader, writer)
                    if tls is None:
                        break
                    tunnel_host, tunnel_port = request.host, request.port
                    scheme = "https" if tls else "http"
                    continue
                if not await self._respond(request, reader, writer):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, TimeoutError, OSError):
            pass
        except asyncio.CancelledError:
            writer.transport.abort()
        finally:
            self._writers.discard(writer)
            if not writer.transport.is_closing():
                writer.transport.close()

    async def _connect(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool | None:
        """Answer a CONNECT. Returns True (TLS tunnel), False (plain tunnel) or None (closed)."""
        host = request.host
        self.stats.record_connect(host)
        if self.is_dead(host):
            writer.transport.close()
            return None
        if self.lookup(host) is None and host not in FARM_HOSTS:
            response = _unknown_host(request)
            self.stats.record(request, response.status)
            await self._write_simple(writer, 502, render_body(response.body, request).decode())
            return None
        fault = self.connect_fault(host)
        if fault == "refused":
            await self._refuse(request, writer)
            return None
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        if request.port == 80:
            return False
        if fault is not None:
            await _bad_handshake(fault, reader, writer)
            return None
        assert self.tls is not None
        await writer.start_tls(self.tls.default_context, ssl_handshake_timeout=10)
        return True

    async def _read_request(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        scheme: str,
        tunnel_host: str | None,
        tunnel_port: int,
    ) -> Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        except asyncio.LimitOverrunError:
            raise _BadRequest(431, "request head too large") from None
        head = head.lstrip(b"\r\n")
        lines = head[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise _BadRequest(400, f"bad request line {lines[0][:200]!r}")
        method, target, version = parts
        headers: list[tuple[str, str]] = []
        host_header = None
        length = 0
        chunked = False
        expect_continue = False
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise _BadRequest(400, f"bad header line {line[:200]!r}")
            name = name.strip()
            value = value.strip()
            headers.append((name, value))
            low = name.lower()
            if low == "host":
                host_header = value
            elif low == "content-length":
                try:
                    length = int(value)
                except ValueError:
                    raise _BadRequest(400, "bad Content-Length") from None
            elif low == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif low == "expect" and value.lower() == "100-continue":
                expect_continue = True

        proxy_form = False
        query = ""
        if method == "CONNECT":
            host, port = _split_host_port(target, 443)
            path = ""
        elif target.startswith(("http://", "https://")):
            proxy_form = True
            parts_ = urlsplit(target)
            scheme = parts_.scheme
            host = (parts_.hostname or "").lower()
            port = parts_.port or (443 if scheme == "https" else 80)
            path = parts_.path or "/"
            query = parts_.query
        else:
            if host_header:
                host, port = _split_host_port(host_header, tunnel_port)
            elif tunnel_host:
                host, port = tunnel_host, tunnel_port
            else:
                host, port = "", 0
            path, _, query = target.partition("?")
        if not host and method != "CONNECT":
            raise _BadRequest(400, "no host: send a proxy-form URL or a Host header")

        if expect_continue and (length or chunked):
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = b""
        if chunked:
            body = await _read_chunked(reader)
        elif length:
            body = await reader.readexactly(length)
        return Request(
            method, target, version, headers, scheme, host, port, path, query, body, proxy_form
        )

    async def _respond(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        host = request.host
        if host in FARM_HOSTS and request.path.startswith("/__farm/"):
            return await self._control(request, writer)
        if self.is_dead(host):
            self.stats.record(request, None)
            writer.transport.close()
            return False
        if self.connect_fault(host) == "refused":
            await self._refuse(request, writer)
            return False
        site = self.lookup(host)
        response = _unknown_host(request) if site is None else site.resolve(request)
        self.stats.record(request, None if response.action else response.status)
        delay = response.delay
        if delay is None:
            delay = site.latency if site is not None and site.latency is not None else self.latency
        if delay and delay > 0:
            await asyncio.sleep(delay)
        if response.action:
            await _act(response.action, reader, writer)
            return False
        keep_alive = _wants_keep_alive(request)
        await self._write_response(request, site, response, writer, keep_alive)
        if response.then:
            await _act(response.then, reader, writer)
            return False
        return keep_alive

    async def _write_response(
        self,
        request: Request,
        site: Site | None,
        response: Response,
        writer: asyncio.StreamWriter,
        keep_alive: bool,
    ) -> None:
        own = response.headers
        own_names = _header_names(own)
        headers: list[tuple[str, str]] = []
        if site is not None and site.headers:
            headers.extend(
                (n, v)
                for n, v in site.headers
                if n.lower() == "set-cookie" or n.lower() not in own_names
            )
        headers.extend(own)
        names = own_names | _header_names(headers)
        body = b""
        if response.stream is None:
            body = render_body(response.body, request)
            use_gzip = (
                response.gzip
                if response.gzip is not None
                else (site.gzip if site is not None else False)
            )
            if (
                use_gzip
                and body
                and "content-encoding" not in names
                and "gzip" in (request.header("accept-encoding") or "").lower()
            ):
                body = gzip_module.compress(body, compresslevel=5, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
                headers.append(("Vary", "Accept-Encoding"))
            if "content-length" not in names and "transfer-encoding" not in names:
                headers.append(("Content-Length", str(len(body))))
        elif "content-length" not in names and "transfer-encoding" not in names:
            if response.length is not None:
                headers.append(("Content-Length", str(response.length)))
            else:
                headers.append(("Transfer-Encoding", "chunked"))
        if "content-type" not in names and (body or response.stream is not None):
            headers.append(("Content-Type", DEFAULT_CONTENT_TYPE))
        if "date" not in names:
            headers.append(("Date", _http_date()))
        headers.append(("Connection", "keep-alive" if keep_alive else "close"))
        status = response.status
        out = [f"HTTP/1.1 {status} {_reason(status)}\r\n"]
        out.extend(f"{n}: {v}\r\n" for n, v in headers)
        out.append("\r\n")
        head = "".join(out).encode("latin-1", errors="replace")
        is_head = request.method == "HEAD"
        if response.stream is None:
            writer.write(head if is_head else head + body)
            await writer.drain()
            return
        writer.write(head)
        await writer.drain()
        if is_head:
            return
        chunked = response.length is None and "content-length" not in names
        async for chunk in response.stream(request):
            if not chunk:
                continue
            if chunked:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                writer.write(chunk)
            await writer.drain()
        if chunked:
            writer.write(b"0\r\n\r\n")
            await writer.drain()

    async def _refuse(self, request: Request, writer: asyncio.StreamWriter) -> None:
        """What a forwarding proxy answers when the site refuses its connection."""
        error = await _connect_closed_port()
        self.stats.record(request, 502)
        text = f"stackscout site farm: connecting to {request.host}:{request.port} failed: {error}"
        await self._write_simple(writer, 502, text, phrase=error)

    async def _write_simple(
        self, writer: asyncio.StreamWriter, status: int, text: str, phrase: str | None = None
    ) -> None:
        body = (text.rstrip("\n") + "\n").encode("utf-8")
        writer.write(
            f"HTTP/1.1 {status} {phrase or _reason(status)}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
            + body
        )
        with contextlib.suppress(ConnectionError, OSError):
            await writer.drain()

    async def _control(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        """``/__farm/stats`` and ``/__farm/sites`` on 127.0.0.1 / localhost (not counted)."""
        if request.path == "/__farm/stats":
            payload: Any = self.stats.snapshot()
        elif request.path == "/__farm/sites":
            payload = sorted(self.sites)
        else:
            await self._write_simple(writer, 404, "unknown farm control path")
            return False
        body = json.dumps(payload).encode()
        keep = _wants_keep_alive(request)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: %s\r\n\r\n%s" % (len(body), b"keep-alive" if keep else b"close", body)
        )
        await writer.drain()
        return keep


async def _connect_closed_port() -> str:
    """Really connect to a loopback port nobody listens on; the error as a proxy words it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as exc:
        return os.strerror(exc.errno) if exc.errno else str(exc)
    writer.close()  # pragma: no cover - someone took the port in between
    return "Connection refused"


_PLAIN_ON_TLS = (
    b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n"
    b"Connection: close\r\n\r\n<html><head><title>400 The plain HTTP request was sent to "
    b"HTTPS port</title></head><body><h1>400 Bad Request</h1></body></html>\r\n"
)


async def _bad_handshake(
    fault: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer the client's TLS ClientHello with something that is not a ServerHello."""
    with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, TimeoutError):
        await asyncio.wait_for(reader.read(16384), 10)
    if fault == "tls_plain_http":
        writer.write(_PLAIN_ON_TLS)
    else:
        writer.write(random.Random(fault).randbytes(2048))
    with contextlib.suppress(ConnectionError, OSError):
        await writer.drain()
    writer.transport.close()


async def _peek(loop: asyncio.AbstractEventLoop, conn: socket.socket) -> bytes:
    while True:
        try:
            return conn.recv(1, socket.MSG_PEEK)
        except (BlockingIOError, InterruptedError):
            pass
        fut: asyncio.Future[None] = loop.create_future()
        fd = conn.fileno()
        loop.add_reader(fd, lambda f=fut: f.done() or f.set_result(None))
        try:
            await fut
        finally:
            loop.remove_reader(fd)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _split_host_port(value: str, default_port: int) -> tuple[str, int]:
    value = value.strip().lower()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    try:
        return host.rstrip("."), int(port) if port else default_port
    except ValueError:
        return host.rstrip("."), default_port


def _wants_keep_alive(request: Request) -> bool:
    conn = (request.header("connection") or request.header("proxy-connection") or "").lower()
    if request.version == "HTTP/1.0":
        return "keep-alive" in conn
    return "close" not in conn


async def _act(action: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    if action == "close":
        writer.transport.close()
    elif action == "reset":
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
    elif action == "hang":
        # Wait for the client to give up (EOF); anything it sends is ignored.
        while await reader.read(65536):
            pass
        writer.transport.close()
    else:
        raise ValueError(f"unknown action {action!r}")


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def build_sites(
    spec: str, seed: int = 1, latency_ms: float = 0, faulty_share: float = 0.0
) -> dict[str, Site]:
    """``default``, ``generated:N`` or a comma-separated mix of both."""
    sites: dict[str, Site] = {}
    for item in (s.strip() for s in spec.split(",")):
        if not item or item == "none":
            continue
        if item == "default":
            from tests.farm.sites import default_sites

            sites.update(default_sites())
        elif item.startswith("generated:"):
            from tests.farm.generate import generate_sites

            sites.update(
                generate_sites(
                    int(item.split(":", 1)[1]),
                    seed,
                    latency_ms=latency_ms,
                    faulty_share=faulty_share,
                )
            )
        elif item.startswith("rendermix:"):
            from tests.farm.rendermix import rendermix_sites

            sites.update(rendermix_sites(int(item.split(":", 1)[1]), seed))
        elif item.startswith("matrix"):
            from tests.farm.faultmatrix import ACCOUNTS_PER_FAULT, matrix_sites

            per_fault = int(item.split(":", 1)[1]) if ":" in item else ACCOUNTS_PER_FAULT
            sites.update(matrix_sites(per_fault))
        else:
            raise SystemExit(
                f"unknown site set {item!r} (use default, generated:N, rendermix:N, matrix[:K])"
            )
    return sites


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.farm.server", description="Run the Stackscout test site farm."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument(
        "--sites",
        default="default",
        help="default, generated:N, rendermix:N, matrix[:K] (the fault matrix, K accounts a "
        "fault), or a mix: default,generated:200",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument(
        "--site-latency-ms", type=float, default=0, help="latency of generated sites"
    )
    parser.add_argument(
        "--faulty-share",
        type=float,
        default=0.0,
        help="share of generated sites with faults (0..1)",
    )
    parser.add_argument(
        "--latency-ms", type=float, default=0, help="global default latency for sites that set none"
    )
    parser.add_argument("--accounts-csv", help="also write the generated sites' account list here")
    parser.add_argument(
        "--stats-every",
        type=float,
        default=0,
        help="print request stats every N seconds (0: never)",
    )
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the farm is for loopback only")

    t0 = time.perf_counter()
    sites = build_sites(args.sites, args.seed, args.site_latency_ms, args.faulty_share)
    built = time.perf_counter() - t0
    if args.accounts_csv:
        from tests.farm.generate import generate_accounts_csv

        n = sum(
            int(s.split(":", 1)[1])
            for s in args.sites.split(",")
            if s.strip().startswith("generated:")
        )
        generate_accounts_csv(args.accounts_csv, n, args.seed)
    farm = Farm(sites, latency=args.latency_ms / 1000, host=args.host, port=args.port)

    async def run() -> None:
        await farm.open()
        print(
            f"stackscout farm: {len(sites)} sites (built in {built:.2f}s) on {farm.proxy_url}",
            flush=True,
        )
        print(f"  proxy:   http_proxy={farm.proxy_url} https_proxy={farm.proxy_url}", flush=True)
        print(f'  chromium: --host-resolver-rules="{farm.host_resolver_rules}"', flush=True)
        print(f"  CA:      {farm.ca_path}", flush=True)
        print(f"  stats:   curl {farm.proxy_url}/__farm/stats", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), args.stats_every or 3600)
                if args.stats_every and not stop.is_set():
                    print(json.dumps(farm.stats.snapshot()), flush=True)
        finally:
            await farm.close()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    finally:
        if farm.tls is not None:
            farm.tls.cleanup()
        print(json.dumps(farm.stats.snapshot()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
