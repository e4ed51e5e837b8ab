"""A deterministic farm for the render benchmark: mostly static sites, some that need a browser.

``rendermix_sites(n, seed)`` returns ``n`` sites keyed by host. The mix (by site index, so it
is the same whatever ``n`` is):

* 87 %  ``co#####.test`` — generated server-rendered sites (:mod:`tests.farm.generate`), their
  tools in the HTML. Some carry Google Tag Manager, whose container (played by
  :mod:`tests.farm.vendors`) injects 1-2 more tools when the HTML shows fewer than two of the
  tools tag managers deliver, and one more tool on a fifth of the others (a render finds those,
  `auto` does not look). Calibrated on the corpus's real pages, where 77 % of the pages with a
  tag manager show at least two such tools statically (see SPARSE_GTM_KEPT);
*  5 %  ``spa#####.test`` — an empty mount node filled by a bundle (React or Vue globals), which
  may inject a chat or analytics tool;
*  3 %  ``cdp#####.test`` — Segment's snippet only; the source loads 1-2 destinations;
*  5 %  ``bun#####.test`` — 20-30 scripts from five hosts of the company's own, one of them sets
  Sentry's or Datadog's globals.

``site.truth["render_only"]`` lists the technologies only a render can show.
"""

from __future__ import annotations

import random

from tests.farm.generate import build_site, make_profile
from tests.farm.render_sites import COPY, page, segment_snippet
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
MIX = (("static", 0.87), ("spa", 0.05), ("cdp", 0.03), ("bundle", 0.05))
LOADERS = ("Google Tag Manager", "Segment")
SPARSE_LOADER_KEPT = 0.1
"""Share of the generator's sites with a loader (GTM, Segment) but fewer than two delivered
tools in the HTML that keep their loader (the others lose it): the generator draws tools
independently, which makes such sites three times as common as on the corpus's real pages
(23 % of the pages with a loader there, 75 % in the generator)."""
INJECTED_TOOLS = frozenset({"Google Analytics", "Facebook Pixel", "HubSpot", "Hotjar", "Intercom",
                            "LinkedIn Insight Tag", "Drift", "Marketo"})  # fmt: skip
"""The generator's tools that tag managers typically deliver (crawler.renderpolicy)."""
GTM_TOOLS = ("Hotjar", "Facebook Pixel", "Microsoft Clarity", "TikTok Pixel",
             "Linkedin Insight Tag")  # fmt: skip
CDP_DESTINATIONS = ("Mixpanel", "Amplitude", "FullStory", "Hotjar")
SPA_EXTRAS = ("Intercom", "Hotjar", "Segment")


def kind_of(i: int, seed: int) -> str:
    r = random.Random(f"mix:{seed}:{i}").random()
    for kind, share in MIX:
        if r < share:
            return kind
        r -= share
    return "static"


def _js(body: str) -> Response:
    return Response(200, [("Content-Type", JS)], body)


def _html(body: str) -> Response:
    return Response(200, [("Content-Type", HTML)], body)


def _static_site(i: int, seed: int, rng: random.Random) -> Site:
    """A generated site; what its GTM container injects is decided here (see the docstring)."""
    profile = make_profile(i, seed)
    shown = len(INJECTED_TOOLS & set(profile.tools))
    if shown < 2 and rng.random() >= SPARSE_LOADER_KEPT:
        for loader in LOADERS:
            profile.tools.pop(loader, None)
    site = build_site(profile)
    injected: list[str] = []
    present = {t.lower() for t in profile.tools}
    for loader, registry in (("Google Tag Manager", GTM_CONTAINERS),
                             ("Segment", SEGMENT_DESTINATIONS)):  # fmt: skip
        key = profile.tools.get(loader)
        if not key:
            continue
        missing = [t for t in GTM_TOOLS if t.lower() not in present and t not in injected]
        more: list[str] = []
        if shown < 2:
            more = rng.sample(missing, rng.randint(1, 2))
        elif rng.random() < 0.2:
            more = rng.sample(missing, 1)
        registry[key] = [tool_url(t, f"{i:07d}") for t in more]
        injected += more
    kind = "gtm" if injected and shown < 2 else "static"
    site.truth = {**site.truth, "render_only": sorted(injected), "kind": kind}
    return site


