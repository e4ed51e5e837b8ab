"""Download handlers: Scrapy's HTTP/1.1 one, and scrapy-playwright's for renders only.

`STACKSCOUT_IDLE_CONNECTION_TIMEOUT` applies to both (the Playwright handler falls back to
Scrapy's HTTP/1.1 handler for every request that is not a render).
"""
