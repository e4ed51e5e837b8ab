"""Hosts, registered domains and start URLs, with tldextract's bundled suffix list only."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, extra_suffixes=["test"])
_HOST_CHARS = re.compile(r"^[a-z0-9.-]+$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_HOST = 253


class InvalidTarget(ValueError):
    """Raised by `start_url` when a row or argument cannot be turned into a website URL."""


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """`www.shop.example.co.uk` -> `example.co.uk`; an IP address stays itself."""
    host = host.strip().strip(".").lower()
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    ext = _EXTRACT(host)
    if not ext.suffix or not ext.domain:
        return ""
    return f"{ext.domain}.{ext.suffix}"


def to_ascii(host: str) -> str:
    """IDNA-encode an internationalised host name (`bücher.de` -> `xn--bcher-kva.de`)."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InvalidTarget(f"not a valid host name: {host!r}") from exc


def start_url(text: str) -> str:
    """Turn what a user typed (`acme.com`, `https://www.acme.com/x`) into a start URL.

    As a browser does, a backslash counts as a slash (`acme.com\\@evil.com` is acme.com);
    user info and the fragment are dropped, the host is lower-cased, IDNA-encoded and loses a
    final dot. Normalising a result again gives it back unchanged.
    """
    text = text.strip().replace("\\", "/")
    if not text:
        raise InvalidTarget("empty URL")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidTarget(f"malformed URL {text!r}: {exc}") from exc
    if not parts.scheme:
        raise InvalidTarget(f"malformed URL {text!r}")
    if parts.scheme not in ("http", "https"):
        raise InvalidTarget(f"unsupported scheme {parts.scheme!r} (only http and https)")
    if port == 0:
        raise InvalidTarget(f"port 0 in {text!r}")
    host = _valid_host(to_ascii(parts.hostname or "").rstrip("."), text)
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _valid_host(host: str, text: str) -> str:
    labels = host.split(".")
    if (not host or len(host) > MAX_HOST or not _HOST_CHARS.match(host)
            or not all(_LABEL.match(label) for label in labels)):  # fmt: skip
        raise InvalidTarget(f"no valid host in {text!r}")
    for label in labels:
        if label.startswith("xn--"):
            try:
                label.encode("ascii").decode("idna")
            except UnicodeError:
                raise InvalidTarget(f"bad punycode label {label!r} in {text!r}") from None
    if not registered_domain(host):
        raise InvalidTarget(f"{host!r} is not under a public suffix")
    return host


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
