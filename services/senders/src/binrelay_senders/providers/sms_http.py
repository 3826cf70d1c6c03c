"""SMS through an HTTP gateway (protocol: :mod:`binrelay_devservers.sms_gateway`).

One ``POST /messages`` per job, or — with ``BINRELAY_SMS_GATEWAY_BATCH_SIZE`` > 1, for a gateway
that has the bulk endpoint — up to that many recipients per ``POST /messages/batch``, each with
its own ``idempotency_key`` and its own answer, mapped to that job's :class:`Retryable` or
:class:`Permanent` exactly as a single send's answer would be.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from pydantic import Field, SecretStr
from redis.asyncio import Redis

from binrelay_shared.addresses import normalize_phone
from binrelay_shared.events import Channel, DeliveryJob
from binrelay_shared.local_secrets import setting_secret

from ..base import DeliveryError, Permanent, Receiver, Retryable
from ..registry import Provider
from ..settings import SenderSettings, SmsSettings


def gateway_key(idempotency_key: str) -> str:
    """The ``Idempotency-Key`` header of a delivery: a digest of its key (no member id on the wire)."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()


class HttpSmsSettings(SmsSettings):
    """The SMS gateway's HTTP API."""

    sms_gateway_url: str = Field("http://127.0.0.1:8025", description="SMS gateway base URL")
    sms_gateway_token: SecretStr | None = Field(None, description="Bearer token of the SMS gateway")
    sms_gateway_token_file: Path | None = Field(
        None, description="File of it (default <secrets_dir>/sms-gateway-token)"
    )
    sms_gateway_batch_size: int = Field(
        1, ge=1, le=1000,
        description="Recipients per request: > 1 uses the gateway's bulk endpoint POST /messages/batch"
        " (only if the gateway has it); 1 sends one POST /messages per SMS",
    )


def failure(status: int) -> DeliveryError:
    """The failure a gateway answer other than 200/201/202 means, for one recipient or a request."""
    if status in (408, 425, 429) or status >= 500:
        return Retryable(f"sms_http_{status}")
    if status in (401, 403):  # our credentials: fixable by the operator, keep the job
        return Retryable(f"sms_http_{status}")
    return Permanent(f"sms_http_{status}")


def _batch_failure(status: int) -> DeliveryError:
    """A bulk request refused as a whole. No bulk endpoint (404/405) or a batch too big for the
    gateway (413) is the operator's configuration to fix: retryable, not the members' numbers."""
    if status in (404, 405, 413):
        return Retryable(f"sms_batch_http_{status}")
    return failure(status)


class SmsReceiver:
    """POST /messages with the bearer token; the idempotency key travels as ``Idempotency-Key``
    (in bulk: POST /messages/batch, the key in each message)."""

    channel = Channel.sms

    def __init__(self, settings: HttpSmsSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.batch_size = settings.sms_gateway_batch_size
        token = setting_secret(settings, "sms_gateway_token", "sms-gateway-token").get_secret_value()
        self.client = client or httpx.AsyncClient(
            base_url=settings.sms_gateway_url.rstrip("/"),
            timeout=settings.sms_timeout,
            headers={"authorization": f"Bearer {token}"},
        )

    async def send(self, job: DeliveryJob) -> str | None:
        key = gateway_key(job.idempotency_key)
        try:
            r = await self.client.post(
                "/messages",
                json={"to": normalize_phone(job.address), "text": job.text, "from": self.settings.sms_from},
                headers={"idempotency-key": key},
            )
        except httpx.TimeoutException:
            raise Retryable("sms_timeout") from None
        except httpx.HTTPError as exc:
            raise Retryable(f"sms_{type(exc).__name__}") from None
        if r.status_code in (200, 201, 202):
            try:
                return str(r.json()["id"])
            except (ValueError, KeyError, TypeError):
                return None
        raise failure(r.status_code)

    async def send_batch(self, jobs: Sequence[DeliveryJob]) -> list[str | DeliveryError | None]:
        messages = [
            {"to": normalize_phone(j.address), "text": j.text, "idempotency_key": gateway_key(j.idempotency_key)}
            for j in jobs
        ]
        try:
            r = await self.client.post("/messages/batch", json={"from": self.settings.sms_from, "messages": messages})
        except httpx.TimeoutException:
            raise Retryable("sms_timeout") from None
        except httpx.HTTPError as exc:
            raise Retryable(f"sms_{type(exc).__name__}") from None
        if r.status_code != 200:
            raise _batch_failure(r.status_code)
        try:
            results = r.json()["results"]
            if not isinstance(results, list) or len(results) != len(jobs):
                raise ValueError
            return [_answer(m["idempotency_key"], result) for m, result in zip(messages, results, strict=True)]
        except (ValueError, KeyError, TypeError):
            # Unreadable: whether any was sent is unknown; the retry's keys make the gateway drop repeats.
            raise Retryable("sms_batch_bad_answer") from None

    async def close(self) -> None:
        await self.client.aclose()


def _answer(key: str, result: Any) -> str | DeliveryError | None:
    """One recipient's answer in a bulk response (its key must be the one sent at its place)."""
    if not isinstance(result, dict) or result.get("idempotency_key") != key:
        raise ValueError("answer out of order")
    status = int(result["status"])
    if status in (200, 201, 202):
        mid = result.get("id")
        return str(mid) if mid is not None else None
    return failure(status)


def _create(settings: HttpSmsSettings, _sender: SenderSettings, _redis: Redis | None) -> Receiver:
    return SmsReceiver(settings)


PROVIDER = Provider(Channel.sms, "http", HttpSmsSettings, _create)
