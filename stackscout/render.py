"""Terminal rendering of a scan document (rich tables)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

OFFSITE = {"dns", "tls"}
"""Evidence sources that are not the website: shown in the DNS, mail and TLS section."""
GROUP_ORDER = ("security", "seo", "performance", "privacy")
STATUS_STYLE = {"ok": "green", "partial": "yellow", "blocked": "red", "parked": "magenta",
                "unreachable": "red", "robots_disallowed": "magenta", "invalid": "red",
                "refused": "red"}  # fmt: skip


def short_evidence(tech: dict[str, Any]) -> str:
    parts = []
    for e in tech["evidence"][:2]:
        where = f"{e['field']}[{e['key']}]" if e.get("key") else e["field"]
        match = e["match"].replace("\n", " ")
        parts.append(f"{where}: {match[:60]}")
    if tech.get("implied_by"):
        parts.append("implied by " + ", ".join(tech["implied_by"]))
    if tech.get("render_only"):
        parts.append("(render only)")
    return "; ".join(parts)


def print_scan(doc: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    style = STATUS_STYLE.get(doc["status"], "white")
    console.print(f"[bold]{doc['url']}[/bold]  domain {doc['domain']}  "
                  f"status [{style}]{doc['status']}[/{style}]"
                  + (f" — {doc['reason']}" if doc.get("reason") else ""))  # fmt: skip
    pages = ", ".join(f"{p['kind']} {p['status']}" for p in doc["pages"])
    if pages:
        console.print(f"pages: {pages}")
    site, dns = split_by_source(doc)
    _print_site_table(doc, site, console)
    if doc["gaps"] is None:
        console.print(
            "[yellow]category gaps unknown: the site was not scanned successfully[/yellow]"
        )
    elif doc["gaps"]:
        console.print("[bold]Not detected (core categories):[/bold] " + ", ".join(doc["gaps"]))
    for err in doc["errors"]:
        console.print(f"[yellow]page error[/yellow] {err['url']}: {err['reason']}")
    _print_dns(doc, dns, console)
    _print_audit(doc.get("audit"), console)


def split_by_source(doc: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Names seen on the website vs. only in DNS or the TLS certificate (implied ones follow
    the technologies that imply them)."""
    by_name = {t["name"]: t for t in doc["technologies"]}

    def offsite(t: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        sources = {e["source"] for e in t["evidence"]} - {"implied"}
        if sources:
            return sources <= OFFSITE
        parents = [by_name[p] for p in t.get("implied_by", []) if p in by_name and p not in seen]
        return bool(parents) and all(offsite(p, seen | {t["name"]}) for p in parents)

    dns = {name for name, t in by_name.items() if offsite(t)}
    return set(by_name) - dns, dns


def _print_site_table(doc: dict[str, Any], names: set[str], console: Console) -> None:
    by_name = {t["name"]: t for t in doc["technologies"]}
    table = _table("Category", "Technology", "Version", "Conf.", "Evidence")
    for category, members in doc["categories"].items():
        for i, name in enumerate(n for n in members if n in names):
            t = by_name[name]
            table.add_row(category if i == 0 else "", name, t["version"] or "",
                          str(t["confidence"]), short_evidence(t))  # fmt: skip
    console.print(table if table.row_count else "no technologies detected on the website")


def _print_dns(doc: dict[str, Any], names: set[str], console: Console) -> None:
    console.print("[bold]DNS, mail and TLS[/bold]  " + dns_summary(doc))
    by_name = {t["name"]: t for t in doc["technologies"]}
    table = _table("Category", "Technology", "Record", "Name", "Value")
    for category, members in doc["categories"].items():
        for i, name in enumerate(n for n in members if n in names):
            for j, e in enumerate(_offsite_evidence(by_name[name])[:3]):
                first = i == 0 and j == 0
                table.add_row(category if first else "", name if j == 0 else "",
                              e["key"] or e["field"], e["url"].partition(":")[2], e["match"])  # fmt: skip
    if table.row_count:
        console.print(table)
    for err in doc.get("dns_errors") or []:
        console.print(f"[yellow]DNS[/yellow] {err['type']} {err['name']}: {err['reason']}")


def _offsite_evidence(tech: dict[str, Any]) -> list[dict[str, Any]]:
    found = [e for e in tech["evidence"] if e["source"] in OFFSITE]
    if found:
        return found
    implied = ", ".join(tech.get("implied_by", []))
    return [{"key": "implied", "field": "", "url": ":", "match": f"by {implied}"}]


def dns_summary(doc: dict[str, Any]) -> str:
    status = doc.get("dns_status")
    if not status:
        return "DNS not looked up"
    counts: dict[str, int] = {}
    for r in doc.get("dns") or []:
        counts[r["type"]] = counts.get(r["type"], 0) + 1
    parts = [
        f"DNS {status}: "
        + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no records")
    ]
    spf = doc.get("spf") or {}
    if spf.get("includes"):
        parts.append(f"SPF {len(spf['includes'])} includes, {spf['lookups']} lookups")
    tls = doc.get("tls")
    if tls:
        parts.append(f"TLS issuer {tls['issuer'] or '?'}, expires {(tls['not_after'] or '?')[:10]}")
    return "; ".join(parts)


def _print_audit(audit: list[dict[str, Any]] | None, console: Console) -> None:
    if audit is None:
        console.print("[yellow]site audit skipped: the site was not scanned successfully[/yellow]")
        return
    weak = sum(1 for f in audit if not f["ok"])
    console.print(f"[bold]Site audit[/bold]  {len(audit)} checks, {weak} weaknesses")
    table = _table("Group", "Check", "", "Value", "Detail")
    group = ""
    for f in sorted(
        audit, key=lambda f: GROUP_ORDER.index(f["group"]) if f["group"] in GROUP_ORDER else 9
    ):
        mark = "[green]ok[/green]" if f["ok"] else "[red]weak[/red]"
        value = "" if f["value"] is None else str(f["value"])
        table.add_row(
            f["group"] if f["group"] != group else "", f["id"], mark, value[:40], f["detail"]
        )
        group = f["group"]
    console.print(table)


def _table(*columns: str) -> Table:
    table = Table(show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


def print_accounts(
    rows: list[dict[str, Any]], *, with_fit: bool, console: Console | None = None
) -> None:
    """Accounts as a table: with a profile, its score, tier, cluster and reasons."""
    console = console or Console()
    table = Table(header_style="bold")
    table.add_column("domain", no_wrap=True)
    columns = ["score", "tier", "confidence", "cluster", "reasons"] if with_fit else [
        "scan_status", "platform", "gaps"]  # fmt: skip
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(str(row["domain"]), *(str(row[c]) for c in columns))
    console.print(table)
