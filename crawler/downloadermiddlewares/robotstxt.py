"""Scrapy's robots.txt middleware with a bounded cache of parsed robots.txt files, whose
robots.txt requests keep to the deadline of the account that made them."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.downloadermiddlewares.deadline import DEADLINE_KEY, robots_deadlines


class BoundedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Keeps at most `STACKSCOUT_ROBOTS_CACHE` parsed robots.txt files, the oldest go first.

    Scrapy's middleware keeps the parser of every host it ever saw: over a list of 100,000
    accounts that is 100,000 parsers (1.4 KB for a five-line file, far more for big ones), so
    a batch's memory grew with the length of the list. A batch visits each host for a few
    seconds; a host evicted while still being crawled costs one more robots.txt request.

    The robots.txt request Scrapy makes for a host carries no meta of the request that needed
    it, so the deadline of that request's account is left in `robots_deadlines` for
    `AccountDeadlineMiddleware`: a robots.txt that hangs or drips cannot hold an account past
    its deadline either.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._max_parsers = max(16, crawler.settings.getint("STACKSCOUT_ROBOTS_CACHE", 2048))

    async def robot_parser(self, request: Request) -> RobotParser | None:
        if len(self._parsers) > self._max_parsers:
            self._evict()
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers and DEADLINE_KEY in request.meta:
            robots_deadlines(self.crawler)[netloc] = request.meta[DEADLINE_KEY]
        return await super().robot_parser(request)

    def _evict(self) -> None:
        """Down to three quarters of the bound (so eviction is rare), never a pending fetch."""
        excess = len(self._parsers) - self._max_parsers * 3 // 4
        done = [n for n, p in self._parsers.items() if not isinstance(p, Deferred)]
        for netloc in done[:excess]:
            del self._parsers[netloc]
