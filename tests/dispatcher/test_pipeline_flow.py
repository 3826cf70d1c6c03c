"""The whole running pipeline with the seed plans: a police alarm posted to ingest reaches the
outboxes of BIN-Z Zavel's members (ingest → classifier → privacy filter → dispatcher)."""

from __future__ import annotations

import httpx
import pytest

from binrelay_shared import topics
from tests.kafka_helpers import TopicReader
from tests.pipeline import Pipeline
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration


async def _key(pipeline: Pipeline, role: str) -> dict[str, str]:
    from binrelay_ingest.keys import create_key

    redis = admin_redis(pipeline.settings.redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(),
            role=role, zone="5339", networks=None, label="dispatcher test")
    finally:
        await redis.aclose()
    return {"Authorization": f"Bearer {key}"}


async def test_police_alarm_posted_to_ingest_reaches_every_consenting_member(pipeline: Pipeline) -> None:
    """Given the running pipeline with the seed plans and the example members,
    when the police post an alarm for Zavel to POST /v1/messages,
    then the zone gets the Dispatch with route police-alarm, and the 7 members who signed the house
    rules and are not excluded each get one job on their outbox, in their language, at once."""
    kafka = pipeline.settings.kafka
    zone = await TopicReader(kafka, topics.dispatch("5339")).start()
    outs = {c: await TopicReader(kafka, topics.outbox(c)).start() for c in ("sms", "chat", "email")}
    try:
        async with httpx.AsyncClient(base_url=pipeline.ingest_url, headers=await _key(pipeline, "police")) as client:
            resp = await client.post("/v1/messages", json={
                "kind": "alarm", "network": "zavel", "language": "nl",
                "text": "Vermiste man van 80 jaar, blauwe jas, laatst gezien aan de Grote Zavel. Bel 101.",
            })
        assert resp.status_code == 202, resp.text
        report_id = resp.json()["report_id"]
        [dispatch] = await zone.wait_for(lambda m: m.get("report_id") == report_id, timeout=60)
        assert dispatch["routes"] == ["police-alarm"] and dispatch["origin"] == "police"
        jobs = []
        for channel, count in (("sms", 5), ("chat", 1), ("email", 1)):
            jobs += await outs[channel].wait_for(lambda m: m.get("report_id") == report_id, count=count)
    finally:
        await zone.stop()
        for r in outs.values():
            await r.stop()
    assert len({j["recipient_id"] for j in jobs}) == 7
    assert all(j["send_at"] is None and j["audience"] == "group" for j in jobs)
    assert {j["language"] for j in jobs} == {"nl", "fr", "en", "de"}  # zavel-member-4 reads German
