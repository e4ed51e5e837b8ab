"""Fit scoring end to end, as a user runs it: `stackscout enrich --profile` over farm stores into a
real embedded database server, then `score` after a profile edit (no request reaches the farm),
`accounts` filters, the HTML report, triggers from history, and bad profiles refused."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from enrich.dbserver import EmbeddedServer
from tests.farm.fit_sites import fit_sites, replatform_after, replatform_before
from tests.farm.server import Farm, Site, error
from tests.test_enrich import FAST, _dbname, _env, cli, db_server, dbname, env, write_csv

__all__ = ["db_server", "dbname", "env"]  # fixtures shared with test_enrich

pytestmark = pytest.mark.timeout(240)

PROFILE = """
id = "reviews"
name = "Reviews app for Shopify stores"
version = 1
description = "Test profile: Shopify stores without a reviews tool, or with a rival."

[[rules]]
id = "on-shopify"
kind = "platform"
technologies = ["Shopify"]
points = 25

[[rules]]
id = "no-reviews"
kind = "gap"
categories = ["Reviews"]
points = 35
label = "no reviews tool: greenfield"

[[rules]]
id = "rival"
kind = "competitor"
technologies = ["Yotpo Reviews", "Judge.me", "Trustpilot"]
points = 15

[[rules]]
id = "email"
kind = "complement"
technologies = ["Klaviyo"]
points = 15

[[rules]]
id = "helpdesk"
kind = "technology"
categories = ["Helpdesk"]
points = 5

[[rules]]
id = "size"
kind = "firmographic"
field = "employees"
min = 10
max = 1000
points = 10
required = true

[[rules]]
id = "markets"
kind = "firmographic"
field = "country"
in = ["US", "CA"]
points = 5

[[rules]]
id = "replatformed"
kind = "trigger"
signal = "migration"
categories = ["Ecommerce"]
within_days = 180
points = 10

[[rules]]
id = "dropped-rival"
kind = "trigger"
signal = "competitor_removed"
points = 10

[tiers]
"1:1" = 85
"1:few" = 65
"1:many" = 40

[tiers.value]
field = "revenue"
"1:1" = 20_000_000
"""
EDITED = (PROFILE.replace("version = 1", "version = 2")
          .replace('in = ["US", "CA"]', 'in = ["US", "CA", "GB"]')
          .replace('"1:1" = 20_000_000', '"1:1" = 5_000_000'))  # fmt: skip

ROWS = [
    ["company", "website", "employees", "country", "revenue"],
    ["Shop Store", "shopstore.test", "120", "US", "$30M"],
    ["Bright Beans", "brightbeans.test", "45", "US", "8000000"],
    ["Peak Gear", "peakgear.test", "300", "CA", "60000000"],
    ["Tiny Tea", "tinytea.test", "4", "US", "500000"],
    ["Woolly Knits", "woolly.test", "60", "GB", "5000000"],
    ["Walled Inc", "challenge.test", "50", "US", ""],
]
# (score, tier, disqualified_by, cluster, confidence, {rule: points}) after the first enrich
EXPECTED = {
    "shopstore.test": (75, "1:few", None, None, 1.0,  # its help desk shows in DNS (Freshdesk)
                       {"on-shopify": 25, "rival": 15, "email": 15, "helpdesk": 5, "size": 10,
                        "markets": 5}),
    "brightbeans.test": (95, "1:few", None, "Shopify + no Reviews", 1.0,
                         {"on-shopify": 25, "no-reviews": 35, "email": 15, "helpdesk": 5,
                          "size": 10, "markets": 5}),
    "peakgear.test": (55, "1:many", None, None, 1.0,
                      {"on-shopify": 25, "rival": 15, "size": 10, "markets": 5}),
    "tinytea.test": (0, "none", "size", None, 1.0,
                     {"on-shopify": 25, "no-reviews": 35, "size": 0, "markets": 5}),
    "woolly.test": (0, "none", "on-shopify", None, 1.0,
                    {"on-shopify": 0, "no-reviews": 35, "email": 15, "size": 10}),
    "challenge.test": (15, "none", None, None, round(15 / 110, 2), {"size": 10, "markets": 5}),
}  # fmt: skip


def summary(fit: dict[str, Any]) -> tuple[Any, ...]:
    return (fit["score"], fit["tier"], fit["disqualified_by"], fit["cluster"], fit["confidence"],
            {r["rule"]: r["points"] for r in fit["reasons"]})  # fmt: skip


@pytest.fixture(scope="module")
def scored(
    farm: Farm, db_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One `enrich --profile` run over ROWS; the tests below read (and re-score) its results."""
    dbname = _dbname("t_fit")
    client: MongoClient[dict[str, Any]] = MongoClient(db_server.uri)
    client.drop_database(dbname)
    folder = tmp_path_factory.mktemp("fit")
    profile = folder / "reviews.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    path = write_csv(folder / "accounts.csv", ROWS)
    env = _env(farm, db_server, dbname)
    with farm.temporary_sites(*fit_sites()):
        done = cli("enrich", str(path), "--pages", "0", "--profile", str(profile), *FAST, env=env)
    yield {"done": done, "db": client[dbname], "env": env, "profile": profile, "folder": folder}
    client.drop_database(dbname)
    client.close()


