"""`make bench`'s bookkeeping (bench/accepted.py, bench/run.py), on made-up records: no broker, no
clock — which provider record belongs to which report, and how a figure is judged against #18."""

from __future__ import annotations

import os
from pathlib import Path

from bench import accepted
from bench.run import targets
from binrelay_senders.providers.sms_http import gateway_key
from binrelay_senders.providers.smtp import message_id


def test_provider_records_map_back_to_their_report_and_channel(tmp_path: Path) -> None:
    index = accepted.delivery_index(["r1", "r2"], ["m1", "m2"])
    assert index[gateway_key("r2:m1:sms")] == ("r2", "sms")
    assert index[message_id("r1:m2:email")] == ("r1", "email")
    assert gateway_key("r3:m1:sms") not in index  # a report the bench did not send

    (tmp_path / "1.eml").write_bytes(f"Message-ID: {message_id('r1:m2:email')}\r\n\r\nbody\r\n".encode())
    (tmp_path / "2.eml").write_bytes(b"Subject: no id\r\n\r\nbody\r\n")
    os.utime(tmp_path / "1.eml", (1_000_000.0, 1_000_000.0))
    assert accepted.mail_accepted(tmp_path) == [(message_id("r1:m2:email"), 1_000_000.0)]


def test_each_target_is_met_missed_or_not_measured() -> None:
    result = {
        "pipeline": {"ratio_to_ceiling": 0.2},
        "latency": [{"urgent_p99_ms": 60.0, "accepted": {"sms": {"p99_ms": 120.0}}}],
        "fanout": {"members": 10000, "outbox_seconds": 0.8, "sink_seconds": 7.5},
    }
    rows = {r["target"].split(" (")[0]: r["status"] for r in targets(result, {"dispatcher": 151.0, "classifier": 90.0})}
    assert rows == {
        "urgent received → dispatched p99 at 50% of max": "missed",
        "urgent received → accepted by SMS gateway p99 at 50%": "met",
        "10,000-member alarm: all jobs on the outbox": "met",
        "10,000-member alarm: all at the loopback gateway": "missed",
        "pipeline throughput / raw ceiling": "met",
        "every service resident memory": "missed",
    }
    assert [r["status"] for r in targets({}, {})] == ["not measured"] * 6
