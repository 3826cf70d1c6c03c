"""Fuzzing the real ingest process from its committed OpenAPI document (schemathesis): no 5xx, every
response as documented, and nothing half-published — each 202 is exactly one event on Kafka, and
nothing refused ever reaches Kafka."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from binrelay_ingest.keys import create_key
from binrelay_shared import topics
from binrelay_shared.settings import Settings
from tests.conftest import REPO, free_port
from tests.kafka_helpers import TopicReader
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration

schema = schemathesis.openapi.from_path(REPO / "docs" / "openapi.json")


@dataclass
class Fuzzed:
    url: str
    key: str
    adapter: str
    log: Path
    start_offset: dict[str, int] = field(default_factory=dict)
    accepted: set[str] = field(default_factory=set)
    statuses: dict[int, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def fuzzed(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """A real ingest process with generous limits and an operator key (allowed on every route)."""
    adapter = f"fuzz-{uuid.uuid4().hex[:8]}"

    async def make_key() -> str:
        redis = admin_redis(settings.redis_url)
        try:
            key, _ = await create_key(redis, mac_key=mac_key(),
                role="operator", zone="*", adapter=adapter, label="fuzz")
            return key
        finally:
            await redis.aclose()

    key = asyncio.run(make_key())
    port = free_port()
    log = tmp_path_factory.mktemp("fuzz") / "ingest.log"
    env = {
        **os.environ,
        "BINRELAY_KAFKA": settings.kafka,
        "BINRELAY_REDIS_URL": settings.redis_url,
        "BINRELAY_ZONE_ID": settings.zone_id,
        "BINRELAY_HTTP_PORT": str(port),
        "BINRELAY_NETWORKS_DIR": str(settings.networks_dir),
        "BINRELAY_LOG_JSON": "true",
        "BINRELAY_LOG_LEVEL": "DEBUG",
        "BINRELAY_INGEST_REPORTER_LIMIT": "0",
        "BINRELAY_INGEST_KEY_LIMIT": "0",
    }
    env.pop("BINRELAY_METRICS_PORT", None)
    with log.open("ab") as out:
        proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "binrelay-ingest")], env=env, stdout=out, stderr=out)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("ingest did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        yield Fuzzed(url=url, key=key, adapter=adapter, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_holds_its_openapi_contract_under_fuzzing(case: schemathesis.Case, fuzzed: Fuzzed) -> None:
    """Given the real ingest process and its committed OpenAPI document,
    when schemathesis sends generated requests to every operation (with a valid credential),
    then no answer is a 5xx and every answer conforms to the document."""
    response = case.call(base_url=fuzzed.url, headers={"Authorization": f"Bearer {fuzzed.key}"})
    fuzzed.statuses[response.status_code] = fuzzed.statuses.get(response.status_code, 0) + 1
    assert response.status_code < 500, response.text
    if response.status_code == 202:
        fuzzed.accepted.add(response.json()["report_id"])
    # Positive-data acceptance is left out: beyond the schema, the API checks meaning (a message's
    # network must exist; a closing must refer to an alarm of that network) and answers 422.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


def _known_requests(network: str) -> list[tuple[dict[str, Any], bool]]:
    """Requests whose answer is known: (body, accepted?). They make sure the check below always
    has 202s and refusals to look for, whatever the generator produced."""
    return [
        ({"text": f"Verdachte wagen in de straat {n}", "reporter": {"ref": f"fuzz-member-{n}"}, "network": network},
         True)
        for n in range(3)
    ] + [
        ({"text": "", "reporter": {"ref": "fuzz-member-x"}, "network": network}, False),
        ({"reporter": {"ref": "fuzz-member-y"}, "network": network}, False),
        ({"kind": "no-such-kind", "text": "Einde", "network": network}, False),
    ]


def test_fuzzing_left_nothing_half_published(fuzzed: Fuzzed, settings: Settings) -> None:
    """Given generated POST /v1/reports requests (its own run, so the test holds alone or in any
    order) and known valid and invalid ones, on top of whatever the contract fuzzing above sent,
    when bin.reports.received.v1 (and its urgent twin) is read to its end,
    then the events this credential produced are exactly the 202 answers (none lost, none
    extra), and the service logged no request content."""
    headers = {"Authorization": f"Bearer {fuzzed.key}"}
    operation = schema["/v1/reports"]["POST"]

    @given(case=operation.as_strategy())
    @hypothesis.settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def send(case: schemathesis.Case) -> None:
        response = case.call(base_url=fuzzed.url, headers=headers)
        assert response.status_code < 500, response.text
        if response.status_code == 202:
            fuzzed.accepted.add(response.json()["report_id"])

    send()
    refused = 0
    for body, accepted in _known_requests(sorted(p.stem for p in settings.networks_dir.glob("*.yaml"))[0]):
        response = httpx.post(f"{fuzzed.url}/v1/reports", json=body, headers=headers, timeout=30)
        assert (response.status_code == 202) is accepted, (body, response.status_code, response.text)
        if accepted:
            fuzzed.accepted.add(response.json()["report_id"])
        else:
            refused += 1
    assert len(fuzzed.accepted) >= 3 and refused == 3

    async def events() -> list[dict[str, Any]]:
        reader = await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start(from_beginning=True)
        try:
            seen = await reader.read_to_end()
            return [m for m in seen if (m.get("report") or {}).get("adapter") == fuzzed.adapter]
        finally:
            await reader.stop()

    mine = asyncio.run(events())
    assert sorted(str(m["report_id"]) for m in mine) == sorted(fuzzed.accepted)
    log = fuzzed.log.read_text(errors="replace")
    assert "Traceback" not in log
    for m in mine:
        text = str(m["report"].get("text", ""))
        if len(text) >= 8:
            assert text not in log


# -- oversized request headers (issue 14: a single 8 MB header was answered 200) ------------------


def _raw_request(url: str, head: bytes) -> tuple[int, bytes]:
    """Send ``head`` over a plain socket and read the answer to its end: (status, body)."""
    import socket
    from urllib.parse import urlparse

    u = urlparse(url)
    with socket.create_connection((u.hostname, u.port), timeout=30) as sock:
        try:
            sock.sendall(head)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and stopped reading: the answer is there
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    status_line, _, rest = raw.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_oversized_request_headers_are_answered_431_naming_the_header(fuzzed: Fuzzed) -> None:
    """Given the real ingest process (uvicorn with httptools, as `make up` runs it),
    when a request carries one 8 MB header, or many headers over 16 KiB together,
    then it is answered 431 with the API's error body naming the header (never its value);
    and a request with ordinary headers (a 4 KiB one included) is still served."""
    big = b"POST /v1/reports HTTP/1.1\r\nHost: ingest\r\nX-Big: " + b"a" * (8 * 1024 * 1024) + b"\r\n\r\n"
    status, body = _raw_request(fuzzed.url, big)
    assert status == 431
    answer = json.loads(body)
    assert answer["fields"] == [{"field": "X-Big", "reason": "too large"}]
    assert "aaaa" not in body.decode()

    many = b"GET /healthz HTTP/1.1\r\nHost: ingest\r\n" + b"".join(
        b"X-Pad-%d: %s\r\n" % (i, b"b" * 1000) for i in range(20)
    ) + b"\r\n"  # fmt: skip
    status, body = _raw_request(fuzzed.url, many)
    assert status == 431
    assert json.loads(body)["fields"][0]["reason"] == "too large"

    ok = httpx.get(f"{fuzzed.url}/healthz", headers={"X-Note": "c" * 4096}, timeout=10)
    assert ok.status_code == 200