def fits(db: Any, profile: str = "reviews") -> dict[str, dict[str, Any]]:
    return {d["_id"]: d["fit"][profile] for d in db.accounts.find({}, {"fit": 1})}


def test_enrich_with_profile_scores_each_account(scored: dict[str, Any]) -> None:
    done, db = scored["done"], scored["db"]
    assert done.returncode == 0, done.stderr[-3000:]
    results = fits(db)
    assert {domain: summary(fit) for domain, fit in results.items()} == EXPECTED
    bright = results["brightbeans.test"]
    assert bright["profile_version"] == "1" and bright["account_value"] == 8e6
    assert bright["disqualified"] is False and bright["triggers"] == []
    assert bright["reasons"][0] == {
        "rule": "on-shopify", "kind": "platform", "label": "runs Shopify", "points": 25,
        "evidence": [{"technology": "Shopify", "url": "https://brightbeans.test/",
                      "field": "scripts", "match": "Shopify.shop ="}]}  # fmt: skip
    assert bright["reasons"][1]["evidence"] == [
        {"category": "Reviews", "url": "https://brightbeans.test/", "pages": 1,
         "detail": "no Reviews technology found"}]  # fmt: skip
    assert [e["technology"] for e in bright["reasons"][3]["evidence"]] == ["Gorgias"]
    assert results["shopstore.test"]["reasons"][1]["label"] == "runs a competitor: Yotpo Reviews"
    woolly = results["woolly.test"]
    assert woolly["disqualified"] is True
    assert woolly["reasons"][0] == {
        "rule": "on-shopify", "kind": "platform", "label": "does not run Shopify", "points": 0,
        "disqualifies": True,
        "evidence": [{"platforms_found": ["WooCommerce", "WordPress"],
                      "url": "https://woolly.test/"}]}  # fmt: skip
    assert results["tinytea.test"]["reasons"][2]["label"] == (
        "employees outside the profile (employees >= 10 and <= 1000)"
    )
    walled = results["challenge.test"]
    assert walled["scan_status"] == "blocked" and not walled["disqualified"]
    assert [u["rule"] for u in walled["unknown"]] == ["on-shopify", "no-reviews", "rival", "email",
                                                      "helpdesk"]  # fmt: skip
    assert {"fit.reviews.tier_1", "fit.reviews.score_-1"} <= set(db.accounts.index_information())


