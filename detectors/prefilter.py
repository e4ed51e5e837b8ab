"""Multi-pattern prefilter: one Hyperscan scan tells which patterns can match a subject.

Every pattern of a field is compiled into one Hyperscan database (as an exact matcher where
Hyperscan supports the syntax, in prefilter mode otherwise); a scan returns the candidates,
which the caller confirms with the pattern's own bounded matcher (and so gets the groups for
versions). Patterns Hyperscan rejects even in prefilter mode are returned as candidates on
every scan. Compiled databases are cached on disk, keyed by their patterns.

Without the `hyperscan` package every pattern is a candidate: slower, same results.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

try:
    import hyperscan as hs
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    hs = None  # type: ignore[assignment]

CACHE_VERSION = "2"


def cache_dir() -> Path:
    root = os.environ.get("STACKSCOUT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(root) / "stackscout" if root else Path.home() / ".cache" / "stackscout"


class Prefilter:
    """Candidates among `patterns` (RE2-syntax sources, matched case-insensitively)."""

    def __init__(self, patterns: Sequence[str], *, multiline: bool = False) -> None:
        self.size = len(patterns)
        self.always: list[int] = []
        self._db: Any = None
        self._scratch: Any = None
        if hs is None or not patterns:
            self.always = list(range(len(patterns)))
            return
        self._build(list(patterns), multiline)

    def scan(self, subject: str) -> list[int]:
        """Indexes of the patterns that may match somewhere in `subject`."""
        if self._db is None:
            return list(self.always)
        hits: list[int] = list(self.always)
        data = subject.encode("utf-8", "ignore")
        if data:
            self._db.scan(data, match_event_handler=_collect, context=hits, scratch=self._scratch)
        return hits

    def _build(self, patterns: list[str], multiline: bool) -> None:
        # Byte mode: hyperscan 0.9's CASELESS|UTF8 crashes on some bounded repeats, so
        # patterns with non-ASCII characters are confirmed directly (`always`) instead.
        base = hs.HS_FLAG_CASELESS | hs.HS_FLAG_SINGLEMATCH
        if multiline:
            base |= hs.HS_FLAG_MULTILINE
        key = hashlib.sha256(
            json.dumps([CACHE_VERSION, getattr(hs, "__version__", ""), base, patterns]).encode()
        ).hexdigest()[:32]
        if not self._load_cached(key):
            flags = self._classify(patterns, base)
            ids = [i for i, f in enumerate(flags) if f is not None]
            self.always = [i for i, f in enumerate(flags) if f is None]
            self._db = _compile([patterns[i] for i in ids], ids, [flags[i] for i in ids])
            self._save_cached(key)
        self._scratch = hs.Scratch(self._db) if self._db is not None else None

    @staticmethod
    def _classify(patterns: list[str], base: int) -> list[int | None]:
        """Flags that compile for each pattern: exact, prefilter, or None (always candidate)."""
        flags: list[int | None] = [base | _empty_flag(p) if p.isascii() else None for p in patterns]
        ids = [i for i, f in enumerate(flags) if f is not None]
        try:
            _compile([patterns[i] for i in ids], ids, [flags[i] for i in ids])
            return flags
        except hs.error:
            pass
        for i, p in enumerate(patterns):
            if not p.isascii():
                continue
            for candidate in (base | _empty_flag(p), base | hs.HS_FLAG_PREFILTER):
                try:
                    _compile([p], [0], [candidate])
                    flags[i] = candidate
                    break
                except hs.error:
                    flags[i] = None
        return flags

    def _load_cached(self, key: str) -> bool:
        path = cache_dir() / f"hs-{key}.db"
        try:
            blob = path.read_bytes()
            meta = json.loads(path.with_suffix(".json").read_text())
            self._db = hs.loadb(blob, hs.HS_MODE_BLOCK) if blob else None
            self.always = [int(i) for i in meta["always"]]
        except (OSError, ValueError, KeyError, TypeError, hs.error):
            return False
        return True

    def _save_cached(self, key: str) -> None:
        path = cache_dir() / f"hs-{key}.db"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(hs.dumpb(self._db) if self._db is not None else b"")
            path.with_suffix(".json").write_text(json.dumps({"always": self.always}))
            tmp.replace(path)
        except OSError as exc:
            logger.debug("cannot cache compiled patterns in %s: %s", path, exc)


def _empty_flag(pattern: str) -> int:
    return int(hs.HS_FLAG_ALLOWEMPTY) if pattern in ("", "^", "$") else 0


def _compile(patterns: list[str], ids: list[int], flags: Sequence[int | None]) -> Any:
    if not patterns:
        return None
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    db.compile(
        expressions=[p.encode("utf-8") for p in patterns],
        ids=ids,
        elements=len(patterns),
        flags=[int(f or 0) for f in flags],
    )
    return db


def _collect(pid: int, _start: int, _end: int, _flags: int, hits: list[int]) -> None:
    hits.append(pid)
