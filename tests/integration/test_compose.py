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
import os
import shutil
import stat
import subprocess
import sys
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


#: The processes that hold members or write the ledger: the registry's and the ledger's database.
REGISTRY_USERS = {"ingest", "dispatcher", "dispatcher-urgent", "ledger", "adapter-smtp", "adapter-sms",
                  "adapter-matrix"}


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """target → what is mounted there (``volume:subpath`` or the short syntax's source)."""
    out = {}
    for v in service.get("volumes", []):
        if isinstance(v, dict):
            sub = (v.get("volume") or {}).get("subpath")
            out[v["target"]] = f"{v['source']}:{sub}" if sub else v["source"]
        else:
            source, target = str(v).split(":")[:2]
            out[target] = source
    return out


def _secret_file(service: dict[str, Any], path: str) -> str | None:
    """Which file of the `secrets` volume ``path`` is in ``service`` (``postgres/binrelay``), or None."""
    for target, source in sorted(_mounts(service).items(), key=lambda t: -len(t[0])):
        if source.startswith("secrets") and (path == target or path.startswith(target.rstrip("/") + "/")):
            sub = source.partition(":")[2]
            rest = path[len(target):].lstrip("/")
            return "/".join(p for p in (sub, rest) if p)
    return None


def _check_database(services: dict[str, Any]) -> None:
    from sqlalchemy.engine import make_url

    pg = services["postgres"]
    env = pg["environment"]
    assert str(pg["image"]).startswith("postgres:"), "the official image"
    assert "pg_isready" in pg["healthcheck"]["test"], pg["healthcheck"]
    assert _mounts(pg).get("/var/lib/postgresql/data") == "postgres-data", "its data on a volume"
    assert _secret_file(pg, env["POSTGRES_PASSWORD_FILE"]) == "postgres/server"
    assert "POSTGRES_PASSWORD" not in env, "no password in the file"
    urls = {n: s["environment"]["BINRELAY_DATABASE_URL"] for n, s in services.items()
            if "BINRELAY_DATABASE_URL" in (s.get("environment") or {})}
    assert set(urls) == REGISTRY_USERS | {"database"}, "exactly the registry's users (and the migration)"
    for name, url in urls.items():
        u = make_url(url)
        assert (u.drivername, u.host, u.port, u.username, u.database, u.password) == (
            "postgresql+asyncpg", "postgres", 5432, env["POSTGRES_USER"], env["POSTGRES_DB"], None), name
        password = services[name]["environment"]["BINRELAY_DATABASE_PASSWORD_FILE"]
        assert _secret_file(services[name], password) == "postgres/binrelay", name
    migrate = services["database"]
    assert migrate["command"] == ["members", "seed"] and "entrypoint" not in migrate, "binrelay members seed"
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert "restart" not in migrate, "one-shot"
    for name in REGISTRY_USERS:
        depends = services[name]["depends_on"]
        assert depends["database"] == {"condition": "service_completed_successfully"}, name
        assert {"topics", "redis", "secrets"} <= set(depends), name


def test_one_postgresql_holds_the_registry_and_the_ledger_of_every_service(compose: dict[str, Any]) -> None:
    """Given deploy/compose.yaml,
    then a `postgres` service (the official image, a healthcheck, a data volume, its password
    from the secrets volume) is the one database of every process that holds members or writes
    the ledger — the same BINRELAY_DATABASE_URL, no password in it, the password file
    postgres/binrelay mounted —, and each of them starts after the one-shot `database`
    service (`binrelay members seed`: the schema migrated, the members file imported once) has
    completed, which itself waits for PostgreSQL to be healthy. (Without it, every container
    had a SQLite file of its own: a member added over ingest's API never reached a dispatcher.)"""
    _check_database(compose["services"])


def test_the_cluster_variant_keeps_the_one_database(cluster: dict[str, Any]) -> None:
    _check_database(cluster["services"])


def test_every_kafka_client_service_mounts_its_kafka_password_and_the_ca(compose: dict[str, Any]) -> None:
    """Every service told where its Kafka password is (x-service) has the file mounted there, and
    the CA: a service without them stops at start (exit 2)."""
    for name, service in compose["services"].items():
        env = service.get("environment") or {}
        if "BINRELAY_KAFKA_PASSWORD_FILE" not in env:
            continue
        mounts = _mounts(service)
        assert mounts.get(env["BINRELAY_KAFKA_PASSWORD_FILE"], "").startswith("secrets:kafka/"), name
        assert mounts.get(env["BINRELAY_KAFKA_CA_FILE"]) == "secrets:tls/ca.pem", name


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("openssl"),
                    reason="deploy/compose-secrets.sh chowns its files: run as root, with openssl")
def test_compose_secrets_makes_the_database_password_for_the_services_and_the_server(tmp_path: Path) -> None:
    """Given deploy/compose-secrets.sh run on an empty folder (as the `secrets` service does),
    then postgres/binrelay (the services' user, 65534) and postgres/server (the postgres image's,
    999) hold the same generated password, 0600; a second run keeps it."""
    env = {**os.environ, "COMPOSE_SECRETS_DIR": str(tmp_path),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    script = REPO / "deploy" / "compose-secrets.sh"
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True, timeout=300)
    client, server = tmp_path / "postgres" / "binrelay", tmp_path / "postgres" / "server"
    password = client.read_text().strip()
    assert len(password) >= 24 and server.read_text().strip() == password
    assert (client.stat().st_uid, server.stat().st_uid) == (65534, 999)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (client, server)} == {0o600}
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True, timeout=300)
    assert client.read_text().strip() == server.read_text().strip() == password, "generated once"
