# ruff: noqa: PLR0911, PLR0915
"""Deterministic synthetic company websites for benchmarks.

``generate_sites(n, seed)`` returns ``{"co00000.test": Site, ...}``. Each site is described by a
small :class:`Profile` (company, platform, tools with their ids, pages, server, size) drawn from
``random.Random(f"{seed}:{i}")``, so site ``i`` is the same whatever ``n`` is; page bodies are
rendered from templates on request (nothing big is kept in memory: 5,000 sites take well under a
second and a few MB). ``site.truth`` holds the ground truth: ``company``, ``platform``,
``technologies`` (names as in the Wappalyzer database), ``ids`` (tracking ids), ``versions``,
``only_on`` (technologies whose evidence is on some pages only, e.g. an ATS on the careers page),
``pages`` and ``fault``.

``faulty_share`` of the sites (drawn from an independent stream, so profiles do not change with
it) get one fault of the fault matrix (:mod:`tests.farm.faultmatrix`, all equally likely): the
site is replaced by what plays that fault (a refused connection, a hang, a gzip bomb, a bot wall,
a parking page...; no site at all for the DNS faults, whose zones
:func:`generated_dns` leaves out or answers SERVFAIL). ``truth["fault"]`` names it.

``generate_accounts_csv(path, n, seed)`` writes the matching account list
(company, website, employees, industry, country).
"""

from __future__ import annotations

import csv
import random
import string
from dataclasses import dataclass, field
from pathlib import Path

from tests.farm.faultmatrix import BY_NAME, FAULTS
from tests.farm.server import (
    ALLOW_ALL,
    Request,
    Response,
    Site,
)

HTML = "text/html; charset=utf-8"

PLATFORMS = [  # (platform, weight)
    ("wordpress", 38),
    ("custom", 22),
    ("shopify", 15),
    ("drupal", 8),
    ("nextjs", 7),
    ("squarespace", 5),
    ("webflow", 5),
]

TOOL_RATES = {
    "Google Analytics": 0.55,
    "Google Tag Manager": 0.45,
    "jQuery": 0.40,
    "Facebook Pixel": 0.25,
    "Google Font API": 0.30,
    "HubSpot": 0.18,
    "Hotjar": 0.18,
    "LinkedIn Insight Tag": 0.12,
    "Intercom": 0.10,
    "OneTrust": 0.10,
    "Stripe": 0.08,
    "Cookiebot": 0.06,
    "Segment": 0.06,
    "Zendesk": 0.06,
    "Drift": 0.04,
    "Marketo": 0.04,
    "reCAPTCHA": 0.10,
}

ATS = ["Greenhouse", "Lever", "Workable", "Ashby"]

INDUSTRIES = {
    "wordpress": [
        "Software",
        "Professional Services",
        "Marketing & Advertising",
        "Education",
        "Non-profit",
        "Healthcare",
        "Real Estate",
        "Manufacturing",
    ],
    "custom": [
        "Software",
        "Financial Services",
        "Manufacturing",
        "Logistics",
        "Insurance",
        "Telecommunications",
        "Construction",
        "Government",
    ],
    "shopify": [
        "Retail",
        "Consumer Goods",
        "Apparel & Fashion",
        "Food & Beverages",
        "Health, Wellness & Fitness",
        "Cosmetics",
    ],
    "drupal": [
        "Higher Education",
        "Healthcare",
        "Government",
        "Non-profit",
        "Media",
        "Financial Services",
    ],
    "nextjs": [
        "Software",
        "Financial Services",
        "Internet",
        "Computer Software",
        "Artificial Intelligence",
    ],
    "squarespace": [
        "Design",
        "Hospitality",
        "Photography",
        "Restaurants",
        "Events Services",
        "Wellness",
    ],
    "webflow": ["Software", "Design", "Marketing & Advertising", "Venture Capital", "Internet"],
}

COUNTRIES = [
    ("United States", 45),
    ("United Kingdom", 10),
    ("Germany", 8),
    ("Canada", 6),
    ("France", 6),
    ("Netherlands", 4),
    ("Australia", 4),
    ("Spain", 3),
    ("Sweden", 3),
    ("India", 4),
    ("Brazil", 3),
    ("Ireland", 2),
    ("Switzerland", 2),
]

_PREFIXES = [
    "North",
    "Blue",
    "Silver",
    "Iron",
    "Bright",
    "Clear",
    "Red",
    "Green",
    "Stone",
    "River",
    "Summit",
    "Harbor",
    "Pine",
    "Cedar",
    "Oak",
    "Maple",
    "Falcon",
    "Eagle",
    "Sky",
    "Sun",
    "Star",
    "Wave",
    "Tide",
    "Frost",
    "Ember",
    "Nova",
    "Apex",
    "Vertex",
    "Atlas",
    "Orbit",
    "Lumen",
    "Quartz",
    "Cobalt",
    "Granite",
    "Willow",
    "Aspen",
    "Birch",
    "Crest",
    "Bay",
    "Elm",
]
_STEMS = [
    "field",
    "wise",
    "line",
    "path",
    "bridge",
    "gate",
    "works",
    "stack",
    "forge",
    "point",
    "spring",
    "light",
    "mark",
    "scale",
    "shift",
    "view",
    "way",
    "grid",
    "loop",
    "port",
]
_KINDS = {
    "Software": ["Software", "Labs", "Technologies", "Systems", "AI"],
    "Retail": ["Goods", "Supply Co.", "Outfitters", "Market", "Store"],
    "Consumer Goods": ["Goods", "Brands", "Co.", "Home"],
    "Apparel & Fashion": ["Apparel", "Clothing", "Studio", "Wear"],
    "Food & Beverages": ["Coffee", "Foods", "Kitchen", "Provisions", "Brewing"],
    "Healthcare": ["Health", "Medical", "Care", "Clinics"],
    "Financial Services": ["Capital", "Financial", "Pay", "Advisors"],
    "Manufacturing": ["Manufacturing", "Industries", "Fabrication", "Components"],
    "Logistics": ["Logistics", "Freight", "Transport"],
}
_GENERIC_KINDS = ["Group", "Partners", "Solutions", "Inc.", "Co.", "Agency", "Collective"]

