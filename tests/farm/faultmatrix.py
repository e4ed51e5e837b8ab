"""The fault matrix: every fault a real crawl meets, and how each account must end.

Data shared by the tests (``tests/test_faults.py``) and the reliability report
(``bench/reliability.py``): a :class:`Fault` names a fault, builds the farm site(s) that play
it for one account's host, and says the status and reason the account must be recorded with.
``ACCOUNTS_PER_FAULT`` accounts get each fault, on hosts ``<fault>-<i>.test``
(``refused-0.test``...). The generated sites of :mod:`tests.farm.generate` draw their faults
from here too, so a soak run meets all of them.

    sites = matrix_sites()                 # host -> Site, for the farm
    zones, servfail = matrix_dns()         # zone texts and SERVFAIL domains, for the DNS server
    write_matrix_csv(path)                 # the account list (plus rows that must be rejected)
    fault_of("refused-0.test")             # -> the Fault that host plays

Reasons are regular expressions searched, case-insensitively, in the recorded reason: they
pin the cause (timed out, connection refused, HTTP 503, bot wall...), not the exact words.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.farm import faults
from tests.farm.server import DISALLOW_ALL, Page, Site, behaviour, redirect

ACCOUNTS_PER_FAULT = 2
UNREACHABLE, GOOD_OK = "unreachable", "ok"


@dataclass(frozen=True, slots=True)
class Fault:
    name: str
    what: str
    status: str
    """The status every account with this fault must end with."""
    reason: str
    """Regular expression the recorded reason must match (searched, case-insensitive)."""
    sites: Callable[[str], list[Site]]
    """The farm site(s) for one account host (the first is the account's own)."""
    scheme: str = "https"
    dns: str = "ok"
    """``ok`` (a zone for the host), ``nxdomain`` (no zone) or ``servfail``."""
    technologies: tuple[str, ...] = ()
    """Must still be detected despite the fault."""
    max_home_requests: int | None = None
    """At most this many requests for ``/`` may reach the site (a fault not to retry)."""

    def matches(self, status: str, reason: str | None) -> bool:
        return status == self.status and bool(reason and re.search(self.reason, reason, re.I))

    def hosts(self, n: int = ACCOUNTS_PER_FAULT) -> list[str]:
        return [f"{self.name.replace('_', '-')}-{i}.test" for i in range(n)]


def _every(page: Page, **options: object) -> Callable[[str], list[Site]]:
    """A host answering `page` on every path, robots.txt included."""
    return lambda host: [Site(host, every_path=page, **options)]  # type: ignore[arg-type]


def _home(page: Page, **options: object) -> Callable[[str], list[Site]]:
    """A host whose home page is `page` (robots.txt allows everything, other paths 404)."""
    return lambda host: [Site(host, {"/": page}, **options)]  # type: ignore[arg-type]


def _company(**options: object) -> Callable[[str], list[Site]]:
    return _home(faults.company_page(), **options)


def _connect(fault: str) -> Callable[[str], list[Site]]:
    return lambda host: [Site(host, connect=fault)]


def _other_domain(host: str) -> list[Site]:
    target = host.replace(".test", "-new.test")
    return [Site(host, every_path=redirect(f"https://{target}{{path}}", 301)),
            Site(target, {"/": faults.company_page("Renamed Co")})]  # fmt: skip


def _parked_redirect(host: str) -> list[Site]:
    listing = f"https://www.hugedomains.com/domain_profile.cfm?d={host}"
    return [Site(host, every_path=redirect(listing, 302)),
            Site("www.hugedomains.com", every_path=faults.parked("marketplace"))]  # fmt: skip


def _telling_pages_fail(host: str) -> list[Site]:
    home = faults.company_page("Halfway Co")
    pages: dict[str, Page] = {"/": home, "/pricing": behaviour("error", status=503),
                              "/about": behaviour("hang"), "/contact": behaviour("reset")}  # fmt: skip
    return [Site(host, pages)]


_TIMED_OUT = r"timed out"
_TOO_LARGE = r"larger than .*DOWNLOAD_MAXSIZE"
_WP = faults.COMPANY_TECHNOLOGIES

FAULTS: tuple[Fault, ...] = (
    # -- connections --------------------------------------------------------------------
    Fault("refused", "the site refuses connections (a port nobody listens on)", UNREACHABLE,
          r"connection refused", _connect("refused")),
    Fault("reset", "TCP reset right after the request", UNREACHABLE,
          r"connection (reset|lost)|no response", _every(behaviour("reset"))),
    Fault("reset_mid_body", "TCP reset after 4 KB of the body", UNREACHABLE,
          r"connection (reset|lost)|truncated", _every(behaviour("reset", after_bytes=4000))),
    Fault("dead", "connection closed without a byte of answer", UNREACHABLE,
          r"closed|lost|no response|could not connect|timed out",
          lambda host: [Site(host, dead=True)]),
    Fault("truncated", "Content-Length 20 KB, 5 KB sent, then FIN", UNREACHABLE,
          r"truncated", _every(behaviour("truncated"))),
    Fault("hang", "accepts the connection, never answers", UNREACHABLE, _TIMED_OUT,
          _every(behaviour("hang"))),
    Fault("hang_mid_body", "headers, then silence (a timeout mid-body)", UNREACHABLE, _TIMED_OUT,
          _every(behaviour("hang", after_headers=True))),
    Fault("endless_drip", "a body that never ends, 64 bytes every 0.25 s", UNREACHABLE,
          _TIMED_OUT, _every(faults.endless_drip())),
    Fault("slow", "every response 1.5 s late", GOOD_OK, r"pages? fetched",
          _company(latency=1.5), technologies=_WP),
    # -- TLS ----------------------------------------------------------------------------
    Fault("tls_garbage", "random bytes instead of a TLS ServerHello", UNREACHABLE,
          r"TLS", _connect("tls_garbage")),
    Fault("tls_plain_http", "plain HTTP answered on the TLS port", UNREACHABLE,
          r"TLS", _connect("tls_plain_http")),
    # -- HTTP errors and rate limits ------------------------------------------------------
    Fault("http_503", "503 on every path", UNREACHABLE, r"HTTP 503",
          _every(behaviour("error", status=503))),
    Fault("http_500", "500 on every path", UNREACHABLE, r"HTTP 500",
          _every(behaviour("error", status=500))),
    Fault("transient_503", "503 twice on each path, then the page", GOOD_OK, r"pages? fetched",
          _every(faults.flaky(2)), technologies=_WP),
    Fault("transient_reset", "a reset on each path's first request, then the page", GOOD_OK,
          r"pages? fetched", _every(faults.flaky(1, behaviour("reset"))), technologies=_WP),
    Fault("rate_limited_short", "429 with Retry-After: 1 once per path, then the page",
          GOOD_OK, r"pages? fetched",
          _every(faults.flaky(1, behaviour("rate_limited", retry_after=1))), technologies=_WP),
    Fault("rate_limited_long", "429 with Retry-After: 3600 on every path", "blocked",
          r"rate limited.*3600", _every(behaviour("rate_limited", retry_after=3600)),
          max_home_requests=1),
    # -- redirects --------------------------------------------------------------------------
    Fault("redirect_loop", "/ -> /loop/1 -> /loop/2 -> / ...", UNREACHABLE, r"redirect loop",
          _every(faults.redirect_loop(3))),
    Fault("redirect_chain_long", "a chain of 20 redirects", UNREACHABLE, r"more than \d+ redirects",
          _every(faults.redirect_chain(20))),
    Fault("redirect_chain_short", "a chain of 4 redirects to the home page", GOOD_OK,
          r"pages? fetched", _every(faults.redirect_chain(4)), technologies=_WP),
    Fault("redirect_other_domain", "every path redirects to another registered domain", GOOD_OK,
          r"redirected to another domain: .*-new\.test", _other_domain, technologies=_WP),
    # -- bodies -----------------------------------------------------------------------------
    Fault("huge", "a 20 MiB home page", UNREACHABLE, _TOO_LARGE, _home(behaviour("huge", mb=20))),
    Fault("huge_chunked", "a 20 MiB home page, chunked (no length up front)", UNREACHABLE,
          _TOO_LARGE, _home(behaviour("huge", mb=20, chunked=True))),
    Fault("gzip_bomb", "250 KB of gzip inflating to 256 MiB", UNREACHABLE,
          r"larger than .*DOWNLOAD_MAXSIZE.*decompress", _home(faults.gzip_bomb(256))),
    Fault("bad_gzip", "Content-Encoding: gzip on a plain body", UNREACHABLE,
          r"decompress|gzip", _home(behaviour("bad_gzip"))),
    Fault("binary", "64 KiB of random bytes labelled text/html", UNREACHABLE, r"not HTML",
          _home(behaviour("binary"))),
    Fault("wrong_charset", "windows-1252 bytes declared as UTF-8", GOOD_OK, r"pages? fetched",
          _home(behaviour("wrong_charset"))),
    Fault("missing_charset", "windows-1252 bytes, no charset anywhere", GOOD_OK,
          r"pages? fetched", _home(faults.missing_charset()), technologies=_WP),
    Fault("malformed_html", "broken markup, NUL bytes, an unterminated comment", GOOD_OK,
          r"pages? fetched", _home(faults.malformed_html()), technologies=_WP),
    Fault("telling_pages_fail", "home page fine; /pricing 503, /about hangs, /contact resets",
          "partial", r"HTTP 503|timed out|connection", _telling_pages_fail),
    # -- walls, parking, robots ---------------------------------------------------------------
    Fault("cloudflare", "Cloudflare managed challenge (403)", "blocked",
          r"bot wall: Cloudflare", _every(behaviour("cloudflare_challenge"))),
    Fault("akamai", "Akamai Bot Manager Access Denied (403)", "blocked", r"bot wall: Akamai",
          _every(faults.akamai_challenge())),
    Fault("incapsula", "Imperva/Incapsula interstitial (200)", "blocked",
          r"bot wall: Imperva", _every(faults.incapsula_challenge())),
    Fault("parked_sedo", "a Sedo parking page", "parked", r"parked domain",
          _every(faults.parked("sedo"))),
    Fault("parked_godaddy", "a GoDaddy 'parked for free' page", "parked", r"parked domain",
          _every(faults.parked("godaddy"))),
    Fault("parked_redirect", "redirects to a domain marketplace listing", "parked",
          r"parked domain.*hugedomains", _parked_redirect),
    Fault("robots_disallow", "robots.txt: Disallow: /", "robots_disallowed", r"robots\.txt",
          _company(robots=DISALLOW_ALL), max_home_requests=0),
    # -- DNS ----------------------------------------------------------------------------------
    Fault("dns_nxdomain", "the domain does not exist (NXDOMAIN)", UNREACHABLE,
          r"no such domain", lambda host: [], dns="nxdomain"),
    Fault("dns_servfail", "the resolver answers SERVFAIL for the domain", UNREACHABLE,
          r"SERVFAIL", lambda host: [], dns="servfail"),
)  # fmt: skip
BY_NAME = {f.name: f for f in FAULTS}
GARBAGE_ROWS = [
    ["Not A Site", "not a domain at all"],
    ["Ftp Only", "ftp://files.example.test/"],
    ["Nul\0Byte", "nul\0byte.test"],
    ["Long", "x" * 5000 + ".test"],
    ["Empty", ""],
]
"""Rows `enrich` must reject (with a reason in the rejects file), never crawl."""


def matrix_hosts(per_fault: int = ACCOUNTS_PER_FAULT) -> dict[str, Fault]:
    """Account host -> its fault."""
    return {host: f for f in FAULTS for host in f.hosts(per_fault)}


def fault_of(host: str) -> Fault | None:
    """The fault a matrix host (``<fault>-<i>.test``) plays, or None."""
    label = host.split(".", 1)[0].rsplit("-", 1)[0].replace("-", "_")
    return BY_NAME.get(label)


def matrix_sites(per_fault: int = ACCOUNTS_PER_FAULT) -> dict[str, Site]:
    sites: dict[str, Site] = {}
    for host, fault in matrix_hosts(per_fault).items():
        for site in fault.sites(host):
            site.truth = {"fault": fault.name}
            sites[site.host] = site
    return sites


def zone_for(host: str) -> str:
    """A small zone (SOA, NS, MX, A) for a matrix host, so its DNS lookups succeed."""
    return (f"{host}. 300 IN SOA ns1.{host}. hostmaster.{host}. 1 7200 3600 1209600 300\n"
            f"{host}. 300 IN NS ns1.{host}.\n{host}. 300 IN MX 10 mail.{host}.\n"
            f"{host}. 300 IN A 192.0.2.200")  # fmt: skip


def matrix_dns(per_fault: int = ACCOUNTS_PER_FAULT) -> tuple[list[str], set[str]]:
    """(zone texts, SERVFAIL domains) for the DNS server."""
    hosts = matrix_hosts(per_fault)
    zones = [zone_for(h) for h, f in hosts.items() if f.dns == "ok"]
    return zones, {h for h, f in hosts.items() if f.dns == "servfail"}


def write_matrix_csv(path: Path, per_fault: int = ACCOUNTS_PER_FAULT) -> Path:
    """`company,website` for every matrix account, then GARBAGE_ROWS."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["company", "website"])
        for host, fault in matrix_hosts(per_fault).items():
            writer.writerow([f"{fault.name} {host}", f"{fault.scheme}://{host}/"])
        writer.writerows(row for row in GARBAGE_ROWS)
    return path
