"""Parked domains and bot walls are recognised from the page alone (pure detectors)."""

from __future__ import annotations

import pytest

from crawler.capture import looks_binary
from detectors.botwall import bot_wall
from detectors.parked import parked, visible_text_length
from detectors.snapshot import Page
from tests.farm import faults
from tests.farm.server import Request, render_body


def farm_page(response: object, url: str = "https://acme-0.test/") -> Page:
    request = Request("GET", "/", "HTTP/1.1", [], "https", "acme-0.test", 443, "/")
    body = render_body(response.body, request)  # type: ignore[attr-defined]
    status = response.status  # type: ignore[attr-defined]
    headers = dict(response.headers)  # type: ignore[attr-defined]
    return Page(url=url, status=status, headers=headers, body=body.decode("utf-8", "replace"))


@pytest.mark.parametrize(("style", "provider"), [("sedo", "Sedo"), ("godaddy", "GoDaddy")])
def test_parking_pages_name_their_provider(style: str, provider: str) -> None:
    assert parked(farm_page(faults.parked(style))) == f"{provider} parking page"


def test_a_marketplace_host_is_parked_whatever_it_says() -> None:
    page = farm_page(faults.company_page(), "https://www.hugedomains.com/domain_profile.cfm?d=x")
    assert parked(page) == "for sale at www.hugedomains.com (HugeDomains)"


def test_for_sale_phrase_on_a_short_page() -> None:
    page = Page(url="https://spare.test/", body="<html><body><h1>spare.test</h1><p>This "
                "domain is for sale. Contact the owner.</p></body></html>")  # fmt: skip
    assert parked(page).startswith("for-sale page")


def test_a_real_site_mentioning_a_marketplace_is_not_parked() -> None:
    text = "<p>We help brands grow with honest software and people who answer the phone.</p>"
    body = ("<html><body>" + text * 40 + '<a href="https://www.hugedomains.com/">We bought our '
            "name at hugedomains.com</a><p>This domain is for sale? No, it is ours.</p></body></html>")  # fmt: skip
    page = Page(url="https://real.test/", body=body)
    assert visible_text_length(body) > 1500
    assert parked(page) == ""
    assert parked(farm_page(faults.company_page())) == ""


def test_bot_walls_of_akamai_and_incapsula() -> None:
    assert bot_wall(farm_page(faults.akamai_challenge())) == "Akamai bot manager"
    assert bot_wall(farm_page(faults.incapsula_challenge())) == "Imperva/Incapsula"
    assert bot_wall(farm_page(faults.malformed_html())) == ""


def test_binary_bodies_are_not_html() -> None:
    noise = bytes(range(256)) * 40
    assert looks_binary(noise.decode("utf-8", "replace"))
    assert not looks_binary(farm_page(faults.malformed_html()).body)
    wrong_charset = "<p>Café Müller, Öffnungszeiten täglich</p>".encode("windows-1252")
    assert not looks_binary(wrong_charset.decode("utf-8", "replace") * 50)
    cyrillic = "<p>Добро пожаловать в нашу компанию</p>".encode("windows-1251")
    assert not looks_binary(cyrillic.decode("utf-8", "replace") * 50)
    assert not looks_binary("")
