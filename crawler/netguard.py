"""The network guard: which URLs and addresses a crawl may reach when strangers choose targets.

A scanner that fetches any URL it is given is an open proxy into the network it runs in (cloud
metadata at 169.254.169.254, admin panels on 10.x, the database on localhost). When the guard
is on (`STACKSCOUT_NETGUARD_ENABLED`, always on in `stackscout serve`), every URL is refused
unless it is http(s), without user info, on a web port, and its host is, or resolves only to,
globally routable unicast addresses. Hosts matching `STACKSCOUT_ALLOW_HOSTS` (comma-separated
globs, e.g. `*.test,intranet.example.com`) skip the address and port checks: the operator
vouches for them.

This module is pure: parsing and classifying never touch the network, and name resolution is
done by an `AddressResolver` handed in (dnspython, with the project's configured DNS server),
so the same checks serve the service's pre-check, the crawler's downloader middleware, the
connect-time resolver (`crawler.guardresolver`) and the browser's request route.

Literal addresses are read the way browsers and `inet_aton` read them (WHATWG URL host
parsing): `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1` all are 127.0.0.1, and
`[::ffff:127.0.0.1]` is too. A host whose last label is numeric is an address or invalid,
never a name.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

WEB_PORTS = frozenset({80, 443, 8000, 8008, 8080, 8443, 8888})
"""Ports a target may name. Other ports are where non-web services listen (SMTP, databases,
Redis, SSH...): a scan has nothing to detect there, and reaching them is what an attacker
would use the scanner for."""
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_COMPAT = ipaddress.ip_network("::/96")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NUMERIC_LABEL = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")
_BAD_NETLOC = re.compile(r"[\\\s\x00-\x1f\x7f%]")
LOCAL_NAMES = ("localhost", "*.localhost", "localhost.localdomain")


class Refused(Exception):
    """Raised by the guard's checks when a URL or address may not be reached.

    `code` is a stable word for programs (`invalid_url`, `unsupported_scheme`, `userinfo`,
    `port_not_allowed`, `private_address`, `unresolvable`), `detail` a sentence for people.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    allow_hosts: tuple[str, ...] = ()
    """Host globs (lower case) that skip the address and port checks."""
    ports: frozenset[int] = WEB_PORTS
    trusted_hosts: frozenset[str] = frozenset()
    """Hosts the crawler itself connects to by configuration (the outbound proxies): the
    connect-time resolver lets them through, they are never targets."""

    @classmethod
    def from_env(cls, allow: str | None = None) -> GuardPolicy:
        text = os.environ.get("STACKSCOUT_ALLOW_HOSTS", "") if allow is None else allow
        globs = tuple(g.strip().lower().rstrip(".") for g in text.split(",") if g.strip())
        return cls(allow_hosts=globs, trusted_hosts=frozenset(proxy_hosts()))

    def allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(fnmatch.fnmatchcase(host, glob) for glob in self.allow_hosts)


def proxy_hosts() -> set[str]:
    """Hosts of the proxies named by http_proxy/https_proxy (either case)."""
    hosts = set()
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        value = os.environ.get(name, "").strip()
        if value:
            parts = urlsplit(value if "://" in value else f"http://{value}")
            if parts.hostname:
                hosts.add(parts.hostname.lower())
    return hosts


@dataclass(frozen=True, slots=True)
class Target:
    """A URL that passed the static checks: what remains is to check its host's addresses."""

    url: str
    host: str
    port: int
    address: IPAddress | None = None
    """The host as a literal address (already checked), or None for a name."""
    allowed: bool = False
    """The host matches STACKSCOUT_ALLOW_HOSTS: nothing more to check."""

    @property
    def needs_resolution(self) -> bool:
        return self.address is None and not self.allowed


