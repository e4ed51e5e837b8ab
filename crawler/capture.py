"""Turn Scrapy responses into detector snapshots, and failures into page errors."""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import NameOID
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse

from crawler.downloadermiddlewares.netguard import RefusedRequest
from crawler.exceptions import AccountDeadlineReached
from crawler.items import PageError
from detectors.loaders import cookies_from_headers
from detectors.snapshot import Page, Probe, TlsInfo


def page_from_response(response: Response, kind: str) -> Page:
    headers = {
        k.decode("latin-1").lower(): ", ".join(v.decode("latin-1") for v in vs)
        for k, vs in response.headers.items()
        if k.lower() != b"set-cookie"
    }
    set_cookie = [v.decode("latin-1") for v in response.headers.getlist("Set-Cookie")]
    if set_cookie:
        headers["set-cookie"] = "\n".join(set_cookie)
    is_text = isinstance(response, TextResponse)
    redirects = [str(u) for u in response.meta.get("redirect_urls", [])]
    return Page(
        url=response.url,
        requested_url=redirects[0] if redirects else response.url,
        status=response.status,
        headers=headers,
        cookies=cookies_from_headers(headers),
        body=response.text if is_text else "",
        redirects=redirects,
        content_type=headers.get("content-type", ""),
        encoding=response.encoding if isinstance(response, TextResponse) else "",
        kind=kind,
        fetched_at=time.time(),
        ttfb_ms=_ms(response.meta.get("download_latency")),
        size=len(response.body),
    )


BINARY_SAMPLE = 8192
BINARY_SHARE = 0.05


def looks_binary(text: str) -> bool:
    """True for decoded "HTML" that is binary data (an image, an archive, random bytes served as
    text/html): control characters, which text in any 8-bit or UTF-8 encoding all but never
    holds, make up much of its start. Undecodable bytes do not count: a page in Cyrillic or
    Greek with a wrongly declared charset is mostly replacement characters, and still a page."""
    sample = text[:BINARY_SAMPLE]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f")
    return controls / len(sample) > BINARY_SHARE


def probe_from_response(response: Response, kind: str) -> Probe:
    redirects = [str(u) for u in response.meta.get("redirect_urls", [])]
    return Probe(kind=kind, url=redirects[0] if redirects else response.url,
                 status=response.status, final_url=response.url)  # fmt: skip


def tls_from_response(response: Response) -> TlsInfo | None:
    """Issuer, subject and expiry of the certificate the response came over (None: plain HTTP)."""
    certificate = getattr(response, "certificate", None)
    if certificate is None:
        return None
    try:
        cert = certificate.original.to_cryptography()
    except (AttributeError, ValueError):
        return None
    return TlsInfo(
        issuer=_name(cert.issuer, NameOID.ORGANIZATION_NAME)
        or _name(cert.issuer, NameOID.COMMON_NAME),
        subject=_name(cert.subject, NameOID.COMMON_NAME),
        not_after=cert.not_valid_after_utc.isoformat(),
        host=(urlsplit(response.url).hostname or "").lower(),
    )


