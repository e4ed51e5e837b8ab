"""Ride out database outages: bounded retries, with backoff, of idempotent database work.

A batch runs for hours; its database (the embedded server, a MongoDB replica set failing
over, a network in between) may go away for a while. Every `Store` operation is idempotent
(claims carry their token, commits are filtered on it and on the claim still being held,
scan and change documents have deterministic ids), so the store repeats an operation that
failed for a transient reason until it succeeds or the outage outlasts the budget
(`STACKSCOUT_DB_WAIT`, `--db-wait`, default 300 s), logging what it waits for. Then
`DatabaseUnavailable` stops the command cleanly: whatever was committed stays committed, and
accounts still claimed are released and scanned again by the next run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pymongo.errors import ConnectionFailure, OperationFailure

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_WAIT_S = 300.0
_TRANSIENT_CODES = frozenset({
    6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
})  # fmt: skip
"""Server error codes of a node going away or stepping down (HostUnreachable, HostNotFound,
NetworkTimeout, ShutdownInProgress, PrimarySteppedDown, ExceededTimeLimit, SocketException,
NotWritablePrimary, InterruptedAtShutdown, InterruptedDueToReplStateChange, NotPrimary...)."""


class DatabaseUnavailable(RuntimeError):
    """Raised by `Patience.call` when the database stayed unreachable for longer than the
    budget; the command stops, nothing committed is lost, and a re-run resumes."""


def is_transient(exc: BaseException) -> bool:
    """A failure that waiting can cure: no connection, or a server shutting down/failing over."""
    if isinstance(exc, ConnectionFailure):
        return True
    if isinstance(exc, OperationFailure):
        return exc.code in _TRANSIENT_CODES or exc.has_error_label("RetryableWriteError")
    return False


@dataclass(slots=True)
class Patience:
    """How long to keep retrying database work, and how fast."""

    budget: float = DEFAULT_WAIT_S
    """Seconds of outage to ride out (0: fail on the first transient error)."""
    first_delay: float = 0.5
    max_delay: float = 10.0

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """`fn()`, retried while it fails for a transient reason, within the budget."""
        started: float | None = None
        delay = self.first_delay
        while True:
            try:
                result = fn()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                started = started if started is not None else time.monotonic()
                delay = self._wait(what, exc, started, delay)
                continue
            if started is not None:
                logger.warning("database reachable again after %.1f s (%s)",
                               time.monotonic() - started, what)  # fmt: skip
            return result

    def _wait(self, what: str, exc: Exception, started: float, delay: float) -> float:
        waited = time.monotonic() - started
        if waited >= self.budget:
            raise DatabaseUnavailable(
                f"the database was unreachable for {waited:.0f} s ({what}: {_short(exc)})"
            ) from exc
        pause = min(delay, self.budget - waited)
        logger.warning(
            "database unavailable (%s: %s); retrying in %.1f s (waited %.0f of %.0f s, "
            "thread %s)", what, _short(exc), pause, waited, self.budget,
            threading.current_thread().name,
        )  # fmt: skip
        time.sleep(pause)
        return min(delay * 2, self.max_delay)


def _short(exc: Exception) -> str:
    text = str(exc).split(", Timeout:")[0].split(", Topology Description")[0]
    return f"{type(exc).__name__}: {text}"[:200]
