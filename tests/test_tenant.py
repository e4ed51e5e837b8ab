"""`\\;tenant:` patterns: a link to a vendor-hosted page counts only when it is the site's own.

A link to `acme.helpdesk.example` on acme.com is Acme's help centre; the same link in an
article on news.example is a mention of somebody else's.
"""

from __future__ import annotations

import json

import pytest

from detectors.engine import Detector
from detectors.exceptions import SignatureError
from detectors.owner import owner_of
from detectors.patterns import parse
from detectors.snapshot import Page

T = r"\;tenant:\1\;confidence:40"
SIGS = {
    "Help Desk X": {"cats": [1001], "dom": {"a[href*='.helpdesk.example/']": {
        "attributes": {"href": r"//([a-z0-9-]+)\.helpdesk\.example/hc/" + T}}}},
    "Jobs Board Y": {"cats": [101], "scripts": r"jobs\.board\.example(?:/|\\/)([a-z0-9-]+)" + T},
}  # fmt: skip


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    path = tmp_path_factory.mktemp("sigs") / "tenant.json"
    path.write_text(json.dumps(SIGS))
    return Detector.load([path], include_own=False)


def found(detector: Detector, url: str, body: str) -> dict[str, int]:
    report = detector.detect_page(Page(url=url, body=f"<html><body>{body}</body></html>"))
    return {d.name: d.confidence for d in report.technologies}


def test_own_tenant_link_is_a_detection(detector: Detector) -> None:
    link = '<a href="https://acme.helpdesk.example/hc/en-us">Help</a>'
    assert found(detector, "https://www.acme.com/support", link) == {"Help Desk X": 100}


def test_someone_elses_tenant_is_only_a_weak_signal(detector: Detector) -> None:
    link = '<a href="https://acme.helpdesk.example/hc/en-us">their help</a>'
    assert found(detector, "https://news.example.org/story", link) == {}


def test_tenant_in_an_inline_script_and_prefix_names(detector: Detector) -> None:
    script = '<script>var menu = {careers: "https:\\/\\/jobs.board.example\\/acmehq"}</script>'
    assert "Jobs Board Y" in found(detector, "https://acme.com/", script)
    assert "Jobs Board Y" not in found(detector, "https://other.com/", script)


def test_own_names_and_matching() -> None:
    owner = owner_of("https://www.acme-corp.co.uk/x")
    assert owner.hosts == frozenset({"acmecorp"})
    assert owner.names("Acme-Corp") and owner.names("acmecorpjobs")
    assert not owner.names("globex")
    assert not owner_of("https://abcd.com/").names("abc")  # too short to be a prefix


def test_the_brand_a_page_gives_itself_names_it_too() -> None:
    owner = owner_of("https://nextapp.example/careers", title="Careers | Ledgerly")
    assert owner.names("ledgerly") and not owner.names("ledgerlyjobs")
    meta = {"og:site_name": ["Globex Corp"]}
    assert owner_of("https://gx.example/", meta).names("globexcorp")
    article = owner_of("https://news.example/", title="Acme raises $10M to grow | Tech News")
    assert not article.names("acme") and article.names("technews")


def test_tenant_tag_must_name_an_existing_group() -> None:
    with pytest.raises(SignatureError, match="tenant"):
        parse("X", "html", r"no-group\;tenant:\1")
    with pytest.raises(SignatureError, match="tenant"):
        parse("X", "html", r"(a)\;tenant:x")
