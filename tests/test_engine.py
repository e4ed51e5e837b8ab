"""The detector on hand-built snapshots and small signature files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detectors import signatures
from detectors.engine import Detector
from detectors.exceptions import SignatureError
from detectors.snapshot import DnsRecord, Page, Site, TlsInfo

SIGS: dict[str, Any] = {
    "Alpha CMS": {"cats": [1], "meta": {"generator": r"^Alpha ([\d.]+)\;version:\1"},
                  "implies": ["Beta Lang"], "website": "https://alpha.example"},
    "Beta Lang": {"cats": [27], "headers": {"X-Powered-By": r"^Beta"}},
    "Gamma Chat": {"cats": [52], "scriptSrc": r"//widget\.gamma\.example/",
                   "scripts": r"gammaChat\.init\("},
    "Delta Pixel": {"cats": [36], "cookies": {"_dp_*": ""}},
    "Weak Tool": {"cats": [10], "html": r"weak-marker\;confidence:25",
                  "css": r"\.weak-widget\;confidence:25"},
    "Epsilon Theme": {"cats": [80], "dom": {"link[href*='/themes/epsilon/']": {"exists": ""}},
                      "requires": "Alpha CMS"},
    "Zeta App": {"cats": [100], "scriptSrc": r"zeta-app\.js", "requiresCategory": 6},
    "Eta Mail": {"cats": [75], "dns": {"MX": r"mx\.eta-mail\.example", "SPF": r"spf\.eta\.example"}},
    "Theta CA": {"cats": [70], "certIssuer": "Theta Trust"},
    "Iota Global": {"cats": [59], "js": {"Iota.version": r"^([\d.]+)$\;version:\1"}},
    "Kappa Old": {"cats": [59], "scriptSrc": r"kappa\.js", "excludes": "Kappa New"},
    "Kappa New": {"cats": [59], "scriptSrc": r"kappa-new\.js"},
}  # fmt: skip


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    path = tmp_path_factory.mktemp("sigs") / "test.json"
    path.write_text(json.dumps(SIGS))
    return Detector.load([path], include_own=False)


def page(body: str = "", **kw: Any) -> Page:
    return Page(
        url="https://acme.example/", body=f"<html><head>{body}</head><body></body></html>", **kw
    )


def names(detector: Detector, site: Site) -> set[str]:
    return detector.detect_site(site).names()


def test_meta_version_implies_and_evidence(detector: Detector) -> None:
    report = detector.detect_page(page('<meta name="generator" content="Alpha 3.2.1">'))
    by = {d.name: d for d in report.technologies}
    assert by["Alpha CMS"].version == "3.2.1"
    assert by["Alpha CMS"].evidence[0].field == "meta"
    assert by["Alpha CMS"].evidence[0].match == "Alpha 3.2.1"
    assert by["Beta Lang"].implied_by == ["Alpha CMS"]
    assert "CMS" in report.categories and "CMS" not in report.gaps


def test_script_src_and_inline_snippet(detector: Detector) -> None:
    rep = detector.detect_page(page('<script src="https://widget.gamma.example/w.js"></script>'))
    assert rep.names() == {"Gamma Chat"}
    rep = detector.detect_page(page("<script>window.gammaChat.init({id: 3})</script>"))
    assert rep.names() == {"Gamma Chat"}


def test_a_mention_in_text_is_not_a_script(detector: Detector) -> None:
    rep = detector.detect_page(page("<p>we like gammaChat.init( and widget.gamma.example/</p>"))
    assert "Gamma Chat" not in rep.names()


def test_cookie_prefix_and_header(detector: Detector) -> None:
    p = page(cookies={"_dp_123": "x"}, headers={"X-Powered-By": "Beta/2"})
    assert {"Delta Pixel", "Beta Lang"} <= detector.detect_page(p).names()


def test_two_weak_signals_needed(detector: Detector) -> None:
    assert "Weak Tool" not in detector.detect_page(page("<!-- weak-marker -->")).names()
    both = page("<!-- weak-marker --><style>.weak-widget{}</style>")
    assert "Weak Tool" in detector.detect_page(both).names()


def test_requires_and_requires_category(detector: Detector) -> None:
    theme = '<link rel="stylesheet" href="/themes/epsilon/a.css">'
    assert "Epsilon Theme" not in detector.detect_page(page(theme)).names()
    cms = '<meta name="generator" content="Alpha 1">'
    assert "Epsilon Theme" in detector.detect_page(page(theme + cms)).names()
    assert (
        "Zeta App" not in detector.detect_page(page('<script src="/zeta-app.js"></script>')).names()
    )


def test_excludes(detector: Detector) -> None:
    both = page('<script src="/kappa.js"></script><script src="/kappa-new.js"></script>')
    found = detector.detect_page(both).names()
    assert "Kappa Old" in found and "Kappa New" not in found


def test_dns_tls_and_render_only_js(detector: Detector) -> None:
    rendered = Page(url="https://acme.example/", body="<html></html>", rendered=True,
                    rendered_dom="<html></html>", js={"Iota.version": "1.4.2"})  # fmt: skip
    site = Site(domain="acme.example", pages=[rendered],
                dns=[DnsRecord("MX", "acme.example", "10 mx.eta-mail.example.")],
                tls=TlsInfo(issuer="Theta Trust Services"))  # fmt: skip
    report = detector.detect_site(site)
    by = {d.name: d for d in report.technologies}
    assert by["Eta Mail"].evidence[0].source == "dns"
    assert by["Theta CA"].evidence[0].source == "tls"
    assert by["Iota Global"].version == "1.4.2" and by["Iota Global"].render_only


def test_broken_signature_is_an_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"Broken One": {"cats": [1], "html": "(oops"}}))
    with pytest.raises(SignatureError, match="Broken One"):
        signatures.load([bad], include_own=False)
    sigs = signatures.load([bad], include_own=False, on_error="report")
    assert any("Broken One" in e for e in sigs.errors)


def test_unknown_category_is_reported_in_strict_mode(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"Lost": {"cats": [99999], "html": "x"}}))
    with pytest.raises(SignatureError, match="unknown category"):
        signatures.load([bad], include_own=False, strict=True)


def test_own_signatures_validate_strictly() -> None:
    sigs = signatures.load(strict=True)
    assert len(sigs.technologies) >= 800
    assert not sigs.duplicates


def test_importing_every_detector_module_imports_neither_scrapy_nor_twisted() -> None:
    """The detectors are pure: a scoring tool can use them without the crawler's stack."""
    import subprocess
    import sys

    code = (
        "import importlib, pkgutil, sys, detectors\n"
        "for m in pkgutil.walk_packages(detectors.__path__, 'detectors.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted', "
        "'playwright'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
