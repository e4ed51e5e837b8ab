"""Scrapy's robots.txt middleware with a bounded cache of parsed robots.txt files."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from twisted.internet.defer import Deferred


class BoundedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Keeps at most `STACKSCOUT_ROBOTS_CACHE` parsed robots.txt files, the oldest go first.

    Scrapy's middleware keeps the parser of every host it ever saw: over a list of 100,000
    accounts that is 100,000 parsers (1.4 KB for a five-line file, far more for big ones), so
    a batch's memory grew with the length of the list. A batch visits each host for a few
    seconds; a host evicted while still being crawled costs one more robots.txt request.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._max_parsers = max(16, crawler.settings.getint("STACKSCOUT_ROBOTS_CACHE", 2048))

    async def robot_parser(self, request: Request) -> RobotParser | None:
        if len(self._parsers) > self._max_parsers:
            self._evict()
        return await super().robot_parser(request)

    def _evict(self) -> None:
        """Down to three quarters of the bound (so eviction is rare), never a pending fetch."""
        excess = len(self._parsers) - self._max_parsers * 3 // 4
        done = [n for n, p in self._parsers.items() if not isinstance(p, Deferred)]
        for netloc in done[:excess]:
            del self._parsers[netloc]
