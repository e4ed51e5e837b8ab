"""Run the service: Twisted's asyncio reactor and uvicorn on ONE event loop, in the main thread.

The loop is created here, Twisted's `AsyncioSelectorReactor` is installed on it and started
without blocking (`startRunning`: the loop itself is what runs), then uvicorn serves on the
same loop. A request handler and the crawl therefore share one thread: submitting a scan is a
queue put, its result a future, with no locking and no thread hand-off.

Why not a dedicated crawl thread with its own loop: it would need every job hand-off to cross
threads (`run_coroutine_threadsafe` both ways) and Scrapy, Playwright and dnspython each bind
to the loop they started on, so any object crossing over is a bug waiting to happen. The cost
of one loop is that the crawl's CPU work (detection, Scrapy's own) delays API answers by as
much. Measured here with `bench/bench_service.py` (2 shared cores, load average 2-4 from other
jobs): `GET /api/health` answers in a median of 1.1-1.4 ms idle; while 16 clients keep 200
static scans going (6-11 scans/s, the loop saturated) in a median of 114-223 ms (max
0.4-0.8 s); with renders (`--render auto`, 8 clients) in a median of 51 ms. A scan itself takes
seconds, so this was judged acceptable; `STACKSCOUT_SERVE_MAX_JOBS` bounds the load. The
blocking database calls run in worker threads (`asyncio.to_thread`), never on the loop.

A reactor cannot be restarted (NOTES), so one process serves one service life.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


def install_reactor(loop: asyncio.AbstractEventLoop) -> Any:
    """Install and start Twisted's asyncio reactor on `loop` (before anything imports it)."""
    from twisted.internet import asyncioreactor

    asyncioreactor.install(loop)  # type: ignore[no-untyped-call]
    from twisted.internet import reactor

    reactor.startRunning(installSignalHandlers=False)
    return reactor


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (port 0: any free port, told by `on_ready`).

    Made with `IPPROTO_TCP` explicitly: asyncio sets TCP_NODELAY only on sockets whose `proto`
    says TCP, and without it every keep-alive answer waited ~40 ms for a delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.set_inheritable(True)
    return sock


def serve(app_factory: Callable[[], Any], host: str, port: int, *, log_level: str,
          on_ready: Callable[[str], None]) -> None:  # fmt: skip
    """Serve until SIGINT/SIGTERM; `on_ready(url)` once the socket accepts connections."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    install_reactor(loop)
    import uvicorn

    sock = bind(host, port)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app_factory(), log_level=log_level.lower(), lifespan="on",
                            access_log=False, server_header=False)  # fmt: skip
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host

    async def announce() -> None:
        while not server.started and not server.should_exit:
            await asyncio.sleep(0.05)
        if server.started:
            on_ready(f"http://{shown}:{bound}")

    async def main() -> None:
        waiter = asyncio.ensure_future(announce())
        try:
            await server.serve(sockets=[sock])
        finally:
            waiter.cancel()

    try:
        loop.run_until_complete(main())
    except KeyboardInterrupt:
        # uvicorn re-raises the Ctrl-C it handled once it has shut down gracefully
        if not server.should_exit:
            raise
    finally:
        sock.close()
