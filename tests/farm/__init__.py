"""A loopback "site farm" of fake company websites for Stackscout's tests and benchmarks.

See :mod:`tests.farm.server` (the server, sites as data, fault behaviours, stats),
:mod:`tests.farm.sites` (hand-written realistic sites) and :mod:`tests.farm.generate`
(deterministic synthetic sites for benchmarks).
"""

from tests.farm.server import (
    ALLOW_ALL,
    BEHAVIOURS,
    DISALLOW_ALL,
    Farm,
    Request,
    Response,
    Site,
    Stats,
    behaviour,
    register_behaviour,
)

__all__ = [
    "ALLOW_ALL",
    "BEHAVIOURS",
    "DISALLOW_ALL",
    "Farm",
    "Request",
    "Response",
    "Site",
    "Stats",
    "behaviour",
    "register_behaviour",
]
