"""End to end on the real broker: cleared reports in, Dispatches and delivery jobs out.

A real dispatcher process (see conftest.py) runs the seed plans (ids prefixed ``e2e-``, ack
timeouts of seconds). Reports are published on bin.reports.cleared.v1 exactly as the privacy
filter publishes them; the tests read bin.dispatch.<zone>.v1 and bin.outbox.<channel>.v1 with
plain aiokafka. Delivery itself (SMTP, Matrix, SMS) is the channel senders' and tested there.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest

from binrelay_dispatcher import state
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import ReportCleared, Response, ResponseKind, utcnow
from binrelay_shared.network.templates import FLAG_LABELS
from tests.kafka_helpers import TopicReader, produce
from tests.redis_helpers import admin_redis

from .conftest import E2E
from .helpers import REPO, cleared

pytestmark = pytest.mark.integration

ZONE = "5339"
NIGHT = datetime.fromisoformat("2026-01-13T23:30:00+01:00")  # a past night: held jobs fall due at once
DAY = datetime.fromisoformat("2026-01-13T14:00:00+01:00")
Msg = dict[str, Any]


class Feeds:
    """Readers on the zone topic and the three outboxes, started before anything is posted."""

    def __init__(self, kafka: str) -> None:
        self.zone = TopicReader(kafka, topics.dispatch(ZONE))
        self.out = {c: TopicReader(kafka, topics.outbox(c)) for c in ("sms", "email", "chat")}

    async def start(self) -> Feeds:
        await self.zone.start()
        for r in self.out.values():
            await r.start()
        return self

    async def stop(self) -> None:
        await self.zone.stop()
        for r in self.out.values():
            await r.stop()

    async def dispatch(self, report_id: str) -> Msg:
        """The plan-aware Dispatch of a report (not the pipeline dispatcher's ``no-plan`` one)."""
        [d] = await self.zone.wait_for(lambda m: m.get("report_id") == report_id and m["routes"] != ["no-plan"])
        return d

    async def jobs(self, report_id: str, count: int, timeout: float = 90.0) -> list[Msg]:
        """Wait until ``count`` jobs of the report have arrived over all outboxes; return them all.
        The timeout only bounds a hang (generous: a busy machine is slow, never wrong)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [m for r in self.out.values() for m in r.seen if m.get("report_id") == report_id]
            if len(found) >= count:
                return found
            if loop.time() > deadline:
                raise AssertionError(f"{len(found)}/{count} jobs for {report_id}: {_summary(found)}")
            for r in self.out.values():
                await r.poll(0.1)

    async def settle_jobs(self, e2e: E2E, report: ReportCleared) -> list[Msg]:
        """All jobs of ``report`` once nothing more of its dispatch can come (see :meth:`after_sentinel`)."""
        return await self.after_sentinel(report.report_id, report.network_id or "", e2e.post)

    async def after_sentinel(
        self, report_id: str, network: str, post: Callable[[ReportCleared], Awaitable[object]]
    ) -> list[Msg]:
        """All jobs of ``report_id`` once nothing more of its dispatch can come ("nothing else was
        sent", with a positive marker instead of a quiet moment): a sentinel report of the same
        network goes through the dispatcher after it (same key, same partition, in order); once
        the test dispatcher's Dispatch of it is out, the outboxes are read to their end. (The
        session pipeline's dispatcher, when it runs, answers a network it has no plan for with a
        "no-plan" Dispatch of its own: that one proves nothing about the test's dispatcher.)"""
        sentinel = cleared(network, utcnow(), text="sentinel")
        await post(sentinel)
        await self.zone.wait_for(
            lambda m: m.get("report_id") == sentinel.report_id and m.get("routes") != ["no-plan"], timeout=90)
        for r in self.out.values():
            await r.read_to_end()
        return [m for r in self.out.values() for m in r.seen if m.get("report_id") == report_id]


def _summary(jobs: list[Msg]) -> list[tuple[str, str, str]]:
    return sorted((j["audience"], j["recipient_id"], j["channel"]) for j in jobs)


@pytest.fixture
async def feeds(e2e: E2E) -> AsyncIterator[Feeds]:
    f = await Feeds(e2e.kafka).start()
    yield f
    await f.stop()


async def respond(e2e: E2E, response: Response) -> None:
    await produce(e2e.kafka, topics.RESPONSES, [encode(response)], key=(response.network_id or "").encode())


async def test_urgent_member_report_reaches_officer_and_coordinators_at_once_then_escalates(
    e2e: E2E, feeds: Feeds
) -> None:
    """Given Zavel's plan (ack timeout 3 s in this test copy),
    when an urgent member report arrives,
    then the zone gets the Dispatch (routes filled in), the officer and both coordinators get an SMS
    job at once in their language, with the rest of their channel order as fallback,
    and, as no coordinator acknowledges, the steering group gets an escalation SMS."""
    r = cleared("e2e-zavel", utcnow(), urgency="urgent", category="burglary", text="Inbraak bezig, Lebeaustraat")
    await e2e.post(r)
    dispatch = await feeds.dispatch(r.report_id)
    assert dispatch["routes"] == ["urgent-member-report"] and dispatch["held"] is None
    assert dispatch["rendering"]["audience"] == "police"
    first = [j for j in await feeds.jobs(r.report_id, 3) if j["audience"] != "steering_group"]
    assert _summary(first) == [
        ("coordinators", "zavel-coord-1", "sms"),
        ("coordinators", "zavel-coord-2", "sms"),
        ("officer", "officer-5339-zavel", "sms"),
    ]
    by_id = {j["recipient_id"]: j for j in first}
    assert by_id["zavel-coord-2"]["language"] == "fr" and "URGENT" in by_id["zavel-coord-2"]["text"]
    assert by_id["zavel-coord-1"]["fallback"] == ["chat", "email"]
    assert by_id["zavel-coord-1"]["fallback_addresses"]["chat"].endswith(":binrelay.test")
    assert all(j["sms_segments"] and j["sms_segments"] <= 3 for j in first)
    assert "[coordinator]" in by_id["zavel-coord-1"]["text"]  # the coordinators' rendering
    assert "Inbraak bezig" in by_id["officer-5339-zavel"]["text"]  # the police rendering
    escalated = await feeds.jobs(r.report_id, 4)
    assert ("steering_group", "zavel-steering-1", "sms") in _summary(escalated)


async def test_acknowledged_report_is_not_escalated_and_unacknowledged_one_is(e2e: E2E, feeds: Feeds) -> None:
    """Given Meudon's plan (coordinators at once, officer after a 30 s ack timeout in this copy),
    when two urgent reports arrive and a coordinator replies OK to the first only,
    then the officer gets an escalation for the second and nothing for the first."""
    acked = cleared("e2e-meudon", utcnow(), urgency="urgent", text="Verdachte personen in tuinen")
    ignored = cleared("e2e-meudon", utcnow(), urgency="urgent", text="Iemand probeert ramen te openen")
    await e2e.post(acked, ignored)
    assert _summary(await feeds.jobs(acked.report_id, 2)) == [
        ("coordinators", "meudon-coord-1", "sms"), ("coordinators", "meudon-coord-2", "sms")]
    await respond(e2e, Response(report_id=acked.report_id, network_id="e2e-meudon",
                                responder_id="meudon-coord-1", kind=ResponseKind.acknowledge, via="sms"))
    escalated = await feeds.jobs(ignored.report_id, 3, timeout=120)
    assert ("officer", "officer-5339-meudon", "sms") in _summary(escalated)
    officer = next(j for j in escalated if j["audience"] == "officer")
    assert "ESCALATIE" in officer["text"] and officer["language"] == "nl"
    redis = admin_redis(e2e.redis_url)
    try:
        raw = await redis.get(state.ack_key(acked.report_id))
    finally:
        await redis.aclose()
    assert raw is not None and orjson.loads(raw)["s"] == "acknowledged"
    assert _summary(await feeds.settle_jobs(e2e, acked)) == [
        ("coordinators", "meudon-coord-1", "sms"), ("coordinators", "meudon-coord-2", "sms")]


async def test_non_urgent_member_report_goes_to_coordinators_by_email_or_chat(e2e: E2E, feeds: Feeds) -> None:
    """Given Zavel's plan, when a non-urgent member report arrives in the afternoon,
    then each coordinator gets it on their own first channel among e-mail and chat, the reporter
    gets a confirmation on the channel the report came in (e-mail), the zone gets the Dispatch, and
    the group gets nothing."""
    r = cleared("e2e-zavel", DAY, category="theft", reporter="zavel-member-3", text="Fiets gestolen", channel="email")
    await e2e.post(r)
    assert (await feeds.dispatch(r.report_id))["routes"] == ["member-report"]
    jobs = await feeds.jobs(r.report_id, 3)
    assert _summary(jobs) == [
        ("coordinators", "zavel-coord-1", "chat"),
        ("coordinators", "zavel-coord-2", "email"),
        ("reporter", "zavel-member-3", "email"),
    ]
    coord2 = next(j for j in jobs if j["recipient_id"] == "zavel-coord-2")
    assert coord2["subject"] and coord2["language"] == "fr" and coord2["send_at"] is None
    assert len(await feeds.settle_jobs(e2e, r)) == 3


async def test_non_urgent_member_report_goes_into_the_daily_digest(e2e: E2E, feeds: Feeds) -> None:
    """Given Meudon's plan (non-urgent reports: the coordinators' daily digest at 08:00),
    when a non-urgent report arrives (received on a past afternoon, so the digest is due),
    then each coordinator gets one digest job with the report, sent at 08:00 the next morning."""
    r = cleared("e2e-meudon", DAY, category="vandalism", text="Bushokje vernield aan de Marlylaan")
    await e2e.post(r)
    await feeds.dispatch(r.report_id)
    digest_id = "digest-e2e-meudon-20260114"
    jobs = [j for j in await feeds.jobs(digest_id, 2) if "Bushokje" in j["text"]]
    assert sorted(j["recipient_id"] for j in jobs) == ["meudon-coord-1", "meudon-coord-2"]
    assert {j["send_at"] for j in jobs} == {"2026-01-14T07:00:00Z"}


async def test_police_alarm_reaches_the_whole_group_at_night_then_the_closing_message(
    e2e: E2E, feeds: Feeds
) -> None:
    """Given Zavel's plan, when the police post an alarm at 23:30,
    then every member who signed the house rules and is not excluded gets it at once (quiet hours
    bypassed), SMS first, in their language; when the police post the closing message, the same
    members get the all clear."""
    alarm = cleared("e2e-zavel", NIGHT, origin="police", kind="alarm", urgency="urgent",
                    category="missing_person", text="Vermiste man, 80 jaar, blauwe jas")
    await e2e.post(alarm)
    jobs = await feeds.jobs(alarm.report_id, 7)
    members = {j["recipient_id"] for j in jobs}
    assert len(jobs) == 7 and "zavel-member-noconsent" not in members and "zavel-member-excluded" not in members
    assert all(j["send_at"] is None for j in jobs)
    assert sum(j["channel"] == "sms" for j in jobs) == 5
    assert {j["language"] for j in jobs} == {"nl", "fr", "en", "de"}  # zavel-member-4 reads German
    assert all("[group]" in j["text"] for j in jobs)
    closing = cleared("e2e-zavel", NIGHT + timedelta(minutes=45), origin="police", kind="closing",
                      refers_to=alarm.report_id, text="Man teruggevonden. Bedankt.")
    await e2e.post(closing)
    # feedback-to-reporter matches too: the alarm was the police's own, so no reporter is answered
    assert (await feeds.dispatch(closing.report_id))["routes"] == ["feedback-to-reporter", "police-closing"]
    done = await feeds.jobs(closing.report_id, 7)
    assert {j["recipient_id"] for j in done} == members
    assert all(j["send_at"] is None for j in done)


async def test_police_prevention_needs_approval_and_then_waits_for_morning(e2e: E2E, feeds: Feeds) -> None:
    """Given Zavel's plan, when the police post a prevention message on a (past) evening,
    then the zone Dispatch says held=approval, the coordinators and steering group get approval
    requests and the group nothing; when a coordinator approves at 23:45,
    then the other members get it, each sent at the end of their own quiet hours."""
    msg = cleared("e2e-zavel", NIGHT, origin="police", kind="prevention", text="Let op valse agenten")
    await e2e.post(msg)
    assert (await feeds.dispatch(msg.report_id))["held"] == "approval"
    requests = await feeds.jobs(msg.report_id, 3)
    assert {j["audience"] for j in requests} == {"coordinators", "steering_group"}
    assert all("binrelay approve" in j["text"] for j in requests)
    assert len(await feeds.settle_jobs(e2e, msg)) == 3  # nothing for the group yet
    await respond(e2e, Response(report_id=msg.report_id, network_id="e2e-zavel", responder_id="zavel-coord-2",
                                kind=ResponseKind.approve, via="email", at=NIGHT + timedelta(minutes=15)))
    jobs = await feeds.jobs(msg.report_id, 7)
    group = {j["recipient_id"]: j for j in jobs if j["audience"] == "group"}
    assert set(group) == {"zavel-member-1", "zavel-member-2", "zavel-member-3", "zavel-member-4"}
    assert group["zavel-member-1"]["send_at"] == "2026-01-14T05:30:00Z"  # own quiet hours: 06:30 Brussels
    assert group["zavel-member-3"]["send_at"] == "2026-01-14T06:00:00Z"  # 07:00 Brussels


async def test_binrelay_approve_publishes_the_decision(e2e: E2E, feeds: Feeds) -> None:
    """Given a police feedback message for Meudon held for approval,
    when the operator runs `binrelay approve REPORT_ID`,
    then a Response(approve, via cli) is published and the dispatcher records the approval."""
    msg = cleared("e2e-meudon", DAY, origin="police", kind="feedback", text="Dader gevat, bedankt")
    await e2e.post(msg)
    await feeds.jobs(msg.report_id, 2)  # the approval requests
    responses = await TopicReader(e2e.kafka, topics.RESPONSES).start()
    try:
        result = await asyncio.to_thread(
            subprocess.run,
            [str(REPO / ".venv" / "bin" / "binrelay"), "approve", msg.report_id, "--network", "e2e-meudon"],
            env={**os.environ, **e2e.env}, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        [resp] = await responses.wait_for(lambda m: m.get("report_id") == msg.report_id)
    finally:
        await responses.stop()
    assert resp["kind"] == "approve" and resp["via"] == "cli"
    redis = admin_redis(e2e.redis_url)
    deadline = time.monotonic() + 90  # bounds a hang only
    try:
        while True:
            raw = await redis.get(state.approval_key(msg.report_id))
            if (raw and orjson.loads(raw)["s"] == "approved") or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
    finally:
        await redis.aclose()
    assert raw is not None and orjson.loads(raw)["s"] == "approved"


async def test_network_without_coordinator_reaches_the_officer_and_the_zone(e2e: E2E, feeds: Feeds) -> None:
    """Given Kastelein's plan (no coordinator), when an urgent member report arrives,
    then the officer gets an SMS job and the zone the Dispatch, and nobody else anything."""
    r = cleared("e2e-kastelein", utcnow(), urgency="urgent", category="robbery_or_violence", text="Overval")
    await e2e.post(r)
    assert (await feeds.dispatch(r.report_id))["routes"] == ["urgent-member-report"]
    jobs = await feeds.jobs(r.report_id, 1)
    assert _summary(jobs) == [("officer", "officer-5339-kastelein", "sms")]
    assert jobs[0]["language"] == "fr"
    assert len(await feeds.settle_jobs(e2e, r)) == 1


async def test_policy_flagged_report_is_held_for_the_coordinator_never_broadcast(e2e: E2E, feeds: Feeds) -> None:
    """Given Zavel's plan, when a member report flagged as a call to take the law into one's own
    hands arrives, then the Dispatch says held=policy, the coordinators get the hold notice, and no
    member of the group gets anything."""
    r = cleared("e2e-zavel", DAY, flags=["vigilante"], text="Laten we hem zelf pakken")
    await e2e.post(r)
    dispatch = await feeds.dispatch(r.report_id)
    assert dispatch["held"] == "policy" and dispatch["routes"] == ["policy-hold"]
    jobs = await feeds.jobs(r.report_id, 2)
    assert {j["audience"] for j in await feeds.settle_jobs(e2e, r)} == {"coordinators"}
    assert all(FLAG_LABELS[j["language"]]["vigilante"] in j["text"] for j in jobs)


@pytest.mark.parametrize("network", ["zavel", "kastelein", "meudon"])
async def test_urgent_flagged_report_at_night_reaches_the_officer_at_once(
    e2e: E2E, feeds: Feeds, network: str
) -> None:
    """Urgent first, policy after. Given a network's plan, when a burglary in progress at night whose
    text also calls to deal with the burglar oneself (urgent + vigilante) arrives, then the zone gets
    the Dispatch (held=policy: the broadcast is held), the officer an SMS job at once showing the
    flag in their language, and no member of the group anything."""
    r = cleared(f"e2e-{network}", NIGHT, urgency="urgent", category="burglary", flags=["vigilante"],
                text="Inbraak bezig, we pakken hem zelf")
    await e2e.post(r)
    dispatch = await feeds.dispatch(r.report_id)
    assert dispatch["held"] == "policy"
    await feeds.jobs(r.report_id, 1)
    jobs = await feeds.settle_jobs(e2e, r)
    officer = [j for j in jobs if j["audience"] == "officer"]
    assert [(j["recipient_id"], j["channel"], j["send_at"]) for j in officer] == [
        (f"officer-5339-{network}", "sms", None)
    ]
    assert FLAG_LABELS[officer[0]["language"]]["vigilante"] in officer[0]["text"]
    assert "group" not in {j["audience"] for j in jobs}


async def test_a_german_speaking_member_gets_german(e2e: E2E, feeds: Feeds) -> None:
    """Given Meudon's plan (languages nl, fr) and a member who reads German (meudon-member-4, e-mail),
    when a police alarm arrives, then that member's job is in German, from the German template."""
    r = cleared("e2e-meudon", DAY, origin="police", kind="alarm", urgency="urgent", category="missing_person",
                text="Vermist kind, 8 jaar, rode jas")
    await e2e.post(r)
    await feeds.jobs(r.report_id, 1)
    [job] = [j for j in await feeds.settle_jobs(e2e, r) if j["recipient_id"] == "meudon-member-4"]
    assert (job["language"], job["channel"]) == ("de", "email")
    assert job["subject"].endswith("POLIZEI-ALARM: vermisste Person")
    assert "Greifen Sie nicht selbst ein" in job["text"]


async def test_the_same_report_twice_is_dispatched_once(e2e: E2E, feeds: Feeds) -> None:
    """Given Kastelein's plan, when the same cleared report is published twice,
    then there is one Dispatch and one job per recipient."""
    r = cleared("e2e-kastelein", DAY, origin="police", kind="alarm", urgency="urgent", text="Gestolen wagen")
    await e2e.post(r, r)
    await feeds.dispatch(r.report_id)
    await feeds.jobs(r.report_id, 3)
    jobs = await feeds.settle_jobs(e2e, r)
    assert len(jobs) == 3 and len({j["delivery_id"] for j in jobs}) == 3
    await feeds.zone.read_to_end()  # after settle_jobs' sentinel: whatever else of r arrived
    dispatches = [m for m in feeds.zone.seen if m.get("report_id") == r.report_id and m["routes"] != ["no-plan"]]
    assert len(dispatches) == 1
