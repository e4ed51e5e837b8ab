"""The STACKSCOUT_* settings, parsed and checked once per crawler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RENDER_POLICIES = ("never", "auto", "always")


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    page_budget: int = 4
    """Telling pages (pricing, careers, contact...) fetched per account besides the home page."""
    signatures: list[str] = field(default_factory=list)
    include_own_signatures: bool = True
    min_confidence: int = 50
    render: str = "auto"
    """Browser rendering policy of the home page: never, auto (when it pays) or always."""
    render_timeout: float = 20.0
    """Seconds one render may take: navigation to `load`, then the capture."""
    render_settle_ms: int = 2500
    """After `load`, wait at most this long for the network to go quiet (late tags fire)."""
    render_max_pages: int = 4
    """Pages rendered at once (more gains nothing on 2 cores: see NOTES)."""
    render_unavailable: str = ""
    """Why rendering cannot happen in this crawl (no browser); set by `RenderAddon`."""

    @classmethod
    def from_settings(cls, settings: Any) -> CrawlConfig:
        budget = settings.getint("STACKSCOUT_PAGE_BUDGET", 4)
        confidence = settings.getint("STACKSCOUT_MIN_CONFIDENCE", 50)
        if not 0 <= budget <= 50:
            raise ValueError(f"STACKSCOUT_PAGE_BUDGET must be 0..50, got {budget}")
        if not 0 <= confidence <= 100:
            raise ValueError(f"STACKSCOUT_MIN_CONFIDENCE must be 0..100, got {confidence}")
        render = settings.get("STACKSCOUT_RENDER", "auto")
        if render not in RENDER_POLICIES:
            raise ValueError(f"STACKSCOUT_RENDER must be one of {RENDER_POLICIES}, got {render!r}")
        timeout = settings.getfloat("STACKSCOUT_RENDER_TIMEOUT", 20.0)
        max_pages = settings.getint("STACKSCOUT_RENDER_MAX_PAGES", 4)
        if timeout <= 0 or max_pages < 1:
            raise ValueError("STACKSCOUT_RENDER_TIMEOUT must be > 0 and _MAX_PAGES >= 1")
        return cls(
            page_budget=budget,
            signatures=list(settings.getlist("STACKSCOUT_SIGNATURES")),
            include_own_signatures=settings.getbool("STACKSCOUT_INCLUDE_OWN_SIGNATURES", True),
            min_confidence=confidence,
            render=render,
            render_timeout=timeout,
            render_settle_ms=settings.getint("STACKSCOUT_RENDER_SETTLE_MS", 2500),
            render_max_pages=max_pages,
            render_unavailable=settings.get("STACKSCOUT_RENDER_UNAVAILABLE", ""),
        )
