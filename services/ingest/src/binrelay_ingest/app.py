"""The ingest HTTP API (FastAPI): the front door for channel adapters, police and coordinators.

``POST /v1/reports`` (adapters) and ``POST /v1/messages`` (police, coordinators) authenticate the
credential, validate, resolve the network, pre-check urgency, and publish ``ReportReceived``. The
answer is 202 only once Kafka has acknowledged the event — a 202 means the report cannot be lost.

Per request, Redis is asked ONE question (:mod:`.gate`: auth + scope + idempotency + rate limits
in a Lua script) before publishing and told one thing after (the answer kept for retries, the
trace). Bad input gets a 4xx naming the field and the reason, never the value; nothing reaches
Kafka then, and a failed publish undoes the reservation (no half-published report).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Header, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry, Counter, Histogram
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio import Redis
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import (
    Channel,
    Kind,
    Origin,
    Report,
    Reporter,
    ReportReceived,
    Stamps,
    new_id,
    utcnow,
)
from binrelay_shared.kafka import make_broker
from binrelay_shared.logging import bind_report, get_logger
from binrelay_shared.settings import Settings

from .api_models import (
    Accepted,
    ErrorBody,
    FieldError,
    MessageIn,
    ReportId,
    ReportIn,
    ReportStatus,
    Step,
)
from .gate import Gate, GateRequest, GateResult, idem_key
from .keys import hash_key, parse_key, record_from_hash
from .networks import Network, Resolver, load_networks
from .precheck import ADVICE, advice_language, precheck

log = get_logger(__name__)


class IngestLimits(BaseSettings):
    """Ingest-only settings (``BINRELAY_INGEST_*``): rate limits, idempotency, publishing."""

    model_config = SettingsConfigDict(env_prefix="BINRELAY_INGEST_", extra="ignore")

    reporter_limit: int = Field(30, description="Reports one reporter may post per window (0: no limit)")
    reporter_window_seconds: int = Field(60, description="Window of the per-reporter limit")
    key_limit: int = Field(5000, description="Requests one credential may make per window (0: no limit)")
    key_window_seconds: int = Field(1, description="Window of the per-credential limit")
    idempotency_ttl_seconds: int = Field(24 * 3600, description="How long a first answer is kept for retries")
    pending_seconds: int = Field(30, description="How long a request in progress blocks its retries")
    publish_timeout_seconds: float = Field(10.0, description="Longest a POST waits for Kafka")


# ---------------------------------------------------------------------------------------------
# Errors: every 4xx names the field and the reason, never the value
# ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        error: str,
        fields: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.body = ErrorBody(error=error, fields=[FieldError(field=f, reason=r) for f, r in fields])
        self.headers = headers or {}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status, headers=headers, media_type="application/json")


def _error_response(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> Response:
    return _json(body.model_dump(), status, headers)


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
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = ErrorBody(
            error=f"request body too large: the limit is {self.limit} bytes",
            fields=[FieldError(field="(body)", reason=f"larger than {self.limit} bytes")],
        )
        response = _error_response(413, body)
        await response({"type": "http"}, _no_receive, send)


class _TooLarge(Exception):
    pass


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


_REASONS = {
    "json_invalid": "invalid JSON",
    "missing": "required",
    "extra_forbidden": "unknown field",
    "string_too_long": "too long",
    "string_too_short": "too short or empty",
    "too_long": "too many items",
    "enum": "not one of the allowed values",
    "literal_error": "not one of the allowed values",
    "string_pattern_mismatch": "not in the expected form",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "greater_than_equal": "too small",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "bool_type": "must be true or false",
}


def _field_errors(exc: RequestValidationError) -> ErrorBody:
    fields = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        field = ".".join(loc) or "(body)"
        kind = str(err.get("type", ""))
        if kind == "value_error":
            # Our own validators' messages: written without input values.
            reason = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        else:
            reason = _REASONS.get(kind, kind.replace("_", " ") or "invalid")
        fields.append(FieldError(field=field, reason=reason))
    names = ", ".join(dict.fromkeys(f.field for f in fields[:5]))
    return ErrorBody(error=f"invalid request: {names}", fields=fields)


# ---------------------------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer binr_<id>_<secret>`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key in `X-API-Key`")


class Presented:
    """The credential as presented (shape checked; checked against Redis by the gate)."""

    __slots__ = ("hash", "id")

    def __init__(self, key_id: str, key_hash: str) -> None:
        self.id = key_id
        self.hash = key_hash


_UNAUTHENTICATED = {"WWW-Authenticate": 'Bearer realm="binrelay"'}


def presented_key(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Presented:
    """401 at once when no credential of the right shape is presented (before the body is read)."""
    key = bearer.credentials if bearer is not None else api_key
    key_id = parse_key(key) if key else None
    if key is None or key_id is None:
        raise ApiError(
            401,
            "missing or malformed credential",
            [("Authorization", "send 'Bearer <key>' (or X-API-Key) with a key from `binrelay keys create`")],
            _UNAUTHENTICATED,
        )
    return Presented(key_id, hash_key(key))


_IDEM_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+=@")


def _idempotency(header: str | None, fallback: str | None) -> str | None:
    if header is not None:
        if not 1 <= len(header) <= 200 or not set(header) <= _IDEM_CHARS:
            raise ApiError(
                422,
                "invalid request: Idempotency-Key",
                [("Idempotency-Key", "1 to 200 characters: letters, digits and -_.:/+=@")],
            )
        return "h:" + header
    return "m:" + fallback if fallback else None


# ---------------------------------------------------------------------------------------------
# The app
# ---------------------------------------------------------------------------------------------

_FORBIDDEN = {
    "role": ("Authorization", "this credential's role may not use this endpoint"),
    "network": ("network", "this credential may not post for this network"),
    "zone": ("network", "this network belongs to another police zone than this credential"),
}
_MESSAGE_ROLES = ("police", "coordinator", "operator")
_REPORT_ROLES = ("adapter", "operator")
_ORIGIN = {"police": Origin.police, "coordinator": Origin.coordinator, "operator": Origin.police}


def create_app(
    settings: Settings,
    *,
    limits: IngestLimits | None = None,
    broker: KafkaBroker | None = None,
    redis: Redis | None = None,
    registry: CollectorRegistry | None = None,
    networks: dict[str, Network] | None = None,
) -> FastAPI:
    """Build the ingest API. The broker is started and stopped with the app."""
    limits = limits or IngestLimits()
    broker = broker or make_broker(settings.kafka, "binrelay-ingest")
    redis = redis or Redis.from_url(settings.redis_url)
    registry = registry or CollectorRegistry()
    nets = networks if networks is not None else load_networks(settings.networks_dir)
    resolver = Resolver(nets)
    gate = Gate(redis)
    background: set[asyncio.Task[None]] = set()
    ready = {"kafka": False}

    accepted = Counter(
        "binrelay_ingest_reports", "Reports and messages accepted by ingest", ["channel", "kind"], registry=registry
    )
    rejected = Counter(
        "binrelay_ingest_rejected", "Requests refused by ingest, by status", ["status"], registry=registry
    )
    resolved = Counter(
        "binrelay_ingest_resolution", "How the network of a report was found", ["how"], registry=registry
    )
    urgent = Counter(
        "binrelay_ingest_possibly_urgent", "Reports the pre-check found possibly urgent", registry=registry
    )
    replays = Counter("binrelay_ingest_idempotent_replays", "Retries answered from the first answer", registry=registry)
    latency = Histogram(
        "binrelay_ingest_request_seconds",
        "Time to answer a POST (Kafka acknowledgement included)",
        ["route"],
        buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
        registry=registry,
    )
    for status in ("400", "401", "403", "404", "409", "413", "422", "429", "503"):
        rejected.labels(status)
    for how in ("hint", "street", "street_fuzzy", "text", "none", "out_of_scope"):
        resolved.labels(how)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        ready["kafka"] = True
        try:
            yield
        finally:
            ready["kafka"] = False
            if background:
                await asyncio.gather(*background, return_exceptions=True)
            await broker.stop()
            await redis.aclose()

    app = FastAPI(
        title="BIN Relay ingest",
        version="1",
        description=(
            "Front door of BIN Relay. Channel adapters post members' reports (`POST /v1/reports`); "
            "police and coordinators post messages (`POST /v1/messages`); adapters follow a report "
            "with `GET /v1/reports/{id}`. Every request carries a credential from "
            "`binrelay keys create` (`Authorization: Bearer <key>` or `X-API-Key`). A 202 means Kafka "
            "has the report. Retries are safe with `Idempotency-Key` (or the adapter's message id). "
            "Errors name the field and the reason, never the value."
        ),
        lifespan=lifespan,
    )

    @app.middleware("http")
    async def count_refusals(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        response = await call_next(request)
        if 400 <= response.status_code < 600:
            rejected.labels(str(response.status_code)).inc()
        return response

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Response:
        # Never echo the input back: it may hold personal data.
        return _error_response(422, _field_errors(exc))

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        return _error_response(exc.status, exc.body, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> Response:
        return _error_response(exc.status_code, ErrorBody(error=str(exc.detail)), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> Response:
        log.error("unhandled error", error=type(exc).__name__)
        return _error_response(500, ErrorBody(error="internal error; nothing was published"))

    errors: dict[int | str, dict[str, Any]] = {
        s: {"model": ErrorBody} for s in (401, 403, 409, 413, 422, 429, 503)
    }

    def refuse(result: GateResult) -> ApiError:
        if result.outcome == "401":
            return ApiError(
                401, "unknown or revoked credential", [("Authorization", "not a valid key")], _UNAUTHENTICATED
            )
        if result.outcome == "403":
            field, reason = _FORBIDDEN.get(result.reason, ("Authorization", "out of this credential's scope"))
            return ApiError(403, "forbidden: out of this credential's scope", [(field, reason)])
        if result.outcome == "422":
            return ApiError(422, "invalid request: refers_to", [("refers_to", "not an alarm of this network")])
        if result.outcome == "429":
            secs = str(max(1, -(-result.retry_after_ms // 1000)))
            which = "reporter" if result.reason == "reporter" else "credential"
            return ApiError(
                429, f"too many requests for this {which}", [("(rate)", f"retry after {secs} s")], {"Retry-After": secs}
            )
        if result.outcome == "pending":
            return ApiError(
                409, "a request with this idempotency key is still in progress",
                [("Idempotency-Key", "retry shortly")], {"Retry-After": "1"},
            )  # fmt: skip
        if result.outcome == "conflict":
            return ApiError(
                422, "invalid request: Idempotency-Key",
                [("Idempotency-Key", "already used for a different request")],
            )  # fmt: skip
        return ApiError(400, "refused")

    async def accept(
        *,
        cred: Presented,
        roles: tuple[str, ...],
        report: Report,
        network: str | None,
        mode: str,
        idempotency: str | None,
        fingerprint_of: Callable[[], str],
        reporter_ref: str | None,
        kind: Kind,
        how: str,
        advise: bool,
        possibly_urgent: bool,
        language: str | None,
    ) -> Response:
        started = time.perf_counter()
        report_id = new_id()
        net = nets.get(network) if network else None
        fingerprint = fingerprint_of() if idempotency else ""
        result = await gate.check(
            GateRequest(
                key_id=cred.id,
                key_hash=cred.hash,
                roles=roles,
                report_id=report_id,
                kind=kind.value,
                network=network,
                network_mode=mode,
                network_zone=net.zone if net else None,
                default_zone=settings.zone_id,
                now_ms=int(time.time() * 1000),
                reporter_ref=reporter_ref,
                reporter_limit=limits.reporter_limit,
                reporter_window_ms=limits.reporter_window_seconds * 1000,
                key_limit=limits.key_limit,
                key_window_ms=limits.key_window_seconds * 1000,
                idempotency_key=idempotency,
                fingerprint=fingerprint,
                pending_ms=limits.pending_seconds * 1000,
                refers_to=report.refers_to if kind is Kind.closing else None,
                record_ttl_s=settings.trace_ttl_seconds,
            )
        )
        if result.outcome == "replay":
            replays.inc()
            return Response(result.answer, 202, media_type="application/json", headers={"Idempotent-Replayed": "true"})
        if result.outcome != "ok":
            raise refuse(result)
        if network and result.network_id is None:
            how = "out_of_scope"
        resolved.labels(how).inc()
        network_id = result.network_id
        final_net = nets.get(network_id) if network_id else None
        # Who posted comes from the credential, not from the body.
        update: dict[str, Any] = {"adapter": result.adapter}
        if kind is not Kind.report:
            update["origin"] = _ORIGIN.get(result.role, Origin.police)
        report = report.model_copy(update=update)
        event = ReportReceived(
            report_id=report_id,
            network_id=network_id,
            zone_id=result.zone_id,
            trace_id=new_id(),
            stamps=Stamps(received=utcnow()),
            report=report,
            possibly_urgent=possibly_urgent,
        )
        advice_lang = None
        advice = None
        if advise and possibly_urgent:
            advice_lang = advice_language(
                report.reporter.language, language, text=report.text,
                network_languages=final_net.languages if final_net else (),
            )  # fmt: skip
            advice = ADVICE[advice_lang]
        answer = Accepted(
            report_id=report_id,
            network_id=network_id,
            zone_id=result.zone_id,
            possibly_urgent=possibly_urgent,
            advice=advice,
            advice_language=advice_lang,
        )
        body = orjson.dumps(answer.model_dump(mode="json"))
        idem = idem_key(cred.id, idempotency) if idempotency else None
        with bind_report(report_id):
            try:
                await asyncio.wait_for(
                    broker.publish(
                        encode(event),
                        topics.REPORTS_RECEIVED,
                        key=network_id.encode() if network_id else None,
                        headers={"content-type": "application/json"},
                    ),
                    limits.publish_timeout_seconds,
                )
            except Exception as exc:
                log.warning("publish failed", error=type(exc).__name__)
                try:
                    await gate.release(report_id=report_id, idem=idem)
                except Exception as rexc:
                    log.warning("reservation not released", error=type(rexc).__name__)
                raise ApiError(
                    503, "the report could not be stored; nothing was published, retry later",
                    [("(kafka)", "unavailable")], {"Retry-After": "2"},
                ) from None  # fmt: skip
            accepted.labels(report.channel.value, kind.value).inc()
            if possibly_urgent:
                urgent.inc()
            log.info("accepted", kind=kind.value, network_id=network_id, zone_id=result.zone_id, how=how)
            task = asyncio.create_task(
                _finish(gate, report_id, idem, fingerprint, body, limits, settings, event.stamps.received.isoformat())
            )
            background.add(task)
            task.add_done_callback(background.discard)
        latency.labels("report" if kind is Kind.report else "message").observe(time.perf_counter() - started)
        return Response(body, 202, media_type="application/json")

    @app.post(
        "/v1/reports",
        status_code=202,
        response_model=Accepted,
        responses=errors,
        summary="Post a member's report (channel adapters)",
        tags=["reports"],
    )
    async def post_report(
        body: ReportIn,
        cred: Annotated[Presented, Depends(presented_key)],
        idempotency_key: Annotated[
            str | None, Header(alias="Idempotency-Key", description="Makes a retry return the first answer")
        ] = None,
    ) -> Response:
        """Accept a member's report: 202 with the report id and, when the report may be urgent,
        the advice to call 101 or 112 in the reporter's language."""
        if body.network:
            if body.network not in nets:
                raise ApiError(422, "invalid request: network", [("network", "unknown network")])
            network: str | None = body.network
            mode, how = "hard", "hint"
        else:
            loc = body.location
            res = resolver.resolve(
                street=loc.street if loc else None, text=(loc.text if loc else None, body.text)
            )
            network, mode, how = res.network_id, "soft", res.how
        check = precheck(body.text)
        report = Report(
            origin=Origin.member,
            kind=Kind.report,
            text=body.text,
            channel=body.channel,
            adapter="",
            adapter_message_id=body.adapter_message_id,
            reporter=body.reporter,
            location=body.location,
            attachments=tuple(body.attachments),
            language_hint=body.language,
        )
        return await accept(
            cred=cred,
            roles=_REPORT_ROLES,
            report=report,
            network=network,
            mode=mode,
            idempotency=_idempotency(idempotency_key, body.adapter_message_id),
            fingerprint_of=lambda: _fingerprint(body),
            reporter_ref=body.reporter.ref,
            kind=Kind.report,
            how=how,
            advise=True,
            possibly_urgent=check.possibly_urgent,
            language=body.language,
        )

    @app.post(
        "/v1/messages",
        status_code=202,
        response_model=Accepted,
        responses=errors,
        summary="Post a police or coordinator message (alarm, prevention, feedback, request, closing)",
        tags=["messages"],
    )
    async def post_message(
        body: MessageIn,
        cred: Annotated[Presented, Depends(presented_key)],
        idempotency_key: Annotated[
            str | None, Header(alias="Idempotency-Key", description="Makes a retry return the first answer")
        ] = None,
    ) -> Response:
        """Accept a message for a network. Police keys post for the networks of their zone,
        coordinator keys for their own networks; a closing must refer to an earlier alarm."""
        if body.network not in nets:
            raise ApiError(422, "invalid request: network", [("network", "unknown network")])
        kind = Kind(body.kind.value)
        author = body.author
        report = Report(
            origin=Origin.police,  # set from the credential's role once the gate has answered
            kind=kind,
            text=body.text,
            channel=Channel.http,
            adapter="",
            reporter=Reporter(
                ref=(author.ref if author and author.ref else f"key:{cred.id}"),
                name=author.name if author else None,
                language=(author.language if author else None) or body.language,
            ),
            location=body.location,
            attachments=tuple(body.attachments),
            language_hint=body.language,
            refers_to=body.refers_to,
        )
        return await accept(
            cred=cred,
            roles=_MESSAGE_ROLES,
            report=report,
            network=body.network,
            mode="hard",
            idempotency=_idempotency(idempotency_key, None),
            fingerprint_of=lambda: _fingerprint(body),
            reporter_ref=None,
            kind=kind,
            how="hint",
            advise=False,
            possibly_urgent=kind is Kind.alarm,
            language=body.language,
        )

    @app.get(
        "/v1/reports/{report_id}",
        response_model=ReportStatus,
        responses={s: {"model": ErrorBody} for s in (401, 404, 422)},
        summary="Follow a report: accepted, classified, cleared, dispatched, held, delivered",
        tags=["reports"],
    )
    async def get_report(
        report_id: Annotated[ReportId, Path(description="The id ingest answered with")],
        cred: Annotated[Presented, Depends(presented_key)],
    ) -> Response:
        """What the pipeline has recorded of a report the caller may see (its adapter's own
        reports; a coordinator's networks; a police zone's reports)."""
        key_raw, rec, steps = await gate.read_report(cred.id, report_id)
        if key_raw.get("hash") != cred.hash or key_raw.get("revoked"):
            raise refuse(GateResult("401"))
        key = record_from_hash(cred.id, key_raw)
        if not rec or not _may_read(key.role.value, key.zone, key.networks, key.adapter, rec):
            raise ApiError(404, "no such report (or not yours to see)", [("report_id", "unknown")])
        status = ReportStatus(
            report_id=report_id,
            status=_status(steps),
            kind=rec.get("kind", "report"),
            network_id=rec.get("net") or None,
            zone_id=rec.get("zone", ""),
            steps=[Step(step=_step_name(k), at=v) for k, v in sorted(steps.items(), key=lambda kv: kv[1])],
            deliveries=_deliveries(steps),
        )
        return Response(orjson.dumps(status.model_dump(mode="json")), 200, media_type="application/json")

    @app.get("/healthz", summary="Liveness", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Readiness: Kafka producer started and Redis answering",
        tags=["operations"],
        responses={503: {"model": ErrorBody}},
    )
    async def readyz() -> Response:
        problems = []
        if not ready["kafka"]:
            problems.append(FieldError(field="kafka", reason="producer not started"))
        try:
            await asyncio.wait_for(redis.ping(), 2.0)
        except Exception:
            problems.append(FieldError(field="redis", reason="not answering"))
        if not nets:
            problems.append(FieldError(field="networks", reason=f"no network files in {settings.networks_dir}"))
        if problems:
            return _error_response(503, ErrorBody(error="not ready", fields=problems))
        return _json({"status": "ready", "networks": sorted(nets)})

    return app


