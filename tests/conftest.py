"""Shared fixtures: the loopback site farm and DNS server, the embedded database, fast crawl
settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest_dns import dns, farm_dns  # noqa: F401 - fixtures
from tests.conftest_farm import farm, farm_env  # noqa: F401 - fixtures
from tests.conftest_service import canary, control, service, service_db  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("STACKSCOUT_CORPUS", ROOT.parent / "shared" / "corpus"))

FAST_CRAWL = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 5,
    "RETRY_TIMES": 0,
    "LOG_LEVEL": "WARNING",
    "STACKSCOUT_RENDER": "never",
}


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's data dir or cache from tests."""
    home = tmp_path_factory.getbasetemp() / "stackscout-home"
    monkeypatch.setenv("STACKSCOUT_HOME", str(home))
    monkeypatch.setenv("STACKSCOUT_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
