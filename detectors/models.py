"""What the detectors return: detections with their evidence, and a site report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Evidence:
    """Why a technology was detected: which field and pattern matched what, where."""

    field: str
    pattern: str
    match: str
    url: str = ""
    key: str = ""
    source: str = "static"
    """static (HTTP response), render (browser), dns, tls, robots, or implied."""
    confidence: int = 100


@dataclass(slots=True)
class Detection:
    name: str
    categories: list[str]
    confidence: int
    version: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    implied_by: list[str] = field(default_factory=list)
    vendor: str = ""
    website: str = ""
    saas: bool | None = None
    pricing: list[str] = field(default_factory=list)

    @property
    def render_only(self) -> bool:
        """Seen only in the browser render (a static fetch would have missed it)."""
        sources = {e.source for e in self.evidence if e.source != "implied"}
        return sources == {"render"}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["render_only"] = self.render_only
        return out


@dataclass(slots=True)
class Finding:
    """One site-audit signal, named so that a later stage (fit scoring) can use it as a trigger.

    `ok` False is a documented weakness; `value` is what was measured (a number, a string, a
    flag, or None when there was nothing to measure); `detail` says it in a sentence.
    """

    id: str
    group: str
    """security, seo, performance or privacy."""
    ok: bool
    value: float | int | str | bool | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Report:
    """The detectors' answer for one site (or one saved page)."""

    technologies: list[Detection]
    categories: dict[str, list[str]]
    """Category name -> names of the technologies found in it."""
    gaps: list[str]
    """Core categories in which nothing was found."""
    seconds: float = 0.0
    """CPU seconds spent detecting."""
    audit: list[Finding] = field(default_factory=list)
    """Site-audit findings (`detectors.audit`); filled for good scans only."""
    fallback_skipped: int = 0
    """Fallback-engine pattern searches not run: the page's time budget for them was spent
    (`detectors.patterns.FALLBACK_PAGE_BUDGET_S`); their technologies may be missing."""

    def names(self) -> set[str]:
        return {d.name for d in self.technologies}

    def to_dict(self) -> dict[str, Any]:
        return {
            "technologies": [d.to_dict() for d in self.technologies],
            "categories": self.categories,
            "gaps": self.gaps,
            "seconds": round(self.seconds, 6),
            "audit": [f.to_dict() for f in self.audit],
            "fallback_skipped": self.fallback_skipped,
        }
