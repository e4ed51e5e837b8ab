"""The `site` spider: each account's home page, then a few telling pages, one capture each.

    scrapy crawl site -a url=https://www.example.com -O result.jsonl

Library callers pass `targets`: an iterable of `Target` (read lazily, so a list of 100,000
accounts costs no memory up front).

An account's DNS lookups (`crawler.dnslookup`) start with it and run while its pages are
fetched; its capture is yielded once both are done. After a good home page the spider also
makes the site audit's two probes (`http://` redirect, `/sitemap.xml`), which are not pages.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.reactor import is_asyncio_reactor_installed

from crawler import render
from crawler.capture import (
    classify_failure,
    looks_binary,
    page_error,
    page_from_response,
    probe_from_response,
    tls_from_response,
)
from crawler.config import CrawlConfig
from crawler.dnslookup import DnsLookup, DnsResult
from crawler.domains import InvalidTarget, host_of, registered_domain, start_url
from crawler.downloadermiddlewares.deadline import DEADLINE_KEY
from crawler.items import PageError, RenderNote, SiteCapture
from crawler.links import telling_pages
from crawler.outcome import answer, settle
from crawler.renderpolicy import Decision, decide
from detectors.botwall import bot_wall
from detectors.parked import parked
from detectors.snapshot import DnsError, Probe, Site

logger = logging.getLogger(__name__)
PROBE = "probe:"
"""Prefix of the `kind` of the audit's probe requests."""

RENDER_PRIORITY = 10


@dataclass(slots=True)
class Target:
    url: str
    domain: str = ""
    account: dict[str, Any] = field(default_factory=dict)
    render: str = ""
    """This target's render policy (`never`, `auto`, `always`); empty: the crawl's. Renders
    need a crawl that may render: under `STACKSCOUT_RENDER=never` none happens."""


