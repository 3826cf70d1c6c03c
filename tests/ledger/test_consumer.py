"""``binrelay-ledger`` on the real broker: as its own principal it reads the zone's dispatch topic,
the outcomes and the responses, and writes the ledger; a record read twice (published twice, or
read again by a consumer that starts over) counts once; a record that is no event is skipped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.events import Kind, Origin, ResponseKind, Urgency
from binrelay_shared.kafka_security import kafka_client_config
from binrelay_shared.ledger import store, tables
from binrelay_shared.ledger.consumer import run_ledger
from binrelay_shared.ledger.rows import Headcount, rows_of
from binrelay_shared.settings import Settings
from tests.conftest import REPO, TEST_ZONE, free_port
from tests.kafka_helpers import produce
from tests.ledger.events import dispatch, outcome, response


async def _until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout} s: {what}")
        await asyncio.sleep(0.2)


async def _mine(engine: AsyncEngine, run: str) -> dict[str, int]:
    """Rows about this run's reports, per table."""
    out = {}
    async with engine.connect() as conn:
        for name in ("ledger_log", "ledger_reports", "ledger_deliveries", "ledger_responses"):
            t = tables.BY_NAME[name]
            n = (await conn.execute(select(func.count()).select_from(t).where(t.c.report_id.like(f"%{run}")))).scalar()
            out[name] = int(n or 0)
        m = tables.members
        out["ledger_members"] = int((await conn.execute(
            select(func.count()).select_from(m).where(m.c.network_id == f"net{run}"))).scalar() or 0)
    return out


@contextlib.asynccontextmanager
async def ledger(kafka_bootstrap: str, engine: AsyncEngine, group: str, run: str):  # type: ignore[no-untyped-def]
    kafka = kafka_client_config(Settings(kafka=kafka_bootstrap), "ledger")
    heads = [Headcount((f"net{run}",), ("sms", "email"), ("sms",)), Headcount((f"net{run}",), ("chat",), ())]
    task = asyncio.create_task(run_ledger(kafka, engine, CollectorRegistry(), group_id=group,
                                          headcounts=lambda: (heads, [f"net{run}"])))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_the_ledger_keeps_what_the_pipeline_publishes_once(kafka_bootstrap: str,
                                                                  ledger_engine: AsyncEngine) -> None:
    """Given binrelay-ledger running as principal `ledger` on the session's broker,
    when a police alarm's dispatch record (published twice), its approval, an acknowledgement,
    an escalation's outcome and a record that is no event are published,
    then the ledger has each once (4 log entries: alarm, approval, acknowledgement, escalation),
    and the members counted; and a second ledger consumer that reads the topics from the start
    adds nothing."""
    run = uuid.uuid4().hex[:8]
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    rid = f"alarm-{run}"
    alarm = dispatch(rid, t0, kind=Kind.alarm, origin=Origin.police, urgency=Urgency.urgent, held="approval")
    await produce(kafka_bootstrap, topics.dispatch(TEST_ZONE), [encode(alarm), encode(alarm)], key=b"zavel")
    await produce(kafka_bootstrap, topics.RESPONSES, [
        encode(response(rid, t0 + timedelta(minutes=2), ResponseKind.approve, responder="zavel-officer-1")),
        b'{"not": "a response"}',
        encode(response(rid, t0 + timedelta(minutes=4))),
    ], key=b"zavel")
    await produce(kafka_bootstrap, topics.DELIVERIES, [encode(outcome(
        rid, t0, t0 + timedelta(minutes=16), recipient="zavel-steer-1", purpose="escalation",
        dispatched=t0 + timedelta(minutes=15)))], key=b"zavel")
    expected = {"ledger_log": 4, "ledger_reports": 1, "ledger_deliveries": 1, "ledger_responses": 2,
                "ledger_members": 4}  # all, sms, email, chat

    async with ledger(kafka_bootstrap, ledger_engine, f"binrelay-ledger-test-{run}", run) as task:
        async def complete() -> bool:
            assert not task.done(), task
            return await _mine(ledger_engine, run) == expected
        await _until(complete, f"the ledger rows of {rid}")

    async with ledger(kafka_bootstrap, ledger_engine, f"binrelay-ledger-again-{run}", run) as task:
        # The second consumer starts from the beginning: a record after ours shows it read them all.
        marker = f"marker-{run}"
        await produce(kafka_bootstrap, topics.RESPONSES, [encode(response(marker, t0))], key=b"zavel")

        async def past_ours() -> bool:
            assert not task.done(), task
            async with ledger_engine.connect() as conn:
                t = tables.responses
                return bool((await conn.execute(select(func.count()).select_from(t).where(
                    t.c.report_id == marker))).scalar())
        await _until(past_ours, "the second consumer reading to the end")
    # ours unchanged; the marker (named like ours) adds its own log entry and response
    assert await _mine(ledger_engine, run) == {**expected, "ledger_log": 5, "ledger_responses": 3}


