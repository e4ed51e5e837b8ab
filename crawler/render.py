"""Browser renders through scrapy-playwright: request options, request recording, capture.

A render is one Scrapy request with `meta["playwright"]`; every other request keeps Scrapy's
own HTTP handler. `PagePool` lends each render a browser page (its own context, so cookies do
not leak from one account to the next) and takes it back afterwards for the next render: a
new page costs a new renderer process, about as much CPU as the navigation itself. A render
records every network request the page makes, and after load reads the live DOM, the JS
globals the loaded signatures ask for (one `evaluate`), and the cookies.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from detectors.snapshot import Page

logger = logging.getLogger(__name__)

BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
"""Not downloaded in a render. Their URLs are still recorded (a tracking pixel is evidence)."""
MAX_RECORDED_REQUESTS = 2000
MAX_JS_STRING = 500
META_KEY = "stackscout_render"
POOL_KEY = "stackscout_pages"
GUARD_KEY = "stackscout_render_guard"

# One call reads every asked-for global. Each path is walked in its own try, so a getter that
# throws (or a Proxy that refuses) loses that path only; values come back as primitives, and
# objects or functions as `true` (present).
READ_GLOBALS_JS = """
(args) => {
  const [paths, maxLen] = args;
  const out = {};
  for (const path of paths) {
    try {
      let value = window;
      for (const part of path.split('.')) {
        if (value === null || value === undefined) { value = undefined; break; }
        value = value[part];
      }
      if (value === undefined || value === null) continue;
      const kind = typeof value;
      if (kind === 'string') out[path] = value.slice(0, maxLen);
      else if (kind === 'number' || kind === 'boolean') out[path] = value;
      else out[path] = true;
    } catch (e) { /* a throwing getter: this path is absent */ }
  }
  return out;
}
"""


def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: skip images, fonts and media (recorded, never downloaded)."""
    return bool(request.resource_type in BLOCKED_RESOURCES)


QUIET_MS = 300
"""After load, the page is settled once no request started for this long and no script is
still loading (Playwright's `networkidle` wants 500 ms without any connection, which pages
with beacons or long polls never give)."""


@dataclass
class Recorder:
    """The network requests of one rendered page, in order, deduplicated, and its activity.

    Not slotted: Playwright stores its wrapper on the bound methods' object.
    """

    requests: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _loading: set[Any] = field(default_factory=set)
    last_activity: float = field(default_factory=time.monotonic)

    def attach(self, page: Any) -> None:
        page.on("request", self.on_request)
        page.on("requestfinished", self.on_done)
        page.on("requestfailed", self.on_done)

    def detach(self, page: Any) -> None:
        for event, handler in (("request", self.on_request), ("requestfinished", self.on_done),
                               ("requestfailed", self.on_done)):  # fmt: skip
            with contextlib.suppress(Exception):
                page.remove_listener(event, handler)

    def on_request(self, request: Any) -> None:
        self.last_activity = time.monotonic()
        if request.resource_type == "script":
            self._loading.add(request)
        url = request.url
        if url in self._seen or len(self.requests) >= MAX_RECORDED_REQUESTS:
            return
        if url.startswith(("data:", "blob:")):
            return
        self._seen.add(url)
        self.requests.append(url)
        if request.resource_type == "script":
            self.scripts.append(url)

    def on_done(self, request: Any) -> None:
        self._loading.discard(request)

    async def settle(self, limit_ms: int) -> None:
        """Wait until the page is quiet (see QUIET_MS), at most `limit_ms`."""
        deadline = time.monotonic() + limit_ms / 1000
        while time.monotonic() < deadline:
            quiet = time.monotonic() - self.last_activity >= QUIET_MS / 1000
            if quiet and not self._loading:
                return
            await asyncio.sleep(0.05)


@dataclass(slots=True)
class RenderResult:
    dom: str
    js: dict[str, Any]
    cookies: dict[str, str]
    requests: list[str]
    scripts: list[str]
    seconds: float


async def init_page(page: Any, request: Any) -> None:
    """`playwright_page_init_callback`: record every request, scripts injected later included."""
    recorder: Recorder = request.meta[META_KEY]
    recorder.attach(page)
    guard = request.meta.get(GUARD_KEY)
    if guard is not None:
        await guard.attach(page)


