"""Batch enrichment and the long-lived worker: claim accounts, crawl them, commit results.

`enrich` = read a list, queue its accounts, then work the queue of that batch until it is
empty. `worker` = work the whole queue forever. Both claim from MongoDB, so a killed run, a
second machine or a CRM feeding `stackscout enqueue` all share one queue.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import queue
import threading
import time
from collections import deque
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
from enrich.store import Pending, Store

logger = logging.getLogger(__name__)

FLUSH_EVERY = 50
FLUSH_SECONDS = 2.0


@dataclass(slots=True)
class WorkOptions:
    batch: str | None = None
    """Only accounts of this batch; the run ends when the batch is done. None: run forever."""
    claim_size: int = 100
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
    """The spider's lazily read start targets: claims more only while few are in flight.

    Accounts are claimed `claim_size` at a time and handed to the spider one by one while
    fewer than `max_inflight` are being crawled; the claimed rest waits here (its lease is
    renewed with the others). A claim's cost grows with the number of due accounts on
    SecantusDB (a `limit` does not stop its index scan), so few large claims beat many small ones.
    """

    def __init__(self, store: Store, opts: WorkOptions, settle: Callable[[], None]) -> None:
        self.store, self.opts, self.settle = store, opts, settle
        self.inflight = 0
        self.claimed = 0
        self.ready: deque[dict[str, Any]] = deque()

    async def __aiter__(self) -> AsyncIterator[Target]:
        while True:
            if self.inflight >= self.opts.max_inflight:
                await asyncio.sleep(0.05)
                continue
            if not self.ready:
                if self.opts.stop_after is not None and self.claimed >= self.opts.stop_after:
                    return
                size = self.opts.claim_size
                if self.opts.stop_after is not None:
                    size = min(size, self.opts.stop_after - self.claimed)
                docs = self.store.claim(size, self.opts.batch)
                if not docs:
                    if self.opts.batch is not None and self.inflight == 0:
                        self.settle()  # results not yet written count as claimed
                        if not self.store.remaining(self.opts.batch):
                            return
                    await asyncio.sleep(self.opts.poll_s if self.opts.batch is None else 0.5)
                    continue
                self.claimed += len(docs)
                self.ready.extend(docs)
            doc = self.ready.popleft()
            self.inflight += 1
            account = {"token": doc["queue"]["token"]}
            yield Target(url=doc.get("url") or f"https://{doc['_id']}/", domain=doc["_id"],
                         account=account)  # fmt: skip


class _Writer:
    """Commits results in a background thread, so the crawl does not wait for the database.

    Synchronous writes in the reactor thread held the crawl still for ~20% of a batch (the
    commit and outbox replay of every 50 accounts). One thread writes the batches in order;
    at most `MAX_PENDING` wait, after which `submit` blocks (back-pressure on a slow database).
    A failed write is logged and its accounts stay claimed: the lease or the next start
    (`release_dead_local_claims`) puts them back in the queue.
    """

    MAX_PENDING = 2

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queue: queue.Queue[list[Pending] | None] = queue.Queue(self.MAX_PENDING)
        self.errors = 0
        self.thread = threading.Thread(target=self._run, name="stackscout-writer", daemon=True)
        self.thread.start()

    def submit(self, pending: list[Pending]) -> None:
        if pending:
            self.queue.put(pending)

    def drain(self) -> None:
        """Wait until everything submitted is written."""
        self.queue.join()

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()

    def _run(self) -> None:
        while (pending := self.queue.get()) is not None:
            try:
                self.store.write(pending)
            except Exception:
                self.errors += 1
                logger.exception("could not commit %d results (they will be scanned again)",
                                 len(pending))  # fmt: skip
            finally:
                self.queue.task_done()
        self.queue.task_done()


def work(store: Store, opts: WorkOptions) -> dict[str, Any]:
    """Crawl claimed accounts until the batch is done (or forever); commit every result."""
    writer = _Writer(store)
    last_flush = [time.monotonic()]

    def flush() -> None:
        writer.submit(store.take())
        last_flush[0] = time.monotonic()

    def settle() -> None:
        flush()
        writer.drain()

    claims = _Claims(store, opts, settle)

    def on_capture(capture: SiteCapture) -> None:
        claims.inflight -= 1
        token = capture.account.get("token")
        if token:
            store.add(capture.domain, token, scan_document(capture))
        if store.buffered >= FLUSH_EVERY:
            flush()
        if opts.on_capture:
            opts.on_capture(capture)

    def tick() -> None:
        if store.buffered and time.monotonic() - last_flush[0] >= FLUSH_SECONDS:
            flush()

    ticks = [(1.0, tick), (max(5.0, store.lease.total_seconds() / 3), store.renew_leases)]
    try:
        stats = run_crawl(claims, on_capture, opts.overrides, ticks=ticks)
    finally:
        settle()
        writer.close()
    store.flush()
    return stats
