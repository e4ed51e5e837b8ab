"""Online stores for fit-scoring tests: Shopify stores with and without a reviews tool, a
WooCommerce store, and one that moves from WooCommerce to Shopify between scans.

Each site is one home page whose install snippets are written the way the vendors ship them;
``truth["technologies"]`` is what the detectors find there (checked by the fit tests).

``brightbeans.test``   Shopify + Klaviyo + Gorgias, no reviews tool (greenfield)
``peakgear.test``      Shopify + Judge.me (a rival reviews app)
``tinytea.test``       Shopify only
``woolly.test``        WordPress + WooCommerce + Klaviyo (not on Shopify)
``replatform.test``    ``replatform_before()``: WordPress + WooCommerce + Trustpilot + Klaviyo;
                       ``replatform_after()``: Shopify + Klaviyo
"""

from __future__ import annotations

from tests.farm.server import Response, Site

HTML = "text/html; charset=utf-8"

SHOPIFY = """<link rel="stylesheet" href="//{{host}}/cdn/shop/t/3/assets/base.css?v=118" media="all">
<script src="https://cdn.shopify.com/s/files/1/0612/3456/7890/t/3/assets/global.js?v=17" defer></script>
<script>var Shopify = Shopify || {};
Shopify.shop = "__SHOP__.myshopify.com";
Shopify.locale = "en";
Shopify.currency = {"active":"USD","rate":"1.0"};</script>"""
KLAVIYO = """<script async type="text/javascript"
src="https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=Fb7Q2x"></script>"""
GORGIAS = """<script id="gorgias-chat-widget-install-v3"
src="https://config.gorgias.chat/bundle-loader/01GYCBS2ZQ3N1B5X"></script>"""
JUDGEME = """<script>jdgm = window.jdgm || {};jdgm.SHOP_DOMAIN = 'peak-gear.myshopify.com';</script>
<script data-cfasync='false' type='text/javascript' async src='https://cdn.judge.me/widget_preloader.js'></script>"""
TRUSTPILOT = """<script type="text/javascript"
src="//widget.trustpilot.com/bootstrap/v5/tp.widget.bootstrap.min.js" async></script>"""
WOOCOMMERCE = """<meta name="generator" content="WordPress 6.4.3" />
<meta name="generator" content="WooCommerce 8.5.2" />
<link rel='stylesheet' id='woocommerce-general-css'
href='/wp-content/plugins/woocommerce/assets/css/woocommerce.css?ver=8.5.2' media='all' />"""


def store_page(title: str, shop: str, *snippets: str) -> Response:
    head = "\n".join(s.replace("__SHOP__", shop) for s in snippets)
    body = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"{head}</head><body><header><h1>{title}</h1></header><main><p>Small-batch goods, "
            "shipped from our workshop since 2015. Free returns within 30 days.</p>"
            '<a href="/collections/all">Shop all</a></main></body></html>')  # fmt: skip
    return Response(200, [("Content-Type", HTML)], body)


def _store(host: str, title: str, technologies: list[str], *snippets: str) -> Site:
    shop = host.split(".", maxsplit=1)[0]
    return Site(host, {"/": store_page(title, shop, *snippets)},
                truth={"technologies": technologies})  # fmt: skip


def brightbeans() -> Site:
    return _store("brightbeans.test", "Bright Beans Coffee", ["Shopify", "Klaviyo", "Gorgias"],
                  SHOPIFY, KLAVIYO, GORGIAS)  # fmt: skip


def peakgear() -> Site:
    return _store("peakgear.test", "Peak Gear", ["Shopify", "Judge.me"], SHOPIFY, JUDGEME)


def tinytea() -> Site:
    return _store("tinytea.test", "Tiny Tea Co", ["Shopify"], SHOPIFY)


def woolly() -> Site:
    return _store("woolly.test", "Woolly Knits", ["WordPress", "WooCommerce", "Klaviyo"],
                  WOOCOMMERCE, KLAVIYO)  # fmt: skip


def replatform_before() -> Site:
    return _store("replatform.test", "Replatform Outfitters",
                  ["WordPress", "WooCommerce", "Trustpilot", "Klaviyo"],
                  WOOCOMMERCE, TRUSTPILOT, KLAVIYO)  # fmt: skip


def replatform_after() -> Site:
    return _store("replatform.test", "Replatform Outfitters", ["Shopify", "Klaviyo"],
                  SHOPIFY, KLAVIYO)  # fmt: skip


def fit_sites() -> list[Site]:
    """The stores scanned once by the fit tests (replatform.test changes, so it is apart)."""
    return [brightbeans(), peakgear(), tinytea(), woolly()]
