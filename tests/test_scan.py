"""Scanning farm sites end to end: Scrapy through the proxy variables, detectors, statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro

from crawler.items import SiteCapture
from crawler.run import crawl_async
from crawler.spiders.site import Target
from tests.conftest import FAST_CRAWL, ROOT


def crawl(urls: list[str], **settings: Any) -> Any:
    targets = [Target(url=u) for u in urls]
    return deferred_from_coro(crawl_async(targets, {**FAST_CRAWL, **settings}))


def by_domain(captures: list[SiteCapture]) -> dict[str, SiteCapture]:
    return {c.domain: c for c in captures}


@pytest.fixture
def names_of() -> Any:
    return lambda c: {d.name for d in c.report.technologies}


@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_farm_sites_statuses_and_detections(farm: Any, names_of: Any) -> Any:
    urls = ["http://shopstore.test/", "http://b2bsaas.test/", "http://legacy.test/",
            "http://blocked.test/", "http://challenge.test/", "http://dead.test/",
            "https://redirector.test/"]  # fmt: skip
    captures = by_domain((yield crawl(urls)))
    assert captures["blocked.test"].status == "robots_disallowed"
    assert captures["challenge.test"].status == "blocked"
    assert "Cloudflare" in captures["challenge.test"].reason
    assert captures["dead.test"].status == "unreachable"
    shop = captures["shopstore.test"]
    assert shop.status in ("ok", "partial")
    assert {"Shopify", "Klaviyo", "Google Tag Manager", "Facebook Pixel"} <= names_of(shop)
    saas = captures["b2bsaas.test"]
    assert {"WordPress", "HubSpot", "Intercom", "OneTrust", "Nginx", "PHP"} <= names_of(saas)
    assert "CRM" not in saas.report.gaps or "HubSpot" in names_of(saas)
    redirected = captures["redirector.test"]
    assert redirected.site.pages[0].url.startswith("https://www.redirector.test/")
    assert redirected.site.pages[0].redirects
    assert {"Drupal", "Marketo"} <= names_of(redirected)
    legacy = captures["legacy.test"]
    assert "jQuery" in names_of(legacy) and "CMS" in legacy.report.gaps
    # robots.txt went through the proxy too (else Scrapy would treat it as allow-all)
    assert farm.stats.count("blocked.test", "/robots.txt") >= 1
    assert farm.stats.count("blocked.test", "/") == 0


@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_telling_pages_are_fetched_within_budget(farm: Any) -> Any:
    captures = yield crawl(["http://b2bsaas.test/"], STACKSCOUT_PAGE_BUDGET=2)
    kinds = [p.kind for p in captures[0].site.pages]
    assert kinds[0] == "home" and len(kinds) == 3


@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_invalid_url_is_reported_not_crawled() -> Any:
    captures = yield crawl(["ftp://nope.test/", "http://"])
    assert {c.status for c in captures} == {"invalid"}
    assert all(c.reason for c in captures)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stackscout.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_cli_scan_json_and_exit_codes(farm_env: Any) -> None:
    env = {**os.environ, **farm_env.proxy_env()}
    done = run_cli("scan", "--json", "--pages", "1", "http://b2bsaas.test/", env=env)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["status"] == "ok" and doc["domain"] == "b2bsaas.test"
    hubspot = next(t for t in doc["technologies"] if t["name"] == "HubSpot")
    assert hubspot["evidence"][0]["url"].startswith("http://b2bsaas.test/")
    assert isinstance(doc["gaps"], list)
    blocked = run_cli("scan", "--json", "http://blocked.test/", env=env)
    assert blocked.returncode == 4 and json.loads(blocked.stdout)["status"] == "robots_disallowed"
    table = run_cli("scan", "--pages", "0", "http://legacy.test/", env=env)
    assert "jQuery" in table.stdout and "Not detected" in table.stdout


def test_scrapy_crawl_command(farm_env: Any, tmp_path: Any) -> None:
    env = {**os.environ, **farm_env.proxy_env()}
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "site", "-a", "url=http://legacy.test/",
         "-s", "STACKSCOUT_PAGE_BUDGET=0", "-O", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    item = json.loads(out.read_text().splitlines()[0])
    assert item["domain"] == "legacy.test" and item["status"] == "ok"
    assert any(t["name"] == "jQuery" for t in item["report"]["technologies"])
