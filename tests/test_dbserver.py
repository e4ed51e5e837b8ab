"""The embedded database server: real SecantusDB processes, no mocks (Linux: reads /proc)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient, WriteConcern

from enrich import db, dbserver
from enrich.dbserver import EmbeddedServer, ServerStartError

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.timeout(120)


# ----------------------------------------------------------------------------- helpers


def _gone(pid: int) -> bool:
    """True once *pid* has exited (absent, or a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rpartition(")")[2].split()[0] in {"Z", "X"}


def _wait_gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _servers_for(storage: Path) -> list[int]:
    """Live processes whose argv names *storage* (only a server passes the db dir)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(storage).encode() in argv and not _gone(int(entry.name)):
            found.append(int(entry.name))
    return found


def _state(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / dbserver.STATE_NAME).read_text())
    return data


def _client(uri: str) -> MongoClient[dict[str, Any]]:
    return MongoClient(uri)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One daemon shared by the read-mostly tests of this module."""
    home = tmp_path_factory.mktemp("db-shared")
    dbserver.ensure_running(home)
    yield home
    dbserver.stop(home)


@pytest.fixture
def fresh_home(tmp_path: Path) -> Iterator[Path]:
    """An empty data dir whose server (if a test starts one) is stopped afterwards."""
    home = tmp_path / "home"
    yield home
    dbserver.stop(home)


# ----------------------------------------------------------------------------- daemon


def test_ensure_running_starts_real_server(shared_home: Path) -> None:
    uri = dbserver.ensure_running(shared_home)
    assert "retryWrites=false" in uri
    assert "serverSelectionTimeoutMS=" in uri
    state = _state(shared_home)
    assert not _gone(state["pid"])
    assert _servers_for(shared_home / "db") == [state["pid"]]
    client = _client(uri)
    try:
        coll = client.stackscout_test.companies
        coll.insert_one({"domain": "example.test", "tech": ["nginx"]})
        found = coll.find_one({"domain": "example.test"})
        assert found is not None
        assert found["tech"] == ["nginx"]
    finally:
        client.close()


def test_second_call_reuses_running_server(shared_home: Path) -> None:
    first = dbserver.ensure_running(shared_home)
    pid = _state(shared_home)["pid"]
    started = time.monotonic()
    second = dbserver.ensure_running(shared_home)
    assert time.monotonic() - started < 1.0
    assert second == first
    assert _state(shared_home)["pid"] == pid
    assert _servers_for(shared_home / "db") == [pid]


def test_status_and_uri_report_running_server(shared_home: Path, tmp_path: Path) -> None:
    info = dbserver.status(shared_home)
    state = _state(shared_home)
    assert info["running"] is True
    assert info["pid"] == state["pid"]
    assert info["port"] == state["port"]
    assert info["uri"] == dbserver.ensure_running(shared_home)
    assert info["data_dir"] == str(shared_home)
    assert info["size_bytes"] > 0
    assert Path(info["log_path"]).is_file()
    assert state["version"] == info["version"] != "unknown"
    assert state["started_at"]
    assert dbserver.uri(shared_home) == info["uri"]
    assert dbserver.uri(tmp_path / "nothing-here") is None
    assert dbserver.status(tmp_path / "nothing-here")["running"] is False


def test_connect_picks_uri_and_database(shared_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uri = dbserver.ensure_running(shared_home)
    monkeypatch.setenv("STACKSCOUT_HOME", str(shared_home))
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.delenv("STACKSCOUT_DB", raising=False)
    database = db.connect()  # no MONGODB_URI: the embedded server of STACKSCOUT_HOME
    try:
        assert database.name == "stackscout"
        database.probe.insert_one({"ok": True})
        assert database.probe.count_documents({}) == 1
    finally:
        database.client.close()

    monkeypatch.setenv("MONGODB_URI", uri)
    monkeypatch.setenv("STACKSCOUT_DB", "from_env")
    database = db.connect()
    assert database.name == "from_env"
    database.client.close()

    named = uri.replace("/?", "/from_path?")
    database = db.connect(named)
    assert database.name == "from_path"
    database.client.close()


def test_stop_then_restart_keeps_data(fresh_home: Path) -> None:
    uri = dbserver.ensure_running(fresh_home)
    pid = _state(fresh_home)["pid"]
    client = _client(uri)
    client.stackscout.accounts.insert_many([{"_id": i, "name": f"acct-{i}"} for i in range(100)])
    client.close()

    assert dbserver.stop(fresh_home) is True
    assert _wait_gone(pid, timeout=1)
    assert not (fresh_home / dbserver.STATE_NAME).exists()
    assert dbserver.status(fresh_home)["running"] is False
    assert dbserver.uri(fresh_home) is None
    assert dbserver.stop(fresh_home) is False

    uri = dbserver.ensure_running(fresh_home)
    assert _state(fresh_home)["pid"] != pid
    client = _client(uri)
    try:
        assert client.stackscout.accounts.count_documents({}) == 100
        assert client.stackscout.accounts.find_one({"_id": 42}) == {"_id": 42, "name": "acct-42"}
    finally:
        client.close()


def test_stale_state_after_crash_is_replaced(fresh_home: Path) -> None:
    uri = dbserver.ensure_running(fresh_home)
    pid = _state(fresh_home)["pid"]
    client = _client(uri)
    # j=True: acknowledged only once journaled. With the default j=False, as on
    # mongod, a write made ~50 ms before a SIGKILL can be lost (measured).
    journaled = client.stackscout.get_collection("accounts", write_concern=WriteConcern(j=True))
    journaled.insert_one({"_id": "survivor"})
    client.close()

    os.kill(pid, signal.SIGKILL)
    assert _wait_gone(pid)
    assert _state(fresh_home)["pid"] == pid  # the crash left server.json behind
    assert dbserver.status(fresh_home)["running"] is False

    uri = dbserver.ensure_running(fresh_home)
    assert _state(fresh_home)["pid"] != pid
    client = _client(uri)
    try:
        assert client.stackscout.accounts.find_one({"_id": "survivor"}) is not None
    finally:
        client.close()


@pytest.mark.parametrize("pid_kind", ["dead", "foreign"])
def test_state_naming_other_pid_is_ignored(tmp_path: Path, pid_kind: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    pid = _dead_pid() if pid_kind == "dead" else os.getpid()
    state = {"pid": pid, "port": _free_port(), "started_at": "x", "version": "0"}
    (home / dbserver.STATE_NAME).write_text(json.dumps(state))

    assert dbserver.uri(home) is None
    assert dbserver.status(home)["running"] is False
    assert dbserver.stop(home, timeout=1) is False  # must not signal a pid it does not own
    assert not (home / dbserver.STATE_NAME).exists()


def test_concurrent_callers_start_one_server(fresh_home: Path) -> None:
    code = "import sys; from pathlib import Path; from enrich.dbserver import ensure_running as e;"
    code += " print(e(Path(sys.argv[1])))"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(fresh_home)], cwd=ROOT, stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    uris: list[str] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            uris.append(dbserver.ensure_running(fresh_home))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        uris.append(out.strip())

    assert not errors
    assert len(uris) == 5
    assert len(set(uris)) == 1
    assert _servers_for(fresh_home / "db") == [_state(fresh_home)["pid"]]


def test_start_failure_raises_error_naming_log(fresh_home: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServerStartError) as info:
            dbserver.ensure_running(fresh_home, port=port)
    message = str(info.value)
    assert str(fresh_home / dbserver.LOG_NAME) in message
    assert "Address already in use" in message
    assert not (fresh_home / dbserver.STATE_NAME).exists()
    assert _servers_for(fresh_home / "db") == []


# ----------------------------------------------------------------------------- ephemeral


def test_embedded_server_in_memory() -> None:
    with EmbeddedServer(":memory:") as server:
        pid = server.pid
        assert "retryWrites=false" in server.uri
        log_path = server.log_path
        assert log_path is not None
        assert log_path.is_file()
        client = _client(server.uri)
        try:
            client.t.c.insert_many([{"n": n} for n in range(10)])
            assert [d["n"] for d in client.t.c.find({"n": {"$gte": 8}}).sort("n")] == [8, 9]
        finally:
            client.close()
    assert _wait_gone(pid, timeout=1)
    assert not log_path.exists()


# ----------------------------------------------------------------------------- describe


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/"),
        ("mongodb://bob:s%40cret@db1:27017,db2/app", "mongodb://bob:***@db1:27017,db2/app"),
        ("mongodb://bob@db1/?authMechanism=MONGODB-X509", "mongodb://bob@db1/?authMechanism=MONGODB-X509"),
        (
            "mongodb+srv://u:p@cluster.example.net/x?retryWrites=true&w=majority",
            "mongodb+srv://u:***@cluster.example.net/x?retryWrites=true&w=majority",
        ),
        (
            "mongodb://h/?tlsCertificateKeyFilePassword=pw&authMechanismProperties=AWS_SESSION_TOKEN:t",
            "mongodb://h/?tlsCertificateKeyFilePassword=***&authMechanismProperties=***",
        ),
        ("mongodb://u:p@h?ssl=true", "mongodb://u:***@h?ssl=true"),
    ],
)  # fmt: skip
def test_describe_hides_secrets(uri: str, expected: str) -> None:
    assert db.describe(uri) == expected
