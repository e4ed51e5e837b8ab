"""scrapy-playwright's handler: renders requests marked `meta["playwright"]`, and hands every
other request to Scrapy's HTTP/1.1 handler (with the short idle keep-alive)."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.downloadhandlers.http11 import shorten_idle_keepalive


class PlaywrightIdleTimeoutDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        shorten_idle_keepalive(self, crawler)
