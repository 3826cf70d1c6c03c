"""The sender as a process (``binrelay-sender``) on real Kafka and Redis: outbox in, outcomes out,
and the acceptance test: killed and restarted mid-batch, it sends nothing twice and loses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from binrelay_devservers.sms_gateway import request_counts
from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_senders.idempotency import KEY
from binrelay_senders.providers.smtp import message_id
from binrelay_shared import topics, trace
from binrelay_shared.codec import encode
from binrelay_shared.events import Channel, DeliveryJob
from binrelay_shared.settings import Settings
from tests.channels.servers import Gateway, job, parse_mail, sha, wait_until
from tests.conftest import REPO
from tests.kafka_helpers import TopicReader, produce
from tests.redis_helpers import admin_redis
from tests.supervision import terminate

pytestmark = pytest.mark.integration


@contextmanager
def sender(channel: str, settings: Settings, log: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    full = {
        **os.environ,
        "BINRELAY_KAFKA": settings.kafka,
        "BINRELAY_REDIS_URL": settings.redis_url,
        "BINRELAY_LOG_JSON": "true",
        "BINRELAY_SENDER_BACKOFF_INITIAL": "0.05",
        "BINRELAY_SENDER_BACKOFF_MAX": "0.5",
        "BINRELAY_SENDER_LEASE_SECONDS": "3",
        **env,
    }
    out = log.open("ab")
    proc = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "binrelay-sender"), "--channel", channel], env=full, stdout=out, stderr=out
    )
    try:
        yield proc
    finally:
        terminate(proc)
        out.close()


async def test_the_email_sender_delivers_an_outbox_job_and_publishes_the_outcome(
    settings: Settings, smtp_sink: tuple[int, SinkHandler], tmp_path: Path
) -> None:
    """Given binrelay-sender --channel email running on Kafka and the SMTP sink,
    when a DeliveryJob lands on bin.outbox.email.v1,
    then the mail reaches the SMTP server, 'delivered' is published on bin.deliveries.v1 and the
    report's trace shows delivery:email:delivered."""
    port, sink = smtp_sink
    j = job(Channel.email, "lid-e2e@example.test")
    reader = await TopicReader(settings.kafka, topics.DELIVERIES).start()
    try:
        with sender("email", settings, tmp_path / "sender.log", BINRELAY_SMTP_PORT=str(port)):
            await produce(settings.kafka, topics.outbox(Channel.email), [encode(j)], key=b"zavel")
            [outcome] = await reader.wait_for(lambda m: m.get("delivery_id") == j.delivery_id, timeout=90)
        assert outcome["outcome"] == "delivered"
        assert outcome["channel"] == "email"
        mails = [parse_mail(m.data) for m in sink.messages]
        assert [m["X-BIN-Relay-Delivery"] for m in mails if m["To"] == "lid-e2e@example.test"] == [j.delivery_id]
        redis = admin_redis(settings.redis_url)
        try:
            assert "delivery:email:delivered" in await trace.read(redis, j.report_id)
        finally:
            await redis.aclose()
        log = (tmp_path / "sender.log").read_text()
        assert "lid-e2e@example.test" not in log and "verdachte wagen" not in log  # no personal data logged
    finally:
        await reader.stop()


async def _claims_left_sending(settings: Settings, jobs: list[DeliveryJob]) -> set[str]:
    """The idempotency keys whose Redis claim is still ``sending``: the sends the killed sender had in
    flight (sent or not, it never learnt the answer) — the one at-least-once window (idempotency.py)."""
    redis = admin_redis(settings.redis_url)
    try:
        values = await redis.mget([KEY.format(j.idempotency_key) for j in jobs])
    finally:
        await redis.aclose()
    return {j.idempotency_key for j, v in zip(jobs, values, strict=True) if v and v.startswith(b"sending|")}


async def _wait_for_every_outcome(reader: TopicReader, ours: set[str]) -> list[dict[str, object]]:
    # Outcomes of the jobs finished before the kill are on the topic already, and the restarted
    # sender answers those jobs again (redelivered): wait for every job, not for as many outcomes.
    wanted = len(ours)
    while True:
        delivered = await reader.wait_for(
            lambda m: m.get("delivery_id") in ours and m.get("outcome") in ("delivered", "duplicate"),
            timeout=240,
            count=wanted,
        )
        if {m["delivery_id"] for m in delivered} == ours:
            return delivered
        wanted = len(delivered) + 1


