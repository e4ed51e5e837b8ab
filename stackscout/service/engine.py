"""The service's one crawl: a Scrapy crawl that lives as long as the process, fed from a queue.

Starting a crawler per request would cost ~1.5 s and a browser launch each time, and a Twisted
reactor cannot be restarted (NOTES). So `CrawlEngine` runs ONE `site` crawl for the process's
whole life: its spider reads `Target`s lazily from an asyncio queue (it waits, idle, while the
queue is empty, as the batch worker's spider waits for claims), and each finished capture,
delivered by the `item_scraped` signal, resolves the future of the job that submitted it. One
Chromium (started on the first render) serves every render, one DNS cache every lookup.

The reactor runs on the service's own event loop (`stackscout.service.run`), so a request
handler submits a scan and awaits its future directly, with no thread hand-off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from crawler.items import SiteCapture
from crawler.spiders.site import Target

logger = logging.getLogger(__name__)


class EngineDown(RuntimeError):
    """Raised by `CrawlEngine.submit` (and set on waiting futures) when the crawl has ended."""


class CrawlEngine:
    def __init__(self, overrides: dict[str, Any]) -> None:
        self.overrides = overrides
        self._queue: asyncio.Queue[Target | None] = asyncio.Queue()
        self._waiting: dict[str, asyncio.Future[SiteCapture]] = {}
        self._task: asyncio.Task[None] | None = None
        self.crawler: Any = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        from scrapy import signals
        from scrapy.crawler import AsyncCrawlerRunner

        from crawler.run import crawl_settings
        from crawler.spiders.site import SiteSpider

        runner = AsyncCrawlerRunner(crawl_settings(self.overrides))
        self.crawler = runner.create_crawler(SiteSpider)
        self.crawler.signals.connect(self._scraped, signal=signals.item_scraped, weak=False)
        self._task = runner.crawl(self.crawler, targets=self._targets())
        self._task.add_done_callback(self._ended)
        # Ready once Scrapy's engine runs: `Crawler.stop_async` before that does nothing (and
        # marks the crawler stopped), so a Ctrl-C at start-up left the crawl running forever.
        deadline = asyncio.get_running_loop().time() + 60
        while self.running and not self._engine_running():
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.02)
        if not self._engine_running():
            raise EngineDown("the crawl engine did not start (see the log)")

    def _engine_running(self) -> bool:
        try:
            return bool(self.crawler.engine.running)
        except RuntimeError:  # Scrapy: "Crawler.engine is not set yet"
            return False

    def submit(self, job: str, url: str, render: str = "") -> asyncio.Future[SiteCapture]:
        """Queue one scan; the future resolves with its capture."""
        if not self.running:
            raise EngineDown("the crawl engine is not running")
        future: asyncio.Future[SiteCapture] = asyncio.get_running_loop().create_future()
        self._waiting[job] = future
        self._queue.put_nowait(Target(url=url, account={"job": job}, render=render))
        return future

    def forget(self, job: str) -> None:
        """Stop waiting for a job (timed out); its capture, if it ever comes, is dropped."""
        self._waiting.pop(job, None)

    async def _targets(self) -> AsyncIterator[Target]:
        while (target := await self._queue.get()) is not None:
            yield target

    def _scraped(self, item: Any, **_: Any) -> None:
        if not isinstance(item, SiteCapture):
            return
        future = self._waiting.pop(str(item.account.get("job", "")), None)
        if future is not None and not future.done():
            future.set_result(item)

    def _ended(self, task: asyncio.Task[None]) -> None:
        error = task.exception() if not task.cancelled() else None
        if error is not None:
            logger.error("the crawl engine stopped: %r", error)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(EngineDown("the crawl engine stopped"))
        self._waiting.clear()

    def stats(self) -> dict[str, Any]:
        if self.crawler is None or self.crawler.stats is None:
            return {}
        return dict(self.crawler.stats.get_stats())

    async def stop(self, timeout: float = 20.0) -> None:
        """End the crawl: no more targets, then Scrapy's graceful stop (closes the browser)."""
        if not self.running:
            return
        assert self._task is not None
        try:
            await self.crawler.stop_async()
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except Exception as exc:
            logger.warning("the crawl did not stop cleanly: %r", exc)
