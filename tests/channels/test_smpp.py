"""SMS over SMPP 3.4 against the loopback SMSC (a real TCP server speaking the protocol)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from binrelay_devservers.smsc import SmscState, start_smsc, submit_counts
from binrelay_senders.providers import smpp_pdu as p
from binrelay_senders.providers.smpp import SmppReceiver
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared import topics
from binrelay_shared.events import Channel, DeliveryOutcome, Outcome
from tests.channels.conftest import sender_settings
from tests.channels.servers import job
from tests.conftest import free_port
from tests.redis_helpers import admin_redis

pytestmark = pytest.mark.integration


@pytest.fixture
async def smsc() -> AsyncIterator[tuple[int, SmscState]]:
    state = SmscState()
    port = free_port()
    server = await start_smsc(state, port)
    try:
        yield port, state
    finally:
        server.close()


async def test_sms_over_smpp_delivered_retried_and_fallen_back(
    smsc: tuple[int, SmscState], redis_url: str
) -> None:
    """Given the SMS sender with sms_transport=smpp and a loopback SMSC,
    when it sends an SMS, a Latin-1 one and a long UCS-2 one, they reach the SMSC intact;
    when the SMSC throttles twice, the job is delivered on the third try over the same session;
    when the SMSC refuses the destination, the job falls back to e-mail."""
    port, state = smsc
    settings = sender_settings(redis_url, sms_transport="smpp")
    redis = admin_redis(redis_url)
    receiver = make_receiver(Channel.sms, settings, smpp_port=port, smpp_password=state.password)
    assert isinstance(receiver, SmppReceiver)
    worker = SenderWorker(receiver, settings, redis)
    long_text = "Опасность: " + " ".join(["inbraak bezig, blijf binnen."] * 10)  # not Latin-1, > 140 bytes
    try:
        jobs = [
            job(Channel.sms, "+32 470 00 00 10", text="Alarm: verdachte wagen (test)."),
            job(Channel.sms, "+32470000011", text="Alerte : véhicule suspect, Place du Grand Sablon."),
            job(Channel.sms, "+32470000012", text=long_text),
        ]
        results = await worker.process(jobs)
        assert [o.event.outcome for [o] in results] == [Outcome.delivered] * 3
        sent = sorted((m["to"], m["text"], m["data_coding"]) for m in state.sent)  # sent concurrently
        assert submit_counts(state) == Counter((m["to"], m["text"]) for m in state.sent)  # each submitted once
        assert sent == [
            ("+32470000010", "Alarm: verdachte wagen (test).", p.DATA_CODING_LATIN1),
            ("+32470000011", "Alerte : véhicule suspect, Place du Grand Sablon.", p.DATA_CODING_LATIN1),
            ("+32470000012", long_text, p.DATA_CODING_UCS2),
        ]

        state.fail_mode, state.fail_count = "transient", 2
        [[outcome]] = await worker.process([job(Channel.sms, "+32470000013")])
        assert (outcome.event.outcome, outcome.event.attempts) == (Outcome.delivered, 3)
        statuses = [r["status"] for r in state.received if r["to"] == "+32470000013"]  # at the wire
        assert statuses == [p.ESME_RTHROTTLED, p.ESME_RTHROTTLED, p.ESME_ROK]
        assert state.binds == 1  # one session for everything

        state.fail_mode, state.fail_count = "permanent", 1
        [outs] = await worker.process([job(Channel.sms, "+32470000014", fallback=(Channel.email,),
                                           fallback_addresses={Channel.email: "lid-14@example.test"})])
        first = outs[0].event
        assert isinstance(first, DeliveryOutcome)
        assert (first.outcome, first.reason) == (Outcome.fell_back, "smpp_0x0b")
        assert outs[1].topic == topics.outbox(Channel.email)
    finally:
        await receiver.close()
        await redis.aclose()


async def test_a_wrong_password_is_retryable_and_names_no_secret(smsc: tuple[int, SmscState], redis_url: str) -> None:
    """Given an SMSC that refuses our credentials, then the bind failure is retryable (an operator
    can fix it) and the reason is the SMPP status code only."""
    port, _ = smsc
    settings = sender_settings(redis_url, sms_transport="smpp")
    receiver = make_receiver(Channel.sms, settings, smpp_port=port, smpp_password="wrong")
    try:
        with pytest.raises(Exception) as err:
            await receiver.send(job(Channel.sms, "+32470000015"))
        assert getattr(err.value, "retryable", None) is True
        assert getattr(err.value, "reason", "") == "smpp_bind_0x0e"
    finally:
        await receiver.close()


async def test_smpp_keeps_a_bounded_window_of_submissions_in_flight(
    smsc: tuple[int, SmscState], redis_url: str
) -> None:
    """Given an SMSC that answers each submit_sm after a pause (several outstanding at once) and a
    sender with smpp_window=4, when 30 SMS are sent at the same time,
    then the SMSC sees more than one but never more than 4 unanswered submit_sm on the one
    session, each answer is matched to its own SMS by sequence number, each SMS submitted once."""
    port, state = smsc
    state.delay = 0.05
    settings = sender_settings(redis_url, sms_transport="smpp")
    receiver = make_receiver(Channel.sms, settings, smpp_port=port, smpp_password=state.password, smpp_window=4)
    assert isinstance(receiver, SmppReceiver)
    jobs = [job(Channel.sms, f"+324700006{i:02d}", text=f"Bericht {i}") for i in range(30)]
    try:
        ids = await asyncio.gather(*(receiver.send(j) for j in jobs))
    finally:
        await receiver.close()
    assert 1 < state.max_outstanding <= 4
    assert state.binds == 1
    by_id = {m["id"]: (m["to"], m["text"]) for m in state.sent}
    assert [by_id[i] for i in ids if i] == [(j.address, j.text) for j in jobs]
    assert submit_counts(state) == Counter((j.address, j.text) for j in jobs)
