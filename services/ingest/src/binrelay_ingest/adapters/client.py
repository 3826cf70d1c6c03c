"""A small client of the ingest API: ``POST /v1/reports`` with the adapter's credential, retried.

Retries (exponential backoff with jitter) on connection errors, 5xx, 409 (the same idempotency
key still in progress) and 429; every retry carries the same ``Idempotency-Key``, so a report is
recorded once however often it is posted. Any other 4xx is final: :class:`IngestRefused`, whose
message is ingest's error text (field names and reasons, never values).
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from .config import AdapterSettings


class IngestUnavailable(Exception):
    """The ingest API could not take the report now (retry later)."""


class IngestRefused(Exception):
    """The ingest API refused the report (4xx): retrying the same report cannot help."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"{status} {error}")
        self.status = status
        self.error = error


def idempotency_key(adapter: str, message_id: str) -> str:
    """An ``Idempotency-Key`` from the adapter's own message id (characters the API accepts)."""
    return f"{adapter}-{hashlib.sha256(message_id.encode()).hexdigest()[:40]}"


class IngestClient:
    def __init__(self, settings: AdapterSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        headers = {"user-agent": "binrelay-adapter"}
        if settings.adapter_api_key:
            headers["authorization"] = f"Bearer {settings.adapter_api_key.get_secret_value()}"
        self.http = client or httpx.AsyncClient(
            base_url=settings.ingest_url.rstrip("/"), timeout=settings.adapter_timeout, headers=headers
        )

    async def post_report(self, body: dict[str, Any], idempotency: str) -> dict[str, Any]:
        """Post one report; returns the 202 body (``report_id``, ``advice``, ...)."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.settings.adapter_max_attempts)),
            wait=wait_random_exponential(multiplier=0.2, max=5),
            retry=retry_if_exception_type(IngestUnavailable),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._post_once(body, idempotency)
        raise AssertionError("unreachable")

    async def _post_once(self, body: dict[str, Any], idempotency: str) -> dict[str, Any]:
        try:
            r = await self.http.post("/v1/reports", json=body, headers={"idempotency-key": idempotency})
        except httpx.HTTPError as exc:
            raise IngestUnavailable(type(exc).__name__) from None
        if r.status_code in (200, 201, 202):
            return dict(r.json())
        if r.status_code in (408, 409, 425, 429) or r.status_code >= 500:
            raise IngestUnavailable(f"http_{r.status_code}")
        try:
            error = str(r.json().get("error", ""))
        except ValueError:
            error = ""
        raise IngestRefused(r.status_code, error or "refused")

    async def close(self) -> None:
        await self.http.aclose()
