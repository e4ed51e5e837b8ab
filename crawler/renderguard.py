"""The network guard inside a browser render: every request the page makes is checked first.

Registered by `crawler.render.init_page` when the guard is on. Playwright runs the most
recently registered route first, so this one sees each request before scrapy-playwright's
own: a refused request is aborted (its URL and reason are kept for the scan's `render`
note), any other falls back to scrapy-playwright's handler. WebSockets are checked the same
way and closed when refused.

What this cannot cover (README "Service", residual risks): the hops of a redirect of the
page's own navigation are followed inside Chromium without asking the route; without an
outbound proxy Chromium resolves names itself, so a name may answer the guard's lookup and
Chromium's differently (DNS rebinding); WebRTC and DNS prefetches do not go through routes.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from crawler.guardresolver import shared_guard
from crawler.netguard import Refused

logger = logging.getLogger(__name__)

NO_NETWORK = ("data:", "blob:", "about:")
MAX_KEPT = 20
_CURRENT: weakref.WeakKeyDictionary[Any, RenderGuard] = weakref.WeakKeyDictionary()
"""The guard of each page's current render (pages are reused from one render to the next)."""


async def refusal(url: str) -> str | None:
    """Why the guard refuses `url`, or None."""
    if url.startswith(NO_NETWORK):
        return None
    if url.startswith(("ws://", "wss://")):
        url = "http" + url[2:]
    try:
        await shared_guard().check(url)
    except Refused as exc:
        return exc.detail
    return None


class RenderGuard:
    """The route handlers of one render, and what they refused."""

    def __init__(self) -> None:
        self.refused: list[dict[str, str]] = []

    async def attach(self, page: Any) -> None:
        # "**", the pattern scrapy-playwright unroutes before the page's next render.
        await page.route("**", self.on_route)
        first = page not in _CURRENT
        _CURRENT[page] = self
        if first:  # WebSocket routes survive unroute: one per page, for its current render

            async def on_websocket(ws: Any) -> None:
                await _CURRENT[page].on_websocket(ws)

            await page.route_web_socket("**", on_websocket)

    async def on_route(self, route: Any, request: Any) -> None:
        reason = await refusal(request.url)
        if reason is None:
            await route.fallback()
            return
        self._keep(request.url, reason)
        await route.abort("blockedbyclient")

    async def on_websocket(self, ws: Any) -> None:
        reason = await refusal(ws.url)
        if reason is None:
            ws.connect_to_server()
            return
        self._keep(ws.url, reason)
        await ws.close(code=1008, reason="refused by the network guard")

    def _keep(self, url: str, reason: str) -> None:
        logger.info("render: refused %s: %s", url, reason)
        if len(self.refused) < MAX_KEPT:
            self.refused.append({"url": url[:300], "reason": reason})
