"""pytest fixtures for the loopback site farm (import from the main conftest:
``from tests.conftest_farm import *``).

``farm``      session-scoped :class:`tests.farm.server.Farm` running in a background thread on
              127.0.0.1 (port chosen by the OS) with every site of ``tests.farm.sites``.
              ``farm.port``, ``farm.proxy_url`` ("http://127.0.0.1:PORT"),
              ``farm.url(host, path="/", scheme="http")``, ``farm.stats``, ``farm.sites``,
              ``farm.temporary_sites(*sites)``, ``farm.playwright_proxy``,
              ``farm.host_resolver_rules``, ``farm.ca_path``.
``farm_env``  function-scoped: points http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY at the farm,
              removes no_proxy/NO_PROXY/all_proxy/ALL_PROXY (monkeypatch, undone after the test),
              resets ``farm.stats`` and restores ``farm.latency``/``farm.dead_hosts`` afterwards.
              Scrapy's HttpProxyMiddleware reads these variables when a crawler is created, so
              create the crawler inside the test: every request, robots.txt included, then goes
              to the farm. Yields the farm.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.farm.server import Farm
from tests.farm.sites import default_sites

__all__ = ["farm", "farm_env"]

_CLEARED = ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY")


@pytest.fixture(scope="session")
def farm() -> Iterator[Farm]:
    server = Farm(default_sites())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def farm_env(farm: Farm, monkeypatch: pytest.MonkeyPatch) -> Iterator[Farm]:
    for name, value in farm.proxy_env().items():
        monkeypatch.setenv(name, value)
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    latency, dead = farm.latency, set(farm.dead_hosts)
    farm.stats.reset()
    try:
        yield farm
    finally:
        farm.latency = latency
        farm.dead_hosts = dead
