"""Chat sender throughput into one room of a real Synapse, and Synapse's memory before and after.

Not a test (not collected). Needs a Redis (see bench_senders.py); starts its own Synapse:

    .venv/bin/python tests/channels/bench_chat.py redis://127.0.0.1:26479/0 500
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


from binrelay_senders.registry import make_receiver
from binrelay_senders.worker import SenderWorker
from binrelay_shared.events import Channel
from tests.channels.conftest import sender_settings
from tests.channels.servers import job, start_synapse
from tests.redis_helpers import admin_redis


def rss_mib(data: Path) -> int:
    pid = (data / "homeserver.pid").read_text().strip()
    with open(f"/proc/{pid}/status") as status:
        return int(next(x for x in status if x.startswith("VmRSS")).split()[1]) // 1024


async def main(redis_url: str, n: int) -> None:
    data = Path(tempfile.mkdtemp(prefix="bench-synapse-"))
    servers = start_synapse(data)
    syn = next(servers)
    try:
        print("synapse RSS after start:", rss_mib(data), "MiB")
        bot, reader = syn.register("bench-bot"), syn.register("bench-reader")
        room = syn.create_room(reader, invite=[bot.user_id])
        s = sender_settings(redis_url)
        redis = admin_redis(redis_url)
        receiver = make_receiver(
            Channel.chat, s, redis, matrix_homeserver=syn.url, matrix_user_id=bot.user_id,
            matrix_access_token=bot.access_token
        )
        worker = SenderWorker(receiver, s, redis)
        await worker.process([job(Channel.chat, room)])  # warm-up: join
        jobs = [job(Channel.chat, room, recipient_id=f"r{i}") for i in range(n)]
        t0 = time.perf_counter()
        for i in range(0, n, 100):
            await worker.process(jobs[i : i + 100])
        dt = time.perf_counter() - t0
        print(f"chat: {n} messages in {dt:.2f} s = {n / dt:.0f}/s (one worker, concurrency 32, one room)")
        print("synapse RSS after:", rss_mib(data), "MiB")
        await worker.receiver.close()
        await redis.aclose()
    finally:
        next(servers, None)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
