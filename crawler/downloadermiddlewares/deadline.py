"""One deadline per account: every request of it shares the account's time budget.

Scrapy bounds each download (DOWNLOAD_TIMEOUT), not an account: a site that answers every
request just before the timeout, retried, then followed by its telling pages, could hold its
account for many minutes. The spider stamps each request with the account's deadline
(`DEADLINE_KEY`, a `time.monotonic()` value); this middleware cuts the request's
`download_timeout` to the time left, and refuses a request once none is left
(`AccountDeadlineReached`), so an account never takes much longer than STACKSCOUT_ACCOUNT_TIMEOUT.
The robots.txt request Scrapy makes for an account's host gets the account's deadline from
`robots_deadlines`, where `BoundedRobotsTxtMiddleware` leaves it.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

from crawler.config import account_timeout
from crawler.exceptions import AccountDeadlineReached

DEADLINE_KEY = "stackscout_deadline"
MIN_TIMEOUT = 0.5
"""A request with less time left than this is not worth sending."""


def robots_deadlines(crawler: Any) -> dict[str, float]:
    """netloc -> deadline of the account whose request is waiting for that host's robots.txt."""
    deadlines: dict[str, float] | None = getattr(crawler, "stackscout_robots_deadlines", None)
    if deadlines is None:
        deadlines = {}
        crawler.stackscout_robots_deadlines = deadlines
    return deadlines


def time_left(request: Request) -> float | None:
    """Seconds before the request's account deadline, or None when it has none."""
    deadline = request.meta.get(DEADLINE_KEY)
    return None if deadline is None else float(deadline) - time.monotonic()


class AccountDeadlineMiddleware:
    def __init__(self, timeout: float, robots: dict[str, float] | None = None) -> None:
        self.timeout = timeout
        self.robots = {} if robots is None else robots

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AccountDeadlineMiddleware:
        return cls(account_timeout(crawler.settings), robots_deadlines(crawler))

    def process_request(self, request: Request) -> None:
        if DEADLINE_KEY not in request.meta and request.meta.get("dont_obey_robotstxt"):
            deadline = self.robots.pop(urlparse_cached(request).netloc, None)
            if deadline is not None:
                request.meta[DEADLINE_KEY] = deadline
        left = time_left(request)
        if left is None:
            return
        if left < MIN_TIMEOUT:
            raise AccountDeadlineReached(self.timeout)
        current = request.meta.get("download_timeout")
        request.meta["download_timeout"] = left if current is None else min(float(current), left)
