"""No personal data in logs or metrics: reports full of it travel the whole running pipeline.

The values below are fictitious (IBANs and national numbers generated with valid check digits).
After the reports have been dispatched and the malformed messages dead-lettered, every log line of
every service and every metrics page is searched for every value, as written and in compact form.
"""

from __future__ import annotations

import asyncio
import base64
import io
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
from PIL import Image

from binrelay_dispatcher import state as dispatcher_state
from binrelay_dispatcher.jobs import plan_report
from binrelay_dispatcher.service import load_plans
from binrelay_shared import topics
from binrelay_shared.attachments import AttachmentStore
from binrelay_shared.events import ReportCleared, utcnow
from tests.integration.conftest import Pipeline
from tests.kafka_helpers import TopicReader, produce
from tests.privacy.labelled_set import be_bban, grouped, iban, national_number
from tests.redis_helpers import admin_redis, mac_key

ZONE = "5339"
IBAN = grouped(iban("BE", be_bban(63, 4176502)))
NN = national_number("880412", 271)
REPORTER_REF = "+32 478 12 99 00"
REPORTER_NAME = "Annelies Wouters"
REPORTER_CONTACT = "annelies.wouters@example.org"
PHOTO_NAME = "foto_karel_verstraeten_auto.jpg"

REPORTS = [
    (
        "nl",
        "Verdachte witte bestelwagen 1-KRV-482 aan de Bodenbroekstraat. De bestuurder heet Karel "
        f"Verstraeten en gaf nummer 0470 55 66 77. Hij vroeg geld op {IBAN} en mijn rijksregisternummer "
        f"{NN[:2]}.{NN[2:4]}.{NN[4:6]}-{NN[6:9]}.{NN[9:]}. Mail: karel.verstraeten@example.be. "
        "Groeten, Annelies Wouters",
    ),
    (
        "fr",
        "Voiture française AB-392-KX rue Lebeau, un faux agent a appelé du +32 2 555 98 76. "
        "Madame Claessens a tout vu. Écrivez à sophie.lejeune@voorbeeld.org.",
    ),
    (
        "en",
        "Scam call from +33 6 12 98 76 54 asking for my national number "
        f"{NN}. German car B-KX 4821 parked on Place du Grand Sablon. My name is Peter Hallworth.",
    ),
]
VALUES = [
    "1-KRV-482",
    "Karel Verstraeten",
    "0470 55 66 77",
    IBAN,
    NN,
    "karel.verstraeten@example.be",
    "AB-392-KX",
    "+32 2 555 98 76",
    "Claessens",
    "sophie.lejeune@voorbeeld.org",
    "+33 6 12 98 76 54",
    "B-KX 4821",
    "Peter Hallworth",
    REPORTER_REF,
    REPORTER_NAME,
    REPORTER_CONTACT,
    PHOTO_NAME,
]
# The dispatcher's audiences, by the rendering they get (the reporter gets the group's).
POLICE_SIDE = {"police", "officer", "zone"}
COORDINATOR_SIDE = {"coordinator", "coordinators", "steering_group"}
BRUSSELS = ZoneInfo("Europe/Brussels")
_SEPARATORS = re.compile(r"[\s./-]")


def _forms(value: str) -> set[str]:
    """The value as written, and compact (no separators), lower-cased."""
    lowered = value.lower()
    return {lowered, _SEPARATORS.sub("", lowered)}


def _leaks(haystack: str) -> list[str]:
    """Which values occur in ``haystack`` (by position in VALUES, never the value itself)."""
    text = haystack.lower()
    compact = _SEPARATORS.sub("", text)
    found = []
    for i, value in enumerate(VALUES):
        forms = _forms(value)
        if any(f in text for f in forms) or any(f in compact for f in forms if len(f) >= 8):
            found.append(f"VALUES[{i}]")
    return found


def _raw_text(letter: dict[str, object]) -> str:
    raw = letter.get("raw")
    return base64.b64decode(raw).decode("utf-8", "replace") if isinstance(raw, str) else ""


def _photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Karel Verstraeten"  # Artist: Pillow logs tag values at DEBUG
    exif.get_ifd(0x8825)[2] = (50.0, 50.0, 0.0)
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (90, 90, 90)).save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


