"""Throughput and memory of batch enrichment: `stackscout enrich` on a generated account list.

Starts, each as its own process:

1. the loopback site farm with N generated sites (`python -m tests.farm.server --sites
   generated:N --site-latency-ms L --faulty-share F`), reached through the proxy variables;
2. the loopback DNS server with their zones (`python -m tests.farm.dns --generated N`),
   reached through STACKSCOUT_DNS_SERVER (pass `-- --no-dns` to crawl without DNS);
3. an embedded database server (`enrich.dbserver.EmbeddedServer`, on-disk storage in a
   temporary directory, as a user's default database is);
4. `python -m stackscout.cli enrich accounts.csv --render never` (static mode, as the targets
   say; `--render auto` to measure the default policy; default page budget and crawl settings) with `MONGODB_URI` pointing at that server,

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
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from bench.procstats import (  # noqa: E402
    Sampler,
    crawl_env,
    dns_process,
    farm_process,
    farm_stats,
    memory_growth,
    print_timeline,
    server_ops,
    verdict,
)
from enrich.dbserver import EmbeddedServer  # noqa: E402
from tests.farm.generate import generate_accounts_csv  # noqa: E402

TARGET_ACCOUNTS_PER_S = 10.0
TARGET_PEAK_MB = 500.0
PROJECT_TO = 100_000


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
    parser.add_argument("--render", default="never", choices=("never", "auto", "always"),
                        help="render policy of the crawl (the targets are for static mode)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    parser.add_argument("enrich_args", nargs="*", help="extra `enrich` arguments (after --)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="stackscout-bench-enrich-"))
    csv_path = generate_accounts_csv(tmp / "accounts.csv", args.accounts, args.seed)
    print(f"accounts: {args.accounts} (seed {args.seed}), site latency {args.latency_ms:g} ms, "
          f"faulty share {args.faulty_share:g}; {os.cpu_count()} CPUs; work dir {tmp}", flush=True)  # fmt: skip
    generated = ["--seed", str(args.seed), "--faulty-share", str(args.faulty_share)]
    try:
        with (
            farm_process(f"generated:{args.accounts}", tmp / "farm.log", *generated,
                         "--site-latency-ms", str(args.latency_ms)) as (farm_pid, farm_port),
            dns_process(tmp / "dns.log", "--generated", str(args.accounts),
                        *generated) as (dns_pid, dns_address),
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
    env = crawl_env(farm_port, db.uri, servers.dns_address, tmp)
    ops_before = server_ops(db.uri)
    cmd = [sys.executable, "-m", "stackscout.cli", "enrich", str(csv_path), "--render", args.render,
           *args.enrich_args]  # fmt: skip
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
    print_run(result)
    return report(args, result)


def print_run(r: Result) -> None:
    print()
    print("--- enrich output (last lines) ---")
    print("\n".join(r.output.strip().splitlines()[-6:]))
    print(f"--- exit status {r.code}, wall {r.elapsed:.1f}s ---")
    print()
    print("memory over time (RSS MB) and CPU (% of one core since the previous sample):")
    names = ["crawl", "db", "farm"]
    print_timeline(r.sampler.samples, names)


def report(args: Any, r: Result) -> int:
    summary = re.search(r"done: (\d+) accounts in ([\d.]+)s .*?; (\d+) database writes", r.output)
    writes = int(summary.group(3)) if summary else 0
    accounts_s = r.done / r.elapsed if r.elapsed else 0.0
    peak = r.sampler.peak
    crawl_peak = peak.get("crawl", 0.0)
    # RSS against accounts done, after the first quarter (start-up, detector load, warm-up).
    growth = memory_growth(r.sampler.samples, "crawl", args.accounts / 4)
    mb_per_1k, projected = growth.mb_per_1k, growth.projected(PROJECT_TO)
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
         growth.points > 1 and projected < TARGET_PEAK_MB, f"{projected:.0f} MB"),
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