def _name(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    attrs = name.get_attributes_for_oid(oid)
    return str(attrs[0].value) if attrs else ""


def _ms(seconds: Any) -> float | None:
    return round(float(seconds) * 1000, 1) if seconds is not None else None


_NEEDLES = [
    ("DNSLookupError", "DNS lookup failed"),
    ("CannotResolveHost", "DNS lookup failed"),
    ("ConnectionRefused", "connection refused"),
    ("TimeoutError", "timed out"),
    ("TCPTimedOut", "timed out"),
    ("SSL", "TLS handshake failed"),
    ("ConnectionDone", "connection closed by the site"),
    ("ConnectionLost", "connection lost (reset, or closed in the middle of the response)"),
    ("ResponseNeverReceived", "no response received"),
]
_TUNNEL = re.compile(r"'status': (\d+), 'reason': b?['\"](.*?)['\"]\}")
_SSL_REASON = re.compile(r"SSL routines', '[^']*', '([^']+)'")
_NUMBER = re.compile(r"(\d+) B")


def classify_failure(failure: Any) -> tuple[str, str]:
    """(status, reason) for a failed request: refused, robots_disallowed or unreachable, and
    the cause in words (what a user can act on), with the number of attempts when it was retried."""
    exc = failure.value
    if failure.check(RefusedRequest):
        return "refused", str(exc)
    request = getattr(failure, "request", None)
    if isinstance(exc, IgnoreRequest) and not isinstance(exc, AccountDeadlineReached):
        text = str(exc) or "request ignored"
        if "robots.txt" in text:
            return "robots_disallowed", "forbidden by robots.txt"
        return "unreachable", _ignored(text, request)
    return "unreachable", failure_reason(exc) + _attempts(request)


def failure_reason(exc: BaseException) -> str:
    """The cause of a failed download in words."""
    for types, explain in _EXPLAIN:
        if isinstance(exc, types):
            return explain(exc)
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError | zlib.error) and ("gzip" in text.lower() or "zlib" in text.lower()):
        return f"could not decompress the body ({text[:120]})"
    ssl = _SSL_REASON.search(text)
    if ssl or "SSL" in text:
        return "TLS handshake failed" + (f" ({ssl.group(1)})" if ssl else "")
    return next((reason for needle, reason in _NEEDLES if needle.lower() in text.lower()),
                text[:300])  # fmt: skip


def _timed_out(exc: BaseException) -> str:
    seconds = re.search(r"longer than ([\d.]+) seconds", str(exc))
    return f"timed out after {float(seconds.group(1)):g} s" if seconds else "timed out"


def _tunnel_reason(exc: BaseException) -> str:
    m = _TUNNEL.search(str(exc))
    answer = f"{m.group(1)} {m.group(2)}" if m else "no answer"
    return f"the proxy could not connect to the site ({answer})"


def _too_large(exc: BaseException) -> str:
    size = re.search(r"receive (\d+) bytes", str(exc))
    return "response larger than DOWNLOAD_MAXSIZE" + (f" ({size.group(1)} bytes)" if size else "")


_EXPLAIN: list[tuple[type[BaseException], Callable[[BaseException], str]]] = [
    (AccountDeadlineReached, lambda exc: f"timed out: {exc}"),
    (DownloadTimeoutError, _timed_out),
    (TunnelError, _tunnel_reason),
    (ResponseDataLossError,
     lambda _exc: "response truncated: the connection closed before the whole body arrived"),
    (DownloadCancelledError, _too_large),
]  # fmt: skip


def _ignored(text: str, request: Any) -> str:
    """Reasons for the IgnoreRequest Scrapy's own middlewares raise."""
    if text == "max redirections reached" and request is not None:
        return _redirect_failure([*request.meta.get("redirect_urls", []), request.url])
    if "DOWNLOAD_MAXSIZE" in text and "decompress" in text:
        compressed, _, limit = [*_NUMBER.findall(text), "?", "?", "?"][:3]
        return (f"response larger than DOWNLOAD_MAXSIZE ({limit} bytes) once decompressed "
                f"({compressed} bytes compressed)")  # fmt: skip
    return text[:300]


def _redirect_failure(urls: list[str]) -> str:
    for i, url in enumerate(urls):
        if url in urls[:i]:
            loop = urls[urls.index(url) : i + 1]
            return "redirect loop: " + " -> ".join(loop[:5]) + (" ..." if len(loop) > 5 else "")
    return f"more than {len(urls) - 1} redirects (from {urls[0]})"


def _attempts(request: Any) -> str:
    retries = int(request.meta.get("retry_times", 0)) if request is not None else 0
    return f", after {retries + 1} attempts" if retries else ""


def page_error(url: str, failure: Any) -> PageError:
    kind, reason = classify_failure(failure)
    return PageError(url=url, kind=kind, reason=reason)
