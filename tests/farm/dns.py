"""A loopback DNS server (dnslib) serving the farm's zones, for tests and benchmarks.

``FarmDNS(zones).start()`` answers UDP on 127.0.0.1 (port chosen by the OS) the way a
recursive resolver does: records of the asked type, the CNAME chain followed within the zones,
NOERROR with no answer for a name that exists without that type, NXDOMAIN for a name that does
not exist. Options reproduce what other servers do: ``nxdomain_for_nodata`` (dnslib's own zone
resolver answers NXDOMAIN where real DNS says "no data") and ``follow_cnames=False`` (an
authoritative server returns only the first CNAME). ``hang`` holds names never answered (the
client times out); ``servfail`` holds domains answered SERVFAIL, with every name under them (a
broken delegation, or a resolver that cannot reach the zone's servers). Every query is logged
in ``queries``.

``Blackhole()`` is a UDP socket that never answers anything: a resolver that is down.

Standalone: ``uv run python -m tests.farm.dns --port 5353 [--generated N [--faulty-share F
--seed S]] [--matrix K]`` serves the farm zones, those of the first N generated sites
(``co00000.test``..., with the DNS faults a faulty share gives them) and those of the fault
matrix with K accounts per fault, through ``FastUDP``: the same answers, computed once per
question and then sent from a cache, on an asyncio socket — dnslib's threaded server answers
~700 queries/s, which held back batch benchmarks (an account asks ~38 questions), while a real
resolver is far faster.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from dnslib import QTYPE, RCODE, RR, DNSError, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from tests.farm.zones import ZONES

MAX_CHAIN = 16


class FarmResolver(BaseResolver):  # type: ignore[misc]
    def __init__(
        self, zones: Iterable[str], *, follow_cnames: bool = True, nxdomain_for_nodata: bool = False
    ) -> None:
        self.names: dict[str, list[RR]] = {}
        for text in zones:
            self.add_zone(text)
        self.follow_cnames = follow_cnames
        self.nxdomain_for_nodata = nxdomain_for_nodata
        self.hang: set[str] = set()
        self.servfail: set[str] = set()
        self.queries: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def add_zone(self, text: str) -> None:
        for rr in RR.fromZone(text):
            self.names.setdefault(_key(str(rr.rname)), []).append(rr)

    def resolve(self, request: DNSRecord, handler: object) -> DNSRecord:
        name, qtype = _key(str(request.q.qname)), QTYPE[request.q.qtype]
        with self._lock:
            self.queries.append((name, qtype))
        if name in self.hang:
            raise DNSError(f"dropping the query for {name} (hang)")  # dnslib sends nothing
        reply = request.reply()
        if self._servfail(name):
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        for _ in range(MAX_CHAIN):
            rrs = self.names.get(name)
            if not rrs:
                reply.header.rcode = RCODE.NXDOMAIN
                break
            wanted = [rr for rr in rrs if QTYPE[rr.rtype] == qtype]
            cname = [rr for rr in rrs if QTYPE[rr.rtype] == "CNAME"]
            if wanted or not cname or qtype == "CNAME":
                reply.add_answer(*wanted)
                if not wanted and not reply.rr and self.nxdomain_for_nodata:
                    reply.header.rcode = RCODE.NXDOMAIN
                break
            reply.add_answer(*cname)
            if not self.follow_cnames:
                break
            name = _key(str(cname[0].rdata.label))
        return reply

    def _servfail(self, name: str) -> bool:
        return any(name == d or name.endswith("." + d) for d in self.servfail)


def _key(name: str) -> str:
    return name.rstrip(".").lower()


class _Quiet(DNSLogger):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(log="-request,-reply,-truncated,-error")


class FarmDNS:
    """The server; ``address`` is ``127.0.0.1:PORT``, what STACKSCOUT_DNS_SERVER takes."""

    def __init__(self, zones: Iterable[str] = ZONES, **options: bool) -> None:
        self.resolver = FarmResolver(zones, **options)
        self._server: DNSServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.server.server_address[1])

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def queries(self) -> list[tuple[str, str]]:
        return list(self.resolver.queries)

    @property
    def hang(self) -> set[str]:
        return self.resolver.hang

    @property
    def servfail(self) -> set[str]:
        return self.resolver.servfail

    def count(self, name: str, qtype: str | None = None) -> int:
        return sum(1 for n, t in self.queries if n == name and (qtype is None or t == qtype))

    def reset(self) -> None:
        with self.resolver._lock:
            self.resolver.queries.clear()

    @contextmanager
    def temporary_zone(self, text: str) -> Iterator[None]:
        before = {k: list(v) for k, v in self.resolver.names.items()}
        self.resolver.add_zone(text)
        try:
            yield
        finally:
            self.resolver.names = before

    def start(self, port: int = 0) -> FarmDNS:
        self._server = DNSServer(self.resolver, port=port, address="127.0.0.1", logger=_Quiet())
        self._server.start_thread()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.server.shutdown()
            self._server.server.server_close()
            self._server = None

    def __enter__(self) -> FarmDNS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Blackhole:
    """A bound UDP port that reads nothing and answers nothing."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._sock.getsockname()[1]}"

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> Blackhole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FastUDP(asyncio.DatagramProtocol):
    """Answers from a cache keyed by the question's wire bytes; the resolver fills it once."""

    def __init__(self, resolver: FarmResolver) -> None:
        self.resolver = resolver
        self.cache: dict[bytes, bytes] = {}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        question = _question(data)
        if question is None:
            return
        reply = self.cache.get(question)
        if reply is None:
            try:
                request = DNSRecord.parse(data)
                if _key(str(request.q.qname)) in self.resolver.hang:
                    return
                reply = self.resolver.resolve(request, None).pack()
            except (DNSError, ValueError, IndexError):
                return
            self.cache[question] = reply
        assert self.transport is not None
        self.transport.sendto(data[:2] + reply[2:], addr)


def _question(data: bytes) -> bytes | None:
    """The question (name, type, class) of a query, lowercased: the cache key."""
    end = 12
    while end < len(data) and data[end]:
        end += data[end] + 1
    end += 5
    return data[12:end].lower() if len(data) >= end else None


async def serve_fast(resolver: FarmResolver, port: int) -> None:
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: FastUDP(resolver), local_addr=("127.0.0.1", port))
    print(f"farm DNS on 127.0.0.1:{port} (STACKSCOUT_DNS_SERVER=127.0.0.1:{port})", flush=True)
    await asyncio.Event().wait()


def _zones(generated: int, seed: int, share: float, matrix: int) -> tuple[list[str], set[str]]:
    from tests.farm.faultmatrix import matrix_dns
    from tests.farm.generate import generated_dns

    zones, servfail = generated_dns(generated, seed, share)
    if matrix:
        more, failing = matrix_dns(matrix)
        zones, servfail = zones + more, servfail | failing
    return zones, servfail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, default=5353)
    parser.add_argument("--generated", type=int, default=0, help="zones of N generated sites")
    parser.add_argument("--faulty-share", type=float, default=0.0,
                        help="share of generated sites with faults (as the farm's option)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="generator seed (as the farm's)")
    parser.add_argument("--matrix", type=int, default=0, help="fault matrix, K accounts a fault")
    args = parser.parse_args(argv)
    zones, servfail = _zones(args.generated, args.seed, args.faulty_share, args.matrix)
    resolver = FarmResolver([*ZONES, *zones])
    resolver.servfail.update(servfail)
    with suppress(KeyboardInterrupt):
        asyncio.run(serve_fast(resolver, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
