"""Checks on a batch's database shared by the enrichment and fault tests: nothing lost, nothing
written twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pymongo.database import Database


def scans_per_domain(db: Database[dict[str, Any]]) -> Counter[str]:
    return Counter(d["domain"] for d in db.scans.find({}, {"domain": 1}))


def assert_each_done_once(db: Database[dict[str, Any]], domains: set[str]) -> None:
    """Every account done, exactly one scan document each (the one it names), no outbox left."""
    accounts = {d["_id"]: d for d in db.accounts.find({}, {"queue": 1, "scan": 1, "outbox": 1})}
    assert set(accounts) == domains
    assert Counter(d["queue"]["state"] for d in accounts.values()) == {"done": len(domains)}
    assert not [d for d in accounts.values() if "outbox" in d]
    per_domain = scans_per_domain(db)
    assert set(per_domain) == domains, "a scan is missing"
    assert [d for d, n in per_domain.items() if n != 1] == [], "an account was scanned twice"
    scan_ids = {d["_id"] for d in db.scans.find({}, {"_id": 1})}
    assert {d["scan"]["id"] for d in accounts.values()} == scan_ids
