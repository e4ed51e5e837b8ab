"""Run the site spider from Python: one crawl per call, one reactor per process."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from typing import Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from twisted.internet import task

from crawler.items import SiteCapture
from crawler.spiders.site import SiteSpider, Target


def crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    if settings.getbool("STACKSCOUT_NETGUARD_ENABLED"):
        # The process's settings, not a crawler's: CrawlerProcess installs the resolver
        # before any crawler (and its add-ons) exists.
        settings.set("TWISTED_DNS_RESOLVER", "crawler.guardresolver.GuardedNameResolver",
                     priority="cmdline")  # fmt: skip
    return settings


def run_crawl(
    targets: Iterable[Target] | AsyncIterable[Target],
    on_capture: Callable[[SiteCapture], None],
    overrides: dict[str, Any] | None = None,
    ticks: Sequence[tuple[float, Callable[[], None]]] = (),
) -> dict[str, Any]:
    """Crawl every target, calling `on_capture` as each account finishes; return the stats.

    `ticks` are (seconds, function) pairs run periodically in the reactor while it crawls.
    """
    process = AsyncCrawlerProcess(crawl_settings(overrides))
    loops = [task.LoopingCall(fn) for _, fn in ticks]
    for loop, (interval, _) in zip(loops, ticks, strict=True):
        loop.start(interval, now=False)
    crawler = process.create_crawler(SiteSpider)

    def item_scraped(item: Any, **_: Any) -> None:
        if isinstance(item, SiteCapture):
            on_capture(item)

    crawler.signals.connect(item_scraped, signal=signals.item_scraped, weak=False)
    process.crawl(crawler, targets=targets)
    process.start()
    for loop in loops:
        if loop.running:
            loop.stop()
    return dict(crawler.stats.get_stats()) if crawler.stats else {}


def scan(url: str, overrides: dict[str, Any] | None = None) -> SiteCapture:
    captures: list[SiteCapture] = []
    run_crawl([Target(url=url)], captures.append, overrides)
    if not captures:
        raise RuntimeError(f"the crawl of {url} ended without a result (see the log)")
    return captures[0]


async def crawl_async(
    targets: Iterable[Target] | AsyncIterable[Target],
    overrides: dict[str, Any] | None = None,
) -> list[SiteCapture]:
    """Crawl inside an already running reactor (tests, long-lived services)."""
    from scrapy.crawler import AsyncCrawlerRunner

    captures: list[SiteCapture] = []
    runner = AsyncCrawlerRunner(crawl_settings(overrides))
    crawler = runner.create_crawler(SiteSpider)

    def item_scraped(item: Any, **_: Any) -> None:
        if isinstance(item, SiteCapture):
            captures.append(item)

    crawler.signals.connect(item_scraped, signal=signals.item_scraped, weak=False)
    await runner.crawl(crawler, targets=targets)
    return captures
