"""The network guard: pure URL and address checks, resolution through a loopback DNS server,
and the connect-time resolver (DNS rebinding) with a real Twisted connection attempt."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import pytest_twisted
from dnslib import QTYPE, RR, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from crawler.config import DnsConfig
from crawler.guardresolver import DnsAddressResolver, GuardedNameResolver
from crawler.netguard import (
    Guard,
    GuardPolicy,
    Refused,
    address_problem,
    check_url,
    literal_address,
)
from tests.conftest_service import Canary

POLICY = GuardPolicy(allow_hosts=("*.test", "ok.example.com"))


@pytest.mark.parametrize(
    ("host", "address"),
    [("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"),
     ("0x7f000001", "127.0.0.1"), ("017700000001", "127.0.0.1"), ("127.1", "127.0.0.1"),
     ("127.0.1", "127.0.0.1"), ("10.1", "10.0.0.1"), ("127.0.0.1.", "127.0.0.1"),
     ("0", "0.0.0.0"), ("::1", "::1"), ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
     ("0:0:0:0:0:ffff:7f00:1", "::ffff:7f00:1"), ("8.8.8.8", "8.8.8.8")],
)  # fmt: skip
def test_literal_addresses_are_read_as_browsers_read_them(host: str, address: str) -> None:
    assert literal_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["1.2.3.999", "256.1", "0x1g.0.0.1", "09.0.0.1", "1.2.3.4.5"])
def test_numeric_hosts_that_are_no_address_are_invalid(host: str) -> None:
    with pytest.raises(Refused) as exc:
        literal_address(host)
    assert exc.value.code == "invalid_url"


def test_names_are_not_addresses() -> None:
    assert literal_address("www.example.com") is None
    assert literal_address("1.2.3.example") is None


@pytest.mark.parametrize(
    ("address", "why"),
    [("127.0.0.1", "loopback"), ("10.2.3.4", "private"), ("172.31.0.1", "private"),
     ("192.168.0.1", "private"), ("169.254.169.254", "link-local"), ("100.64.0.1", "CGNAT"),
     ("224.0.0.251", "multicast"), ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
     ("0.0.0.0", "unspecified"), ("198.18.0.1", "private"), ("::1", "loopback"), ("::", "unspecified"),
     ("fe80::1", "link-local"), ("fc00::1", "private"), ("ff02::1", "multicast"),
     ("::ffff:10.0.0.1", "embedding 10.0.0.1"), ("64:ff9b::7f00:1", "embedding 127.0.0.1"),
     ("2002:a00:1::", "embedding 10.0.0.1"), ("::7f00:1", "embedding 127.0.0.1"),
     ("2001:db8::1", "private")],
)  # fmt: skip
def test_every_non_public_range_is_named(address: str, why: str) -> None:
    problem = address_problem(ipaddress.ip_address(address))
    assert problem is not None and why in problem


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "64:ff9b::808:808"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "code"),
    [("file:///etc/passwd", "unsupported_scheme"), ("gopher://x.com/", "unsupported_scheme"),
     ("http://a.com@127.0.0.1/", "userinfo"), ("http://127.0.0.1\\@a.com/", "userinfo"),
     ("http://8.8.8.8:22/", "port_not_allowed"), ("http://www.example.com:6379/", "port_not_allowed"),
     ("http://localhost/", "private_address"), ("http://x.localhost:8080/", "private_address"),
     ("http://[::1]:8080/", "private_address"), ("http://%31%32%37.0.0.1/", "invalid_url"),
     ("http:///nohost", "invalid_url")],
)  # fmt: skip
def test_urls_refused_without_dns(url: str, code: str) -> None:
    with pytest.raises(Refused) as exc:
        check_url(url, POLICY)
    assert exc.value.code == code


def test_the_allow_list_skips_address_and_port_checks_but_not_the_scheme() -> None:
    assert check_url("http://b2bsaas.test:9999/", POLICY).allowed
    assert check_url("http://OK.example.com/", POLICY).allowed
    assert check_url("https://www.example.com:8443/", POLICY).needs_resolution
    with pytest.raises(Refused):
        check_url("ftp://b2bsaas.test/", POLICY)


# -- resolution ----------------------------------------------------------------------------


class Flipping(BaseResolver):  # type: ignore[misc]
    """Answers `rebind.example.com` with a public address first, then with 127.0.0.1 (TTL 0):
    a DNS rebinding attacker's server."""

    def __init__(self) -> None:
        self.asked = 0
        self.lock = threading.Lock()

    def resolve(self, request: DNSRecord, handler: object) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".")
        if name == "rebind.example.com" and QTYPE[request.q.qtype] == "A":
            with self.lock:
                self.asked += 1
                address = "93.184.216.34" if self.asked == 1 else "127.0.0.1"
            reply.add_answer(*RR.fromZone(f"rebind.example.com. 0 IN A {address}"))
        return reply


