"""Golden fixtures: per farm site, the captured snapshot (inputs) and the expected detections.

    uv run python -m tests.golden record [HOST...]  # crawl farm sites, save snapshots + expectations
    uv run python -m tests.golden rerun    # print what the detectors find now, change nothing
    uv run python -m tests.golden refresh  # re-detect the saved snapshots, rewrite expectations

`tests/test_golden.py` turns every folder into a test: its detections (`output.json`) and its
site-audit findings (`audit.json`). Review a refreshed expectation's diff
before committing it: it is the definition of correct.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from detectors.audit import audit_site
from detectors.engine import Detector
from detectors.models import Report
from detectors.snapshot import Site

GOLDEN = Path(__file__).parent
SITES = ("shopstore.test", "b2bsaas.test", "nextapp.test", "legacy.test", "redirector.test",
         "gtmloaded.test", "spashell.test")  # fmt: skip
"""Recorded with the `auto` render policy: the last two are rendered (Chromium needed)."""


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "inputs" / "site.json").exists())


def load_site(case: Path) -> Site:
    return Site.from_dict(json.loads((case / "inputs" / "site.json").read_text(encoding="utf-8")))


def expected(case: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((case / "output.json").read_text(encoding="utf-8"))
    return data


def expected_audit(case: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((case / "audit.json").read_text(encoding="utf-8"))
    return data


def audit_summary(site: Site) -> list[dict[str, Any]]:
    return [{"id": f.id, "ok": f.ok, "value": f.value} for f in audit_site(site)]


def summarise(report: Report) -> list[dict[str, Any]]:
    return [
        {"name": d.name, "version": d.version, "categories": d.categories,
         "fields": sorted({e.field for e in d.evidence}),
         **({"render_only": True} if d.render_only else {})}
        for d in sorted(report.technologies, key=lambda d: d.name)
    ]  # fmt: skip


def write_case(case: Path, site: Site, detector: Detector) -> None:
    (case / "inputs").mkdir(parents=True, exist_ok=True)
    for page in site.pages:
        page.fetched_at = 0.0
        page.ttfb_ms = None
        page.headers.pop("date", None)
    if site.tls is not None:
        site.tls.not_after = ""  # the farm's certificates are made afresh at every start
    site.probes.sort(key=lambda p: p.kind)
    (case / "inputs" / "site.json").write_text(
        json.dumps(site.to_dict(), indent=1, ensure_ascii=False)
    )
    out = summarise(detector.detect_site(site))
    (case / "output.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    audit = json.dumps(audit_summary(site), indent=1, ensure_ascii=False)
    (case / "audit.json").write_text(audit + "\n")
