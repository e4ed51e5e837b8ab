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
    render: str = "never"

    @classmethod
    def from_settings(cls, settings: Any) -> CrawlConfig:
        budget = settings.getint("STACKSCOUT_PAGE_BUDGET", 4)
        confidence = settings.getint("STACKSCOUT_MIN_CONFIDENCE", 50)
        if not 0 <= budget <= 50:
            raise ValueError(f"STACKSCOUT_PAGE_BUDGET must be 0..50, got {budget}")
        if not 0 <= confidence <= 100:
            raise ValueError(f"STACKSCOUT_MIN_CONFIDENCE must be 0..100, got {confidence}")
        render = settings.get("STACKSCOUT_RENDER", "never")
        if render not in RENDER_POLICIES:
            raise ValueError(f"STACKSCOUT_RENDER must be one of {RENDER_POLICIES}, got {render!r}")
        return cls(
            page_budget=budget,
            signatures=list(settings.getlist("STACKSCOUT_SIGNATURES")),
            include_own_signatures=settings.getbool("STACKSCOUT_INCLUDE_OWN_SIGNATURES", True),
            min_confidence=confidence,
            render=render,
        )