def request_meta(
    reason: str, *, user_agent: str, timeout_s: float, ignore_https_errors: bool = True,
    guard: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """The `Request.meta` of a render (merge into the spider's own meta).

    `RenderPagesMiddleware` adds the page (or the context for a new one) when it is sent.
    With `guard`, every request of the page is checked by the network guard first
    (`crawler.renderguard`).
    """
    meta: dict[str, Any] = {}
    if guard:
        from crawler.renderguard import RenderGuard

        meta[GUARD_KEY] = RenderGuard()
    return {
        **meta,
        "playwright": True,
        "playwright_include_page": True,
        "playwright_context_kwargs": {
            "ignore_https_errors": ignore_https_errors,
            "user_agent": user_agent,
            "service_workers": "block",
        },
        "playwright_page_init_callback": init_page,
        "playwright_page_goto_kwargs": {"wait_until": "load", "timeout": timeout_s * 1000},
        META_KEY: Recorder(),
        "render_reason": reason,
        "render_started": time.monotonic(),
        "download_timeout": timeout_s + 5,
    }


async def capture(
    page: Any, recorder: Recorder, js_paths: list[str], *, settle_ms: int, started: float
) -> RenderResult:
    """After load: let late tags fire (bounded by `settle_ms`), then read DOM, globals, cookies."""
    await recorder.settle(settle_ms)  # a page that never goes quiet is still captured
    dom = await page.content()
    js: dict[str, Any] = {}
    if js_paths:
        try:
            js = await page.evaluate(READ_GLOBALS_JS, [js_paths, MAX_JS_STRING])
        except Exception as exc:  # the page navigated away or its realm is gone
            logger.debug("reading JS globals of %s failed: %s", page.url, exc)
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    return RenderResult(
        dom=dom,
        js=js if isinstance(js, dict) else {},
        cookies=cookies,
        requests=list(recorder.requests),
        scripts=list(recorder.scripts),
        seconds=round(time.monotonic() - started, 3),
    )


async def close(page: Any) -> None:
    """Close the page and its context; never raises (the browser may already be gone)."""
    if page is None:
        return
    with contextlib.suppress(Exception):
        await page.close()
    with contextlib.suppress(Exception):
        await page.context.close()


class PagePool:
    """At most `size` browser pages, each in a context of its own, lent to one render at a time.

    `acquire` waits for a free slot and answers an idle page of an earlier render, or None
    (scrapy-playwright then opens a page in a new context named by `context_for`). `release`
    takes the page back once the render is captured: blanked and with its cookies cleared it
    waits for the next render; a page that fails to blank (crashed, closed) is closed and its
    slot left empty. Every `acquire` must be matched by one `release`.
    """

    def __init__(self, size: int) -> None:
        self._slots = asyncio.Semaphore(size)
        self._idle: deque[tuple[Any, str]] = deque()
        self._contexts: dict[int, str] = {}
        self._ids = itertools.count(1)

    async def acquire(self) -> tuple[Any | None, str]:
        """(idle page or None, the context name to render in)."""
        await self._slots.acquire()
        while self._idle:
            page, context = self._idle.popleft()
            if not page.is_closed():
                return page, context
        return None, f"render-{next(self._ids)}"

    async def release(self, page: Any | None, context: str, recorder: Recorder) -> None:
        try:
            if page is None or page.is_closed():
                return
            recorder.detach(page)
            try:
                await page.goto("about:blank", timeout=5000)
                await page.context.clear_cookies()
            except Exception as exc:
                logger.debug("discarding a render page that would not blank: %s", exc)
                await close(page)
            else:
                self._idle.append((page, context))
        finally:
            self._slots.release()


def apply(page: Page, result: RenderResult, reason: str) -> None:
    """Fill the snapshot page's `rendered_*` fields from a render."""
    page.rendered = True
    page.render_reason = reason
    page.rendered_dom = result.dom
    page.js = result.js
    page.rendered_cookies = result.cookies
    page.requests = result.requests
    page.script_requests = result.scripts


async def bounded(coro: Any, seconds: float) -> Any:
    """`asyncio.wait_for` that names the bound in its error."""
    try:
        return await asyncio.wait_for(coro, seconds)
    except TimeoutError as exc:
        raise TimeoutError(f"render took longer than {seconds:g} s") from exc
