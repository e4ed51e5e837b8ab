"""Tests of the loopback site farm itself (tests/farm), through urllib and raw sockets.

The ``farm``/``farm_env`` fixtures come from tests/conftest_farm.py via tests/conftest.py.
"""

from __future__ import annotations

import csv
import gzip
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.farm.generate import generate_accounts_csv, generate_sites, make_profile
from tests.farm.server import (
    BEHAVIOURS,
    Farm,
    Request,
    Response,
    Site,
    behaviour,
    register_behaviour,
    render_body,
)
from tests.farm.sites import FAULT_PATHS, default_sites

REPO = Path(__file__).resolve().parents[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _opener(
    farm_: Farm, follow: bool = True, verify: bool = False
) -> urllib.request.OpenerDirector:
    assert farm_.tls is not None
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler({"http": farm_.proxy_url, "https": farm_.proxy_url}),
        urllib.request.HTTPSHandler(context=farm_.tls.client_context(verify=verify)),
    ]
    if not follow:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers)


@pytest.fixture
def fetch(farm_env: Farm) -> Iterator[object]:
    opener = _opener(farm_env)
    no_follow = _opener(farm_env, follow=False)

    def _fetch(
        url: str,
        follow: bool = True,
        timeout: float = 5,
        headers: dict[str, str] | None = None,
        method: str | None = None,
        data: bytes | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes, str]:
        req = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
        try:
            with (opener if follow else no_follow).open(req, timeout=timeout) as resp:
                return resp.status, resp.headers, resp.read(), resp.url
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read(), exc.url

    yield _fetch