_SENTENCES = [
    "{company} helps {audience} get more done with less effort and fewer surprises.",
    "We started in {year} with a simple idea: {audience} deserve tools that just work.",
    "Today more than {customers} customers in {countries} countries rely on us every day.",
    "Our team of {employees} people works from {city} and from home offices around the world.",
    "Every plan includes onboarding, unlimited support and a dedicated success manager.",
    "We publish our roadmap, our uptime and our pricing, because trust is earned in the open.",
    "Customers typically see results within the first thirty days, and we track them together.",
    "Security is built in from day one: encryption at rest and in transit, SSO and audit logs.",
    "We integrate with the tools you already use, so there is nothing to rip out or replace.",
    "Our support team answers in under five minutes on average, around the clock.",
    "Read how {partner} cut costs by a third in their first year with {company}.",
    "We are proud to be carbon neutral and to donate one percent of revenue to local causes.",
    "From the first call to go-live, most customers are up and running within two weeks.",
    "Questions? Our specialists are happy to walk you through a live demo with your own data.",
    "Join thousands of {audience} who switched to {company} and never looked back.",
    "{company} was named a leader in its category by independent analysts three years running.",
    "We believe great service is a product feature, and we measure it like one.",
    "Whether you are a team of five or five thousand, {company} scales with you.",
    "Our {city} headquarters is open to visitors; book a tour and meet the team.",
    "Sign up for our newsletter to get practical tips, case studies and product news monthly.",
]
_AUDIENCES = [
    "small businesses",
    "growing teams",
    "operations leaders",
    "finance teams",
    "marketers",
    "families",
    "engineers",
    "healthcare providers",
    "retailers",
    "schools",
    "manufacturers",
    "creators",
]
_CITIES = [
    "Austin",
    "Denver",
    "Boston",
    "London",
    "Berlin",
    "Toronto",
    "Amsterdam",
    "Dublin",
    "Seattle",
    "Chicago",
    "Paris",
    "Stockholm",
    "Sydney",
    "Barcelona",
    "Portland",
]
_PARTNERS = [
    "Brightline",
    "Oakmont",
    "Fathom",
    "Parcelwise",
    "Meridian",
    "Kestrel",
    "Tallgrass",
    "Beaconfield",
    "Quarry",
    "Corvid",
]

_PAGE_PATHS = {  # page kind -> path per platform family
    "wordpress": {
        "pricing": "/pricing/",
        "careers": "/careers/",
        "contact": "/contact/",
        "blog": "/blog/",
        "about": "/about/",
        "login": "/login/",
    },
    "shopify": {
        "pricing": "/collections/all",
        "careers": "/pages/careers",
        "contact": "/pages/contact",
        "blog": "/blogs/news",
        "about": "/pages/about",
        "login": "/account/login",
    },
    "other": {
        "pricing": "/pricing",
        "careers": "/careers",
        "contact": "/contact",
        "blog": "/blog",
        "about": "/about",
        "login": "/login",
    },
}
_PAGE_TITLES = {
    "home": "Home",
    "pricing": "Pricing",
    "careers": "Careers",
    "contact": "Contact",
    "blog": "Blog",
    "about": "About us",
    "login": "Log in",
}


def _token(
    rng: random.Random, n: int, alphabet: str = string.ascii_uppercase + string.digits
) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(10 ** (n - 1), 10**n - 1))


def _guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


@dataclass(slots=True)
class Profile:
    index: int
    seed: int
    host: str
    company: str
    industry: str
    country: str
    employees: int
    platform: str
    platform_version: str
    server: str
    cloudflare: bool
    gzip: bool
    tools: dict[str, str]  # technology -> id/version ("" when none)
    pages: dict[str, str]  # kind -> path
    size: int  # target home page size (bytes)
    city: str
    audience: str
    founded: int
    fault: str | None = None
    extra_truth: list[str] = field(default_factory=list)

    @property
    def technologies(self) -> list[str]:
        techs = set(self.tools) | set(self.extra_truth)
        platform_names = {
            "wordpress": ["WordPress", "PHP"],
            "shopify": ["Shopify"],
            "drupal": ["Drupal", "PHP"],
            "nextjs": ["Next.js", "React"],
            "squarespace": ["Squarespace"],
            "webflow": ["Webflow"],
            "custom": [],
        }[self.platform]
        techs.update(platform_names)
        if self.cloudflare:
            techs.add("Cloudflare")
        elif self.server.startswith("nginx"):
            techs.add("Nginx")
        elif self.server.startswith("Apache"):
            techs.add("Apache HTTP Server")
        elif self.server.startswith("Microsoft-IIS"):
            techs.update(["IIS", "Microsoft ASP.NET"])
        elif self.server.startswith("LiteSpeed"):
            techs.add("LiteSpeed")
        return sorted(techs)


