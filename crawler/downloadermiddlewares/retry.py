"""Scrapy's retries, spaced out per site and honouring Retry-After up to a bound.

Scrapy's RetryMiddleware sends a retry as soon as the scheduler hands it back: a site that
answered 503 or 429 gets hit again at once, and three times within a second. This subclass
keeps its rules (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS) and spaces the retries out
without stalling the crawl: it raises the site's downloader-slot delay (the same per-domain
delay DOWNLOAD_DELAY and AutoThrottle use) to the backoff and restarts the slot's clock, so
only that site waits; every other account keeps being fetched. The delay is the site's
`Retry-After` when it gives one (seconds or an HTTP date) up to STACKSCOUT_RETRY_AFTER_MAX, else
`STACKSCOUT_RETRY_BACKOFF * 2**(n-1)`; a site asking for longer is not retried (the spider
records it as rate limited), nor is a request whose account deadline would pass meanwhile.
The slot gets its own delay back with its next good response.
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

from crawler.config import RetryConfig
from crawler.downloadermiddlewares.deadline import time_left

logger = logging.getLogger(__name__)

NOT_RETRIED_KEY = "stackscout_not_retried"
"""Request meta: why a retryable response was not retried (Retry-After over the bound)."""
MAX_SLOWED = 4096
"""Slots whose normal delay and jitter are remembered; beyond that, vanished slots are dropped."""


def retry_after(response: Response) -> float | None:
    """The Retry-After header in seconds (delta-seconds or an HTTP date), or None."""
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    text = raw.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings, config: RetryConfig | None = None) -> None:
        super().__init__(settings)
        self.config = config or RetryConfig()
        self._normal: dict[str, tuple[float, float]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        middleware = cls(crawler.settings, RetryConfig.from_settings(crawler.settings))
        middleware.crawler = crawler
        return middleware

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            self._recover(request)
            return response
        asked = retry_after(response)
        if asked is not None and asked > self.config.retry_after_max:
            request.meta[NOT_RETRIED_KEY] = (
                f"Retry-After {asked:.0f} s is over STACKSCOUT_RETRY_AFTER_MAX "
                f"({self.config.retry_after_max:g} s)"
            )
            return response
        reason = response_status_message(response.status)
        return self._retry_later(request, reason, asked) or response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:  # type: ignore[override]
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        return self._retry_later(request, exception, None)

    def _retry_later(self, request: Request, reason: Any, asked: float | None) -> Request | None:
        retry = request.meta.get("retry_times", 0) + 1
        delay = asked if asked is not None else self.config.delay(retry)
        left = time_left(request)
        if left is not None and left <= delay + 1.0:
            return None  # the account's deadline would pass before the retry could finish
        new = self._retry(request, reason)
        if new is not None and delay > 0:
            self._slow_down(request, delay)
        return new

    def _slot(self, request: Request) -> tuple[str, Any]:
        try:
            downloader = self.crawler.engine.downloader
        except (RuntimeError, AttributeError):  # no engine: a component outside a crawl
            return "", None
        key = downloader.get_slot_key(request)
        return key, downloader.slots.get(key)

    def _slow_down(self, request: Request, delay: float) -> None:
        """The site's next request waits `delay` seconds from now (no jitter: a Retry-After is
        a minimum); other sites do not wait."""
        key, slot = self._slot(request)
        if slot is None:
            return
        if len(self._normal) >= MAX_SLOWED:
            self._forget_vanished()
        self._normal.setdefault(key, (slot.delay, slot.jitter))
        slot.delay, slot.jitter = max(slot.delay, delay), 0.0
        slot.lastseen = time.monotonic()
        logger.debug("%s: next request in %.1f s (backoff)", key, slot.delay)

    def _recover(self, request: Request) -> None:
        if not self._normal:
            return
        key, slot = self._slot(request)
        normal = self._normal.pop(key, None)
        if slot is not None and normal is not None:
            slot.delay, slot.jitter = normal

    def _forget_vanished(self) -> None:
        slots = self.crawler.engine.downloader.slots
        for key in [k for k in self._normal if k not in slots]:
            del self._normal[key]
