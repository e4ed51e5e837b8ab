"""Cost of fit scoring over stored accounts: `score_stored`, an `accounts` query and the report.

Starts an embedded database server (its own process, in memory), stores N account documents
shaped as the batch writes them (technologies with categories and evidence, gaps, input
columns; 5% blocked), then times, for the example profiles of `examples/profiles/`:

* `score_stored` (what `stackscout score --profile ...` runs): accounts scored per second;
* `find_accounts` for one tier (what `stackscout accounts --profile P --tier 1:few` runs);
* `collect` + `write_report` (what `stackscout report` runs).

    uv run python bench/bench_fit.py                  # 5,000 accounts
    uv run python bench/bench_fit.py --accounts 1000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from enrich.dbserver import EmbeddedServer  # noqa: E402
from enrich.fitstore import score_stored  # noqa: E402
from enrich.profiles import load_catalog, load_profiles  # noqa: E402
from enrich.report import collect, write_report  # noqa: E402
from enrich.selection import Filters, find_accounts  # noqa: E402

STACKS = [
    ["Shopify", "Klaviyo", "Facebook Pixel", "Google Tag Manager"],
    ["Shopify", "Judge.me", "Gorgias"],
    ["Shopify", "Yotpo Reviews", "Klaviyo", "Hotjar"],
    ["WordPress", "WooCommerce", "Klaviyo", "Trustpilot"],
    ["WordPress", "HubSpot", "Intercom", "Google Analytics", "OneTrust"],
    ["HubSpot", "Segment", "Zendesk", "Hotjar", "Google Analytics"],
    ["Drupal", "Marketo", "Google Analytics"],
    ["Next.js", "Zendesk", "Stripe", "Segment"],
]
COUNTRIES = ["US", "GB", "CA", "DE", "AU", "FR"]
INDUSTRIES = ["Retail", "Software", "Apparel", "Financial Services", "Healthcare", "SaaS"]


def account(i: int, rng: random.Random, categories: dict[str, list[str]], core: list[str]) -> dict[str, Any]:  # fmt: skip
    domain = f"co{i:05d}.test"
    doc: dict[str, Any] = {
        "_id": domain, "domain": domain, "name": f"Company {i}", "url": f"https://{domain}/",
        "input": {"employees": str(rng.randint(3, 3000)), "country": rng.choice(COUNTRIES),
                  "industry": rng.choice(INDUSTRIES),
                  "annual_revenue_usd": str(rng.randint(1, 400) * 1_000_000)},
        "queue": {"state": "done"},
    }  # fmt: skip
    if rng.random() < 0.05:
        doc["scan"] = {"status": "blocked", "reason": "bot wall"}
        return doc
    techs = [{"name": n, "categories": categories.get(n, []), "confidence": 100, "vendor": n,
              "evidence": [{"field": "scriptSrc", "match": f"//{n.lower()}/", "url": doc["url"]}],
              "first_seen": "2026-11-01T00:00:00", "last_seen": "2026-11-01T00:00:00",
              "missing_since": None} for n in rng.choice(STACKS)]  # fmt: skip
    present = sorted({c for t in techs for c in t["categories"]})
    doc.update({"technologies": techs, "tech_names": [t["name"] for t in techs],
                "categories_present": present, "gaps": [c for c in core if c not in present],
                "scan": {"status": "ok", "final_url": doc["url"], "pages_fetched": 5}})  # fmt: skip
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=5000)
    args = parser.parse_args()
    profiles = load_profiles(sorted((ROOT / "examples" / "profiles").glob("*.toml")))
    catalog = load_catalog()
    from detectors.signatures import load_taxonomy

    core = sorted(c.name for c in load_taxonomy().values() if c.core)
    rng = random.Random(7)
    with EmbeddedServer() as server, tempfile.TemporaryDirectory() as tmp:
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri)
        db = client["bench_fit"]
        docs = [account(i, rng, catalog.tech_categories, core) for i in range(args.accounts)]
        for start in range(0, len(docs), 500):
            db.accounts.insert_many(docs[start : start + 500])
        started = time.perf_counter()
        summary = score_stored(db, profiles)
        scored = time.perf_counter() - started
        print(f"score_stored: {summary.accounts} accounts x {len(profiles)} profiles in "
              f"{scored:.2f}s ({summary.accounts / scored:.0f} accounts/s)")  # fmt: skip
        for p in summary.profiles.values():
            print(f"  {p.profile}: {p.tiers}")
        started = time.perf_counter()
        few = find_accounts(db, Filters(profile="reviews-shopify", tier="1:few"))
        print(f"find_accounts tier 1:few: {len(few)} in {time.perf_counter() - started:.2f}s")
        started = time.perf_counter()
        written = write_report(collect(db, profiles[-1]), Path(tmp) / "report.html")
        print(f"report: {len(written)} files in {time.perf_counter() - started:.2f}s")
        client.close()


if __name__ == "__main__":
    main()
