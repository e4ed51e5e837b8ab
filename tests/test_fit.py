"""The pure scorer and triggers on hand-made account documents shaped like the stored ones
(`enrich/store.py`), including the site-audit findings another part of the project adds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from enrich.fit import number, score
from enrich.profiles import Profile, load_catalog, load_profile

NOW = datetime(2026, 11, 30, 12, 0, 0)

PROFILE = """
id = "helpdesk"
name = "Helpdesk displacing Zendesk"
version = 1

[[rules]]
id = "zendesk"
kind = "competitor"
technologies = ["Zendesk"]
points = 40

[[rules]]
id = "service-cloud"
kind = "competitor"
technologies = ["Salesforce Service Cloud"]
action = "disqualify"

[[rules]]
id = "no-helpdesk"
kind = "gap"
categories = ["Helpdesk"]
points = 20

[[rules]]
id = "size"
kind = "firmographic"
field = "Employees"
min = 100
points = 20

[[rules]]
id = "security"
kind = "trigger"
signal = "audit_weakness"
groups = ["security"]
points = 5

[[rules]]
id = "dropped"
kind = "trigger"
signal = "tool_removed"
categories = ["Helpdesk"]
within_days = 30
points = 15

[[rules]]
id = "rival-gone"
kind = "trigger"
signal = "competitor_removed"
points = 10

[[rules]]
id = "grew"
kind = "trigger"
signal = "stack_grew"
min_change = 2
points = 5

[[rules]]
id = "shrank"
kind = "trigger"
signal = "stack_shrank"
min_change = 1
points = 5

