"""The ceiling: a raw aiokafka consume→produce loop with no work, batched like the stages.

    python bench/raw_loop.py BOOTSTRAP IN_TOPIC OUT_TOPIC [GROUP]

It connects as the admin principal (BINRELAY_SECRETS_DIR, BINRELAY_KAFKA_SECURITY), so the
ceiling pays for TLS and SCRAM like the services when security is on.

getmany → send every record without awaiting → await the futures once → commit; forever.
"""

from __future__ import annotations

import asyncio
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from binrelay_shared.acl import ADMIN
from binrelay_shared.kafka import STAGE_PRODUCER
from binrelay_shared.kafka_security import kafka_client_config
from binrelay_shared.settings import Settings


async def main(bootstrap: str, source: str, sink: str, group: str = "bench-raw") -> None:
    kafka = kafka_client_config(Settings(kafka=bootstrap, kafka_user=None), ADMIN).aiokafka()
    consumer = AIOKafkaConsumer(
        source, **kafka, group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(**kafka, linger_ms=2, max_batch_size=1024 * 1024, **STAGE_PRODUCER)  # as the stages
    await consumer.start()
    await producer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=10, max_records=500)
            futures = [await producer.send(sink, rec.value, key=rec.key) for recs in batch.values() for rec in recs]
            if futures:
                await asyncio.gather(*futures)
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
