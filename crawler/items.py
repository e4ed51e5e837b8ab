"""What the crawler yields: one capture per account, with its crawl status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from detectors.models import Report
from detectors.snapshot import Site

STATUSES = (
    "ok",
    "partial",
    "blocked",
    "parked",
    "unreachable",
    "robots_disallowed",
    "invalid",
    "refused",
)
GOOD_STATUSES = ("ok", "partial")
"""Scans whose absences and weaknesses mean something (gaps, audit findings)."""


@dataclass(slots=True)
class PageError:
    url: str
    kind: str
    reason: str


@dataclass(slots=True)
class RenderNote:
    """What the render policy did for this account, and why."""

    policy: str = "never"
    available: bool = True
    rendered: bool = False
    rule: str = ""
    """`always`, `shell`, `loader`, `scripts`, `static` (auto chose not to), or empty."""
    reason: str = ""
    error: str = ""
    seconds: float | None = None
    refused: list[dict[str, str]] = field(default_factory=list)
    """Requests of the render the network guard aborted: `{url, reason}` (at most 20)."""


@dataclass(slots=True)
class SiteCapture:
    """Everything one crawl learnt about one account's site."""

    domain: str
    url: str
    site: Site
    status: str = "ok"
    reason: str = ""
    account: dict[str, Any] = field(default_factory=dict)
    errors: list[PageError] = field(default_factory=list)
    started_at: float = 0.0
    finished_at: float = 0.0
    report: Report | None = None
    render: RenderNote = field(default_factory=RenderNote)
