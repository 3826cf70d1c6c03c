"""The ceiling: a raw aiokafka consume→produce loop with no work, batched like the stages.

    python bench/raw_loop.py BOOTSTRAP IN_TOPIC OUT_TOPIC [GROUP] [--transactional]

It connects as the admin principal (BINRELAY_SECRETS_DIR, BINRELAY_KAFKA_SECURITY), so the
ceiling pays for TLS and SCRAM like the services when security is on.

Plain: getmany → send every record without awaiting → await the futures once → commit; forever.

``--transactional`` (the production column's ceiling, what the stages pay): the consumer reads
``read_committed`` and each batch is one transaction of an idempotent ``acks=all`` producer —
begin → send every record → the batch's offsets into the transaction → commit — as a stage's
lane does (binrelay_shared.transactions), in chunks of at most ``--chunk`` records (the
stages' ``batch_chunk_records`` for the ordinary lane; default: the whole batch).
"""

from __future__ import annotations

import argparse
import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from binrelay_shared.acl import ADMIN
from binrelay_shared.kafka import STAGE_PRODUCER, make_transactional_producer
from binrelay_shared.kafka_security import kafka_client_config
from binrelay_shared.settings import Settings
from binrelay_shared.transactions import offsets_after


async def main(bootstrap: str, source: str, sink: str, group: str, transactional: bool, chunk: int) -> None:
    config = kafka_client_config(Settings(kafka=bootstrap, kafka_user=None), ADMIN)
    kafka = config.aiokafka()
    consumer = AIOKafkaConsumer(
        source, **kafka, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest",
        isolation_level="read_committed" if transactional else "read_uncommitted",
    )
    producer = (
        # The admin principal may use any transactional id; one per loop (its group names it).
        make_transactional_producer(config, group, f"binrelay.admin.{group}")
        if transactional else
        AIOKafkaProducer(**kafka, linger_ms=2, max_batch_size=1024 * 1024, **STAGE_PRODUCER)  # as the stages
    )
    await consumer.start()
    await producer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=10, max_records=500)
            records = [rec for recs in batch.values() for rec in recs]
            if not records:
                continue
            if not transactional:
                futures = [await producer.send(sink, rec.value, key=rec.key) for rec in records]
                await asyncio.gather(*futures)
                await consumer.commit()
                continue
            for i in range(0, len(records), chunk or len(records)):
                part = records[i:i + (chunk or len(records))]
                await producer.begin_transaction()
                futures = [await producer.send(sink, rec.value, key=rec.key) for rec in part]
                await producer.send_offsets_to_transaction(offsets_after(part), group)
                await producer.commit_transaction()
                await asyncio.gather(*futures)
    finally:
        await producer.stop()
        await consumer.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bootstrap")
    parser.add_argument("source")
    parser.add_argument("sink")
    parser.add_argument("group", nargs="?", default="bench-raw")
    parser.add_argument("--transactional", action="store_true")
    parser.add_argument("--chunk", type=int, default=0, help="records per transaction (0: the whole batch)")
    a = parser.parse_args()
    asyncio.run(main(a.bootstrap, a.source, a.sink, a.group, a.transactional, a.chunk))
