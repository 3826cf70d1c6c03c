"""The senders' urgent lane on real Kafka and Redis: an urgent delivery never waits behind ordinary
ones, a slow provider, or the retries of an outage (issue 16, point 6).

Order is asserted at the wire (the SMS gateway's record of what it accepted, in order); the
urgent job's latency is measured and printed, never asserted.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest

from binrelay_shared import acl, topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Channel, is_urgent
from binrelay_shared.settings import Settings
from tests.channels.servers import Gateway, job, wait_until
from tests.channels.test_sender_process import sender
from tests.kafka_helpers import TopicReader, produce

pytestmark = pytest.mark.integration

BACKLOG = 300


def test_urgent_jobs_have_an_outbox_of_their_own_that_each_sender_may_read() -> None:
    """The twin topics, the lane a stage picks for an urgent job, and the ACL table agree."""
    urgent = job(Channel.sms, "+32470000001").model_copy(update={"urgent": True})
    assert is_urgent(urgent) and not is_urgent(job(Channel.sms, "+32470000001"))
    for channel in (Channel.sms, Channel.email, Channel.chat):
        twin = topics.outbox(channel, urgent=True)
        assert twin == f"bin.outbox.{channel.value}.urgent.v1"
        assert topics.lane(topics.outbox(channel), True) == twin
        assert topics.partitions_of(twin) == topics.URGENT_PARTITIONS
        assert twin in topics.all_topics([])
        sender_ = next(p for p in acl.TABLE if p.name == f"sender-{channel.value}")
        assert {g.name for g in sender_.reads} == {topics.outbox(channel), twin}
        dispatcher = next(p for p in acl.TABLE if p.name == "dispatcher")
        assert twin in {g.name for g in dispatcher.writes}


def _at(message: dict[str, str]) -> datetime:
    return datetime.fromisoformat(message["at"])


@pytest.mark.parametrize("lanes", ["both", "split"])
async def test_an_urgent_sms_overtakes_an_ordinary_backlog_and_an_outage(
    settings: Settings, gateway: Gateway, tmp_path: Path, lanes: str
) -> None:
    """Given 300 ordinary SMS jobs on the outbox and a slow gateway (0.1 s a message, 4 at a time),
    when the gateway goes down (503) while the backlog is being sent, an urgent SMS job is
    published, and the gateway comes back,
    then the urgent SMS reaches the gateway before most of the ordinary backlog still waiting —
    with the sender as one process for both lanes, and as a process per lane (as `make up` runs it)."""
    gateway.state.delay = 0.1
    ordinary = [job(Channel.sms, f"+3248{i:07d}", recipient_id=f"m-backlog-{i}") for i in range(BACKLOG)]
    numbers = {j.address for j in ordinary}
    urgent = job(Channel.sms, "+32499000001", recipient_id="m-urgent", audience="coordinators").model_copy(
        update={"urgent": True}
    )
    env = {
        "BINRELAY_SMS_GATEWAY_URL": gateway.url,
        "BINRELAY_SMS_GATEWAY_TOKEN": gateway.token,
        "BINRELAY_SENDER_CONCURRENCY": "4",
        "BINRELAY_SENDER_MAX_ATTEMPTS": "30",  # ride out the outage: this test is about order
        "BINRELAY_SENDER_BACKOFF_MAX": "5",
        "BINRELAY_SENDER_URGENT_BACKOFF_MAX": "1",
    }
    reader = await TopicReader(settings.kafka, topics.DELIVERIES).start()
    log = tmp_path / "sender.log"

    def ours() -> list[dict[str, str]]:
        return [m for m in gateway.state.sent if m["to"] in numbers or m["to"] == urgent.address]

    try:
        await produce(settings.kafka, topics.outbox(Channel.sms), [encode(j) for j in ordinary], key=b"zavel")
        with ExitStack() as stack:
            for lane in ("both",) if lanes == "both" else ("ordinary", "urgent"):
                stack.enter_context(sender("sms", settings, log, **env, BINRELAY_LANES=lane))
            wait_until(lambda: len(ours()) >= 20, timeout=180)
            gateway.state.fail_mode, gateway.state.fail_count = "transient", 10**9  # the gateway is down
            down_at = len(gateway.state.received)
            # the senders are retrying against the down gateway (not finishing sends begun before):
            # several refusals since it went down, whatever the machine's speed
            wait_until(lambda: sum(r["status"] == 503 for r in gateway.state.received[down_at:]) >= 4, timeout=120)
            before = len(ours())
            t0 = time.time()
            await produce(settings.kafka, topics.lane(topics.outbox(Channel.sms), is_urgent(urgent)), [encode(urgent)],
                          key=b"zavel")
            # The outage lasts until the urgent job itself was refused by the down gateway (it is
            # being retried through the outage, whatever the machine's speed): not a guessed time.
            await asyncio.to_thread(wait_until, lambda: any(
                r["to"] == urgent.address and r["status"] == 503 for r in list(gateway.state.received)), timeout=120)
            up = time.time()
            gateway.state.fail_count = 0  # back
            [outcome] = await reader.wait_for(lambda m: m.get("delivery_id") == urgent.delivery_id, timeout=120)
            sent = ours()
            position = next(i for i, m in enumerate(sent) if m["to"] == urgent.address)
        assert outcome["outcome"] == "delivered"
        waiting = BACKLOG - before  # ordinary jobs not yet sent when the urgent one came
        ahead = position - before  # ordinary SMS the gateway took between the urgent job's publication and it
        latency = _at(sent[position]).timestamp() - t0
        after_up = _at(sent[position]).timestamp() - up
        print(f"\nlanes={lanes}: urgent SMS at the gateway {latency:.2f} s after it was published "
              f"(gateway down for the first {up - t0:.1f} s; {after_up:.2f} s after it came back); "
              f"{ahead} of the {waiting} waiting ordinary SMS went before it")
        assert ahead < waiting // 4, f"the urgent SMS waited behind {ahead} of {waiting} ordinary ones"
    finally:
        await reader.stop()
