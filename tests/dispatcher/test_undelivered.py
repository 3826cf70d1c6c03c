"""A member nobody could reach: the coordinators' alerts (pure), and the dispatcher's deliveries
stage on the real broker (its ACL included)."""

from __future__ import annotations

from datetime import datetime

import pytest

from binrelay_dispatcher.undelivered import AUDIENCE, alert_jobs, alert_report_id
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Channel, DeliveryOutcome, Outcome, Stamps, new_id, utcnow
from tests.kafka_helpers import TopicReader, produce

from .conftest import E2E
from .helpers import seed_networks

NOW = datetime.fromisoformat("2026-01-13T23:30:00+01:00")


def failed(network: str = "zavel", member: str = "zavel-member-2", *, outcome: Outcome = Outcome.failed,
           audience: str = "group", report_id: str | None = None) -> DeliveryOutcome:
    return DeliveryOutcome(
        report_id=report_id or new_id(), network_id=network, zone_id="5339", trace_id=new_id(),
        stamps=Stamps(received=NOW), delivery_id=new_id(), audience=audience, recipient_id=member,
        channel=Channel.chat, outcome=outcome, attempts=1, reason="matrix_create_dm_M_FORBIDDEN",
    )


def test_a_chat_only_member_not_reached_is_named_to_each_coordinator_on_their_own_channels() -> None:
    """Given Zavel's chat-only member whose chat delivery failed for good (no next channel),
    then each coordinator gets an alert at once (quiet hours or not), on their first channel with
    the rest as fallback, in their language, naming the member by id and never by address."""
    zavel = seed_networks()["zavel"]
    o = failed()
    jobs = {j.recipient_id: j for j in alert_jobs(zavel, o, NOW)}
    assert set(jobs) == {"zavel-coord-1", "zavel-coord-2"}
    c1, c2 = jobs["zavel-coord-1"], jobs["zavel-coord-2"]
    assert (c1.channel, c1.fallback, c1.language) == (Channel.chat, (Channel.email, Channel.sms), "nl")
    assert c1.fallback_addresses[Channel.sms] == "+447700900004"
    assert (c2.channel, c2.fallback, c2.language) == (Channel.email, (Channel.sms,), "fr")
    for j in (c1, c2):
        assert j.audience == AUDIENCE and j.send_at is None
        assert j.report_id == alert_report_id(o.report_id, "zavel-member-2") != o.report_id
        assert "zavel-member-2" in j.text and o.report_id[:8] in j.text and "matrix_create_dm_M_FORBIDDEN" in j.text
        assert "@zavel-member-2" not in j.text and "binrelay.test" not in j.text
    assert c2.subject and "Membre non joint" in c2.subject


def test_no_alert_for_a_fallback_a_delivery_alert_or_an_unknown_network() -> None:
    """A delivery that fell back reached the next channel's sender; an alert that failed is left to the
    MemberNotReached alert rule (no alert about an alert); a coordinator is never told about themselves."""
    zavel = seed_networks()["zavel"]
    assert alert_jobs(zavel, failed(outcome=Outcome.fell_back), NOW) == []
    assert alert_jobs(zavel, failed(outcome=Outcome.delivered), NOW) == []
    assert alert_jobs(zavel, failed(audience=AUDIENCE), NOW) == []
    assert alert_jobs(zavel, failed(report_id=alert_report_id("r1", "zavel-member-2")), NOW) == []
    about_coord = alert_jobs(zavel, failed(member="zavel-coord-1", audience="coordinators"), NOW)
    assert [j.recipient_id for j in about_coord] == ["zavel-coord-2"]


def test_an_sms_alert_fits_the_plans_budget() -> None:
    meudon = seed_networks()["meudon"]
    jobs = alert_jobs(meudon, failed("meudon", "meudon-member-3"), NOW)
    sms = [j for j in jobs if j.channel is Channel.sms]
    assert sms and all(len(j.text) <= 160 * meudon.file.plan.sms_max_segments for j in sms)
    assert all(j.subject is None for j in sms)


@pytest.mark.integration
async def test_the_dispatcher_alerts_the_coordinators_of_a_failed_outcome_on_the_broker(e2e: E2E) -> None:
    """Given the dispatcher process (its own principal and ACLs) running the e2e copy of Zavel's plan,
    when a sender publishes 'failed' for the chat-only member on bin.deliveries.v1 (twice: a redelivery),
    then one alert per coordinator appears on the outboxes, naming the member."""
    readers = {c: await TopicReader(e2e.kafka, topics.outbox(c)).start() for c in ("chat", "email")}
    o = failed("e2e-zavel").model_copy(update={"stamps": Stamps(received=utcnow())})
    try:
        for _ in range(2):
            await produce(e2e.kafka, topics.DELIVERIES, [encode(o)], key=b"e2e-zavel")
        rid = alert_report_id(o.report_id, "zavel-member-2")
        [chat] = await readers["chat"].wait_for(lambda m: m.get("report_id") == rid, timeout=60)
        [mail] = await readers["email"].wait_for(lambda m: m.get("report_id") == rid, timeout=60)
        assert (chat["recipient_id"], mail["recipient_id"]) == ("zavel-coord-1", "zavel-coord-2")
        assert chat["audience"] == AUDIENCE and "zavel-member-2" in chat["text"]
        # The redelivered outcome made nothing more: a later alert about another member arrives alone.
        later = failed("e2e-zavel", "zavel-member-1").model_copy(update={"stamps": Stamps(received=utcnow())})
        await produce(e2e.kafka, topics.DELIVERIES, [encode(later)], key=b"e2e-zavel")
        later_rid = alert_report_id(later.report_id, "zavel-member-1")
        await readers["email"].wait_for(lambda m: m.get("report_id") == later_rid, timeout=60)
        assert [m for m in readers["email"].seen if m.get("report_id") == rid] == [mail]
    finally:
        for r in readers.values():
            await r.stop()
