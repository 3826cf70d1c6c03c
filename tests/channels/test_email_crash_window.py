"""The e-mail sender's one at-least-once window, as documented (services/senders/README.md,
"Crashes and Redis refusals"): real SMTP sink (writing a maildir), real Redis, no Kafka.

A sender that dies after the SMTP server accepted a mail and before its ``done`` mark leaves a
``sending`` claim; once the lease expires another sender sends the mail again (a lost alert
would be worse). SMTP cannot drop the repeat, so what the relay promises is that both copies
carry the same Message-ID — mail clients thread or deduplicate them, a reply binds to one alert —
and that ``binrelay audit --maildir`` counts the key as sent twice instead of hiding it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from binrelay.wire import add_maildir
from binrelay_devservers.smtp_sink import SinkHandler
from binrelay_senders.idempotency import Claims
from binrelay_senders.providers.smtp import message_id
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared.audit import Received, Records, account
from binrelay_shared.events import Channel, DeliveryOutcome, Outcome, utcnow
from tests.channels.conftest import sender_settings
from tests.channels.servers import job
from tests.redis_helpers import admin_redis

pytestmark = pytest.mark.integration


async def test_a_mail_resent_after_a_crash_in_the_window_has_the_same_message_id_and_is_counted_twice(
    smtp_sink: tuple[int, SinkHandler], redis_url: str, tmp_path: Path
) -> None:
    """Given an e-mail job whose first sender dies after the SMTP server accepted the mail and
    before the done mark,
    when its claim's lease expires and a second sender takes the job,
    then the mail is delivered (not lost), the sink received it twice with one and the same
    Message-ID, and the audit's wire count (the sink's maildir) says: sent twice."""
    port, sink = smtp_sink
    settings = sender_settings(redis_url, sender_lease_seconds=1)
    redis = admin_redis(redis_url)
    dead = make_receiver(Channel.email, settings, smtp_port=port)
    second = SenderWorker(make_receiver(Channel.email, settings, smtp_port=port), settings, redis, owner="second")
    j = job(Channel.email, "lid-window@example.test", recipient_id="m-window")
    try:
        # What a sender killed in the window leaves: its claim taken, the mail accepted, no done mark.
        claim = await Claims(redis, "first", settings.sender_lease_seconds, 3600).claim(j.idempotency_key,
                                                                                         j.delivery_id)
        assert claim.acquired
        await dead.send(j)
        await asyncio.sleep(settings.sender_lease_seconds + 1.0)  # the dead sender's lease runs out
        results = await second.process([j])
        assert [o.event.outcome for o in results[0] if isinstance(o.event, DeliveryOutcome)] == [Outcome.delivered]

        mid = message_id(j.idempotency_key)
        assert [m.message_id for m in sink.messages] == [mid, mid]  # twice, as one message to a mail client
        records = Records(received=[Received(j.report_id, utcnow())], dispatched=[j.report_id],
                          jobs=[{**j.model_dump(mode="json"), "planned_at": None}],
                          outcomes=[{"delivery_id": j.delivery_id, "outcome": "delivered", "reason": None}])
        add_maildir(records, tmp_path / "mail")  # the smtp_sink fixture's maildir
        audit = account(records, utcnow() - timedelta(minutes=1), utcnow())
        assert audit.sent_twice == {j.idempotency_key: 2}
        assert not audit.deliveries_lost and not audit.ok
    finally:
        await dead.close()
        await second.receiver.close()
        await redis.aclose()