def make_profile(i: int, seed: int) -> Profile:
    rng = random.Random(f"{seed}:{i}")
    platform = _weighted(rng, PLATFORMS)
    industry = rng.choice(INDUSTRIES[platform])
    kinds = _KINDS.get(industry, _GENERIC_KINDS)
    company = f"{rng.choice(_PREFIXES)}{rng.choice(_STEMS)} {rng.choice(kinds)}"
    country = _weighted(rng, COUNTRIES)
    employees = int(min(50_000, max(2, rng.lognormvariate(3.8, 1.5))))

    version = {
        "wordpress": rng.choice(["6.4.3", "6.5.2", "6.5.5", "6.6.1", "6.6.2", "6.3.2", "5.9.8"]),
        "drupal": rng.choice(["9", "10", "10", "10"]),
        "nextjs": "",
        "shopify": "",
        "squarespace": "",
        "webflow": "",
        "custom": "",
    }[platform]

    cloudflare = rng.random() < (0.75 if platform == "nextjs" else 0.30)
    if platform == "shopify":
        server, cloudflare = "cloudflare", True
    elif platform == "squarespace":
        server, cloudflare = "Squarespace", False
    elif cloudflare:
        server = "cloudflare"
    elif platform == "custom":
        server = rng.choice(
            [
                "nginx",
                "nginx/1.24.0",
                "Apache",
                "Apache/2.4.58 (Debian)",
                "Microsoft-IIS/10.0",
                "LiteSpeed",
            ]
        )
    elif platform == "webflow":
        server, cloudflare = "cloudflare", True
    else:
        server = rng.choice(["nginx", "Apache", "LiteSpeed", "nginx/1.22.1"])

    tools: dict[str, str] = {}
    for tool, rate in TOOL_RATES.items():
        if rng.random() < rate:
            tools[tool] = ""
    if "Google Analytics" in tools:
        tools["Google Analytics"] = "G-" + _token(rng, 10)
    if "Google Tag Manager" in tools:
        tools["Google Tag Manager"] = "GTM-" + _token(rng, 7)
    if "Facebook Pixel" in tools:
        tools["Facebook Pixel"] = _digits(rng, 15)
    if "HubSpot" in tools:
        tools["HubSpot"] = _digits(rng, rng.choice([6, 7, 8]))
    if "Hotjar" in tools:
        tools["Hotjar"] = _digits(rng, 7)
    if "Intercom" in tools:
        tools["Intercom"] = _token(rng, 8, string.ascii_lowercase + string.digits)
    if "LinkedIn Insight Tag" in tools:
        tools["LinkedIn Insight Tag"] = _digits(rng, 7)
    if "OneTrust" in tools:
        tools["OneTrust"] = _guid(rng)
    if "Cookiebot" in tools:
        tools.pop("OneTrust", None)
        tools["Cookiebot"] = _guid(rng)
    if "Segment" in tools:
        tools["Segment"] = _token(rng, 32, string.ascii_letters + string.digits)
    if "Zendesk" in tools:
        tools["Zendesk"] = _guid(rng)
    if "Drift" in tools:
        tools.pop("Intercom", None)
        tools["Drift"] = _token(rng, 12, string.ascii_lowercase + string.digits)
    if "Marketo" in tools:
        tools["Marketo"] = (
            f"{_digits(rng, 3)}-{_token(rng, 3, string.ascii_uppercase)}-{_digits(rng, 3)}"
        )
    if "jQuery" in tools or platform == "wordpress":
        tools["jQuery"] = (
            "3.7.1"
            if platform == "wordpress"
            else rng.choice(["1.12.4", "2.2.4", "3.5.1", "3.6.0", "3.6.4", "3.7.1"])
        )

    extra: list[str] = []
    if platform == "shopify":
        if rng.random() < 0.45:
            tools["Klaviyo"] = _token(rng, 6, string.ascii_letters + string.digits)
        if rng.random() < 0.25:
            tools["Yotpo"] = _token(rng, 40, string.ascii_letters + string.digits)
    if platform == "wordpress":
        if rng.random() < 0.5:
            tools["Yoast SEO"] = rng.choice(["21.7", "22.3", "23.1"])
        if rng.random() < 0.3:
            tools["Elementor"] = rng.choice(["3.18.3", "3.21.5", "3.23.4"])
        if rng.random() < 0.1:
            tools["WooCommerce"] = rng.choice(["8.4.0", "8.9.3", "9.1.2"])
    if platform == "custom" and rng.random() < 0.35:
        tools["Bootstrap"] = rng.choice(["3.4.1", "4.6.2", "5.3.2"])
    if platform == "custom" and server.startswith("Microsoft-IIS"):
        extra.append("Microsoft ASP.NET")

    family = {"wordpress": "wordpress", "shopify": "shopify"}.get(platform, "other")
    kinds = ["pricing", "careers", "contact", "blog", "about"]
    rng.shuffle(kinds)
    chosen = sorted(kinds[: rng.randint(3, 5)])
    if rng.random() < 0.3:
        chosen.append("login")
    pages = {kind: _PAGE_PATHS[family][kind] for kind in chosen}
    if "careers" in pages and rng.random() < 0.5:
        tools[rng.choice(ATS)] = company.split(maxsplit=1)[0].lower()
    if "contact" not in pages:
        tools.pop("reCAPTCHA", None)  # its widget lives on the contact page

    return Profile(
        index=i,
        seed=seed,
        host=f"co{i:05d}.test",
        company=company,
        industry=industry,
        country=country,
        employees=employees,
        platform=platform,
        platform_version=version,
        server=server,
        cloudflare=cloudflare,
        gzip=rng.random() < 0.6,
        tools=tools,
        pages=pages,
        size=int(rng.uniform(6_000, 30_000)),
        city=rng.choice(_CITIES),
        audience=rng.choice(_AUDIENCES),
        founded=rng.randint(1985, 2022),
        extra_truth=extra,
    )


# ---------------------------------------------------------------------------------------------
# Snippets (as vendors ship them)
# ---------------------------------------------------------------------------------------------


