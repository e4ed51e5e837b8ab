"""The fault matrix end to end: `stackscout enrich` over one account per fault and case.

Every fault of `tests.farm.faultmatrix` is served by the loopback farm (and its DNS server),
the list goes through the real CLI into a real embedded database server, and each account
must end with the status and reason the matrix says: a blocked, parked or failed site never
reads as "technology absent", every account has a reason, none is lost or scanned twice, and
none takes much longer than its deadline.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pymongo import MongoClient

from enrich.dbserver import EmbeddedServer
from tests.conftest import ROOT
from tests.dbchecks import assert_each_done_once
from tests.farm.dns import FarmDNS
from tests.farm.faultmatrix import (
    FAULTS,
    GARBAGE_ROWS,
    Fault,
    matrix_dns,
    matrix_hosts,
    matrix_sites,
    write_matrix_csv,
)
from tests.farm.server import Farm

pytestmark = pytest.mark.timeout(300)

ACCOUNT_TIMEOUT = 20
CRAWL = ["--render", "never", "--pages", "2", "-s", "DOWNLOAD_DELAY=0", "-s",
         "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=3", "-s",
         f"STACKSCOUT_ACCOUNT_TIMEOUT={ACCOUNT_TIMEOUT}", "-s", "STACKSCOUT_RETRY_BACKOFF=0.5"]  # fmt: skip
GOOD = ("ok", "partial")
_CLEARED = ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY")
SCAN_SCHEMA = jsonschema.Draft202012Validator(
    json.loads((ROOT / "docs" / "scan.schema.json").read_text())
)


def cli_env(farm: Farm, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    return {**env, **farm.proxy_env(), **extra}


@pytest.fixture(scope="module")
def matrix(
    farm: Farm, farm_dns: FarmDNS, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One `enrich` run over the whole matrix; the tests below read its results."""
    folder = tmp_path_factory.mktemp("matrix")
    path = write_matrix_csv(folder / "matrix.csv")
    zones, servfail = matrix_dns()
    farm.stats.reset()
    with (
        EmbeddedServer() as server,
        farm.temporary_sites(*matrix_sites().values()),
        farm_dns.temporary_zone("\n".join(zones)),
    ):
        farm_dns.servfail.update(servfail)
        try:
            env = cli_env(farm, MONGODB_URI=server.uri, STACKSCOUT_DB="matrix")
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "stackscout.cli", "enrich", str(path),
                                   *CRAWL], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=240, check=False)  # fmt: skip
            took = time.monotonic() - started
        finally:
            farm_dns.servfail.difference_update(servfail)
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri)
        db = client["matrix"]
        yield {"done": done, "took": took, "db": db, "path": path,
               "accounts": {d["_id"]: d for d in db.accounts.find()},
               "scans": {d["domain"]: d for d in db.scans.find()},
               "home": {h: farm.stats.count(h, "/") for h in matrix_hosts()}}  # fmt: skip
        client.close()


def test_the_batch_finishes_every_account_once(matrix: dict[str, Any]) -> None:
    done = matrix["done"]
    assert done.returncode == 0, done.stderr[-3000:]
    hosts = set(matrix_hosts())
    assert f"{len(hosts) + len(GARBAGE_ROWS)} rows: {len(hosts)} to scan" in done.stderr
    assert_each_done_once(matrix["db"], hosts)
    # The slowest faults run side by side: the batch takes about one account deadline.
    assert matrix["took"] < ACCOUNT_TIMEOUT * 4, matrix["took"]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_each_fault_ends_with_its_status_and_reason(matrix: dict[str, Any], fault: Fault) -> None:
    for host in fault.hosts():
        doc = matrix["accounts"][host]
        scan = doc["scan"]
        assert fault.matches(scan["status"], scan["reason"]), (host, scan["status"], scan["reason"])
        assert scan["duration_s"] < ACCOUNT_TIMEOUT + 8, (host, scan["duration_s"])
        full = matrix["scans"][host]
        stored = {k: v for k, v in full.items() if k != "_id"}  # as `scan --json` prints it
        SCAN_SCHEMA.validate({**stored, "scanned_at": full["scanned_at"].isoformat()})
        if scan["status"] in GOOD:
            assert isinstance(doc["gaps"], list) and isinstance(full["gaps"], list)
            assert set(fault.technologies) <= set(doc["tech_names"]), doc["tech_names"]
        else:
            # Never "technology absent": no gaps, no technologies, no audit weaknesses.
            for key in ("gaps", "technologies", "tech_names", "audit_weaknesses"):
                assert key not in doc, (host, key)
            assert full["gaps"] is None and full["audit"] is None
        if fault.max_home_requests is not None:
            assert matrix["home"][host] <= fault.max_home_requests, (host, matrix["home"][host])


