"""What ingest does with a request, free of any web framework: raw headers and body in, a status,
headers and body out. The HTTP layer (:mod:`.app`) is a thin shell around it.

Per POST: credential shape → body validation → network resolution and urgency pre-check (pure)
→ ONE Redis round trip (:mod:`.gate`) → publish to Kafka, awaited → 202. The answer kept for
retries and the trace are written afterwards, batched across concurrent requests.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio import Redis
from redis.exceptions import RedisError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from binrelay_shared import topics
from binrelay_shared.events import (
    Channel,
    Kind,
    Origin,
    Report,
    Reporter,
    ReportReceived,
    Stamps,
    is_urgent,
    new_id,
    utcnow,
)
from binrelay_shared.kafka_security import KafkaClientConfig
from binrelay_shared.logging import bind_report, get_logger
from binrelay_shared.network import NetworkFile
from binrelay_shared.settings import Settings

from .api_models import Accepted, MessageIn, ReportIn, ReportStatus, Step
from .errors import ApiError, invalid, not_published, publish_unknown, unauthenticated
from .gate import Gate, GateRequest, GateResult, idem_key
from .keys import api_key_mac, hash_key, parse_key, record_from_hash
from .networks import Resolver
from .precheck import ADVICE, advice_language, precheck
from .resp import RespClient, RespError

log = get_logger(__name__)

JSON = [(b"content-type", b"application/json")]


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
    redis_timeout_seconds: float = Field(2.0, description="Longest a POST waits for Redis")
    redis_max_connections: int = Field(64, description="Redis connections of one ingest process")
    unknown_record_attempts: int = Field(
        5, ge=1, description="Tries to keep an Idempotency-Key after a publish of unknown outcome (Redis) before "
        "the 504 says a retry is not safe",
    )
    linger_ms: int = Field(2, description="Kafka producer linger: concurrent reports share a round trip")
    max_header_bytes: int = Field(
        16 * 1024, ge=1024, description="Largest request line and headers, together (beyond: 431)"
    )


class Publisher(Protocol):
    """Hands records to Kafka in two steps, so a failure can be told apart from an unknown outcome:
    :meth:`enqueue` raises if the producer refused the record (nothing was sent), else returns a
    future resolved by the broker's acknowledgement; :meth:`refused` says whether that future's
    error proves the broker did not store the record."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def enqueue(self, topic: str, value: bytes, key: bytes | None) -> asyncio.Future[Any]: ...
    def refused(self, exc: BaseException) -> bool: ...


class KafkaPublisher:
    """aiokafka's producer, used directly (the hot path): ``send`` appends to a batch, the batch
    leaves after ``linger_ms``, and each request awaits its own acknowledgement."""

    def __init__(self, kafka: KafkaClientConfig, linger_ms: int = 2) -> None:
        self.kafka = kafka
        self.linger_ms = linger_ms
        self.producer: Any = None

    async def start(self) -> None:
        from aiokafka import AIOKafkaProducer

        # Created here: aiokafka binds the producer to the running loop.
        self.producer = AIOKafkaProducer(
            **self.kafka.aiokafka(),
            client_id="binrelay-ingest",
            acks="all",
            linger_ms=self.linger_ms,
            max_batch_size=256 * 1024,
            # The producer retries a batch whose acknowledgement it lost (e.g. a broker restarting);
            # without idempotence such a retry writes the report twice (seen in the honest-door test).
            enable_idempotence=True,
        )
        await self.producer.start()

    async def stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()

    async def enqueue(self, topic: str, value: bytes, key: bytes | None) -> asyncio.Future[Any]:
        # Raises (or is cancelled) before the record is in a batch: then nothing was sent. Once
        # returned, the record is in the producer's buffer and will be sent — and retried — even
        # if nobody awaits the future any more.
        return await self.producer.send(topic, value, key=key, headers=[("content-type", b"application/json")])

    def refused(self, exc: BaseException) -> bool:
        """A non-retriable answer of the broker (authorisation, too large, invalid): not stored.
        Anything else (timeouts, lost connections, no leader) may follow a delivered attempt."""
        from aiokafka.errors import BrokerResponseError

        return isinstance(exc, BrokerResponseError) and not exc.retriable


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=lambda: JSON)