def _head_snippets(p: Profile, kind: str) -> list[str]:
    t = p.tools
    out: list[str] = []
    if "OneTrust" in t:
        out.append(
            f"<!-- OneTrust Cookies Consent Notice start for {p.host} -->\n"
            '<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"  '
            f'type="text/javascript" charset="UTF-8" data-domain-script="{t["OneTrust"]}" ></script>\n'
            '<script type="text/javascript">\nfunction OptanonWrapper() { }\n</script>\n'
            f"<!-- OneTrust Cookies Consent Notice end for {p.host} -->"
        )
    if "Cookiebot" in t:
        out.append(
            '<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" '
            f'data-cbid="{t["Cookiebot"]}" data-blockingmode="auto" type="text/javascript"></script>'
        )
    if "Google Tag Manager" in t:
        out.append(
            "<!-- Google Tag Manager -->\n<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':\n"
            "new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],\n"
            "j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=\n"
            "'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);\n"
            f"}})(window,document,'script','dataLayer','{t['Google Tag Manager']}');</script>\n"
            "<!-- End Google Tag Manager -->"
        )
    if "Google Analytics" in t:
        gid = t["Google Analytics"]
        out.append(
            "<!-- Google tag (gtag.js) -->\n"
            f'<script async src="https://www.googletagmanager.com/gtag/js?id={gid}"></script>\n'
            "<script>\n  window.dataLayer = window.dataLayer || [];\n"
            "  function gtag(){dataLayer.push(arguments);}\n  gtag('js', new Date());\n\n"
            f"  gtag('config', '{gid}');\n</script>"
        )
    if "Google Font API" in t:
        out.append(
            '<link rel="preconnect" href="https://fonts.googleapis.com">'
            '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>'
            '<link href="https://fonts.googleapis.com/css2?family=Inter:wght@400;600;700&display=swap" '
            'rel="stylesheet">'
        )
    if "Bootstrap" in t:
        out.append(
            f'<link href="https://cdn.jsdelivr.net/npm/bootstrap@{t["Bootstrap"]}/dist/css/'
            'bootstrap.min.css" rel="stylesheet" crossorigin="anonymous">'
        )
    if "jQuery" in t and p.platform != "wordpress":
        v = t["jQuery"]
        src = [
            f"https://code.jquery.com/jquery-{v}.min.js",
            f"https://ajax.googleapis.com/ajax/libs/jquery/{v}/jquery.min.js",
            f"https://cdnjs.cloudflare.com/ajax/libs/jquery/{v}/jquery.min.js",
        ][p.index % 3]
        out.append(f'<script src="{src}"></script>')
    if "Facebook Pixel" in t:
        px = t["Facebook Pixel"]
        out.append(
            "<!-- Meta Pixel Code -->\n<script>\n!function(f,b,e,v,n,t,s)\n"
            "{if(f.fbq)return;n=f.fbq=function(){n.callMethod?\n"
            "n.callMethod.apply(n,arguments):n.queue.push(arguments)};\n"
            "if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';\n"
            "n.queue=[];t=b.createElement(e);t.async=!0;\nt.src=v;s=b.getElementsByTagName(e)[0];\n"
            "s.parentNode.insertBefore(t,s)}(window, document,'script',\n"
            "'https://connect.facebook.net/en_US/fbevents.js');\n"
            f"fbq('init', '{px}');\nfbq('track', 'PageView');\n</script>\n"
            '<noscript><img height="1" width="1" style="display:none"\n'
            f'src="https://www.facebook.com/tr?id={px}&ev=PageView&noscript=1"\n/></noscript>\n'
            "<!-- End Meta Pixel Code -->"
        )
    if "Hotjar" in t:
        out.append(
            f"<!-- Hotjar Tracking Code for {p.host} -->\n<script>\n"
            "    (function(h,o,t,j,a,r){\n"
            "        h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};\n"
            f"        h._hjSettings={{hjid:{t['Hotjar']},hjsv:6}};\n"
            "        a=o.getElementsByTagName('head')[0];\n"
            "        r=o.createElement('script');r.async=1;\n"
            "        r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;\n"
            "        a.appendChild(r);\n"
            "    })(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');\n</script>"
        )
    if "Segment" in t:
        key = t["Segment"]
        out.append(
            '<script>\n  !function(){var i="analytics",analytics=window[i]=window[i]||[];'
            "if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&"
            'console.error("Segment snippet included twice.");else{analytics.invoked=!0;'
            'analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview",'
            '"identify","reset","group","track","ready","alias","debug","page","screen","once","off",'
            '"on"];analytics.factory=function(e){return function(){var n=Array.prototype.slice.call('
            "arguments);n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics."
            "methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}"
            'analytics.load=function(key,n){var t=document.createElement("script");t.type='
            '"text/javascript";t.async=!0;t.src="https://cdn.segment.com/analytics.js/v1/" + key + '
            '"/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.'
            f'insertBefore(t,r);analytics._loadOptions=n}};analytics._writeKey="{key}";'
            f'analytics.SNIPPET_VERSION="5.2.0";\n  analytics.load("{key}");\n  analytics.page();\n'
            "  }}();\n</script>"
        )
    if "Stripe" in t and kind in ("home", "pricing"):
        out.append('<script src="https://js.stripe.com/v3/"></script>')
    if "Marketo" in t:
        out.append(
            '<script type="text/javascript">\n(function() {\n  var didInit = false;\n'
            "  function initMunchkin() {\n    if(didInit === false) {\n      didInit = true;\n"
            f"      Munchkin.init('{t['Marketo']}');\n    }}\n  }}\n"
            "  var s = document.createElement('script');\n  s.type = 'text/javascript';\n"
            "  s.async = true;\n  s.src = '//munchkin.marketo.net/munchkin.js';\n"
            "  s.onreadystatechange = function() {\n"
            "    if (this.readyState == 'complete' || this.readyState == 'loaded') {\n"
            "      initMunchkin();\n    }\n  };\n  s.onload = initMunchkin;\n"
            "  document.getElementsByTagName('head')[0].appendChild(s);\n})();\n</script>"
        )
    return out


