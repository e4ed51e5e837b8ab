"""Lend each render a browser page from the crawl's `PagePool` when it is about to be sent."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request

from crawler.render import POOL_KEY, PagePool


class RenderPagesMiddleware:
    """Waits for a free render slot, then sets the page (or a new context) of the request.

    Taking the slot here, when the downloader is about to send the render, rather than when
    the spider creates the request, means a render waiting in the scheduler holds no page.
    The spider gives the page back (`PagePool.release`, through `meta[POOL_KEY]`) once the
    render is captured or has failed. Off when the render policy is `never`.
    """

    def __init__(self, size: int) -> None:
        self.pool = PagePool(size)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderPagesMiddleware:
        if crawler.settings.get("STACKSCOUT_RENDER", "auto") == "never":
            raise NotConfigured
        return cls(crawler.settings.getint("STACKSCOUT_RENDER_MAX_PAGES", 4))

    async def process_request(self, request: Request) -> None:
        if not request.meta.get("playwright") or POOL_KEY in request.meta:
            return
        page, context = await self.pool.acquire()
        request.meta[POOL_KEY] = self.pool
        request.meta["playwright_context"] = context
        if page is not None:
            request.meta["playwright_page"] = page
