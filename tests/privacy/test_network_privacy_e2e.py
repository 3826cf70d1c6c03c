"""A network's own `privacy:` section, end to end on the real broker.

The session pipeline's privacy filter is stopped for the test and replaced by one that reads the
seed network files plus a copy of zavel's with `privacy: {group_photos: blur, coordinator_sees:
[plate]}` (id ``privacy-e2e-zavel``; in the same consumer group, so the report is cleared once, by
it). A dispatcher process of its own (``dispatcher-privacy-e2e``, Redis database 2) runs that copy
alone: before the privacy section was part of the shared schema it refused to start on it. A
classified member report with a plate and a photo is published on bin.reports.classified.v1 as the
classifier does; its ReportCleared and the coordinators' delivery jobs are read from the broker.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from binrelay_shared import topics
from binrelay_shared.attachments import AttachmentStore
from binrelay_shared.codec import encode
from binrelay_shared.events import (
    Attachment,
    Audience,
    Category,
    Classification,
    Origin,
    Report,
    ReportClassified,
    ReportCleared,
    Reporter,
    Stamps,
    Urgency,
    new_id,
    utcnow,
)
from binrelay_shared.settings import Settings
from tests.conftest import REPO
from tests.kafka_helpers import TopicReader, produce
from tests.pipeline import Pipeline
from tests.privacy import scene

pytestmark = pytest.mark.integration

NETWORK = "privacy-e2e-zavel"
PLATE = "1-ABC-123"
RUN = "from binrelay_privacy.service import main; main()"
PRIVACY = "\nprivacy: {group_photos: blur, coordinator_sees: [plate]}\n"


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(argv, env=env, stdout=out, stderr=out, cwd=REPO)


def _write_files(directory: Path) -> tuple[Path, Path, Path]:
    """The privacy filter's networks (the seeds and zavel's renamed copy with the privacy section),
    the dispatcher's (the copy alone) and the example members in the copy's group."""
    text = (REPO / "deploy" / "networks" / "zavel.yaml").read_text("utf-8")
    copy = text.replace("\nid: zavel\n", f"\nid: {NETWORK}\n") + PRIVACY
    for name in ("filter", "dispatcher"):
        (directory / name).mkdir()
        (directory / name / f"{NETWORK}.yaml").write_text(copy)
    for seed in (REPO / "deploy" / "networks").glob("*.yaml"):
        (directory / "filter" / seed.name).write_text(seed.read_text("utf-8"))
    members = directory / "members.yaml"
    example = (REPO / "deploy" / "members.example.yaml").read_text("utf-8")
    members.write_text(example.replace("networks: [zavel]", f"networks: [{NETWORK}]"))
    return directory / "filter", directory / "dispatcher", members


def _photo() -> bytes:
    """A street scene with a face and a licence plate the bundled cascades find (tests/privacy/scene.py)."""
    return scene.scene_bytes("JPEG")


def _darkest_in_plate(data: bytes) -> int:
    x0, y0, x1, y1 = scene.PLATE_BOX
    return int(np.asarray(Image.open(io.BytesIO(data)).convert("L"))[y0:y1, x0:x1].min())


def _classified(photo: Attachment) -> ReportClassified:
    now = utcnow()
    return ReportClassified(
        report_id=new_id(), network_id=NETWORK, zone_id="5339", trace_id=new_id(),
        stamps=Stamps(received=now, classified=now),
        report=Report(origin=Origin.member, text=f"Verdachte wagen {PLATE} rijdt al een uur rond de Zavel",
                      reporter=Reporter(ref="zavel-member-1"), attachments=(photo,)),
        classification=Classification(urgency=Urgency.urgent, category=Category.suspicious_vehicle,
                                      language="nl", confidence=0.9),
    )


async def test_group_photos_blur_and_coordinator_sees_plate_on_the_real_broker(
    settings: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    """Given a network file with `privacy: {group_photos: blur, coordinator_sees: [plate]}` and a
    privacy-filter process reading it,
    when a member's report with a plate and a photo goes through it on the real broker,
    then the coordinator's rendering keeps the plate, the group's has it redacted, and the group
    gets the photo blurred (a cleaned copy, not withheld)."""
    filter_networks, dispatcher_networks, members = _write_files(tmp_path)
    store = AttachmentStore(settings.attachments_dir)
    photo = store.put(_photo(), "image/jpeg")
    env = {**os.environ, "BINRELAY_KAFKA": settings.kafka, "BINRELAY_REDIS_URL": settings.redis_url,
           "BINRELAY_NETWORKS_DIR": str(filter_networks), "BINRELAY_MEMBERS_FILE": str(members),
           "BINRELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/registry.db",
           "BINRELAY_ATTACHMENTS_DIR": str(settings.attachments_dir), "BINRELAY_LOG_JSON": "true"}
    dispatcher_env = {**env, "BINRELAY_REDIS_URL": settings.redis_url.rsplit("/", 1)[0] + "/2",
                      "BINRELAY_NETWORKS_DIR": str(dispatcher_networks),
                      "BINRELAY_DISPATCHER_NAME": "dispatcher-privacy-e2e"}
    log = tmp_path / "services.log"
    reader = await TopicReader(settings.kafka, topics.REPORTS_CLEARED).start()
    # urgent: zavel's urgent-member-report route bypasses quiet hours (SMS first), day or night
    sms = await TopicReader(settings.kafka, topics.outbox("sms")).start()
    await asyncio.to_thread(pipeline.stop, "privacy-filter")  # ours takes its place in its group
    procs = [_start([sys.executable, "-c", RUN], env, log),
             _start([str(REPO / ".venv" / "bin" / "binrelay-dispatcher")], dispatcher_env, log)]
    try:
        event = _classified(photo)
        await produce(settings.kafka, topics.REPORTS_CLASSIFIED, [encode(event)], key=NETWORK.encode())
        try:
            [raw] = await reader.wait_for(lambda m: m.get("report_id") == event.report_id, timeout=120)
            coordinator_jobs = await sms.wait_for(
                lambda m: m.get("report_id") == event.report_id and m.get("audience") == "coordinators",
                timeout=120,
            )
        except AssertionError:
            raise AssertionError("not cleared or not dispatched:\n" + log.read_text()[-3000:]) from None
    finally:
        await reader.stop()
        await sms.stop()
        for proc in procs:
            proc.terminate()
            await asyncio.to_thread(proc.wait, 15)
        pipeline.start("privacy-filter")

    cleared = ReportCleared.model_validate(raw)
    coordinator, group = cleared.renderings[Audience.coordinator], cleared.renderings[Audience.group]
    assert PLATE in coordinator.text
    assert PLATE not in group.text and "plate" in group.redacted
    assert len(group.attachments) == 1 and group.withheld_attachments == 0
    assert group.attachments[0].ref != photo.ref
    assert store.get(group.attachments[0].ref) != store.get(photo.ref)
    # blurred, not merely re-encoded: the plate's black characters are gone from the group's copy
    assert _darkest_in_plate(store.get(photo.ref)) < 40 < _darkest_in_plate(store.get(group.attachments[0].ref))
    assert all(PLATE in job["text"] for job in coordinator_jobs), coordinator_jobs
