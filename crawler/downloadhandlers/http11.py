"""Scrapy's HTTP/1.1 handler with a short keep-alive for idle connections."""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler


def shorten_idle_keepalive(handler: Any, crawler: Crawler) -> None:
    """Close a kept-alive connection after `STACKSCOUT_IDLE_CONNECTION_TIMEOUT` idle seconds.

    Twisted's connection pool keeps idle connections for 240 s. A batch visits each site for a
    few seconds and never again, so at 10-15 accounts/s thousands of idle (TLS) connections
    piled up, ~110 KB each: the crawl's memory grew with the length of the list (77 MB per
    1,000 accounts). A few seconds of keep-alive still serves every page of one account.
    """
    handler._pool.cachedConnectionTimeout = crawler.settings.getint(
        "STACKSCOUT_IDLE_CONNECTION_TIMEOUT", 15
    )


class HTTP11IdleTimeoutDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        shorten_idle_keepalive(self, crawler)
