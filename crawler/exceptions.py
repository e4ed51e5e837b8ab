"""Errors raised by the crawler's own components."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class AccountDeadlineReached(IgnoreRequest):
    """Raised by `AccountDeadlineMiddleware` for a request of an account whose time is up
    (STACKSCOUT_ACCOUNT_TIMEOUT): the account ends with what it has, the request is not sent."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(f"the account's deadline ({timeout:g} s) was reached")
