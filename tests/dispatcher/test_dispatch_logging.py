"""The dispatcher logs no INFO line per report: each report's line is DEBUG, a Tally sums them up."""

from __future__ import annotations

from redis.asyncio import Redis
from structlog.testing import capture_logs

from binrelay_dispatcher.dispatcher import Dispatcher
from binrelay_shared.network import Network

from .helpers import cleared
from .test_dispatcher import DAY, Clock, networks, redis

__all__ = ["networks", "redis"]


async def test_a_batch_of_reports_logs_no_info_line_per_report(redis: Redis, networks: dict[str, Network]) -> None:
    """Given a batch of 20 ordinary reports and one duplicate,
    When the dispatcher processes it,
    Then no INFO line is logged per dispatched report: each has a DEBUG line naming it, the
    Tally counts all 20 (logged as one line when its interval is over), and the duplicate —
    an exceptional outcome — still has its own INFO line."""
    d = Dispatcher(networks, redis, Clock(DAY))
    reports = [cleared("zavel", DAY, text=f"Verdachte persoon nummer {i}") for i in range(20)]
    with capture_logs() as lines:
        await d.process_reports([*reports, reports[0]])
    dispatched = [line for line in lines if line["event"] == "dispatched"]
    assert {line["log_level"] for line in dispatched} == {"debug"}
    assert sorted(line["report_id"] for line in dispatched) == sorted(r.report_id for r in reports)
    assert [line["log_level"] for line in lines if line["event"].startswith("duplicate")] == ["info"]
    others = [line for line in lines if line["log_level"] == "info" and not line["event"].startswith("duplicate")]
    assert others == []
    with capture_logs() as summary:
        d.dispatched.flush()
    [line] = summary
    assert line["event"] == "reports dispatched" and line["total"] == 20