[tiers]
"1:1" = 75
"1:few" = 55
"1:many" = 35
"""


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    path = tmp_path_factory.mktemp("p") / "helpdesk.toml"
    path.write_text(PROFILE, encoding="utf-8")
    return load_profile(path, load_catalog())


def tech(name: str, *categories: str, missing_since: str | None = None) -> dict[str, Any]:
    return {"name": name, "categories": list(categories), "confidence": 100,
            "vendor": name + " Inc.", "missing_since": missing_since,
            "evidence": [{"field": "scriptSrc", "match": f"//{name.lower()}.example/",
                          "url": "https://acme.test/", "pattern": "x", "source": "static"}]}  # fmt: skip


def account(status: str = "ok", techs: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    techs = techs if techs is not None else []
    doc: dict[str, Any] = {"_id": "acme.test", "url": "https://acme.test/", "input": {},
                           "scan": {"status": status, "final_url": "https://acme.test/",
                                    "pages_fetched": 3, "scanned_at": NOW}}  # fmt: skip
    if techs or status in ("ok", "partial"):
        doc["technologies"] = techs
        doc["categories_present"] = sorted({c for t in techs for c in t["categories"]})
        doc["gaps"] = []
    doc.update(extra)
    return doc


def event(kind: str, name: str, at: str, *categories: str) -> dict[str, Any]:
    return {"domain": "acme.test", "type": kind, "technology": name,
            "categories": list(categories), "at": at}  # fmt: skip


def rules(result: dict[str, Any]) -> dict[str, int]:
    return {r["rule"]: r["points"] for r in result["reasons"]}


ZENDESK = tech("Zendesk", "Helpdesk", "Live chat")


def test_displacement_with_audit_weakness(profile: Profile) -> None:
    audit = [{"id": "hsts", "group": "security", "ok": False, "value": None,
              "detail": "no Strict-Transport-Security header"},
             {"id": "meta-description", "group": "seo", "ok": False, "value": "", "detail": ""},
             {"id": "csp", "group": "security", "ok": True, "value": "default-src 'self'",
              "detail": ""}]  # fmt: skip
    doc = account(techs=[ZENDESK], input={"employees": "1,200"}, audit=audit,
                  audit_weaknesses=["hsts", "meta-description"])  # fmt: skip
    result = score(doc, profile, now=NOW)
    assert rules(result) == {"zendesk": 40, "size": 20, "security": 5}
    assert (result["score"], result["tier"], result["confidence"]) == (65, "1:few", 1.0)
    assert result["triggers"] == [
        {"type": "audit_weakness", "at": "2026-11-30T12:00:00", "audit": "hsts",
         "group": "security", "value": None, "rule": "security",
         "detail": "security weakness hsts: no Strict-Transport-Security header"}]  # fmt: skip
    zendesk = result["reasons"][0]
    assert zendesk["label"] == "runs a competitor: Zendesk"
    assert zendesk["evidence"] == [{"technology": "Zendesk", "url": "https://acme.test/",
                                    "field": "scriptSrc", "match": "//zendesk.example/"}]  # fmt: skip
    assert result["reasons"][1]["evidence"] == [
        {"field": "Employees", "value": "1,200", "condition": "Employees >= 100"}]  # fmt: skip
    assert result["cluster"] is None  # no gap: nothing to cluster on
    assert (result["disqualified"], result["disqualified_by"]) == (False, None)


def test_audit_absent_is_no_trigger_and_no_missing_data(profile: Profile) -> None:
    result = score(account(techs=[ZENDESK], input={"employees": "300"}), profile, now=NOW)
    assert result["triggers"] == [] and rules(result) == {"zendesk": 40, "size": 20}
    assert result["confidence"] == 1.0 and result["unknown"] == []
    # Only the ids stored: the group of a finding is unknown, so a group filter cannot match it.
    only_ids = account(techs=[ZENDESK], audit_weaknesses=["hsts"], input={"employees": "300"})
    assert score(only_ids, profile, now=NOW)["triggers"] == []


def test_disqualifier_names_its_rule(profile: Profile) -> None:
    doc = account(techs=[ZENDESK, tech("Salesforce Service Cloud", "Live chat", "Helpdesk")],
                  input={"employees": "5000"})  # fmt: skip
    result = score(doc, profile, now=NOW)
    assert (result["score"], result["tier"], result["disqualified_by"]) == (0, "none",
                                                                            "service-cloud")  # fmt: skip
    assert result["reasons"][1] == {
        "rule": "service-cloud", "kind": "competitor", "points": 0, "disqualifies": True,
        "label": "runs a competitor: Salesforce Service Cloud",
        "evidence": [{"technology": "Salesforce Service Cloud", "url": "https://acme.test/",
                      "field": "scriptSrc", "match": "//salesforce service cloud.example/"}],
    }  # fmt: skip
    assert result["cluster"] is None


def test_gap_and_cluster(profile: Profile) -> None:
    doc = account(techs=[tech("WordPress", "CMS", "Blogs"), tech("Cart Functionality", "Ecommerce")],
                  input={"employees": "51-200"})  # fmt: skip
    doc["technologies"][1]["vendor"] = "(generic)"
    result = score(doc, profile, now=NOW)
    assert rules(result) == {"no-helpdesk": 20, "size": 20}
    assert result["reasons"][0]["evidence"] == [
        {"category": "Helpdesk", "url": "https://acme.test/", "pages": 3,
         "detail": "no Helpdesk technology found"}]  # fmt: skip
    assert (result["score"], result["tier"], result["cluster"]) == (40, "1:many",
                                                                    "WordPress + no Helpdesk")  # fmt: skip


def test_blocked_scan_is_not_a_gap(profile: Profile) -> None:
    result = score(account("blocked", input={"employees": "400"}), profile, now=NOW)
    assert rules(result) == {"size": 20}
    assert result["score"] == 20 and result["tier"] == "none" and not result["disqualified"]
    assert [u["rule"] for u in result["unknown"]] == ["zendesk", "service-cloud", "no-helpdesk"]
    assert result["unknown"][0]["why"] == "no successful scan (latest: blocked)"
    # weights: zendesk 40, service-cloud 1, gap 20, size 20 -> only size judged
    assert result["confidence"] == round(20 / 81, 2)


def test_partial_and_stale_scans_lower_confidence(profile: Profile) -> None:
    partial = score(account("partial", techs=[ZENDESK], input={"employees": "400"}), profile,
                    now=NOW)  # fmt: skip
    assert partial["score"] == 60
    assert partial["confidence"] == round((61 * 0.8 + 20) / 81, 2)
    stale = account("unreachable", techs=[ZENDESK], input={"employees": "400"})
    result = score(stale, profile, now=NOW)
    assert result["score"] == 60 and result["confidence"] == round((61 * 0.6 + 20) / 81, 2)
    missing_input = score(account(techs=[ZENDESK]), profile, now=NOW)
    assert missing_input["unknown"] == [
        {"rule": "size", "why": "no 'Employees' value in the input"}
    ]
    assert missing_input["confidence"] == round(61 / 81, 2)


def test_history_triggers(profile: Profile) -> None:
    changes = [
        event("removed", "Zendesk", "2026-11-20T08:00:00", "Helpdesk", "Live chat"),
        event("removed", "Freshdesk", "2026-09-01T08:00:00", "Helpdesk"),  # outside 30 days
        event("added", "Intercom", "2026-11-20T08:00:00", "Live chat", "Helpdesk"),
        event("added", "HubSpot", "2026-11-21T08:00:00", "CRM"),
        event("added", "Hotjar", "2026-11-22T08:00:00", "Analytics"),
    ]
    doc = account(techs=[tech("Intercom", "Live chat", "Helpdesk")], input={"employees": "900"})
    result = score(doc, profile, changes, now=NOW)
    assert rules(result) == {"size": 20, "dropped": 15, "rival-gone": 10, "grew": 5}
    assert [(t["rule"], t["type"], t["at"], t["detail"]) for t in result["triggers"]] == [
        ("dropped", "tool_removed", "2026-11-20T08:00:00", "Zendesk removed (Helpdesk, Live chat)"),
        ("rival-gone", "competitor_removed", "2026-11-20T08:00:00", "competitor Zendesk removed"),
        ("grew", "stack_grew", "2026-11-22T08:00:00", "3 tools added, 1 removed in 90 days"),
    ]
    assert result["score"] == 50 and result["tier"] == "1:many"


def test_number_parsing() -> None:
    assert [number(v) for v in ("1,200", "$5M", "12k", "2.5bn", "51-200", "1000+", 42, "US")] == [
        1200.0, 5e6, 12e3, 2.5e9, 125.5, 1000.0, 42.0, None]  # fmt: skip


def test_value_tiers(tmp_path: Path) -> None:
    text = PROFILE + '\n[tiers.value]\nfield = "revenue"\n"1:1" = 10_000_000\n'
    path = tmp_path / "v.toml"
    path.write_text(text, encoding="utf-8")
    p = load_profile(path, load_catalog())
    doc = account(techs=[ZENDESK, tech("Drift", "Live chat")], input={"employees": "900"})
    doc["audit_weaknesses"] = ["hsts"]
    small = {**doc, "input": {"employees": "900", "revenue": "$2M"}}
    big = {**doc, "input": {"employees": "900", "revenue": "$25M"}}
    changes = [event("removed", "Zendesk", "2026-11-29T00:00:00", "Helpdesk")]
    assert [score(d, p, changes, now=NOW)["tier"] for d in (small, big, doc)] == ["1:few", "1:1",
                                                                                  "1:1"]  # fmt: skip
    assert score(small, p, changes, now=NOW)["account_value"] == 2e6
