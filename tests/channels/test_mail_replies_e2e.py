"""Replies by e-mail, end to end on the real broker, a real SMTP sink and the real SMTP adapter.

A dispatcher process of its own runs the seed plans (ids prefixed ``mr-``; its own consumer group
and Redis database). Meudon's approval requests go to meudon-coord-2 by e-mail (first channel,
French): the real e-mail sender (as Redis user ``sender-email``) delivers them to the SMTP sink and
records them by Message-ID; the replies are mailed to the SMTP adapter's listener (Redis user and
Kafka principal ``adapter-smtp``), whose Responses go over ``bin.responses.v1`` to the dispatcher
and whose answers go back through the sink. Nothing waits on the clock: every check polls for an
event with a generous deadline.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import orjson
import pytest
from redis.asyncio import Redis

from binrelay_devservers.smtp_sink import SinkHandler, start_sink
from binrelay_dispatcher import state
from binrelay_ingest.adapters.config import AdapterSettings
from binrelay_ingest.adapters.members import Directory
from binrelay_ingest.adapters.smtp import reply_desk, start_listener, stop_listener
from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared import replies, topics, trace
from binrelay_shared.codec import encode
from binrelay_shared.events import Channel, DeliveryJob, DeliveryOutcome, ReportCleared
from binrelay_shared.replies import short_ref
from binrelay_shared.settings import Settings
from tests.channels.conftest import sender_settings
from tests.channels.servers import StubIngest, parse_mail, start_stub_ingest
from tests.channels.test_replies_e2e import outbox_jobs, until
from tests.conftest import free_port
from tests.dispatcher.conftest import _start, _write_plans, dispatcher_env, stop_process, wait_ready
from tests.dispatcher.helpers import cleared
from tests.kafka_helpers import TopicReader, produce
from tests.redis_helpers import admin_redis, user_redis

pytestmark = pytest.mark.integration

DAY = datetime.fromisoformat("2026-01-13T14:00:00+01:00")
COORD_2 = "meudon-coord-2@example.org"  # approves Meudon's messages; e-mail first, French (fictitious)
MEMBER_2 = "meudon-member-2@example.org"  # in Meudon's group, approves nothing
REPLIES = "replies@reports.binrelay.test"


@dataclass
class Mail:
    kafka: str
    redis: Redis
    sink: SinkHandler
    email: SenderWorker
    adapter_port: int
    outboxes: dict[str, TopicReader]
    responses: TopicReader
    stub: StubIngest

    async def request(self, text: str) -> tuple[ReportCleared, EmailMessage]:
        """Police feedback held for approval; its request to meudon-coord-2 delivered by e-mail."""
        msg = cleared("mr-meudon", DAY, origin="police", kind="feedback", text=text)
        await produce(self.kafka, topics.REPORTS_CLEARED, [encode(msg)], key=b"mr-meudon")
        jobs = await self.jobs(msg.report_id, 2)
        [job] = [j for j in jobs if j.channel is Channel.email]
        assert job.recipient_id == "meudon-coord-2" and job.expects is not None
        outs = await self.email.process([job])
        assert [o.event.outcome.value for o in outs[0] if isinstance(o.event, DeliveryOutcome)] == ["delivered"]
        [sent] = [parse_mail(m.data) for m in self.sink.messages if parse_mail(m.data)["To"] == COORD_2
                  and parse_mail(m.data)["X-BIN-Relay-Report"] == msg.report_id]
        return msg, sent

    async def jobs(self, report_id: str, count: int) -> list[DeliveryJob]:
        return await outbox_jobs(self.outboxes, report_id, count)

    async def reply(self, sender: str, original: EmailMessage | None, body: str, *, subject: str | None = None,
                    threaded: bool = True, to: str = REPLIES) -> None:
        """A reply mailed to the adapter (``threaded``: with In-Reply-To/References to ``original``)."""
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = to
        msg["Subject"] = subject or f"Re: {original['Subject'] if original else 'BIN Relay'}"
        msg["Message-ID"] = f"<{os.urandom(8).hex()}@example.org>"
        if threaded and original is not None:
            msg["In-Reply-To"] = original["Message-ID"]
            msg["References"] = original["Message-ID"]
        msg.set_content(body)
        await aiosmtplib.send(msg, hostname="127.0.0.1", port=self.adapter_port, timeout=60)

    async def trace_of(self, report_id: str, field: str) -> dict[str, str]:
        async def probe() -> dict[str, str] | None:
            found = await trace.read(self.redis, report_id)
            return found if field in found else None

        return dict(await until(probe))

    async def approval(self, report_id: str) -> dict[str, Any]:
        raw = await self.redis.get(state.approval_key(report_id))
        assert raw is not None
        return dict(orjson.loads(raw))

    async def released(self, report_id: str) -> int:
        """Group deliveries an approval released: sent now or held on a timer (clock-independent)."""
        for reader in self.outboxes.values():
            try:
                await reader.wait_for(lambda m: False, timeout=0.1)
            except AssertionError:
                pass
        now = sum(1 for r in self.outboxes.values() for m in r.seen
                  if m.get("report_id") == report_id and m.get("audience") == "group")
        timers: list[Any] = await self.redis.zrange(state.TIMERS, 0, -1)
        return now + len([t for t in timers if orjson.loads(t).get("job", {}).get("report_id") == report_id])

    def answers_to(self, address: str) -> list[EmailMessage]:
        return [m for m in (parse_mail(x.data) for x in self.sink.messages)
                if m["To"] == address and m.get("Auto-Submitted") == "auto-replied"]


@pytest.fixture(scope="module")
async def mail(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Mail]:
    work = tmp_path_factory.mktemp("mail-replies-e2e")
    plans, members = _write_plans(work, prefix="mr-")
    redis_url = settings.redis_url.rsplit("/", 1)[0] + "/5"
    redis = admin_redis(redis_url)
    await redis.flushdb()
    log = work / "dispatcher.log"
    proc = _start(dispatcher_env(settings, redis_url, plans, members, "dispatcher-mailreplies"), log)
    sink_port = free_port()
    sink_controller, sink = start_sink(sink_port, work / "mail")
    stub = start_stub_ingest()
    adapter = AdapterSettings(
        kafka=settings.kafka, redis_url=redis_url, ingest_url=stub.url, adapter_api_key="binr_smtp_secret",
        smtp_listen_port=free_port(), smtp_port=sink_port, networks_dir=plans, members_file=members,
        attachments_dir=work / "attachments", adapter_max_attempts=2,
    )
    listener, handler = start_listener(adapter, networks={"mr-meudon", "mr-zavel", "mr-kastelein"},
                                 directory=Directory.load(members), desk=reply_desk(adapter))
    conf = sender_settings(redis_url)
    sender_redis = user_redis(redis_url, "sender-email")  # its own ACL row: proves what it writes
    email = SenderWorker(make_receiver(Channel.email, conf, smtp_host="127.0.0.1", smtp_port=sink_port),
                         conf, sender_redis)
    outboxes = {c: await TopicReader(settings.kafka, topics.outbox(c)).start() for c in ("sms", "email", "chat")}
    responses = await TopicReader(settings.kafka, topics.RESPONSES).start()
    harness = Mail(settings.kafka, redis, sink, email, adapter.smtp_listen_port, outboxes, responses, stub)
    try:
        await wait_ready(settings, proc, log, "mr-kastelein")
        yield harness
    finally:
        for r in (*outboxes.values(), responses):
            await r.stop()
        await email.receiver.close()
        stop_listener(listener, handler)
        sink_controller.stop()
        stub.stop()
        await stop_process(proc)
        await sender_redis.aclose()
        await redis.aclose()


async def test_an_approval_request_by_mail_answered_ja_approves_and_releases_the_group(mail: Mail) -> None:
    """Given police feedback held for approval, its request mailed to meudon-coord-2 (Reply-To the
    reply address, the ref in the subject, recorded by its Message-ID),
    when the coordinator answers "JA" in the thread, quoting the whole request (which itself says
    "JA ... NEE" and shows the ref),
    then the Response (approve, via email, the ref) names meudon-coord-2, the dispatcher approves,
    the group's deliveries are released, and the coordinator gets a confirmation by mail in French."""
    msg, sent = await mail.request("Dader gevat, bedankt voor de meldingen")
    ref = short_ref(msg.report_id)
    assert sent["Reply-To"] == REPLIES and sent["Subject"].endswith(f"[Ref {ref}]")
    assert await mail.redis.get(replies.mail_key(sent["Message-ID"])) is not None
    quoted = "\n".join(f"> {line}" for line in sent.get_content().splitlines())
    await mail.reply(COORD_2, sent, f"JA\n\nLe mar. 13 janv. 2026 à 14:00, BIN Relay a écrit :\n{quoted}\n")

    await mail.trace_of(msg.report_id, "response:approve:applied")
    approval = await mail.approval(msg.report_id)
    assert approval["s"] == "approved" and approval["r"].startswith("meudon-coord-2@")
    await mail.responses.wait_for(lambda m: m.get("report_id") == msg.report_id, timeout=60)
    [response] = [m for m in mail.responses.seen if m.get("report_id") == msg.report_id]
    assert (response["responder_id"], response["kind"], response["via"], response["ref"]) == (
        "meudon-coord-2", "approve", "email", ref)
    assert await until(lambda: mail.released(msg.report_id)) >= 3  # the three group members
    [confirmation] = [m for m in mail.answers_to(COORD_2) if ref in m.get_content()]
    assert "bien recue" in confirmation.get_content() and confirmation["In-Reply-To"]


