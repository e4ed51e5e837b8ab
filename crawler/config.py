"""The STACKSCOUT_* settings, parsed and checked once per crawler."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from typing import Any

RENDER_POLICIES = ("never", "auto", "always")
DEFAULT_SUBDOMAINS = (
    "www", "shop", "store", "help", "support", "status", "careers", "jobs", "blog", "docs",
    "developers", "app", "go", "info", "email", "links", "click", "news", "community", "kb",
)  # fmt: skip
"""Subdomains whose CNAME/A records are looked up: where help centres, status pages, shops,
job boards, docs and marketing landing/tracking domains usually live."""
DEFAULT_DKIM_SELECTORS = ("selector1", "k1", "s1", "mte1", "zendesk1")
"""DKIM selectors looked up (`<selector>._domainkey`): those that are CNAMEs into the sending
vendor's own domain (Microsoft 365, Mailchimp, SendGrid, Mailchimp Transactional, Zendesk), so
the target names a sender that SPF and MX may not show. Each costs a query per account."""
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class DnsConfig:
    """The STACKSCOUT_DNS_* settings (DNS lookups of each account's domain)."""

    enabled: bool = True
    servers: tuple[tuple[str, int], ...] = ()
    """(address, port) of the nameservers to ask; () uses the system's (/etc/resolv.conf)."""
    timeout: float = 3.0
    """Seconds one query may take (all attempts)."""
    account_timeout: float = 10.0
    """Seconds all the lookups of one account may take together."""
    subdomains: tuple[str, ...] = DEFAULT_SUBDOMAINS
    dkim_selectors: tuple[str, ...] = DEFAULT_DKIM_SELECTORS
    concurrency: int = 100
    """Queries in flight at once, over every account of the crawl."""

    @classmethod
    def from_settings(cls, settings: Any) -> DnsConfig:
        server = settings.get("STACKSCOUT_DNS_SERVER") or os.environ.get(
            "STACKSCOUT_DNS_SERVER", ""
        )
        config = cls(
            enabled=settings.getbool("STACKSCOUT_DNS_ENABLED", True),
            servers=parse_servers(server),
            timeout=settings.getfloat("STACKSCOUT_DNS_TIMEOUT", 3.0),
            account_timeout=settings.getfloat("STACKSCOUT_DNS_ACCOUNT_TIMEOUT", 10.0),
            subdomains=_labels(settings, "STACKSCOUT_DNS_SUBDOMAINS", DEFAULT_SUBDOMAINS),
            dkim_selectors=_labels(
                settings, "STACKSCOUT_DNS_DKIM_SELECTORS", DEFAULT_DKIM_SELECTORS
            ),
            concurrency=settings.getint("STACKSCOUT_DNS_CONCURRENCY", 100),
        )
        config.check()
        return config

    def check(self) -> None:
        if not 0 < self.timeout <= 60:
            raise ValueError(
                f"STACKSCOUT_DNS_TIMEOUT must be in (0, 60] seconds, got {self.timeout}"
            )
        if not self.timeout <= self.account_timeout <= 300:
            raise ValueError(
                "STACKSCOUT_DNS_ACCOUNT_TIMEOUT must be at least STACKSCOUT_DNS_TIMEOUT "
                f"and at most 300 seconds, got {self.account_timeout}"
            )
        if not 1 <= self.concurrency <= 10_000:
            raise ValueError(f"STACKSCOUT_DNS_CONCURRENCY must be 1..10000, got {self.concurrency}")
        for name, labels in (("SUBDOMAINS", self.subdomains),
                             ("DKIM_SELECTORS", self.dkim_selectors)):  # fmt: skip
            bad = [s for s in labels if not all(_LABEL.match(x) for x in s.split("."))]
            if bad:
                raise ValueError(f"STACKSCOUT_DNS_{name}: not host labels: {bad}")


def _labels(settings: Any, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s.strip().lower() for s in settings.getlist(name, list(default)) if s.strip())


def parse_servers(text: str) -> tuple[tuple[str, int], ...]:
    """`HOST[:PORT]`, comma-separated; HOST an IP address (IPv6 as `[::1]:53` or bare `::1`)."""
    servers = []
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        host, port = _host_port(item)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise ValueError(
                f"STACKSCOUT_DNS_SERVER / --dns-server: {item!r} is not an IP address[:port]"
            ) from None
        if not 0 < port < 65536:
            raise ValueError(f"STACKSCOUT_DNS_SERVER / --dns-server: bad port in {item!r}")
        servers.append((host, port))
    return tuple(servers)


def _host_port(item: str) -> tuple[str, int]:
    if item.startswith("["):
        host, _, rest = item[1:].partition("]")
        port = rest.removeprefix(":")
    elif item.count(":") == 1:
        host, _, port = item.partition(":")
    else:
        host, port = item, ""
    if port and not port.isdigit():
        raise ValueError(f"STACKSCOUT_DNS_SERVER / --dns-server: bad port in {item!r}")
    return host, int(port) if port else 53


@dataclass(frozen=True, slots=True)
class RetryConfig:
    """How retries of transient failures are spaced out (`BackoffRetryMiddleware`).

    Scrapy's own retry settings (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS) say what is
    retried and how often; these say when: the n-th retry of a request waits
    `backoff * 2**(n-1)` seconds (at most `backoff_max`), or what the site's Retry-After asks
    for when that is at most `retry_after_max`; a site asking for longer is not retried.
    """

    backoff: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 30.0

    @classmethod
    def from_settings(cls, settings: Any) -> RetryConfig:
        config = cls(
            backoff=settings.getfloat("STACKSCOUT_RETRY_BACKOFF", 1.0),
            backoff_max=settings.getfloat("STACKSCOUT_RETRY_BACKOFF_MAX", 30.0),
            retry_after_max=settings.getfloat("STACKSCOUT_RETRY_AFTER_MAX", 30.0),
        )
        if not 0 <= config.backoff <= config.backoff_max <= 3600 or config.retry_after_max < 0:
            raise ValueError(
                "STACKSCOUT_RETRY_BACKOFF must be 0..STACKSCOUT_RETRY_BACKOFF_MAX (at most 3600 s) "
                f"and STACKSCOUT_RETRY_AFTER_MAX >= 0, got {config}"
            )
        return config

    def delay(self, retry: int) -> float:
        """Seconds before the `retry`-th retry (1 for the first) of a request."""
        return float(min(self.backoff_max, self.backoff * 2 ** max(0, retry - 1)))


def account_timeout(settings: Any) -> float:
    """STACKSCOUT_ACCOUNT_TIMEOUT: seconds all the requests of one account may take."""
    seconds = float(settings.getfloat("STACKSCOUT_ACCOUNT_TIMEOUT", 60.0))
    if not 1 <= seconds <= 3600:
        raise ValueError(f"STACKSCOUT_ACCOUNT_TIMEOUT must be 1..3600 seconds, got {seconds:g}")
    return seconds


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    page_budget: int = 4
    """Telling pages (pricing, careers, contact...) fetched per account besides the home page."""
    signatures: list[str] = field(default_factory=list)
    include_own_signatures: bool = True
    min_confidence: int = 50
    render: str = "auto"
    """Browser rendering policy of the home page: never, auto (when it pays) or always."""
    render_timeout: float = 20.0
    """Seconds one render may take: navigation to `load`, then the capture."""
    render_settle_ms: int = 2500
    """After `load`, wait at most this long for the network to go quiet (late tags fire)."""
    render_max_pages: int = 4
    """Pages rendered at once (more gains nothing on 2 cores: see NOTES)."""
    render_unavailable: str = ""
    """Why rendering cannot happen in this crawl (no browser); set by `RenderAddon`."""
    dns: DnsConfig = field(default_factory=DnsConfig)
    audit_probes: bool = True
    """Fetch `http://<host>/` (redirects to HTTPS?) and `/sitemap.xml` for the site audit."""
    netguard: bool = False
    """Refuse private and reserved targets (`crawler.netguard`), in renders too."""
    account_timeout: float = 60.0
    """Seconds from an account's first request to its result, whatever its site does."""

    @classmethod
    def from_settings(cls, settings: Any) -> CrawlConfig:
        budget = settings.getint("STACKSCOUT_PAGE_BUDGET", 4)
        confidence = settings.getint("STACKSCOUT_MIN_CONFIDENCE", 50)
        if not 0 <= budget <= 50:
            raise ValueError(f"STACKSCOUT_PAGE_BUDGET must be 0..50, got {budget}")
        if not 0 <= confidence <= 100:
            raise ValueError(f"STACKSCOUT_MIN_CONFIDENCE must be 0..100, got {confidence}")
        render = settings.get("STACKSCOUT_RENDER", "auto")
        if render not in RENDER_POLICIES:
            raise ValueError(f"STACKSCOUT_RENDER must be one of {RENDER_POLICIES}, got {render!r}")
        timeout = settings.getfloat("STACKSCOUT_RENDER_TIMEOUT", 20.0)
        max_pages = settings.getint("STACKSCOUT_RENDER_MAX_PAGES", 4)
        if timeout <= 0 or max_pages < 1:
            raise ValueError("STACKSCOUT_RENDER_TIMEOUT must be > 0 and _MAX_PAGES >= 1")
        return cls(
            page_budget=budget,
            signatures=list(settings.getlist("STACKSCOUT_SIGNATURES")),
            include_own_signatures=settings.getbool("STACKSCOUT_INCLUDE_OWN_SIGNATURES", True),
            min_confidence=confidence,
            render=render,
            render_timeout=timeout,
            render_settle_ms=settings.getint("STACKSCOUT_RENDER_SETTLE_MS", 2500),
            render_max_pages=max_pages,
            render_unavailable=settings.get("STACKSCOUT_RENDER_UNAVAILABLE", ""),
            dns=DnsConfig.from_settings(settings),
            audit_probes=settings.getbool("STACKSCOUT_AUDIT_PROBES", True),
            netguard=settings.getbool("STACKSCOUT_NETGUARD_ENABLED", False),
            account_timeout=account_timeout(settings),
        )
