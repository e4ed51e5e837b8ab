"""Hand-written fake company websites with real-world technology evidence.

Every site's ``truth`` lists what a detector should find there (``technologies``) and, where it
matters, evidence that only a rendering browser sees (``render_only``). The install snippets are
written the way the vendors ship them. ``default_sites()`` returns fresh objects on every call.

Hosts:

``shopstore.test``        Shopify store (Dawn theme) with Klaviyo, Yotpo, GTM, Meta Pixel, Cloudflare
``b2bsaas.test``          WordPress 6.4.2 marketing site: Yoast, HubSpot, GA4, Intercom, OneTrust,
                          Greenhouse careers, nginx, PHP/8.1.27
``nextapp.test``          Next.js/React app behind Cloudflare: Segment, Stripe.js, Zendesk (+ Hotjar
                          injected by a bundle at runtime: render-only)
``legacy.test``           static 2012-era site: jQuery 1.12.4, Apache; no robots.txt (404)
``redirector.test``       every path 301 -> ``https://www.redirector.test/<path>``
``www.redirector.test``   Drupal 10 with Marketo (Munchkin + Forms 2), https only
``blocked.test``          robots.txt ``Disallow: /`` (pages carry GA4 + HubSpot that must not be seen)
``challenge.test``        Cloudflare "Just a moment..." 403 challenge on every path (robots included)
``dead.test``             dead: connections are closed without a response
``faults.test``           one path per fault behaviour (see ``FAULT_PATHS``)
"""

from __future__ import annotations

from tests.farm.render_sites import render_sites
from tests.farm.server import (
    DISALLOW_ALL,
    Page,
    Response,
    Site,
    behaviour,
    redirect,
)

HTML = "text/html; charset=utf-8"


def _page(body: str, headers: list[tuple[str, str]] | None = None, status: int = 200) -> Response:
    return Response(status, [("Content-Type", HTML), *(headers or [])], body)


def _copy(*paragraphs: str) -> str:
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


# =============================================================================================
# shopstore.test: a Shopify store
# =============================================================================================

SHOP_ID = "58123456789"
SHOP_GTM = "GTM-NW7K2QX"
SHOP_PIXEL = "482938475610293"
SHOP_KLAVIYO = "XyZ9Ab"
SHOP_YOTPO = "pQ7sT2vX9yZ4bC6dE8fG1hJ3kL5mN0oR2sU4wY6a"

_SHOP_HEAD = """<script>window.performance && window.performance.mark && \
window.performance.mark('shopify.content_for_header.start');</script>
<meta name="shopify-checkout-api-token" content="6c1d8f0e2b4a9c7e5d3f1a2b4c6d8e0f">
<meta id="shopify-digital-wallet" name="shopify-digital-wallet" \
content="/58123456789/digital_wallets/dialog">
<link rel="alternate" type="application/json+oembed" href="https://shopstore.test/products.oembed">
<script async="async" src="/checkouts/internal/preloads.js?locale=en-US"></script>
<link rel="preconnect" href="https://shop.app" crossorigin="anonymous">
<script async="async" src="https://shop.app/checkouts/internal/preloads.js?locale=en-US&shop_id=58123456789" \
crossorigin="anonymous"></script>
<script id="apple-pay-shop-capabilities" type="application/json">{"shopId":58123456789,\
"countryCode":"US","currencyCode":"USD","merchantCapabilities":["supports3DS"],"merchantId":\
"gid:\\/\\/shopify\\/Shop\\/58123456789","merchantName":"Northwind Outfitters","requiredBillingContactFields":\
["postalAddress","email","phone"],"requiredShippingContactFields":["postalAddress","email","phone"],\
"shippingType":"shipping","supportedNetworks":["visa","masterCard","amex","discover","elo","jcb"],\
"total":{"type":"pending","label":"Northwind Outfitters","amount":"1.00"},"shopifyPaymentsEnabled":true,\
"supportsSubscriptions":true}</script>
<script id="shopify-features" type="application/json">{"accessToken":\
"6c1d8f0e2b4a9c7e5d3f1a2b4c6d8e0f","betas":["rich-media-storefront-analytics"],"domain":\
"shopstore.test","predictiveSearch":true,"shopId":58123456789,"locale":"en"}</script>
<script>var Shopify = Shopify || {};
Shopify.shop = "northwind-outfitters.myshopify.com";
Shopify.locale = "en";
Shopify.currency = {"active":"USD","rate":"1.0"};
Shopify.country = "US";
Shopify.theme = {"name":"Dawn","id":130987654321,"schema_name":"Dawn","schema_version":"13.0.1",\
"theme_store_id":887,"role":"main"};
Shopify.theme.handle = "null";
Shopify.theme.style = {"id":null,"handle":null};
Shopify.cdnHost = "shopstore.test/cdn";
Shopify.routes = Shopify.routes || {};
Shopify.routes.root = "/";</script>
<script type="module">!function(o){(o.Shopify=o.Shopify||{}).modules=!0}(window);</script>
<script>!function(o){function n(){var o=[];function n(){o.push(Array.prototype.slice.apply(arguments))}\
return n.q=o,n}var t=o.Shopify=o.Shopify||{};t.loadFeatures=n(),t.autoloadFeatures=n()}(window);</script>
<script id="shop-js-analytics" type="application/json">{"pageType":"__PAGETYPE__"}</script>
<script defer="defer" async type="module" \
src="https://cdn.shopify.com/shopifycloud/shop-js/modules/v2/client.init-shop-cart-sync_BN7fPSNr.en.esm.js"></script>
<script id="__st">var __st={"a":58123456789,"offset":-18000,"reqid":"2b9a7c4e-51f3-4d8e-9a61-\
0c3e5f7a9b1d-1712345678","pageurl":"shopstore.test\\/","u":"7e3a1c9b5d2f","p":"__PAGETYPE__"};</script>
<script>window.ShopifyPaypalV4VisibilityTracking = true;</script>
<script id="captcha-bootstrap">!function(){'use strict';const t='contact',e='account',n='new_comment',\
o=[[t,t],['blogs',n],['comments',n],[t,'customer']],c=[[e,'customer_login'],[e,'guest_login'],\
[e,'recover_customer_password'],[e,'create_customer']]}();</script>
<script>window.ShopifyAnalytics = window.ShopifyAnalytics || {};
window.ShopifyAnalytics.meta = window.ShopifyAnalytics.meta || {};
window.ShopifyAnalytics.meta.currency = 'USD';
var meta = {"page":{"pageType":"__PAGETYPE__"}};
for (var attr in meta) {
  window.ShopifyAnalytics.meta[attr] = meta[attr];
}</script>
<script class="analytics">(function () {
    var customDocumentWrite = function(content) {
      var jquery = null;
      if (window.jQuery) {
        jquery = window.jQuery;
      } else if (window.Checkout && window.Checkout.$) {
        jquery = window.Checkout.$;
      }
      if (jquery) {
        jquery('body').append(content);
      }
    };
    var trekkie = window.ShopifyAnalytics.lib = window.trekkie = window.trekkie || [];
    if (trekkie.integrations) {
      return;
    }
    trekkie.methods = ['identify','page','ready','track','trackForm','trackLink'];
    trekkie.load = function(config) {
      trekkie.config = config || {};
      trekkie.config.initialDocumentCookie = document.cookie;
      var first = document.getElementsByTagName('script')[0];
      var script = document.createElement('script');
      script.type = 'text/javascript';
      script.onerror = function(e) {
        var scriptFallback = document.createElement('script');
        scriptFallback.type = 'text/javascript';
        scriptFallback.onerror = function(error) {
          var Monorail = {
            produce: function produce(monorailDomain, schemaId, payload) {
              var currentMs = new Date().getTime();
              var event = {schema_id: schemaId, payload: payload, metadata: {event_created_at_ms: currentMs}};
            }
          };
        };
        scriptFallback.async = true;
        scriptFallback.src = 'https://cdn.shopify.com/s/trekkie.storefront.a1b2c3d4e5f60718293a4b5c6d7e8f9012345678.min.js';
        first.parentNode.insertBefore(scriptFallback, first);
      };
      script.async = true;
      script.src = 'https://cdn.shopify.com/s/trekkie.storefront.a1b2c3d4e5f60718293a4b5c6d7e8f9012345678.min.js';
      first.parentNode.insertBefore(script, first);
    };
    trekkie.load({"Trekkie":{"appName":"storefront","development":false,"defaultAttributes":\
{"shopId":58123456789,"isMerchantRequest":null,"themeId":130987654321,"themeCityHash":\
"9234871265340981237","contentLanguage":"en","currency":"USD"},"isServerSideCookieWritingEnabled":true,\
"monorailRegion":"shop_domain"},"Session Attribution":{},"S2S":{"facebookCapiEnabled":true,"source":\
"trekkie-storefront-renderer","apiClientId":580111}});
})();</script>
<script>window.performance && window.performance.mark && \
window.performance.mark('shopify.content_for_header.end');</script>"""

_SHOP_GTM = """<!-- Google Tag Manager -->
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-NW7K2QX');</script>
<!-- End Google Tag Manager -->"""

_SHOP_GTM_NOSCRIPT = """<!-- Google Tag Manager (noscript) -->
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-NW7K2QX"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<!-- End Google Tag Manager (noscript) -->"""

_SHOP_PIXEL = """<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '482938475610293');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=482938475610293&ev=PageView&noscript=1"
/></noscript>
<!-- End Meta Pixel Code -->"""

_SHOP_KLAVIYO = """<script async type="text/javascript" \
src="https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=XyZ9Ab"></script>
<script>
  !function(){if(!window.klaviyo){window._klOnsite=window._klOnsite||[];try{window.klaviyo=new Proxy({},\
{get:function(n,i){return"push"===i?function(){var n;(n=window._klOnsite).push.apply(n,arguments)}:\
function(){for(var n=arguments.length,o=new Array(n),w=0;w<n;w++)o[w]=arguments[w];var t="function"==\
typeof o[o.length-1]?o.pop():void 0,e=new Promise((function(n){window._klOnsite.push([i].concat(o,\
[function(i){t&&t(i),n(i)}]))}));return e}}})}catch(n){window.klaviyo=window.klaviyo||[],\
window.klaviyo.push=function(){var n;(n=window._klOnsite).push.apply(n,arguments)}}}}();
</script>"""

_SHOP_YOTPO = """<script type="text/javascript">(function e(){var e=document.createElement("script");\
e.type="text/javascript",e.async=true,e.src="//staticw2.yotpo.com/pQ7sT2vX9yZ4bC6dE8fG1hJ3kL5mN0oR2sU4wY6a/widget.js";\
var t=document.getElementsByTagName("script")[0];t.parentNode.insertBefore(e,t)})();</script>"""

_SHOP_NAV = [
    ("/", "Home"),
    ("/collections/all", "Shop all"),
    ("/collections/jackets", "Jackets"),
    ("/collections/packs", "Packs"),
    ("/pages/about-us", "Our story"),
    ("/blogs/journal", "Journal"),
    ("/pages/contact", "Contact"),
]

_PRODUCTS = [
    ("trail-runner-shell-jacket", "Trail Runner Shell Jacket", "189.00", "4.8", 312),
    ("ridgeline-down-vest", "Ridgeline Down Vest", "145.00", "4.7", 198),
    ("canyon-25l-daypack", "Canyon 25L Daypack", "119.00", "4.9", 541),
    ("merino-crew-base-layer", "Merino Crew Base Layer", "89.00", "4.6", 127),
    ("summit-insulated-bottle", "Summit Insulated Bottle 750ml", "34.00", "4.8", 864),
    ("alpine-softshell-pants", "Alpine Softshell Pants", "129.00", "4.5", 93),
    ("harbor-rain-parka", "Harbor Rain Parka", "229.00", "4.7", 211),
    ("basecamp-fleece-hoodie", "Basecamp Fleece Hoodie", "99.00", "4.9", 402),
]


def _shop_product_card(
    handle: str, name: str, price: str, rating: str, reviews: int, n: int
) -> str:
    return f"""<li class="grid__item scroll-trigger animate--slide-in" data-cascade style="--animation-order: {n};">
  <div class="card-wrapper product-card-wrapper underline-links-hover">
    <div class="card card--standard card--media" style="--ratio-percent: 125.0%;">
      <div class="card__inner color-scheme-2 gradient ratio" style="--ratio-percent: 125.0%;">
        <div class="card__media"><div class="media media--transparent media--hover-effect">
          <img srcset="//cdn.shopify.com/s/files/1/0581/2345/6789/files/{handle}.jpg?v=1712345678&width=165 165w,
            //cdn.shopify.com/s/files/1/0581/2345/6789/files/{handle}.jpg?v=1712345678&width=360 360w,
            //cdn.shopify.com/s/files/1/0581/2345/6789/files/{handle}.jpg?v=1712345678&width=533 533w"
            src="//cdn.shopify.com/s/files/1/0581/2345/6789/files/{handle}.jpg?v=1712345678&width=533"
            sizes="(min-width: 1200px) 267px, (min-width: 990px) calc((100vw - 130px) / 4), calc((100vw - 35px) / 2)"
            alt="{name}" class="motion-reduce" loading="lazy" width="1600" height="2000">
        </div></div>
      </div>
      <div class="card__content"><div class="card__information">
        <h3 class="card__heading h5" id="title-template--{n}"><a href="/products/{handle}" class="full-unstyled-link">{name}</a></h3>
        <div class="card-information">
          <div class="yotpo bottomLine" data-product-id="7{n:03d}2345678901" data-yotpo-element-id="{n}"></div>
          <span class="caption-large light">{rating} stars, {reviews} reviews</span>
          <div class="price"><div class="price__container"><div class="price__regular">
            <span class="visually-hidden visually-hidden--inline">Regular price</span>
            <span class="price-item price-item--regular">${price} USD</span>
          </div></div></div>
        </div>
      </div></div>
    </div>
  </div>
</li>"""


