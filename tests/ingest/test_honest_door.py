"""Honest answers at the door (issue 16, point 2): with Kafka stopped, ingest does not claim
"nothing was published" for a report whose publish merely timed out — the producer keeps it and
delivers it once the broker is back. It answers 504 ``published: unknown`` with the report id, and
a retry with the same Idempotency-Key answers with that same report id (202 once Kafka has it),
never creating a second report.

The broker tests run on a private broker of their own (deploy/local/kafka.sh, as tests/conftest.py
starts the session's), so stopping it or revoking ingest's ACLs disturbs no other test. The
cross-process test runs on the session's broker with the running pipeline, to count dispatches.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from binrelay_ingest.core import IngestLimits, KafkaPublisher
from binrelay_shared import topics
from binrelay_shared.kafka_security import kafka_client_config
from binrelay_shared.settings import Settings
from tests.conftest import LOCAL, TEST_ZONE, _prepare
from tests.ingest.conftest import Keys, report, running_app
from tests.kafka_helpers import PrivateBroker, TopicReader
from tests.pipeline import Pipeline


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory, secrets_dir: Path) -> Iterator[PrivateBroker]:
    b = PrivateBroker(tmp_path_factory.mktemp("door-kafka"), secrets_dir)
    b.run("start")
    try:
        _prepare(b.bootstrap, secrets_dir)
        yield b
    finally:
        subprocess.run([str(LOCAL / "kafka.sh"), "stop"], env=b.env, check=False)


def H(key: str) -> dict[str, str]:
    return Keys.header(key)


async def _until_accepted(api: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    """Retry as a well-behaved client does (same body, same Idempotency-Key) until a 202."""
    deadline = time.monotonic() + 180  # generous: a broker restart on a busy 2-core machine
    while True:
        resp = await api.post("/v1/reports", json=body, headers=headers)
        if resp.status_code == 202 or time.monotonic() > deadline:
            return resp
        assert resp.status_code in (409, 503, 504), resp.text
        await asyncio.sleep(1)


async def test_a_timed_out_publish_is_unknown_and_its_retry_returns_the_same_report_once(
    broker: PrivateBroker, settings: Settings, keys: Keys
) -> None:
    """Given ingest on a broker that is then stopped,
    when reports are posted (with Idempotency-Keys) and retried while the broker is down,
    then each answer is 504 "published: unknown" with a report id — never 503 "nothing was
    published" — and every retry answers with the same report id;
    and once the broker is back, a retry gets 202 with that report id (Idempotent-Replayed), and
    the received topic carries each report id exactly once, and no other report (multiset)."""
    private = settings.model_copy(update={"kafka": broker.bootstrap})
    limits = IngestLimits(publish_timeout_seconds=1.0, reporter_limit=0)
    async with running_app(private, limits=limits) as api:
        warm = await api.post("/v1/reports", json=report("Fiets gestolen aan de kerk"), headers=H(keys.adapter))
        assert warm.status_code == 202, warm.text  # the producer is connected and knows the topic
        await broker.stop()
        bodies = [report(f"Fiets gestolen aan de kerk, nummer {i}") for i in range(4)]
        idems = [{**H(keys.adapter), "Idempotency-Key": f"door-{uuid.uuid4().hex}"} for _ in bodies]
        first = [await api.post("/v1/reports", json=b, headers=h) for b, h in zip(bodies, idems, strict=True)]
        for resp in first:
            assert resp.status_code == 504, resp.text
            assert resp.json()["published"] == "unknown" and resp.headers["retry-after"]
        ids = [r.json()["report_id"] for r in first]
        again = [await api.post("/v1/reports", json=b, headers=h) for b, h in zip(bodies, idems, strict=True)]
        assert [(r.status_code, r.json().get("report_id")) for r in again] == [(504, i) for i in ids]

        await broker.start()
        final = [await _until_accepted(api, b, h) for b, h in zip(bodies, idems, strict=True)]
        assert [(r.status_code, r.json()["report_id"]) for r in final] == [(202, i) for i in ids]
        assert all(r.headers.get("idempotent-replayed") == "true" for r in final)

    reader = await TopicReader(broker.bootstrap, topics.REPORTS_RECEIVED).start(from_beginning=True)
    try:
        wanted = {warm.json()["report_id"], *ids}
        await reader.wait_for(lambda m: m.get("report_id") in wanted, count=len(wanted), timeout=120)
        await reader.read_to_end()  # the app is closed: whatever it published twice is before the end
        on_topic = Counter(m.get("report_id") for m in reader.seen)
    finally:
        await reader.stop()
    assert on_topic == Counter(wanted), "each accepted report once on the topic, and no second report"


async def test_a_publish_the_broker_refuses_is_503_not_published_and_a_retry_starts_afresh(
    broker: PrivateBroker, settings: Settings, keys: Keys, secrets_dir: Path
) -> None:
    """Given ingest on a broker that then refuses ingest's writes (its ACLs removed),
    when a report is posted with an Idempotency-Key,
    then the answer is 503 "published: no" (the broker refused it: it is not stored), no report id;
    and once the ACLs are back, the same retry is accepted as a new report (202, not replayed),
    and the topic carries that report once and the refused one never."""
    from binrelay_shared import acl
    from binrelay_shared.zones import admin_config, apply_table

    private = settings.model_copy(update={"kafka": broker.bootstrap, "secrets_dir": secrets_dir})
    admin = acl.Admin(admin_config(private).librdkafka())
    reader = await TopicReader(broker.bootstrap, topics.REPORTS_RECEIVED).start()
    try:
        async with running_app(private, limits=IngestLimits(publish_timeout_seconds=30.0)) as api:
            warm = await api.post("/v1/reports", json=report("Fiets gestolen aan de markt"), headers=H(keys.adapter))
            assert warm.status_code == 202, warm.text
            await asyncio.to_thread(admin.remove_acls, "ingest")
            try:
                body = report("Fiets gestolen aan de markt, tweede")
                headers = {**H(keys.adapter), "Idempotency-Key": f"door-{uuid.uuid4().hex}"}
                refused = await api.post("/v1/reports", json=body, headers=headers)
                assert refused.status_code == 503, refused.text
                assert refused.json()["published"] == "no" and "report_id" not in refused.json()
            finally:
                await asyncio.to_thread(apply_table, private)
            retry = await _until_accepted(api, body, headers)
            assert retry.status_code == 202 and "idempotent-replayed" not in retry.headers, retry.text
        wanted = {warm.json()["report_id"], retry.json()["report_id"]}
        await reader.wait_for(lambda m: m.get("report_id") in wanted, count=len(wanted), timeout=120)
        await reader.read_to_end()  # the app is closed: whatever it published is before the end
        ours = Counter(
            m.get("report_id")
            for m in reader.seen
            if m.get("report", {}).get("text", "").startswith("Fiets gestolen aan de markt")
        )
    finally:
        await reader.stop()
    assert ours == Counter(wanted)


class _DeafKafka(KafkaPublisher):
    """Really sends each record, but never hears the acknowledgement: an ingest process whose
    publish times out although Kafka stored the report."""

    async def enqueue(self, topic: str, value: bytes, key: bytes | None) -> asyncio.Future[Any]:
        await super().enqueue(topic, value, key)  # the real acknowledgement is dropped
        return asyncio.get_running_loop().create_future()

    async def publish(self, topic: str, value: bytes, key: bytes | None) -> None:  # the interface before
        await (await self.enqueue(topic, value, key))


async def _retried_on_another_ingest(
    settings: Settings, body: dict[str, Any], headers: dict[str, str], report_id: str
) -> None:
    """A retry of ``body`` on a fresh ingest process answers 202 with ``report_id``, replayed."""
    async with running_app(settings) as b:
        retry = await b.post("/v1/messages", json=body, headers=headers)
    assert (retry.status_code, retry.json().get("report_id")) == (202, report_id), retry.text
    assert retry.headers.get("idempotent-replayed") == "true"


@pytest.mark.integration
async def test_a_retry_on_another_ingest_publishes_the_same_report_and_it_is_dispatched_once(
    pipeline: Pipeline, settings: Settings, keys: Keys
) -> None:
    """Given an ingest process that hands an alarm to Kafka but never hears the acknowledgement,
    when the alarm is posted there (504, unknown) and retried with the same Idempotency-Key on
    another ingest process (which holds nothing in flight),
    then the retry answers 202 with the first report id (Idempotent-Replayed), the received topic
    carries only that report id (twice: the first attempt and the retry), and the running
    dispatcher puts it on the zone's topic exactly once (multiset)."""
    body = {"kind": "alarm", "network": "zavel", "language": "nl", "text": f"Inbraak bezig, {uuid.uuid4().hex[:6]}"}
    headers = {**H(keys.police), "Idempotency-Key": f"door-{uuid.uuid4().hex}"}
    received = await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start()
    zone = await TopicReader(settings.kafka, topics.dispatch(TEST_ZONE)).start()
    deaf = _DeafKafka(kafka_client_config(settings, "ingest"))
    try:
        async with running_app(settings, publisher=deaf, limits=IngestLimits(publish_timeout_seconds=1.0)) as a:
            first = await a.post("/v1/messages", json=body, headers=headers)
            assert first.status_code == 504, first.text
            report_id = first.json()["report_id"]
            await _retried_on_another_ingest(settings, body, headers, report_id)
        mine = lambda m: m.get("report", {}).get("text") == body["text"]  # noqa: E731
        await received.wait_for(mine, count=2, timeout=120)
        await zone.wait_for(lambda m: m.get("report_id") == report_id, timeout=120)
        await received.read_to_end()  # both ingests are closed: all they published is before the end
        # A second dispatch would come from the second copy on the received topic. A sentinel alarm
        # of the same network follows that copy (same key, same partitions) through every stage in
        # order: once it is on the zone's topic, a second dispatch would be before the end.
        sentinel = {**body, "text": f"Inbraak bezig, sentinel {uuid.uuid4().hex[:6]}"}
        async with running_app(settings) as c:
            sent = await c.post("/v1/messages", json=sentinel, headers=H(keys.police))
        assert sent.status_code == 202, sent.text
        await zone.wait_for(lambda m: m.get("report_id") == sent.json()["report_id"], timeout=120)
        await zone.read_to_end()
        on_received = Counter(m.get("report_id") for m in received.seen if mine(m))
        dispatched = Counter(m.get("report_id") for m in zone.seen if m.get("report_id") == report_id)
    finally:
        await received.stop()
        await zone.stop()
    assert on_received == Counter({report_id: 2})
    assert dispatched == Counter({report_id: 1})


