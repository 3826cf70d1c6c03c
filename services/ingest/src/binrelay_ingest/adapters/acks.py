"""Replies to what the relay sent: bound to the message they answer, then a ``Response``.

The rules are pure (:mod:`.reply_rules`); this module does their I/O for the SMS, chat and
e-mail adapters (:class:`ReplyDesk`): it reads what waits for the replier's address
(:mod:`binrelay_shared.replies`, which the senders write), publishes one ``Response`` per message
answered on ``bin.responses.v1`` (the responder is a member id, never an address; the dispatcher
checks that they may answer), records a STOP (:mod:`binrelay_shared.consent`), and says what to
tell the replier. Nothing here logs an address or a text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from binrelay_shared import replies, topics
from binrelay_shared.codec import encode
from binrelay_shared.consent import STOP_HOW, ConsentOverrides, RedisConsent
from binrelay_shared.events import Channel, Response, ResponseKind, utcnow
from binrelay_shared.kafka import DURABLE
from binrelay_shared.kafka_security import KafkaClientConfig
from binrelay_shared.logging import get_logger
from binrelay_shared.network import Member

from . import reply_rules as rules

log = get_logger(__name__)


class ResponsePublisher:
    """Publishes ``Response`` events to ``bin.responses.v1`` (awaiting the broker's ack)."""

    def __init__(self, kafka: KafkaClientConfig) -> None:
        self.kafka = kafka
        self.producer: AIOKafkaProducer | None = None  # created in the running loop, on first use

    async def start(self) -> AIOKafkaProducer:
        if self.producer is None:
            producer = AIOKafkaProducer(**self.kafka.aiokafka(), client_id="binrelay-adapter", **DURABLE)
            await producer.start()
            self.producer = producer
        return self.producer

    async def publish(self, response: Response) -> Response:
        producer = await self.start()
        key = response.network_id.encode() if response.network_id else None
        await producer.send_and_wait(topics.RESPONSES, encode(response), key=key)
        return response

    async def stop(self) -> None:
        producer, self.producer = self.producer, None
        if producer is not None:
            await producer.stop()


#: What became of a reply (a bounded label: the adapters' metric).
Result = Literal["responded", "asked", "help", "stopped", "refused_unknown", "report", "ignored"]


@dataclass(frozen=True)
class Outcome:
    """What the desk did with a reply, and what to tell the replier (``answer``, or None)."""

    result: Result
    answer: str | None = None
    responses: tuple[Response, ...] = ()


class ReplyDesk:
    """Replies by SMS, chat and e-mail: bound, answered, or handed back as a report (see :mod:`.reply_rules`)."""

    def __init__(self, redis: Redis, publisher: ResponsePublisher, secret: str,
                 consent: ConsentOverrides | None = None) -> None:
        self.redis = redis
        self.publisher = publisher
        self.secret = secret
        self.consent = consent or RedisConsent(redis)

    async def names_ours(self, message_ids: tuple[str, ...]) -> bool:
        """Whether an e-mail's In-Reply-To/References names a mail of ours waiting for an answer."""
        return await replies.for_mail(self.redis, message_ids) is not None

    async def handle(
        self,
        channel: Channel,
        address: str,
        member: Member | None,
        text: str,
        *,
        replied_to: str | None = None,
        in_reply_to: tuple[str, ...] = (),
        may_report: bool = True,
        now: datetime | None = None,
    ) -> Outcome:
        """One inbound text from ``address`` (``member``: who that is in the members file).

        ``replied_to``: the chat event a thread reply or reaction names; ``in_reply_to``: the
        Message-IDs an e-mail reply names (one of ours binds it like a thread reply; none of ours
        leaves the usual binding by ref and pending). ``may_report``: whether
        a text that is no command may become a report here (``report`` is then returned and the
        adapter posts it to ingest). Raises when Kafka or Redis cannot take a response now (the
        adapter answers "try again"): nothing of the reply is then consumed."""
        now = now or utcnow()
        reply = rules.parse(text)
        language = rules.language_of(text, member.language if member else None)
        if reply.command is None:
            if replied_to is None and may_report and rules.reads_as_report(text, reply):
                return Outcome("report")
            return Outcome("help", rules.help_text(language)) if member else Outcome("refused_unknown")
        if reply.command is rules.Command.stop:
            if channel is not Channel.sms:
                return Outcome("help", rules.help_text(language)) if member else Outcome("refused_unknown")
            if member is None:
                return Outcome("refused_unknown")
            await self.consent.withdraw_sms(member.id, now, STOP_HOW)
            log.info("SMS consent withdrawn by the member")
            return Outcome("stopped", rules.stopped_text(language))

        addr = replies.address_key(self.secret, channel.value, address)
        epoch = now.timestamp()
        own = tuple(await replies.pending_for(self.redis, addr, epoch))
        event = await replies.for_event(self.redis, replied_to) if replied_to else None
        if event is None and in_reply_to:
            event = await replies.for_mail(self.redis, in_reply_to)
        foreign = tuple(r for r in reply.refs if r not in {p.ref for p in own})
        found = await replies.by_refs(self.redis, foreign, epoch) if foreign else {}
        by_ref = {ref: tuple(ps) for ref, ps in found.items()}
        # Who answers: the member the address belongs to; failing that (a members file that
        # changed since), the recipient the message was delivered to at this very address.
        responder = member.id if member else next((p.recipient_id for p in own), None)
        if responder is None:
            return Outcome("refused_unknown")
        if replied_to is not None and event is None:
            # a reply in the thread of something that asked for no answer: the text alone decides
            if may_report and rules.reads_as_report(text, reply):
                return Outcome("report")
            return Outcome("help", rules.help_text(language))
        binding = rules.bind(reply, rules.Context(pending=own, replied_to=event, by_ref=by_ref))
        if isinstance(binding, rules.Ask):
            log.info("reply names no message among several: asked which", pending=len(binding.refs))
            return Outcome("asked", rules.ask_text(language, binding.refs, reply.command))
        if isinstance(binding, rules.Unbound):
            log.info("reply bound to nothing", why=binding.why)
            return Outcome("help", rules.help_text(language))
        published = []
        for pending, kind in binding.answers:
            published.append(await self.publisher.publish(Response(
                report_id=pending.report_id,
                network_id=pending.network_id,
                responder_id=responder,
                kind=kind,
                via=channel,
                at=now,
                ref=pending.ref,
                reason=reply.reason if kind is ResponseKind.reject else None,
            )))
        # only once every response is on the broker: a failure before leaves them pending (retry)
        await replies.answered(self.redis, addr, [p.ref for p, _ in binding.answers if p in own])
        log.info("reply bound", responses=[(r.report_id, r.kind.value) for r in published])
        return Outcome("responded", None, tuple(published))
