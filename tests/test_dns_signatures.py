"""DNS and TLS evidence in the engine, on hand-built snapshots: which records count, and the
evidence each detection keeps (record type, name, value)."""

from __future__ import annotations

import pytest

from detectors.engine import Detector, dns_subjects
from detectors.mailauth import parse_dmarc, parse_spf
from detectors.snapshot import DnsRecord, Page, Site, TlsInfo


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.load()


def site(*records: tuple[str, str, str], **kw: object) -> Site:
    return Site(domain="acme.example", dns=[DnsRecord(*r) for r in records], **kw)  # type: ignore[arg-type]


def evidence(detector: Detector, s: Site, name: str) -> list[tuple[str, str, str, str]]:
    found = {d.name: d for d in detector.detect_site(s).technologies}
    assert name in found, sorted(found)
    return [(e.source, e.key, e.url, e.match) for e in found[name].evidence]


def test_parse_spf_counts_lookup_terms_and_targets() -> None:
    rec = parse_spf("v=spf1 a mx/24 ip4:192.0.2.0/24 ~include:_spf.Google.com. "
                    "exists:%{i}.x.example ptr -all redirect=_spf.acme.example")  # fmt: skip
    assert rec.includes == ["_spf.google.com"]
    assert rec.redirect == "_spf.acme.example"
    assert rec.lookups == 6  # a, mx, include, exists, ptr, redirect (ip4 and all are free)


def test_parse_dmarc_policy_and_report_domains() -> None:
    rec = parse_dmarc("v=DMARC1; p=Quarantine; pct=50; "
                      "rua=mailto:a@rua.agari.com,mailto:b@Dmarc.Vendor.example!10m; ruf=mailto:x@rua.agari.com")  # fmt: skip
    assert rec is not None
    assert (rec.policy, rec.percent) == ("quarantine", 50)
    assert rec.report_domains == ["rua.agari.com", "dmarc.vendor.example"]
    assert parse_dmarc("v=spf1 -all") is None


def test_mail_provider_senders_and_verified_vendors(detector: Detector) -> None:
    s = site(
        ("MX", "acme.example", "1 aspmx.l.google.com."),
        ("TXT", "acme.example", "v=spf1 include:_spf.google.com include:servers.mcsv.net ~all"),
        ("TXT", "acme.example", "atlassian-domain-verification=abc123"),
        ("TXT", "_dmarc.acme.example", "v=DMARC1; p=none; rua=mailto:r@ag.dmarcian.com"),
        ("CNAME", "help.acme.example", "acme.zendesk.com."),
    )
    assert evidence(detector, s, "Google Workspace") == [
        ("dns", "MX", "dns:acme.example", "1 aspmx.l.google.com."),
        ("dns", "SPF", "dns:acme.example", "_spf.google.com"),
    ]
    assert evidence(detector, s, "MailChimp") == [
        ("dns", "SPF", "dns:acme.example", "servers.mcsv.net")
    ]
    assert evidence(detector, s, "Atlassian Cloud")[0][1:3] == ("TXT", "dns:acme.example")
    assert evidence(detector, s, "dmarcian") == [
        ("dns", "DMARC", "dns:_dmarc.acme.example", "ag.dmarcian.com")
    ]
    assert evidence(detector, s, "Zendesk") == [
        ("dns", "CNAME", "dns:help.acme.example", "acme.zendesk.com.")
    ]


def test_only_the_accounts_own_records_are_evidence(detector: Detector) -> None:
    """A CNAME chain's later hops and an included vendor's own SPF belong to the vendor."""
    s = site(
        ("CNAME", "help.acme.example", "acme.zendesk.com."),
        ("CNAME", "acme.zendesk.com", "zendesk.map.fastly.net."),
        ("TXT", "acme.example", "v=spf1 include:mail.zendesk.com ~all"),
        ("TXT", "mail.zendesk.com", "v=spf1 include:mailgun.org ~all"),
        ("TXT", "mail.zendesk.com", "google-site-verification=not-ours"),
        ("TXT", "_spf.acme.example", "v=spf1 include:sendgrid.net ~all"),
    )
    names = detector.detect_site(s).names()
    assert {"Zendesk", "Sendgrid"} <= names
    assert not {"Fastly", "Mailgun", "Google Search Console"} & names
    subjects = dns_subjects(s)
    assert ("_spf.acme.example", "sendgrid.net") in subjects["SPF"]
    assert all(name.endswith("acme.example") for values in subjects.values() for name, _ in values)


def test_delegated_dmarc_is_read_through_its_cname(detector: Detector) -> None:
    s = site(("CNAME", "_dmarc.acme.example", "acme.example._dmarc.vendor.example."),
             ("TXT", "acme.example._dmarc.vendor.example", "v=DMARC1; p=reject; rua=mailto:r@vali.email"))  # fmt: skip
    assert evidence(detector, s, "Valimail") == [
        ("dns", "DMARC", "dns:_dmarc.acme.example", "vali.email")
    ]


def test_spf_includes_without_records_still_match(detector: Detector) -> None:
    """A snapshot that kept only `spf_includes` (older captures) is still read."""
    s = Site(domain="acme.example", spf_includes=["spf.protection.outlook.com"])
    assert "Microsoft 365" in detector.detect_site(s).names()


def test_dkim_cname_names_the_sender(detector: Detector) -> None:
    s = site(("CNAME", "k1._domainkey.acme.example", "dkim.mcsv.net."),
             ("TXT", "google._domainkey.acme.example", "v=DKIM1; k=rsa; p=MIIB"))  # fmt: skip
    found = detector.detect_site(s).names()
    assert "MailChimp" in found
    assert "Google Workspace" not in found  # a DKIM key is not a verification token


def test_tls_issuer_evidence_names_the_host(detector: Detector) -> None:
    s = Site(domain="acme.example", pages=[Page(url="https://www.acme.example/")],
             tls=TlsInfo(issuer="Let's Encrypt", host="www.acme.example"))  # fmt: skip
    ev = next(d for d in detector.detect_site(s).technologies if d.name == "Let's Encrypt").evidence
    assert (ev[0].source, ev[0].field, ev[0].url) == ("tls", "certIssuer", "tls:www.acme.example")


def test_snapshot_round_trip_keeps_dns_and_probes() -> None:
    from detectors.snapshot import DnsError, Probe

    s = site(("MX", "acme.example", "10 mx.acme.example."), dns_status="partial",
             dns_errors=[DnsError("TXT", "_dmarc.acme.example", "timed out after 3 s")],
             spf_lookups=4, spf_includes=["x.example"],
             probes=[Probe("http", "http://acme.example/", 301, "https://acme.example/")],
             tls=TlsInfo(issuer="X", host="acme.example"))  # fmt: skip
    assert Site.from_dict(s.to_dict()) == s
