"""Members' changes reach a running dispatcher without a restart (issue 17, item 3), on the real
Kafka and Redis, the registry on SQLite and on PostgreSQL: a member added over the API gets the
next police alarm; removed, the alarm after that passes them by."""

from __future__ import annotations

from pathlib import Path

from binrelay_ingest.keys import create_key
from binrelay_ingest.networks import load_networks
from binrelay_shared.members import Registry
from binrelay_shared.settings import Settings
from tests.conftest import TEST_ZONE
from tests.dispatcher.test_e2e import Feeds
from tests.ingest.conftest import Keys, running_app
from tests.redis_helpers import admin_redis, mac_key

from .live import alarm_until

H = Keys.header
AT = "2026-11-01T10:00:00+01:00"


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
            took, alarms = await alarm_until(settings.kafka, feeds, network, True, member)
            print(f"\nadded over the API: alarm {alarms} reached the member, {took:.1f} s after the change")
            r = await api.delete(f"/v1/members/{member}", headers=H(coordinator))
            assert r.status_code == 204
            took, alarms = await alarm_until(settings.kafka, feeds, network, False, member)
            print(f"removed over the API: alarm {alarms} passed them by, {took:.1f} s after the change")
            took, alarms = await alarm_until(settings.kafka, feeds, network, False, member, timeout=1)
            assert alarms == 1  # and every alarm after it
    finally:
        await feeds.stop()
