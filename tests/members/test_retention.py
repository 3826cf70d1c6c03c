"""Retention: one table, every store in it documented, Kafka's topics and the registry's history enforced."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from binrelay_shared import topics
from binrelay_shared.events import utcnow
from binrelay_shared.ledger.rows import Headcount, Row, member_rows, rows_of
from binrelay_shared.members import Registry
from binrelay_shared.retention import DAY, HOUR, Retention, stores
from binrelay_shared.settings import Settings
from tests.conftest import REPO, TEST_ZONE
from tests.ledger.events import dispatch, outcome, response

from .test_registry import rec


def test_every_topic_has_its_retention_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = topics.all_topics([TEST_ZONE])
    assert {t: int(c["retention.ms"]) for t, c in wanted.items() if t in (
        topics.REPORTS_RECEIVED, topics.outbox("sms", urgent=True), topics.DELIVERIES, topics.MEMBERS_CHANGED)} == {
        topics.REPORTS_RECEIVED: 48 * HOUR, topics.outbox("sms", urgent=True): 48 * HOUR,
        topics.DELIVERIES: 30 * DAY, topics.MEMBERS_CHANGED: 24 * HOUR}
    assert all("retention.ms" in c for c in wanted.values())
    monkeypatch.setenv("BINRELAY_RETENTION_DELIVERIES_DAYS", "3")
    assert topics.all_topics([TEST_ZONE])[topics.DELIVERIES]["retention.ms"] == str(3 * DAY)


def test_every_store_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme[readme.index("## Retention"):]
    missing = [s.store for s in stores() if s.store.split(" (")[0] not in section]
    assert not missing, f"README's Retention section lacks {missing}"


async def test_the_broker_keeps_each_topic_as_long_as_the_table_says(settings: Settings) -> None:
    from confluent_kafka.admin import AdminClient, ConfigResource

    from binrelay_shared.zones import admin_config

    admin = AdminClient(admin_config(settings).librdkafka())
    retention = Retention()
    for topic in (topics.REPORTS_RECEIVED, topics.DELIVERIES, topics.MEMBERS_CHANGED, topics.outbox("email")):
        [future] = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, topic)]).values()
        assert int(future.result(timeout=30)["retention.ms"].value) == retention.topic_ms(topic), topic


async def test_registry_history_older_than_its_retention_goes(registry: Registry) -> None:
    await registry.add(rec("h-1"), by="t")
    assert await registry.purge_history(utcnow() - timedelta(days=1)) == 0
    assert await registry.purge_history(utcnow() + timedelta(seconds=1)) == 1  # as if a day had passed
    assert await registry.history("h-1") == []
    assert (await registry.get("h-1")).phone  # the member stays: only the history expires


def _ledger_rows(run: str, at: datetime) -> list[Row]:
    """A dispatched report of ``at``, delivered and acknowledged, and a member count of its day."""
    events = [dispatch(f"{run}-r", at), outcome(f"{run}-r", at, at + timedelta(minutes=1)),
              response(f"{run}-r", at + timedelta(minutes=5))]
    return [*(r for e in events for r in rows_of(e)),
            *member_rows([Headcount(("zavel",), ("sms",), ("sms",))], ["zavel"], at.date())]


async def _ledger_counts(url: str) -> dict[str, dict[str, int]]:
    """Rows per table, of the old run and the recent one (by report id, member counts by day)."""
    from sqlalchemy import func, select

    from binrelay_shared.db import make_engine
    from binrelay_shared.ledger import tables

    engine = make_engine(url)
    out: dict[str, dict[str, int]] = {}
    try:
        async with engine.connect() as conn:
            for name, table in tables.BY_NAME.items():
                key = func.substr(table.c.report_id, 1, 3) if "report_id" in table.c else table.c.day
                rows = await conn.execute(select(key, func.count()).select_from(table).group_by(key))
                out[name] = {str(k): int(n) for k, n in rows}
    finally:
        await engine.dispose()
    return out


def test_binrelay_retention_apply_deletes_the_ledgers_rows_older_than_its_years(
        db_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Given the ledger holding a report of 5 years and a week ago (dispatch, delivery,
    acknowledgement, that day's member count) and one of 4 years and 11 months ago,
    when `binrelay retention apply` runs with the default BINRELAY_RETENTION_LEDGER_YEARS (5),
    then every row of the older one is gone from every ledger table and the recent one's stay;
    with BINRELAY_RETENTION_LEDGER_YEARS=1, the recent one goes too."""
    from typer.testing import CliRunner

    from binrelay.cli import app
    from binrelay_shared.db import database_url
    from binrelay_shared.db import engine as db
    from binrelay_shared.ledger import store

    url = database_url(db_settings).render_as_string(hide_password=False)
    now = utcnow()
    old, new = now - timedelta(days=5 * 365 + 8), now - timedelta(days=4 * 365 + 330)
    rows = _ledger_rows("old", old) + _ledger_rows("new", new)

    async def write() -> None:
        engine = db.make_engine(url)
        try:
            await store.write(engine, rows)
        finally:
            await engine.dispose()

    asyncio.run(write())
    before = asyncio.run(_ledger_counts(url))
    assert all(len(before[t]) == 2 for t in before), before  # both runs in every table

    monkeypatch.setenv("BINRELAY_DATABASE_URL", db_settings.database_url)
    if db_settings.database_password_file:
        monkeypatch.setenv("BINRELAY_DATABASE_PASSWORD_FILE", str(db_settings.database_password_file))
    monkeypatch.setenv("BINRELAY_MEMBERS_FILE", str(tmp_path / "none.yaml"))
    monkeypatch.setenv("BINRELAY_NETWORKS_DIR", str(REPO / "deploy" / "networks"))
    result = CliRunner().invoke(app, ["retention", "apply"])
    assert result.exit_code == 0, result.output
    assert "ledger: 7 row(s) older than 5 years removed" in result.output, result.output
    after = asyncio.run(_ledger_counts(url))
    reports = {t: c for t, c in after.items() if t != "ledger_members"}
    assert all(set(c) == {"new"} for c in reports.values()), after
    assert after["ledger_members"] == {str(new.date()): 2}, after  # its day's count: all, sms

    monkeypatch.setenv("BINRELAY_RETENTION_LEDGER_YEARS", "1")
    assert CliRunner().invoke(app, ["retention", "apply"]).exit_code == 0
    assert not any(asyncio.run(_ledger_counts(url)).values())
