"""The ingest HTTP API: the front door for channel adapters, police and coordinators.

``POST /v1/reports`` (adapters) and ``POST /v1/messages`` (police, coordinators) authenticate the
credential, validate, resolve the network, pre-check urgency, and publish ``ReportReceived``; the
answer is 202 only once Kafka has acknowledged the event — a 202 means the report cannot be lost.
The logic lives in :mod:`.core`.

Speed: the two POSTs are served by :class:`FrontDoor`, a plain ASGI layer in front of FastAPI
(FastAPI's per-request machinery costs more than the work itself); FastAPI declares the same
routes — so the OpenAPI document is complete — and serves the GET, health and readiness routes.
Both paths run the same code in :class:`.core.Ingest`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Header, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from prometheus_client import CollectorRegistry
from redis.asyncio import BlockingConnectionPool, Redis
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from binrelay_shared.kafka_security import kafka_client_config
from binrelay_shared.logging import get_logger
from binrelay_shared.network import NetworkFile
from binrelay_shared.redis_auth import credentials as redis_credentials
from binrelay_shared.redis_auth import redis_client
from binrelay_shared.settings import Settings

from .api_models import Accepted, ErrorBody, MessageIn, NotPublished, PublishUnknown, ReportId, ReportIn, ReportStatus
from .core import Credential, IngestLimits, KafkaPublisher, Publisher, Reply
from .core import Ingest as Ingest
from .credentials import credential
from .errors import ApiError, field_errors, too_large
from .members_api import Members
from .members_api import router as members_router
from .networks import load_networks
from .resp import RespClient

if TYPE_CHECKING:
    from binrelay_shared.members.registry import Registry
from .resp import supported as resp_supported

__all__ = ["Ingest", "IngestLimits", "create_app"]

log = get_logger(__name__)

#: ingest's Kafka principal (binrelay_shared.acl): it may only write the received topics.
NAME = "ingest"
#: ingest's Redis ACL user (binrelay_shared.redis_acl), unless BINRELAY_REDIS_USER says otherwise.
REDIS_USER = "ingest"

_FAST = {"/v1/reports": "report", "/v1/messages": "message"}


class FrontDoor:
    """Plain ASGI: serves the two POSTs straight from :class:`.core.Ingest`, enforces the body
    limit on every request (413 before parsing), counts refusals, passes the rest to FastAPI."""

    def __init__(self, app: ASGIApp, core: Ingest) -> None:
        self.app = app
        self.core = core
        self.limit = core.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._send(send, self.core.refused(too_large(self.limit)))
            return
        route = _FAST.get(scope["path"]) if scope["method"] == "POST" else None
        if route is None:
            await self._fallback(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; nothing was done
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._send(send, self.core.refused(too_large(self.limit)))
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        try:
            if route == "report":
                reply = await self.core.post_report(headers, raw)
            else:
                reply = await self.core.post_message(headers, raw)
        except Exception as exc:  # never a stack trace to the caller; nothing was published
            log.error("unhandled error", error=type(exc).__name__)
            reply = Reply(500, b'{"error":"internal error; nothing was published","fields":[]}')
            self.core.rejected.labels("500").inc()
        await self._send(send, reply)

    async def _fallback(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = 0
        limit = self.limit

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise ApiError(413, "too large")
            return message

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start" and 400 <= message["status"] < 600:
                self.core.rejected.labels(str(message["status"])).inc()
            await send(message)

        try:
            await self.app(scope, limited, counting)
        except ApiError:
            await self._send(send, self.core.refused(too_large(limit)))

    @staticmethod
    async def _send(send: Send, reply: Reply) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [*reply.headers, (b"content-length", str(len(reply.body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})


# ---------------------------------------------------------------------------------------------
# Credentials, as FastAPI sees them (for the OpenAPI document and the GET route)
# ---------------------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = Header(
    alias="Idempotency-Key",
    description="Makes a retry return the first answer (scoped to the credential; kept 24 h)",
    min_length=1,
    max_length=200,
    pattern=r"^[A-Za-z0-9_.:/+=@-]+$",
)
def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status, headers=headers, media_type="application/json")


def _reply(reply: Reply) -> Response:
    response = Response(reply.body, reply.status)
    for k, v in reply.headers:
        response.headers[k.decode()] = v.decode()
    return response


def create_app(
    settings: Settings,
    *,
    limits: IngestLimits | None = None,
    publisher: Publisher | None = None,
    redis: Redis | None = None,
    registry: CollectorRegistry | None = None,
    networks: Mapping[str, NetworkFile] | None = None,
    front_door: bool = True,
    members: Registry | None = None,
) -> FastAPI:
    """Build the ingest API. The Kafka producer is started and stopped with the app.

    ``front_door=False`` leaves :class:`FrontDoor` out of the middleware stack, for a server that
    puts it *outside* FastAPI (``FrontDoor(app, app.state.core)``, as the service does: faster).
    """
    limits = limits or IngestLimits()
    publisher = publisher or KafkaPublisher(kafka_client_config(settings, NAME), limits.linger_ms)
    redis = redis or redis_client(
        settings, REDIS_USER, connection_pool_class=BlockingConnectionPool,
        max_connections=limits.redis_max_connections, timeout=limits.redis_timeout_seconds,
    )  # fmt: skip
    nets = networks if networks is not None else load_networks(settings.networks_dir)
    fast = None
    if resp_supported(settings.redis_url):
        user, password = redis_credentials(settings, REDIS_USER)
        fast = RespClient(settings.redis_url, username=user, password=password)
    core = Ingest(settings, limits, publisher, redis, registry or CollectorRegistry(), nets, fast)
    people = Members(settings, core, nets, members)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await core.start()
        try:
            yield
        finally:
            await core.stop()
            await people.close()
            await redis.aclose()

    app = FastAPI(
        title="BIN Relay ingest",
        version="1",
        description=(
            "Front door of BIN Relay. Channel adapters post members' reports (`POST /v1/reports`); "
            "police and coordinators post messages (`POST /v1/messages`); adapters follow a report "
            "with `GET /v1/reports/{report_id}`; coordinators and police manage the members of their "
            "networks (`/v1/members`). Every request carries a credential from "
            "`binrelay keys create` (`Authorization: Bearer <key>` or `X-API-Key`). A 202 means Kafka "
            "has the report. Retries are safe with `Idempotency-Key` (or the adapter's message id). "
            "Errors name the field and the reason, never the value. Unknown credential: 401; out of "
            "the credential's scope: 403; body over the limit: 413; invalid: 422; rate limit: 429 "
            "with Retry-After."
        ),
        lifespan=lifespan,
    )
    app.state.core = core
    if front_door:
        app.add_middleware(FrontDoor, core=core)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Response:
        # Never echo the input back: it may hold personal data.
        return _json(field_errors(exc.errors()).model_dump(), 422)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        return _json(exc.body.model_dump(), exc.status, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:  # FastAPI's "error parsing the body" (e.g. not UTF-8): the body is invalid
            return _json(field_errors([{"loc": ("body",), "type": "json_invalid"}]).model_dump(), 422)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # Starlette names only the first route of the path (GET of GET+POST)
            headers["Allow"] = ", ".join(_allowed(request))
        return _json(ErrorBody(error=str(exc.detail)).model_dump(), exc.status_code, headers or None)

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> Response:
        log.error("unhandled error", error=type(exc).__name__)
        return _json(ErrorBody(error="internal error; nothing was published").model_dump(), 500)

    errors: dict[int | str, dict[str, Any]] = {s: {"model": ErrorBody} for s in (401, 403, 409, 413, 422, 429)}
    errors[503] = {
        "model": NotPublished,
        "description": "Nothing was published (Kafka or Redis unavailable, or the record refused): retry after "
        "`Retry-After`; the retry publishes afresh.",
    }
    errors[504] = {
        "model": PublishUnknown,
        "description": "Kafka did not acknowledge in time: the report **may still be published**. Retry with the "
        "same `Idempotency-Key` (or `adapter_message_id`): the retry answers with the same `report_id` — 202 "
        "(`Idempotent-Replayed: true`) once Kafka has it, 504 again while it is still unknown — and the report is "
        "dispatched once (`retry_safe: true`). Without a key, or when ingest could not keep it (its store, Redis, "
        "failed at that moment: `retry_safe: false`), a retry may create a second report.",
    }

    @app.post(
        "/v1/reports",
        status_code=202,
        response_model=Accepted,
        responses=errors,
        summary="Post a member's report (channel adapters)",
        tags=["reports"],
    )
    async def post_report(
        request: Request,
        body: ReportIn,
        cred: Annotated[Credential, Depends(credential)],
        idempotency_key: Annotated[str | None, IDEMPOTENCY_HEADER] = None,
    ) -> Response:
        """Accept a member's report: 202 with the report id and, when the report may be urgent,
        the advice to call 101 or 112 in the reporter's language. The network is the hint (if in
        the credential's scope) or resolved from the street (Dutch or French); a report outside
        every network goes to the zone with `network_id: null`."""
        headers = {k.lower(): v for k, v in request.headers.raw}
        return _reply(await core.post_report(headers, await request.body()))

    @app.post(
        "/v1/messages",
        status_code=202,
        response_model=Accepted,
        responses=errors,
        summary="Post a police or coordinator message (alarm, prevention, feedback, request, closing)",
        tags=["messages"],
    )
    async def post_message(
        request: Request,
        body: MessageIn,
        cred: Annotated[Credential, Depends(credential)],
        idempotency_key: Annotated[str | None, IDEMPOTENCY_HEADER] = None,
    ) -> Response:
        """Accept a message for a network. Police keys post for the networks of their zone,
        coordinator keys for their own networks; a closing must refer to an earlier alarm of the
        same network."""
        headers = {k.lower(): v for k, v in request.headers.raw}
        return _reply(await core.post_message(headers, await request.body()))

    @app.get(
        "/v1/reports/{report_id}",
        response_model=ReportStatus,
        responses={s: {"model": ErrorBody} for s in (401, 404, 422, 429, 503)},
        summary="Follow a report: accepted, classified, cleared, dispatched, held, delivered",
        tags=["reports"],
    )
    async def get_report(
        report_id: Annotated[ReportId, Path(description="The id ingest answered with")],
        cred: Annotated[Credential, Depends(credential)],
    ) -> Response:
        """What the pipeline has recorded of a report the caller may see: its adapter's own
        reports, a coordinator's networks, a police zone's reports (else 404)."""
        status = await core.report_status(cred, report_id)
        return _json(status.model_dump(mode="json"))

    app.include_router(members_router(people))

    @app.get("/healthz", summary="Liveness", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Readiness: Kafka producer started, Redis answering, networks loaded",
        tags=["operations"],
        responses={503: {"model": ErrorBody}},
    )
    async def readyz() -> Response:
        import asyncio

        problems = []
        if not core.ready:
            problems.append(("kafka", "producer not started"))
        try:
            await asyncio.wait_for(redis.ping(), 2.0)
        except Exception:
            problems.append(("redis", "not answering"))
        if not nets:
            problems.append(("networks", "no network files found"))
        if problems:
            exc = ApiError(503, "not ready", problems)
            return _json(exc.body.model_dump(), 503)
        return _json({"status": "ready", "networks": sorted(nets)})

    return app


def _allowed(request: Request) -> list[str]:
    """Every method some route of the request's path answers (RFC 9110 §15.5.6: a 405 lists them all)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return sorted(methods)
