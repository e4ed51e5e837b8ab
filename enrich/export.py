"""Export stored accounts: flat CSV for CRM imports and ad audiences, or JSONL."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from detectors.signatures import load_taxonomy

_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(name: str) -> str:
    return _SLUG.sub("_", name.lower()).strip("_")


def core_columns() -> list[tuple[str, str]]:
    """(column, category name) for every core category, in a stable order."""
    cats = sorted((c.name for c in load_taxonomy().values() if c.core), key=str.lower)
    return [(_slug(c), c) for c in cats]


def flatten(doc: dict[str, Any], columns: list[tuple[str, str]]) -> dict[str, Any]:
    scan = doc.get("scan") or {}
    techs = doc.get("technologies") or []
    row: dict[str, Any] = {
        "domain": doc["_id"],
        "name": doc.get("name", ""),
        "website": doc.get("url", ""),
        "scan_status": scan.get("status", "not_scanned"),
        "scan_reason": scan.get("reason") or "",
        "scanned_at": _text(scan.get("scanned_at")),
        "technologies": "; ".join(t["name"] for t in techs),
        "gaps": "; ".join(doc.get("gaps") or []) if scan.get("status") in ("ok", "partial") else "",
    }
    for column, category in columns:
        row[column] = "; ".join(t["name"] for t in techs if category in t.get("categories", []))
    for key, value in (doc.get("input") or {}).items():
        row[f"input_{key}"] = _text(value)
    for profile, fit in (doc.get("fit") or {}).items():
        row[f"fit_{_slug(profile)}_score"] = fit.get("score", "")
        row[f"fit_{_slug(profile)}_tier"] = fit.get("tier", "")
    return row


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return "" if value is None else str(value)


def write_export(docs: Iterable[dict[str, Any]], stream: TextIO, fmt: str) -> int:
    n = 0
    if fmt == "jsonl":
        for doc in docs:
            stream.write(json.dumps(doc, default=_text, ensure_ascii=False) + "\n")
            n += 1
        return n
    columns = core_columns()
    rows = [flatten(doc, columns) for doc in docs]
    fieldnames: list[str] = []
    for row in rows:
        fieldnames += [k for k in row if k not in fieldnames]
    writer = csv.DictWriter(stream, fieldnames=fieldnames, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)
