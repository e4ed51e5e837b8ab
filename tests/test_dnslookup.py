"""DNS lookups against real DNS servers on loopback (dnslib; see tests/farm/dns.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro

from crawler.config import DnsConfig, parse_servers
from crawler.dnslookup import DnsLookup, DnsResult
from detectors.snapshot import DnsRecord
from tests.farm.dns import Blackhole, FarmDNS


def lookup(address: str, domain: str, **config: Any) -> Any:
    """A Deferred firing with the DnsResult (the lookup runs in the reactor's asyncio loop)."""
    settings = DnsConfig(servers=parse_servers(address), **config)
    return deferred_from_coro(DnsLookup(settings).lookup(domain))


def has(result: DnsResult, rtype: str, name: str, value: str | None = None) -> bool:
    return any(r.type == rtype and r.name == name and value in (None, r.value)
               for r in result.records)  # fmt: skip


@pytest.fixture
def dnslib_style() -> Iterator[FarmDNS]:
    """A server answering like dnslib's zone resolver: NXDOMAIN for "no data", and only the
    first CNAME of a chain (as an authoritative server does)."""
    with FarmDNS(nxdomain_for_nodata=True, follow_cnames=False) as server:
        yield server


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_records_of_a_company(dns: FarmDNS) -> Any:
    result: DnsResult = yield lookup(dns.address, "b2bsaas.test", dkim_selectors=("google", "s1"))
    assert (result.status, result.errors) == ("ok", [])
    assert has(result, "MX", "b2bsaas.test", "1 aspmx.l.google.com.")
    assert has(result, "NS", "b2bsaas.test", "ns-cloud-a1.googledomains.com.")
    assert has(result, "CAA", "b2bsaas.test", '0 issue "letsencrypt.org"')
    assert has(result, "SOA", "b2bsaas.test") and has(result, "A", "b2bsaas.test", "203.0.113.10")
    assert has(result, "TXT", "_dmarc.b2bsaas.test")
    # the SPF record came as two strings: one value, joined without a separator
    spf = [
        r.value for r in result.records if r.name == "b2bsaas.test" and r.value.startswith("v=spf1")
    ]
    assert len(spf) == 1 and "include:_spf.google.com include:_spf.b2bsaas.test " in spf[0]
    assert len(spf[0]) > 255
    dkim = next(r for r in result.records if r.name == "google._domainkey.b2bsaas.test")
    assert dkim.value.startswith("v=DKIM1; k=rsa; p=MIIB") and dkim.value.endswith("IDAQAB")
    assert len(dkim.value) > 255
    # the help centre's CNAME chain, to the address
    assert has(result, "CNAME", "help.b2bsaas.test", "b2bsaas.zendesk.com.")
    assert has(result, "CNAME", "b2bsaas.zendesk.com", "zendesk.map.fastly.net.")
    assert has(result, "A", "zendesk.map.fastly.net", "151.101.1.1")
    # SPF followed to the end, every include in order, exactly at the RFC's limit of 10
    assert result.spf_includes[:3] == ["_spf.google.com", "_netblocks.google.com",
                                       "_netblocks2.google.com"]  # fmt: skip
    assert "sendgrid.net" in result.spf_includes and result.spf_lookups == 10
    assert has(result, "TXT", "_spf.b2bsaas.test")
    # subdomains that do not exist are simply absent: NXDOMAIN is not an error
    assert not has(result, "CNAME", "shop.b2bsaas.test")


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_dnslib_style_answers_give_the_same_records(dns: FarmDNS, dnslib_style: FarmDNS) -> Any:
    """NXDOMAIN where real DNS says "no data", CNAME chains not followed by the server: the
    client follows them and finds the same records."""
    real: DnsResult = yield lookup(dns.address, "b2bsaas.test")
    other: DnsResult = yield lookup(dnslib_style.address, "b2bsaas.test")
    assert other.status == "ok"
    assert {(r.type, r.name, r.value) for r in other.records} == {
        (r.type, r.name, r.value) for r in real.records
    }
    assert dnslib_style.count("b2bsaas.zendesk.com", "A") == 1  # the client walked the chain


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_cname_chains_and_loops(dns: FarmDNS, dnslib_style: FarmDNS) -> Any:
    hops = [("deep.chain.test", "hop1.chain.test."), ("hop1.chain.test", "hop2.chain.test."),
            ("hop2.chain.test", "chain-test.zendesk.com.")]  # fmt: skip
    for server in (dns, dnslib_style):
        result: DnsResult = yield lookup(server.address, "chain.test", subdomains=("deep", "loop"))
        assert all(has(result, "CNAME", n, v) for n, v in hops), server
        assert has(result, "A", "chain-test.zendesk.com", "192.0.2.7")
        assert result.status in ("ok", "partial")
        (error,) = [e for e in result.errors if e.name == "loop.chain.test"]
        if server is dns:  # the server followed the loop; the resolver refuses such an answer
            assert (error.type, error.reason) == (
                "A",
                "no usable answer (The CNAME chain is too long)",
            )
        else:  # the client walked the chain itself and saw it come back
            assert (error.type, error.reason) == ("CNAME", "CNAME loop at loop.chain.test")


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_nxdomain(dns: FarmDNS, dnslib_style: FarmDNS) -> Any:
    for server in (dns, dnslib_style):
        result: DnsResult = yield lookup(server.address, "no-such-company.test")
        assert (result.status, result.records, result.errors) == ("nxdomain", [], [])


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_a_server_that_never_answers_times_out_within_the_budget() -> Any:
    with Blackhole() as hole:
        started = time.monotonic()
        result: DnsResult = yield lookup(hole.address, "b2bsaas.test", timeout=0.4,
                                         account_timeout=1.0)  # fmt: skip
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert result.status == "failed" and result.records == []
    reasons = {e.reason for e in result.errors}
    assert "timed out after 0.4 s" in reasons
    assert ("MX", "b2bsaas.test") in {(e.type, e.name) for e in result.errors}


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_one_name_that_never_answers_is_recorded_the_rest_kept(dns: FarmDNS) -> Any:
    dns.hang.add("_dmarc.b2bsaas.test")
    result: DnsResult = yield lookup(dns.address, "b2bsaas.test", timeout=0.5)
    assert result.status == "partial"
    assert [(e.type, e.name, e.reason) for e in result.errors] == [
        ("TXT", "_dmarc.b2bsaas.test", "timed out after 0.5 s")
    ]
    assert has(result, "MX", "b2bsaas.test") and has(result, "CNAME", "help.b2bsaas.test")


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_spf_include_loop_is_detected_and_not_followed(dns: FarmDNS) -> Any:
    result: DnsResult = yield lookup(dns.address, "spfloop.test")
    loops = [e for e in result.errors if e.type == "SPF"]
    assert [e.reason for e in loops] == [
        "include loop: spfloop.test -> a.spfloop.test -> b.spfloop.test -> a.spfloop.test"
    ]
    assert dns.count("a.spfloop.test", "TXT") == 1
    assert result.spf_includes == ["a.spfloop.test", "b.spfloop.test"]


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_spf_stops_at_the_rfc_limit_of_ten_lookups(dns: FarmDNS) -> Any:
    result: DnsResult = yield lookup(dns.address, "spfdeep.test")
    assert result.spf_lookups == 11
    limit = [e for e in result.errors if e.type == "SPF"]
    assert len(limit) == 1 and limit[0].reason.startswith("more than 10 DNS lookups")
    assert dns.count("d10.spfdeep.test", "TXT") == 1
    assert dns.count("d11.spfdeep.test", "TXT") == 0  # the 11th lookup was never made
    assert result.status == "ok"


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_spf_macros_are_counted_not_queried(dns: FarmDNS) -> Any:
    result: DnsResult = yield lookup(dns.address, "redirector.test")
    assert "_spf.salesforce.com" in result.spf_includes
    assert result.spf_lookups == 5  # 4 includes + the exists:%{i} mechanism
    assert not [n for n, _ in dns.queries if "%" in n]


def test_server_setting_parsing() -> None:
    assert parse_servers("127.0.0.1:5353, [::1]:53,::1,10.0.0.1") == (
        ("127.0.0.1", 5353), ("::1", 53), ("::1", 53), ("10.0.0.1", 53))  # fmt: skip
    for bad in ("dns.google", "127.0.0.1:x", "127.0.0.1:70000"):
        with pytest.raises(ValueError, match="STACKSCOUT_DNS_SERVER"):
            parse_servers(bad)
    with pytest.raises(ValueError, match="STACKSCOUT_DNS_ACCOUNT_TIMEOUT"):
        DnsConfig(timeout=5, account_timeout=1).check()
    with pytest.raises(ValueError, match="SUBDOMAINS"):
        DnsConfig(subdomains=("ok", "not a label")).check()


def test_result_goes_into_the_snapshot() -> None:
    from detectors.snapshot import Site

    result = DnsResult(records=[DnsRecord("MX", "a.test", "1 mx.a.test.")], status="ok",
                       spf_includes=["x.test"], spf_lookups=1)  # fmt: skip
    site = Site(domain="a.test")
    result.apply(site)
    assert (site.dns, site.dns_status, site.spf_includes, site.spf_lookups) == (
        result.records, "ok", ["x.test"], 1)  # fmt: skip
