"""Accounts, scans and changes in MongoDB; MongoDB is also the work queue.

Collections (documented in docs/mongodb.md, schema in docs/account.schema.json):

* `accounts` — one document per registered domain: input fields, latest technologies with
  history, gaps, scan status, fit results, and `queue` (the work-queue state).
* `scans` — every scan's raw detections, for history.
* `changes` — technology added/removed events and platform migrations.

Work is claimed in batches with a lease: a claim marks up to N due accounts with a fresh token
in one `update_many` filtered on the indexed queue state (atomic per document, so two workers
never hold the same account), then reads them back by token. Results are committed with an
outbox: the account update (filtered on the claim token) carries the scan and change documents,
which are then upserted under deterministic ids and the outbox cleared; a process killed at any
point leaves either a claim (released and scanned again) or an outbox (replayed on start), so
nothing is lost or written twice.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReplaceOne, UpdateOne
from pymongo.database import Database

from enrich.accounts import Account
from enrich.history import merge

logger = logging.getLogger(__name__)

GOOD = ("ok", "partial")
WRITE_CHUNK = 500


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
    def __init__(self, db: Database[Any], *, lease_s: float = 600.0) -> None:
        self.db = db
        self.accounts = db["accounts"]
        self.scans = db["scans"]
        self.changes = db["changes"]
        self.lease = timedelta(seconds=lease_s)
        self.worker = worker_id()
        self.stats = WriteStats()
        self._buffer: list[Pending] = []

    # -- setup -------------------------------------------------------------------------

    def ensure_indexes(self) -> None:
        a = self.accounts
        a.create_index([("queue.state", ASCENDING), ("queue.due_at", ASCENDING)])
        a.create_index([("queue.batch", ASCENDING), ("queue.state", ASCENDING)])
        a.create_index("queue.token")
        a.create_index("queue.claimed_by")
        a.create_index("tech_names")
        a.create_index("gaps")
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
        ops: list[UpdateOne] = []
        now = utcnow()
        total = 0
        for acc in accounts:
            total += 1
            ops += self._enqueue_ops(acc, batch, now, now - refresh, source)
            if len(ops) >= WRITE_CHUNK:
                self._bulk(self.accounts, ops)
                ops = []
        self._bulk(self.accounts, ops)
        queued = self.remaining(batch)
        return EnqueueResult(queued=queued, fresh=max(0, total - queued))

    def _enqueue_ops(
        self, acc: Account, batch: str, now: datetime, cutoff: datetime, source: str
    ) -> list[UpdateOne]:
        fields: dict[str, Any] = {"domain": acc.domain, "url": acc.url, "updated_at": now,
                                  "source": {"file": source, "row": acc.row, "batch": batch}}  # fmt: skip
        if acc.name:
            fields["name"] = acc.name
        fields.update({f"input.{k.replace('.', '_').lstrip('$')}": v for k, v in acc.input.items()})
        upsert = UpdateOne(
            {"_id": acc.domain},
            {"$set": fields,
             "$setOnInsert": {"created_at": now, "queue": {"state": "pending", "due_at": now,
                                                           "batch": batch, "attempts": 0}}},
            upsert=True,
        )  # fmt: skip
        requeue = UpdateOne(
            {"_id": acc.domain, "$or": [
                {"queue.state": "pending"},
                {"queue.state": "done", "scan.scanned_at": {"$lt": cutoff}},
                {"queue.state": "done", "scan.scanned_at": {"$exists": False}},
            ]},
            {"$set": {"queue.state": "pending", "queue.batch": batch, "queue.due_at": now}},
        )  # fmt: skip
        return [upsert, requeue]

    def release_dead_local_claims(self) -> int:
        """Claims of processes on this host that no longer run go back to the queue."""
        host = socket.gethostname()
        released = 0
        for doc in self.accounts.find({"queue.state": "claimed"}, {"queue.claimed_by": 1}):
            owner = str(doc["queue"].get("claimed_by", ""))
            o_host, _, rest = owner.partition(":")
            pid = rest.partition(":")[0]
            if o_host == host and pid.isdigit() and not _alive(int(pid)):
                released += self.accounts.update_one(
                    {"_id": doc["_id"], "queue.claimed_by": owner},
                    {"$set": {"queue.state": "pending", "queue.due_at": utcnow()}},
                ).modified_count
        return released

    def claim(self, n: int, batch: str | None = None) -> list[dict[str, Any]]:
        """Atomically take up to `n` due accounts (pending, or claimed with an expired lease)."""
        now = utcnow()
        scope = {"queue.batch": batch} if batch else {}
        due = {**scope, "queue.state": "pending", "queue.due_at": {"$lte": now}}
        expired = {**scope, "queue.state": "claimed", "queue.lease_until": {"$lt": now}}
        ids = [
            d["_id"] for d in self.accounts.find(due, {"_id": 1}).sort("queue.due_at", 1).limit(n)
        ]
        if len(ids) < n:
            ids += [d["_id"] for d in self.accounts.find(expired, {"_id": 1}).limit(n - len(ids))]
        if not ids:
            return []
        token = uuid.uuid4().hex
        self.accounts.update_many(
            {"_id": {"$in": ids}, "$or": [due, expired]},
            {"$set": {"queue.state": "claimed", "queue.token": token,
                      "queue.claimed_by": self.worker, "queue.claimed_at": now,
                      "queue.lease_until": now + self.lease},
             "$inc": {"queue.attempts": 1}},
        )  # fmt: skip
        self.stats.writes += 1
        return list(self.accounts.find({"queue.token": token}, {"_id": 1, "url": 1, "name": 1,
                                                                 "queue.token": 1}))  # fmt: skip

    def renew_leases(self) -> None:
        self.accounts.update_many(
            {"queue.state": "claimed", "queue.claimed_by": self.worker},
            {"$set": {"queue.lease_until": utcnow() + self.lease}},
        )

    def remaining(self, batch: str | None = None) -> int:
        scope = {"queue.batch": batch} if batch else {}
        return self.accounts.count_documents(
            {**scope, "queue.state": {"$in": ["pending", "claimed"]}}
        )

    # -- results -----------------------------------------------------------------------

    def add(self, domain: str, token: str, scan_doc: dict[str, Any]) -> None:
        """Buffer one finished scan; `flush` writes the buffer."""
        self._buffer.append(Pending(domain, token, scan_doc))

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def flush(self) -> int:
        if not self._buffer:
            return 0
        started = time.perf_counter()
        pending, self._buffer = self._buffer, []
        ids = [p.domain for p in pending]
        previous = {d["_id"]: d for d in self.accounts.find(
            {"_id": {"$in": ids}}, {"technologies": 1, "scan.scanned_at": 1})}  # fmt: skip
        ops = [self._commit_op(p, previous.get(p.domain, {})) for p in pending]
        self._bulk(self.accounts, ops)
        self.replay_outbox({"_id": {"$in": ids}})
        for p in pending:
            status = p.doc["status"]
            self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        self.stats.seconds += time.perf_counter() - started
        return len(pending)

    def _commit_op(self, p: Pending, prev: dict[str, Any]) -> UpdateOne:
        now = utcnow()
        doc = p.doc
        scan_id = f"{p.domain}:{p.token}"
        scan = {**doc, "_id": scan_id, "scanned_at": now}
        fields: dict[str, Any] = {
            "scan": {"id": scan_id, "status": doc["status"], "reason": doc["reason"],
                     "scanned_at": now, "duration_s": doc["duration_s"],
                     "pages_fetched": len(doc["pages"]),
                     "pages_rendered": sum(1 for pg in doc["pages"] if pg["rendered"]),
                     "final_url": doc["final_url"], "errors": doc["errors"][:10]},
            "queue.state": "done", "queue.done_at": now, "updated_at": now,
        }  # fmt: skip
        changes: list[dict[str, Any]] = []
        if doc["status"] in GOOD:
            merged = merge(prev.get("technologies", []), doc["technologies"], domain=p.domain,
                           scan_id=scan_id, now=now.isoformat(timespec="seconds"),
                           first_scan=not prev.get("scan"))  # fmt: skip
            changes = merged.changes
            fields.update({
                "technologies": merged.technologies,
                "tech_names": [t["name"] for t in merged.technologies],
                "categories_present": sorted({c for t in merged.technologies for c in t["categories"]}),
                "gaps": doc["gaps"] or [],
                "last_good_scan_at": now,
            })  # fmt: skip
        fields["outbox"] = {"scan_id": scan_id, "scan": scan, "changes": changes}
        return UpdateOne({"_id": p.domain, "queue.token": p.token}, {"$set": fields})

    def replay_outbox(self, scope: dict[str, Any] | None = None) -> int:
        """Write out the scan and change documents left in account outboxes, then clear them."""
        docs = list(self.accounts.find({**(scope or {}), "outbox": {"$exists": True}},
                                       {"outbox": 1}))  # fmt: skip
        if not docs:
            return 0
        scan_ops = [ReplaceOne({"_id": d["outbox"]["scan"]["_id"]}, d["outbox"]["scan"], upsert=True)
                    for d in docs]  # fmt: skip
        change_ops = [ReplaceOne({"_id": c["_id"]}, c, upsert=True)
                      for d in docs for c in d["outbox"]["changes"]]  # fmt: skip
        self._bulk(self.scans, scan_ops)
        self._bulk(self.changes, change_ops)
        clear = [UpdateOne({"_id": d["_id"], "outbox.scan_id": d["outbox"]["scan_id"]},
                           {"$unset": {"outbox": ""}}) for d in docs]  # fmt: skip
        self._bulk(self.accounts, clear)
        return len(docs)

    def _bulk(self, collection: Any, ops: list[Any]) -> None:
        for start in range(0, len(ops), WRITE_CHUNK):
            chunk = ops[start : start + WRITE_CHUNK]
            collection.bulk_write(chunk, ordered=False)
            self.stats.writes += len(chunk)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
