"""Batch enrichment and the long-lived worker: claim accounts, crawl them, commit results.

`enrich` = read a list, queue its accounts, then work the queue of that batch until it is
empty. `worker` = work the whole queue forever. Both claim from MongoDB, so a killed run, a
second machine or a CRM feeding `stackscout enqueue` all share one queue.

The crawl never waits for the database: claims, lease renewals and commits run in threads,
and each rides out an outage (`enrich.dbretry`); meanwhile the accounts already claimed are
crawled and their results kept. An outage longer than the budget stops the run with
`DatabaseUnavailable` once the accounts in flight are done.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from twisted.internet import threads

from crawler.items import SiteCapture
from crawler.run import run_crawl
from crawler.spiders.site import Target
from enrich.accounts import Account, Rejected, read_accounts, write_rejects
from enrich.dbretry import DatabaseUnavailable
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
    Claims run in a thread: during a database outage the accounts in flight go on.
    """

    def __init__(
        self, store: Store, opts: WorkOptions, settle: Callable[[], Awaitable[None]],
        halted: Callable[[], bool] = lambda: False,
    ) -> None:  # fmt: skip
        self.store, self.opts, self.settle, self.halted = store, opts, settle, halted
        self.inflight = 0
        self.claimed = 0
        self.ready: deque[dict[str, Any]] = deque()
        self.failure: Exception | None = None

    async def __aiter__(self) -> AsyncIterator[Target]:
        while self.failure is None and not self.halted():
            if self.inflight >= self.opts.max_inflight:
                await asyncio.sleep(0.05)
                continue
            if not self.ready and not await self._refill():
                return
            if not self.ready:
                continue
            doc = self.ready.popleft()
            self.inflight += 1
            account = {"token": doc["queue"]["token"]}
            yield Target(url=doc.get("url") or f"https://{doc['_id']}/", domain=doc["_id"],
                         account=account)  # fmt: skip

    async def _refill(self) -> bool:
        """Claim more; False when there is nothing more to do (or the database is gone)."""
        if self.opts.stop_after is not None and self.claimed >= self.opts.stop_after:
            return False
        size = self.opts.claim_size
        if self.opts.stop_after is not None:
            size = min(size, self.opts.stop_after - self.claimed)
        docs = await self._db(self.store.claim, size, self.opts.batch)
        if docs is None:
            return False
        if docs:
            self.claimed += len(docs)
            self.ready.extend(docs)
            return True
        if self.opts.batch is not None and self.inflight == 0:
            await self.settle()  # results not yet written count as claimed
            left = await self._db(self.store.remaining, self.opts.batch)
            if not left:
                return False
        await asyncio.sleep(self.opts.poll_s if self.opts.batch is None else 0.5)
        return self.failure is None

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args)
        except Exception as exc:  # an outage past its budget, or a bug: stop claiming, say so
            self.failure = exc
            logger.error("%s: no more accounts are claimed; the %d in flight finish", exc,
                         self.inflight, exc_info=not isinstance(exc, DatabaseUnavailable))  # fmt: skip
            return None


class _Writer:
    """Commits results in a background thread, so the crawl does not wait for the database.

    Synchronous writes in the reactor thread held the crawl still for ~20% of a batch (the
    commit and outbox replay of every 50 accounts). One thread writes the batches in order;
    `submit` never blocks: with `MAX_PENDING` batches waiting (a slow or absent database) it
    refuses, and the caller keeps the results for later. A failed write is logged and its
    accounts stay claimed: the lease or the next start (`release_dead_local_claims`) puts them
    back in the queue. After `DatabaseUnavailable` nothing more is written (`failure`).
    """

    MAX_PENDING = 2

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queue: queue.Queue[list[Pending] | None] = queue.Queue(self.MAX_PENDING)
        self.errors = 0
        self.failure: DatabaseUnavailable | None = None
        self.thread = threading.Thread(target=self._run, name="stackscout-writer", daemon=True)
        self.thread.start()

    def submit(self, pending: list[Pending]) -> bool:
        """Queue results for the writer; False when it already has enough waiting."""
        if not pending:
            return True
        try:
            self.queue.put_nowait(pending)
        except queue.Full:
            return False
        return True

    def drain(self) -> None:
        """Wait until everything submitted is written."""
        self.queue.join()

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()

    def _run(self) -> None:
        while (pending := self.queue.get()) is not None:
            try:
                if self.failure is None:
                    self.store.write(pending)
            except DatabaseUnavailable as exc:
                self.failure = exc
                logger.error("%s: %d results not committed (their accounts are scanned again "
                             "by the next run)", exc, len(pending))  # fmt: skip
            except Exception:
                self.errors += 1
                logger.exception("could not commit %d results (they will be scanned again)",
                                 len(pending))  # fmt: skip
            finally:
                self.queue.task_done()
        self.queue.task_done()


def work(store: Store, opts: WorkOptions) -> dict[str, Any]:
    """Crawl claimed accounts until the batch is done (or forever); commit every result.

    Raises `DatabaseUnavailable` when the database stayed away longer than its budget.
    """
    writer = _Writer(store)
    last_flush = [time.monotonic()]

    def flush() -> None:
        pending = store.take()
        if not writer.submit(pending):
            store.give_back(pending)
        last_flush[0] = time.monotonic()

    async def settle() -> None:
        while store.buffered and writer.failure is None:
            flush()
            if store.buffered:
                await asyncio.sleep(0.1)
        await asyncio.to_thread(writer.drain)

    claims = _Claims(store, opts, settle, halted=lambda: writer.failure is not None)

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

    ticks = [(1.0, tick), (max(5.0, store.lease.total_seconds() / 3), lambda: _renew(store))]
    try:
        stats = run_crawl(claims, on_capture, opts.overrides, ticks=ticks)
    finally:
        writer.drain()
        if writer.failure is None:
            writer.queue.put(store.take())  # the reactor has stopped: blocking is fine now
        writer.close()
    failure = writer.failure or claims.failure
    if failure is not None:
        raise failure
    store.flush()
    return stats


def _renew(store: Store) -> Any:
    """Renew the leases in a thread (a Deferred the looping call waits for); never raises."""

    def renew() -> None:
        try:
            store.renew_leases()
        except Exception as exc:  # the next renewal or the lease itself covers a miss
            logger.error("could not renew the leases: %s", exc)

    return threads.deferToThread(renew)