def _shop_layout(title: str, page_type: str, main: str) -> str:
    nav = "\n".join(
        f'<li><a href="{href}" class="header__menu-item list-menu__item link link--text focus-inset">'
        f"<span>{label}</span></a></li>"
        for href, label in _SHOP_NAV
    )
    head = _SHOP_HEAD.replace("__PAGETYPE__", page_type)
    return f"""<!doctype html>
<html class="no-js" lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="X-UA-Compatible" content="IE=edge">
    <meta name="viewport" content="width=device-width,initial-scale=1">
    <meta name="theme-color" content="">
    <link rel="canonical" href="https://shopstore.test/">
    <link rel="preconnect" href="https://cdn.shopify.com" crossorigin>
    <link rel="icon" type="image/png" href="//cdn.shopify.com/s/files/1/0581/2345/6789/files/favicon.png?crop=center&height=32&v=1712345678&width=32">
    <link rel="preconnect" href="https://fonts.shopifycdn.com" crossorigin>
    <title>{title} &ndash; Northwind Outfitters</title>
    <meta name="description" content="Technical outdoor apparel and packs, designed in Portland and built to be repaired. Free shipping over $75.">
    <meta property="og:site_name" content="Northwind Outfitters">
    <meta property="og:url" content="https://shopstore.test/">
    <meta property="og:title" content="{title}">
    <meta property="og:type" content="website">
    <meta name="twitter:card" content="summary_large_image">
    <script src="//cdn.shopify.com/s/files/1/0581/2345/6789/t/7/assets/constants.js?v=58251544750838685771712345678" defer="defer"></script>
    <script src="//cdn.shopify.com/s/files/1/0581/2345/6789/t/7/assets/pubsub.js?v=158357773527763999511712345678" defer="defer"></script>
    <script src="//cdn.shopify.com/s/files/1/0581/2345/6789/t/7/assets/global.js?v=37284204640041572741712345678" defer="defer"></script>
    <script src="//cdn.shopify.com/s/files/1/0581/2345/6789/t/7/assets/animations.js?v=88693664871331136111712345678" defer="defer"></script>
    {_SHOP_GTM}
    {head}
    <link href="//cdn.shopify.com/s/files/1/0581/2345/6789/t/7/assets/base.css?v=144968985024194912401712345678" rel="stylesheet" type="text/css" media="all" />
    <link rel="stylesheet" href="//cdn.shopify.com/s/files/1/0581/2345/6789/t/7/assets/component-predictive-search.css?v=118923337488134913561712345678" media="print" onload="this.media='all'">
    <script>document.documentElement.className = document.documentElement.className.replace('no-js', 'js');
    if (Shopify.designMode) {{
      document.documentElement.classList.add('shopify-design-mode');
    }}
    </script>
    {_SHOP_PIXEL}
  </head>
  <body class="gradient animate--hover-default">
    {_SHOP_GTM_NOSCRIPT}
    <a class="skip-to-content-link button visually-hidden" href="#MainContent">Skip to content</a>
    <div id="shopify-section-sections--announcement" class="shopify-section shopify-section-group-header-group announcement-bar-section">
      <div class="utility-bar color-scheme-1 gradient utility-bar--bottom-border">
        <div class="announcement-bar" role="region" aria-label="Announcement">
          <p class="announcement-bar__message h5"><span>Free carbon-neutral shipping on orders over $75 &middot; Free repairs for life</span></p>
        </div>
      </div>
    </div>
    <div id="shopify-section-sections--header" class="shopify-section shopify-section-group-header-group section-header">
      <sticky-header data-sticky-type="on-scroll-up" class="header-wrapper color-scheme-1 gradient header-wrapper--border-bottom">
        <header class="header header--middle-left header--mobile-center page-width header--has-menu header--has-account">
          <a href="/" class="header__heading-link link link--text focus-inset"><div class="header__heading-logo-wrapper">
            <img src="//cdn.shopify.com/s/files/1/0581/2345/6789/files/northwind-logo.svg?v=1712345678&width=600" alt="Northwind Outfitters" width="180" height="42" class="header__heading-logo motion-reduce"></div></a>
          <nav class="header__inline-menu"><ul class="list-menu list-menu--inline" role="list">
            {nav}
          </ul></nav>
          <div class="header__icons header__icons--localization header-localization">
            <a href="/search" class="header__icon header__icon--search link focus-inset"><span class="visually-hidden">Search</span></a>
            <a href="/account/login" class="header__icon header__icon--account link focus-inset small-hide"><span class="visually-hidden">Log in</span></a>
            <a href="/cart" class="header__icon header__icon--cart link focus-inset" id="cart-icon-bubble"><span class="visually-hidden">Cart</span></a>
          </div>
        </header>
      </sticky-header>
    </div>
    <main id="MainContent" class="content-for-layout focus-none" role="main" tabindex="-1">
{main}
    </main>
    <div id="shopify-section-sections--footer" class="shopify-section shopify-section-group-footer-group">
      <footer class="footer color-scheme-1 gradient section-sections--footer-padding">
        <div class="footer__content-top page-width">
          <div class="footer__blocks-wrapper grid grid--1-col grid--2-col grid--4-col-tablet scroll-trigger animate--slide-in">
            <div class="footer-block grid__item footer-block--menu"><h2 class="footer-block__heading inline-richtext">Shop</h2>
              <ul class="footer-block__details-content list-unstyled">
                <li><a href="/collections/jackets" class="link link--text list-menu__item list-menu__item--link">Jackets</a></li>
                <li><a href="/collections/packs" class="link link--text list-menu__item list-menu__item--link">Packs</a></li>
                <li><a href="/collections/base-layers" class="link link--text list-menu__item list-menu__item--link">Base layers</a></li>
                <li><a href="/collections/accessories" class="link link--text list-menu__item list-menu__item--link">Accessories</a></li>
                <li><a href="/products/gift-card" class="link link--text list-menu__item list-menu__item--link">Gift card</a></li>
              </ul></div>
            <div class="footer-block grid__item footer-block--menu"><h2 class="footer-block__heading inline-richtext">Help</h2>
              <ul class="footer-block__details-content list-unstyled">
                <li><a href="/pages/contact" class="link link--text list-menu__item list-menu__item--link">Contact us</a></li>
                <li><a href="/pages/shipping-returns" class="link link--text list-menu__item list-menu__item--link">Shipping &amp; returns</a></li>
                <li><a href="/pages/repairs" class="link link--text list-menu__item list-menu__item--link">Repairs</a></li>
                <li><a href="/pages/size-guide" class="link link--text list-menu__item list-menu__item--link">Size guide</a></li>
                <li><a href="/policies/privacy-policy" class="link link--text list-menu__item list-menu__item--link">Privacy policy</a></li>
                <li><a href="/policies/terms-of-service" class="link link--text list-menu__item list-menu__item--link">Terms of service</a></li>
              </ul></div>
            <div class="footer-block grid__item footer-block--menu"><h2 class="footer-block__heading inline-richtext">Company</h2>
              <ul class="footer-block__details-content list-unstyled">
                <li><a href="/pages/about-us" class="link link--text list-menu__item list-menu__item--link">Our story</a></li>
                <li><a href="/pages/careers" class="link link--text list-menu__item list-menu__item--link">Careers</a></li>
                <li><a href="/blogs/journal" class="link link--text list-menu__item list-menu__item--link">Journal</a></li>
                <li><a href="/pages/wholesale" class="link link--text list-menu__item list-menu__item--link">Wholesale</a></li>
              </ul></div>
            <div class="footer-block--newsletter scroll-trigger animate--slide-in">
              <div class="footer-block__newsletter"><h2 class="footer-block__heading inline-richtext">Trail notes, twice a month</h2>
                <form method="post" action="/contact#contact_form" id="contact_form" accept-charset="UTF-8" class="footer__newsletter newsletter-form">
                  <input type="hidden" name="form_type" value="customer" /><input type="hidden" name="utf8" value="&#10003;" />
                  <input type="hidden" name="contact[tags]" value="newsletter">
                  <div class="newsletter-form__field-wrapper"><div class="field">
                    <input id="NewsletterForm--footer" type="email" name="contact[email]" class="field__input" value="" aria-required="true" autocorrect="off" autocapitalize="off" autocomplete="email" placeholder="Email" required>
                    <label class="field__label" for="NewsletterForm--footer">Email</label>
                    <button type="submit" class="newsletter-form__button field__button" name="commit" id="Subscribe" aria-label="Subscribe">Subscribe</button>
                  </div></div>
                </form>
              </div>
            </div>
          </div>
        </div>
        <div class="footer__content-bottom"><div class="footer__content-bottom-wrapper page-width">
          <div class="footer__copyright caption">
            <small class="copyright__content">&copy; 2024, <a href="/" title="">Northwind Outfitters</a></small>
            <small class="copyright__content"><a target="_blank" rel="nofollow" href="https://www.shopify.com?utm_campaign=poweredby&amp;utm_medium=shopify&amp;utm_source=onlinestore">Powered by Shopify</a></small>
          </div>
          <div class="footer__payment"><span class="visually-hidden">Payment methods</span>
            <ul class="list list-payment" role="list">
              <li class="list-payment__item"><svg class="icon icon--full-color" viewBox="0 0 38 24" xmlns="http://www.w3.org/2000/svg" role="img" width="38" height="24" aria-labelledby="pi-american_express"><title id="pi-american_express">American Express</title></svg></li>
              <li class="list-payment__item"><svg class="icon icon--full-color" viewBox="0 0 38 24" xmlns="http://www.w3.org/2000/svg" role="img" width="38" height="24" aria-labelledby="pi-apple_pay"><title id="pi-apple_pay">Apple Pay</title></svg></li>
              <li class="list-payment__item"><svg class="icon icon--full-color" viewBox="0 0 38 24" xmlns="http://www.w3.org/2000/svg" role="img" width="38" height="24" aria-labelledby="pi-master"><title id="pi-master">Mastercard</title></svg></li>
              <li class="list-payment__item"><svg class="icon icon--full-color" viewBox="0 0 38 24" xmlns="http://www.w3.org/2000/svg" role="img" width="38" height="24" aria-labelledby="pi-shopify_pay"><title id="pi-shopify_pay">Shop Pay</title></svg></li>
              <li class="list-payment__item"><svg class="icon icon--full-color" viewBox="0 0 38 24" xmlns="http://www.w3.org/2000/svg" role="img" width="38" height="24" aria-labelledby="pi-visa"><title id="pi-visa">Visa</title></svg></li>
            </ul>
          </div>
        </div></div>
      </footer>
    </div>
    <script src="//cdn.shopify.com/s/files/1/0581/2345/6789/t/7/assets/product-info.js?v=174806172978439001541712345678" defer="defer"></script>
    {_SHOP_KLAVIYO}
    {_SHOP_YOTPO}
    <div id="shopify-block-AdnBhNk13VHd3UXhoc__klaviyo_onsite_embed" class="shopify-block shopify-app-block"></div>
    <script>window.shopUrl = 'https://shopstore.test';
      window.routes = {{cart_add_url: '/cart/add', cart_change_url: '/cart/change', cart_update_url: '/cart/update',
        cart_url: '/cart', predictive_search_url: '/search/suggest'}};
      window.cartStrings = {{error: `There was an error while updating your cart. Please try again.`,
        quantityError: `You can only add [quantity] of this item to your cart.`}};
    </script>
  </body>
</html>
"""


def _shop_home() -> str:
    cards = "\n".join(_shop_product_card(*p, n) for n, p in enumerate(_PRODUCTS[:6], 1))
    main = f"""<section id="shopify-section-template--image_banner" class="shopify-section section">
  <div id="Banner-template--image_banner" class="banner banner--content-align-center banner--large banner--desktop-transparent scroll-trigger animate--fade-in">
    <div class="banner__media media scroll-trigger animate--fade-in">
      <img src="//cdn.shopify.com/s/files/1/0581/2345/6789/files/hero-columbia-gorge.jpg?v=1712345678&width=3840" alt="Hikers above the Columbia River Gorge at dawn" width="3840" height="2160" class="motion-reduce" sizes="100vw" fetchpriority="high">
    </div>
    <div class="banner__content banner__content--middle-center page-width scroll-trigger animate--slide-in">
      <div class="banner__box content-container content-container--full-width-mobile color-scheme-3 gradient">
        <h2 class="banner__heading inline-richtext h0">Built for the long way round</h2>
        <div class="banner__text rte"><p>Weatherproof layers and packs, designed in Portland, tested on the PCT, repaired for free for as long as you own them.</p></div>
        <div class="banner__buttons"><a href="/collections/all" class="button button--primary">Shop the spring collection</a></div>
      </div>
    </div>
  </div>
</section>
<section id="shopify-section-template--featured_collection" class="shopify-section section">
  <div class="color-scheme-1 gradient isolate"><div class="collection section-template--featured_collection-padding">
    <div class="collection__title title-wrapper title-wrapper--no-top-margin page-width">
      <h2 class="title inline-richtext h2 scroll-trigger animate--slide-in">Best sellers</h2>
      <div class="collection__description body rte"><p>The pieces our customers wear out first (and send back for repair most).</p></div>
    </div>
    <slider-component class="slider-mobile-gutter page-width page-width-desktop scroll-trigger animate--slide-in">
      <ul id="Slider-template--featured_collection" class="grid product-grid contains-card contains-card--product grid--4-col-desktop grid--2-col-tablet-down" role="list" aria-label="Slider">
{cards}
      </ul>
    </slider-component>
    <div class="center collection__view-all scroll-trigger animate--slide-in"><a href="/collections/all" class="button">View all</a></div>
  </div></div>
</section>
<section id="shopify-section-template--rich_text" class="shopify-section section">
  <div class="isolate page-width"><div class="rich-text content-container color-scheme-1 gradient rich-text--full-width content-container--full-width section-template--rich_text-padding">
    <div class="rich-text__wrapper rich-text__wrapper--center page-width"><div class="rich-text__blocks center">
      <h2 class="rich-text__heading rte inline-richtext h1 scroll-trigger animate--slide-in">Repair, don't replace</h2>
      <div class="rich-text__text rte scroll-trigger animate--slide-in">
        {
        _copy(
            "Every Northwind jacket, vest and pack is covered by our lifetime repair promise. Torn shell, broken zipper, frayed strap: send it to our Portland workshop and we will fix it at no cost, usually within ten working days.",
            "Since 2016 our repair team has returned more than 41,000 pieces to the trail. We publish every repair in our annual impact report, together with the materials we recovered and the emissions we avoided by not making something new.",
            "When a piece really is beyond saving we take it back, strip the hardware for reuse and send the fabric to our recycling partner in Oregon. You get a credit worth 20% of the original price towards your next order.",
        )
    }
      </div>
      <a href="/pages/repairs" class="button button--secondary">How repairs work</a>
    </div></div>
  </div></div>
</section>
<section id="shopify-section-template--multicolumn" class="shopify-section section">
  <div class="multicolumn color-scheme-1 gradient background-primary"><div class="page-width section-template--multicolumn-padding isolate scroll-trigger animate--slide-in">
    <ul class="multicolumn-list contains-content-container grid grid--1-col-tablet-down grid--3-col-desktop" role="list">
      <li class="multicolumn-list__item grid__item"><div class="multicolumn-card content-container"><div class="multicolumn-card__info">
        <h3 class="inline-richtext">Free shipping over $75</h3><div class="rte"><p>Carbon-neutral ground shipping to all 50 states. Orders placed before 1pm Pacific ship the same day.</p></div></div></div></li>
      <li class="multicolumn-list__item grid__item"><div class="multicolumn-card content-container"><div class="multicolumn-card__info">
        <h3 class="inline-richtext">60-day returns</h3><div class="rte"><p>Wear it on a real hike. If it is not right, send it back within 60 days for a full refund or exchange.</p></div></div></div></li>
      <li class="multicolumn-list__item grid__item"><div class="multicolumn-card content-container"><div class="multicolumn-card__info">
        <h3 class="inline-richtext">Bluesign&reg; approved fabrics</h3><div class="rte"><p>92% of our materials are Bluesign approved and every shell is PFC-free. Full supplier list on our impact page.</p></div></div></div></li>
    </ul>
  </div></div>
</section>"""
    return _shop_layout("Northwind Outfitters | Technical outdoor apparel", "home", main)


def _shop_collection() -> str:
    cards = "\n".join(_shop_product_card(*p, n) for n, p in enumerate(_PRODUCTS, 1))
    main = f"""<div class="collection-hero color-scheme-1 gradient"><div class="collection-hero__inner page-width scroll-trigger animate--fade-in">
  <div class="collection-hero__text-wrapper"><h1 class="collection-hero__title"><span class="visually-hidden">Collection: </span>All products</h1>
  <div class="collection-hero__description rte">Everything we make, from shells to socks.</div></div></div></div>
<div class="page-width" id="ProductGridContainer">
  <div class="collection page-width"><ul id="product-grid" data-id="template--product-grid" class="grid product-grid grid--2-col-tablet-down grid--4-col-desktop">
{cards}
  </ul>
  <nav class="pagination-wrapper" role="navigation" aria-label="Pagination"><ul class="pagination__list list-unstyled" role="list">
    <li><span class="pagination__item pagination__item--current light" aria-current="page">1</span></li>
    <li><a href="/collections/all?page=2" class="pagination__item link" aria-label="Page 2">2</a></li>
    <li><a href="/collections/all?page=2" class="pagination__item pagination__item--prev pagination__item-arrow link motion-reduce" aria-label="Next page">Next</a></li>
  </ul></nav></div>
</div>"""
    return _shop_layout("All products", "collection", main)


def _shop_simple(title: str, page_type: str, inner: str) -> str:
    main = f"""<div class="page-width page-width--narrow section-template--main-page-padding">
  <h1 class="main-page-title page-title h0 scroll-trigger animate--fade-in">{title}</h1>
  <div class="rte scroll-trigger animate--slide-in">
{inner}
  </div>
</div>"""
    return _shop_layout(title, page_type, main)


