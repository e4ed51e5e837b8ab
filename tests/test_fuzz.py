"""Bad input, generated (hypothesis): the account-list reader, the URL normaliser and the
signature loader never crash, never hang, and say what was wrong.

Whatever bytes an account list holds (any encoding, BOMs, NUL bytes, garbage rows, huge
fields, JSON of any shape), every row ends as an account or a reject with a reason, and every
account can be stored. Whatever a user types as a website, `start_url` gives a normalised URL
or `InvalidTarget`. Whatever a signature file says, loading reports its problems by
technology, and detection time per page stays bounded, catastrophic regexes included.
"""

from __future__ import annotations

import codecs
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.domains import InvalidTarget, registered_domain, start_url
from detectors import signatures
from detectors.engine import Detector
from detectors.exceptions import SignatureError
from detectors.snapshot import Page
from enrich.accounts import Account, Rejected, read_accounts
from tests.conftest import ROOT

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- account lists ------------------------------------------------------------------------

_CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["acme.com", "https://www.acme.co.uk/x?y=1", "bücher.de", "joe@gmail.com",
                     "ceo@initech.com", "not a domain", "ftp://x.test", "", " ", "\0", "xn--zz",
                     "http://[::1", "a" * 3000, "=HYPERLINK(\"x\")", "@@@", "localhost"]),
)  # fmt: skip
_HEADER = st.lists(
    st.one_of(st.sampled_from(["company", "website", "domain", "email", "url", "name", "", "$x",
                               "a.b", "Employees", "\ufeffwebsite"]), st.text(max_size=12)),
    min_size=1, max_size=6,
)  # fmt: skip
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]


def _csv_bytes(header: list[str], rows: list[list[str]], sep: str, encoding: str) -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return "\r\n".join(lines).encode(encoding, errors="replace")


def _check_items(items: list[Account | Rejected]) -> None:
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Rejected):
            assert item.reason and item.row >= 1
            continue
        assert item.domain and registered_domain(item.domain) == item.domain
        assert item.domain not in seen, "a duplicate domain was accepted"
        seen.add(item.domain)
        assert urlsplit(item.url).scheme in ("http", "https")
        json.dumps(item.input)  # storable as plain JSON/BSON values
        for key, value in item.input.items():
            assert key and "." not in key and not key.startswith("$"), key
            assert value is None or isinstance(value, str | int | float | bool), value


@FUZZ
@given(header=_HEADER, rows=st.lists(st.lists(_CELL, max_size=7), max_size=12),
       sep=st.sampled_from([",", ";", "\t", "|"]), encoding=st.sampled_from(_ENCODINGS))  # fmt: skip
def test_any_csv_gives_accounts_or_reasons(
    tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list[list[str]], sep: str,
    encoding: str,
) -> None:  # fmt: skip
    path = tmp_path_factory.mktemp("csv") / "accounts.csv"
    path.write_bytes(_csv_bytes(header, rows, sep, encoding))
    _check_items(list(read_accounts(path)))


@FUZZ
@given(data=st.binary(max_size=4000))
def test_any_bytes_as_csv_or_jsonl(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("raw")
    for name in ("accounts.csv", "accounts.jsonl"):
        path = folder / name
        path.write_bytes(data)
        _check_items(list(read_accounts(path)))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _CELL,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)  # fmt: skip


@FUZZ
@given(rows=st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["website", "company", "email", "", "$set", "a.b", "x"]),
                    _JSON, max_size=5), _JSON), max_size=10))  # fmt: skip
