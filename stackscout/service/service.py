"""Everything one running service holds: its configuration, the crawl engine, the jobs, the
store, the profiles and the limits; started and stopped with the web server (lifespan)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from crawler.domains import InvalidTarget, start_url
from crawler.guardresolver import configure, shared_guard
from crawler.netguard import Refused
from enrich.profiles import Profile
from stackscout.service.accounts import AccountStore
from stackscout.service.config import ServeConfig
from stackscout.service.engine import CrawlEngine
from stackscout.service.jobs import Jobs
from stackscout.service.security import ApiError, RateLimit, Tokens

logger = logging.getLogger(__name__)

REFUSAL_STATUS = {"invalid_url": 400, "unsupported_scheme": 400, "userinfo": 400,
                  "port_not_allowed": 403, "private_address": 403, "unresolvable": 422}  # fmt: skip


class Service:
    def __init__(self, config: ServeConfig, profiles: list[Profile]) -> None:
        self.config = config
        self.profiles = {p.id: p for p in profiles}
        self.engine = CrawlEngine(self.crawl_settings())
        self.accounts: AccountStore | None = None
        self.jobs = Jobs(self.engine, ttl=config.cache_ttl, max_jobs=config.max_jobs,
                         timeout=config.job_timeout, on_done=self._store)  # fmt: skip
        self.tokens = Tokens(config.tokens)
        self.requests = RateLimit(config.rate_per_minute, "requests")
        self.scans = RateLimit(config.scans_per_minute, "scans started")

    def crawl_settings(self) -> dict[str, Any]:
        """The crawl's settings: the guard always on, Scrapy's remote-control HTTP server (a
        second listening port) off, the operator's settings otherwise."""
        return {**self.config.crawl, "STACKSCOUT_NETGUARD_ENABLED": True,
                "REMOTE_CONTROL_ENABLED": False}  # fmt: skip

    async def start(self) -> None:
        from crawler.pipelines import shared_detector
        from crawler.run import crawl_settings

        settings = crawl_settings(self.crawl_settings())
        configure(settings)
        # Compile the signatures in a thread (1-16 s) before the crawl's pipeline asks for them.
        await asyncio.to_thread(shared_detector, tuple(settings.getlist("STACKSCOUT_SIGNATURES")),
                                settings.getbool("STACKSCOUT_INCLUDE_OWN_SIGNATURES"),
                                settings.getint("STACKSCOUT_MIN_CONFIDENCE"))  # fmt: skip
        if self.config.store:
            self.accounts = await asyncio.to_thread(
                AccountStore.open, self.config.db_uri, list(self.profiles.values())
            )
        await self.engine.start()

    async def stop(self) -> None:
        await self.jobs.drain()
        await self.engine.stop()

    async def _store(self, doc: dict[str, Any]) -> None:
        if self.accounts is None:
            return
        try:
            await asyncio.to_thread(self.accounts.commit, doc)
        except Exception:
            logger.exception("could not store the scan of %s", doc.get("domain"))

    async def target(self, text: str) -> str:
        """The start URL for what a client typed, after the network guard's checks."""
        text = text.strip()
        url = text if "://" in text else f"https://{text}"
        try:
            await shared_guard().check(url)
            normalised = start_url(url)  # IDNA may turn a name into an address: check again
            await shared_guard().check(normalised)
            return normalised
        except Refused as exc:
            raise ApiError(REFUSAL_STATUS.get(exc.code, 400), exc.code,
                           f"refused: {exc.detail}") from None  # fmt: skip
        except InvalidTarget as exc:
            raise ApiError(400, "invalid_url", str(exc)) from None

    def profile(self, profile_id: str) -> Profile:
        try:
            return self.profiles[profile_id]
        except KeyError:
            known = ", ".join(self.profiles) or "none (start with --profile FILE)"
            raise ApiError(404, "unknown_profile",
                           f"no profile {profile_id!r}; loaded: {known}") from None  # fmt: skip

    def store(self) -> AccountStore:
        if self.accounts is None:
            raise ApiError(404, "no_store", "this service runs without a database (--no-store)")
        return self.accounts