def _shop_about() -> str:
    return _shop_simple(
        "Our story",
        "page",
        _copy(
            "Northwind Outfitters started in 2014 in a garage in Southeast Portland, when two former "
            "wildland firefighters got tired of rain shells that leaked after one season. The first "
            "Trail Runner jacket was sewn on a borrowed industrial machine and sold at the Saturday "
            "Market; the first hundred were sold out by June.",
            "Today we are a team of 46 people across design, repairs, customer experience and our small "
            "warehouse in Tualatin. We still design everything in Portland and test it on the trails we "
            "love: the Wildwood, the Timberline Trail, and every mile of the PCT we can find time for.",
            "We are a certified B Corp, a member of 1% for the Planet and a founding member of the "
            "Outdoor Repair Collective. We believe the most sustainable jacket is the one you already own, "
            "which is why we fix ours for free for life.",
            "We make things slowly, in small batches, with factories we visit every year. Our main sewing "
            "partner in Da Nang has worked with us since 2016; our packs are made in a family-owned "
            "workshop in Seattle. You can read the full list of our suppliers, their certifications and "
            "our audit results in the impact report.",
        )
        + """
<h2>Visit the workshop</h2>
<p>Our repair workshop at 2231 SE Division Street is open to visitors on the first Saturday of every month. Bring a broken zipper and a coffee.</p>
<p><a href="/pages/careers">We are hiring</a> &middot; <a href="/pages/contact">Get in touch</a></p>""",
    )


def _shop_careers() -> str:
    jobs = [
        ("Repair Technician", "Portland, OR", "Full-time"),
        ("Customer Experience Specialist", "Remote (US)", "Full-time"),
        ("Warehouse Associate", "Tualatin, OR", "Seasonal"),
        ("Senior Product Designer, Packs", "Portland, OR", "Full-time"),
    ]
    rows = "\n".join(
        f"<tr><td><strong>{t}</strong></td><td>{loc}</td><td>{kind}</td>"
        f'<td><a href="mailto:jobs@shopstore.test?subject={t.replace(" ", "%20")}">Apply</a></td></tr>'
        for t, loc, kind in jobs
    )
    return _shop_simple(
        "Careers",
        "page",
        _copy(
            "We are a small team that cares about doing things properly: good products, fair pay, and "
            "time outside. Everyone gets a $1,000 annual gear allowance, two paid 'trail days' a quarter "
            "and 100% employer-paid health insurance.",
            "We hire for curiosity and care. You do not need outdoor-industry experience, but you should "
            "enjoy solving problems with your hands or your head, and like working with people who do.",
        )
        + f"""
<h2>Open roles</h2>
<table><thead><tr><th>Role</th><th>Location</th><th>Type</th><th></th></tr></thead><tbody>
{rows}
</tbody></table>
<p>Don't see your role? Write to <a href="mailto:jobs@shopstore.test">jobs@shopstore.test</a>.</p>""",
    )


def _shop_contact() -> str:
    return _shop_simple(
        "Contact us",
        "page",
        """<p>Our customer experience team answers every message within one working day, Monday to Friday, 8am&ndash;5pm Pacific.</p>
<ul><li>Email: <a href="mailto:hello@shopstore.test">hello@shopstore.test</a></li>
<li>Phone: (503) 555-0142</li><li>Repairs: <a href="mailto:repairs@shopstore.test">repairs@shopstore.test</a></li></ul>
<form method="post" action="/contact#ContactForm" id="ContactForm" accept-charset="UTF-8" class="isolate">
  <input type="hidden" name="form_type" value="contact" /><input type="hidden" name="utf8" value="&#10003;" />
  <div class="contact__fields">
    <div class="field"><input class="field__input" autocomplete="name" type="text" id="ContactForm-name" name="contact[Name]" value="" placeholder="Name"><label class="field__label" for="ContactForm-name">Name</label></div>
    <div class="field field--with-error"><input autocomplete="email" type="email" id="ContactForm-email" class="field__input" name="contact[email]" spellcheck="false" autocapitalize="off" value="" aria-required="true" placeholder="Email"><label class="field__label" for="ContactForm-email">Email <span aria-hidden="true">*</span></label></div>
  </div>
  <div class="field"><input type="tel" id="ContactForm-phone" class="field__input" autocomplete="tel" name="contact[Phone number]" pattern="[0-9\\-]*" value="" placeholder="Phone number"><label class="field__label" for="ContactForm-phone">Phone number</label></div>
  <div class="field"><textarea rows="10" id="ContactForm-body" class="text-area field__input" name="contact[Comment]" placeholder="Comment"></textarea><label class="form__label field__label" for="ContactForm-body">Comment</label></div>
  <div class="contact__button"><button type="submit" class="button">Send</button></div>
</form>""",
    )


def _shop_blog() -> str:
    posts = [
        (
            "packing-list-timberline-trail",
            "The only packing list you need for the Timberline Trail",
            "Apr 12, 2024",
        ),
        (
            "how-we-repair-a-zipper",
            "Inside the workshop: how we replace a jacket zipper in 40 minutes",
            "Mar 28, 2024",
        ),
        ("pfc-free-shells", "Why every Northwind shell is now PFC-free", "Mar 02, 2024"),
        (
            "winter-layering-guide",
            "A layering guide for wet Pacific Northwest winters",
            "Jan 19, 2024",
        ),
    ]
    items = "\n".join(
        f"""<div class="blog-articles__article article"><div class="card-wrapper underline-links-hover">
  <div class="card article-card card--standard card--media"><div class="card__content"><div class="card__information">
    <h3 class="card__heading h2"><a href="/blogs/journal/{slug}" class="full-unstyled-link">{title}</a></h3>
    <div class="article-card__info caption-with-letter-spacing h5"><span class="circle-divider"><time datetime="2024">{date}</time></span></div>
    <p class="article-card__excerpt rte-width">Notes from the team on gear, trails and keeping good things in use for longer.</p>
  </div></div></div></div></div>"""
        for slug, title, date in posts
    )
    return _shop_simple(
        "Journal",
        "blog",
        f'<div class="blog-articles">{items}</div>'
        + _copy(
            "The Journal is where our designers, repair technicians and ambassadors write about what they "
            "learned on the trail this month. Subscribe to Trail Notes to get new posts by email.",
        ),
    )


def _shop_login() -> str:
    return _shop_simple(
        "Login",
        "customers/login",
        """<form method="post" action="/account/login" id="customer_login" accept-charset="UTF-8" data-login-with-shop-sign-in="true" novalidate="novalidate">
  <input type="hidden" name="form_type" value="customer_login" /><input type="hidden" name="utf8" value="&#10003;" />
  <div class="field"><input type="email" name="customer[email]" id="CustomerEmail" autocomplete="email" autocorrect="off" autocapitalize="off" placeholder="Email"><label for="CustomerEmail">Email</label></div>
  <div class="field"><input type="password" value="" name="customer[password]" id="CustomerPassword" autocomplete="current-password" placeholder="Password"><label for="CustomerPassword">Password</label></div>
  <a href="/account/login#recover">Forgot your password?</a>
  <button>Sign in</button>
  <a href="/account/register">Create account</a>
</form>""",
    )


_SHOP_ROBOTS = """# we use Shopify as our ecommerce platform

User-agent: *
Disallow: /a/downloads/-/*
Disallow: /admin
Disallow: /cart
Disallow: /orders
Disallow: /checkouts/
Disallow: /checkout
Disallow: /58123456789/checkouts
Disallow: /58123456789/orders
Disallow: /carts
Disallow: /account
Disallow: /collections/*sort_by*
Disallow: /*/collections/*sort_by*
Disallow: /search
Disallow: /apple-app-site-association
Disallow: /.well-known/shopify/monorail
Disallow: /cdn/wpm/*.js
Disallow: /recommendations/products
Sitemap: https://shopstore.test/sitemap.xml

# Google adsbot ignores robots.txt unless specifically named!
User-agent: adsbot-google
Disallow: /checkouts/
Disallow: /checkout
Disallow: /carts
Disallow: /orders

User-agent: Nutch
Disallow: /
"""

SHOPSTORE_HEADERS = [
    ("Server", "cloudflare"),
    ("x-shopid", SHOP_ID),
    ("x-shardid", "212"),
    ("powered-by", "Shopify"),
    ("x-shopify-stage", "production"),
    ("x-storefront-renderer-rendered", "1"),
    ("x-sorting-hat-podid", "212"),
    ("x-sorting-hat-shopid", SHOP_ID),
    ("x-content-type-options", "nosniff"),
    ("x-download-options", "noopen"),
    ("x-permitted-cross-domain-policies", "none"),
    ("x-xss-protection", "1; mode=block"),
    (
        "content-security-policy",
        "block-all-mixed-content; frame-ancestors 'none'; upgrade-insecure-requests;",
    ),
    ("CF-Cache-Status", "DYNAMIC"),
    ("CF-RAY", "8d3b9e5c1a7f4e20-PDX"),
    (
        "Set-Cookie",
        "_shopify_y=3f6c2a1e-8b4d-4c9e-a7f0-5d2b1c9e8a74; Expires=Sat, 22 Nov 2025 "
        "18:35:00 GMT; Domain=shopstore.test; Path=/; SameSite=Lax",
    ),
    (
        "Set-Cookie",
        "_shopify_s=9a7b5c3d-1e2f-4a6b-8c0d-2e4f6a8b0c1d; Expires=Fri, 22 Nov 2024 "
        "19:05:00 GMT; Domain=shopstore.test; Path=/; SameSite=Lax",
    ),
    ("Set-Cookie", "localization=US; Path=/; Expires=Sat, 20 Dec 2025 18:35:00 GMT; SameSite=Lax"),
    (
        "Set-Cookie",
        "cart_currency=USD; Path=/; Expires=Fri, 06 Dec 2024 18:35:00 GMT; SameSite=Lax",
    ),
    (
        "Set-Cookie",
        "secure_customer_sig=; Path=/; Expires=Sat, 22 Nov 2025 18:35:00 GMT; Secure; "
        "HttpOnly; SameSite=Lax",
    ),
]


def shopstore() -> Site:
    pages: dict[str, Page] = {
        "/": _page(_shop_home()),
        "/collections/all": _page(_shop_collection()),
        "/pages/about-us": _page(_shop_about()),
        "/pages/careers": _page(_shop_careers()),
        "/pages/contact": _page(_shop_contact()),
        "/blogs/journal": _page(_shop_blog()),
        "/account/login": _page(_shop_login()),
        "/sitemap.xml": Response(
            200,
            [("Content-Type", "application/xml")],
            _sitemap(
                "https://shopstore.test",
                [
                    "/",
                    "/collections/all",
                    "/pages/about-us",
                    "/pages/careers",
                    "/pages/contact",
                    "/blogs/journal",
                ],
            ),
        ),
    }
    return Site(
        "shopstore.test",
        pages,
        robots=_SHOP_ROBOTS,
        headers=list(SHOPSTORE_HEADERS),
        gzip=True,
        truth={
            "technologies": [
                "Shopify",
                "Cloudflare",
                "Klaviyo",
                "Yotpo",
                "Google Tag Manager",
                "Facebook Pixel",
            ],
            "ids": {
                "gtm": SHOP_GTM,
                "facebook_pixel": SHOP_PIXEL,
                "klaviyo": SHOP_KLAVIYO,
                "shopify_shop_id": SHOP_ID,
                "shopify_theme": "Dawn",
            },
            "cookies": ["_shopify_y", "_shopify_s", "localization", "cart_currency"],
            "disallowed": ["/account/login", "/cart", "/search"],
        },
    )


def _sitemap(base: str, paths: list[str]) -> str:
    urls = "\n".join(
        f"  <url><loc>{base}{p}</loc><lastmod>2024-04-12</lastmod></url>" for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )


# =============================================================================================
# b2bsaas.test: WordPress marketing site of a B2B SaaS
# =============================================================================================

B2B_HUBSPOT = "123456"
B2B_GA4 = "G-7RW2K4T9PL"
B2B_INTERCOM = "k3w9x2ab"
B2B_ONETRUST = "0190a6f2-7c3e-7b41-9d2a-5e8f1c4b6a37"

_B2B_ONETRUST = """<!-- OneTrust Cookies Consent Notice start for b2bsaas.test -->
<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"  type="text/javascript" \
charset="UTF-8" data-domain-script="0190a6f2-7c3e-7b41-9d2a-5e8f1c4b6a37" ></script>
<script type="text/javascript">
function OptanonWrapper() { }
</script>
<!-- OneTrust Cookies Consent Notice end for b2bsaas.test -->"""

_B2B_YOAST = """<!-- This site is optimized with the Yoast SEO plugin v21.7 - https://yoast.com/wordpress/plugins/seo/ -->
<title>__TITLE__ - Relaywise</title>
<meta name="description" content="__DESC__" />
<link rel="canonical" href="{{base}}__PATH__" />
<meta property="og:locale" content="en_US" />
<meta property="og:type" content="website" />
<meta property="og:title" content="__TITLE__ - Relaywise" />
<meta property="og:description" content="__DESC__" />
<meta property="og:url" content="{{base}}__PATH__" />
<meta property="og:site_name" content="Relaywise" />
<meta property="article:modified_time" content="2024-03-18T14:22:05+00:00" />
<meta property="og:image" content="{{base}}/wp-content/uploads/2023/11/relaywise-og.png" />
<meta name="twitter:card" content="summary_large_image" />
<meta name="twitter:site" content="@relaywise" />
<script type="application/ld+json" class="yoast-schema-graph">{"@context":"https://schema.org",\
"@graph":[{"@type":"WebPage","@id":"{{base}}__PATH__","url":"{{base}}__PATH__","name":"__TITLE__ - Relaywise",\
"isPartOf":{"@id":"{{base}}/#website"},"datePublished":"2021-06-02T09:12:44+00:00",\
"dateModified":"2024-03-18T14:22:05+00:00","breadcrumb":{"@id":"{{base}}__PATH__#breadcrumb"},\
"inLanguage":"en-US"},{"@type":"WebSite","@id":"{{base}}/#website","url":"{{base}}/","name":"Relaywise",\
"description":"Workflow automation for revenue teams","publisher":{"@id":"{{base}}/#organization"},\
"inLanguage":"en-US"},{"@type":"Organization","@id":"{{base}}/#organization","name":"Relaywise, Inc.",\
"url":"{{base}}/","sameAs":["https://www.linkedin.com/company/relaywise","https://twitter.com/relaywise"]}]}</script>
<!-- / Yoast SEO plugin. -->"""

_B2B_GTAG = """<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-7RW2K4T9PL"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'G-7RW2K4T9PL');
</script>"""

_B2B_HUBSPOT = """<!-- Start of HubSpot Embed Code -->
<script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/123456.js"></script>
<!-- End of HubSpot Embed Code -->"""

_B2B_INTERCOM = """<script>
  window.intercomSettings = {
    api_base: "https://api-iam.intercom.io",
    app_id: "k3w9x2ab"
  };
</script>
<script>
// We pre-filled your app ID in the widget URL: 'https://widget.intercom.io/widget/k3w9x2ab'
(function(){var w=window;var ic=w.Intercom;if(typeof ic==="function"){ic('reattach_activator');\
ic('update',w.intercomSettings);}else{var d=document;var i=function(){i.c(arguments);};i.q=[];\
i.c=function(args){i.q.push(args);};w.Intercom=i;var l=function(){var s=d.createElement('script');\
s.type='text/javascript';s.async=true;s.src='https://widget.intercom.io/widget/k3w9x2ab';\
var x=d.getElementsByTagName('script')[0];x.parentNode.insertBefore(s,x);};\
if(document.readyState==='complete'){l();}else if(w.attachEvent){w.attachEvent('onload',l);}\
else{w.addEventListener('load',l,false);}}})();
</script>"""

_B2B_NAV = [
    ("/product/", "Product"),
    ("/solutions/", "Solutions"),
    ("/pricing/", "Pricing"),
    ("/customers/", "Customers"),
    ("/blog/", "Blog"),
    ("/company/careers/", "Careers"),
    ("/contact/", "Contact"),
]


