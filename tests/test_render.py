"""Browser renders on the loopback farm: the `auto` policy, render-only evidence, bounds.

Real Chromium through scrapy-playwright (Debian's `chromium` or a Playwright-managed one),
reaching the farm through the same proxy variables as Scrapy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro

from crawler.browser import Browser, BrowserUnavailable, find_browser
from crawler.items import SiteCapture
from crawler.run import crawl_async
from crawler.spiders.site import Target
from tests.conftest import FAST_CRAWL, ROOT
from tests.farm.server import Response, Site, hang

try:
    find_browser(os.environ.get("STACKSCOUT_BROWSER"))
    NO_BROWSER = ""
except BrowserUnavailable as exc:
    NO_BROWSER = str(exc)
needs_browser = pytest.mark.skipif(bool(NO_BROWSER), reason=NO_BROWSER)
pytestmark = pytest.mark.timeout(180)

RENDER_WORTHY = ("gtmloaded.test", "spashell.test", "cdpbeacon.test", "manyscripts.test")
STATIC_ENOUGH = ("b2bsaas.test", "shopstore.test", "legacy.test")


def crawl(hosts: list[str], **settings: Any) -> Any:
    targets = [Target(url=f"http://{h}/") for h in hosts]
    opts = {**FAST_CRAWL, "STACKSCOUT_PAGE_BUDGET": 0, **settings}
    return deferred_from_coro(crawl_async(targets, opts))


def render_only(capture: SiteCapture) -> set[str]:
    assert capture.report is not None
    return {d.name for d in capture.report.technologies if d.render_only}


@needs_browser
@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_auto_renders_only_where_it_pays(farm: Any) -> Any:
    captures = {c.domain: c for c in (yield crawl([*RENDER_WORTHY, *STATIC_ENOUGH],
                                                  STACKSCOUT_RENDER="auto"))}  # fmt: skip
    rules = {d: c.render.rule for d, c in captures.items()}
    assert rules == {"gtmloaded.test": "loader", "spashell.test": "shell",
                     "cdpbeacon.test": "loader", "manyscripts.test": "scripts",
                     "b2bsaas.test": "static", "shopstore.test": "static",
                     "legacy.test": "static"}  # fmt: skip
    for host in RENDER_WORTHY:
        capture = captures[host]
        assert capture.render.rendered and not capture.render.error, capture.render
        assert capture.site.pages[0].rendered and capture.site.pages[0].render_reason
        expected = set(farm.sites[host].truth["render_only"])
        assert expected <= render_only(capture), (host, render_only(capture))
    for host in STATIC_ENOUGH:
        assert not captures[host].render.rendered
        assert captures[host].render.reason.startswith("static result sufficient")
    # what the render saw: an injected script, a global, an XHR beacon, a blocked pixel
    gtm = captures["gtmloaded.test"].site.pages[0]
    assert any(u.startswith("https://static.hotjar.com/c/hotjar-") for u in gtm.script_requests)
    assert gtm.js.get("_hjSettings.hjid") == 3561280
    pixel = "https://www.facebook.com/tr/?id=918273645501&ev=PageView&noscript=1"
    assert pixel in gtm.requests
    assert farm.stats.count("www.facebook.com") == 0  # an image: recorded, never downloaded
    assert any("api.segment.io/v1/p" in u for u in captures["spashell.test"].site.pages[0].requests)
    assert "<h1>Ledgerly</h1>" in captures["spashell.test"].site.pages[0].rendered_dom


@needs_browser
@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_always_closes_every_page_and_never_renders_nothing(farm: Any) -> Any:
    hosts = [*STATIC_ENOUGH, "gtmloaded.test", "cdpbeacon.test", "spashell.test"]
    captures = yield crawl(hosts, STACKSCOUT_RENDER="always", STACKSCOUT_RENDER_MAX_PAGES=2)
    assert len(captures) == len(hosts)  # a leaked page would stall the crawl before this
    assert all(c.render.rendered and c.render.rule == "always" for c in captures)
    captures = yield crawl(["gtmloaded.test"], STACKSCOUT_RENDER="never")
    assert not captures[0].render.rendered and captures[0].render.rule == ""
    assert render_only(captures[0]) == set()


@needs_browser
@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_render_is_bounded_and_a_throwing_getter_loses_one_global(farm: Any) -> Any:
    slow = Site("slowscript.test", {
        "/": Response(200, [("Content-Type", "text/html")],
                      "<html><body><p>hi</p><script src='/never.js'></script></body></html>"),
        "/never.js": hang(),
    })  # fmt: skip
    getter = Site("getter.test", {"/": Response(200, [("Content-Type", "text/html")], (
        "<html><body><div id='root'></div><script>"
        "Object.defineProperty(window,'Shopify',{get(){throw new Error('no')}});"
        "window.React={version:'17.0.2'};</script></body></html>"))})  # fmt: skip
    with farm.temporary_sites(slow, getter):
        captures = {c.domain: c for c in (yield crawl(
            ["slowscript.test", "getter.test"], STACKSCOUT_RENDER="always",
            STACKSCOUT_RENDER_TIMEOUT=3))}  # fmt: skip
    timed_out = captures["slowscript.test"]
    assert timed_out.status == "ok" and not timed_out.render.rendered
    assert "Timeout" in timed_out.render.error or "timed out" in timed_out.render.error
    got = captures["getter.test"]
    assert got.render.rendered and got.site.pages[0].js.get("React.version") == "17.0.2"
    assert "React" in render_only(got) and "Shopify" not in got.site.pages[0].js


@pytest.mark.usefixtures("farm_env")
@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_without_a_browser_the_scan_stays_static_and_says_so(tmp_path: Path) -> Any:
    captures = yield crawl(["spashell.test"], STACKSCOUT_RENDER="auto",
                           STACKSCOUT_BROWSER=str(tmp_path / "no-such-chromium"))  # fmt: skip
    note = captures[0].render
    assert captures[0].status == "ok" and not note.available and not note.rendered
    assert "rendering unavailable" in note.reason and "no-such-chromium" in note.reason


def test_browser_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    managed = tmp_path / "ms-playwright" / "chromium-1200" / "chrome-linux"
    managed.mkdir(parents=True)
    (managed / "chrome").write_text("#!/bin/sh\n")
    (managed / "chrome").chmod(0o755)
    system = tmp_path / "bin"
    system.mkdir()
    (system / "chromium").write_text("#!/bin/sh\n")
    (system / "chromium").chmod(0o755)
    monkeypatch.setenv("PATH", str(system))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    assert find_browser().source == "playwright"
    assert find_browser(str(system / "chromium")).source == "configured"
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "empty"))
    assert find_browser() == Browser(str(system / "chromium"), "system")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(BrowserUnavailable, match="no Chromium found"):
        find_browser()


@needs_browser
def test_cli_scan_render_json(farm_env: Any) -> None:
    env = {**os.environ, **farm_env.proxy_env()}
    done = subprocess.run(
        [sys.executable, "-m", "stackscout.cli", "scan", "--json", "--pages", "0",
         "--render", "auto", "http://gtmloaded.test/"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    doc = json.loads(done.stdout)
    assert doc["render"]["policy"] == "auto" and doc["render"]["rule"] == "loader"
    assert doc["pages"][0]["rendered"] is True
    hotjar = next(t for t in doc["technologies"] if t["name"] == "Hotjar")
    assert hotjar["render_only"] and {e["source"] for e in hotjar["evidence"]} == {"render"}


def test_one_playwright_handler_serves_both_schemes() -> None:
    """Scrapy builds a download handler per scheme; each scrapy-playwright handler would start
    its own driver and browser (two Chromiums for a list with http:// and https:// sites)."""
    from scrapy.core.downloader.handlers import DownloadHandlers
    from scrapy.utils.test import get_crawler

    path = "crawler.downloadhandlers.playwright.PlaywrightIdleTimeoutDownloadHandler"
    crawler = get_crawler(settings_dict={"DOWNLOAD_HANDLERS": {"http": path, "https": path}})
    handlers = DownloadHandlers(crawler)
    http, https = handlers._get_handler("http"), handlers._get_handler("https")
    assert http is not None and http is https
