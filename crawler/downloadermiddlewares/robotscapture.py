"""Keep the body of every robots.txt the crawl fetches, for the `robots` evidence field.

Scrapy's RobotsTxtMiddleware downloads robots.txt through the downloader middlewares, so a
middleware sees the response without a second request.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

MAX_ROBOTS = 64 * 1024


class RobotsCaptureMiddleware:
    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsCaptureMiddleware:
        mw = cls()
        crawler.robots_bodies = mw.bodies  # type: ignore[attr-defined]
        return mw

    def process_response(self, request: Request, response: Response) -> Any:
        is_robots = request.url.endswith("/robots.txt") and response.status == 200
        if is_robots and isinstance(response, TextResponse):
            netloc = request.url.split("/", 3)[2]
            self.bodies[netloc] = response.text[:MAX_ROBOTS]
        return response
