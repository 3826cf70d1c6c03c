"""The dispatcher, killed by itself (SIGKILL) at the worst moment: about to publish a chunk that
holds one of the reports named in ``BINRELAY_TEST_CRASH_ON`` (comma-separated report ids) — after
its Redis claims, before Kafka has any of the chunk's outputs. Run as a script by test_crash.py."""

from __future__ import annotations

import os
import signal
from typing import Any

from binrelay_dispatcher import service
from binrelay_shared.stage import Out, Stage

CRASH_ON = set(os.environ["BINRELAY_TEST_CRASH_ON"].split(","))
_send_all = Stage._send_all


async def _send_all_or_die(self: Stage[Any], outs: list[Out]) -> list[Any]:
    if any(getattr(o.event, "report_id", None) in CRASH_ON for o in outs):
        os.kill(os.getpid(), signal.SIGKILL)
    return await _send_all(self, outs)


Stage._send_all = _send_all_or_die  # type: ignore[method-assign]

if __name__ == "__main__":
    service.main()