@dataclass(slots=True)
class _AccountCrawl:
    capture: SiteCapture
    pending: int = 1
    home_failed: bool = False
    """The home page's request failed without an HTTP answer (DNS may say why)."""
    dns: asyncio.Task[DnsResult] | None = None
    deadline: float = 0.0
    """`time.monotonic()` by which the account must be done (STACKSCOUT_ACCOUNT_TIMEOUT)."""


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(
        self,
        url: str | None = None,
        targets: Iterable[Target] | AsyncIterable[Target] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if targets is None:
            if not url:
                raise ValueError("give -a url=https://... (or targets= from Python)")
            targets = [Target(url=url)]
        self.targets = targets
        self.config = CrawlConfig()
        self.invalid: list[SiteCapture] = []
        self.dns: DnsLookup | None = None

    async def start(self) -> AsyncIterator[Any]:
        # Parsed here, not in from_crawler: add-ons (RenderAddon) update the settings after
        # the spider is created.
        self.config = CrawlConfig.from_settings(self.crawler.settings)
        if self.config.dns.enabled and is_asyncio_reactor_installed():
            self.dns = DnsLookup(self.config.dns)
        elif self.config.dns.enabled:
            logger.warning("DNS lookups need the asyncio reactor (TWISTED_REACTOR): turned off")
        async for target in _aiter(self.targets):
            try:
                url = start_url(target.url)
            except InvalidTarget as exc:
                yield self._invalid(target, str(exc))
                continue
            domain = target.domain or registered_domain(host_of(url))
            capture = SiteCapture(
                domain=domain, url=url, site=Site(domain=domain), account=target.account,
                started_at=time.time(), render=self._render_note(target.render),
            )  # fmt: skip
            deadline = time.monotonic() + self.config.account_timeout
            state = _AccountCrawl(capture, dns=self._start_dns(domain), deadline=deadline)
            yield self._request(url, "home", state)

    def _start_dns(self, domain: str) -> asyncio.Task[DnsResult] | None:
        if self.dns is None or not domain or _is_ip(domain):
            return None
        return self.dns.start(domain)

    def _render_note(self, policy: str = "") -> RenderNote:
        unavailable = self.config.render_unavailable
        if self.config.render == "never" and policy not in ("", "never"):
            unavailable = "this crawl does not render (STACKSCOUT_RENDER=never)"
        return RenderNote(policy=policy or self.config.render, available=not unavailable,
                          reason=f"rendering unavailable: {unavailable}" if unavailable else "")  # fmt: skip

    def _invalid(self, target: Target, reason: str) -> SiteCapture:
        now = time.time()
        return SiteCapture(
            domain=target.domain, url=target.url, site=Site(domain=target.domain),
            status="invalid", reason=reason, account=target.account,
            started_at=now, finished_at=now,
        )  # fmt: skip

    def _request(self, url: str, kind: str, state: _AccountCrawl) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta={"stackscout": state, "kind": kind, DEADLINE_KEY: state.deadline},
            # Never let the dupefilter drop a request: a dropped request gets neither callback
            # nor errback, so its account would never finish (two accounts whose sites share a
            # page, e.g. a brand domain redirecting to its parent, left a batch waiting forever).
            # `telling_pages` already picks each URL once per account; and the dupefilter's
            # fingerprint set would otherwise grow with the length of the account list.
            dont_filter=True,
        )

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        state: _AccountCrawl = response.meta["stackscout"]
        kind: str = response.meta["kind"]
        if kind.startswith(PROBE):
            state.capture.site.probes.append(probe_from_response(response, kind[len(PROBE) :]))
        elif kind == "home":
            state.capture.site.pages.append(page_from_response(response, kind))
            for request in self._after_home(response, state):
                yield request
        elif response.status >= 500 or response.status == 429:
            # An error page says nothing about the site: the page failed, the scan is partial.
            state.capture.errors.append(PageError(response.url, "http", answer(response, "")))
        else:
            page = page_from_response(response, kind)
            state.capture.site.pages.append(page)
            if wall := bot_wall(page):
                state.capture.errors.append(PageError(page.url, "blocked", f"bot wall: {wall}"))
        async for item in self._done(state):
            yield item

    def _after_home(self, response: Response, state: _AccountCrawl) -> Iterable[Any]:
        capture = state.capture
        page = capture.site.pages[-1]
        capture.site.tls = tls_from_response(response)
        failed = self._home_verdict(response, page)
        if failed is not None:
            capture.status, capture.reason = failed
            return
        hrefs = response.css("a::attr(href)").getall() if hasattr(response, "css") else []
        for kind, url in telling_pages(response.url, hrefs, self.config.page_budget):
            yield self._follow(url, kind, state)
        if self.config.audit_probes:
            for kind, url in self._probes(page.url, page.requested_url):
                yield self._follow(url, PROBE + kind, state)
        decision = self._render_decision(capture)
        if decision is not None:
            capture.render.rule, capture.render.reason = decision.rule, decision.reason
            if decision.render:
                state.pending += 1
                yield self._render_request(page.url, decision.reason, state)

    @staticmethod
    def _home_verdict(response: Response, page: Any) -> tuple[str, str] | None:
        """(status, reason) when the home page shows no company site, else None."""
        if wall := bot_wall(page):
            return "blocked", f"bot wall: {wall} (HTTP {page.status})"
        if page.status == 429:
            return "blocked", f"rate limited: {answer(response)}"
        if page.status >= 400:
            return "unreachable", answer(response)
        if not page.body or looks_binary(page.body):
            what = "binary data" if page.body else "no text"
            return (
                "unreachable",
                f"home page is not HTML: {what} ({page.content_type or 'no content type'})",
            )
        if parking := parked(page):
            return "parked", f"parked domain: {parking}"
        return None

    # -- rendering ----------------------------------------------------------------------

    def _render_decision(self, capture: SiteCapture) -> Decision | None:
        """What the policy says for the home page; None when rendering is off or impossible."""
        policy = capture.render.policy
        if policy == "never" or self.config.render == "never" or not capture.render.available:
            return None
        if policy == "always":
            return Decision(True, "always", "policy always")
        return decide(capture.site.pages[0], self._detector().detect_page(capture.site.pages[0]))

    def _detector(self) -> Any:
        from crawler.pipelines import shared_detector

        c = self.config
        return shared_detector(tuple(c.signatures), c.include_own_signatures, c.min_confidence)

    def _render_request(self, url: str, reason: str, state: _AccountCrawl) -> scrapy.Request:
        meta = render.request_meta(reason, user_agent=self.settings.get("USER_AGENT"),
                                   timeout_s=self.config.render_timeout,
                                   guard=self.config.netguard)  # fmt: skip
        # Ahead of the static requests in the scheduler: renders are the long pole of a crawl.
        return scrapy.Request(url, callback=self.parse_render, errback=self.render_failed,
                              meta={**meta, "stackscout": state, "kind": "render"},
                              dont_filter=True, priority=RENDER_PRIORITY)  # fmt: skip

    async def parse_render(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta
        state: _AccountCrawl = meta["stackscout"]
        note = state.capture.render
        try:
            result = await render.bounded(
                render.capture(meta["playwright_page"], meta[render.META_KEY],
                               self._detector().js_paths, settle_ms=self.config.render_settle_ms,
                               started=meta["render_started"]),
                self.config.render_timeout,
            )  # fmt: skip
        except Exception as exc:
            note.error = f"{type(exc).__name__}: {exc}"[:300]
        else:
            render.apply(state.capture.site.pages[0], result, meta["render_reason"])
            note.rendered, note.seconds = True, result.seconds
        finally:
            await _release_page(meta)
        async for item in self._done(state):
            yield item

    async def render_failed(self, failure: Any) -> AsyncIterator[Any]:
        meta = failure.request.meta
        await _release_page(meta)
        state: _AccountCrawl = meta["stackscout"]
        state.capture.render.error = f"{type(failure.value).__name__}: {failure.value}"[:300]
        async for item in self._done(state):
            yield item

    def _follow(self, url: str, kind: str, state: _AccountCrawl) -> scrapy.Request:
        state.pending += 1
        return self._request(url, kind, state)

    def _probes(self, url: str, requested: str) -> Iterable[tuple[str, str]]:
        """The audit's extra fetches: only what the crawl has not already shown."""
        parts = urlsplit(url)
        if parts.scheme == "https" and requested.startswith("https://"):
            yield "http", f"http://{parts.netloc}/"
        robots = getattr(self.crawler, "robots_bodies", {}).get(parts.netloc) or ""
        if "sitemap:" not in robots.lower():
            yield "sitemap", f"{parts.scheme}://{parts.netloc}/sitemap.xml"

    async def on_error(self, failure: Any) -> AsyncIterator[Any]:
        request = failure.request
        state: _AccountCrawl = request.meta["stackscout"]
        kind: str = request.meta["kind"]
        if kind.startswith(PROBE):
            reason = classify_failure(failure)[1]
            state.capture.site.probes.append(Probe(kind[len(PROBE) :], request.url, error=reason))
        elif kind == "home":
            state.capture.status, state.capture.reason = classify_failure(failure)
            state.home_failed = state.capture.status == "unreachable"
        else:
            state.capture.errors.append(page_error(request.url, failure))
        async for item in self._done(state):
            yield item

    async def _done(self, state: _AccountCrawl) -> AsyncIterator[SiteCapture]:
        state.pending -= 1
        if state.pending > 0:
            return
        capture = state.capture
        self._take_robots(capture)
        if state.dns is not None:
            await self._finish_dns(state.dns, capture.site)
        settle(capture, home_failed=state.home_failed)
        capture.finished_at = time.time()
        yield capture

    def _take_robots(self, capture: SiteCapture) -> None:
        bodies: dict[str, str] = getattr(self.crawler, "robots_bodies", {})
        netloc = urlsplit(capture.url).netloc
        home = urlsplit(capture.site.pages[0].url).netloc if capture.site.pages else netloc
        capture.site.robots_txt = bodies.pop(netloc, None) or bodies.get(home)
        # Drop the robots.txt bodies of the hosts it was redirected to as well (www., another
        # domain): nothing reads them, and kept they made memory grow with the list.
        for page in capture.site.pages:
            for url in (page.url, page.requested_url, *page.redirects):
                bodies.pop(urlsplit(url).netloc, None)

    async def _finish_dns(self, task: asyncio.Task[DnsResult], site: Site) -> None:
        """Wait for the account's lookups (bounded by their own budget) and keep them."""
        try:
            result = await task
        except Exception as exc:  # a bug in DNS must not lose the account
            logger.exception("DNS lookups of %s failed", site.domain)
            result = DnsResult(errors=[DnsError("*", site.domain, f"lookup failed: {exc!r}")],
                               status="failed")  # fmt: skip
        result.apply(site)
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"stackscout/dns/status/{result.status}")
            self.crawler.stats.inc_value("stackscout/dns/queries", result.queries)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def _release_page(meta: dict[str, Any]) -> None:
    """Give a render's page back to the pool (or close it when no pool lent it), and note
    what the network guard refused during the render."""
    guard = meta.get(render.GUARD_KEY)
    if guard is not None:
        meta["stackscout"].capture.render.refused = list(guard.refused)
    pool = meta.get(render.POOL_KEY)
    page = meta.get("playwright_page")
    if pool is None:
        await render.close(page)
    else:
        await pool.release(page, meta.get("playwright_context", ""), meta[render.META_KEY])


async def _aiter(items: Iterable[Target] | AsyncIterable[Target]) -> AsyncIterator[Target]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
