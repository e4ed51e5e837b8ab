"""CPU cost of an account's DNS lookups: `crawler.dnslookup` against a loopback DNS server.

Starts `python -m tests.farm.dns --generated N` (the zones of the generated benchmark sites)
as its own process, then looks up co00000.test... `--concurrency` accounts at a time in this
process, as the spider does, and prints the queries per account and this process's CPU time
per account and per query (the server's CPU is not counted: a real resolver is elsewhere).

    uv run python bench/bench_dns.py                  # 300 accounts, 20 at a time
    uv run python bench/bench_dns.py --accounts 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.procstats import dns_process  # noqa: E402
from crawler.config import DnsConfig, parse_servers  # noqa: E402
from crawler.dnslookup import DnsLookup  # noqa: E402


async def measure(address: str, accounts: int, concurrency: int) -> tuple[float, int, float]:
    """(CPU seconds, queries, wall seconds) for looking up `accounts` generated domains."""
    lookup = DnsLookup(DnsConfig(servers=parse_servers(address)))
    cpu, wall, queries = time.process_time(), time.perf_counter(), 0
    for start in range(0, accounts, concurrency):
        batch = range(start, min(accounts, start + concurrency))
        results = await asyncio.gather(*(lookup.lookup(f"co{i:05d}.test") for i in batch))
        queries += sum(r.queries for r in results)
    return time.process_time() - cpu, queries, time.perf_counter() - wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20, help="accounts at a time")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    log = Path(tempfile.gettempdir()) / f"stackscout-bench-dns-{time.time_ns()}.log"
    with dns_process(log, "--generated", str(args.accounts)) as (_pid, address):
        for _ in range(args.repeat):
            cpu, queries, wall = asyncio.run(measure(address, args.accounts, args.concurrency))
            print(f"{args.accounts} accounts, {queries} queries ({queries / args.accounts:.1f} "
                  f"per account): {cpu * 1000 / args.accounts:.1f} ms CPU per account, "
                  f"{cpu * 1e6 / queries:.0f} us per query, wall {wall:.1f} s")  # fmt: skip
    log.unlink(missing_ok=True)
    with Path("/proc/loadavg").open() as fh:
        print(f"load average: {fh.read().split()[:3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
