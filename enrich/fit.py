"""Fit of one account for one ICP profile: score 0-100, tier, confidence, cluster, and why.

A pure function of the stored account document, its change events and a `Profile`: no
database, no network, no Scrapy. Every rule that matched is listed with its points and the
evidence behind it (technology, page, matched text; the gap and the pages that showed it; the
input value; the change event), so the score can be explained and argued with.

Missing data is not evidence: an account whose scans never succeeded (blocked, unreachable,
robots.txt) has no gaps and no technologies to judge, so those rules are `unknown` (they score
nothing and lower `confidence`) rather than read as "absent". See `docs/profiles.md`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from enrich import triggers
from enrich.history import PLATFORM_CATEGORIES
from enrich.profiles import TIERS, Profile, Rule, default_label

DATA_FACTOR = {"ok": 1.0, "partial": 0.8}
"""Confidence in what a scan of this status shows (a partial scan missed some pages)."""
STALE_FACTOR = 0.6
"""The latest scan failed; the technologies are those of an earlier good scan."""
EVIDENCE_PER_TECH = 1
GENERIC_VENDOR = "(generic)"
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(k|m|mm|bn|b)?(?![a-z])", re.IGNORECASE)
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}
_KEY = re.compile(r"[^a-z0-9]")


@dataclass(slots=True)
class Outcome:
    """What one rule found: matched (True/False) or could not be judged (None)."""

    matched: bool | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    disqualifies: bool = False
    label: str = ""
    why_unknown: str = ""


@dataclass(slots=True)
class Facts:
    """What the scorer knows about an account, read once from its document."""

    account: dict[str, Any]
    techs: dict[str, dict[str, Any]]
    present: set[str]
    known: bool
    """Technologies and gaps come from a good (ok/partial) scan, the latest or an earlier one."""
    factor: float
    inputs: dict[str, Any]
    changes: list[dict[str, Any]]
    now: datetime

    @classmethod
    def of(cls, account: dict[str, Any], changes: Iterable[dict[str, Any]], now: datetime) -> Facts:
        status = (account.get("scan") or {}).get("status")
        known = isinstance(account.get("gaps"), list)
        techs = {t["name"]: t for t in account.get("technologies") or []}
        present = set(account.get("categories_present") or
                      {c for t in techs.values() for c in t.get("categories", [])})  # fmt: skip
        factor = DATA_FACTOR.get(status or "", STALE_FACTOR) if known else 0.0
        inputs = {_key(k): v for k, v in (account.get("input") or {}).items()
                  if v not in (None, "")}  # fmt: skip
        return cls(account, techs, present, known, factor, inputs, list(changes), now)

    def scan_page(self) -> str:
        scan = self.account.get("scan") or {}
        return str(scan.get("final_url") or self.account.get("url") or "")


def _key(name: str) -> str:
    return _KEY.sub("", str(name).lower())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# -- rule kinds ---------------------------------------------------------------------------


def _matching(rule: Rule, facts: Facts) -> list[dict[str, Any]]:
    return [t for name, t in facts.techs.items()
            if name in rule.technologies or set(t.get("categories", [])) & set(rule.categories)]  # fmt: skip


def tech_evidence(tech: dict[str, Any]) -> list[dict[str, Any]]:
    base: dict[str, Any] = {"technology": tech["name"]}
    if tech.get("missing_since"):
        base["missing_since"] = tech["missing_since"]
    found = [{**base, "url": e.get("url"), "field": e.get("field"), "match": e.get("match")}
             for e in (tech.get("evidence") or [])[:EVIDENCE_PER_TECH]]  # fmt: skip
    if not found:
        found = [{**base, "implied_by": tech.get("implied_by") or []}]
    return found


def platforms_of(technologies: Iterable[dict[str, Any]]) -> list[str]:
    """CMS and ecommerce platforms, leaving out generic features ("Cart Functionality")."""
    return [t["name"] for t in technologies
            if set(t.get("categories", [])) & set(PLATFORM_CATEGORIES)
            and t.get("vendor") != GENERIC_VENDOR]  # fmt: skip


def _unknown_scan(facts: Facts) -> Outcome:
    status = (facts.account.get("scan") or {}).get("status", "not scanned")
    return Outcome(None, why_unknown=f"no successful scan (latest: {status})")


def _uses(rule: Rule, facts: Facts) -> Outcome:
    if not facts.known:
        return _unknown_scan(facts)
    found = _matching(rule, facts)
    return Outcome(bool(found), [e for t in found for e in tech_evidence(t)])


def _platform(rule: Rule, facts: Facts) -> Outcome:
    out = _uses(rule, facts)
    if out.matched is False and rule.required:
        names = ", ".join(rule.technologies + rule.categories)
        platforms = sorted(platforms_of(facts.techs.values()))
        return Outcome(False, [{"platforms_found": platforms, "url": facts.scan_page()}],
                       disqualifies=True, label=f"does not run {names}")  # fmt: skip
    return out


def _competitor(rule: Rule, facts: Facts) -> Outcome:
    out = _uses(rule, facts)
    out.disqualifies = bool(out.matched) and rule.action == "disqualify"
    return out


def _gap(rule: Rule, facts: Facts) -> Outcome:
    if not facts.known:
        return _unknown_scan(facts)
    scan = facts.account.get("scan") or {}
    missing = [c for c in rule.categories if c not in facts.present]
    evidence = [{"category": c, "url": facts.scan_page(), "pages": scan.get("pages_fetched"),
                 "detail": f"no {c} technology found"} for c in missing]  # fmt: skip
    return Outcome(bool(missing), evidence)


def _firmographic(rule: Rule, facts: Facts) -> Outcome:
    raw = facts.inputs.get(_key(rule.field))
    if raw is None:
        return Outcome(None, why_unknown=f"no {rule.field!r} value in the input")
    ok = _holds(rule, raw)
    if ok is None:
        return Outcome(None, why_unknown=f"{rule.field!r} value {raw!r} is not a number")
    evidence = [{"field": rule.field, "value": raw, "condition": condition(rule)}]
    if not ok and rule.required:
        return Outcome(False, evidence, disqualifies=True,
                       label=f"{rule.field} outside the profile ({condition(rule)})")  # fmt: skip
    return Outcome(ok, evidence)


def _holds(rule: Rule, raw: Any) -> bool | None:
    text = str(raw).strip().casefold()
    checks: list[bool] = []
    if rule.minimum is not None or rule.maximum is not None:
        value = number(raw)
        if value is None:
            return None
        checks.append(rule.minimum is None or value >= rule.minimum)
        checks.append(rule.maximum is None or value <= rule.maximum)
    if rule.any_of:
        checks.append(text in {v.casefold() for v in rule.any_of})
    if rule.none_of:
        checks.append(text not in {v.casefold() for v in rule.none_of})
    if rule.contains:
        checks.append(any(v.casefold() in text for v in rule.contains))
    return all(checks)


def condition(rule: Rule) -> str:
    parts = []
    if rule.minimum is not None:
        parts.append(f">= {rule.minimum:g}")
    if rule.maximum is not None:
        parts.append(f"<= {rule.maximum:g}")
    for word, values in (("in", rule.any_of), ("not in", rule.none_of),
                         ("contains", rule.contains)):  # fmt: skip
        if values:
            parts.append(f"{word} {', '.join(values)}")
    return f"{rule.field} " + " and ".join(parts)


def number(raw: Any) -> float | None:
    """A number from a CRM-style cell: "1,200", "$5M", "12k", "2.5bn"; a range "51-200" is its
    midpoint and "1000+" its bound."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    found = _NUMBER.findall(str(raw).replace(" ", ""))
    if not found or len(found) > 2:
        return None
    values = [float(n.replace(",", "")) * _SCALE[s.lower()] for n, s in found]
    return sum(values) / len(values)


