"""scrapy-playwright's handler: renders requests marked `meta["playwright"]`, and hands every
other request to Scrapy's HTTP/1.1 handler (with the short idle keep-alive)."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.downloadhandlers.http11 import shorten_idle_keepalive


class PlaywrightIdleTimeoutDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """One instance per crawler serves both schemes: Scrapy builds a handler per scheme, and
    each scrapy-playwright handler starts its own Playwright driver and browser (two browsers
    for a list with http:// and https:// sites)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        shorten_idle_keepalive(self, crawler)
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PlaywrightIdleTimeoutDownloadHandler:
        shared: PlaywrightIdleTimeoutDownloadHandler | None = getattr(crawler, _SHARED, None)
        if shared is None:
            shared = cls(crawler)
            setattr(crawler, _SHARED, shared)
        return shared

    async def close(self) -> None:
        if not self._closed:  # called once per scheme
            self._closed = True
            await super().close()


_SHARED = "stackscout_playwright_handler"