@pytest.fixture
def rebinding_dns() -> Iterator[tuple[Flipping, str]]:
    resolver = Flipping()
    quiet = DNSLogger(log="-request,-reply,-truncated,-error")
    server = DNSServer(resolver, port=0, address="127.0.0.1", logger=quiet)
    server.start_thread()
    try:
        yield resolver, f"127.0.0.1:{server.server.server_address[1]}"
    finally:
        server.server.shutdown()
        server.server.server_close()


def _guard(dns_server: str, policy: GuardPolicy = POLICY) -> Guard:
    config = DnsConfig.from_settings(Settings({"STACKSCOUT_DNS_SERVER": dns_server}))
    return Guard(policy, DnsAddressResolver(config))


async def _check_then_connect(guard: Guard, host: str) -> tuple[Any, Any]:
    target = await guard.check(f"http://{host}/")
    try:
        await guard.connect_addresses(host)
    except Refused as exc:
        return target, exc
    return target, None


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_a_rebinding_answer_is_refused_where_the_connection_resolves(
    rebinding_dns: tuple[Flipping, str],
) -> Any:
    resolver, server = rebinding_dns
    guard = _guard(server)
    target, refused = yield deferred_from_coro(_check_then_connect(guard, "rebind.example.com"))
    assert target.host == "rebind.example.com"  # the first answer was public
    assert refused is not None and "resolves to 127.0.0.1" in refused.detail
    assert guard.refusals["rebind.example.com"] == refused.detail
    assert resolver.asked == 2


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_the_guarded_resolver_gives_twisted_no_address_for_a_private_answer(
    dns: Any, canary: Canary
) -> Any:
    """A real Twisted connection attempt through the guarded resolver, to a name whose A
    record is the loopback canary: it fails with a DNS error, the canary hears nothing."""
    from twisted.internet import reactor
    from twisted.internet.endpoints import HostnameEndpoint
    from twisted.internet.error import DNSLookupError
    from twisted.internet.protocol import Factory, Protocol

    with dns.temporary_zone("sneaky.evilcorp.com. 0 IN A 127.0.0.1\n"):
        guard = _guard(dns.address)
        endpoint = HostnameEndpoint(reactor, "sneaky.evilcorp.com", canary.port)
        before = reactor.nameResolver
        GuardedNameResolver(reactor, guard).install_on_reactor()
        try:
            with pytest.raises(DNSLookupError):
                yield endpoint.connect(Factory.forProtocol(Protocol))
        finally:
            reactor.installNameResolver(before)
    assert "resolves to 127.0.0.1" in guard.refusals["sneaky.evilcorp.com"]
    assert canary.paths == []


@pytest_twisted.inlineCallbacks  # type: ignore[misc]
def test_trusted_proxy_hosts_and_allowed_names_resolve(dns: Any) -> Any:
    policy = GuardPolicy(allow_hosts=("*.evilcorp.com",), trusted_hosts=frozenset({"127.0.0.1"}))
    guard = _guard(dns.address, policy)
    with dns.temporary_zone("ok.evilcorp.com. 0 IN A 127.0.0.1\n"):
        proxy = yield deferred_from_coro(guard.connect_addresses("127.0.0.1"))
        allowed = yield deferred_from_coro(guard.connect_addresses("ok.evilcorp.com"))
    assert [str(a) for a in proxy] == [str(a) for a in allowed] == ["127.0.0.1"]


def test_a_plain_scrapy_crawl_with_the_guard_on_records_the_refusal(
    farm_env: Any, tmp_path: Any
) -> None:
    """The guard outside the service: `scrapy crawl site` with STACKSCOUT_NETGUARD_ENABLED."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.farm.server import Site, redirect

    out = tmp_path / "out.jsonl"
    hop = Site("hop-cli.test", {"/": redirect("http://10.0.0.1/admin", 302)})
    with farm_env.temporary_sites(hop):
        subprocess.run([sys.executable, "-m", "scrapy", "crawl", "site", "-a",
                        "url=http://hop-cli.test/", "-s", "STACKSCOUT_NETGUARD_ENABLED=True",
                        "-s", "STACKSCOUT_ALLOW_HOSTS=*.test", "-s", "STACKSCOUT_RENDER=never",
                        "-s", "LOG_LEVEL=WARNING", "-O", str(out)], cwd=ROOT, env=dict(os.environ),
                       check=True, timeout=120, capture_output=True)  # fmt: skip
    item = json.loads(out.read_text().splitlines()[0])
    assert item["status"] == "refused"
    assert "10.0.0.1 is a private address" in item["reason"]
    assert "10.0.0.1" not in farm_env.stats.hosts()
