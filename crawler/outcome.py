"""The status and reason each account's scan ends with: every account gets both, in words.

A reason says what a user can act on: what the home page answered (with the attempts made and
the Retry-After asked for), why a connection failed, what DNS said when the site could not be
reached, or, for a good scan, how many pages were read and whether the site lives on another
domain now.
"""

from __future__ import annotations

from scrapy.http import Response

from crawler.domains import host_of, registered_domain
from crawler.downloadermiddlewares.retry import NOT_RETRIED_KEY, retry_after
from crawler.items import GOOD_STATUSES, SiteCapture
from detectors.snapshot import Site


def answer(response: Response, what: str = "home page") -> str:
    """`home page answered HTTP 503 (3 attempts; Retry-After 120 s)`."""
    notes = []
    attempts = int(response.meta.get("retry_times", 0)) + 1
    if attempts > 1:
        notes.append(f"{attempts} attempts")
    asked = retry_after(response)
    if asked is not None:
        notes.append(f"Retry-After {asked:.0f} s")
    if not_retried := response.meta.get(NOT_RETRIED_KEY):
        notes.append(f"not retried: {not_retried}")
    detail = f" ({'; '.join(notes)})" if notes else ""
    return f"{what} answered HTTP {response.status}{detail}".lstrip()


def dns_cause(site: Site) -> str:
    """What the account's DNS lookups say about a site that could not be reached, or ""."""
    if site.dns_status == "nxdomain":
        return "no such domain (DNS NXDOMAIN)"
    if site.dns_status == "failed":
        first = next((e.reason for e in site.dns_errors if e.name == site.domain), "")
        return f"DNS lookups of {site.domain} failed: {first}" if first else ""
    return ""


def moved_to(capture: SiteCapture) -> str:
    """The registered domain the home page redirected to, when it is not the account's."""
    if not capture.site.pages or not capture.domain:
        return ""
    final = registered_domain(host_of(capture.site.pages[0].url))
    return final if final and final != capture.domain else ""


def settle(capture: SiteCapture, *, home_failed: bool) -> None:
    """Final status and reason, once every request and the DNS lookups are done."""
    failed = [e for e in capture.errors if e.kind != "robots_disallowed"]
    if capture.status == "ok" and failed:
        capture.status = "partial"
    if home_failed and (cause := dns_cause(capture.site)):
        capture.reason = f"{cause}; {capture.reason}"
    if capture.status not in GOOD_STATUSES:
        return
    parts = [f"redirected to another domain: {moved}"] if (moved := moved_to(capture)) else []
    if failed:
        parts += [f"{e.url}: {e.reason}" for e in failed[:3]]
    else:
        pages = len(capture.site.pages)
        parts.append(f"{pages} page{'s' if pages != 1 else ''} fetched")
    capture.reason = "; ".join(parts)
