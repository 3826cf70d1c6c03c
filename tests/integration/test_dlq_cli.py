"""`binrelay dlq list|show|replay` on the real broker and Redis, run as the operator would
(issue 16, point 4): every letter listed, one shown, each replayed at most once, fixed first with
--edit ($EDITOR) or --file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from binrelay_shared import topics
from binrelay_shared.codec import encode
from binrelay_shared.deadletter import dead_letter
from binrelay_shared.events import ReportReceived, utcnow
from tests.conftest import REPO
from tests.integration.test_poison import _event
from tests.kafka_helpers import TopicReader, produce


def _cli(kafka: str, redis_url: str, *args: str, editor: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BINRELAY_KAFKA": kafka, "BINRELAY_REDIS_URL": redis_url, "NO_COLOR": "1", "COLUMNS": "250"}
    env.pop("VISUAL", None)
    env.pop("EDITOR", None)
    if editor is not None:
        env["EDITOR"] = editor
    return subprocess.run([str(REPO / ".venv" / "bin" / "binrelay"), "dlq", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


async def _letters(kafka: str, stage: str, payloads: list[bytes], ages: list[float] | None = None) -> None:
    """Dead letters of ``stage`` for ``payloads`` (from bin.reports.received.v1), ``ages`` hours old."""
    values = []
    for i, raw in enumerate(payloads):
        try:
            ReportReceived.model_validate_json(raw)
            exc: Exception = RuntimeError("processing failed")
        except ValueError as error:
            exc = error
        letter = dead_letter(stage=stage, exc=exc, raw=raw, source_topic=topics.REPORTS_RECEIVED, partition=0,
                             offset=i, key=b"n-1", report_id=json.loads(raw)["report_id"])
        if ages:
            letter = letter.model_copy(update={"at": utcnow() - timedelta(hours=ages[i])})
        values.append(encode(letter))
    await produce(kafka, topics.DLQ, values)


def _listed(kafka: str, redis_url: str, *args: str) -> dict[str, dict[str, object]]:
    """``dlq list --json`` as report id → row."""
    done = _cli(kafka, redis_url, "list", "--json", *args)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {str(row["report_id"]): row for row in rows}


async def test_list_shows_every_letter_and_show_prints_one(kafka_bootstrap: str, redis_url: str) -> None:
    """Given 3 dead letters of a stage (one 3 h old) among many in bin.dlq.v1,
    when the operator lists them, then all 3 are shown with id, reason, stage, source and time;
    --since 2h leaves the old one out; the table shows them too; `dlq show ID` prints the letter
    with its payload decoded."""
    run = uuid.uuid4().hex[:8]
    stage = f"cli-{run}"
    rids = [f"l-{run}-{i}" for i in range(3)]
    await _letters(kafka_bootstrap, stage, [encode(_event(rid)) for rid in rids], ages=[3, 0, 0])

    # Plain `dlq list`, as in the issue: it printed nothing while the topic held letters (its
    # reader's seek to the beginning lost a race against the default reset to the end).
    plain = _cli(kafka_bootstrap, redis_url, "list")
    assert plain.returncode == 0, plain.stderr
    assert all(rid in plain.stdout for rid in rids), plain.stdout[-2000:]

    listed = _listed(kafka_bootstrap, redis_url, "--stage", stage)
    assert set(listed) == set(rids)
    for row in listed.values():
        assert row["stage"] == stage and row["reason"] == "processing_error"
        assert row["source_topic"] == topics.REPORTS_RECEIVED and row["at"] and row["id"] and row["replayed"] is None
        assert "raw" not in row
    assert set(_listed(kafka_bootstrap, redis_url, "--stage", stage, "--since", "2h")) == set(rids[1:])

    table = _cli(kafka_bootstrap, redis_url, "list", "--stage", stage)
    assert table.returncode == 0, table.stderr
    assert all(str(row["id"]) in table.stdout for row in listed.values()) and "processing_error" in table.stdout

    shown = _cli(kafka_bootstrap, redis_url, "show", str(listed[rids[1]]["id"]))
    assert shown.returncode == 0, shown.stderr
    letter = json.loads(shown.stdout)
    assert letter["payload"]["report_id"] == rids[1] and letter["stage"] == stage

    missing = _cli(kafka_bootstrap, redis_url, "show", "0:999999999")
    assert missing.returncode == 2 and "no dead letter" in missing.stderr


async def test_each_letter_is_replayed_at_most_once(kafka_bootstrap: str, redis_url: str) -> None:
    """Given 2 dead letters of a stage, when the operator replays the first by id, then again,
    then the whole stage, then the first is refused the second time ("replayed already") and
    each report is back on its source topic exactly once (counted at the topic); the list says
    which letters were replayed."""
    run = uuid.uuid4().hex[:8]
    stage = f"cli-{run}"
    rids = [f"r-{run}-{i}" for i in range(2)]
    await _letters(kafka_bootstrap, stage, [encode(_event(rid)) for rid in rids])
    listed = _listed(kafka_bootstrap, redis_url, "--stage", stage)
    first = str(listed[rids[0]]["id"])
    received = await TopicReader(kafka_bootstrap, topics.REPORTS_RECEIVED).start()
    try:
        done = _cli(kafka_bootstrap, redis_url, "replay", first)
        assert done.returncode == 0 and "1 message(s) replayed" in done.stdout, done.stderr
        again = _cli(kafka_bootstrap, redis_url, "replay", first)
        assert again.returncode == 1 and "replayed already" in again.stderr
        everything = _cli(kafka_bootstrap, redis_url, "replay", "--stage", stage)
        assert everything.returncode == 0 and "1 message(s) replayed" in everything.stdout, everything.stderr
        await received.wait_for(lambda m: m.get("report_id") == rids[1], timeout=60)  # the later one is there
    finally:
        await received.stop()
    counts = Counter(m.get("report_id") for m in received.seen)
    assert counts[rids[0]] == 1 and counts[rids[1]] == 1
    assert all(row["replayed"] for row in _listed(kafka_bootstrap, redis_url, "--stage", stage).values())


async def test_a_letter_is_fixed_in_the_editor_or_from_a_file_before_it_is_replayed(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    """Given letters of records refused for schema_version 99, when the operator replays one with
    --edit and an $EDITOR that fixes the version, then the fixed record is on the source topic;
    an editor that breaks the JSON replays nothing (the letter stays replayable); --file puts a
    fixed file back; a truncated letter is not replayed without a fix."""
    run = uuid.uuid4().hex[:8]
    stage = f"cli-{run}"
    rids = [f"e-{run}-{i}" for i in range(3)]
    payloads = []
    for rid in rids:
        body = json.loads(encode(_event(rid)))
        body["schema_version"] = 99
        payloads.append(json.dumps(body).encode())
    big = json.loads(encode(_event(f"big-{run}")))
    big["report"]["text"] = "y" * 300_000
    payloads.append(json.dumps(big).encode())
    await _letters(kafka_bootstrap, stage, payloads)
    listed = _listed(kafka_bootstrap, redis_url, "--stage", stage)
    assert {listed[rid]["reason"] for rid in rids} == {"unknown_schema_version"}
    truncated = [row for rid, row in listed.items() if rid not in rids]
    assert len(truncated) == 1 and truncated[0]["raw_truncated"]

    fixer = tmp_path / "fix-version"
    fixer.write_text(f"#!{sys.executable}\nimport json, sys\np = sys.argv[1]\nd = json.load(open(p))\n"
                     "d['schema_version'] = 1\njson.dump(d, open(p, 'w'), indent=2)\n")
    breaker = tmp_path / "break-json"
    breaker.write_text("#!/bin/sh\nprintf '{\"schema_version\": 1, ' > \"$1\"\n")
    for script in (fixer, breaker):
        script.chmod(0o755)
    fixed_file = tmp_path / "fixed.json"
    fixed = json.loads(payloads[2])
    fixed["schema_version"] = 1
    fixed_file.write_text(json.dumps(fixed, indent=2))

    received = await TopicReader(kafka_bootstrap, topics.REPORTS_RECEIVED).start()
    try:
        broken = _cli(kafka_bootstrap, redis_url, "replay", str(listed[rids[0]]["id"]), "--edit", editor=str(breaker))
        assert broken.returncode == 1 and "not a valid" in broken.stderr, broken.stderr
        edited = _cli(kafka_bootstrap, redis_url, "replay", str(listed[rids[0]]["id"]), "--edit", editor=str(fixer))
        assert edited.returncode == 0 and "1 message(s) replayed" in edited.stdout, edited.stderr
        from_file = _cli(kafka_bootstrap, redis_url, "replay", str(listed[rids[2]]["id"]), "--file", str(fixed_file))
        assert from_file.returncode == 0 and "1 message(s) replayed" in from_file.stdout, from_file.stderr
        cut = _cli(kafka_bootstrap, redis_url, "replay", str(truncated[0]["id"]))
        assert cut.returncode == 1 and "--edit or --file" in cut.stderr
        await received.wait_for(lambda m: m.get("report_id") == rids[2], timeout=60)
    finally:
        await received.stop()
    back = [m for m in received.seen if m.get("report_id") in rids]
    assert [(m["report_id"], m["schema_version"]) for m in back] == [(rids[0], 1), (rids[2], 1)]
    ReportReceived.model_validate(back[0])
