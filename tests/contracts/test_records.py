"""Real records, read from every topic of the running pipeline, validated against the committed
AsyncAPI document's schemas (docs/asyncapi.json) by ``jsonschema`` — not against the models that
wrote them.

The test makes the pipeline write on every channel of the document: member reports (one urgent),
a police alarm and a police prevention message held for approval that an operator rejects with
``binrelay approve --reject`` (a Response), a malformed record (a DeadLetter), and the e-mail sender
delivering the alarm's e-mail job (a DeliveryOutcome). Then every record of every concrete topic
is validated, and every channel of the document must have had at least one.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from binrelay_devservers.smtp_sink import start_sink
from binrelay_ingest.keys import create_key
from binrelay_shared import topics, trace
from tests.channels.test_sender_process import sender
from tests.conftest import REPO, free_port
from tests.kafka_helpers import TopicReader, produce
from tests.pipeline import Pipeline
from tests.redis_helpers import admin_redis, mac_key

pytestmark = pytest.mark.integration

DOCUMENT = json.loads((REPO / "docs" / "asyncapi.json").read_text("utf-8"))
OUTBOX_CHANNELS = ("sms", "email", "chat")


def concrete_topics(address: str, zone: str) -> list[str]:
    """The topics a channel's address stands for (its parameters filled in)."""
    if "{channel}" in address:
        return [address.replace("{channel}", c) for c in OUTBOX_CHANNELS]
    return [address.replace("{zone}", zone)]


def validator(message_ref: str) -> jsonschema.protocols.Validator:
    """A JSON Schema validator for a channel's message payload, resolving the document's refs."""
    name = message_ref.rsplit("/", 1)[-1]
    payload = DOCUMENT["components"]["messages"][name]["payload"]
    schema = {**payload, "components": DOCUMENT["components"]}
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


async def _key(pipeline: Pipeline, role: str, **kwargs: Any) -> dict[str, str]:
    redis = admin_redis(pipeline.settings.redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(), role=role, zone=pipeline.settings.zone_id,
                                  label="contract records", **kwargs)
    finally:
        await redis.aclose()
    return {"Authorization": f"Bearer {key}"}


