"""What rendering costs and finds: the `never`, `auto` and `always` policies on one site mix.

Starts the loopback farm as its own process with `rendermix:N` sites (see
`tests/farm/rendermix.py`: about 70 % server-rendered sites, the rest tag-manager-loaded, SPA
shells, CDP loaders and script bundles), then crawls every site once per policy, each crawl in
a child process of its own (`--child`), through the proxy variables, with Debian's or
Playwright's Chromium. CPU is the child's own plus all its descendants' (Playwright's driver,
Chromium and its renderers), as `wait4` reports it. Prints per policy: pages rendered, crawl
seconds, sites/s, CPU seconds, extra CPU per rendered page (over `never`), the recall of the
render-only technologies the farm planted, and `auto` against `always`.

Targets (render issue): `auto` finds >= 95 % of the (site, technology) pairs `always` finds,
in at most a third of `always`'s time.

    uv run python bench/bench_render.py                # 200 sites
    uv run python bench/bench_render.py --sites 400 --latency-ms 30
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POLICIES = ("never", "auto", "always")
TARGET_SHARE = 0.95
TARGET_COST = 1 / 3


def child(policy: str, hosts_file: Path, out: Path, max_pages: int) -> None:
    """Crawl every host with one policy; write one JSON line per site, then the crawl time."""
    from crawler.run import run_crawl
    from crawler.spiders.site import Target

    hosts = hosts_file.read_text().split()
    lines = []

    def on_capture(c: Any) -> None:
        techs = c.report.technologies if c.report else []
        lines.append({"domain": c.domain, "status": c.status, "render": {
            "rendered": c.render.rendered, "rule": c.render.rule, "error": c.render.error},
            "technologies": {d.name: d.render_only for d in techs}})  # fmt: skip

    settings = {"STACKSCOUT_RENDER": policy, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                "LOG_LEVEL": "ERROR", "RETRY_TIMES": 0,
                "STACKSCOUT_RENDER_MAX_PAGES": max_pages}  # fmt: skip
    started = time.monotonic()
    run_crawl([Target(url=f"http://{h}/") for h in hosts], on_capture, settings)
    elapsed = time.monotonic() - started
    with out.open("w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
        f.write(json.dumps({"crawl_seconds": elapsed}) + "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_policy(
    policy: str, hosts_file: Path, tmp: Path, env: dict[str, str], max_pages: int
) -> dict[str, Any]:
    out = tmp / f"{policy}.jsonl"
    cmd = [sys.executable, __file__, "--child", policy, "--hosts-file", str(hosts_file),
           "--out", str(out), "--max-pages", str(max_pages)]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"the {policy} crawl failed (status {status})")
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    return {"sites": {x["domain"]: x for x in lines[:-1]}, "crawl_s": lines[-1]["crawl_seconds"],
            "process_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime}  # fmt: skip


def farm_cpu(pid: int) -> float:
    """CPU seconds the farm process has used (it shares the machine with the crawl)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pairs(result: dict[str, Any]) -> set[tuple[str, str]]:
    return {(d, t) for d, site in result["sites"].items() for t in site["technologies"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=20, help="farm latency per response")
    parser.add_argument("--max-pages", type=int, default=4, help="STACKSCOUT_RENDER_MAX_PAGES")
    parser.add_argument("--child", choices=POLICIES, help=argparse.SUPPRESS)
    parser.add_argument("--hosts-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.hosts_file, args.out, args.max_pages)
        return 0

    from crawler.browser import find_browser
    from detectors.engine import Detector
    from tests.farm.rendermix import account_hosts, rendermix_sites

    browser = find_browser(os.environ.get("STACKSCOUT_BROWSER"))
    sites = rendermix_sites(args.sites, args.seed)
    hosts = account_hosts(sites)
    truth = {(h, t) for h in hosts for t in sites[h].truth["render_only"]}
    with tempfile.TemporaryDirectory(prefix="stackscout-bench-render-") as tmpdir:
        tmp = Path(tmpdir)
        hosts_file = tmp / "hosts.txt"
        hosts_file.write_text("\n".join(hosts))
        port = free_port()
        env = {**os.environ, "STACKSCOUT_HOME": str(tmp / "home"),
               "STACKSCOUT_CACHE": str(tmp / "cache")}  # fmt: skip
        env.update(dict.fromkeys(("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"), f"http://127.0.0.1:{port}"))  # fmt: skip
        for k in ("no_proxy", "NO_PROXY"):
            env.pop(k, None)
        os.environ["STACKSCOUT_CACHE"] = env["STACKSCOUT_CACHE"]
        Detector.load()  # warm the compiled-pattern cache, so no crawl pays for it
        farm = subprocess.Popen(
            [sys.executable, "-m", "tests.farm.server", "--port", str(port), "--sites",
             f"rendermix:{args.sites}", "--seed", str(args.seed),
             "--latency-ms", str(args.latency_ms)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        results = {}
        try:
            assert farm.stdout is not None
            farm.stdout.readline()  # "stackscout farm: N sites ... on http://..."
            for policy in POLICIES:
                farm_before = farm_cpu(farm.pid)
                results[policy] = run_policy(policy, hosts_file, tmp, env, args.max_pages)
                results[policy]["farm_cpu_s"] = farm_cpu(farm.pid) - farm_before
        finally:
            farm.terminate()
            farm.wait(10)
    report(results, truth, len(hosts), browser.path, args)
    kinds = {h: sites[h].truth["kind"] for h in hosts}
    print_auto_breakdown(results["auto"], kinds)
    print_corpus_share()
    return 0


def report(results: dict[str, Any], truth: set[tuple[str, str]], n: int, browser: str,
           args: Any) -> None:  # fmt: skip
    from tests.farm.rendermix import MIX

    kinds = ", ".join(f"{share:.0%} {kind}" for kind, share in MIX)
    print(f"Render benchmark: {n} farm sites (rendermix seed {args.seed}: about {kinds}), "
          f"{args.latency_ms:g} ms latency, page budget 4, {args.max_pages} pages rendered at "
          f"once, Chromium {browser}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    never_cpu = results["never"]["cpu_s"]
    print(f"{'policy':<8} {'rendered':>8} {'errors':>6} {'crawl s':>8} {'sites/s':>8} "
          f"{'CPU s':>7} {'CPU s/render':>12} {'render-only recall':>18} {'farm CPU s':>10}")  # fmt: skip
    for policy, r in results.items():
        rendered = sum(s["render"]["rendered"] for s in r["sites"].values())
        errors = sum(bool(s["render"]["error"]) for s in r["sites"].values())
        per_render = (r["cpu_s"] - never_cpu) / rendered if rendered else 0.0
        recall = len(truth & pairs(r)) / len(truth) if truth else 1.0
        print(f"{policy:<8} {rendered:>8} {errors:>6} {r['crawl_s']:>8.1f} "
              f"{n / r['crawl_s']:>8.1f} {r['cpu_s']:>7.1f} {per_render:>12.3f} {recall:>18.3f}"
              f" {r['farm_cpu_s']:>10.1f}")  # fmt: skip
    always, auto = pairs(results["always"]), pairs(results["auto"])
    share = len(always & auto) / len(always)
    cost = results["auto"]["crawl_s"] / results["always"]["crawl_s"]
    cpu_cost = results["auto"]["cpu_s"] / results["always"]["cpu_s"]
    missed = sorted(always - auto)
    print(
        f"auto finds {share:.3f} of the {len(always)} (site, technology) pairs always finds "
        f"(target >= {TARGET_SHARE}): {'PASS' if share >= TARGET_SHARE else 'FAIL'}"
    )
    print(
        f"auto takes {cost:.2f} of always's crawl time and {cpu_cost:.2f} of its CPU "
        f"(target <= {TARGET_COST:.2f}): {'PASS' if cost <= TARGET_COST else 'FAIL'}"
    )
    if missed:
        print(
            f"found by always only ({len(missed)}): "
            + ", ".join(f"{d}:{t}" for d, t in missed[:15])
        )


def print_auto_breakdown(auto: dict[str, Any], kinds: dict[str, str]) -> None:
    """Which sites `auto` rendered, by the farm's site kind, and by the rule that fired."""
    by_kind: dict[str, list[int]] = {}
    by_rule: dict[str, int] = {}
    for domain, site in auto["sites"].items():
        counts = by_kind.setdefault(kinds.get(domain, "?"), [0, 0])
        counts[0] += site["render"]["rendered"]
        counts[1] += 1
        by_rule[site["render"]["rule"]] = by_rule.get(site["render"]["rule"], 0) + 1
    print(
        "auto rendered, by site kind: "
        + ", ".join(f"{k} {r}/{t}" for k, (r, t) in sorted(by_kind.items()))
        + "; by rule: "
        + ", ".join(f"{k or 'none'} {v}" for k, v in sorted(by_rule.items()))
    )


def print_corpus_share() -> None:
    """What `auto` would decide on the real pages of ../shared/corpus (static decision only)."""
    from crawler.renderpolicy import decide
    from detectors.engine import Detector
    from detectors.loaders import iter_saved

    corpus = Path(os.environ.get("STACKSCOUT_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not (corpus / "pages").is_dir():
        return
    detector = Detector.load()
    rules: dict[str, int] = {}
    for saved in iter_saved(corpus / "pages", ""):
        rule = decide(saved.page, detector.detect_page(saved.page)).rule
        rules[rule] = rules.get(rule, 0) + 1
    total = sum(rules.values())
    print(
        f"auto on the {total} real corpus pages would render {1 - rules.get('static', 0) / total:.0%}"
        " of them: " + ", ".join(f"{k} {v}" for k, v in sorted(rules.items()))
    )


if __name__ == "__main__":
    raise SystemExit(main())
