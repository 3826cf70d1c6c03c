"""The SMS sender when Redis goes away between the gateway's answer and the ``done`` mark (issue #16,
found by ``make chaos``): real Redis (the sender's own ACL user), real loopback SMS gateway, no Kafka.

The stage's answer to a Redis outage is to retry the whole batch later (``Stage.handle``); the test
calls ``process`` twice the same way. Every job must reach the gateway once (counted at the wire) and
get exactly one outcome — not none (the retry dropping its own claim as in flight), not a second send
(the retry claiming again after the lease expired)."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from binrelay_senders.idempotency import KEY
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared.events import Channel, DeliveryJob, DeliveryOutcome, Outcome
from binrelay_shared.stage import Out
from tests.channels.conftest import sender_settings
from tests.channels.servers import Gateway, job, sha
from tests.redis_helpers import admin_redis, user_redis

pytestmark = pytest.mark.integration

USER = "sender-sms"


class _RedisGoneAfterFirstSend:
    """The SMS receiver on the gateway; once the gateway has accepted the first message, Redis
    turns the sender away (its ACL user disabled, its connections killed) until :meth:`restore`."""

    channel = Channel.sms

    def __init__(self, inner: object, redis_url: str) -> None:
        self.inner = inner
        self.admin = admin_redis(redis_url)
        self.gone = False

    async def send(self, j: DeliveryJob) -> str | None:
        provider_id: str | None = await self.inner.send(j)  # type: ignore[attr-defined]
        if not self.gone:
            self.gone = True
            await self.admin.execute_command("ACL", "SETUSER", USER, "off")
            await self.admin.execute_command("CLIENT", "KILL", "USER", USER)
        return provider_id

    async def restore(self) -> None:
        await self.admin.execute_command("ACL", "SETUSER", USER, "on")

    async def close(self) -> None:
        await self.inner.close()  # type: ignore[attr-defined]
        await self.admin.aclose()


@pytest.mark.parametrize("lease_expires", [False, True], ids=["claim-live", "lease-expired"])
async def test_an_sms_accepted_while_redis_refuses_the_done_mark_gets_one_outcome_and_one_send(
    gateway: Gateway, redis_url: str, lease_expires: bool
) -> None:
    """Given a batch of three SMS jobs and Redis turning the sender away right after the gateway
    accepted the first (so its done mark cannot be written, and stays unwritten past the retries),
    when the batch is retried once Redis is back (with the claim still live, or after its lease expired),
    then the gateway received each message exactly once and each job has exactly one outcome,
    'delivered', and its key is marked done."""
    lease = 1 if lease_expires else 30
    settings = sender_settings(redis_url, sender_lease_seconds=lease, sender_done_retry_seconds=0.5)
    redis = user_redis(redis_url, USER)
    inner = make_receiver(Channel.sms, settings, sms_gateway_url=gateway.url, sms_gateway_token=gateway.token)
    receiver = _RedisGoneAfterFirstSend(inner, redis_url)
    worker = SenderWorker(receiver, settings, redis)  # type: ignore[arg-type]
    jobs = [job(Channel.sms, f"+3247000010{i}") for i in range(3)]
    try:
        with pytest.raises(RedisConnectionError):
            await worker.process(jobs)  # the stage rewinds the batch and retries it after a pause
        assert receiver.gone
        if lease_expires:
            await asyncio.sleep(lease + 1.0)
        await receiver.restore()
        await assert_sent_once_delivered(await worker.process(jobs), jobs, gateway, receiver.admin)
    finally:
        await receiver.restore()
        await receiver.close()
        await redis.aclose()


async def assert_sent_once_delivered(results: list[list[Out]], jobs: list[DeliveryJob], gateway: Gateway,
                                     admin: Redis) -> None:
    """Each job: one outcome, 'delivered', in ``results``; one send at the gateway's wire; its key done."""
    published = [o.event for outs in results for o in outs if isinstance(o.event, DeliveryOutcome)]
    assert Counter(o.delivery_id for o in published) == Counter(j.delivery_id for j in jobs)
    assert {o.outcome for o in published} == {Outcome.delivered}
    assert gateway.received() == Counter({sha(j.idempotency_key): 1 for j in jobs})
    async with httpx.AsyncClient(timeout=30) as client:  # what the gateway saw at the wire
        seen = (await client.get(f"{gateway.url}/_control/requests")).json()
    assert seen["count"] == len(jobs) and {r["status"] for r in seen["requests"]} == {202}
    for j in jobs:
        assert await admin.get(KEY.format(j.idempotency_key)) == f"done|{j.delivery_id}|delivered".encode()
