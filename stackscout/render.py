"""Terminal rendering of a scan document (rich tables)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

STATUS_STYLE = {"ok": "green", "partial": "yellow", "blocked": "red", "unreachable": "red",
                "robots_disallowed": "magenta", "invalid": "red"}  # fmt: skip


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
    by_name = {t["name"]: t for t in doc["technologies"]}
    table = Table(show_lines=False, header_style="bold")
    for col in ("Category", "Technology", "Version", "Conf.", "Evidence"):
        table.add_column(col, overflow="fold")
    for category, names in doc["categories"].items():
        for i, name in enumerate(names):
            t = by_name[name]
            table.add_row(category if i == 0 else "", name, t["version"] or "",
                          str(t["confidence"]), short_evidence(t))  # fmt: skip
    if doc["technologies"]:
        console.print(table)
    else:
        console.print("no technologies detected")
    if doc["gaps"] is None:
        console.print(
            "[yellow]category gaps unknown: the site was not scanned successfully[/yellow]"
        )
    elif doc["gaps"]:
        console.print("[bold]Not detected (core categories):[/bold] " + ", ".join(doc["gaps"]))
    for err in doc["errors"]:
        console.print(f"[yellow]page error[/yellow] {err['url']}: {err['reason']}")


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
