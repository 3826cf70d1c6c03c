"""The ingest HTTP API (FastAPI): the front door for channel adapters.

``POST /v1/reports`` validates, assigns a report id, publishes ``ReportReceived`` and answers 202
once Kafka has acknowledged it — so a 202 means the report cannot be lost. Bad input gets a 4xx
naming the field; nothing reaches Kafka then.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, ORJSONResponse
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry, Counter
from redis.asyncio import Redis
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from binrelay_shared import topics, trace
from binrelay_shared.codec import encode
from binrelay_shared.events import Report, ReportReceived, Stamps, new_id, utcnow
from binrelay_shared.kafka import make_broker
from binrelay_shared.logging import bind_report, get_logger
from binrelay_shared.settings import Settings

from .api_models import Accepted, ErrorBody, FieldError, ReportIn

log = get_logger(__name__)


class BodyLimit:
    """ASGI middleware: refuse bodies over ``limit`` bytes with 413 before parsing them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = ErrorBody(
            error=f"request body too large: the limit is {self.limit} bytes",
            fields=[FieldError(field="(body)", reason=f"larger than {self.limit} bytes")],
        )
        response = JSONResponse(body.model_dump(), status_code=413)
        await response({"type": "http"}, _no_receive, send)


class _TooLarge(Exception):
    pass


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _field_errors(exc: RequestValidationError) -> ErrorBody:
    fields = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        field = ".".join(loc) or "(body)"
        kind = err.get("type", "")
        reason = "invalid JSON" if kind == "json_invalid" else str(err.get("msg", "invalid"))
        fields.append(FieldError(field=field, reason=reason))
    names = ", ".join(f.field for f in fields[:5])
    return ErrorBody(error=f"invalid request: {names}", fields=fields)


def create_app(
    settings: Settings,
    *,
    broker: KafkaBroker | None = None,
    redis: Redis | None = None,
    registry: CollectorRegistry | None = None,
) -> FastAPI:
    """Build the ingest API. The broker is started and stopped with the app."""
    broker = broker or make_broker(settings.kafka, "binrelay-ingest")
    redis = redis or Redis.from_url(settings.redis_url)
    registry = registry or CollectorRegistry()
    accepted = Counter(
        "binrelay_ingest_reports", "Reports accepted by ingest", ["channel"], registry=registry
    )
    rejected = Counter(
        "binrelay_ingest_rejected", "Requests refused by ingest, by status", ["status"], registry=registry
    )
    for status in ("401", "403", "413", "422", "429"):
        rejected.labels(status)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()
            await redis.aclose()

    app = FastAPI(
        title="BIN Relay ingest",
        version="1",
        description="Front door of BIN Relay: channel adapters, coordinators and police post here.",
        lifespan=lifespan,
        default_response_class=ORJSONResponse,
    )

    @app.middleware("http")
    async def count_refusals(
        request: Request, call_next: Callable[[Request], Awaitable[Any]]
    ) -> Any:
        response = await call_next(request)
        if 400 <= response.status_code < 500:
            rejected.labels(str(response.status_code)).inc()
        return response

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input back: it may hold personal data.
        return JSONResponse(_field_errors(exc).model_dump(), status_code=422)

    @app.post(
        "/v1/reports",
        status_code=202,
        response_model=Accepted,
        responses={413: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Post a member's report",
    )
    async def post_report(body: ReportIn) -> Accepted:
        report_id = new_id()
        network_id = body.network
        zone_id = settings.zone_id
        event = ReportReceived(
            report_id=report_id,
            network_id=network_id,
            zone_id=zone_id,
            trace_id=new_id(),
            stamps=Stamps(received=utcnow()),
            report=Report(
                text=body.text,
                channel=body.channel,
                adapter=body.channel.value,
                adapter_message_id=body.adapter_message_id,
                reporter=body.reporter,
                location=body.location,
                attachments=tuple(body.attachments),
                language_hint=body.language,
            ),
        )
        with bind_report(report_id):
            await broker.publish(
                encode(event),
                topics.REPORTS_RECEIVED,
                key=network_id.encode() if network_id else None,
                headers={"content-type": "application/json"},
            )
            accepted.labels(body.channel.value).inc()
            log.info("report accepted", network_id=network_id, zone_id=zone_id)
            try:
                await trace.record(
                    redis, [(report_id, topics.REPORTS_RECEIVED, utcnow())], settings.trace_ttl_seconds
                )
            except Exception as exc:
                log.warning("trace not recorded", error=type(exc).__name__)
        return Accepted(report_id=report_id, network_id=network_id, zone_id=zone_id)

    @app.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
