"""`stackscout serve` end to end: the API over the loopback farm, as a user runs it.

The service is a subprocess (`python -m stackscout.cli serve`) reaching the farm through the
proxy variables, asking the farm's DNS server, storing into its own embedded database server
process. SSRF attempts aim at a loopback canary server that must never receive a request
(`no_proxy` sends loopback traffic there directly, so a request that slipped through would
arrive), and at 10.0.0.1, which only the farm proxy could be asked for (and records).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jsonschema
import pytest

from enrich.dbserver import EmbeddedServer
from tests.conftest_service import (
    CONTROL_HOST,
    ROOT,
    SERVICE_TTL,
    TOKEN,
    Canary,
    Service,
    service_env,
    start_service,
)
from tests.farm.dns import FarmDNS
from tests.farm.server import Farm, Response, Site, redirect
from tests.farm.sites import b2bsaas

pytestmark = pytest.mark.timeout(240)
HTML = [("Content-Type", "text/html; charset=utf-8")]
EVIL_ZONE = """
internal.evilcorp.com. 0 IN A 127.0.0.1
intranet.evilcorp.com. 0 IN A 10.0.0.1
metadata.evilcorp.com. 0 IN A 169.254.169.254
v6.evilcorp.com. 0 IN AAAA ::1
mapped.evilcorp.com. 0 IN AAAA ::ffff:a00:1
mixed.evilcorp.com. 0 IN A 8.8.8.8
mixed.evilcorp.com. 0 IN A 127.0.0.1
allowed-canary.evilcorp.com. 0 IN A 127.0.0.1
"""


def names(doc: dict[str, Any]) -> set[str]:
    return {t["name"] for t in doc["technologies"]}


@pytest.fixture
def evil_dns(dns: FarmDNS) -> Iterator[FarmDNS]:
    with dns.temporary_zone(EVIL_ZONE):
        yield dns


@pytest.fixture(autouse=True)
def _canary_stays_silent(canary: Canary) -> Iterator[None]:
    yield
    assert canary.paths == [], f"a private target was reached: {canary.paths}"


# ------------------------------------------------------------------------------ scans


def test_scan_answers_the_scan_document_as_scan_json_does(service: Service, farm: Farm) -> None:
    answer = service.scan("http://b2bsaas.test/")
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    schema = json.loads((ROOT / "docs" / "scan.schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["status"] == "ok" and set(b2bsaas().truth["technologies"]) <= names(doc)
    assert answer.headers["X-Stackscout-Cache"] in ("miss", "hit")
    job = answer.headers["X-Stackscout-Scan"]
    assert answer.headers["Content-Location"] == f"/api/scans/{job}"
    cli = subprocess.run([sys.executable, "-m", "stackscout.cli", "scan", "--json",
                          "--render", "never", "http://b2bsaas.test/"], cwd=ROOT, env=service.env,
                         capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    printed = json.loads(cli.stdout)
    for key in ("domain", "url", "final_url", "status", "categories", "gaps", "spf", "tls"):
        assert doc[key] == printed[key], key
    assert names(doc) == names(printed)
    assert [f["id"] for f in doc["audit"]] == [f["id"] for f in printed["audit"]]
    with service.client() as c:
        again = c.get(f"/api/scans/{job}")
    assert again.status_code == 200 and again.json() == doc


def test_a_slow_scan_answers_202_then_the_poll_gives_the_document(
    service: Service, farm: Farm
) -> None:
    slow = Site("slowhome.test", {"/": Response(200, HTML, "<html><title>Slow</title>"
                                               "<body><h1>slow</h1></body></html>", delay=2.5)})  # fmt: skip
    with farm.temporary_sites(slow), service.client() as c:
        first = c.post("/api/scans", json={"url": "http://slowhome.test/", "wait": 0.2})
        assert first.status_code == 202, first.text
        job = first.json()
        assert job["status"] == "running" and job["poll"] == f"/api/scans/{job['id']}"
        assert c.get(job["poll"]).status_code == 202
        done = c.get(job["poll"], params={"wait": 20})
        assert done.status_code == 200 and done.json()["domain"] == "slowhome.test"
        assert c.get("/api/scans/no-such-job").json()["error"] == "not_found"


def test_concurrent_requests_share_one_scan_and_the_cache_answers_until_its_ttl(
    service: Service, farm: Farm
) -> None:
    site = Site("sharedscan.test", {"/": Response(200, HTML, "<html><title>Shared</title>"
                                                 "<body>one scan</body></html>", delay=1.5)})  # fmt: skip
    with farm.temporary_sites(site), ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: service.scan("http://sharedscan.test/"), range(6)))
        assert [a.status_code for a in answers] == [200] * 6
        assert len({a.headers["X-Stackscout-Scan"] for a in answers}) == 1
        assert sorted(a.headers["X-Stackscout-Cache"] for a in answers) == ["miss"] + ["shared"] * 5
        assert farm.stats.count("sharedscan.test", "/") == 1
        hit = service.scan("https://www.sharedscan.test/other")  # same registered domain
        assert hit.headers["X-Stackscout-Cache"] == "hit"
        assert farm.stats.count("sharedscan.test", "/") == 1
        time.sleep(SERVICE_TTL + 0.5)
        fresh = service.scan("http://sharedscan.test/")
        assert fresh.headers["X-Stackscout-Cache"] == "miss"
        assert farm.stats.count("sharedscan.test", "/") == 2


# ------------------------------------------------------------------------------ auth, API


def test_tokens_are_required_and_checked(service: Service) -> None:
    with service.client(token=False) as c:
        missing = c.get("/api/profiles")
        assert missing.status_code == 401 and missing.json()["error"] == "unauthorized"
        assert missing.headers["WWW-Authenticate"] == "Bearer"
        assert c.post("/api/scans", json={"url": "b2bsaas.test"}).status_code == 401
        assert c.get("/").status_code == 200 and "<title>Stackscout" in c.get("/").text
    with service.client(token="wrong-token-0123456789") as c:
        wrong = c.get("/api/profiles")
        assert wrong.status_code == 403 and wrong.json()["error"] == "forbidden"
    with service.client() as c:
        assert [p["id"] for p in c.get("/api/profiles").json()] == ["reviews-shopify"]


def test_the_openapi_document_describes_the_api(service: Service) -> None:
    with service.client(token=False) as c:
        spec = c.get("/openapi.json").json()
    post = spec["paths"]["/api/scans"]["post"]
    assert {"200", "202", "400", "403", "413", "422", "429"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ScanRequest"
    )
    for path in ("/api/scans/{job_id}", "/api/scans/{job_id}/fit", "/api/accounts",
                 "/api/accounts/{domain}", "/api/profiles"):  # fmt: skip
        assert path in spec["paths"]
    assert {"ScanDocument", "JobAccepted", "ErrorBody", "AccountList", "Fit"} <= set(
        spec["components"]["schemas"]
    )


def test_invalid_requests_get_clear_errors(service: Service) -> None:
    with service.client() as c:
        bad = c.post("/api/scans", json={"url": "b2bsaas.test", "wait": -1})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"
        assert "wait" in bad.json()["detail"]
        extra = c.post("/api/scans", json={"url": "b2bsaas.test", "proxy": "x"})
        assert extra.status_code == 422
        nosuffix = c.post("/api/scans", json={"url": "http://intranet/"})
        assert nosuffix.status_code in (400, 422) and nosuffix.json()["detail"]


# ------------------------------------------------------------------------------ SSRF

SPELLINGS = {
    "http://127.0.0.1:{port}/": "loopback",
    "http://2130706433:{port}/": "loopback",  # decimal
    "http://0177.0.0.1:{port}/": "loopback",  # octal
    "http://0x7f.0.0.1:{port}/": "loopback",  # hex
    "http://0x7f000001:{port}/": "loopback",
    "http://127.1:{port}/": "loopback",  # short form
    "http://[::1]:{port}/": "loopback",
    "http://[::ffff:127.0.0.1]:{port}/": "loopback",
    "http://[0:0:0:0:0:ffff:7f00:1]:{port}/": "loopback",
    "http://[::ffff:a00:1]/": "private",
    "http://10.0.0.1/": "private",
    "http://192.168.1.1/": "private",
    "http://172.16.0.1/": "private",
    "http://169.254.169.254/latest/meta-data/": "link-local",
    "http://100.64.0.1/": "CGNAT",
    "http://0.0.0.0:{port}/": "unspecified",
    "http://224.0.0.1/": "multicast",
    "http://240.0.0.1/": "reserved",
    "http://[fe80::1]/": "link-local",
    "http://[fc00::1]/": "private",
    "http://[64:ff9b::7f00:1]/": "loopback",  # NAT64
    "http://localhost:{port}/": "localhost",
}
REJECTED = {
    "file:///etc/passwd": "unsupported_scheme",
    "gopher://127.0.0.1:6379/_INFO": "unsupported_scheme",
    "http://b2bsaas.test@127.0.0.1:{port}/": "userinfo",
    "http://user:pw@b2bsaas.test/": "userinfo",
    "http://1.2.3.999/": "invalid_url",
}


def test_literal_private_addresses_in_every_spelling_are_refused(
    service: Service, canary: Canary
) -> None:
    with service.client() as c:
        for template, why in SPELLINGS.items():
            url = template.format(port=canary.port)
            answer = c.post("/api/scans", json={"url": url})
            body = answer.json()
            assert answer.status_code == 403, (url, body)
            assert body["error"] == "private_address" and why in body["detail"], (url, body)
        for template, code in REJECTED.items():
            answer = c.post("/api/scans", json={"url": template.format(port=canary.port)})
            assert answer.status_code == 400 and answer.json()["error"] == code, answer.json()
        port = c.post("/api/scans", json={"url": "http://8.8.8.8:6379/"}).json()
        assert port["error"] == "port_not_allowed", port


def test_names_that_resolve_to_private_addresses_are_refused(
    service: Service, canary: Canary, evil_dns: FarmDNS
) -> None:
    expected = {"internal": "127.0.0.1", "intranet": "10.0.0.1", "metadata": "169.254.169.254",
                "v6": "::1", "mapped": "::ffff:a00:1", "mixed": "127.0.0.1"}  # fmt: skip
    with service.client() as c:
        for name, address in expected.items():
            url = f"http://{name}.evilcorp.com:8080/"
            answer = c.post("/api/scans", json={"url": url})
            assert answer.status_code == 403, answer.text
            assert f"resolves to {address}" in answer.json()["detail"]
            assert evil_dns.count(f"{name}.evilcorp.com") > 0  # really asked, on loopback
        unknown = c.post("/api/scans", json={"url": "http://nowhere.evilcorp.com/"})
        assert unknown.status_code == 422 and unknown.json()["error"] == "unresolvable"


def test_an_allow_listed_name_is_let_through(
    service: Service, control: Canary, evil_dns: FarmDNS
) -> None:
    """The control: a private name on STACKSCOUT_ALLOW_HOSTS is scanned, and its canary hears
    it, so the silence of the other canary means the guard stopped those requests."""
    answer = service.scan(f"http://{CONTROL_HOST}:{control.port}/")
    assert answer.status_code == 200 and answer.json()["status"] == "ok", answer.text
    assert "/" in control.paths


def test_redirects_to_private_addresses_are_not_followed(
    service: Service, farm: Farm, canary: Canary, evil_dns: FarmDNS
) -> None:
    hops = [
        Site("hop-loopback.test", {"/": redirect(f"http://127.0.0.1:{canary.port}/admin", 302)}),
        Site("hop-private.test", {"/": redirect("http://10.0.0.1/", 302)}),
        Site("hop-name.test", {"/": redirect("http://internal.evilcorp.com:8080/", 302)}),
        Site("hop-decimal.test", {"/": redirect(f"http://2130706433:{canary.port}/", 301)}),
    ]
    with farm.temporary_sites(*hops):
        for site, why in zip(hops, ("127.0.0.1 is a loopback", "10.0.0.1 is a private",
                                    "resolves to 127.0.0.1", "(127.0.0.1) is a loopback"),
                             strict=True):  # fmt: skip
            answer = service.scan(f"http://{site.host}/")
            doc = answer.json()
            assert answer.status_code == 200 and doc["status"] == "refused", doc
            assert doc["reason"].startswith("refused: ") and why in doc["reason"], doc["reason"]
            assert doc["gaps"] is None and doc["audit"] is None
        home = "<html><title>Telling</title><body><a href='/pricing'>Pricing</a></body></html>"
        telling = Site("hop-telling.test", {"/": Response(200, HTML, home),
                                            "/pricing": redirect("http://10.0.0.1/pricing", 302)})  # fmt: skip
        with farm.temporary_sites(telling):
            doc = service.scan("http://hop-telling.test/").json()
        assert doc["status"] == "partial", doc
        assert [(e["kind"], "10.0.0.1 is a private address" in e["reason"])
                for e in doc["errors"]] == [("refused", True)]  # fmt: skip
    assert "10.0.0.1" not in farm.stats.hosts()


@pytest.mark.timeout(180)
def test_a_render_cannot_reach_private_addresses(
    service: Service, farm: Farm, canary: Canary, evil_dns: FarmDNS
) -> None:
    from tests.test_render import NO_BROWSER

    if NO_BROWSER:
        pytest.skip(NO_BROWSER)
    loop = f"127.0.0.1:{canary.port}"
    page = (f"<html><head><title>Probe</title><script src='http://{loop}/s.js'></script></head>"
            f"<body><h1>Probe</h1><img src='http://10.0.0.1/p.png'><iframe src='http://{loop}/f'>"
            f"</iframe><script>fetch('http://{loop}/fetch').catch(()=>0);"
            "fetch('http://internal.evilcorp.com:8080/x').catch(()=>0);"
            f"try{{new WebSocket('ws://{loop}/ws')}}catch(e){{}}</script></body></html>")  # fmt: skip
    with farm.temporary_sites(Site("probe.test", {"/": Response(200, HTML, page)})):
        answer = service.scan("http://probe.test/", render="always")
    doc = answer.json()
    assert doc["status"] == "ok" and doc["render"]["rendered"], doc["render"]
    refused = {r["url"]: r["reason"] for r in doc["render"]["refused"]}
    for url in (f"http://{loop}/s.js", "http://10.0.0.1/p.png", f"http://{loop}/fetch",
                "http://internal.evilcorp.com:8080/x", f"http://{loop}/f", f"ws://{loop}/ws"):  # fmt: skip
        assert url in refused, (url, refused)
    assert "resolves to 127.0.0.1" in refused["http://internal.evilcorp.com:8080/x"]
    assert "10.0.0.1" not in farm.stats.hosts()


# ------------------------------------------------------------------------------ accounts


def test_finished_scans_are_stored_and_listed_with_their_fit(service: Service) -> None:
    shop = service.scan("http://shopstore.test/")
    assert shop.status_code == 200 and {"Shopify", "Klaviyo"} <= names(shop.json())
    service.scan("http://b2bsaas.test/")
    with service.client() as c:
        stored = _eventually(lambda: c.get("/api/accounts/shopstore.test"))
        account = stored.json()
        assert "Shopify" in account["tech_names"] and "outbox" not in account
        assert "token" not in account["queue"]
        fit = c.get(f"/api/scans/{shop.headers['X-Stackscout-Scan']}/fit",
                    params={"profile": "reviews-shopify"}).json()  # fmt: skip
        _eventually(lambda: c.get("/api/accounts", params={"profile": "reviews-shopify"}),
                    lambda r: r.json()["total"] >= 2)  # fmt: skip
        stored_fit = c.get("/api/accounts/shopstore.test").json()["fit"]["reviews-shopify"]
        assert (fit["score"], fit["tier"]) == (stored_fit["score"], stored_fit["tier"])
        listing = c.get("/api/accounts", params={"profile": "reviews-shopify"}).json()
        assert sum(n for _, n in listing["charts"]["tiers"]) == listing["total"]
        assert dict(listing["charts"]["platforms"]).get("Shopify", 0) >= 1
        shopify = c.get("/api/accounts", params={"tech": "Shopify"}).json()
        assert [a["domain"] for a in shopify["accounts"]] == ["shopstore.test"]
        gap = shop.json()["gaps"][0]
        assert "shopstore.test" in [a["domain"] for a in
                                    c.get("/api/accounts", params={"gap": gap}).json()["accounts"]]  # fmt: skip
        assert c.get("/api/accounts/nosuch.test").status_code == 404
        assert (
            c.get("/api/accounts", params={"profile": "nope"}).json()["error"] == "unknown_profile"
        )


def _eventually(get: Any, ok: Any = lambda r: r.status_code == 200, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        answer = get()
        if ok(answer) or time.monotonic() > deadline:
            assert ok(answer), answer.text
            return answer
        time.sleep(0.2)


# ------------------------------------------------------------------------------ limits


@pytest.fixture(scope="module")
def limited(
    farm: Farm, service_db: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    env = service_env(farm, service_db, "t_limited", tmp_path_factory.mktemp("limited-home"))
    env.update({"STACKSCOUT_SERVE_RATE": "30", "STACKSCOUT_SERVE_SCAN_RATE": "2",
                "STACKSCOUT_SERVE_MAX_BODY": "1024"})  # fmt: skip
    running = start_service(env, "--no-store", "--render", "never")
    yield running
    running.stop()


def test_request_bodies_over_the_limit_answer_413(limited: Service) -> None:
    big = json.dumps({"url": "b2bsaas.test", "pad": "x" * 2000})
    with limited.client() as c:
        declared = c.post("/api/scans", content=big, headers={"Content-Type": "application/json"})
        assert declared.status_code == 413 and declared.json()["error"] == "too_large"
        streamed = c.post("/api/scans", content=iter([big[:600].encode(), big[600:].encode()]),
                          headers={"Content-Type": "application/json"})  # fmt: skip
        assert streamed.status_code == 413
        assert c.get("/api/accounts").json()["error"] == "no_store"


def test_without_tokens_only_localhost_host_headers_are_answered(limited: Service) -> None:
    """DNS rebinding against the token-less service: a page's own name pointed at 127.0.0.1."""
    with limited.client() as c:
        rebound = c.get("/api/health", headers={"Host": "rebound.evil.example:8787"})
        assert rebound.status_code == 400 and rebound.json()["error"] == "bad_host"
        assert c.get("/api/health", headers={"Host": "localhost:8787"}).status_code == 200
        assert c.get("/api/health").status_code == 200  # 127.0.0.1:PORT


