"""deploy/compose.yaml runs every process `make up` runs, and is a valid Compose file.

The processes come from THE list the supervisor of `make up` is configured from
(:mod:`binrelay_devservers.stack`); validity is checked against the Compose specification's JSON
schema, vendored in tests/data/compose-spec/ (Apache-2.0; see its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from binrelay_devservers.stack import processes

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "deploy" / "compose.yaml"
SCHEMA = REPO / "tests" / "data" / "compose-spec" / "compose-spec.json"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())  # anchors and merge keys resolved, as Compose does
    assert isinstance(data, dict)
    return data


def test_the_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_every_process_of_the_local_stack_has_a_compose_service(compose: dict[str, Any]) -> None:
    """Given the stack's process list (what `make up` supervises, every option on),
    then each has a service of the same name in deploy/compose.yaml that restarts and has a
    healthcheck; a stage's or sender's lane is the same; the loopback servers are behind `demo`."""
    services = compose["services"]
    procs = processes(everything=True)
    assert {"sender-sms-urgent", "observer", "adapter-sms", "devserver-sms", "prometheus"} <= {p.name for p in procs}
    missing = [p.name for p in procs if p.name not in services]
    assert not missing, f"no compose service for: {missing}"
    for proc in procs:
        service = services[proc.name]
        assert service.get("restart") in ("unless-stopped", "always", "on-failure"), proc.name
        assert service.get("healthcheck", {}).get("test"), f"{proc.name} has no healthcheck"
        if proc.lanes is not None:
            assert service["environment"]["BINRELAY_LANES"] == proc.lanes, proc.name
        if proc.role == "demo":
            assert service.get("profiles") == ["demo"], proc.name
        elif proc.name not in ("sender-chat", "sender-chat-urgent", "adapter-matrix"):
            assert not service.get("profiles"), f"{proc.name} would not run by default"


def test_prometheus_scrapes_every_process_of_the_local_stack_that_has_metrics() -> None:
    targets = json.loads((REPO / "deploy" / "prometheus" / "targets.local.json").read_text())
    scraped = {t["labels"]["service"]: t["targets"] for t in targets}
    for proc in processes(env={}, everything=True):
        if proc.metrics_port is not None:
            assert scraped.get(proc.name) == [f"127.0.0.1:{proc.metrics_port}"], proc.name
