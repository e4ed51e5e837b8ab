"""Trigger signals: what changed at an account lately that makes now the time to reach out.

Pure functions of the account document (for site-audit findings, when it carries them) and its
change events (the `changes` collection: `added`, `removed`, `migration`, written by
`enrich.history`); no database, no network. Each trigger rule of a profile asks for one signal;
every signal found is a dict `{"type", "at", "detail", "rule", ...}` with what it is based on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from enrich.profiles import Profile, Rule

Signal = dict[str, Any]


def signals(
    rule: Rule, profile: Profile, account: dict[str, Any], changes: Iterable[dict[str, Any]],
    now: datetime,
) -> list[Signal]:  # fmt: skip
    """The signals `rule` asks for, newest first (events older than `within_days` ignored)."""
    since = now - timedelta(days=rule.within_days)
    recent = [c for c in changes if (at := _date(c.get("at"))) is not None and at >= since]
    found = _SIGNALS[rule.signal](rule, profile, account, recent)
    for s in found:
        s["rule"] = rule.id
    return sorted(found, key=lambda s: str(s["at"]), reverse=True)


def _date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        return None


def _iso(value: Any) -> str:
    at = _date(value)
    return at.isoformat(timespec="seconds") if at else str(value or "")


def _in_scope(event: dict[str, Any], rule: Rule, categories: Iterable[str]) -> bool:
    if event.get("technology") in rule.technologies:
        return True
    return bool(set(event.get("categories") or []) & set(categories))


def _migration(rule: Rule, _p: Profile, _a: dict[str, Any], recent: list[dict[str, Any]]) -> list[Signal]:  # fmt: skip
    out = []
    for e in recent:
        if e.get("type") != "migration":
            continue
        names = {e.get("from"), e.get("to")}
        if rule.technologies and not names & set(rule.technologies):
            continue
        if rule.categories and not set(e.get("categories") or []) & set(rule.categories):
            continue
        cats = ", ".join(e.get("categories") or [])
        out.append({"type": "migration", "at": _iso(e["at"]), "from": e.get("from"),
                    "to": e.get("to"), "detail": f"{e.get('from')} -> {e.get('to')} ({cats})"})  # fmt: skip
    return out


def _tool_event(kind: str, signal: str) -> Callable[..., list[Signal]]:
    def find(rule: Rule, profile: Profile, _a: dict[str, Any], recent: list[dict[str, Any]]) -> list[Signal]:  # fmt: skip
        scope = rule.categories or (() if rule.technologies else tuple(profile.scope))
        return [{"type": signal, "at": _iso(e["at"]), "technology": e["technology"],
                 "detail": f"{e['technology']} {kind} ({', '.join(e.get('categories') or [])})"}
                for e in recent if e.get("type") == kind and _in_scope(e, rule, scope)]  # fmt: skip

    return find


def _competitor_removed(rule: Rule, profile: Profile, _a: dict[str, Any], recent: list[dict[str, Any]]) -> list[Signal]:  # fmt: skip
    rivals = set(rule.technologies or profile.competitors)
    return [{"type": "competitor_removed", "at": _iso(e["at"]), "technology": e["technology"],
             "detail": f"competitor {e['technology']} removed"}
            for e in recent if e.get("type") == "removed" and e.get("technology") in rivals]  # fmt: skip


def _audit_weakness(rule: Rule, _p: Profile, account: dict[str, Any], _r: list[dict[str, Any]]) -> list[Signal]:  # fmt: skip
    """Failed site-audit findings (`audit`, written beside the scan); none when absent."""
    at = _iso((account.get("scan") or {}).get("scanned_at"))
    findings = [
        f for f in account.get("audit") or [] if isinstance(f, dict) and f.get("ok") is False
    ]
    if not findings:  # only the ids were stored
        findings = [{"id": i} for i in account.get("audit_weaknesses") or []]
    out = []
    for f in findings:
        if rule.audits and f.get("id") not in rule.audits:
            continue
        if rule.groups and f.get("group") not in rule.groups:
            continue
        text = f": {f['detail']}" if f.get("detail") else ""
        out.append({"type": "audit_weakness", "at": at, "audit": f.get("id"),
                    "group": f.get("group"), "value": f.get("value"),
                    "detail": f"{f.get('group') or 'audit'} weakness {f.get('id')}{text}"})  # fmt: skip
    return out


def _stack_size(grew: bool) -> Callable[..., list[Signal]]:
    def find(rule: Rule, _p: Profile, _a: dict[str, Any], recent: list[dict[str, Any]]) -> list[Signal]:  # fmt: skip
        events = [e for e in recent if not rule.categories or _in_scope(e, rule, rule.categories)]
        added = sorted(e["technology"] for e in events if e.get("type") == "added")
        removed = sorted(e["technology"] for e in events if e.get("type") == "removed")
        change = len(added) - len(removed)
        if (change if grew else -change) < rule.min_change:
            return []
        at = max(_iso(e["at"]) for e in events)
        return [{"type": "stack_grew" if grew else "stack_shrank", "at": at, "added": added,
                 "removed": removed, "detail": f"{len(added)} tools added, {len(removed)} "
                 f"removed in {rule.within_days} days"}]  # fmt: skip

    return find


_SIGNALS: dict[str, Callable[..., list[Signal]]] = {
    "migration": _migration,
    "tool_added": _tool_event("added", "tool_added"),
    "tool_removed": _tool_event("removed", "tool_removed"),
    "competitor_removed": _competitor_removed,
    "audit_weakness": _audit_weakness,
    "stack_grew": _stack_size(grew=True),
    "stack_shrank": _stack_size(grew=False),
}
