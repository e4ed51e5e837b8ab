"""The site audit on hand-built snapshots: each finding's id, verdict and value."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from detectors.audit import audit_site
from detectors.models import Finding
from detectors.snapshot import DnsError, DnsRecord, Page, Probe, Site, TlsInfo

GOOD_HTML = """<!DOCTYPE html><html lang="en"><head><title>Acme: invoices in minutes</title>
<meta name="description" content="Acme sends, chases and reconciles invoices so finance teams close faster.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="/"><link rel="stylesheet" href="/app.css">
<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<script src="https://cdn.acme.example/app.js"></script></head>
<body><h1>Invoices in minutes</h1><img src="https://images.acme.example/hero.png"></body></html>"""

SECURE_HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "server": "nginx",
}
NOW = 1_800_000_000.0


def home(url: str = "https://www.acme.example/", body: str = GOOD_HTML, **kw: Any) -> Page:
    kw.setdefault("headers", SECURE_HEADERS)
    kw.setdefault("ttfb_ms", 120.0)
    kw.setdefault("size", len(body))
    return Page(url=url, requested_url=kw.pop("requested_url", "http://acme.example/"),
                body=body, fetched_at=NOW, **kw)  # fmt: skip


def by_id(findings: list[Finding]) -> dict[str, Finding]:
    ids = [f.id for f in findings]
    assert len(ids) == len(set(ids)), ids
    return {f.id: f for f in findings}


def good_site(**kw: Any) -> Site:
    records = [
        DnsRecord("TXT", "acme.example", "v=spf1 include:_spf.google.com ~all"),
        DnsRecord("TXT", "_dmarc.acme.example", "v=DMARC1; p=reject; rua=mailto:d@acme.example"),
    ]
    kw.setdefault("pages", [home(redirects=["http://acme.example/"])])
    return Site(domain="acme.example", dns=records, dns_status="ok", spf_lookups=4,
                robots_txt="User-agent: *\nSitemap: https://www.acme.example/sitemap.xml\n",
                tls=TlsInfo(issuer="Let's Encrypt", host="www.acme.example",
                            not_after="2027-03-15T00:00:00+00:00"), **kw)  # fmt: skip


def test_a_well_kept_site_has_no_weakness() -> None:
    findings = audit_site(good_site())
    weak = [(f.id, f.detail) for f in findings if not f.ok]
    assert weak == []
    f = by_id(findings)
    assert {f[i].group for i in ("https", "hsts", "spf", "dmarc")} == {"security"}
    assert f["hsts"].value == 31536000
    assert f["x_frame_options"].value == "CSP frame-ancestors"
    assert f["dmarc"].value == "reject" and f["spf"].value == 4
    assert f["sitemap"].value == "https://www.acme.example/sitemap.xml"
    assert f["third_party_hosts"].value == 1  # googletagmanager; cdn./images. are first-party
    assert f["redirects"].value == 1 and f["ttfb_ms"].value == 120.0
    expires = datetime(2027, 3, 15, tzinfo=UTC).timestamp()
    assert f["cert_expiry_days"].value == int((expires - NOW) // 86400)
    assert set(f) >= {"title", "meta_description", "canonical", "robots_meta_noindex", "h1",
                      "viewport", "lang", "robots_txt", "page_weight_kb", "mixed_content",
                      "x_content_type_options", "referrer_policy", "csp", "server_banner"}  # fmt: skip


def test_finding_shape_is_the_documented_one() -> None:
    for finding in audit_site(good_site()):
        d = finding.to_dict()
        assert set(d) == {"id", "group", "ok", "value", "detail"}
        assert d["group"] in ("security", "seo", "performance", "privacy")
        assert isinstance(d["ok"], bool) and d["detail"]
        assert d["value"] is None or isinstance(d["value"], int | float | str | bool)


def test_weak_site() -> None:
    body = ("<html><head><script src='http://cdn.other.example/a.js'></script>"
            "<meta name='robots' content='noindex, nofollow'></head><body>"
            + "".join(f"<img src='https://img{i}.thirdparty{i}.example/x.png'>" for i in range(30))
            + "</body></html>")  # fmt: skip
    page = home(body=body, headers={"server": "Apache/2.4.41 (Ubuntu)", "x-powered-by": "PHP/7.4"},
                ttfb_ms=2400.0, size=900 * 1024, redirects=["http://a", "http://b", "http://c"])  # fmt: skip
    site = Site(domain="acme.example", pages=[page], dns_status="ok", dns=[
        DnsRecord("TXT", "acme.example", "v=spf1 include:a.example -all"),
        DnsRecord("TXT", "acme.example", "v=spf1 include:b.example -all"),
        DnsRecord("TXT", "_dmarc.acme.example", "v=DMARC1; p=none"),
    ], probes=[Probe("sitemap", "https://www.acme.example/sitemap.xml", 404)])  # fmt: skip
    f = by_id(audit_site(site))
    weak = {i for i, x in f.items() if not x.ok}
    assert weak >= {"hsts", "csp", "x_frame_options", "x_content_type_options", "referrer_policy",
                    "mixed_content", "server_banner", "spf", "dmarc", "title", "meta_description",
                    "canonical", "robots_meta_noindex", "h1", "viewport", "lang", "sitemap",
                    "robots_txt", "ttfb_ms", "page_weight_kb", "redirects", "third_party_hosts"}  # fmt: skip
    assert f["mixed_content"].value == 1
    assert f["server_banner"].value == "Apache/2.4.41 (Ubuntu); PHP/7.4"
    assert f["spf"].detail.startswith("2 SPF records")
    assert f["dmarc"].value == "none"
    assert f["third_party_hosts"].value == 31
    assert f["robots_meta_noindex"].value is True


def test_plain_http_site() -> None:
    site = Site(domain="acme.example", pages=[home(url="http://acme.example/",
                                                   requested_url="http://acme.example/")])  # fmt: skip
    f = by_id(audit_site(site))
    assert (f["https"].ok, f["https_redirect"].ok, f["hsts"].ok) == (False, False, False)
    assert "mixed_content" not in f  # only meaningful over HTTPS


def test_https_redirect_from_the_probe() -> None:
    start_https = {"requested_url": "https://www.acme.example/"}
    no = Probe("http", "http://www.acme.example/", 200, "http://www.acme.example/")
    yes = Probe("http", "http://www.acme.example/", 200, "https://www.acme.example/")
    failed = Probe("http", "http://www.acme.example/", None, error="connection refused")
    for probe, expect in ((no, False), (yes, True)):
        site = Site(domain="acme.example", pages=[home(**start_https)], probes=[probe])
        assert by_id(audit_site(site))["https_redirect"].ok is expect
    site = Site(domain="acme.example", pages=[home(**start_https)], probes=[failed])
    assert "https_redirect" not in by_id(audit_site(site))  # unknown is not a weakness


def test_unknown_is_left_out_not_reported_weak() -> None:
    """No DNS, a failed DMARC lookup, no sitemap probe, no TLS: those checks are omitted."""
    site = Site(
        domain="acme.example",
        pages=[home(url="https://acme.example/", requested_url="https://acme.example/")],
    )
    f = by_id(audit_site(site))
    assert not {"spf", "dmarc", "sitemap", "cert_expiry_days", "https_redirect"} & set(f)
    partial = good_site(dns_errors=[DnsError("TXT", "_dmarc.acme.example", "timed out after 3 s")])
    partial.dns_status = "partial"
    f = by_id(audit_site(partial))
    assert "dmarc" not in f and f["spf"].ok


def test_spf_over_the_lookup_limit_or_looping_is_weak() -> None:
    over = good_site()
    over.spf_lookups = 11
    assert by_id(audit_site(over))["spf"].ok is False
    loop = good_site(dns_errors=[DnsError("SPF", "a.acme.example", "include loop: a -> b -> a")])
    spf = by_id(audit_site(loop))["spf"]
    assert spf.ok is False and "loop" in spf.detail


def test_delegated_dmarc_policy() -> None:
    site = good_site()
    site.dns = [r for r in site.dns if not r.name.startswith("_dmarc.")] + [
        DnsRecord("CNAME", "_dmarc.acme.example", "acme.example._dmarc.vendor.example."),
        DnsRecord("TXT", "acme.example._dmarc.vendor.example", "v=DMARC1; p=quarantine"),
    ]
    assert by_id(audit_site(site))["dmarc"].value == "quarantine"


def test_no_home_page_no_findings() -> None:
    assert audit_site(Site(domain="acme.example")) == []
    binary = Page(url="https://acme.example/", body="", kind="home")
    assert audit_site(Site(domain="acme.example", pages=[binary])) == []
