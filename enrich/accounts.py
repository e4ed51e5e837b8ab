"""Read account lists (CSV or JSONL) into normalised accounts, and say why a row is rejected.

Columns are recognised by common names (domain, website, url, company, name, email...);
every other column is kept as firmographic input for fit scoring.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.domains import InvalidTarget, registered_domain, start_url, to_ascii

DOMAIN_COLUMNS = ("domain", "companydomain", "website", "websiteurl", "url", "homepage", "site",
                  "web", "companywebsite", "companyurl")  # fmt: skip
NAME_COLUMNS = ("company", "companyname", "name", "account", "accountname", "organization",
                "organisation")  # fmt: skip
EMAIL_COLUMNS = ("email", "emailaddress", "contactemail", "workemail")
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com",
    "hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "gmx.com",
    "gmx.de", "gmx.net", "web.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com",
    "qq.com", "163.com", "126.com", "zoho.com", "fastmail.com", "t-online.de", "orange.fr",
    "free.fr", "libero.it", "seznam.cz", "wp.pl", "naver.com", "rediffmail.com",
}  # fmt: skip
MAX_FIELD = 2000
_KEY = re.compile(r"[^a-z0-9]")


@dataclass(slots=True)
class Account:
    domain: str
    url: str
    name: str = ""
    input: dict[str, Any] = field(default_factory=dict)
    row: int = 0


@dataclass(slots=True)
class Rejected:
    row: int
    reason: str
    raw: dict[str, Any]


def _norm_key(key: str) -> str:
    return _KEY.sub("", str(key).lower())


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, row) from a CSV (any common dialect) or JSONL file; row 1 is the first."""
    text_lines = path.suffix.lower() in (".jsonl", ".ndjson", ".json")
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        if text_lines:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"__error__": f"not JSON: {exc.msg}"}
                    continue
                yield number, row if isinstance(row, dict) else {"__error__": "not a JSON object"}
            return
        sample = fh.read(64 * 1024)
        fh.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(fh, dialect=dialect)
        for number, row in enumerate(reader, 2):  # row 1 is the header
            yield number, {str(k): v for k, v in row.items() if k is not None}


def normalise(number: int, row: dict[str, Any]) -> Account | Rejected:  # noqa: PLR0911 - one return per rejection reason
    if "__error__" in row:
        return Rejected(number, row["__error__"], {})
    by_key = {_norm_key(k): v for k, v in row.items()}
    name = _first(by_key, NAME_COLUMNS)
    raw_target = _first(by_key, DOMAIN_COLUMNS)
    email = _first(by_key, EMAIL_COLUMNS)
    if not raw_target and email:
        if "@" not in email:
            return Rejected(number, f"not an e-mail address: {email[:80]!r}", row)
        mail_domain = to_ascii_safe(email.rsplit("@", 1)[1])
        if registered_domain(mail_domain) in FREE_MAIL or mail_domain in FREE_MAIL:
            return Rejected(number, f"e-mail at a free mail provider ({mail_domain})", row)
        raw_target = mail_domain
    if not raw_target:
        return Rejected(number, "no domain, website, URL or company e-mail in the row", row)
    try:
        url = start_url(raw_target)
    except InvalidTarget as exc:
        return Rejected(number, f"not a usable website: {exc}", row)
    host = urlsplit(url).hostname or ""
    domain = registered_domain(host)
    if domain in FREE_MAIL:
        return Rejected(number, f"{domain} is a free mail provider, not a company site", row)
    known = set(DOMAIN_COLUMNS + NAME_COLUMNS + EMAIL_COLUMNS)
    extra = {
        k: _clip(v) for k, v in row.items() if _norm_key(k) not in known and v not in ("", None)
    }
    return Account(domain=domain, url=url, name=name, input=extra, row=number)


def to_ascii_safe(host: str) -> str:
    try:
        return to_ascii(host.strip().strip(".>"))
    except InvalidTarget:
        return host.strip().lower()


def _first(by_key: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        value = by_key.get(name)
        if value not in (None, ""):
            return str(value).strip()[:MAX_FIELD]
    return ""


def _clip(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_FIELD]
    return value


def read_accounts(path: Path) -> Iterator[Account | Rejected]:
    """Normalised accounts and rejects, duplicates (same registered domain) rejected."""
    seen: dict[str, int] = {}
    for number, row in read_rows(path):
        item = normalise(number, row)
        if isinstance(item, Account):
            first = seen.setdefault(item.domain, number)
            if first != number:
                yield Rejected(number, f"duplicate of row {first} ({item.domain})", row)
                continue
        yield item


def write_rejects(path: Path, rejects: list[Rejected]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "reason", "data"])
        for r in rejects:
            writer.writerow([r.row, r.reason, json.dumps(r.raw, ensure_ascii=False)[:MAX_FIELD]])