# -- the honest door's last gap: Redis failing as the "unknown" record is written --------------


class _RedisRefusesSet:
    """The session's real Redis refuses ingest's SET (its ACL user loses the command) from the
    moment the request's reservation is stored — after the gate check, while the publish waits —
    until Redis has refused ``denials`` SETs (its ACL LOG counts them), or until :meth:`restore`."""

    def __init__(self, redis_url: str, idem: str) -> None:
        from tests.redis_helpers import admin_redis

        self.redis = admin_redis(redis_url)
        self.idem = idem

    async def revoke_when_reserved(self, denials: int | None = None) -> None:
        deadline = time.monotonic() + 60
        while not await self.redis.exists(self.idem):
            assert time.monotonic() < deadline, "the request never reached the gate"
            await asyncio.sleep(0.005)
        await self.redis.acl_log_reset()
        await self.redis.execute_command("ACL", "SETUSER", "ingest", "-set")
        if denials is None:
            return
        while await self._denied() < denials:
            assert time.monotonic() < deadline, "ingest never tried to write the unknown record"
            await asyncio.sleep(0.005)
        await self.restore()

    async def _denied(self) -> int:
        return sum(int(e.get("count", 1)) for e in await self.redis.acl_log()
                   if e.get("username") == "ingest" and e.get("object") == "set")

    async def restore(self) -> None:
        await self.redis.execute_command("ACL", "SETUSER", "ingest", "+set")


