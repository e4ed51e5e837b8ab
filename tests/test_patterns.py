"""Pattern parsing: JavaScript-to-RE2 translation, tags, versions, bounded fallback."""

from __future__ import annotations

import time

import pytest

from detectors.exceptions import SignatureError
from detectors.patterns import js_to_re2, parse


def test_js_escapes_of_plain_letters_become_literals() -> None:
    assert js_to_re2(r"\keyreply\.com") == r"keyreply\.com"
    assert js_to_re2(r"\Zeleris\b") == r"Zeleris\b"
    assert js_to_re2(r"caf\u00e9") == r"caf\x{00e9}"
    assert js_to_re2(r"a\/b") == "a/b"


def test_version_and_confidence_tags() -> None:
    p = parse("WordPress", "meta", r"^WordPress(?: ([\d.]+))?\;version:\1\;confidence:80")
    m = p.search("WordPress 6.4.2")
    assert p.confidence == 80
    assert p.resolve_version(m) == "6.4.2"


def test_ternary_version() -> None:
    p = parse("Google Analytics", "scripts", r"gtag\([^)]+'(G-)\;version:\1?GA4:UA")
    assert p.resolve_version(p.search("gtag('config', 'G-ABC')")) == "GA4"


def test_case_insensitive_like_wappalyzer() -> None:
    assert parse("X", "html", "shopify").search("cdn.SHOPIFY.com") is not None


def test_invalid_pattern_names_the_technology() -> None:
    with pytest.raises(SignatureError, match="Broken Tech"):
        parse("Broken Tech", "html", "(unclosed")


def test_lookaround_runs_on_fallback_engine_with_bounded_time() -> None:
    p = parse("Evil", "html", r"(?=(a+)+b)(a+)+$")
    assert p.engine == "regex"
    started = time.perf_counter()
    assert p.search("a" * 5000 + "c") is None  # catastrophic for a backtracking engine
    assert time.perf_counter() - started < 1.0


def test_catastrophic_pattern_is_linear_on_re2() -> None:
    p = parse("Evil", "html", r"(a+)+$")
    assert p.engine == "re2"
    started = time.perf_counter()
    assert p.search("a" * 200_000 + "!") is None
    assert time.perf_counter() - started < 1.0
