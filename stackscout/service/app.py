"""The HTTP API and the web page of `stackscout serve` (FastAPI; OpenAPI at `/openapi.json`).

Every `/api/` route but `/api/health` takes the client from its token (or IP address) and
counts it against the request rate limit; starting a scan counts against the scan limit too.
Errors are `{"error": code, "detail": sentence}` whatever raised them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from enrich.documents import account_view
from enrich.selection import Filters
from stackscout import __version__
from stackscout.service import models
from stackscout.service.jobs import Busy, Job
from stackscout.service.security import ApiError, BodyLimit, LocalHostOnly
from stackscout.service.service import Service

STATIC = Path(__file__).parent / "static"


def client(request: Request) -> str:
    """The calling client (token or IP address), authorised and within its request rate."""
    service: Service = request.app.state.service
    address = request.client.host if request.client else "unknown"
    key = service.tokens.client(request.headers.get("authorization"), address)
    service.requests.take(key)
    return key


Client = Annotated[str, Depends(client)]


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


Svc = Annotated[Service, Depends(_service)]


def _error(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status, headers=headers)


def _job_answer(job: Job) -> JSONResponse:
    headers = {"Content-Location": f"/api/scans/{job.id}", "X-Stackscout-Scan": job.id}
    if job.document is not None:
        return JSONResponse(job.document, 200, headers=headers)
    if job.error:
        return _error(500, "scan_failed", job.error, headers)
    body = {"id": job.id, "status": "running", "poll": f"/api/scans/{job.id}"}
    return JSONResponse(body, 202, headers={**headers, "Retry-After": "1"})


def create_app(service: Service) -> Any:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title="Stackscout", version=__version__, lifespan=lifespan,
                  description="On-demand technographic scans of websites, and the stored "
                  "accounts. See README 'Service'.")  # fmt: skip
    app.state.service = service
    _handlers(app)
    _routes(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    limited = BodyLimit(app, service.config.max_body)
    return limited if service.config.tokens else LocalHostOnly(limited)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_r: Request, exc: ApiError) -> Any:
        return _error(exc.status, exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_r: Request, exc: RequestValidationError) -> Any:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_r: Request, exc: StarletteHTTPException) -> Any:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))


def _routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def index() -> Any:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/health", tags=["service"])
    async def health(service: Svc) -> dict[str, Any]:
        return {"status": "ok" if service.engine.running else "down",
                "scans_running": service.jobs.running, "store": service.accounts is not None}  # fmt: skip

    @app.post("/api/scans", tags=["scans"], responses={
        200: {"model": models.ScanDocument, "description": "The scan document (as `scan --json`)"},
        202: {"model": models.JobAccepted, "description": "Still running: poll `poll`"},
        **models.ERRORS})  # fmt: skip
    async def start_scan(body: models.ScanRequest, service: Svc, who: Client) -> Any:
        """Scan a website now: the result if it ends within `wait` seconds, else a job to poll.

        Results are shared per registered domain: a scan already running for the domain is
        joined, and a finished one is answered for `STACKSCOUT_SERVE_CACHE_TTL` seconds
        (header `X-Stackscout-Cache`: `miss`, `shared` or `hit`)."""
        service.scans.take(who)
        url = await service.target(body.url)
        render = body.render or service.config.crawl.get("STACKSCOUT_RENDER", "auto")
        try:
            job, cache = service.jobs.start(url, render)
        except Busy as exc:
            raise ApiError(503, "busy", str(exc), {"Retry-After": "5"}) from None
        await service.jobs.wait(job, min(body.wait, service.config.max_wait))
        answer = _job_answer(job)
        answer.headers["X-Stackscout-Cache"] = cache
        return answer

    @app.get("/api/scans/{job_id}", tags=["scans"], responses={
        200: {"model": models.ScanDocument}, 202: {"model": models.JobAccepted},
        **models.ERRORS})  # fmt: skip
    async def get_scan(job_id: str, service: Svc, _who: Client,
                       wait: Annotated[float, Query(ge=0, le=30)] = 0) -> Any:  # fmt: skip
        """A scan job: 200 with the scan document when done, 202 while running."""
        job = _job(service, job_id)
        await service.jobs.wait(job, wait)
        return _job_answer(job)

    @app.get("/api/scans/{job_id}/fit", tags=["scans"], response_model=models.Fit,
             responses=models.ERRORS)  # fmt: skip
    async def scan_fit(job_id: str, profile: str, service: Svc, _who: Client) -> Any:
        """The fit of a finished scan for a loaded profile, scored as its account would be."""
        from fastapi.encoders import jsonable_encoder

        from enrich.fit import score

        job = _job(service, job_id)
        if job.document is None:
            raise ApiError(409, "not_finished", "the scan has not finished yet")
        result = score(account_view(job.document), service.profile(profile))
        return JSONResponse(jsonable_encoder(result))

    @app.get("/api/profiles", tags=["accounts"], response_model=list[models.ProfileInfo])
    async def profiles(service: Svc, _who: Client) -> Any:
        return [{"id": p.id, "name": p.name, "version": p.version, "description": p.description}
                for p in service.profiles.values()]  # fmt: skip

    @app.get("/api/accounts", tags=["accounts"], response_model=models.AccountList,
             responses=models.ERRORS)  # fmt: skip
    async def accounts(
        service: Svc, _who: Client, profile: str | None = None, tier: str | None = None,
        tech: str | None = None, gap: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> Any:  # fmt: skip
        """Stored accounts, filtered (as `stackscout accounts`), with chart data."""
        if profile:
            service.profile(profile)
        elif tier:
            raise ApiError(400, "invalid_request", "tier needs a profile")
        filters = Filters(profile=profile, tier=tier, technology=tech, gap=gap)
        return await asyncio.to_thread(service.store().select, filters, limit)

    @app.get("/api/accounts/{domain}", tags=["accounts"], responses=models.ERRORS)
    async def account(domain: str, service: Svc, _who: Client) -> Any:
        """One stored account document (technologies with history, gaps, audit, fit)."""
        doc = await asyncio.to_thread(service.store().account, domain)
        if doc is None:
            raise ApiError(404, "not_found", f"no stored account {domain!r}")
        return doc


def _job(service: Service, job_id: str) -> Job:
    job = service.jobs.get(job_id)
    if job is None:
        raise ApiError(
            404, "not_found", f"no scan job {job_id!r} (jobs are kept for the cache TTL)"
        )
    return job
