"""The sender as a process (``binrelay-sender``) on real Kafka and Redis: outbox in, outcomes out,
and the acceptance test: killed and restarted mid-batch, it sends nothing twice and loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_shared import topics, trace
from binrelay_shared.codec import encode
from binrelay_shared.events import Channel
from binrelay_shared.settings import Settings
from tests.channels.servers import Gateway, job, parse_mail, sha, wait_until
from tests.conftest import REPO
from tests.kafka_helpers import TopicReader, produce
from tests.redis_helpers import admin_redis

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
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
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


async def test_a_sender_killed_mid_batch_sends_nothing_twice_and_loses_nothing(
    settings: Settings, gateway: Gateway, tmp_path: Path
) -> None:
    """Given 200 SMS jobs on the outbox and a gateway that takes a little while per message,
    when the SMS sender is killed (SIGKILL) in the middle of the batch and started again,
    then every job is delivered, each recipient got exactly one SMS, and every job has a
    'delivered' outcome on bin.deliveries.v1."""
    gateway.state.delay = 0.02
    count = 200
    jobs = [job(Channel.sms, f"+3247{i:07d}", recipient_id=f"m-kill-{i}") for i in range(count)]
    ours = {j.delivery_id for j in jobs}
    numbers = {j.address for j in jobs}
    env = {
        "BINRELAY_SMS_GATEWAY_URL": gateway.url,
        "BINRELAY_SMS_GATEWAY_TOKEN": gateway.token,
        "BINRELAY_SENDER_CONCURRENCY": "8",
    }
    reader = await TopicReader(settings.kafka, topics.DELIVERIES).start()
    log = tmp_path / "sender.log"
    try:
        await produce(settings.kafka, topics.outbox(Channel.sms), [encode(j) for j in jobs], key=b"zavel")
        with sender("sms", settings, log, **env) as first:
            wait_until(lambda: len([m for m in gateway.state.sent if m["to"] in numbers]) >= 40, timeout=120)
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        sent_before = len([m for m in gateway.state.sent if m["to"] in numbers])
        assert sent_before < count, "the sender finished before it could be killed: slow the gateway down"
        with sender("sms", settings, log, **env):
            # Outcomes of the chunks finished before the kill are on the topic already, and the
            # restarted sender answers those jobs again as duplicates: wait for every job, not
            # for as many outcomes as jobs.
            wanted = count
            while True:
                delivered = await reader.wait_for(
                    lambda m: m.get("delivery_id") in ours and m.get("outcome") in ("delivered", "duplicate"),
                    timeout=240,
                    count=wanted,
                )
                if {m["delivery_id"] for m in delivered} == ours:
                    break
                wanted = len(delivered) + 1
        assert {m["delivery_id"] for m in delivered} == ours  # nothing lost
        sent = [m for m in gateway.state.sent if m["to"] in numbers]
        assert len(sent) == count  # nothing twice
        assert {m["to"] for m in sent} == numbers
        assert len({m["idempotency_key"] for m in sent}) == count
        assert {m["idempotency_key"] for m in sent} == {sha(j.idempotency_key) for j in jobs}
    finally:
        await reader.stop()