def _b2b_layout(title: str, desc: str, path: str, body_class: str, main: str) -> str:
    nav = "\n".join(
        f'<li id="menu-item-{100 + i}" class="menu-item menu-item-type-post_type '
        f'menu-item-object-page menu-item-{100 + i}"><a href="{{{{base}}}}{href}">{label}</a></li>'
        for i, (href, label) in enumerate(_B2B_NAV)
    )
    yoast = (
        _B2B_YOAST.replace("__TITLE__", title).replace("__DESC__", desc).replace("__PATH__", path)
    )
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
{_B2B_ONETRUST}
{yoast}
<link rel='dns-prefetch' href='//js.hs-scripts.com' />
<link rel='dns-prefetch' href='//www.googletagmanager.com' />
<link rel="alternate" type="application/rss+xml" title="Relaywise &raquo; Feed" href="{{{{base}}}}/feed/" />
<link rel="alternate" type="application/rss+xml" title="Relaywise &raquo; Comments Feed" href="{{{{base}}}}/comments/feed/" />
<script>
window._wpemojiSettings = {{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/72x72\\/","ext":".png","svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/svg\\/","svgExt":".svg","source":{{"concatemoji":"{{{{base}}}}\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=6.4.2"}}}};
</script>
<style id='wp-emoji-styles-inline-css'>
	img.wp-smiley, img.emoji {{
		display: inline !important;
		border: none !important;
		box-shadow: none !important;
		height: 1em !important;
		width: 1em !important;
		margin: 0 0.07em !important;
		vertical-align: -0.1em !important;
		background: none !important;
		padding: 0 !important;
	}}
</style>
<link rel='stylesheet' id='wp-block-library-css' href='{{{{base}}}}/wp-includes/css/dist/block-library/style.min.css?ver=6.4.2' media='all' />
<link rel='stylesheet' id='classic-theme-styles-css' href='{{{{base}}}}/wp-includes/css/classic-themes.min.css?ver=6.4.2' media='all' />
<link rel='stylesheet' id='generate-style-css' href='{{{{base}}}}/wp-content/themes/generatepress/assets/css/main.min.css?ver=3.3.1' media='all' />
<link rel='stylesheet' id='relaywise-child-css' href='{{{{base}}}}/wp-content/themes/relaywise-child/style.css?ver=1.8.4' media='all' />
<link rel='stylesheet' id='contact-form-7-css' href='{{{{base}}}}/wp-content/plugins/contact-form-7/includes/css/styles.css?ver=5.8.4' media='all' />
<script src="{{{{base}}}}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<script src="{{{{base}}}}/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1" id="jquery-migrate-js"></script>
<link rel="https://api.w.org/" href="{{{{base}}}}/wp-json/" /><link rel="alternate" type="application/json" href="{{{{base}}}}/wp-json/wp/v2/pages/42" /><link rel="EditURI" type="application/rsd+xml" title="RSD" href="{{{{base}}}}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress 6.4.2" />
<link rel='shortlink' href='{{{{base}}}}/?p=42' />
{_B2B_HUBSPOT}
{_B2B_GTAG}
<link rel="icon" href="{{{{base}}}}/wp-content/uploads/2023/02/cropped-relaywise-icon-32x32.png" sizes="32x32" />
<link rel="icon" href="{{{{base}}}}/wp-content/uploads/2023/02/cropped-relaywise-icon-192x192.png" sizes="192x192" />
</head>
<body class="{body_class} wp-custom-logo wp-embed-responsive right-sidebar nav-float-right separate-containers header-aligned-left dropdown-hover" itemtype="https://schema.org/WebPage" itemscope>
<a class="screen-reader-text skip-link" href="#content" title="Skip to content">Skip to content</a>
<header class="site-header has-inline-mobile-toggle" id="masthead" aria-label="Site" itemtype="https://schema.org/WPHeader" itemscope>
  <div class="inside-header grid-container">
    <div class="site-logo"><a href="{{{{base}}}}/" rel="home"><img class="header-image is-logo-image" alt="Relaywise" src="{{{{base}}}}/wp-content/uploads/2023/02/relaywise-logo.svg" width="164" height="36" /></a></div>
    <nav class="main-navigation sub-menu-right" id="site-navigation" aria-label="Primary" itemtype="https://schema.org/SiteNavigationElement" itemscope>
      <div class="inside-navigation grid-container"><div class="main-nav"><ul id="menu-primary" class="menu sf-menu">
{nav}
        <li class="menu-item menu-login"><a href="{{{{base}}}}/login/">Log in</a></li>
        <li class="menu-item menu-cta"><a class="button" href="{{{{base}}}}/demo/">Book a demo</a></li>
      </ul></div></div>
    </nav>
  </div>
</header>
<div class="site grid-container container hfeed" id="page">
  <div class="site-content" id="content">
    <div class="content-area" id="primary"><main class="site-main" id="main">
      <article id="post-42" class="post-42 page type-page status-publish" itemtype="https://schema.org/CreativeWork" itemscope>
        <div class="inside-article"><div class="entry-content" itemprop="text">
{main}
        </div></div>
      </article>
    </main></div>
  </div>
</div>
<div class="site-footer">
  <footer class="site-info" aria-label="Site" itemtype="https://schema.org/WPFooter" itemscope>
    <div class="inside-site-info grid-container">
      <div class="footer-widgets-container grid-container"><div class="inside-footer-widgets">
        <div class="footer-widget-1"><aside class="widget widget_nav_menu"><h2 class="widget-title">Product</h2><ul class="menu">
          <li><a href="{{{{base}}}}/product/workflows/">Workflows</a></li><li><a href="{{{{base}}}}/product/routing/">Lead routing</a></li>
          <li><a href="{{{{base}}}}/product/integrations/">Integrations</a></li><li><a href="{{{{base}}}}/product/security/">Security</a></li>
          <li><a href="{{{{base}}}}/pricing/">Pricing</a></li><li><a href="{{{{base}}}}/changelog/">Changelog</a></li></ul></aside></div>
        <div class="footer-widget-2"><aside class="widget widget_nav_menu"><h2 class="widget-title">Resources</h2><ul class="menu">
          <li><a href="{{{{base}}}}/blog/">Blog</a></li><li><a href="{{{{base}}}}/guides/">Guides</a></li>
          <li><a href="{{{{base}}}}/webinars/">Webinars</a></li><li><a href="https://help.b2bsaas.test/">Help center</a></li>
          <li><a href="https://status.b2bsaas.test/">Status</a></li></ul></aside></div>
        <div class="footer-widget-3"><aside class="widget widget_nav_menu"><h2 class="widget-title">Company</h2><ul class="menu">
          <li><a href="{{{{base}}}}/company/">About</a></li><li><a href="{{{{base}}}}/company/careers/">Careers</a></li>
          <li><a href="{{{{base}}}}/contact/">Contact</a></li><li><a href="{{{{base}}}}/legal/privacy/">Privacy</a></li>
          <li><a href="{{{{base}}}}/legal/terms/">Terms</a></li><li><a href="{{{{base}}}}/trust/">Trust center</a></li></ul></aside></div>
      </div></div>
      <div class="copyright-bar">&copy; 2024 Relaywise, Inc. &middot; 548 Market St, San Francisco, CA 94104 &middot; SOC 2 Type II</div>
    </div>
  </footer>
</div>
<script id="generate-a11y">!function(){{"use strict";if("querySelector"in document&&"addEventListener"in window){{var e=document.body;e.addEventListener("mousedown",function(){{e.classList.add("using-mouse")}}),e.addEventListener("keydown",function(){{e.classList.remove("using-mouse")}})}}}}();</script>
<script src="{{{{base}}}}/wp-content/plugins/contact-form-7/includes/swv/js/index.js?ver=5.8.4" id="swv-js"></script>
<script src="{{{{base}}}}/wp-content/plugins/contact-form-7/includes/js/index.js?ver=5.8.4" id="contact-form-7-js"></script>
<script id="generate-menu-js-extra">var generatepressMenu = {{"toggleOpenedSubMenus":true,"openSubMenuLabel":"Open Sub-Menu","closeSubMenuLabel":"Close Sub-Menu"}};</script>
<script src="{{{{base}}}}/wp-content/themes/generatepress/assets/js/menu.min.js?ver=3.3.1" id="generate-menu-js"></script>
{_B2B_INTERCOM}
</body>
</html>
"""


def _b2b_home() -> str:
    features = [
        (
            "Route every lead in seconds",
            "Match inbound leads to accounts, score them against your ICP and assign them to the right rep in under ten seconds, with round-robin, territory and account-based rules.",
        ),
        (
            "Automate the busywork",
            "Build multi-step workflows across Salesforce, HubSpot, Slack and Outreach with a visual builder your RevOps team can own without filing a ticket.",
        ),
        (
            "Know what changed",
            "Every field update, assignment and handoff is logged with who, what and why, so pipeline reviews start from facts instead of guesses.",
        ),
        (
            "Enterprise-grade controls",
            "SSO, SCIM, granular roles, audit logs and EU data residency. SOC 2 Type II and ISO 27001 certified, GDPR and CCPA ready.",
        ),
        (
            "Integrates with your stack",
            "Native connectors for Salesforce, HubSpot, Marketo, Snowflake, Gong, Zoom and 60 more; a REST API and webhooks for everything else.",
        ),
        (
            "Live in two weeks",
            "Our onboarding team migrates your existing assignment rules, tests them against last quarter's leads and goes live with you.",
        ),
    ]
    cards = "\n".join(
        f'<div class="wp-block-column feature-card"><h3 class="wp-block-heading">{t}</h3><p>{d}</p>'
        f'<p><a href="{{{{base}}}}/product/">Learn more &rarr;</a></p></div>'
        for t, d in features
    )
    quotes = [
        (
            "We cut lead response time from 4 hours to 6 minutes in the first month.",
            "Dana Whitfield",
            "VP Revenue Operations, Corvid Analytics",
        ),
        (
            "Relaywise replaced three internal tools and a spreadsheet nobody trusted.",
            "Marcus Oyelaran",
            "Director of Sales Ops, Tallgrass Health",
        ),
        (
            "Our SDRs finally work the right accounts, and our AEs can see why.",
            "Priya Raman",
            "CRO, Beaconfield",
        ),
    ]
    quote_html = "\n".join(
        f'<figure class="wp-block-pullquote"><blockquote><p>&ldquo;{q}&rdquo;</p><cite>{n}, {r}</cite></blockquote></figure>'
        for q, n, r in quotes
    )
    main = f"""<div class="wp-block-cover alignfull hero"><div class="wp-block-cover__inner-container">
<h1 class="wp-block-heading has-text-align-center">Workflow automation for revenue teams</h1>
<p class="has-text-align-center has-large-font-size">Relaywise routes, enriches and follows up on every lead automatically, so your reps spend their time selling instead of updating fields.</p>
<div class="wp-block-buttons is-content-justification-center"><div class="wp-block-button"><a class="wp-block-button__link wp-element-button" href="{{{{base}}}}/demo/">Book a demo</a></div>
<div class="wp-block-button is-style-outline"><a class="wp-block-button__link wp-element-button" href="{{{{base}}}}/pricing/">See pricing</a></div></div>
</div></div>
<div class="wp-block-group logo-wall"><p class="has-text-align-center">Trusted by 1,200+ revenue teams, including</p>
<ul class="logos"><li>Corvid Analytics</li><li>Tallgrass Health</li><li>Beaconfield</li><li>Northstar Freight</li><li>Lumen &amp; Co</li><li>Quarry Labs</li></ul></div>
<h2 class="wp-block-heading has-text-align-center">Everything RevOps needs, nothing it doesn't</h2>
<div class="wp-block-columns features">
{cards}
</div>
<div class="wp-block-group testimonials">
{quote_html}
</div>
<div class="wp-block-group stats"><div class="wp-block-columns">
<div class="wp-block-column"><p class="stat">38%</p><p>more meetings booked from inbound</p></div>
<div class="wp-block-column"><p class="stat">6 min</p><p>median speed-to-lead</p></div>
<div class="wp-block-column"><p class="stat">14 hrs</p><p>saved per rep, per month</p></div>
</div></div>
{
        _copy(
            "Relaywise connects to your CRM in minutes and reads your existing data model: custom objects, record types and all. Nothing is copied out of your CRM that does not need to be, and every action Relaywise takes is written back with a clear audit trail.",
            "Whether you run a lean PLG motion or a 300-rep enterprise sales team, Relaywise scales with you: the same rules engine powers round-robin for a five-person SDR team and multi-stage, territory-aware routing across continents.",
        )
    }
<div class="wp-block-group cta"><h2 class="wp-block-heading">See Relaywise with your own data</h2>
<p>Bring last month's leads; we'll show you how they would have been routed.</p>
<div class="wp-block-buttons"><div class="wp-block-button"><a class="wp-block-button__link wp-element-button" href="{{{{base}}}}/demo/">Book a demo</a></div></div></div>"""
    return _b2b_layout(
        "Workflow automation for revenue teams",
        "Relaywise routes, enriches and follows up on every lead automatically.",
        "/",
        "home page-template-default page page-id-42",
        main,
    )


def _b2b_pricing() -> str:
    tiers = [
        (
            "Starter",
            "$49",
            "per user / month, billed annually",
            ["Up to 10 users", "Round-robin routing", "Salesforce or HubSpot", "Email support"],
        ),
        (
            "Growth",
            "$99",
            "per user / month, billed annually",
            [
                "Unlimited users",
                "Territory & account-based routing",
                "Workflow builder",
                "Slack alerts",
                "Priority support",
            ],
        ),
        (
            "Enterprise",
            "Custom",
            "annual contract",
            [
                "SSO, SCIM & audit logs",
                "EU data residency",
                "Sandbox environments",
                "Dedicated CSM",
                "99.9% uptime SLA",
            ],
        ),
    ]
    cols = "\n".join(
        f'<div class="wp-block-column pricing-tier"><h3>{n}</h3><p class="price">{p}</p><p class="per">{per}</p><ul>'
        + "".join(f"<li>{f}</li>" for f in feats)
        + f'</ul><a class="wp-block-button__link" href="{{{{base}}}}/demo/">{"Contact sales" if p == "Custom" else "Start free trial"}</a></div>'
        for n, p, per, feats in tiers
    )
    faq = [
        ("Is there a free trial?", "Yes: 14 days on the Growth plan, no credit card required."),
        (
            "Can I change plans later?",
            "Any time. Upgrades are prorated; downgrades apply at renewal.",
        ),
        (
            "Do you offer discounts for startups?",
            "Companies under 20 employees that raised less than $5M get 50% off the first year.",
        ),
        (
            "Which CRMs do you support?",
            "Salesforce (all editions with API access) and HubSpot Sales Hub Professional or Enterprise.",
        ),
        (
            "How is a user counted?",
            "Anyone who receives routed records or edits workflows. Read-only viewers are free.",
        ),
    ]
    faq_html = "\n".join(
        f'<details class="faq"><summary>{q}</summary><p>{a}</p></details>' for q, a in faq
    )
    main = f"""<h1 class="wp-block-heading has-text-align-center">Simple pricing that grows with you</h1>
<p class="has-text-align-center">Start free for 14 days. No credit card required.</p>
<div class="wp-block-columns pricing">
{cols}
</div>
<h2 class="wp-block-heading">Frequently asked questions</h2>
{faq_html}
{_copy("All plans include unlimited workflows, unlimited routing rules and our standard integrations. Prices are in US dollars and exclude applicable taxes. Annual plans can be paid by card, ACH or invoice.")}"""
    return _b2b_layout(
        "Pricing",
        "Relaywise plans and pricing: Starter, Growth and Enterprise.",
        "/pricing/",
        "page-template-default page page-id-57",
        main,
    )


def _b2b_careers() -> str:
    roles = [
        ("4012345008", "Senior Backend Engineer, Routing", "Engineering", "Remote (US/Canada)"),
        ("4012345011", "Product Designer", "Design", "San Francisco, CA"),
        ("4012345013", "Enterprise Account Executive", "Sales", "New York, NY"),
        ("4012345019", "Solutions Engineer", "Sales", "Remote (US)"),
        ("4012345027", "Customer Success Manager", "Customer Success", "London, UK"),
        ("4012345031", "Senior Data Engineer", "Engineering", "Remote (EU)"),
    ]
    rows = "\n".join(
        f'<div class="opening" department_id="{dep}"><a data-mapped="true" href="https://boards.greenhouse.io/b2bsaas/jobs/{jid}">{t}</a>'
        f'<span class="location">{loc}</span></div>'
        for jid, t, dep, loc in roles
    )
    main = f"""<h1 class="wp-block-heading">Careers at Relaywise</h1>
{
        _copy(
            "We are 140 people across San Francisco, New York, London and about a dozen home offices, building the system of record for how revenue teams work. We raised our Series B in 2023 and we are growing every team this year.",
            "We value clear writing, small teams with real ownership, and shipping every day. Every role comes with meaningful equity, fully paid health coverage, a $2,000 learning budget and a four-week sabbatical after four years.",
        )
    }
<h2 class="wp-block-heading">Open positions</h2>
<section class="level-0">
{rows}
</section>
<p>See all openings on our <a href="https://boards.greenhouse.io/b2bsaas">Greenhouse job board</a>.</p>
<div id="grnhse_app"></div>
<script src="https://boards.greenhouse.io/embed/job_board/js?for=b2bsaas"></script>
<h2 class="wp-block-heading">How we hire</h2>
<ol><li>A 30-minute call with a recruiter</li><li>A conversation with the hiring manager</li><li>A practical exercise, paid, that mirrors the job</li><li>Meet the team, then an offer within a week</li></ol>"""
    return _b2b_layout(
        "Careers",
        "Join Relaywise: open roles in engineering, sales, design and success.",
        "/company/careers/",
        "page-template-default page page-id-88",
        main,
    )


def _b2b_contact() -> str:
    main = f"""<h1 class="wp-block-heading">Talk to us</h1>
{_copy("Questions about Relaywise, pricing or a security review? Fill in the form and the right person will get back to you within one business day. Existing customers can reach support from the chat bubble in the app or at support@b2bsaas.test.")}
<div class="wpcf7 no-js" id="wpcf7-f311-p61-o1" lang="en-US" dir="ltr">
<form action="/contact/#wpcf7-f311-p61-o1" method="post" class="wpcf7-form init" aria-label="Contact form" novalidate="novalidate" data-status="init">
<div style="display: none;"><input type="hidden" name="_wpcf7" value="311" /><input type="hidden" name="_wpcf7_version" value="5.8.4" /><input type="hidden" name="_wpcf7_locale" value="en_US" /><input type="hidden" name="_wpcf7_unit_tag" value="wpcf7-f311-p61-o1" /></div>
<p><label> Work email<br /><span class="wpcf7-form-control-wrap" data-name="your-email"><input size="40" class="wpcf7-form-control wpcf7-email wpcf7-validates-as-required" aria-required="true" value="" type="email" name="your-email" /></span></label></p>
<p><label> Company<br /><span class="wpcf7-form-control-wrap" data-name="company"><input size="40" class="wpcf7-form-control wpcf7-text" value="" type="text" name="company" /></span></label></p>
<p><label> Team size<br /><select name="team-size"><option>1-10</option><option>11-50</option><option>51-200</option><option>201-1000</option><option>1000+</option></select></label></p>
<p><label> How can we help?<br /><textarea cols="40" rows="10" class="wpcf7-form-control wpcf7-textarea" name="your-message"></textarea></label></p>
<p><input class="wpcf7-form-control wpcf7-submit has-spinner" type="submit" value="Send" /></p>
</form></div>
<h2 class="wp-block-heading">Offices</h2>
<div class="wp-block-columns"><div class="wp-block-column"><h3>San Francisco (HQ)</h3><p>548 Market St, PMB 70112<br />San Francisco, CA 94104</p></div>
<div class="wp-block-column"><h3>New York</h3><p>1 World Trade Center, 85th Floor<br />New York, NY 10007</p></div>
<div class="wp-block-column"><h3>London</h3><p>20 Farringdon Road<br />London EC1M 3HE</p></div></div>"""
    return _b2b_layout(
        "Contact",
        "Contact Relaywise sales and support.",
        "/contact/",
        "page-template-default page page-id-61",
        main,
    )


def _b2b_blog() -> str:
    posts = [
        (
            "speed-to-lead-benchmarks-2024",
            "Speed-to-lead benchmarks for 2024: what 1,200 teams taught us",
            "March 14, 2024",
            "Research",
        ),
        (
            "round-robin-is-not-fair",
            "Round-robin is not fair (and what to do about it)",
            "February 27, 2024",
            "RevOps",
        ),
        (
            "salesforce-lead-assignment-rules-limits",
            "Five limits of Salesforce lead assignment rules",
            "February 8, 2024",
            "Salesforce",
        ),
        (
            "building-a-routing-engine-in-rust",
            "Building a routing engine that answers in 40 ms",
            "January 22, 2024",
            "Engineering",
        ),
        (
            "revops-hiring-guide",
            "The RevOps hiring guide: your first three hires",
            "January 9, 2024",
            "RevOps",
        ),
    ]
    items = "\n".join(
        f'<article class="post type-post status-publish format-standard has-post-thumbnail category-{c.lower()}">'
        f'<div class="inside-article"><header class="entry-header"><h2 class="entry-title" itemprop="headline">'
        f'<a href="{{{{base}}}}/blog/{s}/" rel="bookmark">{t}</a></h2><div class="entry-meta"><span class="posted-on">'
        f'<time class="entry-date published" datetime="2024-01-01T09:00:00+00:00" itemprop="datePublished">{d}</time></span> '
        f'<span class="byline">by <span class="author vcard"><span class="author-name">Relaywise team</span></span></span></div></header>'
        f'<div class="entry-summary" itemprop="text"><p>What we learned from running routing for revenue teams of every size, '
        f"and what we would do differently next time. &hellip;</p></div>"
        f'<footer class="entry-meta"><span class="cat-links"><a href="{{{{base}}}}/blog/category/{c.lower()}/" rel="category tag">{c}</a></span></footer></div></article>'
        for s, t, d, c in posts
    )
    main = f"""<h1 class="page-title">The Relaywise blog</h1>
{items}
<nav id="nav-below" class="paging-navigation"><div class="nav-links"><span aria-current="page" class="page-numbers current">1</span>
<a class="page-numbers" href="{{{{base}}}}/blog/page/2/">2</a><a class="page-numbers" href="{{{{base}}}}/blog/page/3/">3</a>
<a class="next page-numbers" href="{{{{base}}}}/blog/page/2/">Next &rarr;</a></div></nav>"""
    return _b2b_layout(
        "Blog",
        "Research, guides and engineering notes from the Relaywise team.",
        "/blog/",
        "blog wp-embed-responsive",
        main,
    )


def _b2b_login() -> str:
    main = f"""<h1 class="wp-block-heading">Log in to Relaywise</h1>
<form class="login-form" method="post" action="https://app.b2bsaas.test/session">
<p><label>Work email<br /><input type="email" name="email" autocomplete="username" /></label></p>
<p><label>Password<br /><input type="password" name="password" autocomplete="current-password" /></label></p>
<p><button type="submit">Log in</button> <a href="https://app.b2bsaas.test/sso">Log in with SSO</a></p>
<p><a href="https://app.b2bsaas.test/password/reset">Forgot your password?</a></p>
</form>
{_copy("New to Relaywise? Start a 14-day free trial of the Growth plan, or book a demo and we will set up a sandbox with your own data.")}"""
    return _b2b_layout(
        "Log in",
        "Log in to your Relaywise workspace.",
        "/login/",
        "page-template-default page page-id-73",
        main,
    )


def _b2b_product() -> str:
    main = """<h1 class="wp-block-heading">The Relaywise platform</h1>""" + _copy(
        "Relaywise is built around three pieces: a real-time rules engine that decides who owns "
        "what, a workflow builder that acts on those decisions across your tools, and an audit "
        "layer that records every change with its reason.",
        "Rules are versioned and testable: before you publish a change, Relaywise replays the last "
        "30 days of leads against it and shows you exactly which assignments would have moved.",
        "Workflows run on the same engine: when a lead is routed, Relaywise can create a task, post "
        "in Slack, enroll the contact in a sequence and update the account owner in one step.",
    )
    return _b2b_layout(
        "Product",
        "How Relaywise routes and automates revenue workflows.",
        "/product/",
        "page-template-default page page-id-49",
        main,
    )


_B2B_ROBOTS = """User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: {{base}}/wp-sitemap.xml
"""

B2BSAAS_HEADERS = [
    ("Server", "nginx"),
    ("X-Powered-By", "PHP/8.1.27"),
    ("Link", '<https://b2bsaas.test/wp-json/>; rel="https://api.w.org/"'),
    ("Vary", "Accept-Encoding"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Strict-Transport-Security", "max-age=31536000"),
]


def b2bsaas() -> Site:
    pages: dict[str, Page] = {
        "/": _page(_b2b_home()),
        "/product/": _page(_b2b_product()),
        "/pricing/": _page(_b2b_pricing()),
        "/company/careers/": _page(_b2b_careers()),
        "/contact/": _page(_b2b_contact()),
        "/blog/": _page(_b2b_blog()),
        "/login/": _page(_b2b_login()),
        "/wp-sitemap.xml": Response(
            200,
            [("Content-Type", "application/xml")],
            _sitemap(
                "{{base}}",
                ["/", "/product/", "/pricing/", "/company/careers/", "/contact/", "/blog/"],
            ),
        ),
    }
    return Site(
        "b2bsaas.test",
        pages,
        robots=_B2B_ROBOTS,
        headers=list(B2BSAAS_HEADERS),
        gzip=True,
        truth={
            "technologies": [
                "WordPress",
                "Yoast SEO",
                "PHP",
                "Nginx",
                "jQuery",
                "jQuery Migrate",
                "HubSpot",
                "Google Analytics",
                "Intercom",
                "OneTrust",
                "Greenhouse",
                "Contact Form 7",
                "GeneratePress",
            ],
            "versions": {
                "WordPress": "6.4.2",
                "PHP": "8.1.27",
                "Yoast SEO": "21.7",
                "jQuery": "3.7.1",
            },
            "ids": {
                "hubspot": B2B_HUBSPOT,
                "ga4": B2B_GA4,
                "intercom": B2B_INTERCOM,
                "onetrust": B2B_ONETRUST,
                "greenhouse": "b2bsaas",
            },
            "notes": "Links are absolute ({{base}}/...). /pricing answers 301 -> /pricing/.",
        },
    )


# =============================================================================================
# nextapp.test: a Next.js app behind Cloudflare
# =============================================================================================

NEXT_BUILD_ID = "k8Hq2ZrT5nVw3xYb1LcPe"
NEXT_SEGMENT = "q7RtY2uI9oP3aS5dF8gH1jK4lZ6xC0vB"
NEXT_ZENDESK = "5c1f2a9e-3b7d-4e8a-9c6f-1d2e3f4a5b6c"
NEXT_HOTJAR = "3456789"

_NEXT_SEGMENT = """<script>
  !function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)\
window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;\
analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group",\
"track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware",\
"addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];\
analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);\
var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1)\
{var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,\
p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);\
analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];\
analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");\
t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);\
t.src="https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js";\
var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};\
analytics._writeKey="q7RtY2uI9oP3aS5dF8gH1jK4lZ6xC0vB";;analytics.SNIPPET_VERSION="5.2.0";
  analytics.load("q7RtY2uI9oP3aS5dF8gH1jK4lZ6xC0vB");
  analytics.page();
  }}();
