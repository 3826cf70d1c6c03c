"""The sender worker against real servers (SMTP sink, SMS gateway, Redis), without Kafka:
retries, permanent failures and fallback, idempotency, early jobs, trace."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import httpx
import orjson
import pytest

from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_senders.base import Permanent, Receiver, Retryable, is_retryable
from binrelay_senders.providers.smtp import message_id
from binrelay_senders.registry import make_receiver
from binrelay_senders.settings import SenderSettings
from binrelay_senders.worker import SenderWorker, fallback_job
from binrelay_shared import topics, trace
from binrelay_shared.events import Channel, DeliveryOutcome, Outcome, utcnow
from tests.channels.conftest import sender_settings
from tests.channels.servers import Gateway, job, parse_mail, sha
from tests.redis_helpers import admin_redis


def sms_receiver(settings: SenderSettings, gateway: Gateway) -> Receiver:
    """The SMS sender's receiver (the configured transport: the HTTP gateway) on the test gateway."""
    return make_receiver(Channel.sms, settings, sms_gateway_url=gateway.url, sms_gateway_token=gateway.token)

pytestmark = pytest.mark.integration


def outcomes(outs: list) -> list[DeliveryOutcome]:  # type: ignore[type-arg]
    return [o.event for o in outs if isinstance(o.event, DeliveryOutcome)]