_FORBIDDEN = {
    "role": ("Authorization", "this credential's role may not use this endpoint"),
    "network": ("network", "this credential may not post for this network"),
    "zone": ("network", "this network belongs to another police zone than this credential"),
}
_MESSAGE_ROLES = ("police", "coordinator", "operator")
_REPORT_ROLES = ("adapter", "operator")
_ORIGIN = {"police": Origin.police, "coordinator": Origin.coordinator, "operator": Origin.police}
_IDEM_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+=@")


@dataclass(frozen=True, slots=True)
class Credential:
    """A credential as presented (its shape checked; the gate checks it against Redis)."""

    id: str
    hash: str


@functools.lru_cache(maxsize=4096)
def _credential(key: str) -> Credential | None:
    key_id = parse_key(key)
    return Credential(key_id, hash_key(key)) if key_id else None


def presented(headers: Mapping[bytes, bytes]) -> Credential:
    """The credential in ``Authorization: Bearer`` or ``X-API-Key``; 401 when absent or malformed."""
    raw = headers.get(b"authorization")
    key: str | None = None
    if raw is not None:
        scheme, _, value = raw.decode("latin-1").strip().partition(" ")
        if scheme.lower() == "bearer":
            key = value.strip()
    if key is None and (api := headers.get(b"x-api-key")) is not None:
        key = api.decode("latin-1").strip()
    cred = _credential(key) if key and len(key) <= 200 else None
    if cred is None:
        exc = unauthenticated("send 'Authorization: Bearer <key>' (or X-API-Key) from `binrelay keys create`")
        exc.body.error = "missing or malformed credential"
        raise exc
    return cred


def idempotency(header: bytes | None, fallback: str | None) -> str | None:
    """The idempotency key: the header, else the adapter's message id, else none."""
    if header is not None:
        text = header.decode("latin-1")
        if not 1 <= len(text) <= 200 or not set(text) <= _IDEM_CHARS:
            raise ApiError(
                422,
                "invalid request: Idempotency-Key",
                [("Idempotency-Key", "1 to 200 characters: letters, digits and -_.:/+=@")],
            )
        return "h:" + text
    return "m:" + fallback if fallback else None


def fingerprint(body: BaseModel) -> str:
    """A digest of the request's content, so an Idempotency-Key reused for another body is caught."""
    canonical = body.__pydantic_serializer__.to_json(body)  # field order is fixed by the model
    return hashlib.sha256(canonical).hexdigest()[:32]


def report_from(body: ReportIn) -> Report:
    """A member's report as the event carries it (``adapter`` is set from the credential later)."""
    return Report(
        origin=Origin.member,
        kind=Kind.report,
        text=body.text,
        channel=body.channel,
        adapter_message_id=body.adapter_message_id,
        reporter=body.reporter,
        location=body.location,
        attachments=tuple(body.attachments),
        language_hint=body.language,
    )


def message_from(body: MessageIn, key_id: str) -> Report:
    """A police or coordinator message as the event carries it (``origin`` and ``adapter`` are
    set from the credential later). The author defaults to the credential's id: no personal data."""
    author = body.author
    return Report(
        origin=Origin.police,
        kind=Kind(body.kind.value),
        text=body.text,
        channel=Channel.http,
        reporter=Reporter(
            ref=(author.ref if author and author.ref else f"key:{key_id}"),
            name=author.name if author else None,
            language=(author.language if author else None) or body.language,
        ),
        location=body.location,
        attachments=tuple(body.attachments),
        language_hint=body.language,
        refers_to=body.refers_to,
    )


