"""Who a page belongs to: the names a vendor-hosted URL's tenant must match to be the site's own.

`acme.zendesk.com` linked from acme.com is Acme's help centre; linked from a news article it
is somebody else's. A page's own names are its host labels (`acme` in `www.acme.co.uk`) and
the brand it gives itself (`og:site_name`, `application-name`, the last part of a short
`<title>` such as "Careers | Ledgerly"), because companies run job boards and help centres
under their brand, which is not always their domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MIN_LABEL = 3
"""Host labels shorter than this (`co`, `uk`, `de`) never name a tenant."""
MIN_PREFIX = 4
"""A tenant and a host label may differ by a suffix (`acmehq`, `acme-careers` on acme.com)
when the shorter of the two has at least this many characters."""
MAX_BRAND_WORDS = 3
GENERIC_LABELS = {"www", "com", "net", "org", "edu", "gov", "info", "blog", "shop", "web", "app"}
_TITLE_SEPARATORS = re.compile("\\s[|\\-:\u2013\u2014\u00b7\u2022]\\s")
"""` | `, ` - `, ` : `, en and em dashes, middle dots and bullets between title parts."""


def name_key(name: str) -> str:
    """A name as tenants and site names are compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True, slots=True)
class Owner:
    """The names of the site a page is on."""

    hosts: frozenset[str] = frozenset()
    """Name keys of the page's host labels; a tenant may extend one (prefix match)."""
    brands: frozenset[str] = frozenset()
    """Name keys of the brand the page names itself by; a tenant must equal one."""

    def names(self, tenant: str) -> bool:
        key = name_key(tenant)
        if not key:
            return False
        if key in self.hosts or key in self.brands:
            return True
        return any(
            min(len(key), len(h)) >= MIN_PREFIX and (key.startswith(h) or h.startswith(key))
            for h in self.hosts
        )


NOBODY = Owner()


def owner_of(url: str, meta: dict[str, list[str]] | None = None, title: str = "") -> Owner:
    """The names of the site `url` is on, with the brand its meta tags and title give."""
    host = urlsplit(url).hostname or ""
    labels = (name_key(label) for label in host.split("."))
    hosts = frozenset(k for k in labels if len(k) >= MIN_LABEL and k not in GENERIC_LABELS)
    brands = [v for key in ("og:site_name", "application-name") for v in (meta or {}).get(key, [])]
    parts = _TITLE_SEPARATORS.split(title.strip())
    if len(parts) > 1 and len(parts[-1].split()) <= MAX_BRAND_WORDS:
        brands.append(parts[-1])
    keys = (name_key(b) for b in brands if len(b.split()) <= MAX_BRAND_WORDS)
    return Owner(hosts, frozenset(k for k in keys if len(k) >= MIN_LABEL))