async def _adapter_key(pipeline: Pipeline) -> dict[str, str]:
    """Credentials for an adapter (ingest authenticates every request)."""

    from binrelay_ingest.keys import create_key

    redis = admin_redis(pipeline.settings.redis_url)
    try:
        key, _ = await create_key(redis, mac_key=mac_key(),
            role="adapter", zone=ZONE, networks=None, adapter="webhook", label="log test")
    finally:
        await redis.aclose()
    return {"Authorization": f"Bearer {key}"}


def _planned_jobs(pipeline: Pipeline, event: dict[str, Any], received: datetime | None = None) -> int:
    """How many jobs the dispatcher's own planner makes of a cleared report (sent now or held for
    quiet hours or a digest; a job held for an approval or a policy flag is no job yet)."""
    cleared = ReportCleared.model_validate(event)
    if received is not None:
        cleared = cleared.model_copy(update={"stamps": cleared.stamps.model_copy(update={"received": received})})
    network = load_plans(pipeline.settings).get(cleared.network_id or "")
    planned = plan_report(network, cleared, utcnow())
    held = [t for t, _ in planned.later if orjson.loads(t)["t"] in ("send", "digest")]
    return len(planned.now_jobs) + len(held)


def _expected_jobs(pipeline: Pipeline, renderings: list[dict[str, Any]]) -> int:
    """The number of jobs the reports turn into, whatever the time of day: the same at 03:00 (quiet
    hours: held) and at 12:00 (sent at once), which the test checks before relying on it."""
    night = datetime(2026, 3, 10, 3, 0, tzinfo=BRUSSELS).astimezone(UTC)
    noon = datetime(2026, 3, 10, 12, 0, tzinfo=BRUSSELS).astimezone(UTC)
    total = sum(_planned_jobs(pipeline, e) for e in renderings)
    assert total == sum(_planned_jobs(pipeline, e, night) for e in renderings)
    assert total == sum(_planned_jobs(pipeline, e, noon) for e in renderings)
    assert total >= len(renderings), "the plans should send these reports to someone (else nothing is scanned)"
    return total


async def _all_jobs(pipeline: Pipeline, outboxes: list[TopicReader], report_ids: set[str],
                    expected: int) -> list[dict[str, Any]]:
    """Every job of the reports, by delivery id: those published on an outbox and those the
    dispatcher holds as timers in Redis (quiet hours, digest) — all ``expected`` of them, or fail."""
    redis = admin_redis(pipeline.settings.redis_url)
    deadline = time.monotonic() + 90
    try:
        while True:
            for reader in outboxes:
                await reader.poll(0.2)
            found = {m["delivery_id"]: m for r in outboxes for m in r.seen if m.get("report_id") in report_ids}
            for member in await redis.zrange(dispatcher_state.TIMERS, 0, -1):
                timer = orjson.loads(member)
                job = timer.get("job") or {}
                if timer["t"] in ("send", "digest") and job.get("report_id") in report_ids:
                    found[job["delivery_id"]] = job
            if len(found) >= expected or time.monotonic() > deadline:
                break
    finally:
        await redis.aclose()
    assert len(found) == expected, f"{len(found)} jobs found, the plans make {expected}"
    return list(found.values())


async def _logs_naming(pipeline: Pipeline, report_ids: list[str]) -> str:
    """All the services' logs, once the dispatcher's log names every report (its last step)."""
    deadline = time.monotonic() + 60
    while True:
        dispatcher_log = pipeline.logs["dispatcher"].read_text(errors="replace")
        if all(r in dispatcher_log for r in report_ids):
            return pipeline.log_text()
        assert time.monotonic() < deadline, "the dispatcher's log never named the reports (this would prove nothing)"
        await asyncio.sleep(0.2)


