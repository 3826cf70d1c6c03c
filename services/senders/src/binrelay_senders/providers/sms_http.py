"""SMS through an HTTP gateway (protocol: :mod:`binrelay_devservers.sms_gateway`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
from pydantic import Field, SecretStr
from redis.asyncio import Redis

from binrelay_shared.addresses import normalize_phone
from binrelay_shared.events import Channel, DeliveryJob
from binrelay_shared.local_secrets import setting_secret

from ..base import Permanent, Receiver, Retryable
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


class SmsReceiver:
    """POST /messages with the bearer token; the idempotency key travels as ``Idempotency-Key``."""

    channel = Channel.sms

    def __init__(self, settings: HttpSmsSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
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
        if r.status_code in (408, 425, 429) or r.status_code >= 500:
            raise Retryable(f"sms_http_{r.status_code}")
        if r.status_code in (401, 403):  # our credentials: fixable by the operator, keep the job
            raise Retryable(f"sms_http_{r.status_code}")
        raise Permanent(f"sms_http_{r.status_code}")

    async def close(self) -> None:
        await self.client.aclose()


def _create(settings: HttpSmsSettings, _sender: SenderSettings, _redis: Redis | None) -> Receiver:
    return SmsReceiver(settings)


PROVIDER = Provider(Channel.sms, "http", HttpSmsSettings, _create)
