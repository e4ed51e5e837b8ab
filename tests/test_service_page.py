"""The service's web page in a real headless Chromium: scan a farm site, read its stack, gaps,
audit and fit; then the stored accounts with their charts. Screenshots go to `artifacts/`."""

from __future__ import annotations

import os
from typing import Any

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro

from crawler.browser import LAUNCH_ARGS, BrowserUnavailable, find_browser
from tests.conftest_service import ROOT, TOKEN, Service

try:
    BROWSER = find_browser(os.environ.get("STACKSCOUT_BROWSER")).path
    NO_BROWSER = ""
except BrowserUnavailable as exc:
    BROWSER, NO_BROWSER = "", str(exc)
pytestmark = [pytest.mark.skipif(bool(NO_BROWSER), reason=NO_BROWSER), pytest.mark.timeout(180)]
ARTIFACTS = ROOT / "artifacts"


async def _scan_in_the_page(page: Any, service: Service) -> str:
    await page.goto(service.url + "/")
    await page.fill("#token", TOKEN)
    await page.click("#token-form button")
    await page.wait_for_selector("#scan-profile option[value='reviews-shopify']", state="attached")
    await page.select_option("#scan-profile", "reviews-shopify")
    await page.fill("#scan-url", "http://shopstore.test/")
    await page.click("#scan-go")
    await page.wait_for_selector("#fit-score", timeout=90_000)
    return str(await page.get_attribute("#scan-result", "data-scan"))


async def _page_test(service: Service) -> None:
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=BROWSER, args=list(LAUNCH_ARGS))
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 1400})
            job = await _scan_in_the_page(page, service)
            await page.screenshot(path=str(ARTIFACTS / "service-scan.png"), full_page=True)
            with service.client() as c:
                doc = c.get(f"/api/scans/{job}").json()
                fit = c.get(f"/api/scans/{job}/fit", params={"profile": "reviews-shopify"}).json()
            shown = set(
                await page.eval_on_selector_all(
                    "#stack tr[data-tech]", "rows => rows.map(r => r.dataset.tech)"
                )
            )
            assert {"Shopify", "Klaviyo", "Cloudflare"} <= shown
            gaps = await page.eval_on_selector_all(
                "#gaps li", "items => items.map(i => i.textContent)"
            )
            assert gaps == doc["gaps"] and gaps
            audit = await page.eval_on_selector_all(
                "#audit tr[data-audit]", "rows => rows.map(r => r.dataset.audit)"
            )
            assert audit == [f["id"] for f in doc["audit"]]
            assert "DNS ok" in await page.inner_text("#dns")
            assert "Microsoft 365" in await page.inner_text("#dns")  # MX, only in DNS
            assert await page.inner_text("#fit-score") == str(fit["score"])
            assert "policy auto" in await page.inner_text("#render")
            await page.click("button[data-view=accounts]")
            await page.select_option("#f-profile", "reviews-shopify")
            await page.click("#accounts-form button")
            await page.wait_for_function(
                "() => document.querySelectorAll('#chart-tiers svg rect').length === 4"
            )
            labels = await page.eval_on_selector_all(
                "#chart-platforms svg text", "ts => ts.map(t => t.textContent)"
            )
            assert "Shopify" in labels
            rows = await page.eval_on_selector_all(
                "#accounts-table tbody tr td:first-child", "cells => cells.map(c => c.textContent)"
            )
            assert "shopstore.test" in rows
            await page.screenshot(path=str(ARTIFACTS / "service-accounts.png"), full_page=True)
        finally:
            await browser.close()


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_the_web_page_scans_a_site_and_lists_accounts(service: Service) -> Any:
    yield deferred_from_coro(_page_test(service))  # an asyncio task: Playwright needs one
