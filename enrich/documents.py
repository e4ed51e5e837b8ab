"""The scan document: what `stackscout scan --json`, the API and the scans collection hold.

Schema: `docs/scan.schema.json`. Plain JSON types only, so the same dict is printed, served
and stored.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from crawler.items import GOOD_STATUSES, SiteCapture
from detectors.models import Detection, Report
from detectors.snapshot import Site, TlsInfo

SCHEMA_VERSION = 1


def iso(ts: float | None = None) -> str:
    return datetime.fromtimestamp(ts if ts is not None else time.time(), UTC).isoformat(
        timespec="seconds"
    )


def technology_entry(d: Detection) -> dict[str, Any]:
    return {
        "name": d.name,
        "categories": d.categories,
        "version": d.version or None,
        "confidence": d.confidence,
        "vendor": d.vendor or None,
        "website": d.website or None,
        "saas": d.saas,
        "pricing": d.pricing,
        "render_only": d.render_only,
        "implied_by": d.implied_by,
        "evidence": [
            {
                "field": e.field,
                "key": e.key or None,
                "pattern": e.pattern,
                "match": e.match,
                "url": e.url,
                "source": e.source,
                "confidence": e.confidence,
            }
            for e in d.evidence[:10]
        ],
    }


def scan_document(capture: SiteCapture, report: Report | None = None) -> dict[str, Any]:
    report = report or capture.report
    good = capture.status in GOOD_STATUSES
    techs = report.technologies if report else []
    return {
        "schema": SCHEMA_VERSION,
        "domain": capture.domain,
        "url": capture.url,
        "final_url": capture.site.pages[0].url if capture.site.pages else None,
        "status": capture.status,
        "reason": capture.reason,
        "scanned_at": iso(capture.finished_at or None),
        "duration_s": round(max(0.0, capture.finished_at - capture.started_at), 3),
        "technologies": [technology_entry(d) for d in techs],
        "categories": report.categories if report else {},
        "gaps": (report.gaps if report else []) if good else None,
        "pages": [
            {
                "url": p.url,
                "requested_url": p.requested_url,
                "kind": p.kind,
                "status": p.status,
                "redirects": p.redirects,
                "content_type": p.content_type or None,
                "bytes": p.size,
                "ttfb_ms": p.ttfb_ms,
                "rendered": p.rendered,
                "render_reason": p.render_reason or None,
            }
            for p in capture.site.pages
        ],
        "errors": [{"url": e.url, "kind": e.kind, "reason": e.reason} for e in capture.errors],
        "render": asdict(capture.render),
        "detect_seconds": round(report.seconds, 6) if report else 0.0,
        # Findings only for good scans: a bot wall's missing headers are not the site's.
        "audit": [f.to_dict() for f in report.audit] if good and report else None,
        **dns_section(capture.site),
    }


def dns_section(site: Site) -> dict[str, Any]:
    """The DNS records and TLS certificate the detections read, as captured."""
    return {
        "dns_status": site.dns_status or None,
        "dns": [{"type": r.type, "name": r.name, "value": r.value} for r in site.dns],
        "dns_errors": [
            {"type": e.type, "name": e.name, "reason": e.reason} for e in site.dns_errors
        ],
        "spf": {"includes": site.spf_includes, "lookups": site.spf_lookups},
        "tls": _tls(site.tls),
    }


def _tls(tls: TlsInfo | None) -> dict[str, Any] | None:
    if tls is None:
        return None
    return {"issuer": tls.issuer, "subject": tls.subject, "not_after": tls.not_after or None,
            "host": tls.host}  # fmt: skip


def scan_summary(doc: dict[str, Any], scan_id: str, scanned_at: Any) -> dict[str, Any]:
    """The `scan` field of an account document: its latest scan in brief."""
    return {
        "id": scan_id, "status": doc["status"], "reason": doc["reason"], "scanned_at": scanned_at,
        "duration_s": doc["duration_s"], "pages_fetched": len(doc["pages"]),
        "pages_rendered": sum(1 for pg in doc["pages"] if pg["rendered"]),
        "final_url": doc["final_url"], "errors": doc["errors"][:10],
        "dns_status": doc.get("dns_status"), "dns_errors": (doc.get("dns_errors") or [])[:10],
    }  # fmt: skip


def stack_fields(doc: dict[str, Any], technologies: list[dict[str, Any]]) -> dict[str, Any]:
    """What a good scan sets on its account: the stack (`technologies`, merged with history by
    the store), its names and categories, the gaps and the site audit."""
    return {
        "technologies": technologies,
        "tech_names": [t["name"] for t in technologies],
        "categories_present": sorted({c for t in technologies for c in t["categories"]}),
        "gaps": doc["gaps"] or [],
        "audit": doc.get("audit") or [],
        "audit_weaknesses": [f["id"] for f in doc.get("audit") or [] if not f["ok"]],
    }


def account_view(doc: dict[str, Any]) -> dict[str, Any]:
    """A scan document seen as the account document the store would write from it (without
    history): what `enrich.fit.score` reads, to score a scan that is not (yet) stored."""
    view: dict[str, Any] = {"_id": doc["domain"], "domain": doc["domain"], "url": doc["url"],
                            "scan": scan_summary(doc, "", doc.get("scanned_at"))}  # fmt: skip
    if doc["status"] in GOOD_STATUSES:
        view.update(stack_fields(doc, doc["technologies"]))
    return view
