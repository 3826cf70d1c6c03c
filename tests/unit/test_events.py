"""The shared event models: what they accept, refuse and how they travel as bytes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from binrelay_shared.codec import decode, encode
from binrelay_shared.events import (
    SCHEMA_VERSION,
    Channel,
    DeliveryJob,
    Kind,
    Origin,
    Report,
    Reporter,
    ReportReceived,
    Stamps,
    utcnow,
)


def received(**report: object) -> ReportReceived:
    return ReportReceived(
        report_id="r1",
        network_id="zavel",
        zone_id="5339",
        trace_id="t1",
        stamps=Stamps(received=utcnow()),
        report=Report(text="Verdachte wagen", reporter=Reporter(ref="m-1"), **report),  # type: ignore[arg-type]
    )


def test_an_event_round_trips_through_bytes_unchanged() -> None:
    """Given a ReportReceived, when encoded and decoded, then it is equal and versioned."""
    event = received()
    again = decode(ReportReceived, encode(event))
    assert again == event
    assert again.schema_version == SCHEMA_VERSION
    assert again.report.origin is Origin.member and again.report.kind is Kind.report


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"{not json", "json_invalid"),
        (b'{"report_id": "x"}', "report"),
        (
            b'{"report_id":"x","network_id":null,"zone_id":"5339","trace_id":"t","stamps":{"received":"2026-01-01T00:00:00Z"},'
            b'"report":{"text":"","reporter":{"ref":"m"}}}',
            "report.text",
        ),
    ],
)
def test_invalid_bytes_are_refused_with_the_place_named(raw: bytes, where: str) -> None:
    """Given bytes that are not a valid event, when decoded, then a ValidationError names the place."""
    with pytest.raises(ValidationError) as info:
        decode(ReportReceived, raw)
    assert where in str(info.value)


def test_unknown_fields_are_refused() -> None:
    """An event with a field the schema does not know is refused (no silent drift)."""
    with pytest.raises(ValidationError):
        Report(text="x", reporter=Reporter(ref="m"), colour="red")  # type: ignore[call-arg]


def test_a_delivery_is_keyed_by_report_recipient_and_channel() -> None:
    """The idempotency key of a delivery job is (report, recipient, channel)."""
    job = DeliveryJob(
        report_id="r1",
        network_id="zavel",
        zone_id="5339",
        trace_id="t1",
        stamps=Stamps(received=utcnow()),
        delivery_id="d1",
        audience="group",
        recipient_id="m-7",
        channel=Channel.sms,
        address="+32470000000",
        language="nl",
        text="Alarm",
    )
    assert job.idempotency_key == "r1:m-7:sms"


def test_the_envelope_is_copied_to_the_next_event_with_the_stage_stamped() -> None:
    """Given a received report, when the classifier builds its event from the envelope,
    then ids, network, zone and trace are carried over and only the classified stamp is added."""
    from datetime import UTC, datetime

    from binrelay_shared.events import Classification, ReportClassified

    source = received()
    at = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    classified = ReportClassified(
        **source.envelope("classified", at),
        report=source.report,
        classification=Classification(urgency="non_urgent", category="other", language="nl", confidence=0.5),
    )
    for name in ("report_id", "network_id", "zone_id", "trace_id"):
        assert getattr(classified, name) == getattr(source, name)
    assert classified.stamps.received == source.stamps.received
    assert classified.stamps.classified == at
    assert source.stamps.classified is None  # the source is not changed
    assert source.envelope()["stamps"] is source.stamps
