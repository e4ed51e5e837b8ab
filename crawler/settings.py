"""Scrapy settings of the Stackscout crawler: polite, bounded and honest by default.

Every STACKSCOUT_* setting is parsed once, in `crawler.config.CrawlConfig.from_settings`.
"""

from __future__ import annotations

from stackscout import __version__

BOT_NAME = "stackscout"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    f"Mozilla/5.0 (compatible; Stackscout/{__version__}; +https://github.com/stackscout/stackscout)"
)
ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "Stackscout"

# Throttle per site: few parallel requests to one domain, adaptive delay.
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# Scrapy starts this many tasks for every response's output (default 100); a page yields at
# most STACKSCOUT_PAGE_BUDGET requests or one capture, and the 100 tasks per page cost ~7% of
# a batch crawl's CPU.
CONCURRENT_ITEMS = 8

# Bound every page in size and time.
DOWNLOAD_TIMEOUT = 15
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 8
# Transient failures (5xx, 429, resets, timeouts) are retried twice, spaced out per site by
# BackoffRetryMiddleware (STACKSCOUT_RETRY_*); every request of an account shares its deadline
# (STACKSCOUT_ACCOUNT_TIMEOUT), so a site that drips forever cannot hold a crawl.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DNS_TIMEOUT = 10

# The spider judges every status itself (a 403 challenge page is evidence, not noise).
HTTPERROR_ALLOW_ALL = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# The download handlers are chosen by RenderAddon: Scrapy's HTTP/1.1 handler (idle keep-alive
# cut to STACKSCOUT_IDLE_CONNECTION_TIMEOUT seconds), or scrapy-playwright's when renders may
# happen (it hands every non-render request to the same HTTP/1.1 handler).
ADDONS = {
    "crawler.addons.RenderAddon": 100,
}

DOWNLOADER_MIDDLEWARES = {
    # refuses private/reserved targets before anything else (off unless STACKSCOUT_NETGUARD_ENABLED)
    "crawler.downloadermiddlewares.netguard.NetGuardMiddleware": 50,
    # Scrapy's robots.txt middleware, with a bounded parser cache (STACKSCOUT_ROBOTS_CACHE)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.downloadermiddlewares.robotstxt.BoundedRobotsTxtMiddleware": 100,
    "crawler.downloadermiddlewares.robotscapture.RobotsCaptureMiddleware": 120,
    # after DownloadTimeoutMiddleware (350): cuts download_timeout to the account's time left
    "crawler.downloadermiddlewares.deadline.AccountDeadlineMiddleware": 360,
    # Scrapy's retries, with backoff per site and Retry-After honoured up to a bound
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.downloadermiddlewares.retry.BackoffRetryMiddleware": 550,
    # hands each browser render a page from the crawl's pool (off with STACKSCOUT_RENDER=never)
    "crawler.downloadermiddlewares.renderpages.RenderPagesMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.DetectPipeline": 300,
}

# Stackscout's own settings (see README "Settings").
STACKSCOUT_PAGE_BUDGET = 4
STACKSCOUT_SIGNATURES: list[str] = []
STACKSCOUT_MIN_CONFIDENCE = 50
STACKSCOUT_INCLUDE_OWN_SIGNATURES = True
STACKSCOUT_RENDER = "auto"
STACKSCOUT_BROWSER = ""
STACKSCOUT_RENDER_TIMEOUT = 20.0
STACKSCOUT_RENDER_SETTLE_MS = 2500
STACKSCOUT_RENDER_MAX_PAGES = 4
STACKSCOUT_IDLE_CONNECTION_TIMEOUT = 15
STACKSCOUT_ROBOTS_CACHE = 2048
STACKSCOUT_NETGUARD_ENABLED = False
STACKSCOUT_ALLOW_HOSTS = ""
STACKSCOUT_ACCOUNT_TIMEOUT = 60.0
STACKSCOUT_RETRY_BACKOFF = 1.0
STACKSCOUT_RETRY_BACKOFF_MAX = 30.0
STACKSCOUT_RETRY_AFTER_MAX = 30.0
