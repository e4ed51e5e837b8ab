"""Throughput and memory of batch enrichment: `stackscout enrich` on a generated account list.

Starts, each as its own process:

1. the loopback site farm with N generated sites (`python -m tests.farm.server --sites
   generated:N --site-latency-ms L --faulty-share F`), reached through the proxy variables;
2. the loopback DNS server with their zones (`python -m tests.farm.dns --generated N`),
   reached through STACKSCOUT_DNS_SERVER (pass `-- --no-dns` to crawl without DNS);
3. an embedded database server (`enrich.dbserver.EmbeddedServer`, on-disk storage in a
   temporary directory, as a user's default database is);
4. `python -m stackscout.cli enrich accounts.csv` (static mode, default page budget and
   crawl settings) with `MONGODB_URI` pointing at that server,

and samples every process from /proc every `--sample-s` seconds (RSS, peak RSS, CPU) along
with the number of accounts done (read from the database). Prints accounts/s, pages/s,
database writes/s, the peak RSS of each process, memory over time, and PASS/FAIL for the
targets of the batch-enrichment issue (2 cores, static mode):

* >= 10 accounts/s over the whole `enrich` command (start-up included);
* crawl process peak RSS < 500 MB;
* memory does not grow with list size: the crawl process's RSS slope over accounts done
  (least squares over the samples after the first quarter of the run), projected to a
  100,000-account list, stays under the same 500 MB.

    uv run python bench/bench_enrich.py                    # 5,000 accounts, 50 ms, 10% faulty
    uv run python bench/bench_enrich.py --accounts 1000 --faulty-share 0
    uv run python bench/bench_enrich.py --strict           # exit 1 when a target fails

Nothing outside a temporary directory is touched (STACKSCOUT_HOME and STACKSCOUT_CACHE point
into it; the compiled pattern cache is therefore cold, which is part of the start-up measured).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from enrich.dbserver import EmbeddedServer  # noqa: E402
from tests.farm.generate import generate_accounts_csv  # noqa: E402

TARGET_ACCOUNTS_PER_S = 10.0
TARGET_PEAK_MB = 500.0
PROJECT_TO = 100_000
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------ /proc


def proc_mem(pid: int) -> tuple[float, float] | None:
    """(RSS MB, peak RSS MB) of *pid*, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    if "VmRSS" not in values:  # a zombie
        return None
    return values["VmRSS"], values.get("VmHWM", values["VmRSS"])


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds of *pid*."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK


@dataclass
class Sample:
    t: float
    done: int
    rss: dict[str, float]
    cpu: dict[str, float]


@dataclass
class Sampler:
    pids: dict[str, int]
    db_uri: str
    every: float
    samples: list[Sample] = field(default_factory=list)
    peak: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    t0: float = field(default_factory=time.monotonic)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def sample(self, accounts: Any) -> None:
        rss: dict[str, float] = {}
        cpu: dict[str, float] = {}
        for name, pid in self.pids.items():
            mem = proc_mem(pid)
            if mem is not None:
                rss[name] = mem[0]
                self.peak[name] = max(self.peak.get(name, 0.0), mem[1])
            c = proc_cpu(pid)
            if c is not None:
                cpu[name] = c
        try:
            # One scan document per committed account. Not a count of `accounts` by state:
            # SecantusDB reads every matching document for that, which would load the server
            # being measured.
            done = accounts.database["scans"].estimated_document_count()
        except Exception:
            done = self.samples[-1].done if self.samples else 0
        self.samples.append(Sample(time.monotonic() - self.t0, done, rss, cpu))

    def _run(self) -> None:
        client: MongoClient[dict[str, Any]] = MongoClient(self.db_uri)
        accounts = client["stackscout"]["accounts"]
        try:
            while not self._stop.is_set():
                self.sample(accounts)
                self._stop.wait(self.every)
        finally:
            client.close()


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server_process(cmd: list[str], ready: str, log: Path) -> Iterator[int]:
    """Run `cmd` until the block ends; yields its pid once `ready` appears in its output."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while ready not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{cmd[2]} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def farm_process(
    n: int, latency_ms: float, faulty: float, seed: int, log: Path
) -> Iterator[tuple[int, int]]:
    """(pid, port) of a running farm subprocess with `generated:n` sites."""
    port = free_port()
    cmd = [sys.executable, "-m", "tests.farm.server", "--port", str(port),
           "--sites", f"generated:{n}", "--seed", str(seed),
           "--site-latency-ms", str(latency_ms), "--faulty-share", str(faulty)]  # fmt: skip
    with server_process(cmd, "stackscout farm:", log) as pid:
        yield pid, port


@contextlib.contextmanager
def dns_process(n: int, log: Path) -> Iterator[tuple[int, str]]:
    """(pid, address) of the loopback DNS server with the zones of the n generated sites: the
    crawl asks it (STACKSCOUT_DNS_SERVER), never the system's resolver."""
    port = free_udp_port()
    cmd = [sys.executable, "-m", "tests.farm.dns", "--port", str(port), "--generated", str(n)]
    with server_process(cmd, "farm DNS on", log) as pid:
        yield pid, f"127.0.0.1:{port}"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def farm_stats(port: int) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__farm/stats", timeout=5) as r:
            return dict(json.loads(r.read()))
    except OSError:
        return {}


