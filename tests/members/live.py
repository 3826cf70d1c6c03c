"""A dispatcher process of its own on the test's registry, and alarms posted until they (do not) reach a member."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.db import database_url, make_engine
from binrelay_shared.events import ReportCleared, utcnow
from binrelay_shared.members import Registry
from binrelay_shared.settings import Settings
from tests.dispatcher.conftest import _start, _write_plans, dispatcher_env, stop_process, wait_ready
from tests.dispatcher.helpers import cleared
from tests.dispatcher.test_e2e import Feeds
from tests.kafka_helpers import produce
from tests.redis_helpers import admin_redis


@pytest.fixture
async def live(settings: Settings, db_settings: Settings, tmp_path: Path,
               request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, Path, Registry]]:
    """A dispatcher process of its own (plans prefixed ``live-<kind>-``) on the test's registry."""
    kind = request.node.callspec.params["db_settings"]
    prefix = f"live{kind[:2]}-"
    plans, members = _write_plans(tmp_path, prefix=prefix)
    registry = Registry(make_engine(database_url(db_settings)), [f"{prefix}{n}" for n in ("zavel", "kastelein",
                                                                                          "meudon")])
    await registry.seed_from(members)
    redis_url = settings.redis_url.rsplit("/", 1)[0] + ("/4" if kind == "sqlite" else "/5")
    redis = admin_redis(redis_url)
    await redis.flushdb()
    await redis.aclose()
    env = dispatcher_env(settings, redis_url, plans, members, f"dispatcher-live-{kind}-{uuid.uuid4().hex[:6]}")
    env["BINRELAY_DATABASE_URL"] = db_settings.database_url
    if db_settings.database_password_file:
        env["BINRELAY_DATABASE_PASSWORD_FILE"] = str(db_settings.database_password_file)
    log = tmp_path / "dispatcher.log"
    proc = _start(env, log)
    try:
        await wait_ready(settings, proc, log, f"{prefix}kastelein")
        yield prefix, plans, registry
        assert proc.poll() is None, "the dispatcher was restarted or died"
    finally:
        await stop_process(proc)
        await registry.close()


async def alarm_until(kafka: str, feeds: Feeds, network: str, want: bool, member: str,
                       timeout: float = 60.0) -> tuple[float, int]:
    """Post alarms until one's jobs include ``member`` (``want``) or, complete, do not; (seconds, alarms)."""
    t0 = time.monotonic()
    n = 0
    while time.monotonic() - t0 < timeout:
        n += 1
        alarm = cleared(network, utcnow(), origin="police", kind="alarm", urgency="urgent",
                        category="missing_person", text=f"Vermiste man {n}, blauwe jas")
        await produce(kafka, topics.REPORTS_CLEARED, [encode(alarm)], key=network.encode())
        await feeds.jobs(alarm.report_id, 7, timeout=30)

        async def post(report: ReportCleared) -> None:
            await produce(kafka, topics.REPORTS_CLEARED, [encode(report)], key=network.encode())

        jobs = await feeds.after_sentinel(alarm.report_id, network, post)  # the rest of this alarm's jobs
        if (member in {j["recipient_id"] for j in jobs}) == want:
            return time.monotonic() - t0, n
    raise AssertionError(f"after {timeout} s, alarms still {'miss' if want else 'reach'} {member}")


