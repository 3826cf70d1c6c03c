"""The SMS sender when Redis *refuses* the ``done`` mark after the gateway accepted (issue #16):
real Redis (the sender's own ACL user), real loopback SMS gateway, no Kafka.

Unlike a lost connection (tests/channels/test_done_mark_outage.py), Redis answers — with an
error: ``READONLY`` (the server became a replica: a failover in progress) or ``NOPERM`` (the
sender's ACL user no longer allowed the command: an ACL being changed). Neither says anything
about the job, so the stage must retry the batch later (its ``UNREACHABLE`` failures), not
bisect it and dead-letter a job the gateway has already sent; and the retry, once Redis takes
writes again, must publish one outcome per job with one send each at the wire."""

from __future__ import annotations

import pytest

from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared.events import Channel, DeliveryJob
from binrelay_shared.stage import UNREACHABLE
from tests.channels.conftest import sender_settings
from tests.channels.servers import Gateway, job
from tests.channels.test_done_mark_outage import assert_sent_once_delivered
from tests.redis_helpers import admin_redis, user_redis

pytestmark = pytest.mark.integration

USER = "sender-sms"


class _RedisRefusesAfterFirstSend:
    """The SMS receiver on the gateway; once the gateway has accepted the first message, Redis
    refuses the sender's writes (``how``: ``readonly`` or ``noperm``) until :meth:`restore`."""

    channel = Channel.sms

    def __init__(self, inner: object, redis_url: str, how: str) -> None:
        self.inner = inner
        self.redis_url = redis_url
        self.admin = admin_redis(redis_url)
        self.how = how
        self.refusing = False

    async def send(self, j: DeliveryJob) -> str | None:
        provider_id: str | None = await self.inner.send(j)  # type: ignore[attr-defined]
        if not self.refusing:
            self.refusing = True
            if self.how == "readonly":  # a replica of a primary that is not there: writes get READONLY
                await self.admin.execute_command("REPLICAOF", "127.0.0.1", "1")
            else:  # the user exists and is authenticated, but may run nothing: NOPERM
                await self.admin.execute_command("ACL", "SETUSER", USER, "-@all")
        return provider_id

    async def restore(self) -> None:
        if self.how == "readonly":
            await self.admin.execute_command("REPLICAOF", "NO", "ONE")
        else:
            await self.admin.execute_command("ACL", "LOAD")  # the users as redis.sh rendered them
            await self.admin.aclose()  # ACL LOAD closed every user's connections, ours too
            self.admin = admin_redis(self.redis_url)

    async def close(self) -> None:
        await self.inner.close()  # type: ignore[attr-defined]
        await self.admin.aclose()


@pytest.mark.parametrize("how", ["readonly", "noperm"])
async def test_an_sms_accepted_while_redis_refuses_the_done_mark_is_retried_not_dead_lettered(
    gateway: Gateway, redis_url: str, how: str
) -> None:
    """Given a batch of three SMS jobs and Redis refusing the sender's writes (READONLY or NOPERM)
    right after the gateway accepted the first, past the done mark's retries,
    when the worker processes the batch,
    then it fails with a failure the stage answers by retrying the batch (not by dead-lettering);
    and when the batch is retried once Redis takes writes again, the gateway received each message
    exactly once, each job has exactly one outcome, 'delivered', and its key is marked done."""
    settings = sender_settings(redis_url, sender_lease_seconds=30, sender_done_retry_seconds=0.5)
    redis = user_redis(redis_url, USER)
    inner = make_receiver(Channel.sms, settings, sms_gateway_url=gateway.url, sms_gateway_token=gateway.token)
    receiver = _RedisRefusesAfterFirstSend(inner, redis_url, how)
    worker = SenderWorker(receiver, settings, redis)  # type: ignore[arg-type]
    jobs = [job(Channel.sms, f"+3247000020{i}") for i in range(3)]
    try:
        with pytest.raises(Exception) as refused:  # the class is asserted below
            await worker.process(jobs)
        assert receiver.refusing
        assert isinstance(refused.value, UNREACHABLE), (
            f"{type(refused.value).__name__} would make the stage dead-letter a job the gateway sent")
        await receiver.restore()
        await assert_sent_once_delivered(await worker.process(jobs), jobs, gateway, receiver.admin)
    finally:
        await receiver.restore()
        await receiver.close()
        await redis.aclose()