def _spa_site(i: int, rng: random.Random) -> Site:
    framework = rng.choice(("React", "Vue.js"))
    global_js = ("window.React={version:'18.3.1'};" if framework == "React"
                 else "window.Vue={version:'3.4.21'};window.__VUE__=true;")  # fmt: skip
    extras = rng.sample(SPA_EXTRAS, rng.randint(0, 1))
    bundle = global_js + "document.getElementById('app').innerHTML='<main><h1>App</h1></main>';"
    bundle += "".join(inject(tool_url(t, f"s{i:05d}")) for t in extras)
    shell = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>App</title>'
             f'<script defer src="/assets/index-{i:05d}.js"></script></head>'
             '<body><div id="app"></div></body></html>')  # fmt: skip
    render_only = {framework, *extras}
    return Site(f"spa{i:05d}.test", {"/": _html(shell), f"/assets/index-{i:05d}.js": _js(bundle)},
                truth={"render_only": sorted(render_only), "kind": "spa"})  # fmt: skip


def _cdp_site(i: int, rng: random.Random) -> Site:
    key = f"k{i:05d}"
    destinations = rng.sample(CDP_DESTINATIONS, rng.randint(1, 2))
    SEGMENT_DESTINATIONS[key] = [tool_url(t, f"{i:07d}") for t in destinations]
    body = page(f"Company {i}", segment_snippet(key), COPY)
    return Site(f"cdp{i:05d}.test", {"/": _html(body)},
                truth={"render_only": sorted(destinations), "kind": "cdp"})  # fmt: skip


def _bundle_site(i: int, rng: random.Random) -> list[Site]:
    n = rng.randint(4, 6)
    tool = rng.choice(("Sentry", "Datadog"))
    setter = ("window.__SENTRY__={hub:{}};window.Sentry={SDK_VERSION:'7.119.0'};" if tool == "Sentry"
              else "window.DD_RUM={version:'5.23.0'};")  # fmt: skip
    hosts = [f"{sub}.bun{i:05d}-{suffix}.test" for sub, suffix in
             (("static", "cdn"), ("assets", "media"), ("js", "apps"), ("cdn", "static"),
              ("widgets", "web"))]  # fmt: skip
    chunks = {f"/js/{j:02d}.js": _js(f"window.__c{j}=1;") for j in range(n)}
    with_tool = {**chunks, f"/js/{rng.randrange(n):02d}.js": _js(setter)}
    scripts = "".join(f'<script src="https://{h}{p}"></script>' for h in hosts for p in chunks)
    site = Site(f"bun{i:05d}.test", {"/": _html(page(f"Company {i}", scripts, COPY))},
                truth={"render_only": [tool], "kind": "bundle"})  # fmt: skip
    return [site, *(Site(h, with_tool if k == 0 else chunks, www_alias=False)
                    for k, h in enumerate(hosts))]  # fmt: skip


def rendermix_sites(n: int, seed: int = 1) -> dict[str, Site]:
    """``n`` account sites (plus the script hosts some of them need), keyed by host."""
    sites: list[Site] = []
    for i in range(n):
        kind = kind_of(i, seed)
        rng = random.Random(f"{kind}:{seed}:{i}")
        if kind == "static":
            sites.append(_static_site(i, seed, rng))
        elif kind == "spa":
            sites.append(_spa_site(i, rng))
        elif kind == "cdp":
            sites.append(_cdp_site(i, rng))
        else:
            sites += _bundle_site(i, rng)
    sites += vendor_sites()
    return {s.host: s for s in sites}


def account_hosts(sites: dict[str, Site]) -> list[str]:
    """The sites an account list names (not the script hosts)."""
    return [h for h, s in sites.items() if "kind" in s.truth]
