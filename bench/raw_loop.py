"""The ceiling: a raw aiokafka consume→produce loop with no work, batched like the stages.

    python bench/raw_loop.py BOOTSTRAP IN_TOPIC OUT_TOPIC [GROUP]

getmany → send every record without awaiting → await the futures once → commit; forever.
"""

from __future__ import annotations

import asyncio
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def main(bootstrap: str, source: str, sink: str, group: str = "bench-raw") -> None:
    consumer = AIOKafkaConsumer(
        source, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=2, acks=1, max_batch_size=1024 * 1024)
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