def test_rate_limits_answer_429_with_retry_after(limited: Service) -> None:
    with limited.client() as c:
        started = time.monotonic()
        scans = [c.post("/api/scans", json={"url": "http://10.0.0.1/"}) for _ in range(3)]
        assert [s.status_code for s in scans] == [403, 403, 429]
        assert int(scans[2].headers["Retry-After"]) >= 1
        assert scans[2].json()["error"] == "rate_limited"
        codes = [c.get("/api/health").status_code for _ in range(5)]  # not rate limited
        codes = [c.get("/api/profiles").status_code for _ in range(40)]
        elapsed = time.monotonic() - started
    assert 429 in codes
    allowed = codes.index(429)
    assert 27 - 1 <= allowed <= 27 + elapsed * 30 / 60 + 1


def test_listening_beyond_localhost_needs_tokens(
    farm: Farm, service_db: EmbeddedServer, tmp_path: Any
) -> None:
    env = service_env(farm, service_db, "t_public", tmp_path)
    env.pop("STACKSCOUT_API_TOKENS", None)
    result = subprocess.run([sys.executable, "-m", "stackscout.cli", "serve", "--host", "0.0.0.0",
                             "--port", "0"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=False)  # fmt: skip
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without API tokens" in result.stderr
    assert TOKEN not in result.stderr


def test_ctrl_c_stops_the_service_and_its_crawl_at_once(
    farm: Farm, service_db: EmbeddedServer, tmp_path: Any
) -> None:
    """Even right after start-up: a stop asked for before Scrapy's engine ran once hung it."""
    running = start_service(service_env(farm, service_db, "t_stop", tmp_path), "--no-store")
    started = time.monotonic()
    running.stop()
    assert running.proc.returncode == 0
    assert time.monotonic() - started < 10  # the crawl's stop gives up only after 20 s
