"""The dead-letter helper: a reason, a value-free error, and the raw bytes for replay."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from binrelay_shared.codec import decode
from binrelay_shared.deadletter import dead_letter, raw_bytes
from binrelay_shared.events import ReportReceived


def _error(raw: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        decode(ReportReceived, raw)
    return info.value


def test_undecodable_bytes_become_a_decode_error_with_the_raw_bytes_kept() -> None:
    """Given bytes that are not JSON, the letter says decode_error and keeps the bytes."""
    raw = b"\x00\xffnot json"
    letter = dead_letter(stage="classifier", exc=_error(raw), raw=raw, source_topic="t", partition=1, offset=7)
    assert letter.reason == "decode_error"
    assert (letter.partition, letter.offset, letter.source_topic) == (1, 7, "t")
    assert raw_bytes(letter) == raw


def test_schema_errors_name_the_field_but_never_the_value() -> None:
    """Given valid JSON with a wrong field, the error names the field and not the value in it."""
    secret = "+32 470 12 34 56"
    raw = (
        b'{"report_id":"x","network_id":null,"zone_id":"5339","trace_id":"t",'
        b'"stamps":{"received":"2026-01-01T00:00:00Z"},"report":{"text":"x","reporter":{"ref":"m"},'
        b'"channel":"' + secret.encode() + b'"}}'
    )
    letter = dead_letter(stage="classifier", exc=_error(raw), raw=raw, source_topic="t")
    assert letter.reason == "schema_error"
    assert "report.channel" in letter.error
    assert secret not in letter.error


def test_other_failures_are_processing_errors_described_by_type_only() -> None:
    """A processing exception is described by its type, never its message (which may hold data)."""
    letter = dead_letter(stage="dispatcher", exc=KeyError("Jan Janssens"), raw=b"{}", source_topic="t")
    assert letter.reason == "processing_error"
    assert letter.error == "KeyError"


def test_an_edited_letter_is_checked_against_the_event_of_its_topic_and_twin() -> None:
    """Given the topics a letter can come from (urgent twins included, outboxes too), when an
    edited payload is checked, then the topic's event is known for each — none is unknown."""
    from binrelay_shared import topics
    from binrelay_shared.dlq import _model_of
    from binrelay_shared.events import DeliveryJob, ReportReceived

    assert _model_of(topics.REPORTS_RECEIVED) is ReportReceived
    for plain, twin in topics.URGENT_LANE.items():
        assert _model_of(twin) is _model_of(plain) is not None
    assert _model_of(topics.outbox("sms")) is DeliveryJob
