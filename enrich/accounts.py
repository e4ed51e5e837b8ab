"""Read account lists (CSV or JSONL) into normalised accounts, and say why a row is rejected.

Columns are recognised by common names (domain, website, url, company, name, email...);
every other column is kept as firmographic input for fit scoring.

Any file gives accounts and rejects, never an exception: the encoding is read from its BOM
(UTF-8, UTF-16 as Excel's "Unicode text" writes it) or guessed (UTF-8, else Windows-1252);
a row that cannot be parsed (bad JSON, a CSV record larger than MAX_RECORD) is a reject with
its reason; input columns become plain values MongoDB can store (field names without `.`,
leading `$` or NUL, nested JSON as text, integers beyond 64 bits as text, at most
MAX_COLUMNS of them, each cut to MAX_FIELD characters).
"""

from __future__ import annotations

import codecs
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
MAX_COLUMNS = 200
MAX_RECORD = 16 * 1024 * 1024
"""Largest CSV record read (Python's csv stops at 128 KB by default: one long cell killed a run)."""
SAMPLE = 64 * 1024
_KEY = re.compile(r"[^a-z0-9]")
_INT64 = (-(2**63), 2**63 - 1)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip


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


def file_encoding(path: Path) -> str:
    """The encoding of an account list: its BOM's, else UTF-8 if its start decodes as UTF-8
    (a character cut by the sample's end allowed), else Windows-1252."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE)
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 3:
            return "cp1252"
    return "utf-8"


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, row) from a CSV (any common dialect) or JSONL file; row 1 is the first."""
    with path.open(encoding=file_encoding(path), errors="replace", newline="") as fh:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            yield from _json_rows(fh)
        else:
            yield from _csv_rows(fh)


def _json_rows(fh: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, {"__error__": f"not JSON: {exc.msg}"}
            continue
        except (RecursionError, ValueError) as exc:
            yield number, {"__error__": f"not JSON we can read: {type(exc).__name__}"}
            continue
        yield number, row if isinstance(row, dict) else {"__error__": "not a JSON object"}


def _csv_rows(fh: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    sample = fh.read(SAMPLE)
    fh.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD))
    reader = csv.DictReader(fh, dialect=dialect)
    number = 1  # row 1 is the header
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, {"__error__": f"unreadable CSV record: {exc}"}
            continue
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
    return Account(domain=domain, url=url, name=name, input=_inputs(row), row=number)


def _inputs(row: dict[str, Any]) -> dict[str, Any]:
    """The row's other columns, as values MongoDB stores under `input.<name>`."""
    known = set(DOMAIN_COLUMNS + NAME_COLUMNS + EMAIL_COLUMNS)
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = str(key).replace("\0", "").replace(".", "_").lstrip("$").strip()[:100]
        if _norm_key(key) in known or value in ("", None) or not name or name in out:
            continue
        out[name] = _clip(value)
        if len(out) >= MAX_COLUMNS:
            break
    return out


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
    """A plain value: text cut to MAX_FIELD, nested JSON and 65-bit integers as text."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value <= _INT64[1] else str(value)
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return value[:MAX_FIELD]


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
