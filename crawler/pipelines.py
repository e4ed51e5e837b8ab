"""Item pipelines: run the detectors and the site audit on each capture."""

from __future__ import annotations

import logging
from functools import lru_cache

from scrapy.crawler import Crawler

from crawler.config import CrawlConfig
from crawler.items import GOOD_STATUSES, SiteCapture
from detectors.audit import audit_site
from detectors.engine import Detector

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def shared_detector(
    signatures: tuple[str, ...], include_own: bool, min_confidence: int
) -> Detector:
    """One compiled detector per process and signature set, reused by every crawl."""
    detector = Detector.load(
        signatures, include_own=include_own, min_confidence=min_confidence, on_error="report"
    )
    for error in detector.sigs.errors:
        logger.warning("signature left out: %s", error)
    return detector


class DetectPipeline:
    def __init__(self, config: CrawlConfig) -> None:
        self.detector = shared_detector(
            tuple(config.signatures), config.include_own_signatures, config.min_confidence
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DetectPipeline:
        return cls(CrawlConfig.from_settings(crawler.settings))

    def process_item(self, item: SiteCapture) -> SiteCapture:
        item.report = self.detector.detect_site(item.site)
        if item.report.fallback_skipped:
            logger.warning("%s: %d look-around pattern searches skipped (the page's time budget "
                           "for them ran out)", item.domain, item.report.fallback_skipped)  # fmt: skip
        if item.status in GOOD_STATUSES:  # a blocked site's missing headers say nothing
            item.report.audit = audit_site(item.site)
        logger.info(
            "%s: %s%s, %d technologies, %d pages",
            item.domain or item.url, item.status, f" ({item.reason})" if item.reason else "",
            len(item.report.technologies), len(item.site.pages),
        )  # fmt: skip
        return item
