"""Every golden fixture: the saved snapshot of a farm site must give the expected detections."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.engine import Detector
from tests.golden import cases, expected, load_site, summarise


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.load()


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden(case: Path, detector: Detector) -> None:
    got = summarise(detector.detect_site(load_site(case)))
    assert got == expected(case), "refresh with `uv run python -m tests.golden refresh` if intended"


def test_golden_cases_exist() -> None:
    assert len(cases()) >= 5