def _start(env: dict[str, str], log: IO[bytes], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(REPO / ".venv" / "bin" / "binrelay-ledger")], env=env, stdout=log, stderr=log,
                            cwd=cwd)


async def test_the_binrelay_ledger_process_migrates_counts_members_and_keeps_records(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    """Given `binrelay-ledger` started as `make up` starts it (its own principal, an SQLite file that
    does not exist yet, the example networks and members),
    and one member added to the registry beforehand (`binrelay members add`, not in the file),
    when a report is dispatched for zavel,
    then the process has made the ledger's tables, counted zavel's members in the registry — the
    members file's, imported once, and the added one —, keeps the report, says so on /metrics,
    and has deleted at start a report older than the ledger's retention."""
    from binrelay_shared.db.engine import engine
    from binrelay_shared.ledger.rows import headcounts_of
    from binrelay_shared.network import load_members

    members_file = REPO / "deploy" / "members.example.yaml"
    db = tmp_path / "ledger.db"
    url = f"sqlite+aiosqlite:///{db}"
    port = free_port()
    env = {**os.environ, "BINRELAY_KAFKA": kafka_bootstrap, "BINRELAY_DATABASE_URL": url,
           "BINRELAY_NETWORKS_DIR": str(REPO / "deploy" / "networks"), "BINRELAY_MEMBERS_FILE": str(members_file),
           "BINRELAY_METRICS_PORT": str(port), "BINRELAY_LOG_JSON": "true"}
    from binrelay_shared.db.migrate import upgrade
    from binrelay_shared.members import MemberRecord, Registry

    await upgrade(url)
    added = Registry.at(url)
    try:
        await added.add(MemberRecord.model_validate({
            "id": "zavel-registry-1", "networks": ["zavel"], "phone": "+447700900991",
            "consent": {"sms": {"at": datetime.now(UTC).isoformat(), "how": "form", "by": "zavel-coord-1"}}}),
            by="zavel-coord-1")
        old = dispatch(f"old-{uuid.uuid4().hex[:8]}", datetime.now(UTC) - timedelta(days=6 * 366))
        await store.write(added.engine, rows_of(old))  # older than BINRELAY_RETENTION_LEDGER_YEARS (5)
    finally:
        await added.close()
    log = (tmp_path / "ledger.log").open("wb")
    proc = _start(env, log, tmp_path)
    eng = engine(url)
    rid = f"proc-{uuid.uuid4().hex[:8]}"
    try:
        await produce(kafka_bootstrap, topics.dispatch(TEST_ZONE), [encode(dispatch(rid, datetime.now(UTC)))],
                      key=b"zavel")

        async def kept() -> bool:
            assert proc.poll() is None, (tmp_path / "ledger.log").read_text()[-3000:]
            if not db.exists():
                return False
            try:
                async with eng.connect() as conn:
                    t = tables.reports
                    return bool((await conn.execute(select(func.count()).select_from(t).where(
                        t.c.report_id == rid))).scalar())
            except OperationalError:  # the tables are not made yet
                return False
        await _until(kept, f"{rid} in the ledger of the process")
        async with eng.connect() as conn:
            m = tables.members
            counted = {r.channel: r.members for r in await conn.execute(select(m).where(m.c.network_id == "zavel"))}
        heads = [h for h in headcounts_of(load_members(members_file)) if "zavel" in h.networks]
        assert counted["all"] == len(heads) + 1 > 1, "the members file's and the registry's own"
        async with eng.connect() as conn:
            t = tables.reports
            assert not (await conn.execute(select(t.c.key).where(t.c.report_id == old.report_id))).first(), (
                "the ledger's retention applied at start")
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        assert 'binrelay_ledger_rows_total{table="ledger_reports"}' in metrics
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        await eng.dispose()
