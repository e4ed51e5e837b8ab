"""Technology history of an account: first/last seen, confirmed removals, platform migrations.

Pure functions of the stored technologies and a new scan. A technology is removed only when
two successive good scans miss it (one miss marks it `missing_since`); a failed or blocked scan
changes nothing, so a bot wall never reads as "tool removed".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

PLATFORM_CATEGORIES = ("CMS", "Ecommerce")
EVIDENCE_KEPT = 3


@dataclass(slots=True)
class Merge:
    technologies: list[dict[str, Any]]
    changes: list[dict[str, Any]] = field(default_factory=list)


def merge(
    previous: list[dict[str, Any]],
    detected: list[dict[str, Any]],
    *,
    domain: str,
    scan_id: str,
    now: str,
    first_scan: bool,
) -> Merge:
    """New stored technologies and change events after a good scan."""
    before = {t["name"]: t for t in previous}
    current = {t["name"]: t for t in detected}
    out: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for name, tech in current.items():
        old = before.get(name)
        entry = {**tech, "evidence": tech.get("evidence", [])[:EVIDENCE_KEPT],
                 "first_seen": old["first_seen"] if old else now, "last_seen": now,
                 "missing_since": None}  # fmt: skip
        out.append(entry)
        if old is None and not first_scan:
            changes.append(_event("added", domain, scan_id, now, tech))
    removed: list[dict[str, Any]] = []
    for name, old in before.items():
        if name in current:
            continue
        if old.get("missing_since"):
            removed.append(old)
            changes.append(_event("removed", domain, scan_id, now, old))
        else:
            out.append({**old, "missing_since": now})
    changes += _migrations(removed, out, domain, scan_id, now)
    out.sort(key=lambda t: t["name"].lower())
    return Merge(out, changes)


def _migrations(
    removed: list[dict[str, Any]], current: list[dict[str, Any]], domain: str, scan_id: str,
    now: str,
) -> list[dict[str, Any]]:  # fmt: skip
    events = []
    for old in removed:
        for category in set(old.get("categories", [])) & set(PLATFORM_CATEGORIES):
            successors = [
                t for t in current
                if category in t.get("categories", []) and not t.get("missing_since")
                and t["first_seen"] >= (old.get("missing_since") or old["last_seen"])
            ]  # fmt: skip
            for new in successors:
                event = _event("migration", domain, scan_id, now, new, category=category)
                event["from"] = old["name"]
                event["to"] = new["name"]
                event["_id"] = _id(domain, scan_id, "migration", f"{old['name']}>{new['name']}")
                events.append(event)
    return events


def _event(
    kind: str, domain: str, scan_id: str, now: str, tech: dict[str, Any], category: str = ""
) -> dict[str, Any]:
    return {
        "_id": _id(domain, scan_id, kind, tech["name"]),
        "domain": domain,
        "type": kind,
        "technology": tech["name"],
        "categories": [category] if category else tech.get("categories", []),
        "scan_id": scan_id,
        "at": now,
    }


def _id(*parts: str) -> str:
    """Deterministic ids make every write of an event an idempotent upsert."""
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:24]
