"""Database faults: the embedded server stopped mid-batch, then restarted (or not).

`stackscout enrich` runs as a user runs it, against an embedded database server process on a
fixed port with on-disk storage; the test stops that server (a clean SIGTERM, as `stackscout
db stop` does) while accounts are being crawled and committed. Restarted within --db-wait,
the batch waits and finishes; left down, the command stops with exit status 75 and a message,
and running it again resumes. Either way every account ends with exactly one result.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import AutoReconnect, OperationFailure

from enrich.dbretry import DatabaseUnavailable, Patience, is_transient
from enrich.dbserver import EmbeddedServer
from tests.conftest import ROOT
from tests.dbchecks import assert_each_done_once
from tests.farm.generate import generate_accounts_csv, generate_sites
from tests.farm.server import Farm
from tests.test_faults import cli_env

pytestmark = pytest.mark.timeout(300)

SITES = 150
FAST = ["--render", "never", "--pages", "2", "-s", "DOWNLOAD_DELAY=0", "-s",
        "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=3"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Database:
    """An embedded server on disk that the test can stop and start again on the same port."""

    def __init__(self, storage: Path) -> None:
        self.storage, self.port = storage, free_port()
        self.server: EmbeddedServer | None = None

    def start(self) -> str:
        self.server = EmbeddedServer(self.storage, port=self.port)
        return self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def done(self) -> int:
        """Accounts committed so far (0 while the server is down)."""
        if self.server is None:
            return 0
        client: MongoClient[dict[str, Any]] = MongoClient(self.server.uri)
        try:
            return client["faults"].accounts.count_documents({"queue.state": "done"})
        finally:
            client.close()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(tmp_path / "db")
    db.start()
    try:
        yield db
    finally:
        db.stop()


@pytest.fixture
def sites(farm: Farm, tmp_path: Path) -> Iterator[tuple[Path, set[str]]]:
    generated = generate_sites(SITES, seed=23, latency_ms=80)
    path = generate_accounts_csv(tmp_path / "accounts.csv", SITES, seed=23)
    with farm.temporary_sites(*generated.values()):
        yield path, set(generated)


def enrich(path: Path, env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "stackscout.cli", "enrich", str(path),
                                 *FAST, *extra], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)  # fmt: skip


def wait_until(predicate: Any, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, "the batch ended before the fault was injected"
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.1)


def committed(db: Database) -> tuple[MongoClient[dict[str, Any]], Any]:
    assert db.server is not None
    client: MongoClient[dict[str, Any]] = MongoClient(db.server.uri)
    return client, client["faults"]


# -- the retry helper ---------------------------------------------------------------------


def test_patience_rides_out_transient_errors_only() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise AutoReconnect("connection refused")
        return "done"

    assert Patience(budget=5, first_delay=0.01).call("test", flaky) == "done"
    assert len(calls) == 3
    with pytest.raises(DatabaseUnavailable, match=r"unreachable for \d+ s \(test: AutoReconnect"):
        Patience(budget=0.05, first_delay=0.01).call("test", lambda: _raise(AutoReconnect("x")))
    with pytest.raises(OperationFailure):  # not transient: no retry
        Patience(budget=5).call("test", lambda: _raise(OperationFailure("bad query", 2)))
    assert is_transient(OperationFailure("shutting down", 91))


def _raise(exc: Exception) -> Any:
    raise exc


def test_a_claim_waits_for_a_restarted_server(database: Database) -> None:
    """A real server stopped under a Store: the call blocks, then completes once it is back."""
    from datetime import timedelta

    from enrich.accounts import Account
    from enrich.db import connect
    from enrich.store import Store

    store = Store(connect(database.server.uri if database.server else None),
                  patience=Patience(budget=60, first_delay=0.2))  # fmt: skip
    store.ensure_indexes()
    store.enqueue([Account(domain=f"w{i}.test", url=f"https://w{i}.test/") for i in range(5)],
                  batch="b", refresh=timedelta(days=1))  # fmt: skip
    database.stop()
    restarted = threading.Timer(3.0, database.start)
    restarted.start()
    started = time.monotonic()
    claimed = store.claim(10, "b")
    restarted.join()
    assert time.monotonic() - started >= 2.5
    assert sorted(d["_id"] for d in claimed) == [f"w{i}.test" for i in range(5)]
    store.db.client.close()


# -- end to end ---------------------------------------------------------------------------


def test_server_restarted_mid_batch_the_batch_waits_and_finishes(
    farm: Farm, database: Database, sites: tuple[Path, set[str]], tmp_path: Path
) -> None:
    path, domains = sites
    assert database.server is not None
    env = cli_env(farm, MONGODB_URI=database.server.uri, STACKSCOUT_DB="faults")
    log = tmp_path / "enrich.log"
    proc = enrich(path, env, log, "--db-wait", "120")
    wait_until(lambda: database.done() >= 20, proc)
    database.stop()
    down_at = time.monotonic()
    time.sleep(6)
    database.start()
    assert proc.wait(180) == 0, log.read_text()[-3000:]
    output = log.read_text()
    assert "database unavailable" in output and "database reachable again" in output
    assert time.monotonic() - down_at > 6
    client, db = committed(database)
    assert_each_done_once(db, domains)
    client.close()


def test_server_gone_for_good_stops_cleanly_and_a_rerun_resumes(
    farm: Farm, database: Database, sites: tuple[Path, set[str]], tmp_path: Path
) -> None:
    path, domains = sites
    assert database.server is not None
    env = cli_env(farm, MONGODB_URI=database.server.uri, STACKSCOUT_DB="faults")
    log = tmp_path / "enrich.log"
    proc = enrich(path, env, log, "--db-wait", "4")
    wait_until(lambda: database.done() >= 20, proc)
    database.stop()
    code = proc.wait(120)
    output = log.read_text()
    assert code == 75, output[-3000:]
    assert "error: the database was unreachable for" in output
    assert "run the same command again" in output
    assert "Traceback" not in output
    database.start()
    client, db = committed(database)
    before = db.accounts.count_documents({"queue.state": "done"})
    assert 20 <= before < len(domains)
    rerun = subprocess.run([sys.executable, "-m", "stackscout.cli", "enrich", str(path), *FAST],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
                           check=False)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{len(domains) - before} to scan" in rerun.stderr
    assert_each_done_once(db, domains)
    client.close()
