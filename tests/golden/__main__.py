"""Record, rerun or refresh the golden fixtures (see tests/golden/__init__.py)."""

from __future__ import annotations

import json
import os
import sys

from crawler.run import run_crawl
from crawler.spiders.site import Target
from detectors.engine import Detector
from tests.farm.dns import FarmDNS
from tests.farm.server import Farm
from tests.farm.sites import default_sites
from tests.golden import GOLDEN, SITES, cases, load_site, summarise, write_case


def record(detector: Detector, hosts: list[str]) -> None:
    """Crawl the farm (and its loopback DNS server) as a scan does."""
    farm = Farm(default_sites())
    farm.start()
    dns = FarmDNS().start()
    os.environ.update(farm.proxy_env())
    os.environ["STACKSCOUT_DNS_SERVER"] = dns.address
    captures = []
    try:
        run_crawl([Target(url=f"http://{s}/") for s in hosts or SITES], captures.append,
                  {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING",
                   "STACKSCOUT_RENDER": "auto"})  # fmt: skip
    finally:
        farm.stop()
        dns.stop()
    for capture in captures:
        write_case(GOLDEN / capture.domain, capture.site, detector)
        print(f"recorded {capture.domain}: {len(capture.site.pages)} pages")


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "rerun"
    detector = Detector.load()
    if command == "record":
        record(detector, sys.argv[2:])
    elif command in ("rerun", "refresh"):
        for case in cases():
            site = load_site(case)
            if command == "refresh":
                write_case(case, site, detector)
                print(f"refreshed {case.name}")
            else:
                print(case.name, json.dumps(summarise(detector.detect_site(site)), indent=1))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
