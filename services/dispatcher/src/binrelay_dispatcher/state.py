"""The dispatcher's state in Redis: dedup keys, pending acknowledgements and approvals, timers.

Keys (prefix ``binrelay:dispatcher:``):

* ``seen:<report>`` / ``msg:<network>:<adapter>:<message id>`` — a report is dispatched once;
* ``job:<report>:<recipient>:<channel>`` — a delivery job is emitted once (the senders keep their
  own key per delivery too);
* ``report:<report>`` — the cleared report, kept while an escalation or approval may need it;
* ``ack:<report>`` / ``approval:<report>`` — ``pending`` until a Response (or the timer) settles it;
* ``timers`` — a sorted set, score = due time (epoch seconds), member = what to do then
  (escalate, send a job held for quiet hours, send a digest). A restart loses nothing.
"""

from __future__ import annotations

from datetime import datetime

import orjson

PREFIX = "binrelay:dispatcher:"
TIMERS = PREFIX + "timers"
KEEP_SECONDS = 7 * 24 * 3600


def seen_key(report_id: str) -> str:
    return f"{PREFIX}seen:{report_id}"


def msg_key(network: str | None, adapter: str, message_id: str) -> str:
    return f"{PREFIX}msg:{network}:{adapter}:{message_id}"


def job_key(idempotency_key: str) -> str:
    return f"{PREFIX}job:{idempotency_key}"


def report_key(report_id: str) -> str:
    return f"{PREFIX}report:{report_id}"


def ack_key(report_id: str) -> str:
    return f"{PREFIX}ack:{report_id}"


def approval_key(report_id: str) -> str:
    return f"{PREFIX}approval:{report_id}"


def timer(kind: str, **fields: object) -> bytes:
    """A timer member: deterministic JSON, so the same timer added twice is one entry."""
    return orjson.dumps({"t": kind, **fields}, option=orjson.OPT_SORT_KEYS)


def score(at: datetime) -> float:
    return at.timestamp()
