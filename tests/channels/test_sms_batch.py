"""SMS in bulk (issue #18): the loopback gateway's ``POST /messages/batch`` and the HTTP SMS sender
using it (``sms_gateway_batch_size`` > 1), against the real gateway and Redis, without Kafka.

Counted at the wire (the gateway's record of every recipient it received, repeats included): each
job reaches the gateway once, and every job gets its own outcome — a recipient the gateway refuses
falls back alone, one it fails transiently is retried alone, none is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx
import pytest

from binrelay_senders.base import DeliveryError, Retryable
from binrelay_senders.batcher import Batcher
from binrelay_senders.providers.sms_http import SmsReceiver
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared import topics
from binrelay_shared.events import Channel, DeliveryJob, DeliveryOutcome, Outcome
from tests.channels.conftest import sender_settings
from tests.channels.servers import Gateway, job, sha
from tests.redis_helpers import admin_redis

pytestmark = pytest.mark.integration


def _outcome(outs: list) -> DeliveryOutcome:  # type: ignore[type-arg]
    [event] = [o.event for o in outs if isinstance(o.event, DeliveryOutcome)]
    return event


async def test_the_batch_endpoint_answers_and_records_each_recipient(gateway: Gateway) -> None:
    """Given a bulk request with a good number, a bad one and a key repeated in the same request,
    then each recipient gets its own answer in order, the repeat is sent once, and the audit record
    lists every recipient received; a bad token or a batch too big sends nothing."""
    body = {"from": "BINRelay", "messages": [
        {"to": "+32470000101", "text": "Test 1", "idempotency_key": "k1"},
        {"to": "12", "text": "Test 2", "idempotency_key": "k2"},
        {"to": "+32470000101", "text": "Test 1", "idempotency_key": "k1"},
        {"to": "+32470000103", "text": "Test 3"},
    ]}
    auth = {"authorization": f"Bearer {gateway.token}"}
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        r = await client.post("/messages/batch", json=body, headers=auth)
        assert r.status_code == 200
        results = r.json()["results"]
        assert [(x["idempotency_key"], x["status"]) for x in results] == [
            ("k1", 202), ("k2", 422), ("k1", 200), (None, 202)]
        assert results[0]["id"] == results[2]["id"] and results[1]["error"] == "invalid_number"
        assert sorted(m["to"] for m in gateway.state.sent) == ["+32470000101", "+32470000103"]

        assert (await client.post("/messages/batch", json=body, headers={"authorization": "Bearer nope"})
                ).status_code == 401
        big = {"messages": [{"to": "+32470000104", "text": "x"}] * 1001}
        assert (await client.post("/messages/batch", json=big, headers=auth)).status_code == 413
        assert (await client.post("/messages/batch", json={"messages": [{"to": "+3247"}]}, headers=auth)
                ).status_code == 400
        assert len(gateway.state.sent) == 2  # none of the refused requests sent anything

        seen = (await client.get("/_control/requests")).json()
    statuses = [(r["batch"], r["idempotency_key"], r["status"]) for r in seen["requests"]]
    assert statuses[:4] == [(1, "k1", 202), (1, "k2", 422), (1, "k1", 200), (1, None, 202)]
    assert statuses[4:8] == [(2, "k1", 401), (2, "k2", 401), (2, "k1", 401), (2, None, 401)]
    assert [s[2] for s in statuses[8:]] == [413] * 1001 + [400]


async def test_a_bulk_sms_sender_gives_each_job_its_own_outcome_and_sends_it_once(
    gateway: Gateway, redis_url: str
) -> None:
    """Given the HTTP SMS sender with batches of 50, 40 jobs of which one has a number the gateway
    refuses and two meet a transient failure,
    when it processes them, they travel in a few bulk requests (not one each); the refused one falls
    back to e-mail alone, the failed ones are retried and delivered, the others delivered once;
    and when the same batch is redelivered (a crash before the commit), nothing is sent again."""
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    receiver = make_receiver(Channel.sms, settings, sms_gateway_url=gateway.url, sms_gateway_token=gateway.token,
                             sms_gateway_batch_size=50)
    assert isinstance(receiver, SmsReceiver) and receiver.batch_size == 50
    worker = SenderWorker(receiver, settings, redis)
    jobs = [job(Channel.sms, f"+324700002{i:02d}", recipient_id=f"member-{i}") for i in range(40)]
    jobs[7] = job(Channel.sms, "12", recipient_id="member-7", fallback=(Channel.email,),
                  fallback_addresses={Channel.email: "lid-7@example.test"})
    try:
        gateway.state.fail_mode, gateway.state.fail_count = "transient", 2
        results = await worker.process(jobs)
        got = {_outcome(outs).recipient_id: _outcome(outs) for outs in results}
        assert got["member-7"].outcome is Outcome.fell_back and got["member-7"].reason == "sms_http_422"
        [nxt] = [o.event for o in results[7] if o.topic == topics.outbox(Channel.email)]
        assert nxt.address == "lid-7@example.test"
        delivered = [o for r, o in got.items() if r != "member-7"]
        assert [o.outcome for o in delivered] == [Outcome.delivered] * 39
        assert sorted(o.attempts for o in delivered) == [1] * 37 + [2] * 2  # the two failed ones, retried
        assert 2 <= gateway.state.batches <= 10  # bulk, not 40 requests
        wire = gateway.received()
        good = [sha(j.idempotency_key) for j in jobs if j.recipient_id != "member-7"]
        assert sorted(wire[k] for k in good) == [1] * 37 + [2] * 2
        assert len(gateway.state.sent) == 39

        again = await worker.process(jobs)  # redelivered: outcomes again, no send
        assert [_outcome(outs).reason for outs in again] == ["redelivered"] * 40
        assert gateway.received() == wire
    finally:
        await receiver.close()
        await redis.aclose()


async def test_a_bulk_request_that_fails_as_a_whole_fails_each_job_of_it_and_is_retried(
    gateway: Gateway, redis_url: str
) -> None:
    """Given the gateway down (503 to every recipient) for the first tries and a batch of 10,
    then every job is retried on its own and delivered once the gateway is back — none dropped."""
    settings = sender_settings(redis_url, sender_max_attempts=8)
    redis = admin_redis(redis_url)
    receiver = make_receiver(Channel.sms, settings, sms_gateway_url=gateway.url, sms_gateway_token=gateway.token,
                             sms_gateway_batch_size=10)
    worker = SenderWorker(receiver, settings, redis)
    jobs = [job(Channel.sms, f"+324700003{i:02d}", recipient_id=f"member-{i}") for i in range(10)]
    try:
        gateway.state.fail_mode, gateway.state.fail_count = "transient", 10
        results = await worker.process(jobs)
        assert [_outcome(outs).outcome for outs in results] == [Outcome.delivered] * 10
        assert all(_outcome(outs).attempts >= 2 for outs in results)
        assert sorted(m["to"] for m in gateway.state.sent) == sorted(j.address for j in jobs)
    finally:
        await receiver.close()
        await redis.aclose()


class _Answers:
    """A bulk provider in memory: answers as told, records each request's jobs."""

    def __init__(self, answers: list[str | DeliveryError | None] | None = None,
                 gate: asyncio.Event | None = None) -> None:
        self.requests: list[list[str]] = []
        self.answers = answers
        self.gate = gate
        self.started = asyncio.Event()

    async def send_batch(self, jobs: Sequence[DeliveryJob]) -> list[str | DeliveryError | None]:
        self.requests.append([j.recipient_id for j in jobs])
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.answers is not None:
            return self.answers
        return [f"id-{j.recipient_id}" for j in jobs]


