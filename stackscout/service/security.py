"""Who may call the API, how often, and with how much: tokens, rate limits, body size.

* Tokens: with `STACKSCOUT_API_TOKENS`/`--token` set, every `/api/` call needs
  `Authorization: Bearer <token>` (401 without one, 403 with a wrong one); compared in
  constant time. Without tokens the service only listens on localhost (`ServeConfig.check`).
* Rate limits: a token bucket per client (its token, else its IP address): API requests per
  minute, and separately scans started per minute; over the limit answers 429 with
  `Retry-After` (seconds).
* Body size: requests with a larger body than `max_body` are answered 413 before the
  application reads them, whether the size is declared (`Content-Length`) or streamed.
* Host: without tokens, only requests addressed to localhost are answered (DNS rebinding).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_CLIENTS = 10_000
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


class ApiError(Exception):
    """An API error answer: HTTP status, a stable code, a sentence, headers (`Retry-After`...).

    Raised by `Tokens.client` and `RateLimit.take`, and by the API routes.
    """

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.headers = headers or {}


@dataclass(frozen=True, slots=True)
class Tokens:
    tokens: tuple[str, ...]

    def client(self, authorization: str | None, address: str) -> str:
        """The client's rate-limit key; raises `ApiError` when a token is needed and not right."""
        if not self.tokens:
            return f"ip:{address}"
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise ApiError(401, "unauthorized", "an API token is required: Authorization: "
                         "Bearer <token>", {"WWW-Authenticate": "Bearer"})  # fmt: skip
        given = given.strip()
        if not any(hmac.compare_digest(given.encode(), t.encode()) for t in self.tokens):
            raise ApiError(403, "forbidden", "this API token is not valid")
        return "token:" + hashlib.sha256(given.encode()).hexdigest()[:16]


class RateLimit:
    """Token buckets: `per_minute` requests per minute per key, bursts up to `per_minute`."""

    def __init__(self, per_minute: float, what: str) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, per_minute)
        self.what = what
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        level, last = self._buckets.pop(key, (self.capacity, now))
        level = min(self.capacity, level + (now - last) * self.rate)
        if level < 1.0:
            self._buckets[key] = (level, now)
            retry = max(1, math.ceil((1.0 - level) / self.rate))
            raise ApiError(429, "rate_limited", f"too many {self.what}: try again in {retry} s",
                         {"Retry-After": str(retry)})  # fmt: skip
        self._buckets[key] = (level - 1.0, now)
        while len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)


class BodyLimit:
    """ASGI middleware: reads a request's body up to `max_bytes`, answers 413 beyond."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
            return
        chunks, size = [], 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._too_large(send)
                return
        body = b"".join(chunks)
        sent = [False]

        async def replay() -> Message:
            if sent[0]:
                return await receive()
            sent[0] = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await send_error(send, 413, "too_large", f"request body larger than {self.max_bytes} bytes")


class LocalHostOnly:
    """ASGI middleware of a service without tokens: a Host header must name this machine.

    Without it, a web page its user visits could reach the token-less localhost API by DNS
    rebinding (the page's own name re-pointed at 127.0.0.1 is the same origin to the browser,
    but its requests still say `Host: that-name`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
            name = host.partition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
            if name not in LOCAL_NAMES:
                await send_error(send, 400, "bad_host", "this service answers only to "
                                 "localhost, 127.0.0.1 and [::1] (it has no API tokens)")  # fmt: skip
                return
        await self.app(scope, receive, send)


async def send_error(send: Send, status: int, code: str, detail: str) -> None:
    """Answer `{"error", "detail"}` from an ASGI middleware (before the application runs)."""
    body = json.dumps({"error": code, "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