async def test_nee_with_a_reason_rejects_and_nothing_is_released(mail: Mail) -> None:
    """Given police feedback held for approval, its request mailed to meudon-coord-2,
    when the coordinator answers "NEE want ..." above an Outlook-style copy of the request,
    then the dispatcher rejects it with that reason and the group receives nothing."""
    msg, sent = await mail.request("Verdachte persoon gezien, signalement volgt")
    outlook = f"Van: BIN Relay\nVerzonden: dinsdag 13 januari 2026 14:00\nAan: {COORD_2}\n\n{sent.get_content()}"
    await mail.reply(COORD_2, sent, f"NEE want het signalement is nog niet bevestigd\n\n{outlook}")
    await mail.trace_of(msg.report_id, "response:reject:applied")
    approval = await mail.approval(msg.report_id)
    assert approval["s"] == "rejected" and approval["why"] == "want het signalement is nog niet bevestigd"
    assert await mail.released(msg.report_id) == 0


async def test_a_reply_from_a_non_approver_is_refused(mail: Mail) -> None:
    """Given an approval request mailed to meudon-coord-2, forwarded to a group member,
    when that member answers "OUI" with the request's ref in the subject (no thread headers),
    then their Response is refused by the dispatcher (not_entitled, in the trace) and the approval
    stays pending; the coordinator's own "JA" then approves it."""
    msg, sent = await mail.request("Opgelet voor valse agenten aan de deur")
    await mail.reply(MEMBER_2, None, "OUI", subject=f"TR: {sent['Subject']}", threaded=False)
    traced = await mail.trace_of(msg.report_id, "response:approve:not_entitled")
    assert "response:approve:applied" not in traced
    assert (await mail.approval(msg.report_id))["s"] == "pending"

    await mail.reply(COORD_2, sent, "Ja")
    await mail.trace_of(msg.report_id, "response:approve:applied")
    assert (await mail.approval(msg.report_id))["s"] == "approved"


async def test_a_reply_quoting_the_whole_original_without_thread_headers_binds_by_its_subjects_ref(
        mail: Mail) -> None:
    """Given an approval request mailed to meudon-coord-2,
    when the coordinator's client drops In-Reply-To and References, and the reply "Oui, d'accord"
    quotes the whole request, sent to Meudon's report address,
    then it still binds (by the subject's ref) and approves; no report is posted to ingest."""
    msg, sent = await mail.request("Fietsendiefstal opgehelderd")
    quoted = "\n".join(f"> {line}" for line in sent.get_content().splitlines())
    await mail.reply(COORD_2, sent, f"Oui, d'accord\n\n{quoted}", threaded=False, to="mr-meudon@reports.binrelay.test")
    await mail.trace_of(msg.report_id, "response:approve:applied")
    assert (await mail.approval(msg.report_id))["s"] == "approved"
    assert mail.stub.posted == []
