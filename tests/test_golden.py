"""Every golden fixture: the saved snapshot of a farm site must give the expected detections
and site-audit findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.engine import Detector
from tests.golden import audit_summary, cases, expected, expected_audit, load_site, summarise


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.load()


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden(case: Path, detector: Detector) -> None:
    got = summarise(detector.detect_site(load_site(case)))
    assert got == expected(case), "refresh with `uv run python -m tests.golden refresh` if intended"


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden_audit(case: Path) -> None:
    got = audit_summary(load_site(case))
    assert got == expected_audit(case), "refresh with `uv run python -m tests.golden refresh`"


def test_golden_cases_exist() -> None:
    assert len(cases()) >= 5
