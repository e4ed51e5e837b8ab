"""DNS lookups of one account's domain, run concurrently with its HTTP fetches.

Much of a company's back-office stack is public only in DNS: the mail provider in MX, the SaaS
that sends mail for it in SPF, the vendors it verified the domain with in TXT, who reads its
DMARC reports, and the help centre, status page, shop or job board behind a subdomain CNAME.

`DnsLookup.lookup(domain)` asks dnspython's asynchronous resolver for the apex's MX, TXT, NS,
SOA, CAA, A and AAAA, `_dmarc.<domain>` TXT, A (with the CNAME chain) of each configured
subdomain, and TXT of a few DKIM selectors (`<selector>._domainkey`, usually a CNAME into the
sending vendor's domain); then follows the SPF record's `include:`/`redirect=` targets depth-first, counting
lookups as RFC 7208 does (limit 10) and refusing loops. Every query has a timeout and all of
them together a budget (`DnsConfig`); a failure is recorded with its reason, never dropped,
and never turns the scan into a failure. Records are stored as records, not only matches.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver

from crawler.config import DnsConfig
from detectors.mailauth import SPF_LOOKUP_LIMIT, is_spf, normalise_domain, parse_spf
from detectors.snapshot import DnsError, DnsRecord, Site

logger = logging.getLogger(__name__)

APEX_TYPES = ("MX", "TXT", "NS", "SOA", "CAA", "A", "AAAA")
KEPT_TYPES = frozenset({"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "CAA"})
MAX_CNAME_HOPS = 8
CACHE_SIZE = 4096
"""Answers kept (by TTL) across accounts: the SPF records of big senders repeat in every one."""


@dataclass(slots=True)
class DnsResult:
    """What the lookups of one domain found, ready to go into the snapshot."""

    records: list[DnsRecord] = field(default_factory=list)
    errors: list[DnsError] = field(default_factory=list)
    spf_includes: list[str] = field(default_factory=list)
    spf_lookups: int = 0
    status: str = ""
    queries: int = 0

    def apply(self, site: Site) -> None:
        site.dns = self.records
        site.dns_errors = self.errors
        site.spf_includes = self.spf_includes
        site.spf_lookups = self.spf_lookups
        site.dns_status = self.status


def build_resolver(config: DnsConfig, cache_size: int) -> dns.asyncresolver.Resolver:
    """A dnspython resolver asking the configured nameservers (else the system's), each query
    bounded by the configured timeout, answers cached by their TTL."""
    servers = config.servers
    resolver = dns.asyncresolver.Resolver(configure=not servers)
    if servers:
        resolver.nameservers = [dns.nameserver.Do53Nameserver(h, p) for h, p in servers]
    resolver.timeout = resolver.lifetime = config.timeout
    resolver.cache = dns.resolver.LRUCache(cache_size)
    return resolver


class DnsLookup:
    """One per crawl: a resolver (with a shared cache) and a bound on queries in flight."""

    def __init__(self, config: DnsConfig) -> None:
        self.config = config
        self._resolver: dns.asyncresolver.Resolver | None = None
        self._slots = asyncio.Semaphore(config.concurrency)

    def resolver(self) -> dns.asyncresolver.Resolver:
        """Built on first use; raises dns.resolver.NoResolverConfiguration without one."""
        if self._resolver is None:
            self._resolver = build_resolver(self.config, CACHE_SIZE)
        return self._resolver

    def start(self, domain: str) -> asyncio.Task[DnsResult]:
        """Begin the lookups of `domain` now (the account's pages are fetched meanwhile)."""
        return asyncio.ensure_future(self.lookup(domain))

    async def lookup(self, domain: str) -> DnsResult:
        run = _Run(self, normalise_domain(domain))
        try:
            await asyncio.wait_for(run.everything(), self.config.account_timeout)
        except TimeoutError:
            run.fail("*", run.domain,
                     f"DNS lookups unfinished after {self.config.account_timeout:g} s")  # fmt: skip
        return run.result()

    async def query(self, name: str, rtype: str) -> _Answer:
        async with self._slots:
            try:
                answer = await self.resolver().resolve(
                    name, rtype, raise_on_no_answer=False, search=False
                )
            except dns.resolver.NXDOMAIN as exc:
                responses = exc.responses()  # type: ignore[no-untyped-call]
                return _Answer(_records(*responses.values()), nxdomain=True)
            except dns.exception.DNSException as exc:
                return _Answer(error=_reason(exc, self.config.timeout))
        return _Answer(_records(answer.response))


@dataclass(slots=True)
class _Answer:
    records: list[DnsRecord] = field(default_factory=list)
    nxdomain: bool = False
    """NXDOMAIN. Some servers (dnslib's zone resolver) answer it where real DNS says "no data"
    for this type, so it only means "no such domain" when every apex query gets it."""
    error: str = ""


class _Run:
    """The lookups of one domain: collects records, errors and the SPF walk's state."""

    def __init__(self, lookup: DnsLookup, domain: str) -> None:
        self.lookup = lookup
        self.domain = domain
        self.records: dict[tuple[str, str, str], DnsRecord] = {}
        self.errors: list[DnsError] = []
        self.queries = 0
        self.failed = 0
        self.apex_nxdomain = 0
        self.spf_includes: list[str] = []
        self.spf_lookups = 0

    async def everything(self) -> None:
        await asyncio.gather(
            *(self._apex(t) for t in APEX_TYPES),
            self._chase(f"_dmarc.{self.domain}", "TXT"),
            *(self._chase(f"{sub}.{self.domain}", "A") for sub in self.lookup.config.subdomains),
            *(self._chase(f"{sel}._domainkey.{self.domain}", "TXT")
              for sel in self.lookup.config.dkim_selectors),
        )  # fmt: skip

    async def _ask(self, name: str, rtype: str, *, keep: bool = True) -> _Answer:
        self.queries += 1
        answer = await self.lookup.query(name, rtype)
        if answer.error:
            self.failed += 1
            self.fail(rtype, name, answer.error)
        elif keep:
            self.keep(answer.records)
        return answer

    async def _apex(self, rtype: str) -> None:
        answer = await self._ask(self.domain, rtype)
        self.apex_nxdomain += answer.nxdomain
        if rtype == "TXT":
            spf = [r.value for r in answer.records if r.name == self.domain and is_spf(r.value)]
            if spf:
                await self._spf(self.domain, spf[0], (self.domain,))

    async def _chase(self, name: str, rtype: str) -> None:
        """`rtype` of `name`, walking its CNAME chain when the server did not (dnslib does not)."""
        current, seen = name, {name}
        for _ in range(MAX_CNAME_HOPS):
            answer = await self._ask(current, rtype)
            cnames = {
                r.name: normalise_domain(r.value) for r in answer.records if r.type == "CNAME"
            }
            if answer.error or not cnames or any(r.type == rtype for r in answer.records):
                return
            current = _chain_end(current, cnames)
            if current in seen:
                self.fail("CNAME", name, f"CNAME loop at {current}")
                return
            seen.add(current)
        self.fail("CNAME", name, f"CNAME chain longer than {MAX_CNAME_HOPS} hops")

    async def _spf(self, name: str, text: str, path: tuple[str, ...]) -> None:
        """Count this record's lookups, then follow its targets depth-first (RFC 7208 4.6.4)."""
        record = parse_spf(text)
        self.spf_lookups += record.lookups
        for target in record.targets:
            if self.spf_lookups > SPF_LOOKUP_LIMIT:
                self.fail("SPF", self.domain,
                          f"more than {SPF_LOOKUP_LIMIT} DNS lookups (RFC 7208 limit): "
                          f"stopped before {target}")  # fmt: skip
                return
            if target in path:
                self.fail("SPF", name, "include loop: " + " -> ".join((*path, target)))
                continue
            if target not in self.spf_includes:
                self.spf_includes.append(target)
            if "%" in target:  # a macro, expanded per sender IP: nothing to look up here
                continue
            answer = await self._ask(target, "TXT", keep=False)
            spf = [r for r in answer.records if r.name == target and is_spf(r.value)]
            if spf:
                self.keep(spf[:1])
                await self._spf(target, spf[0].value, (*path, target))
            elif not answer.error:
                self.fail("SPF", target, f"no SPF record (included by {name})")

    def keep(self, records: list[DnsRecord]) -> None:
        for r in records:
            self.records.setdefault((r.type, r.name, r.value), r)

    def fail(self, rtype: str, name: str, reason: str) -> None:
        if rtype == "*":
            self.failed += 1
        self.errors.append(DnsError(rtype, name, reason))
        logger.debug("DNS %s %s: %s", rtype, name, reason)

    def result(self) -> DnsResult:
        return DnsResult(
            records=list(self.records.values()),
            errors=self.errors,
            spf_includes=self.spf_includes,
            spf_lookups=self.spf_lookups,
            status=self._status(),
            queries=self.queries,
        )

    def _status(self) -> str:
        if self.apex_nxdomain == len(APEX_TYPES):
            return "nxdomain"
        if not self.failed:
            return "ok"
        return "failed" if self.failed >= self.queries else "partial"


def _chain_end(name: str, cnames: dict[str, str]) -> str:
    """Where the CNAME chain from `name` ends (or first repeats itself)."""
    seen = {name}
    while name in cnames:
        name = cnames[name]
        if name in seen:
            break
        seen.add(name)
    return name


def _records(*responses: dns.message.Message) -> list[DnsRecord]:
    """The answer section's records (the CNAME chain included) of the kinds we keep."""
    out: list[DnsRecord] = []
    for response in responses:
        for rrset in response.answer:
            rtype = dns.rdatatype.to_text(rrset.rdtype)
            if rtype not in KEPT_TYPES:
                continue
            owner = rrset.name.to_text(omit_final_dot=True).lower()
            out.extend(DnsRecord(rtype, owner, _value(rtype, rd)) for rd in rrset)
    return out


def _value(rtype: str, rdata: object) -> str:
    if rtype == "TXT":
        # A TXT record longer than 255 bytes arrives as several strings: they are one value.
        return b"".join(rdata.strings).decode("utf-8", "replace")  # type: ignore[attr-defined]
    return str(rdata.to_text())  # type: ignore[attr-defined]


def _reason(exc: dns.exception.DNSException, timeout: float) -> str:
    if isinstance(exc, dns.exception.Timeout):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, dns.resolver.NoNameservers):
        errors = exc.kwargs.get("errors") or []
        why = str(errors[-1][3]).rstrip(".") if errors and len(errors[-1]) > 3 else ""
        return f"no usable answer ({why or 'SERVFAIL or REFUSED'})"
    if isinstance(exc, dns.resolver.NoResolverConfiguration):
        return "no resolver configured (set STACKSCOUT_DNS_SERVER or --dns-server)"
    if isinstance(exc, dns.name.NameTooLong | dns.name.LabelTooLong | dns.name.EmptyLabel):
        return "not a valid DNS name"
    return f"{type(exc).__name__}: {exc}"[:200]
