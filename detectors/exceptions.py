"""Errors raised by the detectors."""

from __future__ import annotations


class DetectorError(Exception):
    """Base class of every error the detectors raise."""


class SignatureError(DetectorError):
    """Raised while loading signature files when a technology definition is invalid.

    Carries the technology's name so a broken pattern is never skipped silently.
    """

    def __init__(self, tech: str, message: str, source: str = "") -> None:
        self.tech = tech
        self.source = source
        where = f" ({source})" if source else ""
        super().__init__(f"{tech}{where}: {message}")


class SnapshotError(DetectorError):
    """Raised by the loaders when a saved page (HTML, corpus folder, HAR, WARC) is unreadable."""
