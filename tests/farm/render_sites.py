"""Farm sites whose tools only show after JavaScript runs, and the vendor hosts they load.

The vendor hosts they load (Google Tag Manager, Hotjar, Segment...) are played by the farm on
loopback: see :mod:`tests.farm.vendors`.

Render-worthy sites (``truth["render_only"]`` lists what only a browser can see):

* ``gtmloaded.test``  server-rendered, only a GTM snippet; GTM injects Hotjar and the Meta pixel;
* ``spashell.test``   an empty ``<div id="root">`` filled by a bundle that sets ``window.React``
  and injects Segment, which sends its ``api.segment.io`` beacon;
* ``cdpbeacon.test``  a page with Segment's inline snippet only; Segment loads Mixpanel, whose
  ``api-js.mixpanel.com`` XHR beacon and globals appear;
* ``manyscripts.test`` 24 self-hosted scripts, one of which sets Sentry's globals.

Sites where a render adds nothing are the hand-written ones (``b2bsaas.test``...).
"""

from __future__ import annotations

from tests.farm.server import Response, Site
from tests.farm.vendors import (
    GTM_CONTAINERS,
    SEGMENT_DESTINATIONS,
    inject,
    tool_url,
    vendor_sites,
)

HTML = "text/html; charset=utf-8"
JS = "application/javascript; charset=utf-8"

GTM_CONTAINERS["GTM-K7HQ2PX"] = [tool_url("Hotjar", "3561280"), tool_url("Facebook Pixel", "")]
SEGMENT_DESTINATIONS["Zq1xA9"] = [tool_url("Mixpanel", "")]


def _js(body: str) -> Response:
    return Response(200, [("Content-Type", JS)], body)


def _html(body: str) -> Response:
    return Response(200, [("Content-Type", HTML)], body)


COPY = (
    "<p>We help mid-market manufacturers plan production, track inventory across plants and "
    "ship on time. Our planning suite connects to the ERP you already run and gives every "
    "planner the same live picture of demand, capacity and materials.</p>"
    "<p>Customers cut late orders by a third in their first quarter. Talk to our team about a "
    "pilot in one plant: most go live in six weeks, with training included.</p>"
)


def page(title: str, head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body><header><nav><a href='/'>Home</a> <a href='/pricing'>Pricing</a>"
        f"</nav></header><main><h1>{title}</h1>{body}</main></body></html>"
    )


def segment_snippet(key: str) -> str:
    return (
        "<script>!function(){var analytics=window.analytics=window.analytics||[];"
        "if(!analytics.initialize){analytics.load=function(key){var t=document.createElement"
        "('script');t.async=!0;t.src='https://cdn.segment.com/analytics.js/v1/'+key+"
        "'/analytics.min.js';document.head.appendChild(t)};"
        f"analytics.load('{key}');analytics.page()}}}}();</script>"
    )


def gtm_snippet(container: str) -> str:
    return (
        "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
        "event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;"
        "j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);"
        f"}})(window,document,'script','dataLayer','{container}');</script>"
    )


def gtmloaded() -> Site:
    gtm = gtm_snippet("GTM-K7HQ2PX")
    return Site("gtmloaded.test", {"/": _html(page("Plantwise production planning", gtm, COPY))},
                truth={"render_only": ["Hotjar", "Facebook Pixel"]})  # fmt: skip


def spashell() -> Site:
    shell = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Ledgerly</title>'
        '<script defer src="/static/js/main.4f9c2a.js"></script></head>'
        "<body><noscript>You need to enable JavaScript to run this app.</noscript>"
        '<div id="root"></div></body></html>'
    )
    bundle = (
        "window.React={version:'18.2.0'};"
        "document.getElementById('root').innerHTML='<main><h1>Ledgerly</h1>"
        "<p>Close your books in days, not weeks.</p></main>';"
        "!function(){var a=window.analytics=window.analytics||[];a.load=function(k){"
        + inject(tool_url("Segment", "Zq1xA9"))
        + "};a.load('Zq1xA9')}();"
    )
    return Site("spashell.test", {"/": _html(shell), "/static/js/main.4f9c2a.js": _js(bundle)},
                truth={"render_only": ["React", "Mixpanel"]})  # fmt: skip


def cdpbeacon() -> Site:
    return Site("cdpbeacon.test",
                {"/": _html(page("Northwind freight analytics", segment_snippet("Zq1xA9"), COPY))},
                truth={"render_only": ["Mixpanel"]})  # fmt: skip


def manyscripts() -> list[Site]:
    """25 scripts from five hosts of the company's own (one sets Sentry's globals)."""
    hosts = ("static.orbital-cdn.test", "assets.orbitalmedia.test", "widgets.orbitalapps.test",
             "js.orbitalparts.test", "cdn.orbital-static.test")  # fmt: skip
    chunks = {f"/js/chunk-{i:02d}.js": _js(f"window.__chunk{i}=true;") for i in range(5)}
    sentry = {**chunks, "/js/chunk-03.js": _js(
        "window.__SENTRY__={hub:{}};window.Sentry={SDK_VERSION:'7.119.0'};")}  # fmt: skip
    scripts = "".join(f'<script src="https://{h}{p}"></script>' for h in hosts for p in chunks)
    site = Site("manyscripts.test", {"/": _html(page("Orbital spare parts", scripts, COPY))},
                truth={"render_only": ["Sentry"]})  # fmt: skip
    return [site, *(Site(h, sentry if i == 0 else chunks, www_alias=False)
                    for i, h in enumerate(hosts))]  # fmt: skip


def render_sites() -> list[Site]:
    return [*vendor_sites(), gtmloaded(), spashell(), cdpbeacon(), *manyscripts()]
