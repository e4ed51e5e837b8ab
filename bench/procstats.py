"""What the benchmarks share: the loopback servers they start, and /proc sampling of processes.

`Sampler` reads every named process's RSS, peak RSS and CPU from /proc every few seconds,
with the number of accounts committed (scan documents in the database); `print_timeline`
prints those samples as throughput and memory over time, and `memory_growth` fits the slope
of the crawl process's RSS over accounts done, the verdict on "memory flat, not growing".
`farm_process` and `dns_process` run the site farm and its DNS server as processes of their
own, as a user's sites and resolver are.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
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
    """Samples `pids` (name -> pid) and the committed accounts of database `db_name`."""

    pids: dict[str, int]
    db_uri: str
    every: float
    db_name: str = "stackscout"
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

    def sample(self, db: Any) -> None:
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
            done = db["scans"].estimated_document_count()
        except Exception:
            done = self.samples[-1].done if self.samples else 0
        self.samples.append(Sample(time.monotonic() - self.t0, done, rss, cpu))

    def _run(self) -> None:
        client: MongoClient[dict[str, Any]] = MongoClient(self.db_uri)
        try:
            while not self._stop.is_set():
                self.sample(client[self.db_name])
                self._stop.wait(self.every)
        finally:
            client.close()


def print_timeline(samples: Sequence[Sample], names: Sequence[str], every: int = 1) -> None:
    """Throughput and memory over time: accounts done, accounts/s since the previous printed
    sample, RSS (MB) and CPU (% of one core) of each process."""
    print(f"{'t s':>7} {'done':>7} {'acc/s':>6} " + " ".join(f"{n + ' MB':>9}" for n in names)
          + " " + " ".join(f"{n + ' %':>7}" for n in names))  # fmt: skip
    shown = list(samples[::every])
    if samples and shown[-1] is not samples[-1]:
        shown.append(samples[-1])
    prev: Sample | None = None
    for s in shown:
        dt = s.t - prev.t if prev else s.t
        rate = (s.done - prev.done) / dt if prev and dt > 0 else 0.0

        def pct(name: str, s: Sample = s, prev: Sample | None = prev, dt: float = dt) -> str:
            if prev is None or name not in s.cpu or name not in prev.cpu or dt <= 0:
                return "-"
            return f"{100 * (s.cpu[name] - prev.cpu[name]) / dt:.0f}"

        print(f"{s.t:7.0f} {s.done:7d} {rate:6.1f} "
              + " ".join(f"{s.rss.get(n, 0):9.1f}" for n in names) + " "
              + " ".join(f"{pct(n):>7}" for n in names))  # fmt: skip
        prev = s


@dataclass(frozen=True)
class Growth:
    """The crawl process's RSS against accounts done, after the warm-up."""

    mb_per_1k: float
    last_done: int
    last_rss: float
    points: int

    def projected(self, accounts: int) -> float:
        """RSS at `accounts` accounts done, if it kept growing at this slope."""
        return self.last_rss + max(0.0, self.mb_per_1k) * (accounts - self.last_done) / 1000


def memory_growth(samples: Sequence[Sample], name: str, after_done: float) -> Growth:
    """Least-squares slope of `name`'s RSS over accounts done, for samples past `after_done`."""
    points = [(s.done, s.rss[name]) for s in samples if name in s.rss and s.done >= after_done]
    last_done, last_rss = points[-1] if points else (0, 0.0)
    return Growth(slope(points) * 1000, int(last_done), last_rss, len(points))


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


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
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
def farm_process(sites: str, log: Path, *options: str) -> Iterator[tuple[int, int]]:
    """(pid, port) of a running farm subprocess serving `sites` (`generated:N`, `matrix`...)."""
    port = free_port()
    cmd = [sys.executable, "-m", "tests.farm.server", "--port", str(port), "--sites", sites,
           *options]  # fmt: skip
    with server_process(cmd, "stackscout farm:", log) as pid:
        yield pid, port


@contextlib.contextmanager
def dns_process(log: Path, *options: str) -> Iterator[tuple[int, str]]:
    """(pid, address) of the loopback DNS server (`--generated N`, `--matrix K`...): the crawl
    asks it (STACKSCOUT_DNS_SERVER), never the system's resolver."""
    port = free_udp_port()
    cmd = [sys.executable, "-m", "tests.farm.dns", "--port", str(port), *options]
    with server_process(cmd, "farm DNS on", log) as pid:
        yield pid, f"127.0.0.1:{port}"


def crawl_env(farm_port: int, db_uri: str, dns_address: str, home: Path) -> dict[str, str]:
    """The environment of a `stackscout` run against the farm, its DNS and a database: proxy
    variables, MONGODB_URI, STACKSCOUT_DNS_SERVER, and a home and cache of its own."""
    proxy = f"http://127.0.0.1:{farm_port}"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")}
    env.update({"http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy,
                "HTTPS_PROXY": proxy, "MONGODB_URI": db_uri, "STACKSCOUT_HOME": str(home / "home"),
                "STACKSCOUT_CACHE": str(home / "cache"), "STACKSCOUT_DNS_SERVER": dns_address})  # fmt: skip
    return env


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
