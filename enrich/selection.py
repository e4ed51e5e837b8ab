"""Account selection: filter stored accounts (by profile tier, technology, gap, trigger, change
date) and flatten them into rows for a table, a CRM import (CSV) or an ad audience (JSONL).

The database query uses one indexed condition (tier, then technology, then gap, then change
date); the other filters are applied to the documents read. SecantusDB plans a query on an index
only when one index covers the whole filter, so a combined filter would scan the collection.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from pymongo.database import Database

from enrich.fit import platforms_of

COLUMNS = ("domain", "name", "scan_status", "score", "tier", "confidence", "cluster", "platform",
           "reasons", "triggers", "gaps", "disqualified_by", "profile_version")  # fmt: skip


@dataclass(slots=True)
class Filters:
    profile: str | None = None
    tier: str | None = None
    technology: str | None = None
    gap: str | None = None
    trigger: str | None = None
    changed_since: datetime | None = None
    min_score: int | None = None


def find_accounts(db: Database[Any], f: Filters) -> list[dict[str, Any]]:
    """Matching account documents, best score first (domain order without a profile)."""
    changed = _changed_domains(db, f.changed_since) if f.changed_since else None
    docs = [
        d for d in db["accounts"].find(_query(f, changed), {"outbox": 0}) if _keep(d, f, changed)
    ]
    if f.profile:
        pid = f.profile
        docs.sort(key=lambda d: (-int(fit_of(d, pid).get("score", -1)), d["_id"]))
    else:
        docs.sort(key=lambda d: str(d["_id"]))
    return docs


def _query(f: Filters, changed: set[str] | None) -> dict[str, Any]:
    if f.profile and f.tier:
        return {f"fit.{f.profile}.tier": f.tier}
    if f.technology:
        return {"tech_names": f.technology}
    if f.gap:
        return {"gaps": f.gap}
    if changed is not None:
        return {"_id": {"$in": sorted(changed)}}
    return {}


def _keep(doc: dict[str, Any], f: Filters, changed: set[str] | None) -> bool:
    fit = fit_of(doc, f.profile) if f.profile else {}
    checks = [
        not f.profile or bool(fit),
        not f.tier or fit.get("tier") == f.tier,
        not f.technology or f.technology in (doc.get("tech_names") or []),
        not f.gap or f.gap in (doc.get("gaps") or []),
        not f.trigger or any(t.get("type") == f.trigger for t in fit.get("triggers") or []),
        changed is None or doc["_id"] in changed,
        f.min_score is None or int(fit.get("score", -1)) >= f.min_score,
    ]
    return all(checks)


def _changed_domains(db: Database[Any], since: datetime) -> set[str]:
    """Accounts with a technology change (added, removed, migration) at or after `since`."""
    stamp = since.isoformat(timespec="seconds")
    return {c["domain"] for c in db["changes"].find({"at": {"$gte": stamp}}, {"domain": 1})}


def fit_of(doc: dict[str, Any], profile: str) -> dict[str, Any]:
    return dict((doc.get("fit") or {}).get(profile) or {})


def row(doc: dict[str, Any], profile: str | None) -> dict[str, Any]:
    """One flat row: what a CRM import or an ad audience needs, with the reasons in words."""
    fit = fit_of(doc, profile) if profile else {}
    platforms = platforms_of(doc.get("technologies") or [])
    return {
        "domain": doc["_id"],
        "name": doc.get("name", ""),
        "scan_status": (doc.get("scan") or {}).get("status", "not_scanned"),
        "score": fit.get("score", ""),
        "tier": fit.get("tier", ""),
        "confidence": fit.get("confidence", ""),
        "cluster": fit.get("cluster") or "",
        "platform": "; ".join(platforms),
        "reasons": "; ".join(_reason_text(r) for r in fit.get("reasons", [])),
        "triggers": "; ".join(t["detail"] for t in fit.get("triggers") or []),
        "gaps": "; ".join(doc.get("gaps") or []),
        "disqualified_by": fit.get("disqualified_by") or "",
        "profile_version": fit.get("profile_version", ""),
    }


def _reason_text(reason: dict[str, Any]) -> str:
    if reason.get("disqualifies"):
        return f"{reason['label']} (disqualifies)"
    return f"{reason['label']} ({reason['points']:+d})"


def write_rows(docs: list[dict[str, Any]], profile: str | None, stream: TextIO, fmt: str) -> int:
    """CSV (flat rows) or JSONL (the row plus the full fit result for the profile)."""
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(row(d, profile) for d in docs)
        return len(docs)
    for doc in docs:
        line = {**row(doc, profile), "url": doc.get("url", ""), "input": doc.get("input") or {},
                "tech_names": doc.get("tech_names") or []}  # fmt: skip
        if profile:
            line["fit"] = fit_of(doc, profile)
        stream.write(json.dumps(line, default=_text, ensure_ascii=False) + "\n")
    return len(docs)


def _text(value: Any) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value)


def iter_rows(docs: list[dict[str, Any]], profile: str | None) -> Iterator[dict[str, Any]]:
    return (row(d, profile) for d in docs)
