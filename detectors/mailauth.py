"""SPF (RFC 7208) and DMARC (RFC 7489) records read as data: what they name, nothing evaluated.

Shared by the crawler (which follows SPF includes and must count lookups as the RFC does), the
engine (which matches the included domains and DMARC report destinations against signatures)
and the site audit (is there an SPF record within the limit? a DMARC policy that enforces?).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SPF_LOOKUP_LIMIT = 10
"""RFC 7208 4.6.4: at most 10 mechanisms/modifiers that query DNS per check."""
_LOOKUP_MECHANISMS = ("include", "a", "mx", "ptr", "exists")


@dataclass(slots=True)
class SpfRecord:
    includes: list[str] = field(default_factory=list)
    redirect: str = ""
    lookups: int = 0
    """Terms of this record that cost a DNS lookup (include, a, mx, ptr, exists, redirect)."""

    @property
    def targets(self) -> list[str]:
        """Domains whose SPF records this one pulls in, in evaluation order."""
        return self.includes + ([self.redirect] if self.redirect else [])


@dataclass(slots=True)
class DmarcRecord:
    policy: str = ""
    """`p=`: none, quarantine or reject ("" when missing: the record is invalid)."""
    subdomain_policy: str = ""
    percent: int = 100
    rua: list[str] = field(default_factory=list)
    ruf: list[str] = field(default_factory=list)

    @property
    def report_domains(self) -> list[str]:
        """Domains the aggregate and forensic reports go to (who reads them: the vendor)."""
        out: list[str] = []
        for uri in self.rua + self.ruf:
            domain = _mailto_domain(uri)
            if domain and domain not in out:
                out.append(domain)
        return out


def is_spf(txt: str) -> bool:
    head = txt.strip().lower()
    return head == "v=spf1" or head.startswith("v=spf1 ")


def parse_spf(txt: str) -> SpfRecord:
    """The include/redirect targets and lookup count of one `v=spf1` record."""
    record = SpfRecord()
    for term in txt.split()[1:]:
        name, value = _split_term(term)
        if name in _LOOKUP_MECHANISMS:
            record.lookups += 1
            if name == "include" and value:
                record.includes.append(normalise_domain(value))
        elif name == "redirect" and value:
            record.lookups += 1
            record.redirect = normalise_domain(value)
    return record


def _split_term(term: str) -> tuple[str, str]:
    """`~include:_spf.x.com` -> (include, _spf.x.com); `a/24` -> (a, ""); `redirect=x` too."""
    term = term.lstrip("+-~?")
    for sep in (":", "="):
        name, found, value = term.partition(sep)
        if found and "/" not in name:
            return name.lower(), value.split("/", 1)[0] if sep == ":" else value
    return term.split("/", 1)[0].lower(), ""


def normalise_domain(name: str) -> str:
    return name.strip().rstrip(".").lower()


def is_dmarc(txt: str) -> bool:
    return txt.strip().lower().replace(" ", "").startswith("v=dmarc1")


def parse_dmarc(txt: str) -> DmarcRecord | None:
    """Tags of a `v=DMARC1` record; None for any other TXT record."""
    if not is_dmarc(txt):
        return None
    tags: dict[str, str] = {}
    for part in txt.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip().lower()] = value.strip()
    percent = tags.get("pct", "100")
    return DmarcRecord(
        policy=tags.get("p", "").lower(),
        subdomain_policy=tags.get("sp", "").lower(),
        percent=int(percent) if percent.isdigit() else 100,
        rua=_uris(tags.get("rua", "")),
        ruf=_uris(tags.get("ruf", "")),
    )


def _uris(value: str) -> list[str]:
    return [u.strip() for u in value.split(",") if u.strip()]


def _mailto_domain(uri: str) -> str:
    """`mailto:re+x@dmarc.vendor.com!10m` -> `dmarc.vendor.com`."""
    if not uri.lower().startswith("mailto:"):
        return ""
    address = uri[len("mailto:") :].split("!", 1)[0]
    _, at, domain = address.rpartition("@")
    return normalise_domain(domain) if at else ""