async def _post(pipeline: Pipeline, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
    async with httpx.AsyncClient(base_url=pipeline.ingest_url, headers=headers, timeout=60) as client:
        resp = await client.post(path, json=body)
    assert resp.status_code == 202, resp.text
    return str(resp.json()["report_id"])


async def test_real_records_on_every_topic_match_the_asyncapi_schemas(pipeline: Pipeline, tmp_path: Path) -> None:
    """Given the running pipeline and the e-mail sender,
    when reports, messages, a rejection, a malformed record and a delivery have gone through,
    then every channel of docs/asyncapi.json has records, and every record of every one of its
    topics validates against that channel's message schema."""
    kafka, zone = pipeline.settings.kafka, pipeline.settings.zone_id
    channels = {cid: (c["address"], next(iter(c["messages"].values()))["$ref"])
                for cid, c in DOCUMENT["channels"].items()}
    readers = {  # one reader per topic (an urgent twin has its own)
        topic: await TopicReader(kafka, topic).start(twin_too=False)
        for address, _ in channels.values()
        for topic in concrete_topics(address, zone)
    }

    ids: set[str] = set()
    marker = uuid.uuid4().hex

    def mine(record: dict[str, Any]) -> bool:
        """A record of this test (others' tests write on the same topics, bad records on purpose)."""
        raw = record.get("raw")
        letter = base64.b64decode(raw).decode("utf-8", "replace") if isinstance(raw, str) else ""
        return record.get("report_id") in ids or record.get("member_id") in ids or marker in letter

    port = free_port()
    controller, _ = start_sink(port, tmp_path / "mail")
    try:
        member = await _key(pipeline, "adapter", adapter="webhook")
        police = await _key(pipeline, "police")
        ids.add(await _post(pipeline, "/v1/reports", member, {
            "text": "Verdachte bestelwagen rijdt al een uur rond in de straat", "network": "zavel",
            "reporter": {"ref": "zavel-member-1"}}))
        ids.add(await _post(pipeline, "/v1/reports", member, {
            "text": "Er wordt nu ingebroken bij de buren, de inbreker is nog binnen!", "network": "zavel",
            "reporter": {"ref": "zavel-member-1"}}))
        alarm = await _post(pipeline, "/v1/messages", police, {
            "kind": "alarm", "network": "zavel", "language": "nl", "text": "Gezocht: grijze bestelwagen. Bel 101."})
        ids.add(alarm)
        # The closing of that alarm goes to the group on the ordinary lane and bypasses quiet hours:
        # the ordinary outbox has a record at any hour (after 22:00 every other delivery of these
        # messages on it waits for the morning).
        ids.add(await _post(pipeline, "/v1/messages", police, {
            "kind": "closing", "network": "zavel", "language": "nl", "refers_to": alarm,
            "text": "De grijze bestelwagen is gevonden. Bedankt voor uw hulp."}))
        held = await _post(pipeline, "/v1/messages", police, {
            "kind": "prevention", "network": "zavel", "language": "nl", "text": "Sluit uw ramen en deuren."})
        ids.add(held)
        await produce(kafka, topics.REPORTS_CLASSIFIED, [f"not json {marker}".encode()], key=b"zavel")
        coordinator = await _key(pipeline, "coordinator", networks=["zavel"])  # a member added: MemberChanged
        member_id = f"contract-{marker[:12]}"
        async with httpx.AsyncClient(base_url=pipeline.ingest_url, headers=coordinator, timeout=60) as client:
            # No consent and removed again: the pipeline is shared, later tests count zavel's recipients.
            added = await client.post("/v1/members", json={
                "id": member_id, "networks": ["zavel"], "phone": "+32470319999", "language": "nl"})
            assert added.status_code == 201, added.text
            removed = await client.delete(f"/v1/members/{member_id}")
            assert removed.status_code == 204, removed.text
        ids.add(member_id)
        rejected = await asyncio.to_thread(
            subprocess.run,
            [str(REPO / ".venv" / "bin" / "binrelay"), "approve", held, "--reject", "--network", "zavel"],
            env=pipeline.env, capture_output=True, text=True, timeout=120)
        assert rejected.returncode == 0, rejected.stderr
        with sender("email", pipeline.settings, tmp_path / "sender.log", BINRELAY_SMTP_PORT=str(port)):
            deadline = time.monotonic() + 120
            while True:
                for reader in readers.values():
                    await reader.poll(0.2)
                empty = [cid for cid, (address, _) in channels.items()
                         if not any(mine(m) for t in concrete_topics(address, zone) for m in readers[t].seen)]
                if not empty or time.monotonic() > deadline:
                    break
        redis = admin_redis(pipeline.settings.redis_url)
        try:  # the rejection reached the dispatcher, through the real command
            deadline = time.monotonic() + 60
            while "response:reject:applied" not in await trace.read(redis, held):
                assert time.monotonic() < deadline, await trace.read(redis, held)
                await reader.poll(0.2)
        finally:
            await redis.aclose()
        for reader in readers.values():
            await reader.read_to_end()
    finally:
        controller.stop()
        for reader in readers.values():
            await reader.stop()

    assert empty == [], f"no record on the channels {empty}"
    checked = 0
    for address, ref in channels.values():
        check = validator(ref)
        for topic in concrete_topics(address, zone):
            for record in filter(mine, readers[topic].seen):
                errors = sorted(check.iter_errors(record), key=lambda e: list(e.path))
                assert not errors, f"{topic}: {errors[0].message} at {list(errors[0].path)}"
                checked += 1
    assert checked >= len(channels)
    covered = sum(1 for r in readers.values() if any(mine(m) for m in r.seen))
    print(f"{checked} records on {covered} of {len(readers)} topics validated")


def test_the_record_check_refuses_a_record_the_schema_does_not_allow() -> None:
    """Given the DeliveryJob schema of the document, when a job with an unknown channel or
    without its required fields is validated, then it is refused (the check above can fail)."""
    check = validator("#/components/messages/DeliveryJob")
    messages = [e.message for e in check.iter_errors({"event": "delivery.job", "channel": "pigeon"})]
    assert any("'pigeon'" in m for m in messages) and any("required" in m for m in messages), messages