def check_url(url: str, policy: GuardPolicy) -> Target:
    """Everything that can be judged without DNS; raises `Refused`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise Refused("invalid_url", f"malformed URL {url!r}: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused("unsupported_scheme",
                      f"scheme {parts.scheme or '(none)'!r} is not allowed: only http and https")  # fmt: skip
    if "@" in parts.netloc:
        raise Refused("userinfo", "URLs with user info (user:password@host) are not allowed")
    if _BAD_NETLOC.search(parts.netloc) or not parts.hostname:
        raise Refused("invalid_url", f"no valid host in {url!r}")
    host = parts.hostname.lower().rstrip(".")
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    if policy.allowed(host):
        return Target(url, host, port, allowed=True)
    address = literal_address(host)
    if address is not None:
        check_address(address, host)
    elif any(fnmatch.fnmatchcase(host, name) for name in LOCAL_NAMES):
        raise Refused("private_address", f"{host} names this machine (localhost)")
    if port not in policy.ports:
        raise Refused("port_not_allowed", f"port {port} is not allowed: only web ports "
                      f"({', '.join(map(str, sorted(policy.ports)))})")  # fmt: skip
    return Target(url, host, port, address=address)


def literal_address(host: str) -> IPAddress | None:
    """The address a host spells, in any form a browser accepts; None for a name.

    Raises `Refused` for a host that looks numeric but is no address (`1.2.3.999`): browsers
    refuse those too, and letting them through as names would let parsers disagree.
    """
    text = host.strip("[]").rstrip(".")
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            raise Refused("invalid_url", f"{host!r} is not a valid IPv6 address") from None
    labels = text.split(".")
    if not _NUMERIC_LABEL.match(labels[-1]):
        return None
    value = _inet_aton(labels)
    if value is None:
        raise Refused("invalid_url", f"{host!r} is not a valid IPv4 address")
    return ipaddress.IPv4Address(value)


def _inet_aton(labels: list[str]) -> int | None:
    """WHATWG IPv4 parsing: 1-4 parts, each decimal, octal (0...) or hex (0x...); the last
    part fills the remaining bytes."""
    if not 1 <= len(labels) <= 4:
        return None
    numbers = []
    for label in labels:
        if not _NUMERIC_LABEL.match(label):
            return None
        if label[:2].lower() == "0x":
            numbers.append(int(label[2:] or "0", 16))
        elif len(label) > 1 and label.startswith("0"):
            if not set(label) <= set("01234567"):
                return None
            numbers.append(int(label, 8))
        else:
            numbers.append(int(label))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return value


def address_problem(address: IPAddress) -> str | None:
    """Why an address may not be reached (a few words), or None for public unicast."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        inner = address_problem(embedded)
        return f"an address embedding {embedded}, {inner}" if inner else None
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "the unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.version == 4 and address in _CGNAT, "a shared (CGNAT) address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a globally routable address"),
    )
    return next((why for bad, why in checks if bad), None)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, -compatible, 6to4, Teredo or NAT64 address."""
    if address.version != 6:
        return None
    assert isinstance(address, ipaddress.IPv6Address)
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64) or (address in _COMPAT and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_address(address: IPAddress, host: str) -> None:
    problem = address_problem(address)
    if problem:
        shown = host if host == str(address) else f"{host} ({address})"
        raise Refused("private_address", f"{shown} is {problem}")


def check_addresses(host: str, addresses: Iterable[IPAddress]) -> list[IPAddress]:
    """All of a name's addresses must be public: a client may connect to any of them."""
    found = list(addresses)
    if not found:
        raise Refused("unresolvable", f"{host} has no A or AAAA record")
    for address in found:
        problem = address_problem(address)
        if problem:
            raise Refused("private_address", f"{host} resolves to {address}, {problem}")
    return found


class AddressResolver(Protocol):
    async def addresses(self, host: str) -> list[IPAddress]:
        """A and AAAA answers of `host`; raises `Refused("unresolvable", ...)` on failure."""
        ...


@dataclass(slots=True)
class Guard:
    """The policy plus a resolver: the whole check of a URL, or of a name about to be
    connected to."""

    policy: GuardPolicy
    resolver: AddressResolver
    refusals: dict[str, str] = field(default_factory=dict)
    """The latest reason each host was refused at connect time (bounded)."""

    async def check(self, url: str) -> Target:
        target = check_url(url, self.policy)
        if target.needs_resolution:
            check_addresses(target.host, await self.resolver.addresses(target.host))
        return target

    async def connect_addresses(self, host: str) -> list[IPAddress]:
        """The addresses the crawler may connect to for `host` (the proxy, an allowed host,
        or a public name). Raises `Refused`, remembering why for the error message."""
        host = host.lower().rstrip(".")
        try:
            address = literal_address(host)
            if address is not None:
                if host not in self.policy.trusted_hosts and not self.policy.allowed(host):
                    check_address(address, host)
                return [address]
            found = await self.resolver.addresses(host)
            if host in self.policy.trusted_hosts or self.policy.allowed(host):
                return found
            return check_addresses(host, found)
        except Refused as exc:
            self.remember(host, exc.detail)
            raise

    def remember(self, host: str, reason: str) -> None:
        if len(self.refusals) >= 1024:
            self.refusals.pop(next(iter(self.refusals)))
        self.refusals[host] = reason


def describe(exc: Refused, url: str = "") -> str:
    """`refused: <detail>` with the URL when it adds something."""
    return f"refused: {url}: {exc.detail}" if url else f"refused: {exc.detail}"


def as_dict(exc: Refused) -> dict[str, Any]:
    return {"error": exc.code, "detail": exc.detail}
