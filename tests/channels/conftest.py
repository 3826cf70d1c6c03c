"""Fixtures of the channel tests: real SMTP sink, SMS gateway and Synapse on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from binrelay_devservers.smtp_sink import SinkHandler, start_sink
from binrelay_senders.settings import SenderSettings
from tests.channels.servers import Gateway, StubIngest, Synapse, start_gateway, start_stub_ingest, start_synapse
from tests.conftest import free_port


@pytest.fixture
def smtp_sink(tmp_path: Path) -> Iterator[tuple[int, SinkHandler]]:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
    port = free_port()
    controller, handler = start_sink(port, tmp_path / "mail")
    try:
        yield port, handler
    finally:
        controller.stop()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    """The loopback SMS gateway (HTTP), in a thread of the test process."""
    gw = start_gateway()
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    """A real Synapse homeserver (PyPI, SQLite) on loopback, started by deploy/local/synapse.sh."""
    yield from start_synapse(tmp_path_factory.mktemp("synapse"))


def sender_settings(redis_url: str, kafka: str = "127.0.0.1:1", **overrides: object) -> SenderSettings:
    """Sender settings on the session's Redis (and Kafka), with fast retries for tests (a provider's
    own settings are given to ``binrelay_senders.registry.make_receiver``, not here)."""
    unknown = set(overrides) - set(SenderSettings.model_fields)
    if unknown:
        raise TypeError(f"not sender settings (a provider's?): {sorted(unknown)}")
    values: dict[str, object] = {
        "kafka": kafka,
        "redis_url": redis_url,
        "sender_backoff_initial": 0.01,
        "sender_backoff_max": 0.05,
        "sender_max_attempts": 3,
        "sender_lease_seconds": 3,
        "sender_max_hold_seconds": 0.5,
        "log_json": True,
    }
    values.update(overrides)
    return SenderSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def sink_port(smtp_sink: tuple[int, SinkHandler]) -> int:
    return smtp_sink[0]


@pytest.fixture
def free_tcp_port() -> int:
    return free_port()


@pytest.fixture
def stub_ingest() -> Iterator[StubIngest]:
    """A stand-in for the ingest API that records what the adapters post."""
    stub = start_stub_ingest()
    try:
        yield stub
    finally:
        stub.stop()
