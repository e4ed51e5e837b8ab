"""Reliability report: the fault matrix, and a soak run, through `stackscout enrich`.

    uv run python bench/reliability.py                     # the fault matrix (~2 min)
    uv run python bench/reliability.py --per-fault 3       # 3 accounts a fault
    uv run python bench/reliability.py --soak              # 20,000 accounts, 10 % faulty (~35 min+)
    uv run python bench/reliability.py --soak 2000 --faulty-share 0.2 -- -s DOWNLOAD_TIMEOUT=5

Both start, each as its own process, the loopback site farm (reached through the proxy
variables), its DNS server (STACKSCOUT_DNS_SERVER) and an embedded database server (on-disk
storage in a temporary directory), then run `python -m stackscout.cli enrich` with the default
crawl settings (what a user gets; extra `enrich` arguments after `--`).

The matrix (`tests/farm/faultmatrix.py`): every fault real crawls meet, on `--per-fault`
accounts each. Printed per fault: accounts, the statuses recorded, the expected status,
whether every reason says the expected cause, accounts lost (no result) or duplicated (more
than one scan), the longest account. Exit status 1 when anything is off.

The soak: `--soak N` generated accounts, `--faulty-share` of them playing a matrix fault, with
every process sampled from /proc (`bench/procstats.py`, shared with bench_enrich.py). Printed:
throughput and memory over time, per-fault statuses, lost/duplicated accounts, and verdicts:
>= 10 accounts/s, memory flat (the crawl's RSS slope over accounts done after the first
quarter, projected to 100,000 accounts, under 500 MB).

Nothing outside a temporary directory is touched (STACKSCOUT_HOME and STACKSCOUT_CACHE point
into it); `--keep` keeps it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    memory_growth,
    print_timeline,
    verdict,
)
from enrich.dbserver import EmbeddedServer  # noqa: E402
from tests.farm.faultmatrix import BY_NAME, FAULTS, matrix_hosts, write_matrix_csv  # noqa: E402
from tests.farm.generate import fault_for, generate_accounts_csv  # noqa: E402

TARGET_ACCOUNTS_PER_S = 10.0
TARGET_PEAK_MB = 500.0
PROJECT_TO = 100_000
WORKING = "(working site)"


@dataclass
class Servers:
    farm_pid: int
    farm_port: int
    dns_pid: int
    dns_address: str
    db: EmbeddedServer


@dataclass
class Run:
    code: int
    seconds: float
    output: str
    sampler: Sampler | None = None


@dataclass
class FaultRow:
    """What the batch recorded for the accounts of one fault."""

    name: str
    expected: str
    accounts: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    longest_s: float = 0.0


# ------------------------------------------------------------------------------ servers


@contextmanager
def servers(tmp: Path, farm_sites: str, farm_options: list[str],
            dns_options: list[str]) -> Iterator[Servers]:  # fmt: skip
    with (
        farm_process(farm_sites, tmp / "farm.log", *farm_options) as (farm_pid, farm_port),
        dns_process(tmp / "dns.log", *dns_options) as (dns_pid, dns_address),
        EmbeddedServer(tmp / "db") as db,
    ):
        yield Servers(farm_pid, farm_port, dns_pid, dns_address, db)


def enrich(tmp: Path, csv_path: Path, srv: Servers, extra: list[str],
           sample_s: float | None = None) -> Run:  # fmt: skip
    """`stackscout enrich` on the list, sampled when `sample_s` is given."""
    env = crawl_env(srv.farm_port, srv.db.uri, srv.dns_address, tmp)
    cmd = [sys.executable, "-m", "stackscout.cli", "enrich", str(csv_path), *extra]
    print("$ " + " ".join(cmd[1:]), flush=True)
    started = time.monotonic()
    with (tmp / "enrich.log").open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    sampler = None
    if sample_s:
        pids = {"crawl": proc.pid, "db": srv.db.pid, "farm": srv.farm_pid, "dns": srv.dns_pid}
        sampler = Sampler(pids, srv.db.uri, sample_s, t0=started)
        sampler.start()
    code = proc.wait()
    if sampler:
        sampler.stop()
    output = (tmp / "enrich.log").read_text(errors="replace")
    return Run(code, time.monotonic() - started, output, sampler)


# ------------------------------------------------------------------------------ analysis


def fault_rows(
    uri: str, fault_of: Callable[[str], str | None], domains: set[str]
) -> list[FaultRow]:
    """Per fault: accounts, statuses, wrong reasons, lost and duplicated accounts."""
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    db = client["stackscout"]
    accounts = {d["_id"]: d for d in db.accounts.find({}, {"scan": 1, "queue.state": 1})}
    scans = Counter(d["domain"] for d in db.scans.find({}, {"domain": 1}))
    client.close()
    rows: dict[str, FaultRow] = {}
    for domain in sorted(domains):
        name = fault_of(domain) or WORKING
        fault = BY_NAME.get(name)
        row = rows.setdefault(name, FaultRow(name, fault.status if fault else "ok/partial"))
        row.accounts += 1
        doc = accounts.get(domain) or {}
        scan = doc.get("scan") or {}
        if (doc.get("queue") or {}).get("state") != "done" or not scans[domain]:
            row.lost += 1
            continue
        row.duplicated += scans[domain] > 1
        row.statuses[scan.get("status", "?")] += 1
        row.longest_s = max(row.longest_s, float(scan.get("duration_s") or 0))
        right = (fault.matches(scan["status"], scan.get("reason")) if fault
                 else scan["status"] in ("ok", "partial"))  # fmt: skip
        if not right:
            row.wrong.append(f"{domain}: {scan['status']}: {scan.get('reason')}")
    return sorted(rows.values(), key=lambda r: (r.name == WORKING, r.name))


def print_rows(rows: list[FaultRow]) -> bool:
    """The per-fault table; True when every account is as expected, none lost or doubled."""
    print(f"{'fault':<22} {'accounts':>8}  {'statuses recorded':<34} {'expected':<18} "
          f"{'reasons':<8} {'lost':>4} {'dup':>4} {'longest':>8}")  # fmt: skip
    for r in rows:
        statuses = ", ".join(f"{k} {v}" for k, v in r.statuses.most_common())
        reasons = "ok" if not r.wrong else f"{len(r.wrong)} off"
        print(f"{r.name:<22} {r.accounts:>8}  {statuses:<34} {r.expected:<18} {reasons:<8} "
              f"{r.lost:>4} {r.duplicated:>4} {r.longest_s:>7.1f}s")  # fmt: skip
    for r in rows:
        for line in r.wrong[:3]:
            print(f"  off: {line}")
    return all(not r.wrong and not r.lost and not r.duplicated for r in rows)


def summary_line(run: Run) -> str:
    """The `N rows: ...` and `done: ...` (or `error: ...`) lines of the enrich output."""
    lines = [ln for ln in run.output.splitlines()
             if " rows: " in ln or ln.startswith(("done:", "error:"))]  # fmt: skip
    return "\n  ".join(lines) if lines else run.output.strip()[-500:]


# ------------------------------------------------------------------------------ modes


def matrix(args: Any, tmp: Path) -> int:
    hosts = matrix_hosts(args.per_fault)
    csv_path = write_matrix_csv(tmp / "matrix.csv", args.per_fault)
    print(f"fault matrix: {len(FAULTS)} faults x {args.per_fault} accounts = {len(hosts)} "
          "accounts, plus rows that must be rejected", flush=True)  # fmt: skip
    spec = f"matrix:{args.per_fault}"
    with servers(tmp, spec, [], ["--matrix", str(args.per_fault)]) as srv:
        run = enrich(tmp, csv_path, srv, args.enrich_args)
        rows = fault_rows(srv.db.uri, lambda d: hosts[d].name if d in hosts else None, set(hosts))
    print(f"exit status {run.code} in {run.seconds:.1f}s: {summary_line(run)}\n")
    good = print_rows(rows)
    accounts = sum(r.accounts for r in rows)
    print(
        f"\n{verdict(good and run.code == 0)}  {accounts} accounts, {len(rows)} faults: every "
        "account ended with its expected status and reason, none lost, none scanned twice"
    )
    return 0 if good and run.code == 0 else 1


def soak(args: Any, tmp: Path) -> int:
    n, share, seed = args.soak, args.faulty_share, args.seed
    csv_path = generate_accounts_csv(tmp / "accounts.csv", n, seed)
    print(
        f"soak: {n} accounts, {share:.0%} faulty (seed {seed}), site latency "
        f"{args.latency_ms:g} ms, sampled every {args.sample_s:g} s; work dir {tmp}",
        flush=True,
    )
    generated = ["--seed", str(seed), "--faulty-share", str(share)]
    farm = [*generated, "--site-latency-ms", str(args.latency_ms)]
    with servers(tmp, f"generated:{n}", farm, ["--generated", str(n), *generated]) as srv:
        run = enrich(tmp, csv_path, srv, args.enrich_args, args.sample_s)
        domains = {f"co{i:05d}.test" for i in range(n)}
        rows = fault_rows(srv.db.uri, lambda d: fault_for(int(d[2:7]), seed, share), domains)
    assert run.sampler is not None
    samples = run.sampler.samples
    print(f"exit status {run.code} in {run.seconds:.1f}s: {summary_line(run)}\n")
    print("throughput and memory over time (RSS MB; CPU % of one core since the previous line):")
    print_timeline(samples, ["crawl", "db", "farm", "dns"], every=max(1, len(samples) // 40))
    print()
    good = print_rows(rows)
    done = sum(sum(r.statuses.values()) for r in rows)
    rate = done / run.seconds if run.seconds else 0.0
    growth = memory_growth(samples, "crawl", n / 4)
    projected = growth.projected(PROJECT_TO)
    peak = run.sampler.peak
    print("\npeak RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in peak.items()))
    print(
        f"crawl RSS slope: {growth.mb_per_1k:+.2f} MB per 1,000 accounts after the first "
        f"quarter ({growth.points} samples); projected to {PROJECT_TO:,}: {projected:.0f} MB"
    )
    checks = [
        (f"throughput >= {TARGET_ACCOUNTS_PER_S:g} accounts/s (start-up included)",
         rate >= TARGET_ACCOUNTS_PER_S, f"{rate:.1f}"),
        (f"memory flat: projected crawl RSS at {PROJECT_TO:,} accounts < {TARGET_PEAK_MB:g} MB",
         growth.points > 1 and projected < TARGET_PEAK_MB, f"{projected:.0f} MB"),
        ("every account ended as expected, none lost, none scanned twice",
         good and run.code == 0, f"exit {run.code}, {done} of {n} done"),
    ]  # fmt: skip
    print()
    for name, ok, value in checks:
        print(f"{verdict(ok)}  {name}: {value}")
    return 0 if all(ok for _, ok, _ in checks) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-fault", type=int, default=2, help="matrix accounts per fault")
    parser.add_argument("--soak", type=int, nargs="?", const=20_000, default=0, metavar="N",
                        help="soak run of N generated accounts (default 20000) instead of the "
                             "matrix")  # fmt: skip
    parser.add_argument("--faulty-share", type=float, default=0.1, help="soak: faulty share")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="soak: site latency")
    parser.add_argument("--seed", type=int, default=1, help="soak: generator seed")
    parser.add_argument("--sample-s", type=float, default=10.0, help="soak: seconds a sample")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("enrich_args", nargs="*", help="extra `enrich` arguments (after --)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="stackscout-reliability-"))
    try:
        return soak(args, tmp) if args.soak else matrix(args, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