def _body_snippets(p: Profile, kind: str) -> list[str]:
    t = p.tools
    out: list[str] = []
    if "Google Tag Manager" in t:
        out.append(
            '<!-- Google Tag Manager (noscript) -->\n<noscript><iframe src="https://www.'
            f'googletagmanager.com/ns.html?id={t["Google Tag Manager"]}"\nheight="0" width="0" '
            'style="display:none;visibility:hidden"></iframe></noscript>\n'
            "<!-- End Google Tag Manager (noscript) -->"
        )
    if "HubSpot" in t:
        out.append(
            "<!-- Start of HubSpot Embed Code -->\n"
            '<script type="text/javascript" id="hs-script-loader" async defer '
            f'src="//js.hs-scripts.com/{t["HubSpot"]}.js"></script>\n'
            "<!-- End of HubSpot Embed Code -->"
        )
    if "Intercom" in t:
        app = t["Intercom"]
        out.append(
            '<script>\n  window.intercomSettings = {\n    api_base: "https://api-iam.intercom.io",\n'
            f'    app_id: "{app}"\n  }};\n</script>\n<script>\n'
            f"// We pre-filled your app ID in the widget URL: 'https://widget.intercom.io/widget/{app}'\n"
            "(function(){var w=window;var ic=w.Intercom;if(typeof ic===\"function\"){ic('reattach_activator');"
            "ic('update',w.intercomSettings);}else{var d=document;var i=function(){i.c(arguments);};"
            "i.q=[];i.c=function(args){i.q.push(args);};w.Intercom=i;var l=function(){var s=d."
            "createElement('script');s.type='text/javascript';s.async=true;"
            f"s.src='https://widget.intercom.io/widget/{app}';var x=d.getElementsByTagName('script')[0];"
            "x.parentNode.insertBefore(s,x);};if(document.readyState==='complete'){l();}else if"
            "(w.attachEvent){w.attachEvent('onload',l);}else{w.addEventListener('load',l,false);}}})();\n"
            "</script>"
        )
    if "Drift" in t:
        out.append(
            '<!-- Start of Async Drift Code -->\n<script>\n"use strict";\n\n!function() {\n'
            "  var t = window.driftt = window.drift = window.driftt || [];\n  if (!t.init) {\n"
            "    if (t.invoked) return void (window.console && console.error && console.error("
            '"Drift snippet included twice."));\n    t.invoked = !0, t.methods = [ "identify", '
            '"config", "track", "reset", "debug", "show", "ping", "page", "hide", '
            '"off", "on" ], \n    t.factory = function(e) {\n      return function() {\n'
            "        var n = Array.prototype.slice.call(arguments);\n"
            "        return n.unshift(e), t.push(n), t;\n      };\n    }, t.methods.forEach("
            "function(e) {\n      t[e] = t.factory(e);\n    }), t.load = function(t) {\n"
            "      var e = 3e5, n = Math.ceil(new Date() / e) * e, o = document.createElement("
            '"script");\n      o.type = "text/javascript", o.async = !0, o.crossorigin = '
            '"anonymous", o.src = "https://js.driftt.com/include/" + n + "/" + t + ".js";\n'
            '      var i = document.getElementsByTagName("script")[0];\n'
            "      i.parentNode.insertBefore(o, i);\n    };\n  }\n}();\n"
            f"drift.SNIPPET_VERSION = '0.3.1';\ndrift.load('{t['Drift']}');\n</script>\n"
            "<!-- End of Async Drift Code -->"
        )
    if "Zendesk" in t:
        out.append(
            f"<!-- Start of {p.host.split('.', 1)[0]} Zendesk Widget script -->\n"
            '<script id="ze-snippet" src="https://static.zdassets.com/ekr/snippet.js?key='
            f'{t["Zendesk"]}"> </script>\n<!-- End of Zendesk Widget script -->'
        )
    if "LinkedIn Insight Tag" in t:
        pid = t["LinkedIn Insight Tag"]
        out.append(
            f'<script type="text/javascript">\n_linkedin_partner_id = "{pid}";\n'
            "window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];\n"
            "window._linkedin_data_partner_ids.push(_linkedin_partner_id);\n</script>"
            '<script type="text/javascript">\n(function(l) {\nif (!l){window.lintrk = function(a,b)'
            "{window.lintrk.q.push([a,b])};\nwindow.lintrk.q=[]}\nvar s = document."
            'getElementsByTagName("script")[0];\nvar b = document.createElement("script");\n'
            'b.type = "text/javascript";b.async = true;\n'
            'b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js";\n'
            "s.parentNode.insertBefore(b, s);})(window.lintrk);\n</script>\n<noscript>\n"
            '<img height="1" width="1" style="display:none;" alt="" '
            f'src="https://px.ads.linkedin.com/collect/?pid={pid}&fmt=gif" />\n</noscript>'
        )
    if "Klaviyo" in t:
        out.append(
            '<script async type="text/javascript" src="https://static.klaviyo.com/onsite/js/'
            f'klaviyo.js?company_id={t["Klaviyo"]}"></script>'
        )
    if "Yotpo" in t:
        out.append(
            '<script type="text/javascript">(function e(){var e=document.createElement("script");'
            'e.type="text/javascript",e.async=true,e.src="//staticw2.yotpo.com/'
            f'{t["Yotpo"]}/widget.js";var t=document.getElementsByTagName("script")[0];'
            "t.parentNode.insertBefore(e,t)})();</script>"
        )
    if "Bootstrap" in t:
        out.append(
            f'<script src="https://cdn.jsdelivr.net/npm/bootstrap@{t["Bootstrap"]}/dist/js/'
            'bootstrap.bundle.min.js" crossorigin="anonymous"></script>'
        )
    if "reCAPTCHA" in t and kind == "contact":
        out.append('<script src="https://www.google.com/recaptcha/api.js" async defer></script>')
    return out