def _idem_redis_key(api_key: str, idem: str) -> str:
    from binrelay_ingest.gate import idem_key
    from binrelay_ingest.keys import parse_key

    key_id = parse_key(api_key)
    assert key_id
    return idem_key(key_id, "h:" + idem)  # binrelay_ingest.core.idempotency: a header's key


async def _posted_while_redis_refuses(
    settings: Settings, keys: Keys, limits: IngestLimits, denials: int | None
) -> tuple[dict[str, Any], dict[str, str], httpx.Response]:
    """Post an alarm on an ingest that never hears Kafka's acknowledgement (504, unknown) while
    Redis refuses the write of the unknown record (``denials`` times, or for the whole request)."""
    body = {"kind": "alarm", "network": "zavel", "language": "nl", "text": f"Inbraak bezig, {uuid.uuid4().hex[:6]}"}
    idem = f"door-{uuid.uuid4().hex}"
    headers = {**H(keys.police), "Idempotency-Key": idem}
    refuser = _RedisRefusesSet(settings.redis_url, _idem_redis_key(keys.police, idem))
    deaf = _DeafKafka(kafka_client_config(settings, "ingest"))
    try:
        async with running_app(settings, publisher=deaf, limits=limits) as a:
            watcher = asyncio.create_task(refuser.revoke_when_reserved(denials))
            first = await a.post("/v1/messages", json=body, headers=headers)
            await watcher
    finally:
        await refuser.restore()
        await refuser.redis.aclose()
    return body, headers, first


