"""Request and response models of the API: they are its OpenAPI description (`/openapi.json`).

The scan document itself is described by `docs/scan.schema.json`; `ScanDocument` names its
main fields and lets the rest through, so the answer is exactly what `scan --json` prints.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ScanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2048, examples=["https://www.example.com/"])
    wait: float = Field(30.0, ge=0, description="Seconds to wait for the result before "
                        "answering 202 with a job to poll (at most the service's max wait).")  # fmt: skip
    render: Literal["auto", "always", "never"] | None = Field(
        None, description="Browser rendering of the home page; default: the service's --render."
    )


class Technology(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    categories: list[str]
    version: str | None = None
    confidence: int
    evidence: list[dict[str, Any]]


class ScanDocument(BaseModel):
    """What `stackscout scan --json` prints (docs/scan.schema.json)."""

    model_config = ConfigDict(extra="allow")

    schema_: int = Field(alias="schema")
    domain: str
    url: str
    final_url: str | None
    status: Literal["ok", "partial", "blocked", "parked", "unreachable", "robots_disallowed",
                    "invalid", "refused"]  # fmt: skip
    reason: str | None
    technologies: list[Technology]
    categories: dict[str, list[str]]
    gaps: list[str] | None
    audit: list[dict[str, Any]] | None
    render: dict[str, Any]


class JobAccepted(BaseModel):
    id: str
    status: Literal["running"]
    poll: str = Field(description="GET this path for the result.")


class ErrorBody(BaseModel):
    error: str = Field(description="A stable code: invalid_url, unsupported_scheme, userinfo, "
                       "port_not_allowed, private_address, unresolvable, unauthorized, "
                       "forbidden, rate_limited, too_large, busy, not_found, ...")  # fmt: skip
    detail: str


class ProfileInfo(BaseModel):
    id: str
    name: str
    version: str
    description: str


class AccountList(BaseModel):
    total: int = Field(
        description="Accounts matching the filters (the list holds at most `limit`)."
    )
    accounts: list[dict[str, Any]] = Field(
        description="Flat rows, as `stackscout accounts --format csv`."
    )
    charts: dict[str, list[tuple[str, int]]] = Field(
        description="`platforms` (platform mix) and `tiers` (with a profile) over all matches."
    )


class Fit(BaseModel):
    """`enrich.fit.score` of the scan, as `fit.<profile id>` of an account (docs/mongodb.md)."""

    model_config = ConfigDict(extra="allow")

    profile: str
    score: int
    tier: str
    confidence: float
    reasons: list[dict[str, Any]]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 413, 422, 429, 503)
}
