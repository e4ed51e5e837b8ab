"""Scrapy add-ons of the Stackscout crawler (enabled in `crawler.settings.ADDONS`)."""

from __future__ import annotations

import logging
import os
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from crawler.browser import LAUNCH_ARGS, BrowserUnavailable, find_browser

logger = logging.getLogger(__name__)

HTTP_HANDLER = "crawler.downloadhandlers.http11.HTTP11IdleTimeoutDownloadHandler"
PLAYWRIGHT_HANDLER = "crawler.downloadhandlers.playwright.PlaywrightIdleTimeoutDownloadHandler"


class RenderAddon:
    """Picks the download handler: scrapy-playwright's only when renders may happen.

    With `STACKSCOUT_RENDER=never` nothing of Playwright is imported or started. Otherwise a
    browser is looked for (`crawler.browser.find_browser`); when there is none the crawl runs
    statically and `STACKSCOUT_RENDER_UNAVAILABLE` says why, for every account's result.
    The browser is launched on the first render, not before, and reused by every render of
    the process. The proxy variables apply to it as they do to Scrapy.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        handler = HTTP_HANDLER
        if settings.get("STACKSCOUT_RENDER", "auto") != "never":
            configured = settings.get("STACKSCOUT_BROWSER") or os.environ.get("STACKSCOUT_BROWSER")
            try:
                browser = find_browser(configured)
            except BrowserUnavailable as exc:
                logger.warning("rendering unavailable, scanning statically: %s", exc)
                settings.set("STACKSCOUT_RENDER_UNAVAILABLE", str(exc), "addon")
            else:
                handler = PLAYWRIGHT_HANDLER
                self._playwright_settings(settings, browser.path)
        handlers = settings["DOWNLOAD_HANDLERS"]
        for scheme in ("http", "https"):
            handlers.set(scheme, handler, "addon")

    @staticmethod
    def _playwright_settings(settings: BaseSettings, executable: str) -> None:
        launch: dict[str, Any] = {"executable_path": executable, "headless": True,
                                  "args": list(LAUNCH_ARGS)}  # fmt: skip
        proxy = browser_proxy()
        if proxy:
            launch["proxy"] = proxy
        max_pages = settings.getint("STACKSCOUT_RENDER_MAX_PAGES", 4)
        timeout_ms = settings.getfloat("STACKSCOUT_RENDER_TIMEOUT", 20.0) * 1000
        for name, value in {
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
            "PLAYWRIGHT_MAX_CONTEXTS": max_pages,  # one context (and page) per render
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
            "PLAYWRIGHT_ABORT_REQUEST": "crawler.render.abort_request",
        }.items():
            settings.set(name, value, "addon")


def browser_proxy() -> dict[str, str] | None:
    """Playwright's `proxy` launch option from https_proxy/http_proxy and no_proxy."""
    proxies = urllib.request.getproxies_environment()
    url = proxies.get("https") or proxies.get("http")
    if not url:
        return None
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = parts.hostname or "localhost"
    host = f"[{host}]" if ":" in host else host
    proxy = {"server": f"{parts.scheme}://{host}:{parts.port or 80}"}
    if parts.username:
        proxy["username"] = parts.username
        proxy["password"] = parts.password or ""
    bypass = proxies.get("no", "")
    if bypass:
        proxy["bypass"] = ",".join(h.strip() for h in bypass.split(",") if h.strip())
    return proxy