async def test_an_email_job_is_delivered_once_with_its_outcome_and_trace(
    smtp_sink: tuple[int, SinkHandler], redis_url: str
) -> None:
    """Given the e-mail sender on a real SMTP server,
    when it gets the same job twice (a redelivery) and a second job for the same key,
    then one mail is sent, the redelivery republishes 'delivered', the other job is a duplicate,
    and the trace shows delivery:email:delivered."""
    port, sink = smtp_sink
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    worker = SenderWorker(make_receiver(Channel.email, settings, smtp_port=port), settings, redis)
    # an escalation's job about an earlier report: its outcome says so (the ledger counts it)
    j = job(Channel.email, "lid-1@example.test").model_copy(update={"purpose": "escalation", "refers_to": "r-earlier"})
    try:
        first = await worker.process([j])
        again = await worker.process([j])
        other = await worker.process([j.model_copy(update={"delivery_id": "another"})])
        assert [o.outcome for o in outcomes(first[0])] == [Outcome.delivered]
        assert [o.outcome for o in outcomes(again[0])] == [Outcome.delivered]
        assert [o.outcome for o in outcomes(other[0])] == [Outcome.duplicate]
        assert all(o.topic == topics.DELIVERIES for o in first[0])
        assert {(o.purpose, o.refers_to) for o in outcomes(first[0] + other[0])} == {("escalation", "r-earlier")}
        assert len(sink.messages) == 1  # every message the sink received, repeats included
        assert sink.message_ids() == Counter({message_id(j.idempotency_key): 1})
        mail = parse_mail(sink.messages[0].data)
        assert mail["To"] == "lid-1@example.test"
        assert mail["Message-ID"] == message_id(j.idempotency_key)
        assert "verdachte wagen" in mail.get_content()
        fields = await trace.read(redis, j.report_id)
        assert "delivery:email:delivered" in fields
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_a_refused_mailbox_falls_back_to_the_next_channel(
    smtp_sink: tuple[int, SinkHandler], redis_url: str
) -> None:
    """Given a member whose mailbox refuses mail (550) and who has SMS as next channel,
    when the e-mail sender handles the job,
    then the outcome is fell_back and a new SMS job (attempt 2, the SMS address) goes to bin.outbox.sms.v1."""
    port, sink = smtp_sink
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    worker = SenderWorker(make_receiver(Channel.email, settings, smtp_port=port), settings, redis)
    j = job(Channel.email, "reject-lid@example.test", fallback=(Channel.sms,),
            fallback_addresses={Channel.sms: "+32470000001"})
    try:
        [outs] = await worker.process([j])
        [outcome] = outcomes(outs)
        assert outcome.outcome is Outcome.fell_back
        assert outcome.reason == "smtp_rcpt_550"
        assert "@" not in (outcome.reason or "")
        nxt = [o for o in outs if o.topic == topics.outbox(Channel.sms)]
        assert len(nxt) == 1
        assert nxt[0].event.channel is Channel.sms
        assert nxt[0].event.address == "+32470000001"
        assert nxt[0].event.attempt == 2
        assert sink.messages == []
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_a_busy_mailbox_is_retried_then_fails_without_fallback(
    smtp_sink: tuple[int, SinkHandler], redis_url: str
) -> None:
    """Given a mailbox that keeps answering 451 (transient) and no fallback channel,
    when the e-mail sender handles the job,
    then it tries the configured number of times and the outcome is failed (retries exhausted)."""
    port, _ = smtp_sink
    settings = sender_settings(redis_url, sender_max_attempts=3)
    redis = admin_redis(redis_url)
    worker = SenderWorker(make_receiver(Channel.email, settings, smtp_port=port), settings, redis)
    try:
        [outs] = await worker.process([job(Channel.email, "busy-lid@example.test")])
        [outcome] = outcomes(outs)
        assert outcome.outcome is Outcome.failed
        assert outcome.attempts == 3
        assert outcome.reason == "retries_exhausted:smtp_rcpt_451"
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_a_batch_of_mails_goes_over_one_reused_connection_even_past_a_refused_mailbox(
    smtp_sink: tuple[int, SinkHandler], redis_url: str
) -> None:
    """Given the e-mail sender with one SMTP connection, a batch of 20 mails of which one mailbox
    refuses (550), then a second batch,
    then all the others arrive, each once, over that one connection (a refusal resets the envelope,
    it does not cost a reconnect), and the refused one falls back on its own."""
    port, sink = smtp_sink
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    worker = SenderWorker(make_receiver(Channel.email, settings, smtp_port=port, smtp_connections=1), settings, redis)
    jobs = [job(Channel.email, f"lid-{i}@example.test", recipient_id=f"member-{i}") for i in range(20)]
    jobs[5] = job(Channel.email, "reject-lid-5@example.test", recipient_id="member-5", fallback=(Channel.sms,),
                  fallback_addresses={Channel.sms: "+32470000005"})
    try:
        first = await worker.process(jobs)
        second = await worker.process([job(Channel.email, "lid-20@example.test", recipient_id="member-20")])
        got = [o.outcome for outs in first + second for o in outcomes(outs)]
        assert got == [Outcome.delivered] * 5 + [Outcome.fell_back] + [Outcome.delivered] * 15
        assert sorted(sink.message_ids().values()) == [1] * 20
        assert len(sink.transactions) == 1 and sum(sink.transactions.values()) == 21
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_sms_transient_failures_are_retried_and_permanent_ones_fall_back(
    gateway: Gateway, redis_url: str
) -> None:
    """Given the SMS gateway failing the next two sends transiently,
    when the SMS sender sends a job, then it is delivered on the third try;
    and given the gateway failing permanently, a job with e-mail as next channel falls back."""
    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    worker = SenderWorker(sms_receiver(settings, gateway), settings, redis)
    try:
        gateway.state.fail_mode, gateway.state.fail_count = "transient", 2
        [outs] = await worker.process([job(Channel.sms, "+32470000002")])
        [outcome] = outcomes(outs)
        assert (outcome.outcome, outcome.attempts) == (Outcome.delivered, 3)
        assert [m["to"] for m in gateway.state.sent] == ["+32470000002"]

        gateway.state.fail_mode, gateway.state.fail_count = "permanent", 1
        j = job(Channel.sms, "+32470000003", fallback=(Channel.chat, Channel.email),
                fallback_addresses={Channel.email: "lid-3@example.test"})
        [outs] = await worker.process([j])
        [outcome] = outcomes(outs)
        assert (outcome.outcome, outcome.reason) == (Outcome.fell_back, "sms_http_422")
        [nxt] = [o.event for o in outs if o.topic == topics.outbox(Channel.email)]
        assert nxt.channel is Channel.email and nxt.fallback == ()  # chat had no address: skipped
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_the_same_sms_idempotency_key_is_sent_once_by_the_gateway(gateway: Gateway, redis_url: str) -> None:
    """Given a sender that crashed after the gateway accepted an SMS but before marking it sent,
    when the job is sent again with the same idempotency key (after the lease expired),
    then the gateway recognises the Idempotency-Key and sends nothing new."""
    settings = sender_settings(redis_url)
    receiver = sms_receiver(settings, gateway)
    j = job(Channel.sms, "+32470000004")
    try:
        first = await receiver.send(j)
        second = await receiver.send(j)
        assert first == second
        assert len(gateway.state.sent) == 1
        # At the wire both requests arrived: the provider's dedup, not the sender, kept it to one
        # SMS here; the sender's own tests count received requests to prove it does not re-send.
        assert gateway.received() == Counter({sha(j.idempotency_key): 2})
        async with httpx.AsyncClient(timeout=30) as client:  # what the devserver exposes over HTTP
            seen = (await client.get(f"{gateway.url}/_control/requests")).json()
        assert seen["count"] == 2 and [r["status"] for r in seen["requests"]] == [202, 200]
    finally:
        await receiver.close()


