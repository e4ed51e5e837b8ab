"""The batch report for one profile: one self-contained HTML file plus its PNG charts.

What a marketing lead looks at rather than reads: the platform mix of the list, the most common
gaps, the tier distribution, the 1:few clusters and the top accounts with their reasons. It is
built from the stored fit results (`stackscout score` first); accounts scored with another
profile version, or not at all, are counted and named as stale. Charts are drawn with
matplotlib's Agg backend (no display), embedded as data URIs and written beside the HTML.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pymongo.database import Database

from enrich.fit import platforms_of, utcnow
from enrich.profiles import TIERS, Profile

GOOD = ("ok", "partial")
TIER_ORDER = (*TIERS, "none")
NOT_SCANNED = "unknown (no successful scan)"
NO_PLATFORM = "no CMS or ecommerce platform found"
TOP_GAPS = 12


@dataclass(slots=True)
class ReportData:
    profile: Profile
    generated_at: datetime
    accounts: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    platforms: Counter[str] = field(default_factory=Counter)
    gaps: Counter[str] = field(default_factory=Counter)
    tiers: Counter[str] = field(default_factory=Counter)
    disqualified: Counter[str] = field(default_factory=Counter)
    clusters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    top: list[dict[str, Any]] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def collect(db: Database[Any], profile: Profile, top: int = 25) -> ReportData:
    """Read the scanned accounts and their stored fit for `profile`."""
    data = ReportData(profile, utcnow())
    fields = {"name": 1, "scan.status": 1, "gaps": 1, "technologies.name": 1,
              "technologies.categories": 1, "technologies.vendor": 1, f"fit.{profile.id}": 1}  # fmt: skip
    scored: list[dict[str, Any]] = []
    for doc in db["accounts"].find({}, fields):
        if not doc.get("scan"):
            continue
        _tally(data, doc)
        fit = (doc.get("fit") or {}).get(profile.id)
        if not fit or fit.get("profile_version") != profile.version:
            data.stale.append(doc["_id"])
            continue
        entry = {"domain": doc["_id"], "name": doc.get("name", ""), **fit}
        scored.append(entry)
        data.tiers[fit["tier"]] += 1
        if fit["disqualified"]:
            data.disqualified[fit["disqualified_by"]] += 1
        if fit["tier"] == "1:few" and fit.get("cluster"):
            data.clusters.setdefault(fit["cluster"], []).append(entry)
    targets = [e for e in scored if e["tier"] != "none"]
    data.top = sorted(targets, key=lambda e: (-e["score"], -e["confidence"], e["domain"]))[:top]
    return data


def _tally(data: ReportData, doc: dict[str, Any]) -> None:
    status = doc["scan"].get("status", "")
    data.accounts += 1
    data.statuses[status] += 1
    data.platforms.update(platform_labels(doc))
    if isinstance(doc.get("gaps"), list):
        data.gaps.update(doc["gaps"])


def platform_labels(doc: dict[str, Any]) -> list[str]:
    """What an account counts as in a platform-mix chart: its platforms, or why there are none."""
    if not isinstance(doc.get("gaps"), list):
        return [NOT_SCANNED]
    return platforms_of(doc.get("technologies") or []) or [NO_PLATFORM]


# -- charts -------------------------------------------------------------------------------


def bar_chart(title: str, items: list[tuple[str, int]], color: str) -> bytes:
    """A horizontal bar chart as PNG bytes (largest on top)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [k for k, _ in items][::-1] or ["(none)"]
    values = [v for _, v in items][::-1] or [0]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.2), dpi=100)
    try:
        bars = ax.barh(labels, values, color=color)
        ax.bar_label(bars, padding=3)
        ax.set_title(title, loc="left", fontsize=12)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, max(values) * 1.15 + 1)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def charts(data: ReportData) -> dict[str, bytes]:
    tiers = [(t, data.tiers.get(t, 0)) for t in TIER_ORDER]
    return {
        "platforms": bar_chart("Platform mix", data.platforms.most_common(), "#3b6ea8"),
        "gaps": bar_chart("Most common gaps", data.gaps.most_common(TOP_GAPS), "#c2703d"),
        "tiers": bar_chart(f"Tiers ({data.profile.name})", tiers, "#4f8f5b"),
    }


# -- HTML ---------------------------------------------------------------------------------

