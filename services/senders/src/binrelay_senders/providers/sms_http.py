"""SMS through an HTTP gateway (protocol: :mod:`binrelay_dispatcher.devservers.sms_gateway`)."""

from __future__ import annotations

import hashlib
import re

import httpx

from binrelay_shared.events import Channel, DeliveryJob

from .base import Permanent, Retryable
from .config import SenderSettings


def normalize_phone(number: str) -> str:
    """``+32 470 00 00 00`` / ``0032470000000`` → ``+32470000000`` (as the SMS webhook does)."""
    digits = re.sub(r"[^0-9+]", "", number)
    return "+" + digits[2:] if digits.startswith("00") else digits


class SmsReceiver:
    """POST /messages with the bearer token; the idempotency key travels as ``Idempotency-Key``."""

    channel = Channel.sms

    def __init__(self, settings: SenderSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.AsyncClient(
            base_url=settings.sms_gateway_url.rstrip("/"),
            timeout=settings.sms_timeout,
            headers={"authorization": f"Bearer {settings.sms_gateway_token}"},
        )

    async def send(self, job: DeliveryJob) -> str | None:
        key = hashlib.sha256(job.idempotency_key.encode()).hexdigest()
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