def test_accounts_filters_and_formats(scored: dict[str, Any]) -> None:
    env, profile = scored["env"], str(scored["profile"])

    def domains(*args: str) -> list[str]:
        done = cli("accounts", *args, "--format", "csv", env=env)
        assert done.returncode == 0, done.stderr
        return [r["domain"] for r in csv.DictReader(io.StringIO(done.stdout))]

    assert domains("--profile", "reviews", "--tier", "1:few") == ["brightbeans.test",
                                                                  "shopstore.test"]  # fmt: skip
    assert domains("--profile", profile, "--min-score", "50") == ["brightbeans.test",
                                                                  "shopstore.test", "peakgear.test"]  # fmt: skip
    assert domains("--tech", "Judge.me") == ["peakgear.test"]
    assert domains("--gap", "Reviews", "--profile", "reviews") == ["brightbeans.test",
                                                                   "tinytea.test", "woolly.test"]  # fmt: skip
    assert domains("--profile", "reviews", "--trigger", "migration") == []
    jsonl = cli("accounts", "--profile", "reviews", "--tier", "1:many", "--format", "jsonl",
                env=env)  # fmt: skip
    [line] = [json.loads(x) for x in jsonl.stdout.splitlines()]
    assert line["domain"] == "peakgear.test" and line["tier"] == "1:many"
    assert line["reasons"] == ("runs Shopify (+25); runs a competitor: Judge.me (+15); "
                               "employees in range (+10); country matches (+5)")  # fmt: skip
    assert line["fit"]["score"] == 55 and line["input"]["country"] == "CA"
    table = cli("accounts", "--profile", "reviews", env=env)
    assert table.returncode == 0 and "brightbeans.test" in table.stdout
    assert "6 accounts" in table.stderr
    refused = cli("accounts", "--tier", "1:1", env=env)
    assert refused.returncode == 2 and "--tier, --trigger and --min-score need --profile" in (
        refused.stderr
    )


def test_report_html_and_charts(scored: dict[str, Any]) -> None:
    out = scored["folder"] / "report" / "reviews.html"
    done = cli("report", "--profile", str(scored["profile"]), "--out", str(out), env=scored["env"])
    assert done.returncode == 0, done.stderr
    pngs = [out.with_name(f"reviews-{n}.png") for n in ("platforms", "gaps", "tiers")]
    assert done.stdout.split() == [str(p) for p in (out, *pngs)]
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = out.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 3 and "<script" not in page
    top = page.split("<h2>Top accounts</h2>")[1].split("<h2>")[0]
    assert top.index("brightbeans.test") < top.index("shopstore.test") < top.index("peakgear.test")
    assert "tinytea.test" not in top and "woolly.test" not in top
    assert "no reviews tool: greenfield <b>+35</b>" in top
    clusters = page.split("<h2>1:few clusters</h2>")[1].split("<h2>")[0]
    assert "<td>Shopify + no Reviews</td><td class=num>1</td><td>brightbeans.test</td>" in clusters
    disqualified = page.split("<h2>Disqualified</h2>")[1].split("<h2>")[0]
    assert "<td>on-shopify</td><td class=num>1</td>" in disqualified
    assert "<td>size</td><td class=num>1</td>" in disqualified


def test_profile_edit_rescores_without_fetching(scored: dict[str, Any], farm: Farm) -> None:
    db, env = scored["db"], scored["env"]
    edited = scored["folder"] / "reviews-v2.toml"
    edited.write_text(EDITED, encoding="utf-8")
    scans_before = db.scans.count_documents({})
    farm.stats.reset()
    done = cli("score", "--profile", str(edited), env=env)
    assert done.returncode == 0, done.stderr
    assert farm.stats.count() == 0 and farm.stats.connects() == 0, farm.stats.hosts()
    assert db.scans.count_documents({}) == scans_before
    assert done.stdout.strip() == ("reviews v2: 6 accounts scored: 1:1 1, 1:few 1, 1:many 1, "
                                   "none 3 (2 disqualified, 1 in clusters)")  # fmt: skip
    results = fits(db)
    assert {d: f["profile_version"] for d, f in results.items()} == dict.fromkeys(EXPECTED, "2")
    # 1:1 now needs $5M: Bright Beans ($8M, score 95) moves up; Woolly's GB now counts (+5)
    # but it is still not on Shopify.
    assert summary(results["brightbeans.test"])[:4] == (95, "1:1", None, "Shopify + no Reviews")
    assert summary(results["woolly.test"])[5]["markets"] == 5
    assert summary(results["woolly.test"])[:3] == (0, "none", "on-shopify")
    assert summary(results["shopstore.test"]) == EXPECTED["shopstore.test"]
    stale = cli("report", "--profile", str(scored["profile"]), "--out",
                str(scored["folder"] / "old.html"), env=env)  # fmt: skip
    assert "warning: 6 accounts have no fit for reviews version 1" in stale.stderr


