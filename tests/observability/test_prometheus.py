"""Operators' view, checked against a real Prometheus (Debian's package).

The alert rules are checked and unit-tested with promtool; then a real Prometheus scrapes the
running pipeline after a short load, and every dashboard panel's query is evaluated through its
HTTP API: none may error, none may return no series.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from binrelay_ingest.keys import create_key
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Location, Report, Reporter, ReportReceived, Stamps, new_id, utcnow
from tests.conftest import REPO, free_port
from tests.kafka_helpers import TopicReader, produce
from tests.pipeline import Pipeline
from tests.redis_helpers import admin_redis, mac_key

RULES = REPO / "deploy" / "prometheus" / "rules.yml"
RULES_TEST = REPO / "deploy" / "prometheus" / "rules_test.yml"
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"


def _promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        subprocess.run([str(REPO / "deploy" / "local" / "prometheus.sh"), "install"], check=True)
        found = shutil.which("promtool")
    assert found, "promtool not found: apt-get install prometheus"
    return found


def test_alert_rules_are_valid() -> None:
    """`promtool check rules` accepts deploy/prometheus/rules.yml."""
    out = subprocess.run([_promtool(), "check", "rules", str(RULES)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_each_alert_fires_in_its_constructed_situation() -> None:
    """`promtool test rules`: every alert fires when its situation is constructed, and not before."""
    out = subprocess.run(
        [_promtool(), "test", "rules", str(RULES_TEST)], capture_output=True, text=True, cwd=RULES.parent
    )
    assert out.returncode == 0, out.stdout + out.stderr
    tested = {t["alertname"] for t in _rule_tests()}
    defined = {r["alert"] for g in _yaml(RULES)["groups"] for r in g["rules"] if "alert" in r}
    assert tested == defined, f"alerts without a promtool test: {defined - tested}"


def test_dashboards_are_generated_from_the_committed_script() -> None:
    """The committed dashboard JSON is what deploy/grafana/generate.py produces."""
    out = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), str(REPO / "deploy" / "grafana" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


@pytest.fixture(scope="module")
def prometheus(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Prometheus scraping every running service once a second."""
    data = tmp_path_factory.mktemp("prometheus")
    targets = data / "targets.json"
    targets.write_text(
        json.dumps(
            [
                {"targets": [f"127.0.0.1:{port}"], "labels": {"service": name}}
                for name, port in pipeline.metrics_ports.items()
            ]
        )
    )
    port = free_port()
    env = {
        **os.environ,
        "PROM_PORT": str(port),
        "PROM_DATA_DIR": str(data),
        "PROM_TARGETS": str(targets),
        "PROM_INTERVAL": "1s",
    }
    script = str(REPO / "deploy" / "local" / "prometheus.sh")
    subprocess.run([script, "start"], env=env, check=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([script, "stop"], env=env, check=False)


async def _load(pipeline: Pipeline) -> None:
    """A short, realistic load: reports for every network and none, urgent and not, and garbage."""
    bootstrap = pipeline.settings.kafka
    dispatch = await TopicReader(bootstrap, topics.dispatch(pipeline.settings.zone_id)).start()
    texts = [
        ("zavel", "Inbraak bezig in de winkel op de Grote Zavel, de dader is er nog!"),
        ("zavel", "Gisteren werd er een fiets gestolen aan de Zavelstraat."),
        ("kastelein", "Cambriolage en cours rue du Bailli, venez vite"),
        ("kastelein", "Tentative d'escroquerie au faux agent la semaine passée."),
        ("meudon", "Er staat een verdachte wagen met draaiende motor in de Meudonstraat, nu."),
        ("meudon", "Tip: sluit je tuinhuis goed af."),
        (None, "Suspicious person looking into cars right now"),
    ]
    ids = []
    events = []
    for network, text in texts:
        report_id = new_id()
        ids.append(report_id)
        events.append(
            encode(
                ReportReceived(
                    report_id=report_id,
                    network_id=network,
                    zone_id=pipeline.settings.zone_id,
                    trace_id=new_id(),
                    stamps=Stamps(received=utcnow()),
                    report=Report(
                        text=text,
                        reporter=Reporter(ref=f"load-{uuid.uuid4().hex[:6]}"),
                        location=Location(text="test"),
                    ),
                )
            )
        )
    try:
        await produce(bootstrap, topics.REPORTS_RECEIVED, [*events, b"not json"])
        await dispatch.wait_for(lambda m: m.get("report_id") in ids, count=len(ids), timeout=60)
    finally:
        await dispatch.stop()
    # Requests through the HTTP front door too: an accepted report (the ingest panels count what
    # ingest accepted; without it they had series only when another test had posted one earlier in
    # the session, so this test failed when run alone) and a refused one (counted by status).
    redis = admin_redis(pipeline.settings.redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(), role="adapter", zone=pipeline.settings.zone_id,
                                  adapter="webhook", label="prometheus test")
    finally:
        await redis.aclose()
    async with httpx.AsyncClient(base_url=pipeline.ingest_url, timeout=60) as client:
        accepted = await client.post("/v1/reports", headers={"Authorization": f"Bearer {key}"}, json={
            "text": "Verdachte wagen in de Zavelstraat", "network": "zavel", "reporter": {"ref": "load-http"}})
        assert accepted.status_code == 202, accepted.text
        await client.post("/v1/reports", content=b"{broken")


def _query(prom: str, expr: str) -> dict[str, Any]:
    resp = httpx.get(f"{prom}/api/v1/query", params={"query": expr}, timeout=10)
    body: dict[str, Any] = resp.json()
    return body


async def test_every_dashboard_panel_returns_series_from_a_real_prometheus(
    pipeline: Pipeline, prometheus: str
) -> None:
    """Given the pipeline under a short load and a real Prometheus scraping it,
    when every panel query of every dashboard is evaluated,
    then none errors and each returns at least one series."""
    await _load(pipeline)
    # Evaluate every panel until each returns series (rate() needs two scrapes after the load):
    # the deadline bounds a hang, no fixed wait guesses when Prometheus has scraped enough.
    deadline = time.monotonic() + 180
    while True:
        failures, checked = _panel_failures(prometheus)
        if not failures or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    assert checked > 50
    assert not failures, "\n".join(failures)


def _panel_failures(prometheus: str) -> tuple[list[str], int]:
    """Each dashboard panel query that errors or returns no series; and how many were evaluated."""
    failures = []
    checked = 0
    for path in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel.get("targets", []):
                checked += 1
                result = _query(prometheus, target["expr"])
                if result.get("status") != "success":
                    failures.append(f"{path.name} / {panel['title']}: error {result.get('error')}")
                elif not result["data"]["result"]:
                    failures.append(f"{path.name} / {panel['title']}: no series for {target['expr']}")
    return failures, checked


def _yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text())


def _rule_tests() -> list[dict[str, Any]]:
    return [t for test in _yaml(RULES_TEST)["tests"] for t in test.get("alert_rule_test", [])]