@pytest.mark.parametrize("bulk", [1, 20], ids=["one-per-request", "bulk-requests"])
async def test_a_sender_killed_mid_batch_sends_nothing_twice_and_loses_nothing(
    settings: Settings, gateway: Gateway, tmp_path: Path, bulk: int
) -> None:
    """Given 200 SMS jobs on the outbox and a gateway that takes a little while per message,
    when the SMS sender is killed (SIGKILL) in the middle of the batch and started again,
    then every job is delivered and has a 'delivered' outcome on bin.deliveries.v1, and — counted
    at the wire, every request the gateway received, repeats included — each job's key was put on
    the wire once, except the sends the killed sender had in flight (claim still ``sending``): those
    may go out once more after the restart (the sender cannot know whether the gateway took them),
    and the gateway answers that repeat as a duplicate, so each recipient got exactly one SMS.
    The same with the gateway's bulk endpoint (up to 20 recipients per request, issue #18)."""
    gateway.state.delay = 0.02
    count, concurrency = 200, 8
    jobs = [job(Channel.sms, f"+3247{i:07d}", recipient_id=f"m-kill-{i}") for i in range(count)]
    ours = {j.delivery_id for j in jobs}
    numbers = {j.address for j in jobs}
    wire_key = {j.idempotency_key: sha(j.idempotency_key) for j in jobs}  # the Idempotency-Key header
    env = {
        "BINRELAY_SMS_GATEWAY_URL": gateway.url,
        "BINRELAY_SMS_GATEWAY_TOKEN": gateway.token,
        "BINRELAY_SENDER_CONCURRENCY": str(concurrency),
        "BINRELAY_SMS_GATEWAY_BATCH_SIZE": str(bulk),
    }
    reader = await TopicReader(settings.kafka, topics.DELIVERIES).start()
    log = tmp_path / "sender.log"
    try:
        await produce(settings.kafka, topics.outbox(Channel.sms), [encode(j) for j in jobs], key=b"zavel")
        gateway.state.hold_after = len(gateway.state.sent) + 40  # then the gateway stops answering
        with sender("sms", settings, log, **env) as first:
            wait_until(lambda: len([m for m in gateway.state.sent if m["to"] in numbers]) >= 40, timeout=300)
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        gateway.state.hold_after = None
        in_flight = {wire_key[k] for k in await _claims_left_sending(settings, jobs)}
        sent_before = len([m for m in gateway.state.sent if m["to"] in numbers])
        assert sent_before < count, "the sender finished before it could be killed: slow the gateway down"
        with sender("sms", settings, log, **env):
            delivered = await _wait_for_every_outcome(reader, ours)
        assert {m["delivery_id"] for m in delivered} == ours  # nothing lost
        assert (gateway.state.batches > 0) == (bulk > 1)  # the bulk endpoint, when configured

        keys = set(wire_key.values())
        received = Counter({k: n for k, n in request_counts(gateway.state).items() if k in keys})
        repeated = {k: n for k, n in received.items() if n > 1}
        assert set(received) == keys  # every job reached the wire
        assert len(in_flight) <= concurrency
        assert set(repeated) <= in_flight, (
            f"{len(set(repeated) - in_flight)} key(s) put on the wire again although their send was done "
            f"before the kill (received {sum(received.values())} requests for {count} jobs)"
        )
        assert all(n == 2 for n in repeated.values()), f"a key put on the wire more than twice: {repeated}"
        answers = Counter((r["idempotency_key"], r["status"]) for r in gateway.state.received)
        assert all(answers[(k, 202)] == 1 for k in keys)  # each accepted once; a repeat was answered 200
        sent = Counter(m["to"] for m in gateway.state.sent if m["to"] in numbers)
        assert sent == Counter(numbers)  # each recipient got exactly one SMS
        assert Counter(m["idempotency_key"] for m in gateway.state.sent if m["to"] in numbers) == Counter(keys)
    finally:
        await reader.stop()


