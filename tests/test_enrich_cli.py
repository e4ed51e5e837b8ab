"""`stackscout enrich` end to end: farm sites, a real embedded database server, the CLI."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from enrich.dbserver import EmbeddedServer
from tests.conftest import ROOT

ROWS = """company,website,employees,industry
Shop Store,shopstore.test,120,Retail
B2B Saas,http://b2bsaas.test,80,Software
Legacy,legacy.test,10,Manufacturing
Legacy again,https://www.legacy.test/about,10,Manufacturing
Robots,blocked.test,5,Media
Challenge,challenge.test,5,Media
Dead,dead.test,1,Media
Redirector,redirector.test,300,Media
Freemail,,,
Garbage,not a domain at all,3,x
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(str(tmp_path_factory.mktemp("db"))) as srv:
        yield srv


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stackscout.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def test_enrich_batch_statuses_rejects_and_rerun(
    farm_env: Any, server: EmbeddedServer, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ROWS.replace("Freemail,,,", "Freemail,,,\nJoe,,,,joe@gmail.com"))
    env = {**os.environ, **farm_env.proxy_env(), "MONGODB_URI": server.uri + "&appName=t",
           "STACKSCOUT_DB": "enrich_e2e"}  # fmt: skip
    first = run(["enrich", str(accounts), "--pages", "1"], env)
    assert first.returncode == 0, first.stderr[-3000:]
    db = MongoClient(server.uri)["enrich_e2e"]
    docs = {d["_id"]: d for d in db.accounts.find()}
    status = {k: v["scan"]["status"] for k, v in docs.items()}
    assert status["shopstore.test"] in ("ok", "partial")
    assert status["b2bsaas.test"] == "ok"
    assert status["blocked.test"] == "robots_disallowed"
    assert status["challenge.test"] == "blocked"
    assert status["dead.test"] == "unreachable"
    assert docs["dead.test"]["scan"]["reason"]
    assert "Shopify" in docs["shopstore.test"]["tech_names"]
    assert docs["shopstore.test"]["input"] == {"employees": "120", "industry": "Retail"}
    assert "gaps" not in docs["challenge.test"] and "technologies" not in docs["challenge.test"]
    assert "CMS" in docs["legacy.test"]["gaps"]
    assert {d["queue"]["state"] for d in docs.values()} == {"done"}
    assert db.scans.count_documents({}) == len(docs) == 7
    assert db.accounts.count_documents({"outbox": {"$exists": True}}) == 0
    assert "tech_names_1" in db.accounts.index_information()

    rejects = list(csv.DictReader((tmp_path / "accounts.rejects.csv").open()))
    reasons = {r["row"]: r["reason"] for r in rejects}
    assert "duplicate of row 4" in reasons["5"]
    assert any("not a usable website" in r for r in reasons.values())
    assert any("no domain" in r for r in reasons.values())

    again = run(["enrich", str(accounts), "--pages", "1"], env)
    assert again.returncode == 0
    assert "0 to scan" in again.stderr
    assert db.scans.count_documents({}) == 7

    out = tmp_path / "export.csv"
    exported = run(["export", "--out", str(out)], env)
    assert exported.returncode == 0, exported.stderr
    rows = {r["domain"]: r for r in csv.DictReader(out.open())}
    assert "Shopify" in rows["shopstore.test"]["ecommerce"]
    assert (
        rows["challenge.test"]["scan_status"] == "blocked" and rows["challenge.test"]["gaps"] == ""
    )