def _trigger(rule: Rule, facts: Facts, profile: Profile) -> Outcome:
    found = triggers.signals(rule, profile, facts.account, facts.changes, facts.now)
    return Outcome(bool(found), found)


_KINDS: dict[str, Callable[[Rule, Facts], Outcome]] = {
    "platform": _platform,
    "technology": _uses,
    "complement": _uses,
    "competitor": _competitor,
    "gap": _gap,
    "firmographic": _firmographic,
}


def evaluate(rule: Rule, facts: Facts, profile: Profile) -> Outcome:
    if rule.kind == "trigger":
        return _trigger(rule, facts, profile)
    return _KINDS[rule.kind](rule, facts)


# -- the fit ------------------------------------------------------------------------------


def score(
    account: dict[str, Any], profile: Profile, changes: Iterable[dict[str, Any]] = (),
    *, now: datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The fit result stored as `fit.<profile id>` (fields: `docs/mongodb.md`)."""
    facts = Facts.of(account, changes, now or utcnow())
    outcomes = [(rule, evaluate(rule, facts, profile)) for rule in profile.rules]
    reasons = [_reason(rule, out) for rule, out in outcomes if out.matched or out.disqualifies]
    blockers = [rule.id for rule, out in outcomes if out.disqualifies]
    total = sum(r["points"] for r in reasons)
    points = 0 if blockers else max(0, min(100, total))
    value = _value(profile, facts)
    tier = "none" if blockers else tier_of(points, profile, value)
    return {
        "profile": profile.id,
        "profile_version": profile.version,
        "score": points,
        "tier": tier,
        "confidence": confidence(outcomes, facts),
        "disqualified": bool(blockers),
        "disqualified_by": blockers[0] if blockers else None,
        "reasons": reasons,
        "unknown": [_unknown(rule, out) for rule, out in outcomes if out.matched is None],
        "cluster": cluster(outcomes, facts) if tier != "none" else None,
        "triggers": [s for rule, out in outcomes if rule.kind == "trigger" for s in out.evidence],
        "account_value": value,
        "scan_status": (account.get("scan") or {}).get("status"),
        "scored_at": facts.now,
    }


def _reason(rule: Rule, out: Outcome) -> dict[str, Any]:
    matched = list(dict.fromkeys(e["technology"] for e in out.evidence if "technology" in e))
    label = out.label or rule.label or default_label(rule, matched)
    reason: dict[str, Any] = {"rule": rule.id, "kind": rule.kind, "label": label,
                              "points": 0 if out.disqualifies else rule.points,
                              "evidence": out.evidence}  # fmt: skip
    if out.disqualifies:
        reason["disqualifies"] = True
    return reason


def _unknown(rule: Rule, out: Outcome) -> dict[str, str]:
    return {"rule": rule.id, "why": out.why_unknown}


def _value(profile: Profile, facts: Facts) -> float | None:
    if not profile.tiers.value_field:
        return None
    raw = facts.inputs.get(_key(profile.tiers.value_field))
    return None if raw is None else number(raw)


def tier_of(points: int, profile: Profile, value: float | None) -> str:
    """The first tier whose score threshold is met and, when the account value is known, whose
    value minimum too (an unknown value leaves the score alone to decide)."""
    tiers = profile.tiers
    for tier in TIERS:
        minimum = tiers.value_minimums.get(tier)
        if points >= tiers.thresholds[tier] and (
            value is None or minimum is None or value >= minimum
        ):
            return tier
    return "none"


def confidence(outcomes: list[tuple[Rule, Outcome]], facts: Facts) -> float:
    """The share of the profile's points judged on good data, weighted by how good it is.

    Technology and gap rules count at the scan's factor (1.0 ok, 0.8 partial, 0.6 when only an
    earlier scan succeeded, 0 with none); firmographic rules at 1 when the input has the value,
    0 when it does not. Triggers are extras: their absence is not missing data.
    """
    weights = [(max(abs(rule.points), 1), _judged(rule, out, facts)) for rule, out in outcomes
               if rule.kind != "trigger"]  # fmt: skip
    if not weights:
        return round(facts.factor, 2)
    return round(sum(w * c for w, c in weights) / sum(w for w, _ in weights), 2)


def _judged(rule: Rule, out: Outcome, facts: Facts) -> float:
    if out.matched is None:
        return 0.0
    return 1.0 if rule.kind == "firmographic" else facts.factor


def cluster(outcomes: list[tuple[Rule, Outcome]], facts: Facts) -> str | None:
    """`<platform> + no <gap>`: accounts sharing a platform and a gap, for 1:few programmes."""
    platform = next((e["technology"] for rule, out in outcomes if rule.kind == "platform"
                     and out.matched for e in out.evidence), None)  # fmt: skip
    if platform is None:
        platform = min(platforms_of(facts.techs.values()), default=None)
    gaps = sorted(((rule.points, i, out) for i, (rule, out) in enumerate(outcomes)
                   if rule.kind == "gap" and out.matched), key=lambda g: (-g[0], g[1]))  # fmt: skip
    if platform is None or not gaps:
        return None
    return f"{platform} + no {gaps[0][2].evidence[0]['category']}"