async def _hold_where_a_kill_leaves_nothing_half_sent(
    settings: Settings, sink: SinkHandler, jobs: list[DeliveryJob], timeout: float = 120
) -> None:
    """Hold the sink and wait until the sender stands where a kill cannot leave a mail received but
    not marked done: a transaction waits at MAIL FROM (so nothing new is taken), no mail arrived
    since the last look (the transactions past MAIL FROM before the hold have finished), and every
    mail the sink took has its claim ``done`` in Redis. SMTP cannot dedup, so a kill inside that
    window (the one Redis round trip after 250, see idempotency.py) would be a real second mail;
    this test proves the rest: nothing done is sent again, nothing claimed is lost. A sender that
    never marks a sent mail done is killed anyway after ``settle`` seconds: the count judges it."""
    sink.hold()
    key_of = {message_id(j.idempotency_key): KEY.format(j.idempotency_key) for j in jobs}
    redis = admin_redis(settings.redis_url)
    deadline, settle = time.monotonic() + timeout, time.monotonic() + 30
    last = -1
    try:
        while True:
            taken = [key_of[m] for m in sink.message_ids() if m in key_of]
            marks = await redis.mget(taken) if taken else []
            quiet = sink.holding > 0 and len(sink.messages) == last
            if quiet and (all(v and v.startswith(b"done|") for v in marks) or time.monotonic() > settle):
                return
            if time.monotonic() > deadline:
                raise AssertionError("the e-mail sender never reached the hold")
            last = len(sink.messages)
            await asyncio.sleep(0.5)
    finally:
        await redis.aclose()


async def test_an_email_sender_killed_mid_batch_sends_every_mail_exactly_once(
    settings: Settings, smtp_sink: tuple[int, SinkHandler], tmp_path: Path
) -> None:
    """Given 120 e-mail jobs on the outbox,
    when the e-mail sender is killed (SIGKILL) in the middle of the batch — with SMTP transactions
    open, claims taken and outcomes unpublished — and started again,
    then every job has a 'delivered' outcome on bin.deliveries.v1 and, counted at the wire (every
    message the SMTP sink received, repeats included, by Message-ID), every mail was received
    exactly once: the restarted sender sends none of the mails done before the kill again, and
    sends every mail the killed one had claimed but not sent."""
    port, sink = smtp_sink
    count = 120
    jobs = [job(Channel.email, f"lid-kill-{i}@example.test", recipient_id=f"m-mail-kill-{i}") for i in range(count)]
    ours = {j.delivery_id for j in jobs}
    ids = {message_id(j.idempotency_key) for j in jobs}
    env = {"BINRELAY_SMTP_PORT": str(port), "BINRELAY_SENDER_CONCURRENCY": "8"}
    reader = await TopicReader(settings.kafka, topics.DELIVERIES).start()
    log = tmp_path / "sender.log"
    try:
        await produce(settings.kafka, topics.outbox(Channel.email), [encode(j) for j in jobs], key=b"zavel")
        with sender("email", settings, log, **env) as first:
            wait_until(lambda: sum(n for m, n in sink.message_ids().items() if m in ids) >= 30, timeout=120)
            await _hold_where_a_kill_leaves_nothing_half_sent(settings, sink, jobs)
            open_at_kill = sink.holding
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        sink.release()
        taken_before = sum(n for m, n in sink.message_ids().items() if m in ids)
        assert taken_before < count, "the sender finished before it could be killed"
        assert open_at_kill, "the kill came with no SMTP transaction open: nothing tested"
        with sender("email", settings, log, **env):
            delivered = await _wait_for_every_outcome(reader, ours)
        assert {m["delivery_id"] for m in delivered} == ours  # nothing lost

        counts = sink.message_ids()
        received = Counter({m: counts[m] for m in ids if counts[m]})
        twice = {m: n for m, n in received.items() if n > 1}
        assert not twice, f"{len(twice)} mail(s) received more than once at the SMTP sink"
        assert received == Counter(ids)  # every mail, exactly once
        by_rcpt = Counter(r for m in sink.messages if m.message_id in ids for r in m.rcpt_tos)
        assert by_rcpt == Counter(j.address for j in jobs)
    finally:
        sink.release()
        await reader.stop()
