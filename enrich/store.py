"""Accounts, scans and changes in MongoDB; MongoDB is also the work queue.

Collections (documented in docs/mongodb.md, schema in docs/account.schema.json):

* `accounts` — one document per registered domain: input fields, latest technologies with
  history, gaps, site-audit findings and weaknesses, scan status, fit results, and `queue`
  (the work-queue state).
* `scans` — every scan's raw detections, for history.
* `changes` — technology added/removed events and platform migrations.

Work is claimed in batches with a lease: a claim marks up to N due accounts with a fresh token
in one `update_many` filtered on the indexed queue state (atomic per document, so two workers
never hold the same account), then reads them back by token. Results are committed with an
outbox: the account update (filtered on the claim token, and on the claim still being held)
carries the scan and change documents, which are then upserted under deterministic ids and the
outbox cleared; a process killed at any point leaves either a claim (released and scanned
again) or an outbox (replayed on start), so nothing is lost or written twice.

Every operation is idempotent, so each is retried through a database outage
(`enrich.dbretry.Patience`): a claim keeps its token across attempts, a commit that already
landed matches nothing the second time.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReplaceOne, UpdateOne
from pymongo.database import Database

from enrich.accounts import Account
from enrich.dbretry import Patience
from enrich.documents import scan_summary, stack_fields
from enrich.history import merge
from enrich.processes import pid_alive

logger = logging.getLogger(__name__)

GOOD = ("ok", "partial")
WRITE_CHUNK = 500
ENQUEUE_CHUNK = 250


def utcnow() -> datetime:
    """Naive UTC, as pymongo returns dates by default, so stored and new dates compare."""
    return datetime.now(UTC).replace(tzinfo=None)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"


@dataclass(slots=True)
class EnqueueResult:
    queued: int = 0
    fresh: int = 0
    """Accounts skipped because they were scanned within the refresh interval."""


@dataclass(slots=True)
class Pending:
    domain: str
    token: str
    doc: dict[str, Any]


@dataclass(slots=True)
class WriteStats:
    writes: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


class Store:
    def __init__(
        self, db: Database[Any], *, lease_s: float = 600.0, patience: Patience | None = None
    ) -> None:
        self.db = db
        self.patience = patience or Patience()
        self.accounts = db["accounts"]
        self.scans = db["scans"]
        self.changes = db["changes"]
        self.lease = timedelta(seconds=lease_s)
        self.worker = worker_id()
        self.stats = WriteStats()
        self._buffer: list[Pending] = []
        self.after_write: Callable[[list[str]], None] | None = None
        """Called with the domains of every committed write (fit scoring, `--profile`)."""

    # -- setup -------------------------------------------------------------------------

    def ensure_indexes(self) -> None:
        self.patience.call("creating indexes", self._ensure_indexes)

    def _ensure_indexes(self) -> None:
        a = self.accounts
        a.create_index([("queue.state", ASCENDING), ("queue.due_at", ASCENDING)])
        # SecantusDB plans a find on an index only when the index holds every field of the
        # filter; otherwise it scans the collection (2 s at 3,000 accounts, on every claim). So
        # the batch index carries `due_at` too, and no find filters on a field outside one index.
        a.create_index(
            [("queue.batch", ASCENDING), ("queue.state", ASCENDING), ("queue.due_at", ASCENDING)]
        )
        a.create_index("queue.token")
        a.create_index("queue.claimed_by")
        a.create_index("tech_names")
        a.create_index("gaps")
        a.create_index("audit_weaknesses")
        a.create_index("categories_present")
        a.create_index([("scan.scanned_at", DESCENDING)])
        a.create_index("scan.status")
        a.create_index("outbox.scan_id", sparse=True)
        self.scans.create_index([("domain", ASCENDING), ("scanned_at", DESCENDING)])
        self.changes.create_index([("at", DESCENDING)])
        self.changes.create_index([("domain", ASCENDING), ("at", DESCENDING)])
        self.changes.create_index([("type", ASCENDING), ("technology", ASCENDING)])

    # -- queue -------------------------------------------------------------------------

    def enqueue(
        self, accounts: Iterable[Account], *, batch: str, refresh: timedelta, source: str = ""
    ) -> EnqueueResult:
        """Upsert accounts and queue those not scanned within `refresh` for this batch."""
        now = utcnow()
        total = 0
        chunk: list[Account] = []

        def queue(part: list[Account]) -> None:
            self.patience.call("queueing accounts", lambda: self._bulk(
                self.accounts, self._enqueue_ops(part, batch, now, now - refresh, source)))  # fmt: skip

        for acc in accounts:
            total += 1
            chunk.append(acc)
            if len(chunk) >= ENQUEUE_CHUNK:
                queue(chunk)
                chunk = []
        queue(chunk)
        queued = self.remaining(batch)
        return EnqueueResult(queued=queued, fresh=max(0, total - queued))

    def _enqueue_ops(
        self, chunk: list[Account], batch: str, now: datetime, cutoff: datetime, source: str
    ) -> list[UpdateOne]:
        """One upsert per account, plus a requeue for a pending or stale one.

        The queue states are read first (one `$in` query) so that every write filters on `_id`
        and one state by equality: an `$or` in a filter makes SecantusDB scan the whole
        collection for each operation (28 ms per account at 2,000 accounts, so enqueueing
        5,000 accounts took five minutes). An account this batch already queued (a resumed
        run: same file, same batch) is left as it is: rewriting it cost ~8 ms per account on
        SecantusDB (its indexed queue fields), 7 s per restart of a 900-account list.
        """
        if not chunk:
            return []
        known = {d["_id"]: d for d in self.accounts.find(
            {"_id": {"$in": [a.domain for a in chunk]}},
            {"queue.state": 1, "queue.batch": 1, "scan.scanned_at": 1})}  # fmt: skip
        ops: list[UpdateOne] = []
        for acc in chunk:
            if _queued_by(known.get(acc.domain), batch, cutoff):
                continue
            fields: dict[str, Any] = {"domain": acc.domain, "url": acc.url, "updated_at": now,
                                      "source": {"file": source, "row": acc.row, "batch": batch}}  # fmt: skip
            if acc.name:
                fields["name"] = acc.name
            fields.update({f"input.{k}": v for k, v in acc.input.items()})  # storable names
            ops.append(UpdateOne(
                {"_id": acc.domain},
                {"$set": fields,
                 "$setOnInsert": {"created_at": now, "queue": {"state": "pending", "due_at": now,
                                                               "batch": batch, "attempts": 0}}},
                upsert=True,
            ))  # fmt: skip
            doc = known.get(acc.domain)
            if doc is None:
                continue  # inserted pending in this batch by the upsert
            state = (doc.get("queue") or {}).get("state")
            scanned_at = (doc.get("scan") or {}).get("scanned_at")
            if state == "pending" or (
                state == "done" and (scanned_at is None or scanned_at < cutoff)
            ):
                # Filtered on what was read above: a concurrent claim or scan wins.
                still: dict[str, Any] = {"_id": acc.domain, "queue.state": state}
                if state == "done":
                    still["scan.scanned_at"] = (
                        scanned_at if scanned_at is not None else {"$exists": False}
                    )
                ops.append(UpdateOne(
                    still,
                    {"$set": {"queue.state": "pending", "queue.batch": batch, "queue.due_at": now}},
                ))  # fmt: skip
        return ops

    def release_dead_local_claims(self) -> int:
        """Claims of processes on this host that no longer run go back to the queue."""
        return self.patience.call("releasing dead claims", self._release_dead_local_claims)

    def _release_dead_local_claims(self) -> int:
        host = socket.gethostname()
        released = 0
        for doc in self.accounts.find({"queue.state": "claimed"}, {"queue.claimed_by": 1}):
            owner = str(doc["queue"].get("claimed_by", ""))
            o_host, _, rest = owner.partition(":")
            pid = rest.partition(":")[0]
            if o_host == host and pid.isdigit() and not pid_alive(int(pid)):
                released += self.accounts.update_one(
                    {"_id": doc["_id"], "queue.claimed_by": owner},
                    {"$set": {"queue.state": "pending", "queue.due_at": utcnow()}},
                ).modified_count
        return released

    def claim(self, n: int, batch: str | None = None) -> list[dict[str, Any]]:
        """Atomically take up to `n` due accounts (pending, or claimed with an expired lease)."""
        token = uuid.uuid4().hex
        return self.patience.call("claiming accounts", lambda: self._claim(n, batch, token))

    def _claim(self, n: int, batch: str | None, token: str) -> list[dict[str, Any]]:
        """One attempt; a repeat with the same token first counts what an earlier one took."""
        held = self.accounts.count_documents({"queue.token": token})
        if n - held > 0 and not self._take(n - held, batch, token) and not held:
            return []
        return list(self.accounts.find({"queue.token": token}, {"_id": 1, "url": 1, "name": 1,
                                                                 "queue.token": 1}))  # fmt: skip

    def _take(self, n: int, batch: str | None, token: str) -> int:
        """Mark up to `n` due accounts with `token`; the number of candidates found."""
        now = utcnow()
        scope = {"queue.batch": batch} if batch else {}
        due = {**scope, "queue.state": "pending", "queue.due_at": {"$lte": now}}
        expired = {**scope, "queue.state": "claimed", "queue.lease_until": {"$lt": now}}
        due_ids = [
            d["_id"] for d in self.accounts.find(due, {"_id": 1}).sort("queue.due_at", 1).limit(n)
        ]
        expired_ids: list[Any] = []
        if len(due_ids) < n:
            # All claims in scope (few: workers x claim size), expiry checked here: a filter on
            # `queue.lease_until` as well would make SecantusDB scan the collection.
            claimed = self.accounts.find({**scope, "queue.state": "claimed"},
                                         {"queue.lease_until": 1})  # fmt: skip
            expired_ids = [d["_id"] for d in claimed
                           if d["queue"].get("lease_until", now) < now][: n - len(due_ids)]  # fmt: skip
        take = {"$set": {"queue.state": "claimed", "queue.token": token,
                         "queue.claimed_by": self.worker, "queue.claimed_at": now,
                         "queue.lease_until": now + self.lease},
                "$inc": {"queue.attempts": 1}}  # fmt: skip
        # One update per kind rather than one with `$or: [due, expired]`: SecantusDB answers an
        # `$or` with a collection scan (0.7 s per claim at 5,000 accounts). Each document is
        # still taken atomically, only if it is still due or expired.
        for ids, still in ((due_ids, due), (expired_ids, expired)):
            if ids:
                self.accounts.update_many({"_id": {"$in": ids}, **still}, take)
                self.stats.writes += 1
        return len(due_ids) + len(expired_ids)

    def renew_leases(self) -> None:
        self.patience.call("renewing leases", lambda: self.accounts.update_many(
            {"queue.state": "claimed", "queue.claimed_by": self.worker},
            {"$set": {"queue.lease_until": utcnow() + self.lease}},
        ))  # fmt: skip

    def adopt(self, domain: str, url: str, *, source: str = "service") -> str:
        """Claim one account now, creating it if needed, for a scan made outside the queue
        (`stackscout serve`); returns the claim token that `write` commits under.

        A worker holding the account loses its claim: its commit then matches nothing, and
        this newer scan is the one kept.
        """
        now = utcnow()
        token = uuid.uuid4().hex
        self.accounts.update_one(
            {"_id": domain},
            {"$set": {"queue.state": "claimed", "queue.token": token,
                      "queue.claimed_by": self.worker, "queue.claimed_at": now,
                      "queue.lease_until": now + self.lease, "updated_at": now},
             "$setOnInsert": {"domain": domain, "url": url, "created_at": now,
                              "source": {"file": source, "row": 0, "batch": source}},
             "$inc": {"queue.attempts": 1}},
            upsert=True,
        )  # fmt: skip
        self.stats.writes += 1
        return token

    def remaining(self, batch: str | None = None) -> int:
        scope = {"queue.batch": batch} if batch else {}
        return self.patience.call("counting the queue", lambda: self.accounts.count_documents(
            {**scope, "queue.state": {"$in": ["pending", "claimed"]}}))  # fmt: skip

    # -- results -----------------------------------------------------------------------

    def add(self, domain: str, token: str, scan_doc: dict[str, Any]) -> None:
        """Buffer one finished scan; `flush` writes the buffer."""
        self._buffer.append(Pending(domain, token, scan_doc))

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def flush(self) -> int:
        return self.write(self.take())

    def take(self) -> list[Pending]:
        """Empty the buffer and return what it held (for `write`, possibly in another thread)."""
        pending, self._buffer = self._buffer, []
        return pending

    def give_back(self, pending: list[Pending]) -> None:
        """Put results `take` returned back in front of the buffer (the writer was busy)."""
        self._buffer[:0] = pending

    def write(self, pending: list[Pending]) -> int:
        """Commit finished scans: account updates with their outbox, then the outbox replay."""
        if not pending:
            return 0
        started = time.perf_counter()
        self.patience.call(f"committing {len(pending)} results", lambda: self._commit(pending))
        for p in pending:
            status = p.doc["status"]
            self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        self.stats.seconds += time.perf_counter() - started
        return len(pending)

    def _commit(self, pending: list[Pending]) -> None:
        """One attempt. Repeated after an outage it changes nothing already committed: each
        update is filtered on its claim being still held, which the first one ended."""
        ids = [p.domain for p in pending]
        previous = {d["_id"]: d for d in self.accounts.find(
            {"_id": {"$in": ids}}, {"technologies": 1, "last_good_scan_at": 1})}  # fmt: skip
        ops = [self._commit_op(p, previous.get(p.domain, {})) for p in pending]
        self._bulk(self.accounts, ops)
        self._replay_outbox({"_id": {"$in": ids}})
        if self.after_write is not None:
            self.after_write(ids)

    def _commit_op(self, p: Pending, prev: dict[str, Any]) -> UpdateOne:
        now = utcnow()
        doc = p.doc
        scan_id = f"{p.domain}:{p.token}"
        scan = {**doc, "_id": scan_id, "scanned_at": now}
        fields: dict[str, Any] = {"scan": scan_summary(doc, scan_id, now), "queue.state": "done",
                                  "queue.done_at": now, "updated_at": now}  # fmt: skip
        changes: list[dict[str, Any]] = []
        if doc["status"] in GOOD:
            merged = merge(prev.get("technologies", []), doc["technologies"], domain=p.domain,
                           scan_id=scan_id, now=now.isoformat(timespec="seconds"),
                           first_scan=not prev.get("last_good_scan_at"))  # fmt: skip
            changes = merged.changes
            fields.update(stack_fields(doc, merged.technologies), last_good_scan_at=now)
        fields["outbox"] = {"scan_id": scan_id, "scan": scan, "changes": changes}
        still_held = {"_id": p.domain, "queue.token": p.token, "queue.state": "claimed"}
        return UpdateOne(still_held, {"$set": fields})

    def replay_outbox(self, scope: dict[str, Any] | None = None) -> int:
        """Write out the scan and change documents left in account outboxes, then clear them."""
        return self.patience.call("replaying outboxes", lambda: self._replay_outbox(scope))

    def _replay_outbox(self, scope: dict[str, Any] | None = None) -> int:
        # `outbox.scan_id`, not `outbox`: the former is indexed (sparse), the latter a collection
        # scan on SecantusDB.
        docs = list(self.accounts.find({**(scope or {}), "outbox.scan_id": {"$exists": True}},
                                       {"outbox": 1}))  # fmt: skip
        if not docs:
            return 0
        scan_ops = [ReplaceOne({"_id": d["outbox"]["scan"]["_id"]}, d["outbox"]["scan"], upsert=True)
                    for d in docs]  # fmt: skip
        change_ops = [ReplaceOne({"_id": c["_id"]}, c, upsert=True)
                      for d in docs for c in d["outbox"]["changes"]]  # fmt: skip
        self._bulk(self.scans, scan_ops)
        self._bulk(self.changes, change_ops)
        # One update clears them all: a scan id names its account (`<domain>:<token>`), so this
        # clears exactly the outboxes just written out, never a newer one.
        for start in range(0, len(docs), WRITE_CHUNK):
            part = docs[start : start + WRITE_CHUNK]
            self.accounts.update_many(
                {"_id": {"$in": [d["_id"] for d in part]},
                 "outbox.scan_id": {"$in": [d["outbox"]["scan_id"] for d in part]}},
                {"$unset": {"outbox": ""}},
            )  # fmt: skip
            self.stats.writes += len(part)
        return len(docs)

    def _bulk(self, collection: Any, ops: list[Any]) -> None:
        for start in range(0, len(ops), WRITE_CHUNK):
            chunk = ops[start : start + WRITE_CHUNK]
            collection.bulk_write(chunk, ordered=False)
            self.stats.writes += len(chunk)


def _queued_by(doc: dict[str, Any] | None, batch: str, cutoff: datetime) -> bool:
    """The account is in `batch` already: waiting, being scanned, or scanned since `cutoff`."""
    queue = (doc or {}).get("queue") or {}
    if queue.get("batch") != batch:
        return False
    if queue.get("state") in ("pending", "claimed"):
        return True
    scanned_at = ((doc or {}).get("scan") or {}).get("scanned_at")
    return queue.get("state") == "done" and scanned_at is not None and scanned_at >= cutoff
