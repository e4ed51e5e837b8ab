"""The service's side of MongoDB: finished scans are committed through `enrich.store.Store`
(so they join the accounts, their history and fit like a batch's), stored accounts are read
with `enrich.selection`. pymongo blocks, so the API calls these methods in a worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any

from fastapi.encoders import jsonable_encoder

from enrich.fitstore import scoring_hook
from enrich.profiles import TIERS, Profile
from enrich.report import platform_labels
from enrich.selection import Filters, find_accounts, row
from enrich.store import Pending, Store

logger = logging.getLogger(__name__)

HIDDEN = {"outbox": 0, "queue.token": 0, "queue.claimed_by": 0}
"""Not shown to API clients: the commit outbox and the claim's secrets."""


class AccountStore:
    def __init__(self, store: Store, profiles: list[Profile]) -> None:
        self.store = store
        self._lock = threading.Lock()
        if profiles:
            store.after_write = scoring_hook(store.db, profiles)

    @classmethod
    def open(cls, uri: str | None, profiles: list[Profile]) -> AccountStore:
        from enrich.batch import prepare
        from enrich.db import connect

        store = Store(connect(uri))
        prepare(store)
        return cls(store, profiles)

    def commit(self, doc: dict[str, Any]) -> None:
        """Store one finished scan as the account's latest (fit scored when profiles are given)."""
        if not doc.get("domain"):
            return  # an invalid target names no account
        with self._lock:
            token = self.store.adopt(doc["domain"], doc["url"])
            self.store.write([Pending(doc["domain"], token, doc)])

    def account(self, domain: str) -> dict[str, Any] | None:
        doc = self.store.accounts.find_one({"_id": domain.lower()}, HIDDEN)
        return jsonable_encoder(doc) if doc else None

    def select(self, filters: Filters, limit: int) -> dict[str, Any]:
        docs = find_accounts(self.store.db, filters)
        platforms: Counter[str] = Counter()
        tiers: Counter[str] = Counter()
        for doc in docs:
            platforms.update(platform_labels(doc))
            fit = (doc.get("fit") or {}).get(filters.profile or "")
            if fit:
                tiers[fit.get("tier", "none")] += 1
        charts = {"platforms": platforms.most_common(),
                  "tiers": [(t, tiers[t]) for t in (*TIERS, "none")] if filters.profile else []}  # fmt: skip
        rows = [{**row(d, filters.profile), "tech_names": d.get("tech_names") or []}
                for d in docs[:limit]]  # fmt: skip
        return {"total": len(docs), "accounts": jsonable_encoder(rows), "charts": charts}
