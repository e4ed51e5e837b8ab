"""Turn Scrapy responses into detector snapshots, and failures into page errors."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import NameOID
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler.downloadermiddlewares.netguard import RefusedRequest
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


_REASONS = [
    ("DNSLookupError", "DNS lookup failed (no such domain)"),
    ("ConnectionRefused", "connection refused"),
    ("TimeoutError", "timed out"),
    ("TCPTimedOut", "timed out"),
    ("took longer than", "timed out"),
    ("TunnelError", "the proxy could not connect to the site"),
    ("maxsize", "response larger than DOWNLOAD_MAXSIZE"),
    ("SSL", "TLS handshake failed"),
    ("ConnectionDone", "connection closed by the server"),
    ("ConnectionLost", "connection lost"),
    ("ResponseNeverReceived", "no response received"),
]


def classify_failure(failure: Any) -> tuple[str, str]:
    """(status, reason) for a failed request: refused, robots_disallowed or unreachable."""
    exc = failure.value
    if failure.check(RefusedRequest):
        return "refused", str(exc)
    if failure.check(IgnoreRequest):
        text = str(exc) or "request ignored"
        if "robots.txt" in text:
            return "robots_disallowed", "forbidden by robots.txt"
        return "unreachable", text
    text = f"{type(exc).__name__}: {exc}"
    for needle, reason in _REASONS:
        if needle.lower() in text.lower():
            return "unreachable", reason
    return "unreachable", text[:300]


def page_error(url: str, failure: Any) -> PageError:
    kind, reason = classify_failure(failure)
    return PageError(url=url, kind=kind, reason=reason)