def _raw(farm_: Farm, data: bytes, timeout: float = 5) -> bytes:
    with socket.create_connection(("127.0.0.1", farm_.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


# --- dispatch ------------------------------------------------------------------------------------


def test_proxy_form_dispatch(fetch, farm_env: Farm) -> None:
    status, headers, body, _ = fetch("http://shopstore.test/")
    assert status == 200
    text = body.decode()
    assert "Shopify.theme" in text and "cdn.shopify.com" in text
    assert "static.klaviyo.com/onsite/js/klaviyo.js?company_id=" in text
    assert "staticw2.yotpo.com" in text and "GTM-NW7K2QX" in text
    assert "connect.facebook.net/en_US/fbevents.js" in text and "fbq('init'" in text
    cookies = headers.get_all("Set-Cookie")
    assert any(c.startswith("_shopify_y=") for c in cookies) and len(cookies) >= 4
    assert headers["Server"] == "cloudflare"
    assert 5_000 < len(body) < 40_000

    status, headers, body, _ = fetch("http://b2bsaas.test/pricing/")
    assert status == 200 and b'content="WordPress 6.4.2"' in body
    assert headers["X-Powered-By"].startswith("PHP/8.1") and headers["Server"] == "nginx"
    assert b"http://b2bsaas.test/contact/" in body  # {{base}} follows the request's scheme


def test_origin_form_with_host_header(farm_env: Farm) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", farm_env.port, timeout=5)
    conn.request("GET", "/services.html", headers={"Host": "legacy.test"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200
    assert b"code.jquery.com/jquery-1.12.4.min.js" in body
    assert resp.headers["Server"].startswith("Apache")
    conn.close()
    assert farm_env.stats.count("legacy.test", "/services.html") == 1


def test_unknown_host_is_502_and_never_leaves(fetch, farm_env: Farm) -> None:
    status, headers, body, _ = fetch("http://example.com/")
    assert status == 502
    assert b"unknown host 'example.com'" in body
    assert headers["X-Farm"] == "unknown-host"
    with pytest.raises(urllib.error.URLError, match="502"):
        _opener(farm_env).open("https://www.google.com/", timeout=5)


def test_www_alias_and_404(fetch) -> None:
    status, _, body, _ = fetch("http://www.legacy.test/about.html")
    assert status == 200 and b"Walter Hartwell" in body
    status, _, _, _ = fetch("http://legacy.test/nope")
    assert status == 404


def test_head_and_post(fetch) -> None:
    status, headers, body, _ = fetch("http://nextapp.test/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 5_000
    status, _, body, _ = fetch("http://b2bsaas.test/contact/", data=b"your-email=a%40b.test")
    assert status == 200 and b"wpcf7" in body


def test_keep_alive_serves_many_hosts_on_one_connection(farm_env: Farm) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", farm_env.port, timeout=5)
    conn.request("GET", "http://legacy.test/")
    first = conn.getresponse()
    first.read()
    sock = conn.sock
    conn.request("GET", "http://nextapp.test/pricing")
    second = conn.getresponse()
    assert b"__NEXT_DATA__" in second.read()
    assert conn.sock is sock and second.headers["Connection"] == "keep-alive"
    conn.close()


def test_gzip_when_accepted(fetch) -> None:
    status, headers, raw, _ = fetch("http://nextapp.test/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(raw)
    assert b'<script id="__NEXT_DATA__"' in body and b"/_next/static/" in body
    _, headers, plain, _ = fetch("http://nextapp.test/")
    assert headers["Content-Encoding"] is None and plain == body


# --- TLS -----------------------------------------------------------------------------------------


def test_connect_tls(fetch, farm_env: Farm) -> None:
    status, headers, body, _ = fetch("https://nextapp.test/")
    assert status == 200
    assert headers["x-powered-by"] == "Next.js" and headers["server"] == "cloudflare"
    assert "cf-ray" in headers
    for needle in (
        b"cdn.segment.com/analytics.js",
        b"js.stripe.com/v3",
        b"static.zdassets.com/ekr/snippet.js",
        b"https://nextapp.test/",
    ):
        assert needle in body
    assert farm_env.stats.connects("nextapp.test") == 1
    assert farm_env.stats.records("nextapp.test")[0].scheme == "https"
    # the per-host certificate verifies against the farm CA
    with _opener(farm_env, verify=True).open("https://b2bsaas.test/", timeout=5) as resp:
        assert b"https://b2bsaas.test/pricing/" in resp.read()


def test_tls_straight_to_the_port(farm_env: Farm) -> None:
    """What Chromium does with --host-resolver-rules=MAP *.test 127.0.0.1:PORT."""
    assert farm_env.tls is not None
    ctx = farm_env.tls.client_context(verify=True)
    with (
        socket.create_connection(("127.0.0.1", farm_env.port), timeout=5) as raw,
        ctx.wrap_socket(raw, server_hostname="legacy.test") as tls,
    ):
        tls.sendall(b"GET / HTTP/1.1\r\nHost: legacy.test\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := tls.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200") and b"jquery-1.12.4" in data


# --- redirects, robots, latency, stats -----------------------------------------------------------


def test_redirect_to_other_host_over_tls(fetch, farm_env: Farm) -> None:
    status, headers, _, _ = fetch("http://redirector.test/about", follow=False)
    assert status == 301 and headers["Location"] == "https://www.redirector.test/about"
    status, headers, body, url = fetch("http://redirector.test/")
    assert status == 200 and url == "https://www.redirector.test/"
    assert headers["X-Generator"].startswith("Drupal 10")
    assert b'content="Drupal 10' in body and b"munchkin.marketo.net/munchkin.js" in body
    assert b"/sites/default/files/" in body
    status, headers, _, _ = fetch("http://www.redirector.test/contact", follow=False)
    assert status == 301 and headers["Location"] == "https://www.redirector.test/contact"
    status, _, body, _ = fetch("http://b2bsaas.test/pricing", follow=False)
    assert status == 301


def test_robots(fetch, farm_env: Farm) -> None:
    status, _, body, _ = fetch("http://blocked.test/robots.txt")
    assert status == 200 and body == b"User-agent: *\nDisallow: /\n"
    status, _, body, _ = fetch("http://nextapp.test/robots.txt")
    assert status == 200 and b"Disallow:\n" in body
    status, _, body, _ = fetch("https://b2bsaas.test/robots.txt")
    assert b"Sitemap: https://b2bsaas.test/wp-sitemap.xml" in body
    status, _, _, _ = fetch("http://legacy.test/robots.txt")
    assert status == 404
    status, headers, body, _ = fetch("http://challenge.test/robots.txt")
    assert status == 403 and headers["cf-mitigated"] == "challenge"
    assert farm_env.stats.fetched("blocked.test", "/robots.txt")
    assert not farm_env.stats.fetched("blocked.test", "/")


def test_latency(fetch, farm_env: Farm) -> None:
    site = Site(
        "slowpoke.test",
        {"/": Response(body="ok"), "/fast": Response(body="fast", delay=0)},
        latency=0.3,
    )
    with farm_env.temporary_sites(site):
        t0 = time.perf_counter()
        assert fetch("http://slowpoke.test/")[2] == b"ok"
        assert time.perf_counter() - t0 >= 0.3
        t0 = time.perf_counter()
        assert fetch("http://slowpoke.test/fast")[2] == b"fast"
        assert time.perf_counter() - t0 < 0.25
    assert "slowpoke.test" not in farm_env.sites
    farm_env.latency = 0.15  # global default, for sites that set none (restored by farm_env)
    t0 = time.perf_counter()
    fetch("http://legacy.test/")
    assert time.perf_counter() - t0 >= 0.15


def test_stats(fetch, farm_env: Farm) -> None:
    assert farm_env.stats.count() == 0  # farm_env resets
    fetch("http://legacy.test/", headers={"User-Agent": "stackscout-test/1"})
    fetch("http://legacy.test/")
    fetch("http://legacy.test/robots.txt")
    fetch("http://nope.test/")
    assert farm_env.stats.count("legacy.test") == 3
    assert farm_env.stats.count("legacy.test", "/") == 2
    assert farm_env.stats.paths("legacy.test") == {"/": 2, "/robots.txt": 1}
    assert farm_env.stats.count("nope.test") == 1
    assert farm_env.stats.statuses()[502] == 1
    assert farm_env.stats.records("legacy.test")[0].user_agent == "stackscout-test/1"
    snap = farm_env.stats.snapshot()
    assert snap["total"] == 4 and snap["hosts"] == 2


# --- behaviours ----------------------------------------------------------------------------------


def test_error_statuses_and_rate_limit(fetch) -> None:
    assert fetch("http://faults.test/500")[0] == 500
    status, headers, _, _ = fetch("http://faults.test/503")
    assert status == 503 and headers["Retry-After"] == "120"
    status, headers, _, _ = fetch("http://faults.test/429")
    assert status == 429 and headers["Retry-After"] == "30"


def test_challenge_every_path(fetch) -> None:
    status, headers, body, _ = fetch("http://challenge.test/pricing")
    assert status == 403
    assert headers["server"] == "cloudflare" and headers["cf-mitigated"] == "challenge"
    assert b"<title>Just a moment...</title>" in body
    assert b"/cdn-cgi/challenge-platform/" in body and b'cZone: "challenge.test"' in body


def test_dead_host_closes_without_answer(fetch, farm_env: Farm) -> None:
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        fetch("http://dead.test/")
    with pytest.raises((OSError, urllib.error.URLError)):
        fetch("https://dead.test/")
    assert farm_env.stats.count("dead.test", "/") >= 1
    assert farm_env.stats.connects("dead.test") >= 1
    farm_env.dead_hosts.add("legacy.test")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        fetch("http://legacy.test/")


def test_reset_truncated_hang(fetch, farm_env: Farm) -> None:
    with pytest.raises((ConnectionResetError, urllib.error.URLError)):
        fetch("http://faults.test/reset")
    with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
        fetch("http://faults.test/reset-mid-body")
    with pytest.raises(http.client.IncompleteRead):
        fetch("http://faults.test/truncated")
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch("http://faults.test/hang", timeout=0.2)
    with pytest.raises((TimeoutError, socket.timeout)):
        fetch("http://faults.test/hang-after-headers", timeout=0.2)


def test_drip_huge_binary_charset(fetch, farm_env: Farm) -> None:
    t0 = time.perf_counter()
    status, headers, body, _ = fetch("http://faults.test/drip")
    assert status == 200 and len(body) == int(headers["Content-Length"]) == 10_000
    assert time.perf_counter() - t0 >= 0.45  # 10 chunks, 50 ms apart

    site = Site(
        "bulk.test",
        {"/": behaviour("huge", mb=2), "/chunked": behaviour("huge", mb=1, chunked=True)},
    )
    with farm_env.temporary_sites(site):
        status, headers, body, _ = fetch("http://bulk.test/")
        assert len(body) == 2 * 1024 * 1024 == int(headers["Content-Length"])
        status, headers, body, _ = fetch("http://bulk.test/chunked")
        assert headers["Transfer-Encoding"] == "chunked" and len(body) == 1024 * 1024

    status, headers, body, _ = fetch("http://faults.test/binary")
    assert headers["Content-Type"].startswith("text/html") and len(body) == 65_536
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    status, headers, body, _ = fetch("http://faults.test/charset")
    assert "charset=utf-8" in headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Café" in body.decode("windows-1252")
    _, headers, body, _ = fetch("http://faults.test/bad-gzip")
    assert headers["Content-Encoding"] == "gzip" and not body.startswith(b"\x1f\x8b")


def test_every_fault_path_is_declared() -> None:
    site = default_sites()["faults.test"]
    for path, (name, _) in FAULT_PATHS.items():
        assert name in BEHAVIOURS and path in site.pages


def test_register_custom_behaviour(fetch, farm_env: Farm) -> None:
    @register_behaviour("teapot")
    def teapot(message: str = "short and stout") -> Response:
        return Response(418, [("Content-Type", "text/plain")], message)

    try:
        site = Site("teapot.test", {"/": behaviour("teapot", message="tip me over")})
        with farm_env.temporary_sites(site):
            status, _, body, _ = fetch("http://teapot.test/")
        assert status == 418 and body == b"tip me over"
    finally:
        BEHAVIOURS.pop("teapot", None)
    with pytest.raises(KeyError, match="unknown behaviour"):
        behaviour("teapot")


def test_dynamic_pages_see_the_request(fetch, farm_env: Farm) -> None:
    def echo(request: Request) -> Response:
        return Response(
            200,
            [("Content-Type", "text/plain")],
            f"{request.method} {request.url} ua={request.header('user-agent')}",
        )

    with farm_env.temporary_sites(Site("echo.test", {"/": echo, "/q?x=1": Response(body="q")})):
        body = fetch("http://echo.test/", headers={"User-Agent": "probe"})[2]
        assert body == b"GET http://echo.test/ ua=probe"
        assert fetch("http://echo.test/q?x=1")[2] == b"q"


# --- generator -----------------------------------------------------------------------------------


def _bodies(sites: dict[str, Site]) -> dict[tuple[str, str], bytes]:
    out = {}
    for host, site in sites.items():
        for path, page in site.pages.items():
            assert isinstance(page, Response)
            out[(host, path)] = render_body(
                page.body, Request("GET", path, "HTTP/1.1", [], "http", host, 80, path)
            )
    return out


def test_generator_is_deterministic() -> None:
    a = generate_sites(40, seed=7)
    b = generate_sites(40, seed=7)
    assert list(a) == [f"co{i:05d}.test" for i in range(40)]
    assert [s.truth for s in a.values()] == [s.truth for s in b.values()]
    assert _bodies(a) == _bodies(b)
    # site i does not depend on n, and faults do not change the profiles
    small = generate_sites(10, seed=7, faulty_share=1.0)
    for host, site in small.items():
        assert site.truth["technologies"] == a[host].truth["technologies"]
        assert site.truth["fault"] is not None
    c = generate_sites(40, seed=8)
    assert [s.truth for s in a.values()] != [s.truth for s in c.values()]


def test_generator_mix_and_sizes() -> None:
    sites = generate_sites(300, seed=1, faulty_share=0.2)
    platforms = {s.truth["platform"] for s in sites.values()}
    assert {"wordpress", "shopify", "drupal", "custom"} <= platforms
    faulty = [s for s in sites.values() if s.truth["fault"]]
    assert 30 < len(faulty) < 90
    working = [s for s in sites.values() if not s.truth["fault"]]
    for site in working[:40]:
        assert 3 <= len(site.pages) - 1 <= 6  # home + 3-5 telling pages (+ login sometimes)
        assert site.truth["technologies"]
    sizes = [len(b) for b in _bodies(dict(list(sites.items())[:30])).values()]
    assert min(sizes) >= 5_000 and max(sizes) <= 40_000
    t0 = time.perf_counter()
    generate_sites(1000, seed=3)
    assert time.perf_counter() - t0 < 5


def test_generated_sites_are_served(fetch, farm_env: Farm) -> None:
    sites = generate_sites(5, seed=11)
    with farm_env.temporary_sites(*sites.values()):
        for host, site in sites.items():
            status, _, body, _ = fetch(f"http://{host}/")
            assert status == 200 and site.truth["company"].encode() in body
            if site.truth["platform"] == "wordpress":
                assert b'<meta name="generator" content="WordPress' in body
            for tech, ident in site.truth["ids"].items():
                pages = site.truth["only_on"].get(tech, ["/"])
                page_body = body if "/" in pages else fetch(f"http://{host}{pages[0]}")[2]
                assert ident.encode() in page_body, (host, tech)


def test_accounts_csv(tmp_path: Path) -> None:
    path = generate_accounts_csv(tmp_path / "accounts.csv", 50, seed=5)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 50
    assert list(rows[0]) == ["company", "website", "employees", "industry", "country"]
    sites = generate_sites(50, seed=5)
    for i, row in enumerate(rows):
        host = f"co{i:05d}.test"
        assert host in row["website"]
        assert row["company"] == sites[host].truth["company"] == make_profile(i, 5).company
        assert int(row["employees"]) > 0 and row["industry"] and row["country"]
    bare = generate_accounts_csv(tmp_path / "bare.csv", 5, seed=5, style="bare")
    assert [r["website"] for r in csv.DictReader(bare.open())] == [
        f"co{i:05d}.test" for i in range(5)
    ]


# --- standalone ----------------------------------------------------------------------------------


def test_standalone_server(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.farm.server",
            "--port",
            "0",
            "--sites",
            "default,generated:20",
            "--accounts-csv",
            str(tmp_path / "acc.csv"),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        expected = f"{len(default_sites()) + 20} sites"
        assert expected in line, line + (proc.stderr.read() if proc.poll() is not None else "")
        proxy = line.rsplit(" on ", 1)[1].strip()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
        with opener.open("http://co00003.test/", timeout=5) as resp:
            assert resp.status == 200
        with opener.open(proxy + "/__farm/stats", timeout=5) as resp:
            assert b'"total": 1' in resp.read()
        assert (tmp_path / "acc.csv").exists()
    finally:
        proc.terminate()
        proc.wait(5)
