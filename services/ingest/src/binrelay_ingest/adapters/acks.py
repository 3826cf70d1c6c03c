"""Acknowledgements: a coordinator's "OK" / "JA" / "OUI" to an alert becomes a ``Response``.

The senders remember, for every non-group delivery, which report it was about: by SMS in a hash
per recipient number (keyed hash of the number; an SMS "OK" cannot say which alert it answers,
so it acknowledges every alert of the last 24 h awaiting that number), in chat under the event id
of the alert (a thread reply names its alert). The key formats and the address hash are the ones
in :mod:`binrelay_shared.addresses`, which the senders write with. A reply is an acknowledgement
when its text is one of :data:`ACK_WORDS` and such a record exists; the responder is the member id
of the delivery, never an address.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from binrelay_shared import topics
from binrelay_shared.addresses import ACK_CHAT_KEY, ACK_SMS_KEY, address_hash
from binrelay_shared.codec import encode
from binrelay_shared.events import Channel, Response, ResponseKind
from binrelay_shared.kafka_security import KafkaClientConfig

ACK_WORDS = frozenset({"ok", "oké", "okay", "ja", "oui", "yes", "si", "d'accord", "akkoord"})
_STRIP = re.compile(r"[\s.!,;:👍✅]+")


def is_ack(text: str) -> bool:
    """``OK``, ``ja!``, ``Oui.``: a short acknowledgement (nothing else in the message)."""
    return _STRIP.sub(" ", text).strip().lower() in ACK_WORDS


async def sms_records(redis: Redis, secret: str, number: str) -> tuple[str, list[dict[str, Any]]]:
    """The Redis key and every alert awaiting this number's "OK" (one hash field per report)."""
    key = ACK_SMS_KEY.format(address_hash(secret, number))
    raw = await redis.hgetall(key)
    return key, [dict(orjson.loads(v)) for v in raw.values()]


async def chat_record(redis: Redis, event_id: str) -> dict[str, Any] | None:
    raw = await redis.get(ACK_CHAT_KEY.format(event_id))
    return dict(orjson.loads(raw)) if raw else None


class ResponsePublisher:
    """Publishes ``Response`` events to ``bin.responses.v1`` (awaiting the broker's ack)."""

    def __init__(self, kafka: KafkaClientConfig) -> None:
        self.kafka = kafka
        self.producer: AIOKafkaProducer | None = None  # created in the running loop, on first use

    async def start(self) -> AIOKafkaProducer:
        if self.producer is None:
            producer = AIOKafkaProducer(**self.kafka.aiokafka(), client_id="binrelay-adapter")
            await producer.start()
            self.producer = producer
        return self.producer

    async def acknowledge(self, record: dict[str, Any], responder_id: str, via: Channel) -> Response:
        producer = await self.start()
        response = Response(
            report_id=str(record["report_id"]),
            network_id=record.get("network_id"),
            responder_id=responder_id,
            kind=ResponseKind.acknowledge,
            via=via,
        )
        key = response.network_id.encode() if response.network_id else None
        await producer.send_and_wait(topics.RESPONSES, encode(response), key=key)
        return response

    async def stop(self) -> None:
        producer, self.producer = self.producer, None
        if producer is not None:
            await producer.stop()
