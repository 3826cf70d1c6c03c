"""The ingest API on the real Kafka and Redis: resolution, idempotency, auth, scope, limits, advice."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import orjson
import pytest

from binrelay_ingest.core import IngestLimits
from binrelay_ingest.keys import create_key, parse_key, revoke_key
from binrelay_shared import topics
from binrelay_shared.events import ReportReceived
from binrelay_shared.settings import Settings
from tests.ingest.conftest import Keys, report, running_app
from tests.kafka_helpers import TopicReader
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration

H = Keys.header


async def _received(settings: Settings) -> TopicReader:
    return await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start()


# -- network resolution ---------------------------------------------------------------------------

STREETS = [
    ("zavel", "Bodenbroekstraat 12"),
    ("zavel", "Rue de la Régence 3"),
    ("kastelein", "Kasteleinsplein"),
    ("kastelein", "r. du Bailli 20"),
    ("meudon", "Vilvoordsestwg 100"),
    ("meudon", "Chée de Vilvorde 100"),
]


async def test_each_network_is_resolved_from_dutch_and_from_french_street_names(
    api: httpx.AsyncClient, keys: Keys, settings: Settings
) -> None:
    """Given an adapter key for every network of the zone,
    when reports name a street of each network, once in Dutch and once in French,
    then each answer and each ReportReceived on Kafka carries that network, keyed by it."""
    reader = await _received(settings)
    try:
        ids: dict[str, str] = {}
        for network, street in STREETS:
            resp = await api.post(
                "/v1/reports", json=report(location={"street": street}), headers=H(keys.adapter)
            )
            assert resp.status_code == 202, resp.text
            assert resp.json()["network_id"] == network, street
            ids[resp.json()["report_id"]] = network
        events = await reader.wait_for(lambda m: m.get("report_id") in ids, count=len(ids))
    finally:
        await reader.stop()
    for event in events:
        parsed = ReportReceived.model_validate(event)
        assert parsed.network_id == ids[parsed.report_id]
        assert parsed.zone_id == "5339"
        assert parsed.report.adapter.startswith("sms-")  # from the credential, not the body


async def test_a_report_outside_every_network_still_goes_to_the_zone(
    api: httpx.AsyncClient, keys: Keys, settings: Settings
) -> None:
    """Given a street no network lists,
    when an adapter posts a report there,
    then it is accepted with network_id null and published for the zone — never dropped."""
    reader = await _received(settings)
    try:
        resp = await api.post(
            "/v1/reports", json=report(location={"street": "Rue Neuve 1"}), headers=H(keys.adapter)
        )
        assert resp.status_code == 202
        body = resp.json()
        assert body["network_id"] is None and body["zone_id"] == "5339"
        [event] = await reader.wait_for(lambda m: m.get("report_id") == body["report_id"])
    finally:
        await reader.stop()
    assert event["network_id"] is None and event["zone_id"] == "5339"


async def test_an_adapter_scoped_to_one_network_sends_other_streets_to_the_zone(
    api: httpx.AsyncClient, keys: Keys
) -> None:
    """Given an adapter key scoped to Zavel,
    when a member's report names a Meudon street (no network hint),
    then the report is accepted for the zone without a network (not refused, not sent to Meudon)."""
    resp = await api.post(
        "/v1/reports", json=report(location={"street": "Meudonstraat 4"}), headers=H(keys.adapter_zavel)
    )
    assert resp.status_code == 202
    assert resp.json()["network_id"] is None


# -- idempotency ----------------------------------------------------------------------------------


async def test_a_retried_post_with_the_same_key_gives_one_report(
    api: httpx.AsyncClient, keys: Keys, settings: Settings
) -> None:
    """Given a report posted with an Idempotency-Key, and another with an adapter message id,
    when each is posted three times,
    then every retry returns the first answer, and Kafka holds exactly one event of each."""
    marker = uuid.uuid4().hex
    reader = await _received(settings)
    try:
        by_header = report(f"Fietsdiefstal {marker} a", location={"street": "Zavelstraat"})
        by_message_id = report(f"Fietsdiefstal {marker} b", adapter_message_id=f"sms-{marker}")
        answers: list[dict[str, Any]] = []
        for _ in range(3):
            r1 = await api.post(
                "/v1/reports", json=by_header, headers={**H(keys.adapter), "Idempotency-Key": f"k-{marker}"}
            )
            r2 = await api.post("/v1/reports", json=by_message_id, headers=H(keys.adapter))
            assert r1.status_code == r2.status_code == 202
            answers += [r1.json(), r2.json()]
        assert len({a["report_id"] for a in answers[0::2]}) == 1
        assert len({a["report_id"] for a in answers[1::2]}) == 1
        ids = {answers[0]["report_id"], answers[1]["report_id"]}
        await reader.wait_for(lambda m: m.get("report_id") in ids, count=2)
        await reader.read_to_end()  # a 202 means Kafka has it: any duplicate is before the end
    finally:
        await reader.stop()
    mine = [m for m in reader.seen if marker in m.get("report", {}).get("text", "")]
    assert sorted(m["report_id"] for m in mine) == sorted(ids)


async def test_an_idempotency_key_reused_for_another_body_is_refused(api: httpx.AsyncClient, keys: Keys) -> None:
    """Given a report accepted with Idempotency-Key K,
    when a different report is posted with the same K,
    then the answer is 422 naming Idempotency-Key, and nothing new is created."""
    headers = {**H(keys.adapter), "Idempotency-Key": uuid.uuid4().hex}
    assert (await api.post("/v1/reports", json=report("Eerste melding"), headers=headers)).status_code == 202
    resp = await api.post("/v1/reports", json=report("Andere melding"), headers=headers)
    assert resp.status_code == 422
    assert resp.json()["fields"][0]["field"] == "Idempotency-Key"


# -- authentication and scope ----------------------------------------------------------------------


async def test_unknown_missing_malformed_and_revoked_credentials_get_401(
    api: httpx.AsyncClient, redis_url: str
) -> None:
    """Given no credential, a malformed one, an unknown one and a revoked one,
    when each posts a valid report,
    then each gets 401 with WWW-Authenticate, and the body names the Authorization field."""
    redis = admin_redis(redis_url)
    try:
        revoked, record = await create_key(redis, mac_key=mac_key(), role="adapter", zone="5339")
        assert await revoke_key(redis, record.id)
    finally:
        await redis.aclose()
    cases = [
        {},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": "binr_0123456789ab_" + "x" * 43},
        H(revoked),
    ]
    for headers in cases:
        resp = await api.post("/v1/reports", json=report(), headers=headers)
        assert resp.status_code == 401, headers
        assert resp.headers["www-authenticate"].startswith("Bearer")
        assert resp.json()["fields"][0]["field"] == "Authorization"
        get = await api.get(f"/v1/reports/{uuid.uuid4().hex}", headers=headers)
        assert get.status_code == 401


async def test_a_valid_key_with_a_wrong_secret_gets_401(api: httpx.AsyncClient, keys: Keys) -> None:
    """Given a real key id with another secret,
    when it is presented,
    then 401: Redis holds only the hash of the whole key, and the hash does not match."""
    key_id = parse_key(keys.adapter)
    forged = f"binr_{key_id}_" + "A" * 43
    resp = await api.post("/v1/reports", json=report(), headers=H(forged))
    assert resp.status_code == 401


@pytest.mark.parametrize(
    ("who", "path", "body", "field"),
    [
        ("coordinator_zavel", "/v1/messages", {"kind": "prevention", "text": "Sluit uw deuren", "network": "meudon"},
         "network"),
        ("adapter", "/v1/messages", {"kind": "alarm", "text": "Gezocht: grijze bestelwagen", "network": "zavel"},
         "Authorization"),
        ("police", "/v1/reports", None, "Authorization"),
        ("adapter_zavel", "/v1/reports", {"network": "meudon"}, "network"),
        ("police_other_zone", "/v1/messages", {"kind": "alarm", "text": "Gezocht", "network": "zavel"}, "network"),
    ],
    ids=["coordinator-of-zavel-for-meudon", "adapter-posting-police-alarm", "police-posting-member-report",
         "zavel-adapter-naming-meudon", "police-of-another-zone"],
)  # fmt: skip
async def test_out_of_scope_requests_get_403_and_nothing_is_published(
    api: httpx.AsyncClient, keys: Keys, settings: Settings, who: str, path: str, body: dict[str, Any] | None, field: str
) -> None:
    """Given a credential scoped to a role, zone and networks,
    when it posts outside that scope,
    then the answer is 403 naming the field, and nothing reaches Kafka."""
    marker = uuid.uuid4().hex
    payload = report(f"Melding {marker}", **(body or {})) if path == "/v1/reports" else {**(body or {})}
    if path == "/v1/messages":
        payload["text"] = f"{payload['text']} {marker}"
    reader = await _received(settings)
    try:
        resp = await api.post(path, json=payload, headers=H(getattr(keys, who)))
        assert resp.status_code == 403, resp.text
        assert resp.json()["fields"][0]["field"] == field
        await reader.read_to_end()  # answered: anything published is before the end
    finally:
        await reader.stop()
    assert not [m for m in reader.seen if marker in orjson.dumps(m).decode()]


# -- bad input ------------------------------------------------------------------------------------


async def test_invalid_requests_get_422_naming_the_field_without_echoing_values(
    api: httpx.AsyncClient, keys: Keys
) -> None:
    """Given reports with a missing text, an unknown field, a bad channel, a bad language and a
    closing without the alarm it closes — each carrying a (fictitious) phone number,
    when they are posted,
    then each gets 422 naming the field and the reason, and the phone number is never echoed."""
    phone = "+32 470 00 00 00"
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/v1/reports", {"reporter": {"ref": phone}}, "text"),
        ("/v1/reports", {"text": phone, "reporter": {"ref": "m"}, "phone": phone}, "phone"),
        ("/v1/reports", {"text": "x", "reporter": {"ref": "m"}, "channel": phone}, "channel"),
        ("/v1/reports", {"text": "x", "reporter": {"ref": "m", "language": phone}}, "reporter.language"),
        ("/v1/reports", {"text": "x", "reporter": {"ref": phone}, "network": "No Where"}, "network"),
        ("/v1/messages", {"kind": "alarm", "text": phone, "network": "nowhere"}, "network"),
        ("/v1/reports", {"text": "x", "reporter": {"ref": phone},
                         "attachments": [{"ref": "a", "content_type": "image/jpeg", "size": 2**64}]}, "attachments"),
        ("/v1/messages", {"kind": "closing", "text": phone, "network": "zavel"}, "refers_to"),
        ("/v1/messages", {"kind": "alarm", "text": phone, "network": "zavel", "refers_to": "x" * 65}, "refers_to"),
    ]
    for path, body, field in cases:
        resp = await api.post(path, json=body, headers=H(keys.police if "messages" in path else keys.adapter))
        assert resp.status_code == 422, (body, resp.text)
        assert field in [f["field"] for f in resp.json()["fields"]], resp.text
        assert all(f["reason"] for f in resp.json()["fields"])
        assert phone not in resp.text
    for raw in (b"", b"{", b"[]", b'"text"', b"\xff\xfe"):
        resp = await api.post(
            "/v1/reports", content=raw, headers={**H(keys.adapter), "content-type": "application/json"}
        )
        assert resp.status_code == 422, raw
        assert resp.json()["fields"][0]["field"] == "(body)"


async def test_a_body_over_the_limit_gets_413_before_anything_else(
    api: httpx.AsyncClient, keys: Keys, settings: Settings
) -> None:
    """Given the body limit (64 KiB by default),
    when a larger body is posted — declared in Content-Length or streamed in chunks,
    then the answer is 413 naming the body, and nothing is published."""
    big = report("x" * (settings.max_body_bytes + 10))
    resp = await api.post("/v1/reports", json=big, headers=H(keys.adapter))
    assert resp.status_code == 413
    assert resp.json()["fields"][0]["field"] == "(body)"

    async def chunks() -> Any:
        for _ in range(settings.max_body_bytes // 1024 + 2):
            yield b" " * 1024

    resp = await api.post("/v1/reports", content=chunks(), headers=H(keys.adapter))
    assert resp.status_code == 413


async def test_rate_limits_per_reporter_and_per_adapter_answer_429_with_retry_after(
    settings: Settings, redis_url: str
) -> None:
    """Given limits of 2 reports per reporter per minute and 5 requests per key per window,
    when one reporter posts a third report, and then the adapter exceeds its own limit,
    then each excess gets 429 with Retry-After (following a report counts too), and another
    reporter is not affected by the first."""
    redis = admin_redis(redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(), role="adapter", zone="5339", adapter="rate-test")
    finally:
        await redis.aclose()
    limits = IngestLimits(reporter_limit=2, reporter_window_seconds=60, key_limit=5, key_window_seconds=60)
    async with running_app(settings, limits=limits) as api:
        same = {"ref": f"member-{uuid.uuid4().hex}"}
        statuses = [
            (await api.post("/v1/reports", json={"text": "Melding", "reporter": same}, headers=H(key))).status_code
            for _ in range(3)
        ]
        assert statuses == [202, 202, 429]
        third = await api.post("/v1/reports", json={"text": "Melding", "reporter": same}, headers=H(key))
        assert third.status_code == 429
        assert 1 <= int(third.headers["retry-after"]) <= 60
        assert "reporter" in third.json()["error"]
        other = [(await api.post("/v1/reports", json=report(), headers=H(key))).status_code for _ in range(4)]
        assert other[:3] == [202, 202, 202] and other[3] == 429
        last = await api.post("/v1/reports", json=report(), headers=H(key))
        assert last.status_code == 429 and "credential" in last.json()["error"]
        assert int(last.headers["retry-after"]) >= 1
        follow = await api.get(f"/v1/reports/{uuid.uuid4().hex}", headers=H(key))
        assert follow.status_code == 429 and int(follow.headers["retry-after"]) >= 1


# -- the reporter's advice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Er is nu iemand aan het inbreken bij de buren!", None, "nl"),
        ("Un homme est en train de forcer une porte", None, "fr"),
        ("Someone is breaking into a car right now", None, "en"),
        ("Jemand bricht gerade in das Haus ein", None, "de"),
        ("Brand in de kelder", "fr", "fr"),
    ],
)
async def test_a_possibly_urgent_report_gets_the_101_112_advice_in_the_reporters_language(
    api: httpx.AsyncClient, keys: Keys, settings: Settings, text: str, language: str | None, expected: str
) -> None:
    """Given a report the pre-check finds possibly urgent,
    when it is posted (with or without the reporter's language),
    then the answer carries the advice (101, 112) in that language, and the event is marked."""
    reader = await _received(settings)
    try:
        body = report(text)
        if language:
            body["reporter"]["language"] = language
        resp = await api.post("/v1/reports", json=body, headers=H(keys.adapter))
        assert resp.status_code == 202
        answer = resp.json()
        [event] = await reader.wait_for(lambda m: m.get("report_id") == answer["report_id"])
    finally:
        await reader.stop()
    assert answer["possibly_urgent"] is True
    assert answer["advice_language"] == expected
    assert "101" in answer["advice"] and "112" in answer["advice"]
    assert event["possibly_urgent"] is True


async def test_a_calm_report_gets_no_advice(api: httpx.AsyncClient, keys: Keys) -> None:
    """Given a plainly non-urgent report,
    when it is posted,
    then the answer has no advice and possibly_urgent is false."""
    resp = await api.post(
        "/v1/reports", json=report("Vorige week werd een fiets gestolen aan de Zavelstraat"), headers=H(keys.adapter)
    )
    assert resp.status_code == 202
    assert resp.json()["possibly_urgent"] is False and resp.json()["advice"] is None


# -- messages ---------------------------------------------------------------------------------------


async def test_police_alarm_then_closing_message(api: httpx.AsyncClient, keys: Keys, settings: Settings) -> None:
    """Given a police key of zone 5339 and a coordinator key of Zavel,
    when the police post an alarm for Zavel, then a closing that refers to it,
    and the coordinator posts a prevention message,
    then all are accepted with their origin and kind on Kafka, and a closing that refers to
    something else than an alarm of that network is refused with 422 naming refers_to."""
    reader = await _received(settings)
    try:
        alarm = await api.post(
            "/v1/messages",
            json={"kind": "alarm", "text": "Gezocht: grijze bestelwagen", "network": "zavel"},
            headers=H(keys.police),
        )
        assert alarm.status_code == 202, alarm.text
        alarm_id = alarm.json()["report_id"]
        bad = await api.post(
            "/v1/messages",
            json={"kind": "closing", "text": "Einde", "network": "meudon", "refers_to": alarm_id},
            headers=H(keys.police),
        )
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "refers_to"
        closing = await api.post(
            "/v1/messages",
            json={"kind": "closing", "text": "Wagen teruggevonden", "network": "zavel", "refers_to": alarm_id},
            headers=H(keys.police),
        )
        assert closing.status_code == 202, closing.text
        prevention = await api.post(
            "/v1/messages",
            json={"kind": "prevention", "text": "Sluit uw etalage af", "network": "zavel", "language": "nl"},
            headers=H(keys.coordinator_zavel),
        )
        assert prevention.status_code == 202
        ids = [alarm_id, closing.json()["report_id"], prevention.json()["report_id"]]
        events = await reader.wait_for(lambda m: m.get("report_id") in ids, count=3)
    finally:
        await reader.stop()
    by_id = {e["report_id"]: e for e in events}
    assert (by_id[ids[0]]["report"]["origin"], by_id[ids[0]]["report"]["kind"]) == ("police", "alarm")
    assert by_id[ids[0]]["possibly_urgent"] is True
    assert by_id[ids[1]]["report"]["refers_to"] == alarm_id
    assert (by_id[ids[2]]["report"]["origin"], by_id[ids[2]]["report"]["kind"]) == ("coordinator", "prevention")


# -- following a report ------------------------------------------------------------------------------


async def test_an_adapter_follows_its_report_through_the_trace(
    api: httpx.AsyncClient, keys: Keys, redis_client: Any
) -> None:
    """Given an accepted report,
    when the pipeline records its steps in the trace (classified, cleared, dispatched, then a
    delivery outcome written by a channel sender),
    then GET /v1/reports/{id} shows each status in turn to the adapter that posted it, and to the
    zone's police — and answers 404 to another adapter and for an unknown id."""
    resp = await api.post("/v1/reports", json=report(location={"street": "Lebeaustraat 2"}), headers=H(keys.adapter))
    report_id = resp.json()["report_id"]

    async def status(key: str) -> httpx.Response:
        return await api.get(f"/v1/reports/{report_id}", headers=H(key))

    import asyncio

    for _ in range(500):  # the trace is written just after the answer
        got = await status(keys.adapter)
        if got.json().get("steps"):
            break
        await asyncio.sleep(0.02)
    assert got.status_code == 200
    assert got.json()["status"] == "accepted" and got.json()["network_id"] == "zavel"
    # The session's pipeline may be running and would trace the real report as it goes: follow a
    # copy of its record and first trace entry under an id no service ever sees instead.
    copy_id = uuid.uuid4().hex
    accepted = {k: v for k, v in (await redis_client.hgetall(f"bin:trace:{report_id}")).items()
                if k.decode().startswith(topics.REPORTS_RECEIVED.removesuffix(".v1"))}
    assert accepted
    await redis_client.hset(f"bin:report:{copy_id}", mapping=await redis_client.hgetall(f"bin:report:{report_id}"))
    await redis_client.hset(f"bin:trace:{copy_id}", mapping=accepted)
    report_id = copy_id
    assert (await status(keys.adapter)).json()["status"] == "accepted"
    trace_key = f"bin:trace:{report_id}"
    steps = [
        (topics.REPORTS_CLASSIFIED, "classified"),
        (topics.REPORTS_CLEARED, "cleared"),
        (topics.dispatch("5339"), "dispatched"),
        ("delivery:sms:delivered", "delivered"),
    ]
    for i, (field, expected) in enumerate(steps):
        await redis_client.hset(trace_key, field, f"2030-01-01T00:00:0{i}+00:00")
        body = (await status(keys.adapter)).json()
        assert body["status"] == expected
    assert body["deliveries"] == {"delivered": 1}
    assert [s["step"] for s in body["steps"]][:2] == ["accepted", "classified"]
    assert (await status(keys.police)).status_code == 200
    assert (await status(keys.other_adapter)).status_code == 404
    assert (await api.get(f"/v1/reports/{uuid.uuid4().hex}", headers=H(keys.adapter))).status_code == 404


# -- failures: nothing half-published -------------------------------------------------------------------


class _BrokenKafka:
    async def start(self) -> None: ...
    async def stop(self) -> None: ...

    async def enqueue(self, topic: str, value: bytes, key: bytes | None) -> Any:
        raise ConnectionError("kafka is down")  # refused before sending: nothing was published

    def refused(self, exc: BaseException) -> bool:
        return True


async def test_when_kafka_fails_the_answer_is_503_and_a_retry_starts_afresh(
    api: httpx.AsyncClient, settings: Settings, keys: Keys
) -> None:
    """Given an ingest whose Kafka publish fails,
    when a report is posted with an Idempotency-Key,
    then the answer is 503 with Retry-After and no report id, and the same retry later on a
    healthy ingest is accepted (the failed attempt left no reservation behind)."""
    idem = {"Idempotency-Key": uuid.uuid4().hex}
    body = report("Verdachte wagen")
    async with running_app(settings, publisher=_BrokenKafka()) as broken:
        resp = await broken.post("/v1/reports", json=body, headers={**H(keys.adapter), **idem})
        assert resp.status_code == 503 and resp.headers["retry-after"]
        assert "report_id" not in resp.json() and resp.json()["published"] == "no"
    retry = await api.post("/v1/reports", json=body, headers={**H(keys.adapter), **idem})
    assert retry.status_code == 202 and "idempotent-replayed" not in retry.headers


async def test_when_redis_is_unreachable_the_answer_is_503_not_500(settings: Settings, keys: Keys) -> None:
    """Given an ingest whose Redis does not answer,
    when a report is posted,
    then the answer is 503 with Retry-After (never a stack trace), and readiness says why."""
    from tests.conftest import free_port

    dead = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    async with running_app(dead, limits=IngestLimits(redis_timeout_seconds=1.0)) as api:
        resp = await api.post("/v1/reports", json=report(), headers=H(keys.adapter))
        assert resp.status_code == 503 and resp.headers["retry-after"]
        ready = await api.get("/readyz")
        assert ready.status_code == 503
        assert "redis" in [f["field"] for f in ready.json()["fields"]]


async def test_health_and_readiness(api: httpx.AsyncClient) -> None:
    """Given a running ingest on real Kafka and Redis,
    when /healthz and /readyz are asked,
    then both answer 200 and readiness lists the loaded networks."""
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    ready = await api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["networks"] == ["kastelein", "meudon", "zavel"]


class _SlowKafka:
    """Holds every publish until released (to catch a retry while the first is in flight)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.entered = asyncio.Event()
        self.published: list[bytes] = []

    async def start(self) -> None: ...
    async def stop(self) -> None: ...

    async def enqueue(self, topic: str, value: bytes, key: bytes | None) -> Any:
        self.entered.set()  # the gate has reserved the idempotency key by now
        return asyncio.ensure_future(self._ack(value))

    async def _ack(self, value: bytes) -> None:
        await self.release.wait()
        self.published.append(value)

    def refused(self, exc: BaseException) -> bool:
        return False


async def test_a_retry_while_the_first_request_is_in_flight_gets_409_then_the_first_answer(
    settings: Settings, keys: Keys
) -> None:
    """Given a first POST whose publish has not been acknowledged yet,
    when the adapter retries with the same Idempotency-Key,
    then the retry gets 409 with Retry-After (no second report), and once the first is
    acknowledged a further retry gets the first answer."""
    slow = _SlowKafka()
    headers = {**H(keys.adapter), "Idempotency-Key": uuid.uuid4().hex}
    body = report("Verdachte wagen met draaiende motor")
    async with running_app(settings, publisher=slow) as api:
        first = asyncio.create_task(api.post("/v1/reports", json=body, headers=headers))
        await asyncio.wait_for(slow.entered.wait(), 10)
        retry = await api.post("/v1/reports", json=body, headers=headers)
        assert retry.status_code == 409 and retry.headers["retry-after"] == "1"
        slow.release.set()
        answer = await first
        assert answer.status_code == 202
        for _ in range(500):  # the answer is stored just after the 202
            again = await api.post("/v1/reports", json=body, headers=headers)
            if again.status_code == 202:
                break
            await asyncio.sleep(0.02)
        assert again.json() == answer.json() and again.headers["idempotent-replayed"] == "true"
    assert len(slow.published) == 1

