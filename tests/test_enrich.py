"""Batch enrichment end to end: the `stackscout` CLI as a user runs it, on the loopback site farm
and a real embedded database server process (SecantusDB; no mocks).

Every crawl runs in a subprocess (`python -m stackscout.cli enrich|worker|enqueue|export`) with
the farm's proxy variables and `MONGODB_URI` pointing at one module-wide server; each test uses
a database of its own (`STACKSCOUT_DB`). Crawl settings are made fast with `-s NAME=VALUE`.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from enrich.dbserver import EmbeddedServer
from tests.conftest import ROOT
from tests.dbchecks import assert_each_done_once
from tests.farm.generate import generate_accounts_csv, generate_sites
from tests.farm.server import Farm, Response, Site, cloudflare_challenge, error, redirect

pytestmark = pytest.mark.timeout(240)

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=3",
        "-s", "RETRY_TIMES=0", "--render", "never"]  # fmt: skip
GOOD = ("ok", "partial")
_CLEARED = ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY")


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def db_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer() as server:  # ":memory:", its own process on a free port
        yield server


def _env(farm: Farm, server: EmbeddedServer, dbname: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(farm.proxy_env())
    env.update({"MONGODB_URI": server.uri, "STACKSCOUT_DB": dbname})
    return env


def _dbname(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)[:50]


@pytest.fixture
def dbname(request: pytest.FixtureRequest) -> str:
    return _dbname(f"t_{request.node.name}")


@pytest.fixture
def db(db_server: EmbeddedServer, dbname: str) -> Iterator[Database[dict[str, Any]]]:
    client: MongoClient[dict[str, Any]] = MongoClient(db_server.uri)
    client.drop_database(dbname)
    yield client[dbname]
    client.drop_database(dbname)
    client.close()


@pytest.fixture
def env(farm_env: Farm, db_server: EmbeddedServer, dbname: str) -> dict[str, str]:
    return _env(farm_env, db_server, dbname)


def cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stackscout.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)  # fmt: skip


def spawn(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "stackscout.cli", *args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


# ----------------------------------------------------------------------------- one batch

BATCH_ROWS = [
    ["company", "website", "email", "employees", "industry"],
    ["Shop Store", "shopstore.test", "", "120", "Retail"],  # row 2
    ["Relaywise", "https://b2bsaas.test/", "", "300", "Software"],
    ["Legacy Works", "http://legacy.test", "", "12", "Manufacturing"],
    ["Gone Ltd", "dead.test", "", "5", ""],  # row 5
    ["Walled Inc", "challenge.test", "", "50", ""],
    ["Quietwater Labs", "www.blocked.test", "", "30", "Utilities"],
    ["Crestline Health", "redirector.test", "", "80", "Healthcare"],
    ["Relaywise Brand", "alias.test", "", "", ""],  # row 9: redirects to b2bsaas.test
    ["Shop Store again", "https://www.shopstore.test/collections/all", "", "120", "Retail"],
    ["Garbage", "not a website!!", "", "", ""],  # row 11
    ["Jane", "", "jane.doe@gmail.com", "", ""],
    ["Nobody", "", "", "", ""],
    ["Legacy by mail", "", "ceo@legacy.test", "", ""],  # row 14
    ["Files", "ftp://files.example.test", "", "", ""],
]
EXPECTED_STATUS = {
    "shopstore.test": GOOD,
    "b2bsaas.test": ("ok",),
    "legacy.test": ("ok",),
    "redirector.test": ("ok",),
    "alias.test": ("ok",),
    "dead.test": ("unreachable",),
    "challenge.test": ("blocked",),
    "blocked.test": ("robots_disallowed",),
}
EXPECTED_TECH = {
    "shopstore.test": {"Shopify", "Klaviyo", "Google Tag Manager", "Facebook Pixel"},
    "b2bsaas.test": {"WordPress", "HubSpot", "Intercom", "OneTrust", "Nginx", "PHP"},
    "legacy.test": {"jQuery"},
    "redirector.test": {"Drupal", "Marketo"},
    "alias.test": {"WordPress", "HubSpot"},
}


@pytest.fixture(scope="module")
def batch(
    farm: Farm, db_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One `enrich` run over BATCH_ROWS (module-wide: the tests below read its results)."""
    dbname = _dbname("t_batch")
    client: MongoClient[dict[str, Any]] = MongoClient(db_server.uri)
    client.drop_database(dbname)
    folder = tmp_path_factory.mktemp("batch")
    path = write_csv(folder / "accounts.csv", BATCH_ROWS)
    env = _env(farm, db_server, dbname)
    alias = Site("alias.test", every_path=redirect("https://b2bsaas.test{path}", 301))
    farm.stats.reset()
    with farm.temporary_sites(alias):
        done = cli("enrich", str(path), "--pages", "2", *FAST, env=env, timeout=60)
    yield {"done": done, "db": client[dbname], "path": path, "env": env,
           "requests": farm.stats.hosts(), "paths": {h: farm.stats.paths(h) for h in
                                                      ("blocked.test", "www.blocked.test")}}  # fmt: skip
    client.drop_database(dbname)
    client.close()