class Finisher:
    """Writes the post-publish records (answer for retries, trace) of many requests in one pipeline."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.items: list[tuple[str, str | None, str, bytes, str]] = []
        self.task: asyncio.Task[None] | None = None
        self.idem_ttl_s = 86400
        self.trace_ttl_s = 7 * 86400

    def add(self, report_id: str, idem: str | None, fp: str, answer: bytes, received_at: str) -> None:
        self.items.append((report_id, idem, fp, answer, received_at))
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the requests finishing in this loop turn join the batch
        items, self.items = self.items, []
        self.task = None
        try:
            await self.gate.finish_many(items, idem_ttl_s=self.idem_ttl_s, trace_ttl_s=self.trace_ttl_s)
        except Exception as exc:  # the reports are in Kafka; only retry memory and trace are lost
            log.warning("answers not recorded", count=len(items), error=type(exc).__name__)

    async def drain(self) -> None:
        while self.task is not None:
            await self.task


class Ingest:
    """The front door's logic; one instance per process."""

    #: How long a late acknowledgement is remembered in-process (see :meth:`_watch`).
    KEEP_ACKED_S = 60.0

    def __init__(
        self,
        settings: Settings,
        limits: IngestLimits,
        publisher: Publisher,
        redis: Redis,
        registry: CollectorRegistry,
        networks: Mapping[str, NetworkFile],
        fast: RespClient | None = None,
    ) -> None:
        self.settings = settings
        self.limits = limits
        self.publisher = publisher
        self.redis = redis
        self.nets = networks
        self.resolver = Resolver(networks)
        self.fast = fast
        self.gate = Gate(redis, fast, mac_key=api_key_mac(settings))
        self.finisher = Finisher(self.gate)
        self.inflight: dict[str, asyncio.Future[Any]] = {}
        """report id → its publish, not acknowledged in time and not yet resolved."""
        self.finisher.idem_ttl_s = limits.idempotency_ttl_seconds
        self.finisher.trace_ttl_s = settings.trace_ttl_seconds
        self.ready = False
        self.accepted = Counter(
            "binrelay_ingest_reports", "Reports and messages accepted by ingest", ["channel", "kind"], registry=registry
        )
        self._accepted: dict[tuple[Channel, Kind], Any] = {}
        self.rejected = Counter(
            "binrelay_ingest_rejected", "Requests refused by ingest, by status", ["status"], registry=registry
        )
        self.resolved = Counter(
            "binrelay_ingest_resolution", "How the network of a report was found", ["how"], registry=registry
        )
        self.urgent = Counter(
            "binrelay_ingest_possibly_urgent", "Reports the pre-check found possibly urgent", registry=registry
        )
        self.replays = Counter(
            "binrelay_ingest_idempotent_replays", "Retries answered with the first answer", registry=registry
        )
        self.unrecorded = Counter(
            "binrelay_ingest_unknown_unrecorded",
            "504 answers whose Idempotency-Key could not be kept (Redis failed): a retry may be a second report",
            registry=registry,
        )
        self.latency = Histogram(
            "binrelay_ingest_request_seconds",
            "Time to answer an accepted POST (Kafka acknowledgement included)",
            ["route"],
            buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
            registry=registry,
        )
        for status in ("400", "401", "403", "404", "409", "413", "422", "429", "500", "503", "504"):
            self.rejected.labels(status)
        for how in ("hint", "street", "street_fuzzy", "text", "none", "out_of_scope"):
            self.resolved.labels(how)
        self._latency = {True: self.latency.labels("report"), False: self.latency.labels("message")}

    async def start(self) -> None:
        await self.publisher.start()
        self.ready = True

    async def stop(self) -> None:
        self.ready = False
        await self.publisher.stop()  # flushes: late acknowledgements still record their answers
        await self.finisher.drain()
        if self.fast is not None:
            await self.fast.close()

    # -- POST /v1/reports -------------------------------------------------------------------------

    async def post_report(self, headers: Mapping[bytes, bytes], raw: bytes) -> Reply:
        try:
            cred = presented(headers)
            try:
                body = ReportIn.model_validate_json(raw)
            except ValidationError as exc:
                raise invalid(exc.errors(include_input=False, include_url=False)) from None
            idem = idempotency(headers.get(b"idempotency-key"), body.adapter_message_id)
            if body.network and body.network in self.nets:
                network: str | None = body.network
                mode, how = "hard", "hint"
            else:
                # No hint, or one this deployment does not know: a member's report is never
                # refused for the adapter's hint — resolve from the location instead.
                loc = body.location
                res = self.resolver.resolve(
                    street=loc.street if loc else None, text=(loc.text if loc else None, body.text)
                )
                network, mode, how = res.network_id, "soft", res.how
            report = report_from(body)
            return await self._accept(
                cred=cred,
                roles=_REPORT_ROLES,
                report=report,
                network=network,
                mode=mode,
                idem=idem,
                fp=lambda: fingerprint(body),
                reporter_ref=body.reporter.ref,
                how=how,
                advise=True,
                possibly_urgent=precheck(body.text).possibly_urgent,
                language=body.language,
            )
        except ApiError as exc:
            return self.refused(exc)

    # -- POST /v1/messages ------------------------------------------------------------------------

    async def post_message(self, headers: Mapping[bytes, bytes], raw: bytes) -> Reply:
        try:
            cred = presented(headers)
            try:
                body = MessageIn.model_validate_json(raw)
            except ValidationError as exc:
                raise invalid(exc.errors(include_input=False, include_url=False)) from None
            idem = idempotency(headers.get(b"idempotency-key"), None)
            if body.network not in self.nets:
                raise ApiError(422, "invalid request: network", [("network", "unknown network")])
            report = message_from(body, cred.id)
            return await self._accept(
                cred=cred,
                roles=_MESSAGE_ROLES,
                report=report,
                network=body.network,
                mode="hard",
                idem=idem,
                fp=lambda: fingerprint(body),
                reporter_ref=None,
                how="hint",
                advise=False,
                possibly_urgent=report.kind is Kind.alarm,
                language=body.language,
            )
        except ApiError as exc:
            return self.refused(exc)

    # -- the common path ---------------------------------------------------------------------------

    async def _accept(
        self,
        *,
        cred: Credential,
        roles: tuple[str, ...],
        report: Report,
        network: str | None,
        mode: str,
        idem: str | None,
        fp: Callable[[], str],
        reporter_ref: str | None,
        how: str,
        advise: bool,
        possibly_urgent: bool,
        language: str | None,
    ) -> Reply:
        started = time.perf_counter()
        limits = self.limits
        kind = report.kind
        report_id = new_id()
        net = self.nets.get(network) if network else None
        digest = fp() if idem else ""
        try:
            async with asyncio.timeout(limits.redis_timeout_seconds):
                result = await self.gate.check(
                    GateRequest(
                        key_id=cred.id,
                        key_hash=cred.hash,
                        roles=roles,
                        report_id=report_id,
                        kind=kind.value,
                        network=network,
                        network_mode=mode,
                        network_zone=net.zone if net else None,
                        default_zone=self.settings.zone_id,
                        now_ms=int(time.time() * 1000),
                        reporter_ref=reporter_ref,
                        reporter_limit=limits.reporter_limit,
                        reporter_window_ms=limits.reporter_window_seconds * 1000,
                        key_limit=limits.key_limit,
                        key_window_ms=limits.key_window_seconds * 1000,
                        idempotency_key=idem,
                        fingerprint=digest,
                        pending_ms=limits.pending_seconds * 1000,
                        refers_to=report.refers_to if kind is Kind.closing else None,
                        record_ttl_s=self.settings.trace_ttl_seconds,
                    )
                )
        except (RedisError, RespError, OSError, TimeoutError) as exc:
            log.warning("gate unavailable", error=type(exc).__name__)
            raise not_published(
                "ingest cannot check credentials right now; nothing was published, retry later", "(redis)"
            ) from None
        if result.outcome == "replay":
            self.replays.inc()
            return Reply(202, result.answer, [*JSON, (b"idempotent-replayed", b"true")])
        again = result.outcome == "unknown"
        if again:
            # An earlier attempt's publish was not acknowledged in time: this retry publishes THE
            # SAME report (same id; the dispatcher drops a repeated id), never a second one.
            stored = result.answer
            first = orjson.loads(stored)
            report_id = first["report_id"]
            result = GateResult(
                "ok", network_id=first.get("network_id"), zone_id=first.get("zone_id", ""),
                role=result.role, adapter=result.adapter,
            )  # fmt: skip
        elif result.outcome != "ok":
            raise refusal(result)
        idem_redis = idem_key(cred.id, idem) if idem else None
        try:
            event, answer = self._event(report_id, report, result, possibly_urgent, advise, language)
        except Exception as exc:
            with bind_report(report_id):
                log.warning("not accepted", stage="building", error=type(exc).__name__)
            if not again:  # nothing was published: forget the reservation, so a retry starts afresh
                await self._release(report_id, idem_redis)
            raise
        if again:
            answer = stored  # the first answer, word for word
        outcome, ack = await self._publish(event, limits.publish_timeout_seconds)
        if outcome != "acked":
            with bind_report(report_id):
                log.warning("not acknowledged", outcome=outcome, retry=again)
            if outcome == "refused" and not again:
                # The producer or the broker refused it: nothing was published. Forget the
                # reservation, so a retry starts afresh.
                await self._release(report_id, idem_redis)
                raise not_published("the report could not be stored; nothing was published, retry later", "(kafka)")
            # Unknown (or a retry of an unknown one): the record may still reach Kafka. Keep the
            # idempotency key bound to this report id, and record the answer once Kafka has it.
            if ack is not None:
                self._watch(ack, report_id, idem_redis, digest, answer, event.stamps.received.isoformat())
            kept = again  # a retry of an unknown one: its record is there already
            if idem_redis and not again:
                kept = await self._record_unknown(idem_redis, digest, answer)
            if idem_redis and not kept:
                raise publish_unknown(report_id, retry_safe=False, reason="unrecorded",
                                      pending_s=limits.pending_seconds)  # fmt: skip
            raise publish_unknown(report_id, retry_safe=idem_redis is not None)
        if again:
            self.replays.inc()
            self.finisher.add(report_id, idem_redis, digest, answer, event.stamps.received.isoformat())
            return Reply(202, answer, [*JSON, (b"idempotent-replayed", b"true")])
        if network and result.network_id is None:
            how = "out_of_scope"
        self.resolved.labels(how).inc()
        report = event.report
        received = event.stamps.received
        self.finisher.add(report_id, idem_redis, digest, answer, received.isoformat())
        child = self._accepted.get((report.channel, kind))
        if child is None:
            child = self._accepted[(report.channel, kind)] = self.accepted.labels(report.channel.value, kind.value)
        child.inc()
        if possibly_urgent:
            self.urgent.inc()
        self._latency[kind is Kind.report].observe(time.perf_counter() - started)
        return Reply(202, answer)

    async def _record_unknown(self, idem: str, digest: str, answer: bytes) -> bool:
        """Bind the idempotency key to this report id for the idempotency TTL (the outcome is
        unknown: a retry must publish the same report). Without it only the reservation is left,
        which expires after ``pending_seconds``, and a later retry would be a second report — so
        a Redis failure here is retried (a few tries over ~1.5 s); False if it still failed."""
        limits = self.limits
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(limits.unknown_record_attempts),
                wait=wait_exponential(multiplier=0.1, max=1.0),
                retry=retry_if_exception_type((RedisError, RespError, OSError, TimeoutError)),
                reraise=True,
            ):
                with attempt:
                    async with asyncio.timeout(limits.redis_timeout_seconds):
                        await self.gate.mark_unknown(
                            idem=idem, fingerprint=digest, answer=answer, ttl_s=limits.idempotency_ttl_seconds
                        )
        except (RedisError, RespError, OSError, TimeoutError) as exc:
            self.unrecorded.inc()
            log.warning("unknown outcome not recorded: the idempotency key is not kept", error=type(exc).__name__,
                        tries=limits.unknown_record_attempts)  # fmt: skip
            return False
        return True

    async def _release(self, report_id: str, idem: str | None) -> None:
        try:
            await self.gate.release(report_id=report_id, idem=idem)
        except Exception as exc:
            log.warning("reservation not released", error=type(exc).__name__)

    async def _publish(self, event: ReportReceived, timeout: float) -> tuple[str, asyncio.Future[Any] | None]:
        """Publish ``event``, waiting at most ``timeout`` s: ``acked``; ``refused`` (nothing was
        published: the producer refused it before sending, or the broker refused it); or ``unknown``
        (no acknowledgement in time, or an error after which an earlier attempt may have landed).
        An attempt of the same report still in flight in this process is awaited, not repeated."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        ack = self.inflight.get(event.report_id)
        if ack is None:
            network = event.network_id
            task = asyncio.ensure_future(
                self.publisher.enqueue(
                    topics.lane(topics.REPORTS_RECEIVED, is_urgent(event)),
                    event.__pydantic_serializer__.to_json(event),
                    network.encode() if network else None,
                )
            )
            if not task.done():
                await asyncio.wait([task], timeout=timeout)
            if not task.done():
                task.cancel()  # still waiting for metadata or buffer space: never reaches a batch
                await asyncio.wait([task])
            if task.cancelled() or task.exception() is not None:
                exc = None if task.cancelled() else task.exception()
                log.warning("refused by the producer", error=type(exc).__name__ if exc else "timeout")
                return "refused", None
            ack = task.result()
        if not ack.done():
            await asyncio.wait([ack], timeout=max(deadline - loop.time(), 0))
        if not ack.done() or ack.cancelled():
            return "unknown", ack
        exc = ack.exception()
        if exc is None:
            return "acked", ack
        return ("refused" if self.publisher.refused(exc) else "unknown"), ack

    def _watch(
        self, ack: asyncio.Future[Any], report_id: str, idem: str | None, fp: str, answer: bytes, received_at: str
    ) -> None:
        """An unacknowledged publish: when Kafka acknowledges it after all, record the answer for
        retries (``D``, replacing ``U``) and the trace, as for a publish acknowledged in time."""
        if report_id in self.inflight:
            return
        self.inflight[report_id] = ack

        def done(fut: asyncio.Future[Any]) -> None:
            if fut.cancelled() or fut.exception() is not None:
                self.inflight.pop(report_id, None)
                with bind_report(report_id):
                    log.warning("publish not acknowledged; a retry with its key publishes it again")
                return
            with bind_report(report_id):
                log.info("acknowledged late")
            self.finisher.add(report_id, idem, fp, answer, received_at)
            # Kept a while: a retry whose gate check still read "unknown" (the answer is being
            # written) finds it acknowledged here, instead of publishing the report again.
            asyncio.get_running_loop().call_later(self.KEEP_ACKED_S, self.inflight.pop, report_id, None)

        ack.add_done_callback(done)

    def _event(
        self,
        report_id: str,
        report: Report,
        result: GateResult,
        possibly_urgent: bool,
        advise: bool,
        language: str | None,
    ) -> tuple[ReportReceived, bytes]:
        """The event to publish and the answer to give, once the gate has said who posted."""
        kind = report.kind
        # Who posted comes from the credential, not from the body.
        update: dict[str, Any] = {"adapter": result.adapter or report.adapter}
        if kind is not Kind.report:
            update["origin"] = _ORIGIN.get(result.role, Origin.police)
        report = report.model_copy(update=update)
        network_id = result.network_id
        event = ReportReceived(
            report_id=report_id,
            network_id=network_id,
            zone_id=result.zone_id,
            trace_id=new_id(),
            stamps=Stamps(received=utcnow()),
            report=report,
            possibly_urgent=possibly_urgent,
        )
        advice_lang = advice = None
        if advise and possibly_urgent:
            final = self.nets.get(network_id) if network_id else None
            advice_lang = advice_language(
                report.reporter.language, language, text=report.text,
                network_languages=tuple(final.languages) if final else (),
            )  # fmt: skip
            advice = ADVICE[advice_lang]
        answer = orjson.dumps(
            Accepted(
                report_id=report_id,
                network_id=network_id,
                zone_id=result.zone_id,
                possibly_urgent=possibly_urgent,
                advice=advice,
                advice_language=advice_lang,
            ).model_dump(mode="json")
        )
        return event, answer

    def refused(self, exc: ApiError) -> Reply:
        self.rejected.labels(str(exc.status)).inc()
        headers = [*JSON, *((k.lower().encode(), v.encode()) for k, v in exc.headers.items())]
        return Reply(exc.status, exc.payload(), headers)

    # -- GET /v1/reports/{id} ----------------------------------------------------------------------

    async def report_status(self, cred: Credential, report_id: str) -> ReportStatus:
        try:
            async with asyncio.timeout(self.limits.redis_timeout_seconds):
                key_raw, rec, steps, count, ttl = await self.gate.read_report(
                    cred.id, report_id, self.limits.key_window_seconds * 1000
                )
        except (RedisError, OSError, TimeoutError):
            raise ApiError(503, "report status unavailable right now", [("(redis)", "unavailable")],
                           {"Retry-After": "2"}) from None  # fmt: skip
        verified = self.gate.verified_record(cred.id, key_raw)  # MACed by `binrelay keys create`
        if key_raw.get("hash") != cred.hash or key_raw.get("revoked") or not verified:
            raise unauthenticated()
        key = record_from_hash(cred.id, key_raw)
        limit = key.rate or self.limits.key_limit
        if limit > 0 and count > limit:
            raise refusal(GateResult("429", reason="key", retry_after_ms=max(ttl, 1)))
        if not rec or not may_read(key.role.value, key.zone, key.networks, key.adapter, rec):
            raise ApiError(404, "no such report (or not yours to see)", [("report_id", "unknown")])
        return ReportStatus(
            report_id=report_id,
            status=status_of(steps),
            kind=rec.get("kind", "report"),
            network_id=rec.get("net") or None,
            zone_id=rec.get("zone", ""),
            steps=[Step(step=step_name(k), at=v) for k, v in sorted(steps.items(), key=lambda kv: kv[1])],
            deliveries=deliveries_of(steps),
        )


def refusal(result: GateResult) -> ApiError:
    """The refusal for a gate outcome other than ok / replay."""
    if result.outcome == "401":
        return unauthenticated()
    if result.outcome == "403":
        field_, reason = _FORBIDDEN.get(result.reason, ("Authorization", "out of this credential's scope"))
        return ApiError(403, "forbidden: out of this credential's scope", [(field_, reason)])
    if result.outcome == "422":
        return ApiError(422, "invalid request: refers_to", [("refers_to", "not an alarm or report of this network")])
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
            422, "invalid request: Idempotency-Key", [("Idempotency-Key", "already used for a different request")]
        )
    return ApiError(400, "refused")


def may_read(role: str, zone: str, networks: tuple[str, ...] | None, adapter: str, rec: Mapping[str, str]) -> bool:
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


def step_name(name: str) -> str:
    """A trace field as a step name (topics become accepted / classified / cleared / dispatched)."""
    for prefix, step in _ORDER:
        if name.startswith(prefix):
            return step
    if name.startswith("bin.dlq."):
        return "dead_lettered"
    if name.startswith("bin.outbox."):
        return "queued:" + name.removeprefix("bin.outbox.").removesuffix(".v1")
    return name


def deliveries_of(steps: Mapping[str, str]) -> dict[str, int]:
    """Delivery outcomes (trace fields ``delivery:<channel>:<outcome>``), counted by outcome."""
    counts: dict[str, int] = {}
    for name in steps:
        if name.startswith("delivery:"):
            outcome = name.rsplit(":", 1)[-1]
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def status_of(steps: Mapping[str, str]) -> str:
    """The furthest point a report reached, from its trace fields."""
    names = list(steps)
    deliveries = deliveries_of(steps)
    if deliveries.get("delivered"):
        return "delivered"
    if any(n.startswith("held") for n in names):
        return "held"
    if deliveries and set(deliveries) <= {"failed"}:
        return "failed"
    status = "accepted"
    for prefix, step in _ORDER:
        if any(n.startswith(prefix) for n in names):
            status = step
    if status == "accepted" and any(n.startswith("bin.dlq.") for n in names):
        return "dead_lettered"
    return status