def _platform_head(p: Profile, kind: str) -> str:
    h = p.host
    if p.platform == "wordpress":
        v = p.platform_version
        parts = []
        if "Yoast SEO" in p.tools:
            parts.append(
                f"<!-- This site is optimized with the Yoast SEO plugin v{p.tools['Yoast SEO']} - "
                "https://yoast.com/wordpress/plugins/seo/ -->\n"
                f'<meta property="og:site_name" content="{p.company}" />\n'
                '<script type="application/ld+json" class="yoast-schema-graph">{"@context":'
                f'"https://schema.org","@graph":[{{"@type":"Organization","name":"{p.company}"}}]}}'
                "</script>\n<!-- / Yoast SEO plugin. -->"
            )
        parts.append(
            f"<link rel='stylesheet' id='wp-block-library-css' href='/wp-includes/css/dist/"
            f"block-library/style.min.css?ver={v}' media='all' />\n"
            "<link rel='stylesheet' id='theme-style-css' href='/wp-content/themes/astra/assets/"
            "css/minified/main.min.css?ver=4.6.4' media='all' />\n"
            '<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js">'
            "</script>\n"
            '<script src="/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1" '
            'id="jquery-migrate-js"></script>\n'
            '<link rel="https://api.w.org/" href="/wp-json/" />\n'
            f'<meta name="generator" content="WordPress {v}" />'
        )
        if "Elementor" in p.tools:
            ev = p.tools["Elementor"]
            parts.append(
                f'<meta name="generator" content="Elementor {ev}; features: e_optimized_assets_'
                'loading; settings: css_print_method-external, google_font-enabled" />\n'
                "<link rel='stylesheet' id='elementor-frontend-css' href='/wp-content/plugins/"
                f"elementor/assets/css/frontend-lite.min.css?ver={ev}' media='all' />"
            )
        if "WooCommerce" in p.tools:
            wv = p.tools["WooCommerce"]
            parts.append(
                "<link rel='stylesheet' id='woocommerce-general-css' href='/wp-content/plugins/"
                f"woocommerce/assets/css/woocommerce.css?ver={wv}' media='all' />\n"
                f'<meta name="generator" content="WooCommerce {wv}" />'
            )
        return "\n".join(parts)
    if p.platform == "shopify":
        shop = p.host.split(".")[0]
        return (
            '<link rel="preconnect" href="https://cdn.shopify.com" crossorigin>\n'
            f'<script>var Shopify = Shopify || {{}};\nShopify.shop = "{shop}.myshopify.com";\n'
            'Shopify.locale = "en";\nShopify.currency = {"active":"USD","rate":"1.0"};\n'
            'Shopify.theme = {"name":"Dawn","id":13' + f"{p.index:08d}" + ',"schema_name":"Dawn",'
            '"schema_version":"13.0.1","theme_store_id":887,"role":"main"};\n'
            'Shopify.routes = Shopify.routes || {};\nShopify.routes.root = "/";</script>\n'
            f'<script src="//cdn.shopify.com/s/files/1/0{p.index:03d}/{p.index % 9000 + 1000}/'
            f'{p.index:04d}/t/3/assets/global.js?v=1712345678" defer="defer"></script>\n'
            "<script>window.ShopifyAnalytics = window.ShopifyAnalytics || {};</script>\n"
            '<script async src="https://cdn.shopify.com/s/trekkie.storefront.'
            'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678.min.js"></script>'
        )
    if p.platform == "drupal":
        return (
            f'<meta name="Generator" content="Drupal {p.platform_version} (https://www.drupal.org)" />\n'
            '<link rel="stylesheet" media="all" href="/sites/default/files/css/css_'
            f'{p.index:06d}abcdefghijklmnop.css?delta=0&amp;language=en" />\n'
            '<script type="application/json" data-drupal-selector="drupal-settings-json">'
            '{"path":{"baseUrl":"\\/","pathPrefix":"","currentLanguage":"en"}}</script>'
        )
    if p.platform == "nextjs":
        return (
            '<meta name="next-head-count" content="8"/>'
            '<link rel="preload" href="/_next/static/css/0d9f1c2e3a4b5c6d.css" as="style"/>'
            '<link rel="stylesheet" href="/_next/static/css/0d9f1c2e3a4b5c6d.css" data-n-g=""/>'
            '<script src="/_next/static/chunks/webpack-59c5c889f52620d6.js" defer=""></script>'
            '<script src="/_next/static/chunks/framework-5429a50ba5373c56.js" defer=""></script>'
            '<script src="/_next/static/chunks/main-d2ba44903cd47711.js" defer=""></script>'
        )
    if p.platform == "squarespace":
        return (
            f"<!-- This is Squarespace. --><!-- {p.host.split('.')[0]} -->\n"
            '<script type="text/javascript" src="//assets.squarespace.com/universal/scripts-'
            'compressed/extract-css-runtime-3f7c1a9e2b5d8046-min.en-US.js"></script>\n'
            '<link rel="stylesheet" type="text/css" href="https://static1.squarespace.com/static/'
            f'versioned-site-css/6{p.index:07d}a1b2c3d4e5f6a7b8/1/site.css"/>\n'
            '<script>Static.SQUARESPACE_CONTEXT = {"facebookAppId":"314192535267336",'
            '"templateId":"5c5a519771c10ba3470d8101"};</script>'
        )
    if p.platform == "webflow":
        return (
            '<meta content="Webflow" name="generator"/>\n'
            f'<link href="https://assets.website-files.com/6{p.index:07d}f1e2d3c4b5a6978/css/'
            f'{h.split(".")[0]}.webflow.css" rel="stylesheet" type="text/css"/>'
        )
    return ""


def _platform_body_end(p: Profile, kind: str) -> str:
    if p.platform == "nextjs":
        return (
            '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}},'
            f'"page":"{"/" if kind == "home" else p.pages.get(kind, "/")}","query":{{}},'
            '"buildId":"Gk2mQ8xZ4vW1nR7tY3bLc","nextExport":false,"isFallback":false,"gsp":true,'
            '"scriptLoader":[]}</script>'
        )
    if p.platform == "webflow":
        return (
            '<script src="https://d3e54v103j8qbb.cloudfront.net/js/jquery-3.5.1.min.dc5e7f18c8.js'
            '?site=6a1b2c3d4e5f6a7b8c9d0e1f" type="text/javascript" crossorigin="anonymous"></script>'
            f'<script src="https://assets.website-files.com/6{p.index:07d}f1e2d3c4b5a6978/js/'
            'webflow.a1b2c3d4e.js" type="text/javascript"></script>'
        )
    if p.platform == "squarespace":
        return '<script type="text/javascript">Squarespace.afterBodyLoad(Y);</script>'
    if p.platform == "wordpress":
        return (
            '<script src="/wp-content/themes/astra/assets/js/minified/frontend.min.js?ver=4.6.4" '
            'id="astra-theme-js-js"></script>'
        )
    return ""


