"""The observer on the real broker: an outcome read before its dispatch record is not lost."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from datetime import timedelta

from prometheus_client import CollectorRegistry

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Outcome, Urgency, utcnow
from binrelay_shared.kafka_security import kafka_client_config
from binrelay_shared.observer import Watch, run_observer
from binrelay_shared.settings import Settings
from tests.conftest import TEST_ZONE
from tests.kafka_helpers import produce
from tests.observability.test_watch import dispatch, outcome


async def _until(check, what: str, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout} s: {what}")
        await asyncio.sleep(0.1)


async def test_outcomes_read_before_their_dispatch_records_do_not_raise_the_alert(kafka_bootstrap: str) -> None:
    """Given the observer running (as its own principal) on the session's broker,
    when an urgent report's delivery outcome is read before its dispatch record (dispatched 2 min
    ago), then the report counts as delivered: it is not overdue; while an urgent report with no
    outcome at all, dispatched after it, is the one overdue (the positive event the check waits for)."""
    run = uuid.uuid4().hex[:8]
    delivered, undelivered = f"early-{run}", f"late-{run}"
    watch = Watch()
    kafka = kafka_client_config(Settings(kafka=kafka_bootstrap), "observer")
    task = asyncio.create_task(
        run_observer(
            kafka, CollectorRegistry(), lag_interval=3600, watch=watch, group_id=f"binrelay-observer-test-{run}"
        )
    )
    try:
        # The observer starts at the end of the topics: send the outcome until it has been read.
        deadline = time.monotonic() + 60
        while delivered not in watch.early:
            assert not task.done(), task
            assert time.monotonic() < deadline, "the observer never read the outcome"
            await produce(kafka_bootstrap, topics.DELIVERIES, [encode(outcome(delivered, Outcome.delivered, 3))])
            for _ in range(10):
                if delivered in watch.early:
                    break
                await asyncio.sleep(0.1)
        old = utcnow() - timedelta(minutes=2)
        dispatch_topic = topics.dispatch(TEST_ZONE)
        for rid in (delivered, undelivered):
            d = dispatch(rid, Urgency.urgent)
            d = d.model_copy(update={"stamps": d.stamps.model_copy(update={"received": old, "dispatched": old})})
            await produce(kafka_bootstrap, dispatch_topic, [encode(d)], key=b"meudon")
        await _until(lambda: delivered in watch.reports and undelivered in watch.reports, "both dispatch records")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert watch.reports[delivered].delivered
    assert not watch.reports[undelivered].delivered
    overdue = {
        rid
        for rid, p in watch.reports.items()
        if p.urgency is Urgency.urgent
        and not p.delivered
        and (utcnow() - p.dispatched).total_seconds() > watch.deadline_seconds
    }
    assert delivered not in overdue and undelivered in overdue
