"""Run the site spider from Python: one crawl per call, one reactor per process."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from crawler.items import SiteCapture
from crawler.spiders.site import SiteSpider, Target


def crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    targets: Iterable[Target],
    on_capture: Callable[[SiteCapture], None],
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl every target, calling `on_capture` as each account finishes; return the stats."""
    process = AsyncCrawlerProcess(crawl_settings(overrides))
    crawler = process.create_crawler(SiteSpider)

    def item_scraped(item: Any, **_: Any) -> None:
        if isinstance(item, SiteCapture):
            on_capture(item)

    crawler.signals.connect(item_scraped, signal=signals.item_scraped, weak=False)
    process.crawl(crawler, targets=targets)
    process.start()
    return dict(crawler.stats.get_stats()) if crawler.stats else {}


def scan(url: str, overrides: dict[str, Any] | None = None) -> SiteCapture:
    captures: list[SiteCapture] = []
    run_crawl([Target(url=url)], captures.append, overrides)
    if not captures:
        raise RuntimeError(f"the crawl of {url} ended without a result (see the log)")
    return captures[0]
