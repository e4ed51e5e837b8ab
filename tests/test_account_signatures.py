"""The project's own signatures for account-selection categories, on vendors' install snippets.

Each case is the markup a vendor's documentation tells a customer to paste (IDs made up):
the technology must be found from it, and not from a mere link to the vendor's website.
"""

from __future__ import annotations

import pytest

from detectors.engine import Detector
from detectors.snapshot import Page

SNIPPETS = {
    "Gameball": '<script defer src="https://assets.gameball.co/widget/js/gameball-init.min.js"></script>',
    "Rise.ai": '<script async src="https://str.rise-ai.com/?shop=acme.myshopify.com"></script>',
    "FastSpring": '<script id="fsc-api" src="https://sbl.onfastspring.com/sbl/1.0.6/fastspring-builder.min.js" data-storefront="acme.onfastspring.com/popup-acme"></script>',
    "Seal Subscriptions": '<script>var s = document.createElement("script"); s.src = "https://cdn-app.sealsubscriptions.com/shopify/public/js/sealsubscriptions-main.js?shop=" + shop; document.head.appendChild(s);</script>',
    "Uplift": "<script>(function(u,p,l,i,f,t,b,j){ })(window,document,'script','//cdn.uplift-platform.com/a/up.js','up','UP-1234-5');</script>",
    "Order Protection": '<script src="https://cdn.orderprotection.com/cart-widget/widget.js"></script>',
    "LipScore": "<script>(function(){var scr=document.createElement('script');scr.async=1;scr.src='//static.lipscore.com/assets/en/lipscore-v1.js';document.head.appendChild(scr);})();</script>",
    "Senja": '<div class="senja-embed" data-id="abc"></div><script src="https://widget.senja.io/widget/abc/platform.js" async></script>',
    "Metomic": '<script src="https://config.metomic.io/config.js?id=prj:1234" crossorigin charset="utf-8"></script><script src="https://consent-manager.metomic.io/embed.js"></script>',
    "Pandectes": '<script id="pandectes-rules" src="https://st.pandect.es/acme/pandectes-rules.js"></script>',
    "Capsule CRM": '<form action="https://service.capsulecrm.com/service/newlead" method="post"><input type="hidden" name="FORM_ID" value="x"></form>',
    "Vtiger": '<form id="__vtigerWebForm" action="https://acme.od1.vtiger.com/modules/Webforms/capture.php" method="post"></form>',
    "Ontraport": "<script src='https://optassets.ontraport.com/tracking.js' async onload='_mri=\"1_2_3\",_mr_domain=\"tracking.ontraport.com\"'></script>",
    "Snitcher": "<script>!function(s,n,i,t,c,h){c=n.createElement(t);h=n.getElementsByTagName(t)[0];c.src='//snid.snitcher.com/8426246.js';h.parentNode.insertBefore(c,h)}(window,document,'snid','script');</script>",
    "Factors.ai": '<script>var t=document.createElement("script");t.src="https://app.factors.ai/assets/factors.js";document.head.appendChild(t);</script>',
    "DevCycle": '<script src="https://js.devcycle.com/devcycle.min.js" type="text/javascript"></script>',
    "Kayako": '<script>window.kayako={};kayako.config={styles:{homePattern:"https://assets.kayako.com/messenger/pattern-1.svg"}};</script><script src="https://acme.kayako.com/messenger/build.js"></script>',
    "Sorry": '<script src="//code.sorryapp.com/status-bar/4.latest/status-bar.min.js" data-for="abcd1234"></script>',
}  # fmt: skip


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.load()


def names(detector: Detector, body: str, url: str = "https://www.acme.com/") -> set[str]:
    page = Page(url=url, body=f"<html><head></head><body>{body}</body></html>")
    return detector.detect_page(page).names()


@pytest.mark.parametrize("tech", sorted(SNIPPETS))
def test_documented_snippet_is_detected(detector: Detector, tech: str) -> None:
    assert tech in names(detector, SNIPPETS[tech])


@pytest.mark.parametrize(
    ("tech", "link"),
    [
        ("Gameball", "https://www.gameball.co/pricing"),
        ("FastSpring", "https://fastspring.com/"),
        ("Capsule CRM", "https://capsulecrm.com/"),
        ("Snitcher", "https://www.snitcher.com/"),
    ],
)
def test_a_link_to_the_vendor_is_not_a_detection(detector: Detector, tech: str, link: str) -> None:
    assert tech not in names(detector, f'<p>We compared vendors: <a href="{link}">{tech}</a></p>')


def test_status_page_link_counts_only_for_the_sites_own_page(detector: Detector) -> None:
    link = '<footer><a href="https://acme.statuspage.io/">Status</a></footer>'
    assert "Atlassian Statuspage" in names(detector, link)
    assert "Atlassian Statuspage" not in names(detector, link, url="https://news.example.org/a")
