"""deploy/compose.yaml runs every process `make up` runs, Prometheus scrapes every service that has
metrics, the 3-node option (deploy/compose.cluster.yaml) covers every Kafka node and client, and
both are valid Compose files.

The processes come from THE list the supervisor of `make up` is configured from
(:mod:`binrelay_devservers.stack`); validity is checked against the Compose specification's JSON
schema, vendored in tests/data/compose-spec/ (Apache-2.0; see its README). Nothing here runs
Docker (our machines have no engine): the files are checked, not run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from binrelay_devservers.stack import (
    COMPOSE_METRICS_PORT,
    PROMETHEUS_COMPOSE,
    kafka_names,
    processes,
    prometheus_compose,
)

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "deploy" / "compose.yaml"
CLUSTER = REPO / "deploy" / "compose.cluster.yaml"
SCHEMA = REPO / "tests" / "data" / "compose-spec" / "compose-spec.json"
#: Processes of the local stack that compose leaves to the user, and why.
NOT_IN_COMPOSE = {"synapse": "the `chat` profile talks to your Matrix homeserver (BINRELAY_MATRIX_HOMESERVER)"}
CLUSTER_BOOTSTRAP = ",".join(f"{name}:9092" for name in kafka_names(3))


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())  # anchors and merge keys resolved, as Compose does
    assert isinstance(data, dict)
    return data


def _merge(base: Any, override: Any) -> Any:
    """Compose's merge of an override file, for what ours uses: mappings merged key by key (services,
    environment, depends_on), anything else replaced. (Compose merges some sequences — ports,
    volumes by target — differently; the cluster file adds none to an existing service.)"""
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: _merge(base.get(k), v) if k in base else v for k, v in override.items()}}
    return override


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return _load(COMPOSE)


@pytest.fixture(scope="module")
def cluster(compose: dict[str, Any]) -> dict[str, Any]:
    override = _load(CLUSTER)
    for name, service in override["services"].items():
        if name in compose["services"]:
            for key in ("ports", "volumes"):
                assert key not in service, f"{name}: the test's merge does not model Compose's merge of {key}"
    merged = _merge(compose, override)
    assert isinstance(merged, dict)
    return merged


def _errors(document: dict[str, Any]) -> str:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_the_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    assert not _errors(compose)


def test_the_cluster_file_and_the_merged_file_are_valid(cluster: dict[str, Any]) -> None:
    assert not _errors(_load(CLUSTER)), "deploy/compose.cluster.yaml alone"
    assert not _errors(cluster), "deploy/compose.yaml + deploy/compose.cluster.yaml"


def _check_services(services: dict[str, Any], env: dict[str, str]) -> None:
    procs = processes(env=env, everything=True)
    missing = [p.name for p in procs if p.name not in services and p.name not in NOT_IN_COMPOSE]
    assert not missing, f"no compose service for: {missing}"
    for proc in procs:
        if proc.name in NOT_IN_COMPOSE:
            continue
        service = services[proc.name]
        assert service.get("restart") in ("unless-stopped", "always", "on-failure"), proc.name
        assert service.get("healthcheck", {}).get("test"), f"{proc.name} has no healthcheck"
        if proc.lanes is not None:
            assert service["environment"]["BINRELAY_LANES"] == proc.lanes, proc.name
        if proc.role == "demo":
            assert service.get("profiles") == ["demo"], proc.name
        elif proc.name not in ("sender-chat", "sender-chat-urgent", "adapter-matrix"):
            assert not service.get("profiles"), f"{proc.name} would not run by default"


def test_every_process_of_the_local_stack_has_a_compose_service(compose: dict[str, Any]) -> None:
    """Given the stack's process list (what `make up` supervises, every option on),
    then each has a service of the same name in deploy/compose.yaml that restarts and has a
    healthcheck — the Kafka node and Redis included; a stage's or sender's lane is the same; the
    loopback servers are behind `demo`."""
    names = {p.name for p in processes(env={}, everything=True)}
    assert {"kafka", "redis", "sender-sms-urgent", "observer", "adapter-sms", "devserver-sms", "prometheus"} <= names
    _check_services(compose["services"], env={})


def test_the_cluster_variant_has_every_node_and_every_client_bootstraps_from_all(cluster: dict[str, Any]) -> None:
    """Given `make up KAFKA_NODES=3`'s process list (kafka, kafka-2, kafka-3),
    then the merged compose files have a service for each, restarting, with a healthcheck, each
    node its own node id and data volume; the secrets service makes three nodes; and every service
    that connects to Kafka bootstraps from the three."""
    services = cluster["services"]
    _check_services(services, env={"KAFKA_NODES": "3"})
    nodes = kafka_names(3)
    assert [services[n]["environment"]["KAFKA_NODE_ID"] for n in nodes] == ["1", "2", "3"]
    data = [v for n in nodes for v in services[n]["volumes"] if str(v).endswith(":/var/lib/kafka/data")]
    assert len(set(data)) == 3, data
    assert services["secrets"]["environment"]["KAFKA_NODES"] == "3"
    clients = {n: s["environment"]["BINRELAY_KAFKA"] for n, s in services.items() if "BINRELAY_KAFKA" in
               (s.get("environment") or {})}
    assert clients and all(v == CLUSTER_BOOTSTRAP for v in clients.values()), clients
    assert "--brokers 3" in " ".join(services["topics"]["entrypoint"]), "topics wait for the three brokers"


def test_prometheus_scrapes_every_process_of_the_local_stack_that_has_metrics() -> None:
    targets = json.loads((REPO / "deploy" / "prometheus" / "targets.local.json").read_text())
    scraped = {t["labels"]["service"]: t["targets"] for t in targets}
    for proc in processes(env={}, everything=True):
        if proc.metrics_port is not None:
            assert scraped.get(proc.name) == [f"127.0.0.1:{proc.metrics_port}"], proc.name


def test_compose_prometheus_scrapes_every_compose_service_that_serves_metrics(compose: dict[str, Any]) -> None:
    """Given deploy/compose.yaml,
    then every service with a metrics port serves it on every address of its container
    (BINRELAY_METRICS_HOST 0.0.0.0: the default, loopback, is out of Prometheus's reach), and
    compose's Prometheus configuration — generated from the stack's process list, current —
    scrapes each of them by service name, and nothing else."""
    mounted = compose["services"]["prometheus"]["volumes"]
    assert any(str(v).startswith("./prometheus/prometheus.compose.yml:") for v in mounted), mounted
    assert PROMETHEUS_COMPOSE.read_text() == prometheus_compose(processes(env={}, everything=True)), (
        "regenerate: .venv/bin/python -m binrelay_devservers.stack prometheus-compose")
    config = yaml.safe_load(PROMETHEUS_COMPOSE.read_text())
    scraped = {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    services = compose["services"]
    with_metrics = {n for n, s in services.items() if "BINRELAY_METRICS_PORT" in (s.get("environment") or {})}
    for name in with_metrics:
        env = compose["services"][name]["environment"]
        assert env["BINRELAY_METRICS_HOST"] == "0.0.0.0", name
        assert env["BINRELAY_METRICS_PORT"] == str(COMPOSE_METRICS_PORT), name
    assert scraped == {f"{n}:{COMPOSE_METRICS_PORT}" for n in with_metrics}
