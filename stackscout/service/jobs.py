"""Scan jobs: one per registered domain and render policy at a time, results kept for a while.

`Jobs.start` answers a running job for the same domain (the request shares its scan: one crawl
request for however many callers), a finished one younger than the cache TTL (a hit), or
submits a new scan to the crawl engine. A finished scan is turned into its scan document (the
same as `scan --json`) and handed to `on_done` (the store) in the background: a slow database
never delays the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from crawler.domains import host_of, registered_domain
from enrich.documents import scan_document
from stackscout.service.engine import CrawlEngine

logger = logging.getLogger(__name__)

MAX_KEPT = 2_000
"""Jobs remembered, oldest dropped first (a scan document is ~30 KB: ~60 MB at most)."""


class Busy(Exception):
    """Raised by `Jobs.start` when `max_jobs` scans are already running."""


@dataclass(slots=True)
class Job:
    id: str
    key: tuple[str, str]
    url: str
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None
    document: dict[str, Any] | None = None
    error: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        return "done" if self.document is not None else "running"


class Jobs:
    def __init__(
        self, engine: CrawlEngine, *, ttl: float, max_jobs: int, timeout: float,
        on_done: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
    ) -> None:  # fmt: skip
        self.engine, self.ttl, self.max_jobs, self.timeout = engine, ttl, max_jobs, timeout
        self.on_done = on_done
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._by_key: dict[tuple[str, str], Job] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    @property
    def running(self) -> int:
        return sum(1 for j in self._jobs.values() if j.status == "running")

    def start(self, url: str, render: str) -> tuple[Job, str]:
        """(the job answering this request, `hit` | `shared` | `miss`)."""
        key = (registered_domain(host_of(url)) or host_of(url), render)
        job = self._by_key.get(key)
        if job is not None and job.status == "running":
            return job, "shared"
        if job is not None and job.status == "done" and self._fresh(job):
            return job, "hit"
        if self.running >= self.max_jobs:
            raise Busy(f"{self.max_jobs} scans are running; try again shortly")
        job = Job(id=secrets.token_urlsafe(12), key=key, url=url)
        self._remember(job)
        future = self.engine.submit(job.id, url, render)
        self._spawn(self._finish(job, future))
        return job, "miss"

    def _fresh(self, job: Job) -> bool:
        return job.finished is not None and time.monotonic() - job.finished < self.ttl

    def _remember(self, job: Job) -> None:
        self._jobs[job.id] = job
        self._by_key[job.key] = job
        while len(self._jobs) > MAX_KEPT:
            _, old = self._jobs.popitem(last=False)
            if self._by_key.get(old.key) is old:
                del self._by_key[old.key]

    async def _finish(self, job: Job, future: asyncio.Future[Any]) -> None:
        try:
            capture = await asyncio.wait_for(future, self.timeout)
            job.document = scan_document(capture)
        except TimeoutError:
            self.engine.forget(job.id)
            job.error = f"the scan did not finish within {self.timeout:g} s"
        except Exception as exc:
            logger.exception("scan %s of %s failed", job.id, job.url)
            job.error = f"the scan failed: {exc}"[:300]
        job.finished = time.monotonic()
        job.done.set()
        if job.document is not None and self.on_done is not None:
            self._spawn(self.on_done(job.document))

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait(self, job: Job, seconds: float) -> bool:
        """Wait up to `seconds` for the job to end; True when it has."""
        if not job.done.is_set() and seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(job.done.wait(), seconds)
        return job.done.is_set()

    async def drain(self) -> None:
        """Wait for the background work (store commits) still running."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