_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#666}.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts img{max-width:100%}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f6f6}.num{text-align:right}
.tier{font-weight:600}ul{margin:0;padding-left:1.1rem}.ev{color:#666;font-size:12px}"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _img(name: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{_e(name)}" src="data:image/png;base64,{data}">'


def _evidence(ev: dict[str, Any]) -> str:
    keys = ("technology", "category", "field", "value", "condition", "match", "detail", "url")
    return ", ".join(f"{k}: {str(ev[k])[:80]}" for k in keys if ev.get(k) not in (None, ""))


def _reasons(entry: dict[str, Any]) -> str:
    items = []
    for r in entry.get("reasons", []):
        points = "disqualifies" if r.get("disqualifies") else f"{r['points']:+d}"
        ev = "; ".join(_evidence(e) for e in r.get("evidence", [])[:2])
        items.append(f"<li>{_e(r['label'])} <b>{points}</b><div class=ev>{_e(ev)}</div></li>")
    return "<ul>" + "".join(items) + "</ul>"


def _top_table(data: ReportData) -> str:
    rows = [f"<tr><td class=num>{i}</td><td>{_e(e['domain'])}<div class=ev>{_e(e['name'])}</div>"
            f"</td><td class=num>{e['score']}</td><td class=tier>{_e(e['tier'])}</td>"
            f"<td class=num>{e['confidence']:.2f}</td><td>{_e(e.get('cluster') or '')}</td>"
            f"<td>{_reasons(e)}</td><td>{_e('; '.join(t['detail'] for t in e['triggers']))}</td></tr>"
            for i, e in enumerate(data.top, 1)]  # fmt: skip
    head = ("<tr><th>#</th><th>Account</th><th>Score</th><th>Tier</th><th>Conf.</th>"
            "<th>Cluster</th><th>Why</th><th>Triggers</th></tr>")  # fmt: skip
    return f"<table>{head}{''.join(rows)}</table>" if rows else "<p>No target accounts.</p>"


def _cluster_table(data: ReportData) -> str:
    ordered = sorted(data.clusters.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    rows = [f"<tr><td>{_e(key)}</td><td class=num>{len(members)}</td>"
            f"<td>{_e(', '.join(m['domain'] for m in members))}</td></tr>"
            for key, members in ordered]  # fmt: skip
    head = "<tr><th>Cluster (platform + gap)</th><th>Accounts</th><th>Domains</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>" if rows else "<p>No 1:few clusters.</p>"


def _counts(title: str, counts: Counter[str]) -> str:
    rows = "".join(f"<tr><td>{_e(k)}</td><td class=num>{v}</td></tr>"
                   for k, v in counts.most_common())  # fmt: skip
    return f"<table><tr><th>{_e(title)}</th><th>Accounts</th></tr>{rows}</table>"


def render_html(data: ReportData, images: dict[str, bytes]) -> str:
    p = data.profile
    stale = (f"<p><b>{len(data.stale)} accounts</b> have no result for version {_e(p.version)} "
             "of this profile: run <code>stackscout score --profile "
             f"{_e(p.path)}</code>.</p>") if data.stale else ""  # fmt: skip
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{_e(p.name)}: account fit report</title><style>{_CSS}</style></head><body>
<h1>{_e(p.name)}</h1><p class=meta>profile <code>{_e(p.id)}</code> version {_e(p.version)} ·
{data.accounts} scanned accounts · generated {data.generated_at:%Y-%m-%d %H:%M} UTC</p>
<p>{_e(p.description)}</p>{stale}
<div class=charts>{"".join(_img(k, v) for k, v in images.items())}</div>
<h2>Top accounts</h2>{_top_table(data)}
<h2>1:few clusters</h2>{_cluster_table(data)}
<h2>Disqualified</h2>{_counts("Disqualifying rule", data.disqualified)}
<h2>Scan status</h2>{_counts("Status", data.statuses)}
</body></html>
"""


def write_report(data: ReportData, out: Path) -> list[Path]:
    """Write the HTML file and its charts (`<stem>-<chart>.png` beside it); return the paths."""
    images = charts(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in images.items():
        path = out.with_name(f"{out.stem}-{name}.png")
        path.write_bytes(png)
        written.append(path)
    out.write_text(render_html(data, images), encoding="utf-8")
    return [out, *written]