async def test_the_batcher_groups_concurrent_sends_and_never_drops_one() -> None:
    """Concurrent sends share requests of at most ``max_size``; an answer list of the wrong length
    fails every job of that request (retryable), never leaves one without an answer."""
    provider = _Answers()
    batcher = Batcher(provider.send_batch, max_size=4, linger=0.01, max_in_flight=2)
    jobs = [job(Channel.sms, f"+3247000040{i}", recipient_id=f"m{i}") for i in range(10)]
    ids = await asyncio.gather(*(batcher.send(j) for j in jobs))
    assert ids == [f"id-m{i}" for i in range(10)]
    assert [len(r) for r in provider.requests] == [4, 4, 2]

    short = Batcher(_Answers(answers=["only-one"]).send_batch, max_size=4, linger=0.01, max_in_flight=1)
    settled = await asyncio.gather(*(short.send(j) for j in jobs[:3]), return_exceptions=True)
    assert all(isinstance(s, Retryable) and s.reason == "batch_answer_count" for s in settled)
    assert len({id(s) for s in settled}) == 3  # each job its own exception


async def test_an_urgent_send_does_not_wait_for_the_ordinary_lanes_bulk_request(redis_url: str) -> None:
    """Given a bulk provider whose ordinary request hangs (one request slot per lane), an urgent job
    sent meanwhile goes out in a request of its own and gets its outcome."""
    settings = sender_settings(redis_url, sender_batch_requests=1)
    redis = admin_redis(redis_url)
    gate = asyncio.Event()

    class Provider(_Answers):
        channel = Channel.sms
        batch_size = 10

        async def send(self, j: DeliveryJob) -> str | None:  # the single send: not used in bulk
            raise AssertionError("a bulk provider's jobs go through send_batch")

        async def send_batch(self, jobs: Sequence[DeliveryJob]) -> list[str | DeliveryError | None]:
            if any(j.urgent for j in jobs):
                self.requests.append([j.recipient_id for j in jobs])
                return [f"id-{j.recipient_id}" for j in jobs]
            return await super().send_batch(jobs)

        async def close(self) -> None:
            return None

    provider = Provider(gate=gate)
    worker = SenderWorker(provider, settings, redis)
    try:
        ordinary = asyncio.ensure_future(worker.process([job(Channel.sms, "+32470000501", recipient_id="slow")]))
        await asyncio.wait_for(provider.started.wait(), 30)
        urgent = job(Channel.sms, "+32470000502", recipient_id="urgent").model_copy(update={"urgent": True})
        [outs] = await asyncio.wait_for(worker.process([urgent]), 30)
        assert _outcome(outs).outcome is Outcome.delivered
        assert not ordinary.done()
        gate.set()
        [outs] = await ordinary
        assert _outcome(outs).outcome is Outcome.delivered
        assert provider.requests == [["slow"], ["urgent"]]
    finally:
        await redis.aclose()
