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
    """One answer: `type` is MX/TXT/NS/SOA/CNAME/CAA/A/AAAA, `name` the queried name."""

    type: str
    name: str
    value: str


@dataclass(slots=True)
class TlsInfo:
    issuer: str = ""
    subject: str = ""
    not_after: str = ""
    version: str = ""


@dataclass(slots=True)
class Site:
    """Everything captured for one account's website in one scan."""

    domain: str
    pages: list[Page] = field(default_factory=list)
    dns: list[DnsRecord] = field(default_factory=list)
    tls: TlsInfo | None = None
    robots_txt: str | None = None
    spf_includes: list[str] = field(default_factory=list)

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
        )
