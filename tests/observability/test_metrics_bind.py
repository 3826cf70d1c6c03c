"""Where a service's /metrics listens: loopback by default (`make up`), every address of the
container when told (`BINRELAY_METRICS_HOST=0.0.0.0`, deploy/compose.yaml), so compose's
Prometheus can scrape it from another container."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from binrelay_shared.metrics import serve_metrics
from binrelay_shared.settings import Settings
from tests.conftest import free_port


def _listening_on(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp writes them) listening on ``port``."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hexport = local.split(":")
        if int(hexport, 16) == port and state == "0A":  # 0A: LISTEN
            found.add(address)
    return found


@pytest.mark.parametrize(("env", "address"), [({}, "0100007F"), ({"BINRELAY_METRICS_HOST": "0.0.0.0"}, "00000000")])
def test_metrics_listen_on_the_configured_address(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], address: str
) -> None:
    """Given the shared settings (from the environment, as every service reads them),
    when a service serves its metrics,
    then they listen on 127.0.0.1 by default and on every address with BINRELAY_METRICS_HOST=0.0.0.0."""
    port = free_port()
    for k, v in {"BINRELAY_METRICS_PORT": str(port), **env}.items():
        monkeypatch.setenv(k, v)
    serve_metrics(CollectorRegistry(), Settings())
    assert _listening_on(port) == {address}
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        assert r.status == 200
