"""What the crawler captured of a site: the only input the detectors read.

Plain dataclasses with no Scrapy, browser or network types, so saved pages, HAR and WARC
files, a Scrapy crawl and a Playwright render all produce the same thing. Every container has
a `to_dict`/`from_dict` pair so a snapshot can be stored and replayed (golden fixtures).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Page:
    """One fetched page. `body` is decoded text; `rendered_*` are filled by a browser render."""

    url: str
    requested_url: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    body: str = ""
    redirects: list[str] = field(default_factory=list)
    content_type: str = ""
    encoding: str = ""
    kind: str = "home"
    """What the page is to the account: home, pricing, careers, contact, login, blog..."""
    fetched_at: float = 0.0
    ttfb_ms: float | None = None
    size: int = 0
    truncated: bool = False
    rendered: bool = False
    render_reason: str = ""
    rendered_dom: str = ""
    rendered_cookies: dict[str, str] = field(default_factory=dict)
    """Cookies in the browser after the render (set by headers or by scripts)."""
    js: dict[str, Any] = field(default_factory=dict)
    """Values of JS globals read from the live page, keyed by dotted path."""
    requests: list[str] = field(default_factory=list)
    """URLs of the network requests the page made (browser render or HAR recording)."""
    script_requests: list[str] = field(default_factory=list)
    """The subset of `requests` that loaded scripts, when the recorder knows resource types."""

    def __post_init__(self) -> None:
        if not self.requested_url:
            self.requested_url = self.url
        self.headers = {k.lower(): v for k, v in self.headers.items()}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Page:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(slots=True)
class DnsRecord:
    """One answer: `type` is MX/TXT/NS/SOA/CNAME/CAA/A/AAAA, `name` the owner name, no final dot.

    `value` is the record's text: `10 mx.acme.com.` (MX), `acme.zendesk.com.` (CNAME), the
    strings of a TXT record joined without quotes (a long TXT record is sent as several strings
    of at most 255 bytes; they are one value).
    """

    type: str
    name: str
    value: str


@dataclass(slots=True)
class DnsError:
    """A lookup that gave no usable answer, or a problem met while reading one (SPF limits)."""

    type: str
    name: str
    reason: str


@dataclass(slots=True)
class TlsInfo:
    """The certificate of the home page's TLS connection."""

    issuer: str = ""
    """Organisation (else common name) of the issuer: what `certIssuer` patterns read."""
    subject: str = ""
    """Common name of the subject."""
    not_after: str = ""
    """Expiry, ISO 8601 UTC."""
    version: str = ""
    host: str = ""
    """The host whose certificate this is (the home page's, after redirects)."""


@dataclass(slots=True)
class Probe:
    """A cheap extra fetch made for the site audit (not a page: detectors never read it).

    `kind` is `http` (does plain HTTP redirect to HTTPS?) or `sitemap` (`/sitemap.xml`).
    """

    kind: str
    url: str
    status: int | None = None
    """HTTP status of the last response; None when the fetch failed (see `error`)."""
    final_url: str = ""
    error: str = ""


@dataclass(slots=True)
class Site:
    """Everything captured for one account's website in one scan."""

    domain: str
    pages: list[Page] = field(default_factory=list)
    dns: list[DnsRecord] = field(default_factory=list)
    tls: TlsInfo | None = None
    robots_txt: str | None = None
    spf_includes: list[str] = field(default_factory=list)
    """Every domain named by `include:`/`redirect=` in the SPF tree, in the order followed."""
    dns_status: str = ""
    """`ok`, `partial` (some lookups failed), `failed` (none answered), `nxdomain` (no such
    domain), or "" (not looked up: DNS turned off, or a snapshot made without it)."""
    dns_errors: list[DnsError] = field(default_factory=list)
    spf_lookups: int = 0
    """DNS-querying SPF terms counted under RFC 7208's limit of 10 (more is a permerror)."""
    probes: list[Probe] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Site:
        return cls(
            domain=data["domain"],
            pages=[Page.from_dict(p) for p in data.get("pages", [])],
            dns=[DnsRecord(**r) for r in data.get("dns", [])],
            tls=TlsInfo(**data["tls"]) if data.get("tls") else None,
            robots_txt=data.get("robots_txt"),
            spf_includes=list(data.get("spf_includes", [])),
            dns_status=data.get("dns_status", ""),
            dns_errors=[DnsError(**e) for e in data.get("dns_errors", [])],
            spf_lookups=int(data.get("spf_lookups", 0)),
            probes=[Probe(**p) for p in data.get("probes", [])],
        )

    def probe(self, kind: str) -> Probe | None:
        return next((p for p in self.probes if p.kind == kind), None)

    def records(self, rtype: str, name: str | None = None) -> list[DnsRecord]:
        """Records of one type, at `name` (default: the domain itself)."""
        name = self.domain if name is None else name
        return [r for r in self.dns if r.type == rtype and r.name == name]

    def txt_at(self, name: str) -> list[str]:
        """TXT values at `name`, through its CNAME chain when it has one (a DMARC record is
        often delegated to the vendor that manages it)."""
        cnames = {r.name: r.value.rstrip(".").lower() for r in self.dns if r.type == "CNAME"}
        seen = {name}
        while name in cnames and cnames[name] not in seen:
            name = cnames[name]
            seen.add(name)
        return [r.value for r in self.dns if r.type == "TXT" and r.name == name]

    def dns_failed(self, rtype: str, name: str | None = None) -> bool:
        """True when the lookup of (type, name) gave no answer (timeout, SERVFAIL...)."""
        name = self.domain if name is None else name
        return any(e.type == rtype and e.name == name for e in self.dns_errors)
