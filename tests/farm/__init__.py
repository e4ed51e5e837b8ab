"""A loopback "site farm" of fake company websites for Stackscout's tests and benchmarks.

See :mod:`tests.farm.server` (the server, sites as data, fault behaviours, stats),
:mod:`tests.farm.sites` (hand-written realistic sites) and :mod:`tests.farm.generate`
(deterministic synthetic sites for benchmarks). The names below are loaded lazily so that
``python -m tests.farm.server`` does not import the server module twice.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BEHAVIOURS",
    "Farm",
    "Request",
    "Response",
    "Site",
    "Stats",
    "behaviour",
    "register_behaviour",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tests.farm import server

        return getattr(server, name)
    raise AttributeError(name)
