"""What a static page says about scripts and globals without running them.

JS globals defined by inline scripts, script URLs written in loader snippets, lazy and
conditional script tags, resource hints, and how external signatures combine with the
project's own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detectors.engine import INLINE, Detector
from detectors.jsglobals import candidates, script_urls, static_globals
from detectors.snapshot import Page

SIGS: dict[str, Any] = {
    "Omega Feed": {"cats": [5], "js": {"_omega": "", "omegaConfig.release": r"^(\d[\d.]*)$\;version:\1"}},
    "Sigma Beacon": {"cats": [10], "scriptSrc": r"//cdn\.sigma-beacon\.example/b\.js"},
    "Tau Ads": {"cats": [36], "xhr": r"\.tau-ads\.example"},
    "Shim Lib": {"cats": [59], "scriptSrc": r"/shimlib\.js"},
    "Rho Plugin": {"cats": [87], "scriptSrc": r"/rho-plugin\.js", "requires": "Pi Lang"},
    "Pi CMS": {"cats": [1], "meta": {"generator": "^Pi CMS"}, "implies": ["Pi Lang", "Mu Server\\;confidence:30"]},
    "Pi Lang": {"cats": [27]},
    "Mu Server": {"cats": [22]},
}  # fmt: skip


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    path = tmp_path_factory.mktemp("sigs") / "static.json"
    path.write_text(json.dumps(SIGS))
    return Detector.load([path], include_own=False)


def page(head: str) -> Page:
    return Page(url="https://acme.example/", body=f"<html><head>{head}</head><body></body></html>")


def found(detector: Detector, head: str) -> dict[str, Any]:
    return {d.name: d for d in detector.detect_page(page(head)).technologies}


def test_top_level_and_window_globals_are_read() -> None:
    script = """
    var _sf_config = {uid: 1}; if (!skip) { try { var iam_data = {st: 'a}'}; } catch (e) {} }
    window._queue = window._queue || []; window["bracketed"] = true;
    function OptanonWrapper() { var insideFn = 2 }
    (function () { var hidden = 1; window.fromIife = "x"; })();
    /* a comment */ var afterComment = 'yes'; Lib.cfg.release = "4.1";
    var s = 1; var note = "var notReal = 1";
    """
    got = static_globals([script])
    for name in ("_sf_config", "iam_data", "_queue", "bracketed", "OptanonWrapper",
                 "fromIife", "afterComment", "Lib", "Lib.cfg"):  # fmt: skip
        assert name in got, name
    assert got["Lib.cfg.release"] == "4.1" and got["afterComment"] == "yes"
    assert got["bracketed"] == "true"
    for name in ("insideFn", "hidden", "s", "notReal"):
        assert name not in got, name


def test_candidates_skip_scripts_that_cannot_define_a_wanted_name() -> None:
    wanted = candidates(["_omega", "omegaConfig.release"])
    assert wanted("window._omega = [];") and wanted("var omegaConfig = {}")
    assert not wanted("console.log('_omega is not assigned here')")
    assert static_globals(["var other = 1"], wanted) == {}


def test_script_urls_from_loader_snippets() -> None:
    script = r"""
    s.src = ('https:' == document.location.protocol ? 'https://ssl' : 'http://www') + '.ga.example/ga.js';
    e.src = "//cdn.sigma-beacon.example/b.js"; var cfg = {api: "https:\/\/api.example.org\/v1"};
    t.src = "static.tracker.example/js/t.js"; u = "http://plain.example/x";
    """  # fmt: skip
    urls = script_urls([script], "https://acme.example/")
    assert "https://cdn.sigma-beacon.example/b.js" in urls
    assert "https://api.example.org/v1" in urls
    assert "https://static.tracker.example/js/t.js" in urls
    assert "http://plain.example/x" in urls
    assert ".ga.example/ga.js" in urls


def test_js_signatures_match_globals_defined_inline(detector: Detector) -> None:
    hit = found(detector, "<script>window._omega = window._omega || [];</script>")
    ev = hit["Omega Feed"].evidence[0]
    assert (ev.field, ev.key, ev.source) == ("js", "_omega", "static")
    versioned = found(
        detector, "<script>var omegaConfig = {}; omegaConfig.release = '2.7';</script>"
    )
    assert versioned["Omega Feed"].version == "2.7"
    assert "Omega Feed" not in found(detector, "<script>(function(){ var _omega = 1 })()</script>")
    data = '<script type="application/json">{"x": "window._omega = 1"}</script>'
    assert "Omega Feed" not in found(detector, data)


def test_loader_snippet_url_counts_as_a_script_url(detector: Detector) -> None:
    snippet = """<script>(function(d){var s=d.createElement('script');
      s.src='//cdn.sigma-beacon.example/b.js';d.head.appendChild(s)})(document)</script>"""
    ev = found(detector, snippet)["Sigma Beacon"].evidence[0]
    assert ev.field == "scriptSrc" and ev.key == INLINE
    assert "Sigma Beacon" not in found(detector, "<p>//cdn.sigma-beacon.example/b.js</p>")


def test_requests_a_page_makes_feed_xhr(detector: Detector) -> None:
    assert "Tau Ads" in found(detector, '<script src="https://x.tau-ads.example/t.js"></script>')
    assert "Tau Ads" in found(detector, '<link rel="preconnect" href="https://a.tau-ads.example">')
    assert "Tau Ads" not in found(detector, '<a href="https://www.tau-ads.example/">ads</a>')


def test_lazy_conditional_and_preloaded_scripts(detector: Detector) -> None:
    lazy = '<script type="text/plain" data-src="/static/shimlib.js"></script>'
    assert "Shim Lib" in found(detector, lazy)
    conditional = '<!--[if lt IE 9]><script src="/js/shimlib.js"></script><![endif]-->'
    assert "Shim Lib" in found(detector, conditional)
    preload = '<link rel="preload" as="script" href="/js/shimlib.js">'
    assert "Shim Lib" in found(detector, preload)
    newline = '<script src="/js/shim\nlib.js"></script>'
    assert "Shim Lib" in found(detector, newline)


def test_requirements_met_through_implication_and_weak_implies(detector: Detector) -> None:
    plugin = '<script src="/rho-plugin.js"></script>'
    assert "Rho Plugin" not in found(detector, plugin)
    got = found(detector, plugin + '<meta name="generator" content="Pi CMS 3">')
    assert {"Rho Plugin", "Pi Lang"} <= set(got)
    assert "Mu Server" not in got  # implied at confidence 30: under the threshold


def test_external_patterns_only_corroborate_own_technologies(tmp_path: Path) -> None:
    ext = tmp_path / "ext.json"
    markers = ["zz-external-marker", "zz-second-marker"]
    ext.write_text(json.dumps({"HubSpot": {"cats": [32], "html": markers}}))
    one = page("<!-- zz-external-marker -->")
    assert "HubSpot" in Detector.load([ext], include_own=False).detect_page(one).names()
    both = Detector.load([ext])
    assert "HubSpot" not in both.detect_page(one).names()
    two = page("<!-- zz-external-marker zz-second-marker -->")
    assert "HubSpot" in both.detect_page(two).names()