def test_batch_account_documents(batch: dict[str, Any]) -> None:
    done, db = batch["done"], batch["db"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert "14 rows: 8 to scan, 0 scanned within 7 days (skipped), 6 rejected" in done.stderr
    assert re.search(r"done: 8 accounts in .*; \d+ pages; \d+ database writes", done.stderr)
    docs = {d["_id"]: d for d in db.accounts.find()}
    assert set(docs) == set(EXPECTED_STATUS)
    for domain, statuses in EXPECTED_STATUS.items():
        doc = docs[domain]
        scan = doc["scan"]
        assert scan["status"] in statuses, (domain, scan)
        assert doc["queue"]["state"] == "done" and "outbox" not in doc
        if scan["status"] in GOOD:
            names = [t["name"] for t in doc["technologies"]]
            assert EXPECTED_TECH[domain] <= set(names), (domain, names)
            assert doc["tech_names"] == names
            assert isinstance(doc["gaps"], list) and doc["gaps"]
            assert not set(doc["gaps"]) & set(doc["categories_present"])
            assert scan["pages_fetched"] >= 1 and scan["final_url"]
            assert all(t["first_seen"] and t["missing_since"] is None for t in doc["technologies"])
        else:
            # A failed or blocked scan says nothing about technologies: no gaps, no "absent".
            for key in ("technologies", "tech_names", "gaps", "categories_present"):
                assert key not in doc, (domain, key)
            assert scan["reason"]
    assert docs["challenge.test"]["scan"]["reason"].startswith("bot wall: Cloudflare challenge")
    assert docs["blocked.test"]["scan"]["reason"] == "forbidden by robots.txt"
    assert re.match(r"timed out|connection (lost|closed)|no response received|the proxy could "
                    r"not connect to the site", docs["dead.test"]["scan"]["reason"])  # fmt: skip
    assert "CMS" in docs["legacy.test"]["gaps"]
    assert "CMS" not in docs["b2bsaas.test"]["gaps"]
    assert docs["redirector.test"]["scan"]["final_url"].startswith("https://www.redirector.test/")
    assert docs["alias.test"]["scan"]["final_url"].startswith("https://b2bsaas.test/")
    # input columns kept, name and URL normalised, source recorded
    b2b = docs["b2bsaas.test"]
    assert b2b["name"] == "Relaywise" and b2b["url"] == "https://b2bsaas.test/"
    assert b2b["input"] == {"employees": "300", "industry": "Software"}
    assert b2b["source"]["row"] == 3 and b2b["source"]["file"].endswith("accounts.csv")
    assert docs["blocked.test"]["url"] == "https://www.blocked.test/"
    # robots.txt was honoured through the proxy: only robots.txt was fetched there
    fetched = {p for paths in batch["paths"].values() for p in paths}
    assert fetched == {"/robots.txt"}


def test_batch_dns_detections_and_audit_weaknesses(batch: dict[str, Any]) -> None:
    """DNS detections and site-audit findings reach the account documents of good scans only."""
    db = batch["db"]
    docs = {d["_id"]: d for d in db.accounts.find()}
    b2b = docs["b2bsaas.test"]
    assert {"Google Workspace", "Zendesk", "dmarcian"} <= set(b2b["tech_names"])
    workspace = next(t for t in b2b["technologies"] if t["name"] == "Google Workspace")
    assert {(e["key"], e["url"], e["source"]) for e in workspace["evidence"]} >= {
        ("MX", "dns:b2bsaas.test", "dns")}  # fmt: skip
    audit = {f["id"]: f for f in b2b["audit"]}
    assert audit["dmarc"] == {"id": "dmarc", "group": "security", "ok": False, "value": "none",
                              "detail": "DMARC policy p=none"}  # fmt: skip
    assert b2b["audit_weaknesses"] == [f["id"] for f in b2b["audit"] if not f["ok"]]
    assert "dmarc" in b2b["audit_weaknesses"] and "https" not in b2b["audit_weaknesses"]
    assert "hsts" in docs["legacy.test"]["audit_weaknesses"]  # plain HTTP
    for domain in ("challenge.test", "blocked.test", "dead.test"):
        assert "audit" not in docs[domain] and "audit_weaknesses" not in docs[domain], domain
    found = {d["_id"] for d in db.accounts.find({"audit_weaknesses": "dmarc"}, {"_id": 1})}
    assert "b2bsaas.test" in found and "redirector.test" not in found
    assert "audit_weaknesses_1" in db.accounts.index_information()
    assert b2b["scan"]["dns_status"] == "ok" and b2b["scan"]["dns_errors"] == []
    scan = db.scans.find_one({"domain": "b2bsaas.test"})
    assert scan is not None and scan["dns_status"] == "ok" and scan["audit"] == b2b["audit"]
    assert {"type": "CNAME", "name": "help.b2bsaas.test", "value": "b2bsaas.zendesk.com."} in scan[
        "dns"
    ]
    assert db.scans.find_one({"domain": "challenge.test"})["audit"] is None


def test_batch_rejects_file(batch: dict[str, Any]) -> None:
    rejects = batch["path"].with_name("accounts.rejects.csv")
    assert f"-> {rejects}" in batch["done"].stderr
    with rejects.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    reasons = {int(r["row"]): r["reason"] for r in rows}
    assert set(reasons) == {10, 11, 12, 13, 14, 15}
    assert reasons[10] == "duplicate of row 2 (shopstore.test)"
    assert reasons[11].startswith("not a usable website: no valid host")
    assert reasons[12] == "e-mail at a free mail provider (gmail.com)"
    assert reasons[13] == "no domain, website, URL or company e-mail in the row"
    assert reasons[14] == "duplicate of row 4 (legacy.test)"
    assert reasons[15] == "not a usable website: unsupported scheme 'ftp' (only http and https)"
    raw = json.loads(next(r["data"] for r in rows if r["row"] == "12"))
    assert raw["email"] == "jane.doe@gmail.com"


def test_batch_scans_changes_and_indexes(batch: dict[str, Any]) -> None:
    db = batch["db"]
    assert_each_done_once(db, set(EXPECTED_STATUS))
    for scan in db.scans.find():
        account = db.accounts.find_one({"_id": scan["domain"]})
        assert account is not None and scan["status"] == account["scan"]["status"]
        assert scan["_id"].startswith(scan["domain"] + ":")
        assert (scan["gaps"] is not None) == (scan["status"] in GOOD)
    assert db.changes.count_documents({}) == 0  # first scans record no changes
    names = {
        "accounts": {"queue.state_1_queue.due_at_1", "queue.batch_1_queue.state_1_queue.due_at_1",
                     "queue.token_1", "tech_names_1", "gaps_1", "categories_present_1",
                     "scan.status_1", "scan.scanned_at_-1", "outbox.scan_id_1"},
        "scans": {"domain_1_scanned_at_-1"},
        "changes": {"at_-1", "domain_1_at_-1", "type_1_technology_1"},
    }  # fmt: skip
    for collection, wanted in names.items():
        assert wanted <= set(db[collection].index_information()), collection


def test_rerun_skips_fresh_accounts_without_crawling(batch: dict[str, Any], farm: Farm) -> None:
    db = batch["db"]
    before = {d["_id"]: d["scan"]["id"] for d in db.accounts.find({}, {"scan.id": 1})}
    farm.stats.reset()
    again = cli("enrich", str(batch["path"]), *FAST, env=batch["env"])
    assert again.returncode == 0, again.stderr[-3000:]
    assert "14 rows: 0 to scan, 8 scanned within 7 days (skipped), 6 rejected" in again.stderr
    assert "done: 0 accounts" in again.stderr
    assert farm.stats.count() == 0, farm.stats.hosts()
    assert farm.stats.connects() == 0
    assert {d["_id"]: d["scan"]["id"] for d in db.accounts.find({}, {"scan.id": 1})} == before
    assert db.scans.count_documents({}) == len(before)


def test_export_csv(batch: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    done = cli("export", "--format", "csv", "--out", str(out), env=batch["env"])
    assert done.returncode == 0, done.stderr
    assert "8 accounts exported" in done.stderr
    with out.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = {r["domain"]: r for r in reader}
        columns = reader.fieldnames or []
    assert columns[:8] == ["domain", "name", "website", "scan_status", "scan_reason", "scanned_at",
                           "technologies", "gaps"]  # fmt: skip
    assert {"cms", "crm", "live_chat", "analytics", "input_employees", "input_industry"} <= set(
        columns
    )
    assert set(rows) == set(EXPECTED_STATUS)
    b2b = rows["b2bsaas.test"]
    assert b2b["scan_status"] == "ok" and b2b["name"] == "Relaywise"
    assert "WordPress" in b2b["cms"].split("; ") and "HubSpot" in b2b["crm"].split("; ")
    assert "Intercom" in b2b["live_chat"].split("; ")
    assert b2b["input_employees"] == "300"
    assert "CMS" in rows["legacy.test"]["gaps"].split("; ") and rows["legacy.test"]["cms"] == ""
    walled = rows["challenge.test"]
    assert (
        walled["scan_status"] == "blocked" and walled["gaps"] == "" and walled["technologies"] == ""
    )
    assert rows["dead.test"]["scan_status"] == "unreachable" and rows["dead.test"]["scan_reason"]
    jsonl = cli("export", "--format", "jsonl", env=batch["env"])
    docs = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert {d["_id"] for d in docs} == set(EXPECTED_STATUS)
    assert not any("outbox" in d for d in docs)


# ----------------------------------------------------------------------------- generated sites

GENERATED_SITES = 120


@pytest.fixture
def generated(farm: Farm, tmp_path: Path) -> Iterator[tuple[Path, set[str]]]:
    """GENERATED_SITES generated sites served by the farm (60 ms per response), and their list."""
    sites = generate_sites(GENERATED_SITES, seed=7, latency_ms=60)
    path = generate_accounts_csv(tmp_path / "generated.csv", GENERATED_SITES, seed=7)
    with farm.temporary_sites(*sites.values()):
        yield path, set(sites)


# ----------------------------------------------------------------------------- workers


def test_two_workers_share_one_queue(
    env: dict[str, str], db: Database[dict[str, Any]], generated: tuple[Path, set[str]],
    tmp_path: Path,
) -> None:  # fmt: skip
    path, domains = generated
    queued = cli("enqueue", "--file", str(path), env=env)
    assert queued.returncode == 0, queued.stderr
    assert f"{len(domains)} queued, 0 fresh, 0 rejected" in queued.stdout
    half = str(len(domains) // 2)
    logs = [tmp_path / f"worker{i}.log" for i in (1, 2)]
    workers = [spawn("worker", "--max-accounts", half, "--claim-size", "10", "--poll", "0.5",
                     "--pages", "2", *FAST, env=env, log=log) for log in logs]  # fmt: skip
    for worker, log in zip(workers, logs, strict=True):
        assert worker.wait(150) == 0, log.read_text()[-3000:]
    assert_each_done_once(db, domains)
    by_worker = Counter(d["queue"]["claimed_by"] for d in db.accounts.find({}, {"queue": 1}))
    assert sorted(by_worker.values()) == [int(half), int(half)], by_worker


def test_concurrent_claims_never_hand_out_an_account_twice(db: Database[dict[str, Any]]) -> None:
    """Four stores (as four workers) race to claim small batches of one queue."""
    from datetime import timedelta

    from enrich.accounts import Account
    from enrich.store import Store

    domains = [f"race{i:04d}.test" for i in range(240)]
    Store(db).ensure_indexes()
    Store(db).enqueue((Account(domain=d, url=f"https://{d}/") for d in domains), batch="race",
                      refresh=timedelta(days=1))  # fmt: skip
    taken: list[list[str]] = [[] for _ in range(4)]

    def claim_all(mine: list[str]) -> None:
        store = Store(db)
        # A claim that loses every race comes back empty: go on while accounts are pending.
        while db.accounts.count_documents({"queue.state": "pending"}):
            mine += [d["_id"] for d in store.claim(4, "race")]

    threads = [threading.Thread(target=claim_all, args=(mine,)) for mine in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    everything = [d for mine in taken for d in mine]
    assert Counter(everything).most_common(1)[0][1] == 1, "an account was claimed twice"
    assert sorted(everything) == domains
    assert db.accounts.count_documents({"queue.state": "claimed"}) == len(domains)


def test_a_commit_cut_off_before_its_outbox_replay_is_written_out_once_on_the_next_start(
    db: Database[dict[str, Any]],
) -> None:
    """The process dies between a commit's account update and its outbox replay (the kill
    test hits that window only by chance): the next start writes the scan out, exactly once."""
    from datetime import timedelta

    from enrich.accounts import Account
    from enrich.batch import prepare
    from enrich.store import Store

    class DiesBeforeReplay(Store):
        def _replay_outbox(self, scope: dict[str, Any] | None = None) -> int:
            raise SystemExit("killed")

    store = DiesBeforeReplay(db)
    store.ensure_indexes()
    store.enqueue([Account(domain="cut.test", url="https://cut.test/")], batch="cut",
                  refresh=timedelta(days=1))  # fmt: skip
    [claimed] = store.claim(1, "cut")
    doc = {"status": "unreachable", "reason": "connection refused", "duration_s": 0.1,
           "pages": [], "final_url": None, "errors": [], "technologies": [], "gaps": None}  # fmt: skip
    store.add("cut.test", claimed["queue"]["token"], doc)
    with pytest.raises(SystemExit):
        store.flush()
    account = db.accounts.find_one({"_id": "cut.test"})
    assert account and account["queue"]["state"] == "done" and "outbox" in account
    assert db.scans.count_documents({"_id": {"$regex": "^cut.test:"}}) == 0
    for _ in range(2):  # the next start replays it; a second start finds nothing to do
        prepare(Store(db))
    account = db.accounts.find_one({"_id": "cut.test"})
    assert account and "outbox" not in account
    assert [s["_id"] for s in db.scans.find({"_id": {"$regex": "^cut.test:"}})] == [
        account["scan"]["id"]
    ]


# ----------------------------------------------------------------------------- history

_GA = """<script async src="https://www.googletagmanager.com/gtag/js?id=G-H1ST0RY42X"></script>
<script>window.dataLayer = window.dataLayer || [];function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());gtag('config', 'G-H1ST0RY42X');</script>"""
_HUBSPOT = """<script type="text/javascript" id="hs-script-loader" async defer
src="//js.hs-scripts.com/4455667.js"></script>"""
_INTERCOM = """<script>window.intercomSettings = {api_base: "https://api-iam.intercom.io",
app_id: "h1st0ry9"};</script><script>(function(){var w=window;var d=document;
var s=d.createElement('script');s.async=true;s.src='https://widget.intercom.io/widget/h1st0ry9';
d.head.appendChild(s);})();</script>"""
_WORDPRESS = """<meta name="generator" content="WordPress 6.4.2" />
<link rel='stylesheet' id='theme-css' href='/wp-content/themes/history/style.css?ver=1.0' />"""
_DRUPAL = """<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<script src="/core/misc/drupal.js?v=10.2.4"></script>"""


def _history_site(*snippets: str) -> Site:
    html = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>History Co"
            "</title>" + "\n".join(snippets) + "</head><body><h1>History Co</h1><p>Tools for "
            "people who make things, since 1998.</p></body></html>")  # fmt: skip
    page = Response(200, [("Content-Type", "text/html; charset=utf-8")], html)
    return Site("history.test", {"/": page})


def test_history_added_removed_and_migration_events(
    env: dict[str, str], db: Database[dict[str, Any]], farm: Farm, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "history.csv", [["company", "website"], ["History Co", "history.test"]]
    )

    def scan(site: Site) -> dict[str, Any]:
        with farm.temporary_sites(site):
            done = cli("enrich", str(path), "--refresh-days", "0", "--pages", "0", *FAST, env=env)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "1 to scan" in done.stderr
        doc = db.accounts.find_one({"_id": "history.test"})
        assert doc is not None
        return doc

    def changes(kind: str) -> set[str]:
        return {c["technology"] for c in db.changes.find({"type": kind})}

    def missing(doc: dict[str, Any]) -> set[str]:
        return {t["name"] for t in doc["technologies"] if t["missing_since"]}

    first = scan(_history_site(_WORDPRESS, _GA, _HUBSPOT))
    assert {"WordPress", "HubSpot", "Google Analytics"} <= set(first["tech_names"])
    assert db.changes.count_documents({}) == 0

    second = scan(_history_site(_WORDPRESS, _GA, _HUBSPOT, _INTERCOM))
    assert "Intercom" in changes("added")
    assert not changes("removed") and not missing(second)
    assert {c["scan_id"] for c in db.changes.find()} == {second["scan"]["id"]}

    # WordPress -> Drupal, HubSpot dropped: one good scan without them only marks them missing
    third = scan(_history_site(_DRUPAL, _GA, _INTERCOM))
    assert "Drupal" in changes("added")
    assert not changes("removed") and not changes("migration")
    assert {"WordPress", "HubSpot"} <= missing(third)
    assert {"WordPress", "HubSpot"} <= set(third["tech_names"])  # still listed until confirmed

    # A bot wall and an outage in between change nothing
    walled = Site("history.test", every_path=cloudflare_challenge())
    blocked = scan(walled)
    assert blocked["scan"]["status"] == "blocked"
    outage = scan(Site("history.test", every_path=error(503)))
    assert outage["scan"]["status"] == "unreachable"
    assert outage["scan"]["reason"] == "home page answered HTTP 503"
    assert not changes("removed") and not changes("migration")
    assert outage["technologies"] == third["technologies"]
    assert outage["gaps"] == third["gaps"]

    # The second good scan without them confirms the removals and the platform migration
    fifth = scan(_history_site(_DRUPAL, _GA, _INTERCOM))
    assert {"WordPress", "HubSpot"} <= changes("removed")
    assert not {"WordPress", "HubSpot"} & set(fifth["tech_names"])
    migrations = list(db.changes.find({"type": "migration"}))
    assert [(m["from"], m["to"], m["categories"]) for m in migrations] == [
        ("WordPress", "Drupal", ["CMS"])
    ]
    assert migrations[0]["scan_id"] == fifth["scan"]["id"]
    assert {"Intercom", "Google Analytics", "Drupal"} <= set(fifth["tech_names"])
    # one scan document per run, each change pointing at one of them
    assert db.scans.count_documents({"domain": "history.test"}) == 6
    scan_ids = {d["_id"] for d in db.scans.find({}, {"_id": 1})}
    assert {c["scan_id"] for c in db.changes.find()} <= scan_ids
