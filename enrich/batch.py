"""Batch enrichment and the long-lived worker: claim accounts, crawl them, commit results.

`enrich` = read a list, queue its accounts, then work the queue of that batch until it is
empty. `worker` = work the whole queue forever. Both claim from MongoDB, so a killed run, a
second machine or a CRM feeding `stackscout enqueue` all share one queue.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from crawler.items import SiteCapture
from crawler.run import run_crawl
from crawler.spiders.site import Target
from enrich.accounts import Account, Rejected, read_accounts, write_rejects
from enrich.documents import scan_document
from enrich.store import Store

logger = logging.getLogger(__name__)

FLUSH_EVERY = 50
FLUSH_SECONDS = 2.0


@dataclass(slots=True)
class WorkOptions:
    batch: str | None = None
    """Only accounts of this batch; the run ends when the batch is done. None: run forever."""
    claim_size: int = 25
    max_inflight: int = 64
    poll_s: float = 5.0
    overrides: dict[str, Any] = field(default_factory=dict)
    on_capture: Callable[[SiteCapture], None] | None = None
    stop_after: int | None = None
    """Stop claiming after this many accounts (for tests and bounded workers)."""


@dataclass(slots=True)
class BatchSummary:
    batch: str
    rows: int = 0
    rejected: int = 0
    queued: int = 0
    fresh: int = 0
    scanned: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    db_writes: int = 0
    rejects_file: str = ""


def batch_id(path: Path) -> str:
    """Same file content, same batch: re-running a list resumes it."""
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def prepare(store: Store) -> None:
    """Indexes, then recovery of whatever a killed process left behind."""
    store.ensure_indexes()
    replayed = store.replay_outbox()
    released = store.release_dead_local_claims()
    if replayed or released:
        logger.info("recovered: %d outboxes replayed, %d dead claims released", replayed, released)


def enqueue_file(
    store: Store, path: Path, *, refresh: timedelta, rejects_path: Path | None = None
) -> BatchSummary:
    summary = BatchSummary(batch=batch_id(path))
    rejects: list[Rejected] = []

    def accounts() -> Any:
        for item in read_accounts(path):
            summary.rows += 1
            if isinstance(item, Account):
                yield item
            else:
                rejects.append(item)

    result = store.enqueue(accounts(), batch=summary.batch, refresh=refresh, source=str(path))
    summary.queued, summary.fresh, summary.rejected = result.queued, result.fresh, len(rejects)
    if rejects:
        target = rejects_path or path.with_name(path.stem + ".rejects.csv")
        write_rejects(target, rejects)
        summary.rejects_file = str(target)
    return summary


class _Claims:
    """The spider's lazily read start targets: claims more only while few are in flight."""

    def __init__(self, store: Store, opts: WorkOptions) -> None:
        self.store, self.opts = store, opts
        self.inflight = 0
        self.claimed = 0

    async def __aiter__(self) -> AsyncIterator[Target]:
        while self.opts.stop_after is None or self.claimed < self.opts.stop_after:
            if self.inflight >= self.opts.max_inflight:
                await asyncio.sleep(0.05)
                continue
            size = self.opts.claim_size
            if self.opts.stop_after is not None:
                size = min(size, self.opts.stop_after - self.claimed)
            docs = self.store.claim(size, self.opts.batch)
            if not docs:
                if (
                    self.opts.batch is not None
                    and self.inflight == 0
                    and not self.store.remaining(self.opts.batch)
                ):
                    return
                await asyncio.sleep(self.opts.poll_s if self.opts.batch is None else 0.5)
                continue
            for doc in docs:
                self.inflight += 1
                self.claimed += 1
                account = {"token": doc["queue"]["token"]}
                yield Target(url=doc.get("url") or f"https://{doc['_id']}/", domain=doc["_id"],
                             account=account)  # fmt: skip


def work(store: Store, opts: WorkOptions) -> dict[str, Any]:
    """Crawl claimed accounts until the batch is done (or forever); commit every result."""
    claims = _Claims(store, opts)
    last_flush = [time.monotonic()]

    def on_capture(capture: SiteCapture) -> None:
        claims.inflight -= 1
        token = capture.account.get("token")
        if token:
            store.add(capture.domain, token, scan_document(capture))
        if store.buffered >= FLUSH_EVERY:
            flush()
        if opts.on_capture:
            opts.on_capture(capture)

    def flush() -> None:
        store.flush()
        last_flush[0] = time.monotonic()

    def tick() -> None:
        if store.buffered and time.monotonic() - last_flush[0] >= FLUSH_SECONDS:
            flush()

    ticks = [(1.0, tick), (max(5.0, store.lease.total_seconds() / 3), store.renew_leases)]
    stats = run_crawl(claims, on_capture, opts.overrides, ticks=ticks)
    store.flush()
    return stats