def test_any_jsonl_gives_accounts_or_reasons(
    tmp_path_factory: pytest.TempPathFactory, rows: list[Any]
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "accounts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    items = list(read_accounts(path))
    assert len(items) == sum(1 for r in rows if json.dumps(r).strip())
    _check_items(items)


def test_huge_fields_deep_json_and_utf16_exports(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text(
        "company,website,notes\nBig,acme.com," + "x" * 500_000 + "\nNext,initech.com,ok\n"
    )
    items = list(read_accounts(big))
    assert [i.domain for i in items if isinstance(i, Account)] == ["acme.com", "initech.com"]
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "]" * 100_000 + '\n{"website": "acme.com"}\n')
    first, second = read_accounts(deep)
    assert isinstance(first, Rejected) and "JSON" in first.reason
    assert isinstance(second, Account)
    excel = tmp_path / "excel.csv"  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
    excel.write_bytes(codecs.BOM_UTF16_LE + "Company\tWebsite\nCafé Müller\tcafe-mueller.de\n"
                      .encode("utf-16-le"))  # fmt: skip
    (account,) = read_accounts(excel)
    assert isinstance(account, Account) and account.name == "Café Müller"
    windows = tmp_path / "windows.csv"  # a cp1252 export (not UTF-8)
    windows.write_bytes("company,website\nCafé Müller,cafe-mueller.de\n".encode("cp1252"))
    (account,) = read_accounts(windows)
    assert isinstance(account, Account) and account.name == "Café Müller"


# -- the URL normaliser -------------------------------------------------------------------

_URLISH = st.one_of(
    st.text(max_size=60),
    st.builds(lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
              st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://", "//", "mailto:"]),
              st.one_of(st.from_regex(r"[a-zA-Z0-9.\-_]{0,30}", fullmatch=True),
                        st.sampled_from(["bücher.de", "xn--bcher-kva.de", "[::1]", "127.0.0.1",
                                         "a..b.com", "-x.com", "x.", ".com", "xn--zz.com"])),
              st.sampled_from(["", ":80", ":0", ":99999", ":abc", ":"]),
              st.sampled_from(["", "/", "/x y", "/ä?q=1#f", "?a", "#frag"])),
)  # fmt: skip


@FUZZ
@given(text=_URLISH)
def test_start_url_normalises_or_says_why(text: str) -> None:
    try:
        url = start_url(text)
    except InvalidTarget as exc:
        assert str(exc)
        return
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.hostname
    assert parts.hostname == parts.hostname.lower() and parts.hostname.isascii()
    assert registered_domain(parts.hostname)
    assert all(re.fullmatch(r"(?!-)[a-z0-9-]{1,63}(?<!-)", label)
               for label in parts.hostname.split(".")), parts.hostname  # fmt: skip
    assert start_url(url) == url, "normalising twice changed the URL"


# -- signature files ----------------------------------------------------------------------

_REGEX_TOKENS = st.sampled_from(["a", "b", ".", ".*", "+", "?", "(", ")", "[a-z]", "[^>]", "|",
                                 "\\d", "\\", "{2,3}", "^", "$", "(?=a)", "(?<!b)", "\\1", "x*",
                                 "(a+)+", "\\;version:\\1", "\\;confidence:50", "/", "'"])  # fmt: skip
_PATTERN = st.one_of(st.lists(_REGEX_TOKENS, max_size=10).map("".join), st.integers(), st.none(),
                     st.lists(st.text(max_size=5), max_size=2))  # fmt: skip
_TECH = st.dictionaries(
    st.sampled_from(["cats", "html", "scriptSrc", "headers", "meta", "js", "dom", "implies",
                     "excludes", "requires", "website", "saas", "text", "cookies", "url"]),
    st.one_of(_PATTERN, st.lists(_PATTERN, max_size=3),
              st.dictionaries(st.text(max_size=6), _PATTERN, max_size=3),
              st.lists(st.integers(-2, 500), max_size=3)),
    max_size=6,
)  # fmt: skip


@FUZZ
@given(techs=st.dictionaries(st.text(min_size=1, max_size=12), st.one_of(_TECH, _PATTERN),
                             max_size=5))  # fmt: skip
def test_any_signature_file_loads_with_its_problems_named(
    tmp_path_factory: pytest.TempPathFactory, techs: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("sigs") / "mine.json"
    path.write_text(json.dumps(techs), encoding="utf-8")
    sigs = signatures.load([path], include_own=False, on_error="report")
    for error in sigs.errors:
        assert error.strip()
    detector = Detector(sigs)
    page = Page(url="https://acme.test/", body="<html><script src='/a.js'></script>" + "a" * 3000)
    detector.detect_page(page)


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\0garbage", b"[1, 2]", b"{" * 100_000,
                                     b'{"technologies": {"X": {}}, "categories": {"x": {}}}',
                                     b'{"X": "not an object"}'])  # fmt: skip
def test_unreadable_signature_files_are_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    try:
        sigs = signatures.load([path], include_own=False, on_error="report")
    except SignatureError as exc:
        assert "bad.json" in str(exc)
    else:
        assert sigs.errors and all("bad.json" in e for e in sigs.errors)


CATASTROPHIC = ["(a+)+$", "(a|a)*b", "(a|aa)+$", "(x+x+)+y", "^(a+)+$", "(.*a){12}",
                "(?=a)(a+)+$", "(a+)\\1+$", "(?<!b)(a|a)*c", "((a+)+)+(?=b)"]  # fmt: skip


def test_catastrophic_regexes_cannot_stall_a_page(tmp_path: Path) -> None:
    """Hundreds of patterns built to backtrack, on a page built to make them: detection time
    stays bounded (RE2 runs what it can in linear time; the rest share a per-page budget)."""
    techs = {f"Trap {i}": {"cats": [1], field: pattern}
             for i, (field, pattern) in enumerate(
                 (f, p) for _ in range(20) for p in CATASTROPHIC for f in ("html", "text", "scripts"))}  # fmt: skip
    path = tmp_path / "traps.json"
    path.write_text(json.dumps(techs), encoding="utf-8")
    sigs = signatures.load([path], include_own=False, on_error="report")
    assert not sigs.errors
    fallback = sum(1 for t in sigs.technologies.values() for p in t.patterns if p.engine != "re2")
    assert fallback >= 200
    detector = Detector(sigs)
    body = (
        "<html><body><p>"
        + "a" * 30_000
        + "!</p><script>"
        + "a" * 30_000
        + "!</script></body></html>"
    )
    started = time.perf_counter()
    report = detector.detect_page(Page(url="https://trap.test/", body=body))
    took = time.perf_counter() - started
    assert took < 5.0, f"{took:.1f} s for one page"
    assert report.fallback_skipped > 0  # the budget ran out: the rest were left out, not run


def test_the_cli_names_an_unreadable_signature_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"X": {"cats": [1], "html": "(a"}, "Y": 5,')
    for args, code in ((["signatures", "validate", str(bad)], 1),
                       (["scan", "--signatures", str(bad), "http://x.test/"], 2)):  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "stackscout.cli", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert done.returncode == code, done.stderr
        assert f"cannot read {bad}" in done.stderr and "Traceback" not in done.stderr
    bad.write_text('{"X": {"cats": [1], "html": "(a"}, "Y": 5}')
    done = subprocess.run([sys.executable, "-m", "stackscout.cli", "signatures", "validate",
                           str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip
    assert done.returncode == 1
    assert "X: html: pattern '(a' does not compile" in done.stderr
    assert "Y (" in done.stderr and "technology left out" in done.stderr
