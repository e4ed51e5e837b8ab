"""How `stackscout serve` answers while it scans: scan throughput and API latency under load.

The crawl and the web server share one event loop (`stackscout/service/run.py`), so CPU work
of the crawl (detection) delays API answers. This measures by how much: the loopback farm with
N generated sites and their DNS zones (in this process's threads), the service as a
subprocess (`--no-store`), then

1. idle: `GET /api/health` 200 times in a row;
2. load: N scans (`POST /api/scans`, `--clients` at a time, each waiting for its result) while
   another thread calls `GET /api/health` every 20 ms,

and prints the scans/s and the health latency (median, p95, max) in both phases.

    uv run python bench/bench_service.py                  # 200 sites, 16 clients, static
    uv run python bench/bench_service.py --render auto    # renders where they pay (Chromium)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.conftest_service import client as service_client  # noqa: E402
from tests.conftest_service import start_service  # noqa: E402
from tests.farm.dns import FarmDNS  # noqa: E402
from tests.farm.generate import generate_sites  # noqa: E402
from tests.farm.server import Farm  # noqa: E402
from tests.farm.zones import ZONES, generated_zone  # noqa: E402


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"max {ordered[-1] * 1000:.1f} ms ({len(ordered)} calls)")  # fmt: skip


def timed_health(client: httpx.Client) -> float:
    started = time.perf_counter()
    client.get("/api/health").raise_for_status()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--render", default="never", choices=["never", "auto", "always"])
    args = parser.parse_args()
    farm = Farm(generate_sites(args.sites, seed=7)).start()
    dns = FarmDNS([*ZONES, *(generated_zone(i) for i in range(args.sites))]).start()
    home = tempfile.mkdtemp(prefix="stackscout-bench-service-")
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")}
    env.update({**farm.proxy_env(), "STACKSCOUT_DNS_SERVER": dns.address,
                "STACKSCOUT_ALLOW_HOSTS": "*.test", "STACKSCOUT_HOME": home,
                "STACKSCOUT_CACHE": str(Path(home) / "cache"),
                "STACKSCOUT_SERVE_RATE": "1000000", "STACKSCOUT_SERVE_SCAN_RATE": "1000000",
                "STACKSCOUT_SERVE_MAX_JOBS": str(args.clients * 2)})  # fmt: skip
    service = start_service(env, "--no-store", "--render", args.render)
    try:
        with service_client(service.url) as client:
            idle = [timed_health(client) for _ in range(200)]
            loaded: list[float] = []
            done = threading.Event()

            def probe() -> None:
                with service_client(service.url) as c:
                    while not done.is_set():
                        loaded.append(timed_health(c))
                        time.sleep(0.02)

            def scan(i: int) -> str:
                with service_client(service.url) as c:
                    answer = c.post("/api/scans", json={"url": f"co{i:05d}.test", "wait": 100})
                    return str(answer.json().get("status", answer.status_code))

            prober = threading.Thread(target=probe)
            prober.start()
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                statuses = list(pool.map(scan, range(args.sites)))
            seconds = time.perf_counter() - started
            done.set()
            prober.join()
    finally:
        service.stop()
        farm.stop()
        dns.stop()
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    print(f"{args.sites} scans ({args.clients} clients, render {args.render}) in {seconds:.1f} s: "
          f"{args.sites / seconds:.1f} scans/s; statuses {counts}")  # fmt: skip
    print(f"GET /api/health idle:      {percentiles(idle)}")
    print(f"GET /api/health scanning:  {percentiles(loaded)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
