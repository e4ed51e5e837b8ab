"""`stackscout detect` on saved pages: HTML file, corpus folder, HAR and WARC; external files."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from detectors.loaders import iter_saved
from tests.conftest import ROOT

SHOP = (b'<html><head><meta name="generator" content="WordPress 6.5">'
        b'<script src="https://cdn.shopify.com/s/files/x.js"></script></head><body>hi</body></html>')  # fmt: skip


def detect(*args: str) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "stackscout.cli", "detect", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_html_file_with_url(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(SHOP)
    rows = detect(str(page), "--url", "https://shop.example/")
    names = {t["name"] for t in rows[0]["technologies"]}
    assert rows[0]["url"] == "https://shop.example/" and rows[0]["page"] == "page"
    assert {"Shopify", "WordPress"} <= names
    assert rows[0]["seconds"] >= 0
    wp = next(t for t in rows[0]["technologies"] if t["name"] == "WordPress")
    assert wp["version"] == "6.5" and wp["evidence"][0]["field"] in ("meta", "dom")


def test_corpus_folder_layout(tmp_path: Path) -> None:
    folder = tmp_path / "pages" / "p1"
    folder.mkdir(parents=True)
    (folder / "body.html.gz").write_bytes(gzip.compress(SHOP))
    meta = {"id": "p1", "url": "https://a.example/", "headers": {"Server": "nginx/1.25.3"},
            "cookies": {"_shopify_y": "1"}, "subrequests": ["https://www.googletagmanager.com/gtm.js?id=GTM-X"]}  # fmt: skip
    (folder / "meta.json").write_text(json.dumps(meta))
    rows = detect(str(tmp_path))
    names = {t["name"]: t for t in rows[0]["technologies"]}
    assert rows[0]["page"] == "p1"
    assert names["Nginx"]["version"] == "1.25.3"
    assert "Google Tag Manager" in names and "Shopify" in names


def test_har_and_warc(tmp_path: Path) -> None:
    har = {"log": {"entries": [
        {"request": {"url": "https://h.example/"}, "pageref": "p",
         "response": {"status": 200, "headers": [{"name": "Server", "value": "cloudflare"}],
                      "cookies": [], "content": {"mimeType": "text/html", "text": SHOP.decode()}}},
        {"request": {"url": "https://js.hs-scripts.com/123.js"}, "pageref": "p", "_resourceType": "script",
         "response": {"status": 200, "headers": [], "content": {"mimeType": "application/javascript"}}},
    ]}}  # fmt: skip
    (tmp_path / "x.har").write_text(json.dumps(har))
    rows = detect(str(tmp_path / "x.har"))
    assert {"Cloudflare", "HubSpot", "Shopify"} <= {t["name"] for t in rows[0]["technologies"]}

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                          ("X-Powered-By", "PHP/8.2.1")], protocol="HTTP/1.1")  # fmt: skip
    writer.write_record(writer.create_warc_record("https://w.example/", "response",
                                                  payload=io.BytesIO(SHOP), http_headers=headers))  # fmt: skip
    (tmp_path / "x.warc.gz").write_bytes(buf.getvalue())
    pages = list(iter_saved(tmp_path / "x.warc.gz"))
    assert pages[0].page.url == "https://w.example/"
    rows = detect(str(tmp_path / "x.warc.gz"))
    assert {"PHP", "Shopify"} <= {t["name"] for t in rows[0]["technologies"]}


def test_external_signature_file_alone_and_with_own(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(b'<html><script src="/static/acme-widget.min.js"></script></html>')
    ext = tmp_path / "ext.json"
    ext.write_text(json.dumps({"technologies": {"Acme Widget": {"cats": [5], "scriptSrc": r"acme-widget(?:\.min)?\.js"}},
                               "categories": {"5": {"name": "Widgets", "priority": 9}}}))  # fmt: skip
    only = detect(str(page), "--url", "https://x.example/", "--signatures", str(ext), "--no-own")
    assert [t["name"] for t in only[0]["technologies"]] == ["Acme Widget"]


def test_broken_external_signature_is_named(tmp_path: Path) -> None:
    ext = tmp_path / "bad.json"
    ext.write_text(json.dumps({"Bad Tech": {"cats": [5], "html": "(unclosed"}}))
    done = subprocess.run([sys.executable, "-m", "stackscout.cli", "signatures", "validate", str(ext)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 1 and "Bad Tech" in done.stderr
