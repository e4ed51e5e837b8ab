"""Refuse every request whose target the network guard does not allow (`crawler.netguard`).

Every request the crawl makes passes here before anything else is done for it (priority 50,
ahead of robots.txt): the home page, each redirect hop (Scrapy schedules a redirect as a new
request), robots.txt, telling pages, the audit's probes and the render's navigation. A refused
request fails with `RefusedRequest` and ends in the scan with status or error kind `refused`
and the guard's reason. Behind an outbound proxy the proxy resolves the name, so the check here
is the only one; without a proxy the connect-time resolver checks again, at connection time.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from twisted.internet.error import DNSLookupError

from crawler import guardresolver
from crawler.netguard import Guard, Refused

logger = logging.getLogger(__name__)


class RefusedRequest(IgnoreRequest):
    """Raised by `NetGuardMiddleware` for a request the network guard refuses; the message is
    the reason (`refused: ...`)."""

    def __init__(self, url: str, exc: Refused) -> None:
        super().__init__(f"refused: {url}: {exc.detail}")
        self.code = exc.code


class NetGuardMiddleware:
    def __init__(self, crawler: Crawler, guard: Guard) -> None:
        self.crawler = crawler
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetGuardMiddleware:
        if not crawler.settings.getbool("STACKSCOUT_NETGUARD_ENABLED"):
            raise NotConfigured
        from twisted.internet import reactor

        guard = guardresolver.configure(crawler.settings)
        guardresolver.install(reactor)
        return cls(crawler, guard)

    async def process_request(self, request: Request) -> None:
        try:
            await self.guard.check(request.url)
        except Refused as exc:
            self._count(exc.code)
            logger.info("refused %s: %s", request.url, exc.detail)
            raise RefusedRequest(request.url, exc) from None

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A connection the resolver refused fails as a DNS error: say why instead."""
        if isinstance(exception, DNSLookupError):
            host = (urlsplit(request.url).hostname or "").lower()
            reason = self.guard.refusals.get(host)
            if reason:
                self._count("connect")
                raise RefusedRequest(request.url, Refused("private_address", reason))

    def _count(self, code: str) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"stackscout/netguard/refused/{code}")
