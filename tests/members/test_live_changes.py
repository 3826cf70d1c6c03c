"""Members' changes reach a running dispatcher without a restart (issue 17, item 3), on the real
Kafka and Redis, the registry on SQLite and on PostgreSQL: a member added over the API gets the
next police alarm; removed, the alarm after that passes them by."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from binrelay_ingest.keys import create_key
from binrelay_ingest.networks import load_networks
from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.db import database_url, make_engine
from binrelay_shared.events import utcnow
from binrelay_shared.members import Registry
from binrelay_shared.settings import Settings
from tests.conftest import TEST_ZONE
from tests.dispatcher.conftest import _start, _write_plans, dispatcher_env, stop_process, wait_ready
from tests.dispatcher.helpers import cleared
from tests.dispatcher.test_e2e import Feeds
from tests.ingest.conftest import Keys, running_app
from tests.kafka_helpers import produce
from tests.redis_helpers import admin_redis, mac_key

H = Keys.header
AT = "2026-11-01T10:00:00+01:00"


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


async def _alarm_until(kafka: str, feeds: Feeds, network: str, want: bool, member: str,
                       timeout: float = 60.0) -> tuple[float, int]:
    """Post alarms until one's jobs include ``member`` (``want``) or, complete, do not; (seconds, alarms)."""
    t0 = time.monotonic()
    n = 0
    while time.monotonic() - t0 < timeout:
        n += 1
        alarm = cleared(network, utcnow(), origin="police", kind="alarm", urgency="urgent",
                        category="missing_person", text=f"Vermiste man {n}, blauwe jas")
        await produce(kafka, topics.REPORTS_CLEARED, [encode(alarm)], key=network.encode())
        jobs = await feeds.jobs(alarm.report_id, 7, timeout=30)
        await asyncio.sleep(0.5)  # the rest of this alarm's jobs
        jobs = await feeds.jobs(alarm.report_id, 7, timeout=1)
        if (member in {j["recipient_id"] for j in jobs}) == want:
            return time.monotonic() - t0, n
    raise AssertionError(f"after {timeout} s, alarms still {'miss' if want else 'reach'} {member}")


async def test_added_member_gets_the_next_alarm_removed_member_does_not(
    settings: Settings, live: tuple[str, Path, Registry], redis_url: str
) -> None:
    prefix, plans, registry = live
    network = f"{prefix}zavel"
    admin = admin_redis(redis_url)
    try:
        coordinator, _ = await create_key(admin, mac_key=mac_key(), role="coordinator", zone=TEST_ZONE,
                                          networks=[network], label="live test")
    finally:
        await admin.aclose()
    feeds = await Feeds(settings.kafka).start()
    member = f"{prefix}new-1"
    try:
        async with running_app(settings, members=registry, networks=load_networks(plans)) as api:
            r = await api.post("/v1/members", headers=H(coordinator), json={
                "id": member, "networks": [network], "phone": "+32470410001", "language": "nl",
                "consent": {"sms": {"at": AT, "how": "form", "by": "zavel-coord-1"}}})
            assert r.status_code == 201, r.text
            took, alarms = await _alarm_until(settings.kafka, feeds, network, True, member)
            print(f"\nadded over the API: alarm {alarms} reached the member, {took:.1f} s after the change")
            r = await api.delete(f"/v1/members/{member}", headers=H(coordinator))
            assert r.status_code == 204
            took, alarms = await _alarm_until(settings.kafka, feeds, network, False, member)
            print(f"removed over the API: alarm {alarms} passed them by, {took:.1f} s after the change")
            took, alarms = await _alarm_until(settings.kafka, feeds, network, False, member, timeout=1)
            assert alarms == 1  # and every alarm after it
    finally:
        await feeds.stop()