async def test_a_redis_hiccup_as_the_unknown_record_is_written_still_keeps_the_idempotency_key(
    settings: Settings, keys: Keys
) -> None:
    """Given an ingest whose publish is not acknowledged in time (504, unknown), and Redis refusing
    ingest's writes for 0.6 s from the moment the request is reserved (the ACL user loses SET),
    when the reservation has expired and the alarm is retried with the same Idempotency-Key on
    another ingest process,
    then the first answer says the retry is safe, the retry answers 202 with the first report id
    (Idempotent-Replayed), and the received topic carries no other report id for that alarm (the
    record of the unknown outcome was written after the hiccup, not lost)."""
    limits = IngestLimits(publish_timeout_seconds=1.0, pending_seconds=2)
    received = await TopicReader(settings.kafka, topics.REPORTS_RECEIVED).start()
    try:
        body, headers, first = await _posted_while_redis_refuses(settings, keys, limits, denials=1)
        assert first.status_code == 504, first.text
        assert first.json()["retry_safe"] is True, first.text
        report_id = first.json()["report_id"]
        await asyncio.sleep(limits.pending_seconds + 1.5)  # the reservation alone would be gone now
        await _retried_on_another_ingest(settings, body, headers, report_id)
        mine = lambda m: m.get("report", {}).get("text") == body["text"]  # noqa: E731
        await received.wait_for(mine, count=2, timeout=120)
        await received.read_to_end()  # both ingests are closed: all they published is before the end
        ids = Counter(m.get("report_id") for m in received.seen if mine(m))
    finally:
        await received.stop()
    assert set(ids) == {report_id}, f"a second report was created: {ids}"


async def test_when_redis_cannot_keep_the_idempotency_key_the_504_says_a_retry_is_not_safe(
    settings: Settings, keys: Keys
) -> None:
    """Given an ingest whose publish is not acknowledged in time, and Redis refusing ingest's
    writes from the reservation on, for longer than ingest's tries,
    when the alarm is posted with an Idempotency-Key,
    then the answer is 504 "published: unknown" with the report id and ``retry_safe: false``,
    naming the Idempotency-Key as not kept and telling the client to look the report up before
    sending it again (a retry after the reservation expires would be a second report)."""
    limits = IngestLimits(publish_timeout_seconds=1.0, pending_seconds=2, unknown_record_attempts=3)
    _, _, first = await _posted_while_redis_refuses(settings, keys, limits, denials=None)
    assert first.status_code == 504, first.text
    answer = first.json()
    assert answer["published"] == "unknown" and answer["report_id"]
    assert answer["retry_safe"] is False, answer
    assert answer["fields"][0]["field"] == "Idempotency-Key", answer
    assert "GET /v1/reports/" in answer["error"] and "second report" in answer["error"], answer