def server_ops(uri: str) -> dict[str, int]:
    """The server's opcounters (insert/update/delete...) if it reports them."""
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    try:
        status = client.admin.command("serverStatus")
        return {k: int(v) for k, v in status.get("opcounters", {}).items()}
    except Exception:
        return {}
    finally:
        client.close()


# ------------------------------------------------------------------------------ analysis


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of y over x (0 when x does not vary)."""
    if len(points) < 2:
        return 0.0
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=5000, help="generated accounts/sites")
    parser.add_argument(
        "--latency-ms", type=float, default=50.0, help="latency of every site response"
    )
    parser.add_argument(
        "--faulty-share", type=float, default=0.1, help="share of faulty sites (0..1)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample-s", type=float, default=3.0, help="seconds between samples")
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="give up after this many seconds"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    parser.add_argument("enrich_args", nargs="*", help="extra `enrich` arguments (after --)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="stackscout-bench-enrich-"))
    csv_path = generate_accounts_csv(tmp / "accounts.csv", args.accounts, args.seed)
    print(f"accounts: {args.accounts} (seed {args.seed}), site latency {args.latency_ms:g} ms, "
          f"faulty share {args.faulty_share:g}; {os.cpu_count()} CPUs; work dir {tmp}", flush=True)  # fmt: skip
    try:
        with (
            farm_process(args.accounts, args.latency_ms, args.faulty_share, args.seed,
                         tmp / "farm.log") as (farm_pid, farm_port),
            dns_process(args.accounts, tmp / "dns.log") as (dns_pid, dns_address),
            EmbeddedServer(tmp / "db") as db,
        ):  # fmt: skip
            servers = Servers(farm_pid, farm_port, dns_pid, dns_address, db)
            return run(args, tmp, csv_path, servers)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class Servers:
    farm_pid: int
    farm_port: int
    dns_pid: int
    dns_address: str
    db: EmbeddedServer


@dataclass
class Result:
    code: int
    elapsed: float
    output: str
    sampler: Sampler
    done: int
    scans: int
    pages: int
    statuses: dict[str, int]
    farm: dict[str, Any]
    ops: dict[str, int]


def run(args: Any, tmp: Path, csv_path: Path, servers: Servers) -> int:
    db, farm_port = servers.db, servers.farm_port
    proxy = f"http://127.0.0.1:{farm_port}"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")}
    env.update({"http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy,
                "MONGODB_URI": db.uri, "STACKSCOUT_HOME": str(tmp / "home"),
                "STACKSCOUT_CACHE": str(tmp / "cache"),
                "STACKSCOUT_DNS_SERVER": servers.dns_address})  # fmt: skip
    ops_before = server_ops(db.uri)
    cmd = [sys.executable, "-m", "stackscout.cli", "enrich", str(csv_path), *args.enrich_args]
    print("$ " + " ".join(cmd[1:]), flush=True)
    started = time.monotonic()
    with (tmp / "enrich.log").open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    pids = {"crawl": proc.pid, "db": db.pid, "farm": servers.farm_pid, "dns": servers.dns_pid}
    sampler = Sampler(pids, db.uri, args.sample_s)
    sampler.t0 = started
    sampler.start()
    try:
        code = proc.wait(args.timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = -9
    elapsed = time.monotonic() - started
    sampler.stop()
    ops_after = server_ops(db.uri)
    client: MongoClient[dict[str, Any]] = MongoClient(db.uri)
    store = client["stackscout"]
    statuses = {str(d["_id"]): d["n"] for d in store.accounts.aggregate(
        [{"$group": {"_id": "$scan.status", "n": {"$sum": 1}}}])}  # fmt: skip
    pages = sum(d.get("n", 0) for d in store.accounts.aggregate(
        [{"$group": {"_id": None, "n": {"$sum": "$scan.pages_fetched"}}}]))  # fmt: skip
    result = Result(
        code=code, elapsed=elapsed, output=(tmp / "enrich.log").read_text(errors="replace"),
        sampler=sampler, done=store.accounts.count_documents({"queue.state": "done"}),
        scans=store.scans.count_documents({}), pages=pages, statuses=statuses,
        farm=farm_stats(farm_port),
        ops={k: v - ops_before.get(k, 0) for k, v in ops_after.items()} if ops_before else {},
    )  # fmt: skip
    client.close()
    print_timeline(result)
    return report(args, result)


def print_timeline(r: Result) -> None:
    print()
    print("--- enrich output (last lines) ---")
    print("\n".join(r.output.strip().splitlines()[-6:]))
    print(f"--- exit status {r.code}, wall {r.elapsed:.1f}s ---")
    print()
    print("memory over time (RSS MB) and CPU (% of one core since the previous sample):")
    print(f"{'t s':>6} {'done':>6} {'acc/s':>6} {'crawl':>7} {'db':>7} {'farm':>7} "
          f"{'crawl%':>7} {'db%':>5} {'farm%':>6}")  # fmt: skip
    prev: Sample | None = None
    for s in r.sampler.samples:
        dt = s.t - prev.t if prev else s.t
        rate = (s.done - prev.done) / dt if prev and dt > 0 else 0.0

        def pct(name: str, s: Sample = s, prev: Sample | None = prev, dt: float = dt) -> str:
            if prev is None or name not in s.cpu or name not in prev.cpu or dt <= 0:
                return "-"
            return f"{100 * (s.cpu[name] - prev.cpu[name]) / dt:.0f}"

        print(f"{s.t:6.1f} {s.done:6d} {rate:6.1f} {s.rss.get('crawl', 0):7.1f} "
              f"{s.rss.get('db', 0):7.1f} {s.rss.get('farm', 0):7.1f} {pct('crawl'):>7} "
              f"{pct('db'):>5} {pct('farm'):>6}")  # fmt: skip
        prev = s


def report(args: Any, r: Result) -> int:
    summary = re.search(r"done: (\d+) accounts in ([\d.]+)s .*?; (\d+) database writes", r.output)
    writes = int(summary.group(3)) if summary else 0
    accounts_s = r.done / r.elapsed if r.elapsed else 0.0
    peak = r.sampler.peak
    crawl_peak = peak.get("crawl", 0.0)
    # RSS against accounts done, after the first quarter (start-up, detector load, warm-up).
    points = [(s.done, s.rss["crawl"]) for s in r.sampler.samples
              if "crawl" in s.rss and s.done >= args.accounts / 4]  # fmt: skip
    mb_per_1k = slope(points) * 1000
    last_done, last_rss = points[-1] if points else (0, crawl_peak)
    projected = last_rss + max(0.0, mb_per_1k) * (PROJECT_TO - last_done) / 1000
    cpu = r.sampler.samples[-1].cpu if r.sampler.samples else {}
    print()
    print(f"accounts done:      {r.done} of {args.accounts} in {r.elapsed:.1f}s "
          f"(statuses: {json.dumps(r.statuses, sort_keys=True)})")  # fmt: skip
    print(f"scan documents:     {r.scans}")
    print(f"accounts/second:    {accounts_s:.1f}")
    print(f"pages/second:       {r.pages / r.elapsed:.1f} ({r.pages} pages fetched; the farm "
          f"answered {r.farm.get('total', '?')} requests incl. robots.txt, "
          f"{r.farm.get('connects', '?')} CONNECT tunnels)")  # fmt: skip
    print(f"database writes/s:  {writes / r.elapsed:.1f} ({writes} document writes counted by "
          f"the store)")  # fmt: skip
    if r.ops:
        print(f"server opcounters:  {json.dumps(r.ops)}")
    print("peak RSS (MB):      " + ", ".join(f"{k} {v:.1f}" for k, v in peak.items()))
    print("CPU seconds:        " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
          + " (crawl: until its last sample)")  # fmt: skip
    print(f"crawl RSS slope:    {mb_per_1k:+.2f} MB per 1,000 accounts after the first quarter; "
          f"projected to {PROJECT_TO:,} accounts: {projected:.0f} MB")  # fmt: skip
    print()
    checks = [
        (f"throughput >= {TARGET_ACCOUNTS_PER_S:g} accounts/s", accounts_s >= TARGET_ACCOUNTS_PER_S,
         f"{accounts_s:.1f}"),
        (f"crawl process peak RSS < {TARGET_PEAK_MB:g} MB", 0 < crawl_peak < TARGET_PEAK_MB,
         f"{crawl_peak:.0f} MB"),
        (f"memory flat: projected RSS at {PROJECT_TO:,} accounts < {TARGET_PEAK_MB:g} MB",
         bool(points) and projected < TARGET_PEAK_MB, f"{projected:.0f} MB"),
        ("every account finished, one scan each",
         r.code == 0 and r.done == r.scans == args.accounts,
         f"exit {r.code}, {r.done} done, {r.scans} scans"),
    ]  # fmt: skip
    for name, ok, value in checks:
        print(f"{verdict(ok)}  {name}: {value}")
    failed = [name for name, ok, _ in checks if not ok]
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