def _html_open(p: Profile) -> str:
    if p.platform == "webflow":
        return (
            f'<html data-wf-domain="{p.host}" data-wf-page="6{p.index:07d}aa11bb22cc33dd44" '
            f'data-wf-site="6{p.index:07d}f1e2d3c4b5a6978" lang="en">'
        )
    return '<html lang="en">'


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _sentences(p: Profile, rng: random.Random, n: int) -> list[str]:
    subs = {
        "company": p.company,
        "audience": p.audience,
        "year": str(p.founded),
        "customers": f"{(p.index * 37) % 9000 + 120:,}",
        "countries": str(p.index % 60 + 3),
        "employees": str(p.employees),
        "city": p.city,
        "partner": rng.choice(_PARTNERS),
    }
    return [rng.choice(_SENTENCES).format(**subs) for _ in range(n)]


def _main_content(p: Profile, kind: str, rng: random.Random, target: int) -> str:
    title = p.company if kind == "home" else _PAGE_TITLES[kind]
    parts = [f"<h1>{title}</h1>"]
    if kind == "pricing":
        for plan, price in (
            ("Starter", rng.choice([0, 9, 19, 29])),
            ("Business", rng.choice([49, 79, 99])),
            ("Enterprise", None),
        ):
            label = "Contact us" if price is None else f"${price}/month"
            parts.append(f'<div class="plan"><h3>{plan}</h3><p class="price">{label}</p></div>')
    elif kind == "careers":
        ats = next((a for a in ATS if a in p.tools), None)
        slug = p.tools.get(ats, "") if ats else ""
        base = {
            "Greenhouse": f"https://boards.greenhouse.io/{slug}",
            "Lever": f"https://jobs.lever.co/{slug}",
            "Workable": f"https://apply.workable.com/{slug}/",
            "Ashby": f"https://jobs.ashbyhq.com/{slug}",
        }.get(ats or "", "/careers/apply")
        for j, role in enumerate(
            rng.sample(
                [
                    "Software Engineer",
                    "Account Executive",
                    "Customer Success Manager",
                    "Product Designer",
                    "Marketing Manager",
                    "Data Analyst",
                    "Operations Associate",
                ],
                3,
            )
        ):
            parts.append(f'<div class="job"><a href="{base}/{j + 4000100}">{role}</a></div>')
    elif kind == "contact":
        parts.append(
            '<form method="post" action="/contact"><label>Name <input name="name"></label>'
            '<label>Email <input type="email" name="email"></label>'
            '<label>Message <textarea name="message"></textarea></label>'
            '<button type="submit">Send</button></form>'
        )
    elif kind == "login":
        parts.append(
            '<form method="post" action="/login"><input type="email" name="email">'
            '<input type="password" name="password"><button>Log in</button></form>'
        )
    size = sum(map(len, parts))
    section = 0
    while size < target:
        section += 1
        para = " ".join(_sentences(p, rng, rng.randint(3, 6)))
        chunk = f"<section><h2>{rng.choice(_SECTION_TITLES)}</h2><p>{para}</p></section>"
        parts.append(chunk)
        size += len(chunk)
    return "\n".join(parts)


_SECTION_TITLES = [
    "Why us",
    "How it works",
    "Our story",
    "What customers say",
    "Features",
    "Get started",
    "Built for teams",
    "Our values",
    "Support",
    "Security",
    "Integrations",
    "News",
    "Frequently asked questions",
    "Locations",
]


def render_page(p: Profile, kind: str) -> str:
    rng = random.Random(f"{p.seed}:{p.index}:{kind}")
    nav = " ".join(f'<a href="{path}">{_PAGE_TITLES[k]}</a>' for k, path in p.pages.items())
    target = p.size if kind == "home" else int(p.size * rng.uniform(0.5, 0.9))
    head = "\n".join([_platform_head(p, kind), *_head_snippets(p, kind)])
    body_end = "\n".join([*_body_snippets(p, kind), _platform_body_end(p, kind)])
    title = p.company if kind == "home" else f"{_PAGE_TITLES[kind]} | {p.company}"
    return (
        f'<!DOCTYPE html>\n{_html_open(p)}\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<meta name="description" content="{p.company}: {p.industry.lower()} for {p.audience}.">\n'
        f'{head}\n</head>\n<body class="page-{kind}">\n'
        f'<header><a class="logo" href="/">{p.company}</a><nav><a href="/">Home</a> {nav}</nav>'
        "</header>\n<main>\n"
        f"{_main_content(p, kind, rng, target)}\n</main>\n"
        f"<footer><p>&copy; 2024 {p.company} &middot; {p.city}, {p.country}</p>"
        f"<p>{nav}</p></footer>\n{body_end}\n</body>\n</html>\n"
    )


def _headers(p: Profile) -> list[tuple[str, str]]:
    h: list[tuple[str, str]] = [("Server", p.server)]
    if p.cloudflare:
        h.append(("CF-RAY", f"{p.index:016x}-{['SJC', 'IAD', 'FRA', 'LHR', 'AMS'][p.index % 5]}"))
        h.append(("CF-Cache-Status", "DYNAMIC"))
    if p.platform == "wordpress":
        if not p.cloudflare:
            h.append(
                ("X-Powered-By", f"PHP/{['8.1.27', '8.2.15', '7.4.33', '8.3.4'][p.index % 4]}")
            )
        h.append(("Link", f'<https://{p.host}/wp-json/>; rel="https://api.w.org/"'))
    elif p.platform == "drupal":
        h.append(("X-Generator", f"Drupal {p.platform_version} (https://www.drupal.org)"))
        h.append(("X-Drupal-Cache", "HIT"))
    elif p.platform == "shopify":
        h.extend(
            [
                ("powered-by", "Shopify"),
                ("x-shopid", str(50_000_000_000 + p.index)),
                ("x-shopify-stage", "production"),
                (
                    "Set-Cookie",
                    f"_shopify_y={p.index:08x}-1f2e-4d3c-8b9a-{p.index:012x}; "
                    f"Path=/; Domain={p.host}; SameSite=Lax",
                ),
                ("Set-Cookie", "localization=US; Path=/; SameSite=Lax"),
            ]
        )
    elif p.platform == "nextjs":
        h.append(("X-Powered-By", "Next.js"))
    elif p.platform == "custom" and p.server.startswith("Microsoft-IIS"):
        h.extend([("X-Powered-By", "ASP.NET"), ("X-AspNet-Version", "4.0.30319")])
    elif p.platform == "webflow":
        h.append(("x-wf-region", "us-east-1"))
    return h


