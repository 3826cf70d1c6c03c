"""Ingest test fixtures: the app in-process on the session's real Kafka and Redis, and credentials.

Credentials for tests (the documented dev/test path): :func:`binrelay_ingest.keys.create_key`
writes a key record into the test Redis and returns the plaintext key; the ``keys`` fixture
creates one of each role. Outside tests, ``binrelay keys create`` does the same (``make up``
prints a demo adapter key).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry

from binrelay_ingest.app import create_app
from binrelay_ingest.keys import create_key
from binrelay_shared.settings import Settings
from tests.conftest import TEST_ZONE
from tests.redis_helpers import admin_redis, mac_key


@dataclass
class Keys:
    """One credential per role, for this test session (plaintext keys)."""

    adapter: str
    adapter_zavel: str
    other_adapter: str
    coordinator_zavel: str
    police: str
    police_other_zone: str
    operator: str

    @staticmethod
    def header(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
async def keys(redis_url: str) -> AsyncIterator[Keys]:
    redis = admin_redis(redis_url)
    try:
        run = uuid.uuid4().hex[:6]

        async def make(role: str, **kw: Any) -> str:
            key, _ = await create_key(redis, mac_key=mac_key(),
                role=role, zone=kw.pop("zone", TEST_ZONE), label=f"test {run}", **kw)
            return key

        yield Keys(
            adapter=await make("adapter", adapter=f"sms-{run}"),
            adapter_zavel=await make("adapter", adapter=f"zavel-{run}", networks=["zavel"]),
            other_adapter=await make("adapter", adapter=f"other-{run}"),
            coordinator_zavel=await make("coordinator", networks=["zavel"]),
            police=await make("police"),
            police_other_zone=await make("police", zone="9999"),
            operator=await make("operator", zone="*"),
        )
    finally:
        await redis.aclose()


@asynccontextmanager
async def running_app(settings: Settings, **kw: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The ingest app with its lifespan (Kafka producer started), and a client bound to it."""
    app = create_app(settings, registry=CollectorRegistry(), **kw)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest.test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture(scope="session")
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The ingest API in-process on the real Kafka and Redis (default limits)."""
    async with running_app(settings) as client:
        yield client


def report(text: str = "Verdachte man kijkt in geparkeerde auto's", **extra: Any) -> dict[str, Any]:
    """A valid report body with a fresh reporter reference."""
    body: dict[str, Any] = {"text": text, "reporter": {"ref": f"member-{uuid.uuid4().hex[:10]}"}}
    body.update(extra)
    return body

