"""Retries with backoff per site, Retry-After, and the per-account deadline, on the site farm."""

from __future__ import annotations

import itertools
import time
from email.utils import formatdate
from typing import Any

import pytest
import pytest_twisted
from scrapy import Spider
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler

from crawler.config import RetryConfig, account_timeout
from crawler.downloadermiddlewares.deadline import DEADLINE_KEY, AccountDeadlineMiddleware
from crawler.downloadermiddlewares.retry import BackoffRetryMiddleware, retry_after
from crawler.exceptions import AccountDeadlineReached
from crawler.run import crawl_async
from crawler.spiders.site import Target
from tests.conftest import FAST_CRAWL
from tests.farm import faults
from tests.farm.server import Farm, Site, behaviour

RETRYING = {**FAST_CRAWL, "RETRY_TIMES": 2, "STACKSCOUT_RETRY_BACKOFF": 0.5,
            "STACKSCOUT_PAGE_BUDGET": 0, "STACKSCOUT_AUDIT_PROBES": False}  # fmt: skip


def crawl(urls: list[str], **settings: Any) -> Any:
    targets = [Target(url=u) for u in urls]
    return deferred_from_coro(crawl_async(targets, {**RETRYING, **settings}))


def home_times(farm: Farm, host: str) -> list[float]:
    return [r.time for r in farm.stats.records(host) if r.path == "/"]


# -- pure parts ---------------------------------------------------------------------------


def test_retry_after_seconds_and_http_dates() -> None:
    def response(value: str) -> Response:
        return Response("https://x.test/", status=429, headers={"Retry-After": value})

    assert retry_after(response("120")) == 120.0
    in_a_minute = retry_after(response(formatdate(time.time() + 60, usegmt=True)))
    assert in_a_minute is not None and 55 <= in_a_minute <= 61
    assert retry_after(response(formatdate(time.time() - 60, usegmt=True))) == 0.0
    assert retry_after(response("soon")) is None
    assert retry_after(Response("https://x.test/")) is None


def test_backoff_doubles_up_to_its_bound() -> None:
    config = RetryConfig(backoff=1.0, backoff_max=5.0)
    assert [config.delay(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    with pytest.raises(ValueError, match="STACKSCOUT_RETRY_BACKOFF"):
        RetryConfig.from_settings(get_crawler(settings_dict={
            "STACKSCOUT_RETRY_BACKOFF": 10, "STACKSCOUT_RETRY_BACKOFF_MAX": 1}).settings)  # fmt: skip
    with pytest.raises(ValueError, match="STACKSCOUT_ACCOUNT_TIMEOUT"):
        account_timeout(get_crawler(settings_dict={"STACKSCOUT_ACCOUNT_TIMEOUT": 0}).settings)


def test_retry_after_over_the_bound_is_not_retried() -> None:
    crawler = get_crawler(Spider, settings_dict={"STACKSCOUT_RETRY_AFTER_MAX": 10})
    crawler.spider = crawler._create_spider("component")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("https://x.test/")
    response = Response(request.url, status=429, headers={"Retry-After": "3600"}, request=request)
    assert middleware.process_response(request, response) is response
    assert "over STACKSCOUT_RETRY_AFTER_MAX (10 s)" in request.meta["stackscout_not_retried"]
    short = Response(request.url, status=429, headers={"Retry-After": "5"}, request=request)
    retried = middleware.process_response(request, short)
    assert isinstance(retried, Request) and retried.meta["retry_times"] == 1


def test_deadline_cuts_the_download_timeout_then_refuses() -> None:
    middleware = AccountDeadlineMiddleware(30.0)
    request = Request("https://x.test/", meta={DEADLINE_KEY: time.monotonic() + 4,
                                                "download_timeout": 15})  # fmt: skip
    middleware.process_request(request)
    assert 3 < request.meta["download_timeout"] <= 4
    late = Request("https://x.test/", meta={DEADLINE_KEY: time.monotonic() - 1})
    with pytest.raises(AccountDeadlineReached, match=r"deadline \(30 s\)"):
        middleware.process_request(late)
    untouched = Request("https://x.test/robots.txt")
    middleware.process_request(untouched)
    assert "download_timeout" not in untouched.meta


# -- on the farm --------------------------------------------------------------------------


@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_transient_503_is_retried_with_growing_gaps(farm: Farm) -> Any:
    flaky = Site("flaky503.test", {"/": faults.flaky(2)})
    with farm.temporary_sites(flaky):
        (capture,) = yield crawl(["https://flaky503.test/"])
    assert capture.status == "ok", capture.reason
    times = home_times(farm, "flaky503.test")
    assert len(times) == 3
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] >= 0.45 and gaps[1] >= 0.95, gaps  # 0.5 s, then 1 s (backoff doubles)


@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_retry_after_delays_only_its_own_site(farm: Farm) -> Any:
    """A 429 with Retry-After: 2 delays that site by 2 s; the other accounts are not held."""
    limited = Site("limited.test", {"/": faults.flaky(1, behaviour("rate_limited", retry_after=2))})
    others = [Site(f"prompt{i}.test", {"/": faults.company_page()}) for i in range(6)]
    with farm.temporary_sites(limited, *others):
        captures = yield crawl(["https://limited.test/"] +
                               [f"https://prompt{i}.test/" for i in range(6)])  # fmt: skip
    by_domain = {c.domain: c for c in captures}
    assert by_domain["limited.test"].status == "ok", by_domain["limited.test"].reason
    first, second = home_times(farm, "limited.test")
    assert second - first >= 1.9
    prompt_done = max(by_domain[f"prompt{i}.test"].finished_at for i in range(6))
    assert prompt_done < second, "the other sites waited for the rate-limited one"


@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_a_site_that_drips_forever_ends_at_the_account_deadline(farm: Farm) -> Any:
    drip = Site("forever.test", every_path=faults.endless_drip(interval=0.1))
    started = time.monotonic()
    with farm.temporary_sites(drip):
        (capture,) = yield crawl(["https://forever.test/"], DOWNLOAD_TIMEOUT=30,
                                 STACKSCOUT_ACCOUNT_TIMEOUT=4)  # fmt: skip
    took = time.monotonic() - started
    assert capture.status == "unreachable"
    assert "timed out" in capture.reason, capture.reason
    assert capture.finished_at - capture.started_at < 4 + 2
    assert took < 15  # crawler start-up included