</script>"""

_NEXT_ZENDESK = """<!-- Start of ledgerly Zendesk Widget script -->
<script id="ze-snippet" src="https://static.zdassets.com/ekr/snippet.js?key=5c1f2a9e-3b7d-4e8a-9c6f-1d2e3f4a5b6c"> </script>
<!-- End of ledgerly Zendesk Widget script -->"""

_NEXT_CHUNKS = [
    "/_next/static/chunks/webpack-59c5c889f52620d6.js",
    "/_next/static/chunks/framework-5429a50ba5373c56.js",
    "/_next/static/chunks/main-d2ba44903cd47711.js",
    "/_next/static/chunks/pages/_app-8f1d3c2b7a9e4f60.js",
    f"/_next/static/{NEXT_BUILD_ID}/_buildManifest.js",
    f"/_next/static/{NEXT_BUILD_ID}/_ssgManifest.js",
]

# Injected at runtime by _app: only a rendering browser sees Hotjar.
_NEXT_APP_JS = """(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[888],{6840:function(e,t,n){\
(window.__NEXT_P=window.__NEXT_P||[]).push(["/_app",function(){return n(3847)}])},3847:function(e,t,n){\
"use strict";n.r(t),t.default=function(e){return e.Component?null:null}}},function(e){var t=function(t)\
{return e(e.s=t)};e.O(0,[774,179],function(){return t(6840),t(3847)}),_N_E=e.O()}]);
!function(){function loadHotjar(){(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[])\
.push(arguments)};h._hjSettings={hjid:3456789,hjsv:6};a=o.getElementsByTagName('head')[0];\
r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})\
(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');}window.__ledgerlyBooted=!0;\
"complete"===document.readyState?loadHotjar():window.addEventListener("load",loadHotjar)}();
"""

_NEXT_NAV = [
    ("/product", "Product"),
    ("/pricing", "Pricing"),
    ("/customers", "Customers"),
    ("/blog", "Blog"),
    ("/careers", "Careers"),
    ("/contact", "Contact"),
]


def _next_layout(title: str, page_route: str, props: str, main: str) -> str:
    nav = "".join(f'<a class="Nav_link__x7Qp2" href="{h}">{label}</a>' for h, label in _NEXT_NAV)
    scripts = "".join(f'<script src="{c}" defer=""></script>' for c in _NEXT_CHUNKS)
    page_chunk = page_route.strip("/") or "index"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{title} | Ledgerly</title><meta name="description" content="Ledgerly is the finance automation platform for fast-growing companies: spend management, bill pay and close, in one place."/><meta property="og:title" content="{title} | Ledgerly"/><meta property="og:image" content="https://nextapp.test/og.png"/><meta name="twitter:card" content="summary_large_image"/><link rel="icon" href="/favicon.ico"/><link rel="canonical" href="https://nextapp.test{page_route}"/>{_NEXT_SEGMENT}<script src="https://js.stripe.com/v3/" data-nscript="beforeInteractive"></script><meta name="next-head-count" content="12"/><link rel="preload" href="/_next/static/css/6f2b8d4c1a9e3f70.css" as="style"/><link rel="stylesheet" href="/_next/static/css/6f2b8d4c1a9e3f70.css" data-n-g=""/><link rel="preload" href="/_next/static/css/b41e8a3c9d2f5e17.css" as="style"/><link rel="stylesheet" href="/_next/static/css/b41e8a3c9d2f5e17.css" data-n-p=""/><noscript data-n-css=""></noscript><script defer="" nomodule="" src="/_next/static/chunks/polyfills-c67a75d1b6f99dc8.js"></script>{scripts}<script src="/_next/static/chunks/pages/{page_chunk}-3e9a1f7c2d5b8046.js" defer=""></script></head><body><div id="__next"><div class="Layout_root__Zq1f8"><header class="Header_header__b2Kd9"><div class="Header_inner__T5mQa"><a class="Header_logo__p0Wc3" href="/"><svg width="120" height="28" viewBox="0 0 120 28" aria-label="Ledgerly"><title>Ledgerly</title><path d="M4 4h6v14h10v6H4z" fill="currentColor"></path></svg></a><nav class="Nav_nav__m4Rk1">{nav}</nav><div class="Header_actions__G6vL0"><a class="Button_ghost__h3Dp2" href="/login">Sign in</a><a class="Button_primary__Q8sN1" href="/signup">Get started</a></div></div></header><main class="Layout_main__J9yB4">{main}</main><footer class="Footer_footer__W3cN7"><div class="Footer_grid__r8Pz5"><div><p class="Footer_heading__L2mX6">Product</p><a href="/product/cards">Corporate cards</a><a href="/product/bill-pay">Bill pay</a><a href="/product/reimbursements">Reimbursements</a><a href="/product/accounting">Accounting automation</a><a href="/pricing">Pricing</a></div><div><p class="Footer_heading__L2mX6">Company</p><a href="/about">About</a><a href="/careers">Careers</a><a href="/blog">Blog</a><a href="/press">Press</a><a href="/contact">Contact</a></div><div><p class="Footer_heading__L2mX6">Resources</p><a href="/security">Security</a><a href="https://docs.nextapp.test">API docs</a><a href="https://status.nextapp.test">Status</a><a href="/legal/privacy">Privacy</a><a href="/legal/terms">Terms</a></div></div><p class="Footer_legal__V7kQ3">Ledgerly is a financial technology company, not a bank. Banking services provided by Evolve Bank &amp; Trust, Member FDIC. The Ledgerly Visa&reg; Corporate Card is issued by Evolve Bank &amp; Trust pursuant to a license from Visa U.S.A. Inc. &copy; 2024 Ledgerly, Inc.</p></footer></div></div><script id="__NEXT_DATA__" type="application/json">{{"props":{{"pageProps":{props},"__N_SSG":true}},"page":"{page_route}","query":{{}},"buildId":"{NEXT_BUILD_ID}","isFallback":false,"gsp":true,"locale":"en-US","locales":["en-US"],"defaultLocale":"en-US","scriptLoader":[]}}</script>{_NEXT_ZENDESK}</body></html>"""


def _next_section(title: str, text: str, cls: str = "Section_section__k2Lp9") -> str:
    return f'<section class="{cls}"><h2 class="Section_title__R5tQ1">{title}</h2><p class="Section_text__u8Nw3">{text}</p></section>'


def _next_home() -> str:
    sections = [
        (
            "Cards that enforce your policy",
            "Issue unlimited virtual and physical Visa cards with spend limits, merchant controls and receipts matched automatically. Employees spend within policy by default, not by memo.",
        ),
        (
            "Bills paid on time, every time",
            "Forward invoices to Ledgerly and we extract the details, route them for approval and pay by ACH, check or international wire on the date you choose.",
        ),
        (
            "Close the books in days, not weeks",
            "Transactions sync to NetSuite, QuickBooks and Xero with categories, classes and receipts already attached. Accruals and reconciliations run themselves.",
        ),
        (
            "Real-time budgets",
            "Give every team a budget and see spend against it as it happens, not a month later. Alerts fire before a budget is blown, not after.",
        ),
        (
            "Built for finance teams, loved by everyone else",
            "Approvals in Slack, receipts by text message, reimbursements in two days. Your team spends less time on expenses and your controller sleeps better.",
        ),
        (
            "Security you can audit",
            "SOC 1 and SOC 2 Type II, PCI DSS Level 1, SSO and SCIM, granular roles and a full audit trail of every approval and payment.",
        ),
    ]
    main = (
        '<section class="Hero_hero__d4Fk2"><h1 class="Hero_title__n1Xc7">Finance automation for companies that move fast</h1>'
        '<p class="Hero_subtitle__y6Vr0">Corporate cards, bill pay, reimbursements and accounting in one platform. '
        "Ledgerly customers close their books 8 days faster on average.</p>"
        '<div class="Hero_ctas__q3Bm5"><a class="Button_primary__Q8sN1" href="/signup">Get started free</a>'
        '<a class="Button_secondary__c9Xz2" href="/contact">Talk to sales</a></div></section>'
        '<section class="Logos_logos__v2Hn6"><p>Trusted by 9,000+ finance teams</p><ul><li>Brightline</li><li>Oakmont Bio</li>'
        "<li>Fathom Robotics</li><li>Parcelwise</li><li>Meridian Foods</li><li>Kestrel AI</li></ul></section>"
        + "".join(_next_section(t, d) for t, d in sections)
        + '<section class="Quote_quote__h7Lm2"><blockquote>&ldquo;We went from a 15-day close to a 5-day close in one quarter, '
        "and our controller stopped chasing receipts entirely.&rdquo;</blockquote><cite>Hannah Brooks, VP Finance, Parcelwise</cite></section>"
        '<section class="CTA_cta__p5Tq8"><h2>Ready to automate your finance stack?</h2><a class="Button_primary__Q8sN1" href="/signup">Get started free</a></section>'
    )
    props = '{"hero":{"variant":"b"},"customers":9000,"featureFlags":{"newPricing":true}}'
    return _next_layout("Finance automation for fast-growing companies", "/", props, main)


def _next_pricing() -> str:
    tiers = [
        (
            "Core",
            "$0",
            "Corporate cards, expense management and reimbursements for up to 50 employees.",
        ),
        (
            "Plus",
            "$12",
            "per user / month. Bill pay, multi-entity, custom approval chains and NetSuite sync.",
        ),
        (
            "Enterprise",
            "Custom",
            "Global card programs, ERP integrations, dedicated support and SLAs.",
        ),
    ]
    cards = "".join(
        f'<div class="Pricing_card__g3Ws1"><h3>{n}</h3><p class="Pricing_price__k1Dv8">{p}</p><p>{d}</p>'
        f'<a class="Button_primary__Q8sN1" href="{"/contact" if p == "Custom" else "/signup"}">{"Contact sales" if p == "Custom" else "Get started"}</a></div>'
        for n, p, d in tiers
    )
    main = (
        '<section class="Pricing_header__z8Fh3"><h1>Pricing that scales with your team</h1>'
        "<p>No setup fees. No card fees. Cancel anytime.</p></section>"
        f'<section class="Pricing_grid__w5Nc0">{cards}</section>'
        + _next_section(
            "How does Ledgerly make money on the free plan?",
            "We earn interchange from the card networks when your team uses Ledgerly cards, so Core is free for good, not just for a trial.",
        )
        + _next_section(
            "Can we pay annually?",
            "Yes. Annual Plus plans get two months free and can be invoiced; payment by card is processed securely by Stripe.",
        )
        + _next_section(
            "Do you support multiple currencies?",
            "Plus and Enterprise support 40+ currencies for bills and reimbursements, with multi-entity consolidation.",
        )
        + '<section class="Pricing_checkout__e1Jt4"><form id="checkout-form"><div id="card-element"></div>'
        '<button id="pay" class="Button_primary__Q8sN1">Start Plus trial</button></form></section>'
    )
    props = '{"plans":[{"id":"core","price":0},{"id":"plus","price":12},{"id":"enterprise","price":null}],"stripePublishableKey":"pk_test_51NzLedgerlyQ4vX2b"}'
    return _next_layout("Pricing", "/pricing", props, main)


def _next_careers() -> str:
    jobs = [
        ("Senior Software Engineer, Payments", "New York or Remote (US)"),
        ("Staff Engineer, Ledger", "New York"),
        ("Product Manager, Bill Pay", "San Francisco"),
        ("Account Executive, Mid-Market", "Austin"),
        ("Risk Operations Analyst", "Remote (US)"),
    ]
    rows = "".join(
        f'<li class="Jobs_job__f6Pm3"><a href="https://jobs.ashbyhq.com/ledgerly/{i:04d}-role">{t}</a><span>{loc}</span></li>'
        for i, (t, loc) in enumerate(jobs, 1201)
    )
    main = (
        '<section class="Careers_hero__q1Zt6"><h1>Build the future of finance with us</h1>'
        "<p>We are 230 people in New York, San Francisco and Austin, backed by leading investors, and we are hiring across every team.</p></section>"
        + _next_section(
            "Benefits",
            "Top-of-market salary and equity, 100% covered medical, dental and vision, 16 weeks paid parental leave, a $1,500 home office stipend and an annual team offsite.",
        )
        + _next_section(
            "Our values",
            "Customers first. Write it down. Move fast, fix forward. Own the outcome, not the task.",
        )
        + f'<section><h2>Open roles</h2><ul class="Jobs_list__b8Kq2">{rows}</ul>'
        '<p>All roles on <a href="https://jobs.ashbyhq.com/ledgerly">our Ashby job board</a>.</p></section>'
    )
    return _next_layout("Careers", "/careers", '{"jobsCount":5}', main)


def _next_contact() -> str:
    main = (
        "<section><h1>Talk to sales</h1><p>Tell us a bit about your company and we will show you how Ledgerly fits your finance stack.</p>"
        '<form class="Contact_form__k3Ty7" action="/api/contact" method="post"><label>Work email<input type="email" name="email"/></label>'
        '<label>Company size<select name="size"><option>1-49</option><option>50-249</option><option>250-999</option><option>1000+</option></select></label>'
        '<label>What are you looking for?<textarea name="message"></textarea></label><button class="Button_primary__Q8sN1" type="submit">Contact sales</button></form></section>'
        + _next_section(
            "Support",
            "Existing customers can chat with us from the help widget on any page or email support@nextapp.test, 24/7.",
        )
        + _next_section("Press", "For press enquiries, write to press@nextapp.test.")
        + _next_section(
            "Offices",
            "New York: 45 W 21st St. San Francisco: 301 Howard St. Austin: 600 Congress Ave.",
        )
    )
    return _next_layout("Contact", "/contact", "{}", main)


def _next_blog() -> str:
    posts = [
        ("month-end-close-checklist", "The month-end close checklist for startups", "Finance ops"),
        (
            "corporate-card-policy-template",
            "A corporate card policy template you can copy today",
            "Spend",
        ),
        (
            "how-we-built-our-ledger",
            "How we built a double-entry ledger on Postgres",
            "Engineering",
        ),
        ("ap-automation-roi", "Calculating the ROI of AP automation", "Bill pay"),
    ]
    items = "".join(
        f'<article class="Blog_post__t2Hr9"><p class="Blog_tag__c5Vn1">{tag}</p><h2><a href="/blog/{s}">{t}</a></h2>'
        "<p>Practical advice from our finance and engineering teams on running a tighter, faster finance function.</p></article>"
        for s, t, tag in posts
    )
    main = f"<section><h1>The Ledgerly blog</h1>{items}</section>" + _next_section(
        "Subscribe", "Get the best of the blog once a month. No spam, unsubscribe any time."
    )
    props = '{"posts":[' + ",".join(f'{{"slug":"{s}","title":"{t}"}}' for s, t, _ in posts) + "]}"
    return _next_layout("Blog", "/blog", props, main)


def _next_login() -> str:
    main = (
        '<section class="Auth_card__y4Nb2"><h1>Sign in to Ledgerly</h1><form action="/api/auth/login" method="post">'
        '<label>Email<input type="email" name="email" autoComplete="username"/></label>'
        '<label>Password<input type="password" name="password" autoComplete="current-password"/></label>'
        '<button class="Button_primary__Q8sN1" type="submit">Sign in</button></form>'
        '<p><a href="/login/sso">Sign in with SSO</a> &middot; <a href="/forgot-password">Forgot password?</a></p></section>'
        + _next_section(
            "New to Ledgerly?", "Create a free account in minutes; cards ship in two business days."
        )
    )
    return _next_layout("Sign in", "/login", "{}", main)


NEXTAPP_HEADERS = [
    ("server", "cloudflare"),
    ("cf-ray", "8d3c1a7b9e2f5d40-IAD"),
    ("cf-cache-status", "DYNAMIC"),
    ("x-powered-by", "Next.js"),
    ("vary", "RSC, Next-Router-State-Tree, Next-Router-Prefetch, Accept-Encoding"),
    ("x-nextjs-cache", "HIT"),
    ("cache-control", "s-maxage=31536000, stale-while-revalidate"),
    ("strict-transport-security", "max-age=63072000; includeSubDomains; preload"),
    ("x-frame-options", "DENY"),
    ("alt-svc", 'h3=":443"; ma=86400'),
    ("nel", '{"success_fraction":0,"report_to":"cf-nel","max_age":604800}'),
    (
        "Set-Cookie",
        "__cf_bm=Zq8x2VbN4mK7pL1wR5tY9uI3oP6aS0dF-1712345678-1.0.1.1-aB3cD5eF7gH9iJ1kL3mN5oP7qR9s"
        "T1uV3wX5yZ7; path=/; expires=Fri, 22-Nov-24 19:05:00 GMT; domain=.nextapp.test; HttpOnly; "
        "Secure; SameSite=None",
    ),
]


def nextapp() -> Site:
    js = [
        ("Content-Type", "application/javascript; charset=UTF-8"),
        ("cache-control", "public, max-age=31536000, immutable"),
    ]
    pages: dict[str, Page] = {
        "/": _page(_next_home()),
        "/pricing": _page(_next_pricing()),
        "/careers": _page(_next_careers()),
        "/contact": _page(_next_contact()),
        "/blog": _page(_next_blog()),
        "/login": _page(_next_login()),
        "/_next/static/chunks/pages/_app-8f1d3c2b7a9e4f60.js": Response(200, js, _NEXT_APP_JS),
    }
    for chunk in _NEXT_CHUNKS:
        pages.setdefault(chunk, Response(200, js, "/* ledgerly chunk */\n"))
    return Site(
        "nextapp.test",
        pages,
        headers=list(NEXTAPP_HEADERS),
        gzip=True,
        truth={
            "technologies": [
                "Next.js",
                "React",
                "Cloudflare",
                "Segment",
                "Stripe",
                "Zendesk",
                "Ashby",
            ],
            "render_only": ["Hotjar"],
            "ids": {
                "segment": NEXT_SEGMENT,
                "zendesk": NEXT_ZENDESK,
                "hotjar": NEXT_HOTJAR,
                "next_build_id": NEXT_BUILD_ID,
            },
            "notes": "Hotjar is injected at runtime by /_next/static/chunks/pages/_app-*.js.",
        },
    )


# =============================================================================================
# legacy.test: a static 2012-era site with jQuery and Apache
# =============================================================================================


def _legacy_layout(title: str, current: str, content: str) -> str:
    links = [
        ("index.html", "Home"),
        ("services.html", "Services"),
        ("about.html", "About Us"),
        ("testimonials.html", "Testimonials"),
        ("contact.html", "Contact"),
    ]
    cur = ' class="current"'
    nav = "\n".join(
        f'<td class="navcell"><a href="/{h}"{cur if h == current else ""}>{label}</a></td>'
        for h, label in links
    )
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title} - Hartwell &amp; Sons Plumbing and Heating, Springfield IL</title>
<meta name="keywords" content="plumber springfield il, heating repair, water heater installation, drain cleaning, emergency plumber, boiler service">
<meta name="description" content="Family owned plumbing and heating contractor serving Springfield and Sangamon County since 1968. Licensed, bonded and insured. 24 hour emergency service.">
<link rel="stylesheet" type="text/css" href="/css/style.css">
<link rel="shortcut icon" href="/favicon.ico">
<script src="https://code.jquery.com/jquery-1.12.4.min.js" integrity="sha256-ZosEbRLbNQzLpnKIkEdrPv7lOy9C27hHQ+Xp8a4MxAQ=" crossorigin="anonymous"></script>
<script type="text/javascript" src="/js/jquery.cycle.lite.js"></script>
<script type="text/javascript">
$(document).ready(function() {{
  $('#slideshow').cycle({{ fx: 'fade', timeout: 5000 }});
  $('a.email').each(function() {{
    var e = $(this).attr('data-user') + '@' + 'legacy.test';
    $(this).attr('href', 'mailto:' + e).text(e);
  }});
  $('#year').text(new Date().getFullYear());
}});
</script>
<style type="text/css">
body {{ margin: 0; padding: 0; background: #e8e4d8 url(/images/bg_texture.gif); font-family: Verdana, Arial, Helvetica, sans-serif; font-size: 12px; color: #333; }}
#wrapper {{ width: 960px; margin: 0 auto; background: #fff; border-left: 1px solid #999; border-right: 1px solid #999; }}
#header {{ height: 140px; background: #1c3f6e url(/images/header.jpg) no-repeat; }}
.navcell a {{ display: block; padding: 8px 18px; color: #fff; font-weight: bold; text-decoration: none; }}
.navcell a:hover, .navcell a.current {{ background: #c8102e; }}
#content {{ padding: 20px 30px; line-height: 1.6em; }}
#footer {{ background: #1c3f6e; color: #ccd; font-size: 10px; padding: 12px; text-align: center; }}
.box {{ border: 1px solid #ccc; background: #f7f7f2; padding: 10px 14px; margin-bottom: 14px; }}
h1 {{ color: #1c3f6e; font-family: Georgia, serif; font-size: 24px; }}
h2 {{ color: #c8102e; font-family: Georgia, serif; font-size: 17px; }}
</style>
</head>
<body>
<div id="wrapper">
<div id="header"><a href="/index.html"><img src="/images/logo.gif" width="420" height="110" alt="Hartwell &amp; Sons Plumbing and Heating" border="0"></a>
<div class="phone">24 Hour Emergency Service: <b>(217) 555-0187</b></div></div>
<table width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#1c3f6e"><tr>
{nav}
</tr></table>
<div id="content">
{content}
<hr>
<table width="100%" cellpadding="6"><tr>
<td valign="top" width="33%"><b>Service Area</b><br>Springfield &bull; Chatham &bull; Rochester &bull; Sherman &bull; Riverton &bull; Auburn &bull; Pawnee &bull; Williamsville &bull; Petersburg &bull; New Berlin &bull; Divernon &bull; Leland Grove &bull; Jerome &bull; Grandview &bull; Southern View</td>
<td valign="top" width="33%"><b>We Accept</b><br>Cash, personal checks, Visa, MasterCard, Discover and American Express. Financing available on new heating systems with approved credit. Senior citizen and military discounts available, just ask!</td>
<td valign="top" width="33%"><b>Licensed &amp; Insured</b><br>Illinois Plumbing License #058-123456<br>City of Springfield Registered Contractor<br>Bonded and fully insured for your protection<br>BBB Accredited Business, A+ Rating</td>
</tr></table>
</div>
<div id="footer">
Hartwell &amp; Sons Plumbing and Heating, Inc. &bull; 1420 S. Grand Ave. East &bull; Springfield, IL 62703 &bull; (217) 555-0187<br>
Illinois Plumbing License #058-123456 &bull; Member, Better Business Bureau &bull; Proudly serving Sangamon County since 1968<br>
Copyright &copy; 2003-<span id="year">2012</span> Hartwell &amp; Sons. All rights reserved. | <a href="/sitemap.html" style="color:#ccd">Site Map</a> | Site by Prairie Web Design
</div>
</div>
</body>
</html>
"""


def _legacy_home() -> str:
    content = f"""<table width="100%" cellpadding="0" cellspacing="0"><tr><td valign="top" width="600">
<div id="slideshow"><img src="/images/slide1.jpg" width="580" height="220" alt="Our trucks"><img src="/images/slide2.jpg" width="580" height="220" alt="Boiler installation"></div>
<h1>Welcome to Hartwell &amp; Sons</h1>
{
        _copy(
            "For over forty years, Hartwell &amp; Sons has been Springfield's trusted name in plumbing and heating. Founded by Walter Hartwell in 1968 and run today by his sons Dave and Tom, we are a family owned company that treats every home like our own.",
            "Whether you have a dripping faucet, a flooded basement or a furnace that quit on the coldest night of the year, our licensed technicians are ready to help 24 hours a day, 7 days a week, 365 days a year. We never charge extra for nights or weekends!",
            "We serve Springfield, Chatham, Rochester, Sherman, Riverton, Auburn and all of Sangamon County. Call us today for a free estimate on any installation job.",
        )
    }
<h2>Our Services</h2>
<ul>
<li>Emergency plumbing repairs, 24/7</li><li>Water heater repair and installation (tank and tankless)</li>
<li>Drain cleaning and sewer line camera inspection</li><li>Sump pump installation and battery backups</li>
<li>Boiler and furnace service, repair and replacement</li><li>Bathroom and kitchen remodeling</li>
<li>Backflow prevention testing (certified)</li><li>Gas line installation and leak detection</li>
</ul>
<p><a href="/services.html">View all of our services &raquo;</a></p>
</td><td valign="top" width="30">&nbsp;</td><td valign="top">
<div class="box"><h2>Special Offer!</h2><p><b>$25 OFF</b> any repair over $150. Mention this website when you call. Not valid with other offers.</p></div>
<div class="box"><h2>Furnace Tune-Up</h2><p>Get ready for winter! Our 21-point furnace inspection is just <b>$89</b>. A clean furnace runs safer and costs less to operate.</p></div>
<div class="box"><h2>What Our Customers Say</h2><p><i>"Dave came out at 2am on Christmas Eve when our water heater burst. Can't thank them enough!"</i><br>- Linda M., Chatham</p>
<p><a href="/testimonials.html">More testimonials &raquo;</a></p></div>
<div class="box"><h2>Contact Us</h2><p>Phone: (217) 555-0187<br>Fax: (217) 555-0188<br>Email: <a class="email" data-user="info" href="#">info at legacy dot test</a></p></div>
</td></tr></table>"""
    return _legacy_layout("Home", "index.html", content)


def _legacy_services() -> str:
    services = [
        (
            "Emergency Service",
            "Burst pipes, overflowing toilets, no heat: call (217) 555-0187 any time, day or night. A real person answers the phone, and a truck is usually on its way within the hour.",
        ),
        (
            "Water Heaters",
            "We install and service all major brands including Bradford White, Rheem and A.O. Smith, and we carry the most common sizes on our trucks so most replacements are done the same day.",
        ),
        (
            "Drain Cleaning",
            "From kitchen sinks to main sewer lines, our power augers and hydro-jetting equipment clear the toughest clogs. Camera inspections show you exactly what is going on underground.",
        ),
        (
            "Heating",
            "Boilers, furnaces, radiant floor heat and heat pumps. We are a factory authorized dealer for Weil-McLain and Lennox and offer financing on new systems with approved credit.",
        ),
        (
            "Remodeling",
            "Our remodeling crew handles the whole job: plumbing, tile, fixtures and cabinets. Ask to see our portfolio of kitchen and bathroom projects around Springfield.",
        ),
        (
            "Commercial",
            "Restaurants, offices, churches and apartment buildings trust us with their plumbing. We offer maintenance contracts with priority service and discounted rates.",
        ),
    ]
    content = (
        "<h1>Our Services</h1>\n"
        + "\n".join(f'<div class="box"><h2>{t}</h2><p>{d}</p></div>' for t, d in services)
        + _copy("All of our work is guaranteed. Licensed, bonded and insured for your protection.")
    )
    return _legacy_layout("Services", "services.html", content)


def _legacy_about() -> str:
    content = (
        "<h1>About Us</h1>\n"
        + _copy(
            "Walter Hartwell opened his shop on Grand Avenue in 1968 with one truck and a lot of hard work. "
            "Over the years the business grew, but our values stayed the same: show up on time, do the job "
            "right, and charge a fair price.",
            "Today Dave and Tom Hartwell lead a team of 14 licensed plumbers and heating technicians. Many "
            "of our employees have been with us for more than 20 years. We are proud members of the "
            "Springfield Chamber of Commerce and the Plumbing-Heating-Cooling Contractors Association.",
            "We give back to the community that has supported us for so long: every year we sponsor "
            "Little League teams, donate to the Central Illinois Foodbank and install water heaters free of "
            "charge for families in need through the Habitat for Humanity program.",
        )
        + '<p><img src="/images/team_photo_2011.jpg" width="600" height="300" alt="The Hartwell team, 2011"></p>'
    )
    return _legacy_layout("About Us", "about.html", content)


def _legacy_contact() -> str:
    content = """<h1>Contact Us</h1>
<p>Call us anytime at <b>(217) 555-0187</b>. For non-emergency requests you can also use the form below and we will call you back the next business day.</p>
<form action="/cgi-bin/formmail.pl" method="post">
<input type="hidden" name="recipient" value="office@legacy.test">
<input type="hidden" name="subject" value="Website Contact Form">
<table cellpadding="4">
<tr><td>Name:</td><td><input type="text" name="name" size="40"></td></tr>
<tr><td>Phone:</td><td><input type="text" name="phone" size="20"></td></tr>
<tr><td>Email:</td><td><input type="text" name="email" size="40"></td></tr>
<tr><td>Address:</td><td><input type="text" name="address" size="40"></td></tr>
<tr><td valign="top">How can we help?</td><td><textarea name="comments" rows="6" cols="40"></textarea></td></tr>
<tr><td></td><td><input type="submit" value="Send"> <input type="reset" value="Clear"></td></tr>
</table>
</form>
<h2>Office Hours</h2>
<p>Monday - Friday: 7:30am - 5:00pm<br>Saturday: 8:00am - 12:00pm<br>Emergency service available 24/7</p>
<p><iframe width="500" height="300" frameborder="0" scrolling="no" src="https://maps.google.com/maps?q=1420+S+Grand+Ave+E,+Springfield,+IL&amp;output=embed"></iframe></p>"""
    return _legacy_layout("Contact Us", "contact.html", content)


def _legacy_testimonials() -> str:
    quotes = [
        (
            "Dave came out at 2am on Christmas Eve when our water heater burst. Can't thank them enough!",
            "Linda M., Chatham",
        ),
        (
            "Honest, fair and they cleaned up after themselves. We won't call anyone else.",
            "Robert and Jean K., Springfield",
        ),
        (
            "They replaced our 40 year old boiler in one day and the house has never been warmer.",
            "Pastor Jim W., First Lutheran Church",
        ),
        (
            "Tom found the leak the other company missed, and charged us half what they quoted.",
            "Sandra P., Rochester",
        ),
        (
            "Our restaurant has used Hartwell for 15 years. Always there when we need them.",
            "Gus T., Gus's Family Diner",
        ),
        ("Fast, friendly and reasonably priced. Highly recommended!", "Mike D., Sherman"),
    ]
    content = "<h1>Testimonials</h1>\n" + "\n".join(
        f'<div class="box"><p><i>"{q}"</i></p><p align="right">- {who}</p></div>'
        for q, who in quotes
    )
    return _legacy_layout("Testimonials", "testimonials.html", content)


LEGACY_HEADERS = [
    ("Server", "Apache/2.4.41 (Ubuntu)"),
    ("Last-Modified", "Tue, 14 Aug 2012 16:02:11 GMT"),
    ("ETag", '"2f1c-4c7397c2a7ac0"'),
    ("Accept-Ranges", "bytes"),
    ("Vary", "Accept-Encoding"),
    ("Content-Type", "text/html"),
]


def legacy() -> Site:
    home = _legacy_home()
    pages: dict[str, Page] = {
        "/": Response(200, [], home),
        "/index.html": Response(200, [], home),
        "/services.html": Response(200, [], _legacy_services()),
        "/about.html": Response(200, [], _legacy_about()),
        "/contact.html": Response(200, [], _legacy_contact()),
        "/testimonials.html": Response(200, [], _legacy_testimonials()),
    }
    return Site(
        "legacy.test",
        pages,
        robots=None,
        headers=list(LEGACY_HEADERS),
        truth={
            "technologies": ["jQuery", "Apache HTTP Server", "Ubuntu"],
            "versions": {"jQuery": "1.12.4", "Apache HTTP Server": "2.4.41"},
            "notes": "No robots.txt (404). Few technologies: most categories are empty.",
        },
    )


# =============================================================================================
# redirector.test -> https://www.redirector.test/: Drupal 10 with Marketo
# =============================================================================================

MARKETO_MUNCHKIN = "312-QLT-684"

_DRUPAL_MUNCHKIN = """<script type="text/javascript">
(function() {
  var didInit = false;
  function initMunchkin() {
    if(didInit === false) {
      didInit = true;
      Munchkin.init('312-QLT-684');
    }
  }
  var s = document.createElement('script');
  s.type = 'text/javascript';
  s.async = true;
  s.src = '//munchkin.marketo.net/munchkin.js';
  s.onreadystatechange = function() {
    if (this.readyState == 'complete' || this.readyState == 'loaded') {
      initMunchkin();
    }
  };
  s.onload = initMunchkin;
  document.getElementsByTagName('head')[0].appendChild(s);
})();
</script>"""

_DRUPAL_NAV = [
    ("/solutions", "Solutions"),
    ("/about", "About"),
    ("/news", "News"),
    ("/careers", "Careers"),
    ("/contact", "Contact us"),
]


def _drupal_layout(title: str, node: int, path: str, content: str) -> str:
    nav = "\n".join(
        f'<li class="menu__item"><a href="{h}" class="menu__link" data-drupal-link-system-path="node/{node + i}">{label}</a></li>'
        for i, (h, label) in enumerate(_DRUPAL_NAV)
    )
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  og: http://ogp.me/ns#">
  <head>
    <meta charset="utf-8" />
<script async src="https://www.googletagmanager.com/gtag/js?id=G-CR3ST71NE5"></script>
<script>window.dataLayer = window.dataLayer || [];function gtag(){{dataLayer.push(arguments)}};gtag("js", new Date());gtag("set", "developer_id.dMDhkMT", true);gtag("config", "G-CR3ST71NE5", {{"groups":"default","page_placeholder":"PLACEHOLDER_page_location","allow_ad_personalization_signals":false}});</script>
<meta name="description" content="Crestline Health builds care coordination software for hospitals and health systems across North America." />
<link rel="canonical" href="https://www.redirector.test{path}" />
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="HandheldFriendly" content="true" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<link rel="icon" href="/themes/custom/crestline/favicon.ico" type="image/vnd.microsoft.icon" />
<link rel="alternate" hreflang="en" href="https://www.redirector.test{path}" />
<link rel="shortlink" href="https://www.redirector.test/node/{node}" />
    <title>{title} | Crestline Health</title>
    <link rel="stylesheet" media="all" href="/sites/default/files/css/css_Xq3Wk8m2VnR5tY7uI1oP9aS4dF6gH0jK.css?delta=0&amp;language=en&amp;theme=crestline&amp;include=eJxVjEEKwyAQRS9knUO" />
    <link rel="stylesheet" media="all" href="/sites/default/files/css/css_b7N2mQ9xW4cV1zL6kJ3hG8fD5sA0pO.css?delta=1&amp;language=en&amp;theme=crestline&amp;include=eJxVjEEKwyAQRS9knUO" />
    {_DRUPAL_MUNCHKIN}
  </head>
  <body class="path-node page-node-type-page">
        <a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
    <div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
    <div class="layout-container">
  <header role="banner" class="site-header">
    <div class="region region-header">
      <div id="block-crestline-branding" class="block block-system block-system-branding-block">
        <a href="/" rel="home" class="site-logo"><img src="/themes/custom/crestline/logo.svg" alt="Home" fetchpriority="high" /></a>
      </div>
      <nav role="navigation" aria-labelledby="block-crestline-main-menu-menu" id="block-crestline-main-menu" class="block block-menu navigation menu--main">
        <h2 class="visually-hidden" id="block-crestline-main-menu-menu">Main navigation</h2>
        <ul class="menu menu--level-1">
{nav}
        </ul>
      </nav>
      <a class="button button--primary header-cta" href="/contact">Request a demo</a>
      <a class="header-login" href="https://portal.redirector.test/login">Customer login</a>
    </div>
  </header>
  <main role="main">
    <a id="main-content" tabindex="-1"></a>
    <div class="layout-content">
      <div class="region region-content">
        <div data-drupal-messages-fallback class="hidden"></div>
        <div id="block-crestline-content" class="block block-system block-system-main-block">
<article data-history-node-id="{node}" about="/node/{node}" class="node node--type-page node--view-mode-full">
  <h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{title}</span></h1>
  <div class="node__content">
    <div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">
{content}
    </div>
  </div>
</article>
        </div>
      </div>
    </div>
  </main>
  <footer role="contentinfo" class="site-footer">
    <div class="region region-footer">
      <nav role="navigation" id="block-crestline-footer" class="block block-menu navigation menu--footer">
        <ul class="menu"><li class="menu__item"><a href="/privacy-policy" data-drupal-link-system-path="node/31">Privacy policy</a></li>
        <li class="menu__item"><a href="/hipaa" data-drupal-link-system-path="node/32">HIPAA notice</a></li>
        <li class="menu__item"><a href="/accessibility" data-drupal-link-system-path="node/33">Accessibility</a></li>
        <li class="menu__item"><a href="/sitemap.xml">Sitemap</a></li></ul>
      </nav>
      <div id="block-crestline-copyright" class="block block-block-content"><p>&copy; 2024 Crestline Health, Inc. 200 Clarendon Street, Boston, MA 02116. HITRUST r2 certified.</p></div>
    </div>
  </footer>
</div>
  </div>
    <script type="application/json" data-drupal-selector="drupal-settings-json">{{"path":{{"baseUrl":"\\/","pathPrefix":"","currentPath":"node\\/{node}","currentPathIsAdmin":false,"isFront":{"true" if path == "/" else "false"},"currentLanguage":"en"}},"pluralDelimiter":"\\u0003","suppressDeprecationErrors":true,"google_analytics":{{"account":"G-CR3ST71NE5","trackOutbound":true,"trackMailto":true,"trackTel":true,"trackDownload":true,"trackDownloadExtensions":"7z|aac|arc|arj|asf|asx|avi|bin|csv|doc(x|m)?|dot(x|m)?|exe|flv|gif|gz|gzip|hqx|jar|jpe?g|js|mp(2|3|4|e?g)|mov(ie)?|msi|msp|pdf|phps|png|ppt(x|m)?|pot(x|m)?|pps(x|m)?|ppam|sld(x|m)?|thmx|qtm?|ra(m|r)?|sea|sit|tar|tgz|torrent|txt|wav|wma|wmv|wpd|xls(x|m|b)?|xlt(x|m)|xlam|xml|z|zip"}},"user":{{"uid":0,"permissionsHash":"3c1a9f7e2b5d8046a1c3e5f7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7"}}}}</script>
<script src="/sites/default/files/js/js_kP4mT8wQ2xZ6vN1bL9cR3hY7fJ5dG0sA.js?scope=footer&amp;delta=0&amp;language=en&amp;theme=crestline&amp;include=eJxdjEEOwjAMBD9E6ydFTuqkkdw4sp1S_k5BHBCHvczsDpr"></script>
<script src="/core/misc/drupal.js?v=10.2.4"></script>
<script src="/core/misc/drupal.init.js?v=10.2.4"></script>
  </body>
</html>
"""


def _drupal_home() -> str:
    content = (
        _copy(
            "Crestline Health helps hospitals move patients safely from admission to discharge and home "
            "again. Our care coordination platform connects nurses, case managers, post-acute providers and "
            "families around a single, real-time plan of care.",
            "More than 180 hospitals across the United States and Canada use Crestline to reduce avoidable "
            "readmissions, shorten length of stay and give care teams back hours every week.",
        )
        + """
<h2>Why health systems choose Crestline</h2>
<ul><li><strong>17% fewer readmissions</strong> in the first year, on average, across our customers</li>
<li><strong>0.6 days shorter</strong> average length of stay</li>
<li><strong>Native Epic and Oracle Health integrations</strong>, live in 90 days</li>
<li><strong>HITRUST r2 certified</strong>, with a signed BAA for every customer</li></ul>
<h2>Solutions</h2>
<div class="card-grid"><div class="card"><h3><a href="/solutions">Discharge planning</a></h3><p>Start planning at admission with predictive risk scores and automated referrals to post-acute partners.</p></div>
<div class="card"><h3><a href="/solutions">Transitions of care</a></h3><p>Share the plan of care with skilled nursing, home health and primary care, and close the loop automatically.</p></div>
<div class="card"><h3><a href="/solutions">Population health</a></h3><p>Identify rising-risk patients across your network and coordinate outreach before they come back through the ED.</p></div></div>
<h2>Latest news</h2>
<ul><li><a href="/news">Crestline Health named Best in KLAS for care coordination, 2024</a></li>
<li><a href="/news">Mercy Valley Health System selects Crestline for 14 hospitals</a></li>
<li><a href="/news">Webinar: Building a discharge-ready culture</a></li></ul>"""
    )
    return _drupal_layout("Care coordination for modern health systems", 1, "/", content)


def _drupal_solutions() -> str:
    content = (
        _copy(
            "Crestline is a single platform with three solutions that work together or on their own.",
            "Discharge planning starts at admission. Crestline reads the admission record from your EHR, "
            "scores readmission risk and suggests a discharge pathway, then sends referrals to the post-acute "
            "providers your patients actually prefer, with availability checked in real time.",
            "Transitions of care keep everyone on the same page after discharge. Skilled nursing facilities, "
            "home health agencies and primary care practices see the plan of care in a secure portal, and "
            "follow-up appointments are booked before the patient leaves.",
            "Population health brings it together across your network, with dashboards for quality teams and "
            "work queues for care managers that put the right patient in front of the right person.",
        )
        + '<p><a class="button" href="/contact">Request a demo</a></p>'
    )
    return _drupal_layout("Solutions", 2, "/solutions", content)


def _drupal_about() -> str:
    content = _copy(
        "Crestline Health was founded in 2011 by a hospitalist and a software engineer who met at a "
        "Boston teaching hospital, frustrated by discharge plans written on whiteboards and faxed to "
        "nursing homes. Today 420 people work at Crestline, many of them nurses, case managers and "
        "clinicians who have lived the problem we solve.",
        "We are headquartered in Boston with offices in Nashville and Toronto. Our customers include "
        "academic medical centers, community hospitals and some of the largest integrated delivery "
        "networks in North America.",
    )
    return _drupal_layout("About Crestline Health", 3, "/about", content)


def _drupal_news() -> str:
    items = [
        ("2024-04-02", "Crestline Health named Best in KLAS for care coordination, 2024"),
        ("2024-03-11", "Mercy Valley Health System selects Crestline for 14 hospitals"),
        ("2024-02-20", "Crestline achieves HITRUST r2 certification for the third year"),
        ("2024-01-15", "New study: coordinated discharge reduces 30-day readmissions by 17%"),
    ]
    content = "\n".join(
        f'<div class="views-row"><time datetime="{d}">{d}</time><h3><a href="/news">{t}</a></h3>'
        f"<p>Read the full announcement and what it means for our customers.</p></div>"
        for d, t in items
    )
    return _drupal_layout("News", 4, "/news", content)


def _drupal_careers() -> str:
    content = (
        _copy(
            "Join a team that measures success in patients who get home safely and stay there. We hire "
            "engineers, designers, clinicians and implementation specialists who care about healthcare and "
            "about each other.",
            "Current openings are listed below. Crestline is an equal opportunity employer.",
        )
        + """<ul><li>Senior Software Engineer, Integrations (Boston or remote)</li><li>Clinical Implementation Specialist, RN (Nashville)</li>
<li>Product Manager, Population Health (Boston)</li><li>Enterprise Account Executive, Canada (Toronto)</li></ul>
<p>Apply by sending your resume to <a href="mailto:careers@redirector.test">careers@redirector.test</a>.</p>"""
    )
    return _drupal_layout("Careers", 5, "/careers", content)


def _drupal_contact() -> str:
    content = (
        _copy(
            "Tell us about your organization and a member of our team will reach out within one business "
            "day to schedule a personalized demo.",
        )
        + """
<script src="//app-ab32.marketo.com/js/forms2/js/forms2.min.js"></script>
<form id="mktoForm_1187"></form>
<script>MktoForms2.loadForm("//app-ab32.marketo.com", "312-QLT-684", 1187);</script>
<noscript><p>Please enable JavaScript to use this form, or email <a href="mailto:info@redirector.test">info@redirector.test</a>.</p></noscript>
<h2>Headquarters</h2><p>200 Clarendon Street, Boston, MA 02116<br>(617) 555-0123</p>"""
    )
    return _drupal_layout("Contact us", 6, "/contact", content)


DRUPAL_HEADERS = [
    ("Server", "Apache"),
    ("X-Generator", "Drupal 10 (https://www.drupal.org)"),
    ("X-Drupal-Cache", "HIT"),
    ("X-Drupal-Dynamic-Cache", "MISS"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Content-Language", "en"),
    ("Cache-Control", "max-age=3600, public"),
    ("Expires", "Sun, 19 Nov 1978 05:00:00 GMT"),
    ("Vary", "Cookie"),
]

_DRUPAL_ROBOTS = """#
# robots.txt
#
# This file is to prevent the crawling and indexing of certain parts
# of your site by web crawlers and spiders run by sites like Yahoo!
# and Google. By telling these "robots" where not to go on your site,
# you save bandwidth and server resources.
User-agent: *
# CSS, JS, Images
Allow: /core/*.css$
Allow: /core/*.js$
Allow: /profiles/*.css$
Allow: /themes/*.css$
# Directories
Disallow: /core/
Disallow: /profiles/
# Files
Disallow: /README.md
Disallow: /web.config
# Paths (clean URLs)
Disallow: /admin/
Disallow: /comment/reply/
Disallow: /filter/tips
Disallow: /node/add/
Disallow: /search/
Disallow: /user/register
Disallow: /user/password
Disallow: /user/login
Disallow: /user/logout
# Paths (no clean URLs)
Disallow: /index.php/admin/
Disallow: /index.php/user/login
"""


def redirector() -> Site:
    return Site(
        "redirector.test",
        every_path=redirect("https://www.redirector.test{path}", 301),
        headers=[("Server", "Apache")],
        www_alias=False,
        truth={
            "redirects_to": "https://www.redirector.test/",
            "technologies_after_redirect": ["Drupal", "Marketo", "Google Analytics", "Apache"],
        },
    )


def www_redirector() -> Site:
    pages: dict[str, Page] = {
        "/": _page(_drupal_home()),
        "/solutions": _page(_drupal_solutions()),
        "/about": _page(_drupal_about()),
        "/news": _page(_drupal_news()),
        "/careers": _page(_drupal_careers()),
        "/contact": _page(_drupal_contact()),
    }
    return Site(
        "www.redirector.test",
        pages,
        robots=_DRUPAL_ROBOTS,
        headers=list(DRUPAL_HEADERS),
        https_redirect=True,
        www_alias=False,
        truth={
            "technologies": ["Drupal", "Marketo", "Google Analytics", "Apache"],
            "versions": {"Drupal": "10"},
            "ids": {"marketo": MARKETO_MUNCHKIN, "ga4": "G-CR3ST71NE5"},
            "notes": "https only (http answers 301 to https).",
        },
    )


# =============================================================================================
# blocked.test, challenge.test, dead.test, faults.test
# =============================================================================================


def blocked() -> Site:
    features = "\n".join(
        f"<section><h2>{t}</h2><p>{d}</p></section>"
        for t, d in [
            (
                "Acoustic sensors",
                "Battery-powered hydrophones clip onto valves and hydrants in minutes. Each one listens for the signature of escaping water for two hours every night, when the network is quiet, and reports over LTE-M.",
            ),
            (
                "Leak triage",
                "Our models separate real leaks from pumps, traffic and customer usage, rank them by estimated flow and send crews a pin on a map with a confidence score and a suggested excavation window.",
            ),
            (
                "Non-revenue water reporting",
                "Track water loss by district metered area, compare against AWWA benchmarks and export the numbers your state regulator asks for, without a spreadsheet.",
            ),
            (
                "Works with your GIS",
                "Quietwater reads your ArcGIS or QGIS network model, so sensors, leaks and work orders line up with the assets your team already maintains.",
            ),
            (
                "Field app",
                "Crews confirm leaks with a handheld ground microphone paired to our app, record the repair and close the work order from the trench.",
            ),
            (
                "Pilot in 30 days",
                "Start with 50 sensors on your oldest cast-iron mains. Most utilities find their first hidden leak in the first week.",
            ),
        ]
    )

    def simple(title: str, text: str) -> Response:
        body = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Quietwater Labs</title>
<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-QW8LB5X2ZM"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('js', new Date());
  gtag('config', 'G-QW8LB5X2ZM');
</script>
<!-- Start of HubSpot Embed Code -->
<script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/7654321.js"></script>
<!-- End of HubSpot Embed Code -->
</head><body><header><a href="/">Quietwater Labs</a><nav><a href="/pricing">Pricing</a> <a href="/about">About</a> <a href="/contact">Contact</a></nav></header>
<main><h1>{title}</h1>{_copy(text, "Quietwater Labs builds acoustic monitoring for water utilities: sensors that hear leaks before they surface, and software that tells crews where to dig.", "Our customers are municipal utilities across the Midwest and Pacific Northwest.")}
{features}</main>
<footer><p>&copy; 2024 Quietwater Labs, Inc. &middot; 316 W Washington Ave, Madison, WI 53703</p>
<p><a href="/privacy">Privacy</a> &middot; <a href="/terms">Terms</a> &middot; <a href="/security">Security</a> &middot; <a href="/careers">Careers</a></p></footer></body></html>"""
        return _page(body)

    pages: dict[str, Page] = {
        "/": simple("Hear every leak", "Find leaks in hours, not months."),
        "/pricing": simple("Pricing", "Per-sensor pricing with no long-term contract."),
        "/about": simple("About", "Founded in 2019 in Madison, Wisconsin."),
        "/contact": simple("Contact", "Write to hello@blocked.test."),
    }
    return Site(
        "blocked.test",
        pages,
        robots=DISALLOW_ALL,
        headers=[("Server", "nginx")],
        truth={
            "robots": "disallow all",
            "technologies_if_crawled": ["Google Analytics", "HubSpot"],
            "expect": "only /robots.txt is fetched",
        },
    )


def challenge() -> Site:
    return Site(
        "challenge.test",
        every_path=behaviour("cloudflare_challenge"),
        truth={"fault": "bot challenge", "technologies": ["Cloudflare"]},
    )


def dead() -> Site:
    return Site("dead.test", dead=True, truth={"fault": "dead (connection closed, no response)"})


#: faults.test: path -> (behaviour name, parameters). Cheap to answer except /huge (20 MiB) and
#: the slow ones (/slow 2 s, /drip ~0.5 s); /hang never answers.
FAULT_PATHS: dict[str, tuple[str, dict[str, object]]] = {
    "/500": ("error", {"status": 500}),
    "/502": ("error", {"status": 502}),
    "/503": ("error", {"status": 503, "headers": [("Retry-After", "120")]}),
    "/429": ("rate_limited", {"retry_after": 30}),
    "/redirect": ("redirect", {"location": "/", "status": 302}),
    "/redirect-other-host": ("redirect", {"location": "http://shopstore.test/", "status": 301}),
    "/redirect-https": ("redirect", {"location": "https://faults.test/", "status": 301}),
    "/redirect-loop": ("redirect", {"location": "/redirect-loop", "status": 302}),
    "/redirect-dead": ("redirect", {"location": "http://dead.test/", "status": 302}),
    "/slow": ("slow", {"seconds": 2.0}),
    "/drip": ("drip", {"size": 10_000, "chunk": 1_000, "interval": 0.05}),
    "/reset": ("reset", {}),
    "/reset-mid-body": ("reset", {"after_bytes": 4_000}),
    "/truncated": ("truncated", {"sent": 5_000, "declared": 20_000}),
    "/close": ("close", {}),
    "/hang": ("hang", {}),
    "/hang-after-headers": ("hang", {"after_headers": True}),
    "/huge": ("huge", {"mb": 20}),
    "/binary": ("binary", {"size": 65_536}),
    "/charset": ("wrong_charset", {}),
    "/bad-gzip": ("bad_gzip", {}),
    "/challenge": ("cloudflare_challenge", {}),
}


def faults() -> Site:
    links = "".join(
        f'<li><a href="{p}">{p}</a> ({name})</li>' for p, (name, _) in FAULT_PATHS.items()
    )
    pages: dict[str, Page] = {
        p: behaviour(name, **params) for p, (name, params) in FAULT_PATHS.items()
    }
    pages["/"] = _page(
        "<!DOCTYPE html><html><head><title>Fault catalogue</title></head><body>"
        f"<h1>Fault catalogue</h1><ul>{links}</ul></body></html>"
    )
    return Site("faults.test", pages, truth={"fault_paths": sorted(FAULT_PATHS)})


def default_sites() -> dict[str, Site]:
    """Fresh copies of every hand-written site, keyed by host."""
    sites = [
        shopstore(),
        b2bsaas(),
        nextapp(),
        legacy(),
        redirector(),
        www_redirector(),
        blocked(),
        challenge(),
        dead(),
        faults(),
        *render_sites(),
    ]
    return {s.host: s for s in sites}
