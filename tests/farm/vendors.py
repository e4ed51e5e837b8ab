"""Vendor hosts played by the farm on loopback: tag managers and the tools they inject.

A browser render of a farm site loads these as it would load the real ones (through the same
proxy): each script does what matters to detection — set the vendor's globals, inject further
scripts, send its beacon (fetch/XHR) or pixel. Nothing is fetched from the internet.

``TOOLS`` maps a technology name (as the signatures spell it) to the script URL a site or a
container injects; ``GTM_CONTAINERS`` and ``SEGMENT_DESTINATIONS`` say what a Google Tag
Manager container or a Segment source loads (filled by the site definitions).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.farm.server import Request, Response, Site

JS = "application/javascript; charset=utf-8"

TOOLS: dict[str, str] = {
    "Hotjar": "https://static.hotjar.com/c/hotjar-{id}.js?sv=6",
    "Facebook Pixel": "https://connect.facebook.net/en_US/fbevents.js",
    "Microsoft Clarity": "https://www.clarity.ms/tag/{id}",
    "TikTok Pixel": "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid={id}",
    "Linkedin Insight Tag": "https://snap.licdn.com/li.lms-analytics/insight.min.js",
    "Mixpanel": "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js",
    "Amplitude": "https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js",
    "FullStory": "https://edge.fullstory.com/s/fs.js",
    "Intercom": "https://widget.intercom.io/widget/{id}",
    "Segment": "https://cdn.segment.com/analytics.js/v1/{id}/analytics.min.js",
}
GTM_CONTAINERS: dict[str, list[str]] = {}
"""Container id -> script URLs it injects."""
SEGMENT_DESTINATIONS: dict[str, list[str]] = {}
"""Segment write key -> destination script URLs it injects."""


def inject(url: str) -> str:
    """JS that adds an async script tag for *url*, as vendor snippets do."""
    return (
        "(function(){var s=document.createElement('script');s.async=true;"
        f"s.src='{url}';document.head.appendChild(s);}})();"
    )


def tool_url(name: str, tool_id: str) -> str:
    return TOOLS[name].format(id=tool_id)


def _js(body: str) -> Response:
    return Response(200, [("Content-Type", JS), ("Cache-Control", "max-age=300")], body)


def _beacon(url: str) -> str:
    return f"fetch('{url}',{{method:'POST',body:'{{}}'}}).catch(function(){{}});"


def _pixel(url: str) -> str:
    return f"new Image().src='{url}';"


def _query(request: Request) -> dict[str, str]:
    return dict(p.split("=", 1) for p in request.query.split("&") if "=" in p)


def _gtm(request: Request) -> Response:
    container = _query(request).get("id", "")
    body = f"window.google_tag_manager=window.google_tag_manager||{{}};" \
           f"window.google_tag_manager['{container}']={{}};"  # fmt: skip
    return _js(body + "".join(inject(u) for u in GTM_CONTAINERS.get(container, [])))


def _segment(request: Request) -> Response:
    m = re.match(r"/analytics\.js/v1/([^/]+)/", request.path)
    key = m.group(1) if m else ""
    body = "window.analytics=window.analytics||[];analytics.SNIPPET_VERSION='5.2.1';"
    body += _beacon("https://api.segment.io/v1/p")
    return _js(body + "".join(inject(u) for u in SEGMENT_DESTINATIONS.get(key, [])))


def _hotjar(request: Request) -> Response:
    m = re.search(r"hotjar-(\d+)\.js", request.path)
    hjid = m.group(1) if m else "0"
    return _js("window.hj=window.hj||function(){(hj.q=hj.q||[]).push(arguments)};hj.q=hj.q||[];"
               f"window._hjSettings={{hjid:{hjid},hjsv:6}};"
               + _beacon(f"https://in.hotjar.com/api/v2/client/sites/{hjid}/visit-data?sv=6"))  # fmt: skip


def _static(body: str) -> Callable[[Request], Response]:
    return lambda _request: _js(body)


_SCRIPTS: dict[str, Callable[[Request], Response]] = {
    "www.googletagmanager.com": _gtm,
    "cdn.segment.com": _segment,
    "static.hotjar.com": _hotjar,
    "connect.facebook.net": _static(
        "window.fbq=window.fbq||function(){};window._fbq=window.fbq;fbq.version='2.9.176';"
        + _pixel("https://www.facebook.com/tr/?id=918273645501&ev=PageView&noscript=1")),
    "www.clarity.ms": _static("window.clarity=window.clarity||function(){};"
                              + _beacon("https://k.clarity.ms/collect")),
    "analytics.tiktok.com": _static("window.TiktokAnalyticsObject='ttq';window.ttq={_i:{}};"
                                    + _beacon("https://analytics.tiktok.com/api/v2/pixel")),
    "snap.licdn.com": _static("window._linkedin_data_partner_ids=['4412093'];"
                              + _pixel("https://px.ads.linkedin.com/collect/?pid=4412093&fmt=gif")),
    "cdn.mxpnl.com": _static(
        "window.mixpanel=window.mixpanel||{};mixpanel.__loaded=true;mixpanel.__SV=1.2;"
        "var x=new XMLHttpRequest();x.open('GET','https://api-js.mixpanel.com/track/?data=e30');"
        "x.send();"),
    "cdn.amplitude.com": _static("window.amplitude={getInstance:function(){return {}}};"
                                 + _beacon("https://api2.amplitude.com/2/httpapi")),
    "edge.fullstory.com": _static("window.FS={identify:function(){}};"
                                  + _beacon("https://rs.fullstory.com/rec/page")),
    "widget.intercom.io": _static("window.Intercom=window.Intercom||function(){};"),
}  # fmt: skip


def vendor_sites() -> list[Site]:
    """One site per vendor script host; every path answers that vendor's script."""
    return [Site(host, every_path=handler, www_alias=False) for host, handler in _SCRIPTS.items()]