async def _finish(
    gate: Gate,
    report_id: str,
    idem: str | None,
    fingerprint: str,
    body: bytes,
    limits: IngestLimits,
    settings: Settings,
    received_at: str,
) -> None:
    try:
        await gate.finish(
            report_id=report_id,
            idem=idem,
            fingerprint=fingerprint,
            answer=body,
            idem_ttl_s=limits.idempotency_ttl_seconds,
            trace_fields={topics.REPORTS_RECEIVED: received_at},
            trace_ttl_s=settings.trace_ttl_seconds,
        )
    except Exception as exc:  # the report is in Kafka; only the retry memory and trace are lost
        with bind_report(report_id):
            log.warning("answer not recorded", error=type(exc).__name__)


def _fingerprint(body: ReportIn | MessageIn) -> str:
    """A digest of the request's content, so an Idempotency-Key reused for another body is caught."""
    canonical = orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()[:32]


def _may_read(role: str, zone: str, networks: tuple[str, ...] | None, adapter: str, rec: dict[str, str]) -> bool:
    """Who may follow a report: operators; police of its zone; coordinators of its network;
    the adapter (by name) that posted it."""
    if zone not in ("*", rec.get("zone")):
        return False
    if role in ("operator", "police"):
        return True
    if role == "coordinator":
        return networks is None or rec.get("net", "") in networks
    return rec.get("adapter") == adapter


