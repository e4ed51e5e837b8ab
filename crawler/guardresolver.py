"""Name resolution for the network guard: dnspython lookups, and the resolver Scrapy connects with.

`DnsAddressResolver` asks the project's configured nameservers (`STACKSCOUT_DNS_SERVER`, else
the system's) for A and AAAA. `GuardedNameResolver` is a Twisted `IHostnameResolver` built on
it and given to Scrapy (`TWISTED_DNS_RESOLVER`): it hands the connection only addresses that
passed the guard, so the address checked is the address connected to. A name that answers
public first and private a moment later (DNS rebinding) is refused at the second answer,
however it answered the earlier checks.

Scrapy installs `TWISTED_DNS_RESOLVER` only from `CrawlerProcess.start`, from the process's
settings (`crawler.run.crawl_settings` sets it when the guard is on); a crawl run by an
`AsyncCrawlerRunner` inside a running reactor (the service) gets the resolver from
`NetGuardMiddleware`, which calls `install` at start.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import Any

import dns.asyncresolver
import dns.exception
import dns.resolver

from crawler.config import DnsConfig
from crawler.dnslookup import build_resolver
from crawler.netguard import Guard, GuardPolicy, IPAddress, Refused

logger = logging.getLogger(__name__)

CACHE_SIZE = 1024


class DnsAddressResolver:
    """A and AAAA of a name through dnspython, answers cached by their TTL."""

    def __init__(self, config: DnsConfig) -> None:
        self.config = config
        self._resolver: dns.asyncresolver.Resolver | None = None

    def resolver(self) -> dns.asyncresolver.Resolver:
        if self._resolver is None:
            self._resolver = build_resolver(self.config, CACHE_SIZE)
        return self._resolver

    async def addresses(self, host: str) -> list[IPAddress]:
        answers = await asyncio.gather(self._query(host, "A"), self._query(host, "AAAA"),
                                       return_exceptions=True)  # fmt: skip
        found: list[IPAddress] = []
        errors = []
        for answer in answers:
            if isinstance(answer, BaseException):
                errors.append(answer)
            else:
                found.extend(answer)
        if not found and errors:
            raise Refused("unresolvable", f"{host} does not resolve ({_why(errors[0])})")
        if not found:
            raise Refused("unresolvable", f"{host} has no A or AAAA record")
        return found

    async def _query(self, host: str, rtype: str) -> list[IPAddress]:
        try:
            answer = await self.resolver().resolve(host, rtype, search=False)
        except dns.resolver.NoAnswer:
            return []
        return [ipaddress.ip_address(r.to_text()) for r in answer]


def _why(exc: BaseException) -> str:
    if isinstance(exc, dns.resolver.NXDOMAIN):
        return "no such domain"
    if isinstance(exc, dns.exception.Timeout):
        return "DNS timed out"
    if isinstance(exc, dns.resolver.NoNameservers):
        return "no nameserver answered"
    return f"{type(exc).__name__}: {exc}"[:120]


_GUARD: list[Guard] = []


def configure(settings: Any) -> Guard:
    """Build the process's guard from a crawl's settings (`STACKSCOUT_ALLOW_HOSTS`, else the
    environment variable; the DNS servers of `DnsConfig`). One per process: the connect-time
    resolver and the browser route, which see no crawler, use it through `shared_guard`."""
    allow = settings.get("STACKSCOUT_ALLOW_HOSTS") or None
    guard = Guard(
        GuardPolicy.from_env(allow), DnsAddressResolver(DnsConfig.from_settings(settings))
    )
    _GUARD[:] = [guard]
    return guard


def shared_guard() -> Guard:
    """The guard `configure` built, or one from the environment alone."""
    if not _GUARD:
        from scrapy.settings import Settings

        configure(Settings())
    return _GUARD[0]


class GuardedNameResolver:
    """Twisted's `IHostnameResolver`: resolves through the guard, refused names get no address.

    Twisted then fails the connection with a DNSLookupError; `NetGuardMiddleware` turns it
    into the refusal the guard remembered, so the scan says why.
    """

    def __init__(self, reactor: Any, guard: Guard | None = None) -> None:
        self.reactor = reactor
        self._guard = guard

    @property
    def guard(self) -> Guard:
        """The given guard, else the process's current one (`configure` may replace it)."""
        return self._guard or shared_guard()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedNameResolver:
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self, receiver: Any, hostName: str, portNumber: int = 0,
        addressTypes: Any = None, transportSemantics: str = "TCP",
    ) -> Any:  # fmt: skip
        from scrapy.resolver import HostResolution
        from twisted.internet.address import IPv4Address, IPv6Address
        from twisted.internet.defer import Deferred

        resolution = HostResolution(hostName)
        receiver.resolutionBegan(resolution)

        def resolved(addresses: list[IPAddress]) -> None:
            for address in addresses:
                kind = IPv4Address if address.version == 4 else IPv6Address
                receiver.addressResolved(kind("TCP", str(address), portNumber))
            receiver.resolutionComplete()

        def refused(failure: Any) -> None:
            if not failure.check(Refused):
                logger.warning("resolving %s failed: %s", hostName, failure.value)
            receiver.resolutionComplete()

        future = asyncio.ensure_future(self.guard.connect_addresses(hostName))
        Deferred.fromFuture(future).addCallbacks(resolved, refused)
        return resolution


def install(reactor: Any) -> None:
    """Make the guarded resolver the reactor's (once; later calls do nothing)."""
    if not isinstance(reactor.nameResolver, GuardedNameResolver):
        GuardedNameResolver(reactor).install_on_reactor()
