"""pytest fixtures for the loopback DNS server (import from the main conftest).

``farm_dns``  session-scoped, autouse: a :class:`tests.farm.dns.FarmDNS` serving the farm's
              zones on 127.0.0.1, and ``STACKSCOUT_DNS_SERVER`` pointing at it for the whole
              session, so every crawl a test makes (in-process or a ``stackscout`` subprocess
              inheriting the environment) asks it and nothing else: no DNS query leaves loopback.
``dns``       function-scoped: the same server with its query log cleared and its ``hang``
              and ``servfail`` sets restored after the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.farm.dns import FarmDNS

__all__ = ["dns", "farm_dns"]


@pytest.fixture(scope="session", autouse=True)
def farm_dns() -> Iterator[FarmDNS]:
    server = FarmDNS().start()
    before = os.environ.get("STACKSCOUT_DNS_SERVER")
    os.environ["STACKSCOUT_DNS_SERVER"] = server.address
    try:
        yield server
    finally:
        if before is None:
            os.environ.pop("STACKSCOUT_DNS_SERVER", None)
        else:
            os.environ["STACKSCOUT_DNS_SERVER"] = before
        server.stop()


@pytest.fixture
def dns(farm_dns: FarmDNS) -> Iterator[FarmDNS]:
    hang, servfail = set(farm_dns.hang), set(farm_dns.servfail)
    farm_dns.reset()
    try:
        yield farm_dns
    finally:
        farm_dns.hang.clear()
        farm_dns.hang.update(hang)
        farm_dns.servfail.clear()
        farm_dns.servfail.update(servfail)
