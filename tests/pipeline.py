"""The running pipeline: the four services (and the observer) as real processes on the session's
Kafka and Redis. The ``pipeline`` fixture is registered in tests/conftest.py, so every test tier
shares one running pipeline per session."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from binrelay_shared.settings import Settings
from tests.conftest import REPO, free_port

SERVICES = ("ingest", "classifier", "privacy-filter", "dispatcher", "observer")


@dataclass
class Pipeline:
    """Handles on the running services."""

    ingest_url: str
    settings: Settings
    env: dict[str, str]
    logs: dict[str, Path]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)

    def log_text(self) -> str:
        """Everything every service has logged so far."""
        return "\n".join(p.read_text(errors="replace") for p in self.logs.values() if p.exists())

    def start(self, name: str) -> None:
        env = {**self.env, "BINRELAY_METRICS_PORT": str(self.metrics_ports[name])}
        out = self.logs[name].open("ab")
        self.procs[name] = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / f"binrelay-{name}")], env=env, stdout=out, stderr=out, cwd=REPO
        )

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def pipeline(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """Start ingest, classifier, privacy-filter and dispatcher; stop them after the session."""
    logdir = tmp_path_factory.mktemp("service-logs")
    http_port = free_port()
    env = {
        **os.environ,
        "BINRELAY_KAFKA": settings.kafka,
        "BINRELAY_REDIS_URL": settings.redis_url,
        "BINRELAY_ZONE_ID": settings.zone_id,
        "BINRELAY_HTTP_PORT": str(http_port),
        "BINRELAY_ATTACHMENTS_DIR": str(settings.attachments_dir),
        "BINRELAY_NETWORKS_DIR": str(settings.networks_dir),
        "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{logdir}/registry.db",  # the pipeline's member registry
        "BINRELAY_LOG_JSON": "true",
        "BINRELAY_LOG_LEVEL": "DEBUG",
    }
    p = Pipeline(
        ingest_url=f"http://127.0.0.1:{http_port}",
        settings=settings,
        env=env,
        logs={name: logdir / f"{name}.log" for name in SERVICES},
        metrics_ports={name: free_port() for name in SERVICES},
    )
    for name in SERVICES:
        p.start(name)
    try:
        deadline = time.monotonic() + 180  # generous: five services start at once on a busy 2-core machine
        while True:
            for name, proc in p.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited at start:\n{p.logs[name].read_text()[-3000:]}")
            try:
                if httpx.get(f"{p.ingest_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ingest did not become healthy in 180 s:\n" + p.log_text()[-3000:])
            time.sleep(0.2)
        yield p
    finally:
        for name in list(p.procs):
            p.stop(name)