def test_bad_rows_are_rejected_with_a_reason(matrix: dict[str, Any]) -> None:
    rejects = matrix["path"].with_name("matrix.rejects.csv")
    with rejects.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(GARBAGE_ROWS)
    assert all(r["reason"] for r in rows)
    assert not {d for d in matrix["accounts"] if not d.endswith(".test")}


def test_transient_faults_were_retried_and_permanent_ones_bounded(matrix: dict[str, Any]) -> None:
    home = matrix["home"]
    for host in ("transient-503-0.test", "rate-limited-short-0.test", "transient-reset-0.test"):
        assert home[host] >= 2, (host, home[host])  # the fault, then the retry that worked
    for host in ("http-503-0.test", "http-500-0.test"):
        assert 2 <= home[host] <= 3, (host, home[host])  # RETRY_TIMES=2, the deadline permitting


def test_a_refused_connection_without_a_proxy(tmp_path: Path) -> None:
    """Straight to a loopback port nobody listens on: Scrapy's own connection error."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    done = subprocess.run([sys.executable, "-m", "stackscout.cli", "scan", "--json", "--no-dns",
                           "--render", "never", f"http://127.0.0.1:{port}/"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 3, done.stderr[-2000:]
    doc = json.loads(done.stdout)
    assert doc["status"] == "unreachable" and doc["reason"].startswith("connection refused")
    SCAN_SCHEMA.validate(doc)


def _peak_rss_mb(
    args: list[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `stackscout ARGS`, sampling its peak RSS (VmHWM) from /proc until it exits."""
    proc = subprocess.Popen([sys.executable, "-m", "stackscout.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    peak = 0.0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
        except OSError:
            break
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
        time.sleep(0.02)
    out, err = proc.communicate(timeout=120)
    return peak, subprocess.CompletedProcess(args, proc.returncode, out, err)


def test_a_gzip_bomb_is_cut_off_at_download_maxsize(farm_env: Farm) -> None:
    """Scrapy 2.19 inflates gzip in steps and stops at DOWNLOAD_MAXSIZE (5 MB): a 200 KB body
    that would inflate to 512 MiB costs the crawl a few MB, and the account says why."""
    from tests.farm import faults
    from tests.farm.server import Site

    bomb = Site("bomb-big.test", {"/": faults.gzip_bomb(512)})
    plain = Site("plain-big.test", {"/": faults.company_page()})
    args = ["scan", "--json", "--no-dns", "--render", "never", "--pages", "0"]
    env = cli_env(farm_env)
    with farm_env.temporary_sites(bomb, plain):
        faults._bomb(512)  # compressed before the clock starts
        normal, _ = _peak_rss_mb([*args, "https://plain-big.test/"], env)
        peak, done = _peak_rss_mb([*args, "https://bomb-big.test/"], env)
    doc = json.loads(done.stdout)
    assert doc["status"] == "unreachable", doc["reason"]
    assert "once decompressed" in doc["reason"] and "5242880 bytes" in doc["reason"]
    print(f"peak RSS: plain page {normal:.0f} MB, gzip bomb {peak:.0f} MB")
    assert normal > 0 and peak < normal + 64, (normal, peak)  # 512 MiB inflated would be +512