async def test_no_personal_data_in_any_log_or_metric(pipeline: Pipeline) -> None:
    """Given the running pipeline,
    When reports full of personal data (plates, phones, e-mail, IBAN, national number, names,
    the reporter's identity, a photo with GPS and a telling file name) are posted, and malformed
    messages carrying personal data land on a stage's input topic,
    Then after they have been dispatched and dead-lettered, no log line of any service and no
    metrics page contains any of the values, and no rendering or outgoing job for anyone but the
    police does (the coordinator may get the reporter's own contact)."""
    bootstrap = pipeline.settings.kafka
    dispatch = await TopicReader(bootstrap, topics.dispatch(ZONE)).start()
    dlq = await TopicReader(bootstrap, topics.DLQ).start()
    cleared = await TopicReader(bootstrap, topics.REPORTS_CLEARED).start()
    outboxes = [  # each channel's outbox and its urgent twin (an urgent report's jobs)
        await TopicReader(bootstrap, topics.outbox(ch, urgent)).start()
        for ch in ("sms", "email", "chat")
        for urgent in (False, True)
    ]
    marker = uuid.uuid4().hex
    photo = AttachmentStore(pipeline.settings.attachments_dir).put(_photo_with_gps(), "image/jpeg", PHOTO_NAME)
    try:
        headers = await _adapter_key(pipeline)
        report_ids = []
        async with httpx.AsyncClient(base_url=pipeline.ingest_url, headers=headers) as client:
            for n, (lang, text) in enumerate(REPORTS):
                body = {
                    "text": text,
                    "language": lang,
                    "network": "zavel",
                    "reporter": {"ref": REPORTER_REF, "name": REPORTER_NAME, "contact": REPORTER_CONTACT},
                    "attachments": [photo.model_dump()] if n == 0 else [],
                }
                resp = await client.post("/v1/reports", json=body)
                assert resp.status_code == 202, resp.text
                report_ids.append(resp.json()["report_id"])
            # invalid requests: the 4xx answers must not echo the values either
            bad = await client.post("/v1/reports", json={"text": REPORTS[0][1], "reporter": {"ref": ""}, "x": 1})
            assert bad.status_code in (400, 422)
            assert _leaks(bad.text) == []
        await produce(
            bootstrap,
            topics.REPORTS_CLASSIFIED,
            [
                f"not json {marker} {REPORTS[0][1]}".encode(),
                orjson.dumps({"report_id": marker, "report": {"text": REPORTS[1][1], "reporter": REPORTER_REF}}),
            ],
            key=b"zavel",
        )
        await dispatch.wait_for(lambda m: m.get("report_id") in report_ids, timeout=60, count=len(report_ids))
        await dlq.wait_for(lambda m: marker in _raw_text(m), timeout=60, count=2)
        renderings = await cleared.wait_for(lambda m: m.get("report_id") in report_ids, count=len(report_ids))
        expected = _expected_jobs(pipeline, renderings)
        jobs = await _all_jobs(pipeline, outboxes, set(report_ids), expected)
    finally:
        for reader in (dispatch, dlq, cleared, *outboxes):
            await reader.stop()

    # Only the police see the report as written: the other renderings and every job sent to a
    # member or coordinator hold no third party's data (the coordinator may see the reporter's).
    reporter_values = {f"VALUES[{VALUES.index(v)}]" for v in (REPORTER_REF, REPORTER_NAME, REPORTER_CONTACT)}
    for event in renderings:
        for audience, rendering in event["renderings"].items():
            if audience == "group":
                assert _leaks(orjson.dumps(rendering).decode()) == [], audience
            elif audience == "coordinator":
                assert set(_leaks(rendering["text"])) <= reporter_values, audience
        assert not event["renderings"]["group"]["attachments"]  # photos withheld from the group
    for job in jobs:
        content = f"{job.get('subject') or ''} {job.get('text') or ''}"
        if job.get("audience") in POLICE_SIDE:
            continue
        allowed = reporter_values if job.get("audience") in COORDINATOR_SIDE else set()
        assert set(_leaks(content)) <= allowed, job.get("audience")
    print(f"checked {len(renderings)} cleared reports and {len(jobs)} outgoing jobs")

    logs = await _logs_naming(pipeline, report_ids)
    assert _leaks(logs) == []

    async with httpx.AsyncClient() as client:
        for name, port in pipeline.metrics_ports.items():
            resp = await client.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
            assert resp.status_code == 200 and "# TYPE" in resp.text, f"{name}'s metrics page did not load"
            assert _leaks(resp.text) == [], name