def _robots(p: Profile) -> str:
    if p.platform == "wordpress":
        return (
            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
            f"Sitemap: https://{p.host}/wp-sitemap.xml\n"
        )
    if p.platform == "shopify":
        return (
            "# we use Shopify as our ecommerce platform\n\nUser-agent: *\nDisallow: /admin\n"
            "Disallow: /cart\nDisallow: /checkout\nDisallow: /account\nDisallow: /search\n"
            f"Sitemap: https://{p.host}/sitemap.xml\n"
        )
    if p.platform == "drupal":
        return "User-agent: *\nDisallow: /core/\nDisallow: /admin/\nDisallow: /user/login\n"
    return ALLOW_ALL


def _page_factory(p: Profile, kind: str) -> Response:
    def body(_request: Request) -> str:
        return render_page(p, kind)

    return Response(200, [("Content-Type", HTML)], body)


_VERSIONED = {"jQuery", "Yoast SEO", "Elementor", "WooCommerce", "Bootstrap"}


def _versions(p: Profile) -> dict[str, str]:
    versions = {k: v for k, v in p.tools.items() if k in _VERSIONED}
    if p.platform in ("wordpress", "drupal"):
        versions["WordPress" if p.platform == "wordpress" else "Drupal"] = p.platform_version
    return versions


def _only_on(p: Profile) -> dict[str, list[str]]:
    """Technologies whose evidence is on some pages only (the rest are on every page)."""
    only: dict[str, list[str]] = {}
    for ats in ATS:
        if ats in p.tools:
            only[ats] = [p.pages["careers"]]
    if "reCAPTCHA" in p.tools:
        only["reCAPTCHA"] = [p.pages["contact"]]
    if "Stripe" in p.tools:
        only["Stripe"] = ["/"] + ([p.pages["pricing"]] if "pricing" in p.pages else [])
    return only


def build_site(p: Profile, latency_ms: float = 0) -> Site:
    pages: dict[str, object] = {"/": _page_factory(p, "home")}
    for kind, path in p.pages.items():
        pages[path] = _page_factory(p, kind)
    truth: dict[str, object] = {
        "company": p.company,
        "platform": p.platform,
        "technologies": p.technologies,
        "ids": {k: v for k, v in p.tools.items() if v and k not in _VERSIONED},
        "versions": _versions(p),
        "only_on": _only_on(p),
        "pages": dict(p.pages),
        "fault": p.fault,
    }
    return Site(
        p.host,
        pages,  # type: ignore[arg-type]
        robots=_robots(p),
        headers=_headers(p),
        latency=latency_ms / 1000 if latency_ms else None,
        gzip=p.gzip,
        truth=truth,
    )


def fault_for(i: int, seed: int, faulty_share: float) -> str | None:
    """The fault-matrix fault of generated site `i`, or None (a working site)."""
    if faulty_share <= 0:
        return None
    rng = random.Random(f"{seed}:{i}:fault")
    if rng.random() >= faulty_share:
        return None
    return rng.choice(FAULTS).name


def _sites_of(p: Profile, latency_ms: float) -> list[Site]:
    """The site(s) that play profile `p`: its own, or those of its fault."""
    if not p.fault:
        return [build_site(p, latency_ms)]
    truth = {**build_site(p).truth, "fault": p.fault}
    sites = BY_NAME[p.fault].sites(p.host)
    for site in sites:
        site.truth = truth
    return sites


def generate_profiles(n: int, seed: int, faulty_share: float = 0.0) -> list[Profile]:
    profiles = []
    for i in range(n):
        p = make_profile(i, seed)
        p.fault = fault_for(i, seed, faulty_share)
        profiles.append(p)
    return profiles


def generate_sites(
    n: int, seed: int, latency_ms: float = 0, faulty_share: float = 0.0
) -> dict[str, Site]:
    """``n`` synthetic sites ``co00000.test`` .. keyed by host (see module docstring)."""
    return {site.host: site for p in generate_profiles(n, seed, faulty_share)
            for site in _sites_of(p, latency_ms)}  # fmt: skip


def generated_dns(n: int, seed: int, faulty_share: float = 0.0) -> tuple[list[str], set[str]]:
    """(zone texts, SERVFAIL domains) of the ``n`` generated sites, DNS faults included."""
    from tests.farm.zones import generated_zone

    zones, servfail = [], set()
    for i in range(n):
        fault = fault_for(i, seed, faulty_share)
        dns = BY_NAME[fault].dns if fault else "ok"
        if dns == "ok":
            zones.append(generated_zone(i))
        elif dns == "servfail":
            servfail.add(f"co{i:05d}.test")
    return zones, servfail


def _website(p: Profile) -> str:
    """How the account list spells the website: mostly bare domains, some as people type them."""
    r = (p.index * 7919 + p.seed) % 20
    if r < 14:
        return p.host
    if r < 17:
        return f"www.{p.host}"
    if r < 19:
        return f"http://{p.host}"
    return f"https://{p.host}/"


def generate_accounts_csv(path: str | Path, n: int, seed: int, style: str = "mixed") -> Path:
    """Write ``company,website,employees,industry,country`` for ``generate_sites(n, seed)``.

    ``style="mixed"`` spells ~30% of the websites as people do (``www.``, ``http://``,
    ``https://.../``); ``style="bare"`` writes the bare host everywhere.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["company", "website", "employees", "industry", "country"])
        for i in range(n):
            p = make_profile(i, seed)
            website = p.host if style == "bare" else _website(p)
            writer.writerow([p.company, website, p.employees, p.industry, p.country])
    return out
