"""pytest fixtures for `stackscout serve` end-to-end tests (import from the main conftest).

``canary``   session-scoped loopback HTTP server that counts every request it receives: the
             private target that SSRF attempts aim at, which must never hear from the service.
``control``  another one, that an allow-listed name may reach (proves the canary would hear).
``service``  session-scoped `python -m stackscout.cli serve` subprocess as a user runs it: the
             farm through the proxy variables (`no_proxy` for loopback, so a request that slips
             through would reach a canary directly), the farm's DNS server, its own embedded
             database server process, a token, a profile, a cache TTL of `SERVICE_TTL` s.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from enrich.dbserver import EmbeddedServer
from tests.farm.server import Farm
from tests.farm.vendors import vendor_sites

__all__ = ["canary", "control", "service", "service_db"]

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token-0123456789abcdef"
SERVICE_TTL = 4.0
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=5",
        "-s", "RETRY_TIMES=0"]  # fmt: skip
PROFILE = ROOT / "examples" / "profiles" / "reviews-for-shopify.toml"
CONTROL_HOST = "allowed-canary.evilcorp.com"
_CLEARED = ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY")
_READY = re.compile(r"listening on (http://\S+)")


class Canary:
    """A loopback HTTP server recording each request's path."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        seen = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>private canary</body></html>")

            def log_message(self, *_: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def control() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def service_db() -> Iterator[EmbeddedServer]:
    with EmbeddedServer() as server:
        yield server


def client(url: str, headers: dict[str, str] | None = None) -> httpx.Client:
    """An HTTP client of the service (TCP_NODELAY: without it each keep-alive request waits
    ~40 ms for a delayed ACK)."""
    nodelay = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return httpx.Client(base_url=url, headers=headers, trust_env=False, timeout=120,
                        transport=nodelay)  # fmt: skip


@dataclass
class Service:
    proc: subprocess.Popen[str]
    url: str
    token: str | None
    log: list[str]
    env: dict[str, str]

    def client(self, token: str | bool | None = True) -> httpx.Client:
        """A client of the service; `token=True` sends the service's own token."""
        headers = {}
        value = self.token if token is True else token
        if value:
            headers["Authorization"] = f"Bearer {value}"
        return client(self.url, headers)

    def scan(self, url: str, **body: Any) -> httpx.Response:
        with self.client() as c:
            return c.post("/api/scans", json={"url": url, "wait": 30, **body})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: uvicorn's graceful shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def service_env(farm: Farm, db: EmbeddedServer, dbname: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(farm.proxy_env())
    vendors = ",".join(s.host for s in vendor_sites())
    env.update({
        "no_proxy": "127.0.0.1,localhost,::1,.evilcorp.com",
        "MONGODB_URI": db.uri, "STACKSCOUT_DB": dbname, "STACKSCOUT_HOME": str(home),
        "STACKSCOUT_ALLOW_HOSTS": f"*.test,{vendors},{CONTROL_HOST}",
        "STACKSCOUT_SERVE_CACHE_TTL": str(SERVICE_TTL),
        "STACKSCOUT_SERVE_RATE": "100000", "STACKSCOUT_SERVE_SCAN_RATE": "100000",
    })  # fmt: skip
    return env


def start_service(env: dict[str, str], *args: str, token: str | None = None) -> Service:
    command = [sys.executable, "-m", "stackscout.cli", "serve", "--port", "0", *FAST, *args]
    if token:
        command += ["--token", token]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    log: list[str] = []
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        log.append(line)
        found = _READY.search(line)
        if found:
            threading.Thread(target=lambda: log.extend(proc.stderr or ()), daemon=True).start()
            return Service(proc, found.group(1), token, log, env)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise AssertionError("the service did not start:\n" + "".join(log[-40:]))


@pytest.fixture(scope="session")
def service(
    farm: Farm, service_db: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    env = service_env(farm, service_db, "t_service", tmp_path_factory.mktemp("service-home"))
    running = start_service(env, "--profile", str(PROFILE), token=TOKEN)
    yield running
    running.stop()
