"""The settings of `stackscout serve`, read once from the command line and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class ConfigError(ValueError):
    """Raised by `ServeConfig.check` when the service must not start as configured."""


def _env_float(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        return float(text) if text else default
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {text!r}") from None


@dataclass(frozen=True, slots=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8787
    tokens: tuple[str, ...] = ()
    """API tokens (`Authorization: Bearer <token>`); none: no authentication (localhost only)."""
    cache_ttl: float = 900.0
    """Seconds a finished scan answers new requests for the same registered domain."""
    rate_per_minute: float = 120.0
    """API requests per minute per client (token, else IP address); bursts up to this many."""
    scans_per_minute: float = 12.0
    """Scans a client may start per minute (cache hits and shared scans included)."""
    max_body: int = 16 * 1024
    max_jobs: int = 32
    """Scans running at once; more are answered 503 with Retry-After."""
    max_wait: float = 120.0
    job_timeout: float = 300.0
    """A scan still unfinished after this many seconds is failed (it never blocks forever)."""
    store: bool = True
    db_uri: str | None = None
    crawl: dict[str, Any] = field(default_factory=dict)
    """Scrapy settings of the service's one crawl."""

    @classmethod
    def from_env(cls, **options: Any) -> ServeConfig:
        tokens = [t.strip() for t in os.environ.get("STACKSCOUT_API_TOKENS", "").split(",")]
        tokens += list(options.pop("tokens", ()))
        config = cls(
            tokens=tuple(dict.fromkeys(t for t in tokens if t)),
            cache_ttl=_env_float("STACKSCOUT_SERVE_CACHE_TTL", 900.0),
            rate_per_minute=_env_float("STACKSCOUT_SERVE_RATE", 120.0),
            scans_per_minute=_env_float("STACKSCOUT_SERVE_SCAN_RATE", 12.0),
            max_body=int(_env_float("STACKSCOUT_SERVE_MAX_BODY", 16 * 1024)),
            max_jobs=int(_env_float("STACKSCOUT_SERVE_MAX_JOBS", 32)),
            job_timeout=_env_float("STACKSCOUT_SERVE_JOB_TIMEOUT", 300.0),
            **options,
        )
        config.check()
        return config

    def check(self) -> None:
        if self.host not in LOCAL_HOSTS and not self.tokens:
            raise ConfigError(
                f"refusing to listen on {self.host} without API tokens: anyone who can reach "
                "it could make this machine fetch URLs. Set STACKSCOUT_API_TOKENS or --token, "
                "or keep the default --host 127.0.0.1"
            )
        short = [t for t in self.tokens if len(t) < 16]
        if short:
            raise ConfigError("API tokens must be at least 16 characters long")
        numbers = {"STACKSCOUT_SERVE_CACHE_TTL": self.cache_ttl >= 0,
                   "STACKSCOUT_SERVE_RATE": self.rate_per_minute > 0,
                   "STACKSCOUT_SERVE_SCAN_RATE": self.scans_per_minute > 0,
                   "STACKSCOUT_SERVE_MAX_BODY": self.max_body >= 256,
                   "STACKSCOUT_SERVE_MAX_JOBS": self.max_jobs >= 1,
                   "STACKSCOUT_SERVE_JOB_TIMEOUT": self.job_timeout > 0}  # fmt: skip
        bad = [name for name, ok in numbers.items() if not ok]
        if bad:
            raise ConfigError(f"out of range: {', '.join(bad)} (see README 'Service')")

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"http://{host}:{self.port}"
