"""Inbound SMS: the gateway's signed webhook (protocol in ``binrelay_devservers.sms_gateway``).

``POST /v1/sms/inbound`` with a JSON body ``{"id", "from", "to", "text", "received_at"}``, headers
``X-Gateway-Timestamp`` (unix seconds) and ``X-Gateway-Signature: sha256=<hex>`` =
HMAC-SHA256(shared secret, ``"<timestamp>." + body``). A bad or missing signature, or a timestamp
more than ``sms_webhook_max_skew`` seconds off, gets 401 and nothing else happens.

An SMS is first read as a reply (:class:`.acks.ReplyDesk`, rules in :mod:`.reply_rules`):
``JA``/``OK`` (yes), ``NEE`` (no, with a reason), ``STOP`` (no more SMS), with an optional ref,
bound to the message it answers — a yes/no becomes a ``Response`` on ``bin.responses.v1``; several
messages pending and no ref: the sender is asked which (by SMS); a STOP from a member withdraws
their SMS consent (in the member registry: :mod:`binrelay_shared.members.stop`) and is confirmed
by SMS. A text that is no command and reads as a report is posted to ingest as one
(``channel: sms``, the sender matched to a member by number or unknown),
and ingest's advice, when there is one, is sent back by SMS; a short one gets the help text (a
member) or is refused (an unknown number: counted, nothing logged). The webhook answers 200 once
the report or the response is safely recorded, 503 when ingest, Kafka or Redis cannot take it now
(the gateway retries; retries are idempotent by the gateway's message id), 200 ``refused`` when
ingest refuses it.

Run: ``binrelay-adapter-sms`` (settings: :class:`.config.AdapterSettings`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from binrelay_shared.consent import ConsentOverrides, RedisConsent
from binrelay_shared.db import database_url, make_engine
from binrelay_shared.events import Channel
from binrelay_shared.kafka_security import kafka_client_config, require_kafka
from binrelay_shared.local_secrets import secrets_or_exit
from binrelay_shared.logging import configure_logging, get_logger
from binrelay_shared.members.changes import publish_changes
from binrelay_shared.members.problems import Change
from binrelay_shared.members.registry import Registry
from binrelay_shared.members.stop import RegistryConsent
from binrelay_shared.metrics import serve_metrics
from binrelay_shared.redis_auth import check_redis_or_exit, redis_client
from binrelay_shared.settings import settings_or_exit

from .acks import ReplyDesk, ResponsePublisher
from .client import IngestClient, IngestRefused, IngestUnavailable, idempotency_key
from .config import AdapterSettings
from .members import Directory, directory_or_exit, normalize_phone, opaque_ref, watch
from .metrics import AdapterMetrics

#: This adapter's Redis ACL user (binrelay_shared.redis_acl).
REDIS_USER = "adapter-sms"

log = get_logger(__name__)

#: This adapter's Kafka principal (binrelay_shared.acl): it may only write bin.responses.v1 and
#: bin.members.changed.v1 (a member's STOP changes their consent in the registry).
KAFKA_PRINCIPAL = "adapter-sms"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str | None, sig: str | None, body: bytes, max_skew: int) -> bool:
    """Whether the webhook call is signed with our secret and recent."""
    if not timestamp or not sig or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > max_skew:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), sig)


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def create_app(
    settings: AdapterSettings,
    *,
    client: IngestClient | None = None,
    redis: Redis | None = None,
    responses: ResponsePublisher | None = None,
    directory: Directory | None = None,
    metrics: AdapterMetrics | None = None,
    watch_members: bool = False,
    consent: ConsentOverrides | None = None,
) -> Starlette:
    """The webhook's app. ``consent``: where a member's STOP is recorded (default: the registry of
    ``settings``' database, published as a members change, and the dispatcher's fast path)."""
    counts = metrics or AdapterMetrics("sms")
    ingest = client or IngestClient(settings)
    store = redis or redis_client(settings, REDIS_USER)
    webhook_secret, ack_key = settings.webhook_secret(), settings.ack_key()
    publisher = responses or ResponsePublisher(kafka_client_config(settings, KAFKA_PRINCIPAL))
    directory = directory or Directory.load(settings.members_file)
    registry = None
    if consent is None:
        registry = Registry(make_engine(database_url(settings)))
        kafka = kafka_client_config(settings, KAFKA_PRINCIPAL)

        async def changed(changes: Sequence[Change]) -> None:
            await publish_changes(kafka, changes, "binrelay-adapter-sms-stop")

        consent = RegistryConsent(registry, RedisConsent(store), changed)
    desk = ReplyDesk(store, publisher, ack_key, consent)
    gateway = httpx.AsyncClient(
        base_url=settings.sms_gateway_url.rstrip("/"),
        timeout=15,
        headers={"authorization": f"Bearer {settings.gateway_token()}"},
    )

    async def answer(to: str, text: str, message_id: str, what: str = "advice") -> None:
        try:
            r = await gateway.post(
                "/messages",
                json={"to": to, "text": text, "from": settings.sms_from},
                headers={"idempotency-key": hashlib.sha256(f"{what}:{message_id}".encode()).hexdigest()},
            )
            if r.status_code >= 300:
                log.warning("answer not sent by SMS", what=what, status=r.status_code)
        except httpx.HTTPError as exc:  # the report is in: the answer is best effort
            log.warning("answer not sent by SMS", what=what, error=type(exc).__name__)

    async def inbound(request: Request) -> Response:
        raw = await request.body()
        if not verify(
            webhook_secret,
            request.headers.get("x-gateway-timestamp"),
            request.headers.get("x-gateway-signature"),
            raw,
            settings.sms_webhook_max_skew,
        ):
            counts.count("bad_signature")
            log.warning("webhook call refused: bad signature or timestamp")
            return _json({"error": "bad signature"}, 401)
        try:
            sms = orjson.loads(raw)
            number, text, message_id = str(sms["from"]), str(sms["text"]).strip(), str(sms["id"])
            to = str(sms.get("to") or "")
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return _json({"error": "body must be {id, from, to, text, received_at}"}, 400)
        if not text:
            return _json({"status": "ignored", "reason": "empty"})
        member = directory.find("sms", number)

        try:
            outcome = await desk.handle(Channel.sms, number, member, text)
        except Exception as exc:  # Kafka or Redis away: the gateway retries the same message
            counts.count("deferred")
            log.warning("reply not handled", error=type(exc).__name__)
            return _json({"error": "try again"}, 503)
        if outcome.result != "report":
            counts.count(outcome.result)
            if outcome.answer:
                await answer(number, outcome.answer, message_id, outcome.result)
            return _json({"status": outcome.result, "report_ids": [r.report_id for r in outcome.responses]})

        reporter: dict[str, Any] = {
            "ref": member.id if member else opaque_ref("sms", number),
            "contact": number[:200],
        }
        if member and member.language:
            reporter["language"] = member.language
        body: dict[str, Any] = {
            "text": text[:5000],
            "channel": "sms",
            "reporter": reporter,
            "adapter_message_id": message_id[:200],
        }
        network = settings.sms_numbers.get(to) or settings.sms_numbers.get(normalize_phone(to))
        if network:
            body["network"] = network
        try:
            accepted = await ingest.post_report(body, idempotency_key("sms", message_id))
        except IngestUnavailable:
            counts.count("deferred")
            return _json({"error": "try again"}, 503)
        except IngestRefused as exc:
            counts.count("refused")
            log.warning("ingest refused the SMS", status=exc.status, error=exc.error)
            return _json({"status": "refused", "error": exc.error})
        counts.count("report")
        log.info("SMS taken as report", report_id=accepted.get("report_id"))
        if accepted.get("advice"):
            await answer(number, str(accepted["advice"]), message_id)
        return _json({"status": "accepted", "report_id": accepted.get("report_id")})

    async def health(request: Request) -> Response:
        return _json({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # The registry's changes keep the directory current (the service; tests give a fixed one).
        watching = asyncio.create_task(watch(settings, directory, KAFKA_PRINCIPAL)) if watch_members else None
        try:
            yield
        finally:
            if watching is not None:
                watching.cancel()
                await asyncio.gather(watching, return_exceptions=True)
            await publisher.stop()
            if registry is not None:
                await registry.close()
            await gateway.aclose()
            await ingest.close()
            await store.aclose()

    return Starlette(
        routes=[Route("/v1/sms/inbound", inbound, methods=["POST"]), Route("/healthz", health, methods=["GET"])],
        lifespan=lifespan,
    )


def main() -> None:
    """``binrelay-adapter-sms``: the SMS gateway's inbound webhook, until SIGTERM."""
    import uvicorn

    settings = settings_or_exit(AdapterSettings)
    configure_logging("adapter-sms", settings.log_level, settings.log_json)
    # A missing or wrong secret stops here (exit 2, the setting named), not at the first SMS.
    secrets_or_exit(settings, {"sms_webhook_secret": "sms-webhook", "sms_gateway_token": "sms-gateway-token",
                               "ack_key_secret": "ack-key"})  # fmt: skip
    check_redis_or_exit(settings, REDIS_USER)
    require_kafka(settings, KAFKA_PRINCIPAL)
    directory = directory_or_exit(settings)
    metrics = AdapterMetrics("sms")
    serve_metrics(metrics.registry, settings)
    log.info("listening", port=settings.sms_webhook_port)
    uvicorn.run(
        create_app(settings, metrics=metrics, directory=directory, watch_members=True),
        host=settings.sms_webhook_host,
        port=settings.sms_webhook_port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
