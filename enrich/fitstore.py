"""Fit results in MongoDB: score stored accounts and write `fit.<profile id>` back.

Scoring reads only what is stored (account documents and their `changes`), so re-scoring after
a profile edit needs no crawl: `stackscout score --profile FILE`. The batch calls the same code
for the accounts it has just committed when given `--profile` (`scoring_hook`).

Writes are bulk `UpdateOne`s filtered on `_id` alone: SecantusDB answers an `$or` (or any filter
no single index covers) with a collection scan, see `enrich/store.py`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.database import Database

from enrich.fit import score, utcnow
from enrich.profiles import Profile

logger = logging.getLogger(__name__)

CHUNK = 500
PROJECTION = {"outbox": 0, "fit": 0}
"""What scoring reads of an account: everything but the outbox and the old results."""


@dataclass(slots=True)
class ProfileSummary:
    profile: str
    version: str
    scored: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    disqualified: int = 0
    clusters: int = 0


@dataclass(slots=True)
class ScoreSummary:
    accounts: int = 0
    seconds: float = 0.0
    profiles: dict[str, ProfileSummary] = field(default_factory=dict)


def ensure_fit_indexes(db: Database[Any], profile: Profile) -> None:
    """Indexes for the queries on one profile's results (tier lists, top scores)."""
    prefix = f"fit.{profile.id}"
    db["accounts"].create_index(f"{prefix}.tier")
    db["accounts"].create_index([(f"{prefix}.score", DESCENDING)])


def score_stored(
    db: Database[Any], profiles: list[Profile], *, domains: Iterable[str] | None = None,
    now: datetime | None = None, indexes: bool = True,
) -> ScoreSummary:  # fmt: skip
    """Score every scanned account (or only `domains`) for every profile and store the results."""
    started = time.perf_counter()
    now = now or utcnow()
    summary = ScoreSummary(profiles={p.id: ProfileSummary(p.id, p.version) for p in profiles})
    for profile in profiles if indexes else []:
        ensure_fit_indexes(db, profile)
    for chunk in _chunks(_accounts(db, domains)):
        changes = _changes(db, [d["_id"] for d in chunk])
        ops = []
        for doc in chunk:
            results = {p.id: score(doc, p, changes.get(doc["_id"], []), now=now) for p in profiles}
            ops.append(UpdateOne({"_id": doc["_id"]},
                                 {"$set": {f"fit.{pid}": r for pid, r in results.items()}}))  # fmt: skip
            _count(summary, results)
        db["accounts"].bulk_write(ops, ordered=False)
        summary.accounts += len(chunk)
    summary.seconds = time.perf_counter() - started
    return summary


def _accounts(db: Database[Any], domains: Iterable[str] | None) -> Iterator[dict[str, Any]]:
    """Scanned accounts only: a queued account has nothing to score yet."""
    if domains is None:
        cursors: Iterable[Any] = [db["accounts"].find({}, PROJECTION, batch_size=CHUNK)]
    else:
        ids = list(domains)
        cursors = (db["accounts"].find({"_id": {"$in": ids[i : i + CHUNK]}}, PROJECTION)
                   for i in range(0, len(ids), CHUNK))  # fmt: skip
    for cursor in cursors:
        yield from (doc for doc in cursor if doc.get("scan"))


def _chunks(docs: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _changes(db: Database[Any], ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    by_domain: dict[str, list[dict[str, Any]]] = {}
    for event in db["changes"].find({"domain": {"$in": ids}}):
        by_domain.setdefault(event["domain"], []).append(event)
    return by_domain


def _count(summary: ScoreSummary, results: dict[str, dict[str, Any]]) -> None:
    for pid, result in results.items():
        s = summary.profiles[pid]
        s.scored += 1
        s.tiers[result["tier"]] = s.tiers.get(result["tier"], 0) + 1
        s.disqualified += result["disqualified"]
        s.clusters += result["cluster"] is not None


def scoring_hook(db: Database[Any], profiles: list[Profile]) -> Callable[[list[str]], None]:
    """`Store.after_write`: score the accounts a batch has just committed.

    A failure is logged, never raised: the scan results are already safe, and
    `stackscout score` recomputes the fit from them at any time.
    """

    for profile in profiles:
        ensure_fit_indexes(db, profile)

    def after_write(domains: list[str]) -> None:
        try:
            score_stored(db, profiles, domains=domains, indexes=False)
        except Exception:
            logger.exception("fit scoring of %d accounts failed (run `stackscout score`)",
                             len(domains))  # fmt: skip

    return after_write