def test_history_triggers_migration_and_removed_rival(
    farm: Farm, db_server: EmbeddedServer, tmp_path: Path
) -> None:
    dbname = _dbname("t_fit_history")
    client: MongoClient[dict[str, Any]] = MongoClient(db_server.uri)
    client.drop_database(dbname)
    db = client[dbname]
    env = _env(farm, db_server, dbname)
    profile = tmp_path / "reviews.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    path = write_csv(tmp_path / "one.csv", [["company", "website", "employees", "country",
                                             "revenue"],
                                            ["Replatform", "replatform.test", "80", "US", "25M"]])  # fmt: skip

    def enrich(site: Any) -> dict[str, Any]:
        with farm.temporary_sites(site):
            done = cli("enrich", str(path), "--refresh-days", "0", "--pages", "0", "--profile",
                       str(profile), *FAST, env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        doc = db.accounts.find_one({"_id": "replatform.test"})
        assert doc is not None
        return dict(doc["fit"]["reviews"])

    try:
        down = enrich(Site("replatform.test", every_path=error(503)))
        assert (down["scan_status"], down["score"], down["tier"]) == ("unreachable", 15, "none")
        first = enrich(replatform_before())
        assert (first["disqualified_by"], first["triggers"]) == ("on-shopify", [])
        # the first good scan after a failed one is the first stack: nothing was "added"
        assert db.changes.count_documents({}) == 0
        second = enrich(replatform_after())  # WooCommerce and Trustpilot only "missing" yet
        assert second["triggers"] == [] and not second["disqualified"]
        assert {r["rule"]: r["points"] for r in second["reasons"]}["rival"] == 15
        third = enrich(replatform_after())  # removals confirmed: migration + rival removed
        assert [(t["rule"], t["type"], t["detail"]) for t in third["triggers"]] == [
            ("replatformed", "migration", "WooCommerce -> Shopify (Ecommerce)"),
            ("dropped-rival", "competitor_removed", "competitor Trustpilot removed"),
        ]
        assert summary(third) == (100, "1:1", None, "Shopify + no Reviews", 1.0, {
            "on-shopify": 25, "no-reviews": 35, "email": 15, "size": 10, "markets": 5,
            "replatformed": 10, "dropped-rival": 10})  # fmt: skip
        listed = cli("accounts", "--profile", "reviews", "--trigger", "migration",
                     "--changed-since", "1d", "--format", "csv", env=env)  # fmt: skip
        rows = list(csv.DictReader(io.StringIO(listed.stdout)))
        assert [r["domain"] for r in rows] == ["replatform.test"]
        assert rows[0]["triggers"] == ("WooCommerce -> Shopify (Ecommerce); competitor "
                                       "Trustpilot removed")  # fmt: skip
        future = cli("accounts", "--changed-since", "2999-01-01", "--format", "csv", env=env)
        assert future.stdout.strip() == ",".join(
            ["domain", "name", "scan_status", "score", "tier", "confidence", "cluster",
             "platform", "reasons", "triggers", "gaps", "disqualified_by", "profile_version"])  # fmt: skip
    finally:
        client.drop_database(dbname)
        client.close()


def test_bad_profile_stops_before_any_crawl(
    env: dict[str, str], farm_env: Farm, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(PROFILE.replace('technologies = ["Shopify"]', 'technologies = ["Shopfiy"]'),
                   encoding="utf-8")  # fmt: skip
    path = write_csv(tmp_path / "a.csv", [["website"], ["brightbeans.test"]])
    for args in (("enrich", str(path), "--profile", str(bad)), ("score", "--profile", str(bad))):
        done = cli(*args, env=env)
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == [
            "error: invalid profile",
            f"{bad}: rule 'on-shopify' (#1): unknown technology 'Shopfiy' (did you mean "
            "'Shopify'?)",
        ]
    assert farm_env.stats.count() == 0