_ORDER = (
    ("bin.reports.received.", "accepted"),
    ("bin.reports.classified.", "classified"),
    ("bin.reports.cleared.", "cleared"),
    ("bin.dispatch.", "dispatched"),
)


def _step_name(field: str) -> str:
    for prefix, name in _ORDER:
        if field.startswith(prefix):
            return name
    if field.startswith("bin.dlq."):
        return "dead_lettered"
    if field.startswith("bin.outbox."):
        return "queued:" + field.removeprefix("bin.outbox.").removesuffix(".v1")
    return field


def _deliveries(steps: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for field in steps:
        if field.startswith("delivery:"):
            outcome = field.rsplit(":", 1)[-1]
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _status(steps: dict[str, str]) -> str:
    """The furthest point the report reached, from the trace's fields."""
    fields = list(steps)
    deliveries = _deliveries(steps)
    if deliveries.get("delivered"):
        return "delivered"
    if any(f.startswith("held") for f in fields):
        return "held"
    if deliveries and all(k in ("failed",) for k in deliveries):
        return "failed"
    status = "accepted"
    for prefix, name in _ORDER:
        if any(f.startswith(prefix) for f in fields):
            status = name
    if status == "accepted" and any(f.startswith("bin.dlq.") for f in fields):
        return "dead_lettered"
    return status