async def test_an_early_job_is_held_until_due_or_requeued(gateway: Gateway, redis_url: str) -> None:
    """Given jobs whose send_at is in the future,
    when the sender gets one due within the hold time, it waits and then sends it;
    when it gets one due much later, it puts it back on the outbox and sends nothing."""
    settings = sender_settings(redis_url, sender_max_hold_seconds=0.5)
    redis = admin_redis(redis_url)
    worker = SenderWorker(sms_receiver(settings, gateway), settings, redis)
    try:
        soon = job(Channel.sms, "+32470000005", send_at=utcnow() + timedelta(seconds=0.3))
        [outs] = await worker.process([soon])
        assert [o.outcome for o in outcomes(outs)] == [Outcome.delivered]
        assert utcnow() >= soon.send_at  # type: ignore[operator]

        later = job(Channel.sms, "+32470000006", send_at=utcnow() + timedelta(hours=2))
        [outs] = await worker.process([later])
        assert [(o.topic, o.event) for o in outs] == [(topics.outbox(Channel.sms), later)]
        assert [m["to"] for m in gateway.state.sent] == ["+32470000005"]
    finally:
        await worker.receiver.close()
        await redis.aclose()


def test_failures_say_whether_they_are_retryable() -> None:
    """Given the receiver errors, then Retryable and unknown errors are retryable, Permanent is not."""
    assert is_retryable(Retryable("x")) and is_retryable(RuntimeError()) and not is_retryable(Permanent("x"))


def test_fallback_skips_channels_without_an_address() -> None:
    """Given a job with fallback chat then sms and only an SMS address, then the next job is SMS."""
    j = job(Channel.email, fallback=(Channel.chat, Channel.sms), fallback_addresses={Channel.sms: "+32470000007"})
    nxt = fallback_job(j)
    assert nxt is not None and nxt.channel is Channel.sms and nxt.attempt == 2 and nxt.delivery_id != j.delivery_id
    assert fallback_job(job(Channel.email, fallback=(Channel.chat,))) is None
    same = job(Channel.email, fallback=(Channel.email,), fallback_addresses={Channel.email: "ander@example.test"})
    assert fallback_job(same) is None


async def test_a_job_whose_key_another_live_sender_holds_is_requeued_not_sent(
    gateway: Gateway, redis_url: str
) -> None:
    """Given another sender holding (and renewing) the claim on a job's key,
    when this sender gets the job and the claim stays held beyond its wait,
    then the job goes back on the outbox and nothing is sent."""
    from binrelay_senders.idempotency import Claims

    settings = sender_settings(redis_url, sender_lease_seconds=1)
    redis = admin_redis(redis_url)
    worker = SenderWorker(sms_receiver(settings, gateway), settings, redis)
    j = job(Channel.sms, "+32470000008")
    other = Claims(redis, "other-sender", 120, 60)
    try:
        assert (await other.claim(j.idempotency_key, j.delivery_id)).acquired
        [outs] = await worker.process([j])
        assert [(o.topic, o.event) for o in outs] == [(topics.outbox(Channel.sms), j)]
        assert gateway.state.sent == []
    finally:
        await worker.receiver.close()
        await redis.aclose()


async def test_a_bad_job_in_a_batch_is_dead_lettered_and_the_others_get_one_outcome_each(
    gateway: Gateway, redis_url: str
) -> None:
    """Given a batch on the SMS outbox holding two good jobs and an e-mail job (wrong outbox),
    when the sender stage handles it,
    then the e-mail job is dead-lettered, each good job is sent once and has exactly one outcome."""
    from aiokafka import ConsumerRecord
    from prometheus_client import CollectorRegistry

    from binrelay_shared.codec import encode
    from binrelay_shared.metrics import StageMetrics
    from binrelay_shared.stage import Stage

    settings = sender_settings(redis_url)
    redis = admin_redis(redis_url)
    worker = SenderWorker(sms_receiver(settings, gateway), settings, redis)
    stage = Stage(name="sender-sms-test", input_topic=topics.outbox(Channel.sms), model=type(job()),
                  process=worker.process, metrics=StageMetrics(CollectorRegistry(), "sender-sms-test"))
    published: list[tuple[str, bytes]] = []

    async def publish(topic: str, value: bytes, key: bytes | None) -> None:
        published.append((topic, value))

    stage.publish = publish
    good = [job(Channel.sms, "+32470000020"), job(Channel.sms, "+32470000021")]
    bad = job(Channel.email, "lid-22@example.test")
    records = [
        ConsumerRecord(topics.outbox(Channel.sms), 0, n, 0, 0, b"zavel", encode(j), None, 5, 100, [])
        for n, j in enumerate([good[0], bad, good[1]])
    ]
    try:
        await stage.handle_records(records)
        outcomes = [orjson.loads(v) for t, v in published if t == topics.DELIVERIES]
        assert sorted(o["delivery_id"] for o in outcomes) == sorted(j.delivery_id for j in good)
        assert all(o["outcome"] == "delivered" for o in outcomes)
        assert [t for t, _ in published].count(topics.DLQ) == 1
        assert sorted(m["to"] for m in gateway.state.sent) == ["+32470000020", "+32470000021"]
        assert gateway.received_to() == Counter(["+32470000020", "+32470000021"])  # each put on the wire once
    finally:
        await worker.receiver.close()
        await redis.aclose()
