"""DNS, TLS and the site audit in real scans of the farm: Scrapy through the proxy variables,
DNS from the loopback dnslib server (STACKSCOUT_DNS_SERVER, set for the session), detectors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest_twisted
from jsonschema import Draft202012Validator
from scrapy.utils.defer import deferred_from_coro

from crawler.items import SiteCapture
from crawler.run import crawl_async
from crawler.spiders.site import Target
from enrich.documents import scan_document
from tests.conftest import FAST_CRAWL, ROOT
from tests.farm.dns import Blackhole, FarmDNS
from tests.farm.zones import TRUTH

_SCHEMA = json.loads((ROOT / "docs" / "scan.schema.json").read_text())
Draft202012Validator.check_schema(_SCHEMA)
SCAN_SCHEMA = Draft202012Validator(_SCHEMA)


def crawl(urls: list[str], **settings: Any) -> Any:
    targets = [Target(url=u) for u in urls]
    return deferred_from_coro(crawl_async(targets, {**FAST_CRAWL, **settings}))


def by_domain(captures: list[SiteCapture]) -> dict[str, SiteCapture]:
    return {c.domain: c for c in captures}


def dns_evidence(capture: SiteCapture, name: str) -> list[tuple[str, str, str]]:
    assert capture.report is not None
    tech = next(d for d in capture.report.technologies if d.name == name)
    return [(e.key, e.url, e.match) for e in tech.evidence if e.source == "dns"]


def findings(capture: SiteCapture) -> dict[str, Any]:
    assert capture.report is not None
    return {f.id: f for f in capture.report.audit}


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_dns_detections_of_the_farm_companies(farm_env: Any, dns: FarmDNS) -> Any:
    urls = ["http://b2bsaas.test/", "http://shopstore.test/", "http://nextapp.test/",
            "http://legacy.test/", "https://redirector.test/"]  # fmt: skip
    captures = by_domain((yield crawl(urls)))
    for domain, truth in TRUTH.items():
        capture = captures[domain]
        assert capture.status in ("ok", "partial") and capture.site.dns_status == "ok", domain
        names = {d.name for d in capture.report.technologies}  # type: ignore[union-attr]
        assert set(truth["detect"]) <= names, (domain, set(truth["detect"]) - names)
        assert not set(truth["not"]) & names, domain
    b2b = captures["b2bsaas.test"]
    assert dns_evidence(b2b, "Google Workspace") == [
        ("MX", "dns:b2bsaas.test", "1 aspmx.l.google.com."),
        ("SPF", "dns:b2bsaas.test", "_spf.google.com"),
    ]
    assert ("CNAME", "dns:help.b2bsaas.test", "b2bsaas.zendesk.com.") in dns_evidence(
        b2b, "Zendesk"
    )
    assert ("SPF", "dns:_spf.b2bsaas.test", "123456.spf01.hubspotemail.net") in dns_evidence(
        b2b, "HubSpot"
    )
    assert dns_evidence(b2b, "dmarcian")[0][:2] == ("DMARC", "dns:_dmarc.b2bsaas.test")
    shop = captures["shopstore.test"]
    assert ("CNAME", "dns:k1._domainkey.shopstore.test", "dkim.mcsv.net.") in dns_evidence(
        shop, "MailChimp"
    )
    # the records themselves are in the snapshot, not only the matches
    assert len(b2b.site.dns) > 30 and b2b.site.spf_lookups == 10
    assert dns.count("b2bsaas.test", "MX") == 1


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_tls_probes_and_audit_of_an_https_site(farm_env: Any) -> Any:
    (capture,) = yield crawl(["https://redirector.test/"])
    tls = capture.site.tls
    assert tls is not None and tls.issuer == "Stackscout test farm"
    assert tls.host == "www.redirector.test" and tls.not_after.startswith("20")
    assert sorted((p.kind, p.status, p.final_url) for p in capture.site.probes) == [
        ("http", 200, "https://www.redirector.test/"),
        ("sitemap", 404, "https://www.redirector.test/sitemap.xml"),
    ]
    f = findings(capture)
    assert (f["https"].ok, f["https_redirect"].ok, f["dmarc"].value) == (True, True, "reject")
    assert (f["hsts"].ok, f["sitemap"].ok, f["mixed_content"].value) == (False, False, 0)
    assert f["cert_expiry_days"].value >= 0
    doc = scan_document(capture)
    assert doc["tls"]["issuer"] == "Stackscout test farm"
    assert {a["id"] for a in doc["audit"] if not a["ok"]} >= {"hsts", "sitemap"}
    assert not [p for p in capture.site.pages if "sitemap" in p.url]  # probes are not pages


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_no_audit_for_blocked_or_refused_sites(farm_env: Any) -> Any:
    captures = by_domain((yield crawl(["http://challenge.test/", "http://blocked.test/"])))
    for capture in captures.values():
        assert capture.status in ("blocked", "robots_disallowed")
        assert capture.report is not None and capture.report.audit == []
        doc = scan_document(capture)
        assert doc["audit"] is None and doc["gaps"] is None
        SCAN_SCHEMA.validate(doc)
    # DNS is read all the same: it does not depend on the website letting us in
    assert any(r.type == "MX" for r in captures["blocked.test"].site.dns)


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_dns_off(farm_env: Any, dns: FarmDNS) -> Any:
    (capture,) = yield crawl(["http://b2bsaas.test/"], STACKSCOUT_DNS_ENABLED=False)
    assert capture.status == "ok" and capture.site.dns == [] and capture.site.dns_status == ""
    assert dns.queries == []
    names = {d.name for d in capture.report.technologies}
    assert "Google Workspace" not in names and "WordPress" in names
    assert "spf" not in findings(capture) and "dmarc" not in findings(capture)


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_dns_that_never_answers_does_not_fail_the_scan(farm_env: Any) -> Any:
    with Blackhole() as hole:
        started = time.monotonic()
        (capture,) = yield crawl(["http://legacy.test/"], STACKSCOUT_DNS_SERVER=hole.address,
                                 STACKSCOUT_DNS_TIMEOUT=0.5, STACKSCOUT_DNS_ACCOUNT_TIMEOUT=1.5)  # fmt: skip
        elapsed = time.monotonic() - started
    assert capture.status == "ok" and capture.site.dns_status == "failed"
    assert elapsed < 10
    assert {e.reason for e in capture.site.dns_errors} >= {"timed out after 0.5 s"}
    assert "jQuery" in {d.name for d in capture.report.technologies}
    doc = scan_document(capture)
    SCAN_SCHEMA.validate(doc)
    assert doc["dns_status"] == "failed" and doc["dns_errors"]
    assert "dmarc" not in {a["id"] for a in doc["audit"]}  # unknown, not a weakness


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stackscout.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_cli_scan_shows_dns_mail_tls_and_audit_sections(farm_env: Any, farm_dns: FarmDNS) -> None:
    env = {**os.environ, **farm_env.proxy_env(), "COLUMNS": "220"}
    env.pop("STACKSCOUT_DNS_SERVER")  # given on the command line instead
    done = run_cli("scan", "--pages", "0", "--dns-server", farm_dns.address,
                   "http://b2bsaas.test/", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    dns_part = out[out.index("DNS, mail and TLS") : out.index("Site audit")]
    assert "DNS ok:" in dns_part
    for row in (("Google Workspace", "MX", "b2bsaas.test", "1 aspmx.l.google.com."),
                ("Sendgrid", "SPF", "_spf.b2bsaas.test", "sendgrid.net"),
                ("Atlassian Cloud", "TXT", "b2bsaas.test", "atlassian-domain-verification="),
                ("Zendesk", "CNAME", "help.b2bsaas.test", "b2bsaas.zendesk.com."),
                ("dmarcian", "DMARC", "_dmarc.b2bsaas.test", "ag.dmarcian.com")):  # fmt: skip
        line = next(
            (ln for ln in dns_part.splitlines() if row[1] in ln and row[2] in ln and row[3] in ln),
            "",
        )
        assert line, row
    assert "Google Workspace" not in out[: out.index("DNS, mail and TLS")]  # not a website finding
    audit = out[out.index("Site audit") :]
    assert any("dmarc" in ln and "weak" in ln and "none" in ln for ln in audit.splitlines())
    assert any("https " in ln and "weak" in ln for ln in audit.splitlines())


def test_cli_scan_json_and_cert_issuer_signature(farm_env: Any, tmp_path: Path) -> None:
    sigs = tmp_path / "farm-ca.json"
    sigs.write_text(json.dumps({"Farm CA": {"cats": [70], "certIssuer": "^Stackscout test farm$"}}))
    env = {**os.environ, **farm_env.proxy_env()}
    done = run_cli("scan", "--json", "--pages", "0", "--signatures", str(sigs),
                   "https://redirector.test/", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    doc = json.loads(done.stdout)
    ca = next(t for t in doc["technologies"] if t["name"] == "Farm CA")
    assert [(e["source"], e["field"], e["url"], e["match"]) for e in ca["evidence"]] == [
        ("tls", "certIssuer", "tls:www.redirector.test", "Stackscout test farm")
    ]
    assert {
        "type": "MX",
        "name": "redirector.test",
        "value": "10 mx0a-00123401.pphosted.com.",
    } in doc["dns"]
    assert doc["dns_status"] == "ok" and doc["spf"]["lookups"] == 5
    assert {f["id"] for f in doc["audit"]} >= {"https", "https_redirect", "hsts", "dmarc", "spf",
                                              "title", "sitemap", "ttfb_ms", "third_party_hosts"}  # fmt: skip
    for f in doc["audit"]:
        assert set(f) == {"id", "group", "ok", "value", "detail"}
    SCAN_SCHEMA.validate(doc)  # the documented shape, docs/scan.schema.json


def test_cli_rejects_a_bad_dns_server(farm_env: Any) -> None:
    env = {**os.environ, **farm_env.proxy_env()}
    done = run_cli("scan", "--dns-server", "dns.example:53", "http://legacy.test/", env=env)
    assert done.returncode == 2 and "not an IP address" in done.stderr
