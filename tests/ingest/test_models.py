"""The request models under hypothesis: whatever the API accepts becomes a valid event, and whatever
it refuses is refused with field names only — never a crash, never an echoed value."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from binrelay_ingest.api_models import MessageIn, ReportIn
from binrelay_ingest.core import message_from, report_from
from binrelay_ingest.errors import field_errors
from binrelay_shared.codec import decode
from binrelay_shared.events import ReportReceived, Stamps, utcnow

MARK = "§"  # every generated string value carries it, so an echo would be visible

_ints = st.integers(-(2**63), 2**63 - 1)
junk = st.one_of(st.none(), st.booleans(), _ints, st.floats(allow_nan=False), st.lists(_ints))
texts = st.text(min_size=0, max_size=60).map(lambda t: MARK + t)
maybe_text = st.one_of(texts, junk)
language = st.one_of(st.sampled_from(["nl", "fr", "en", "de"]), maybe_text)
reporter = st.one_of(
    st.fixed_dictionaries(
        {"ref": maybe_text}, optional={"contact": maybe_text, "name": maybe_text, "language": language}
    ),
    junk,
)
location = st.one_of(
    st.fixed_dictionaries({}, optional={"street": maybe_text, "number": maybe_text, "text": maybe_text}), junk
)
attachment = st.fixed_dictionaries(
    {"ref": maybe_text, "content_type": maybe_text, "size": st.one_of(st.integers(-5, 10**9), junk)},
    optional={"filename": maybe_text},
)
report_bodies = st.fixed_dictionaries(
    {"text": maybe_text, "reporter": reporter},
    optional={
        "channel": st.one_of(st.sampled_from(["http", "sms", "email", "chat"]), maybe_text),
        "location": location,
        "network": st.one_of(st.sampled_from(["zavel", "meudon"]), maybe_text),
        "language": language,
        "attachments": st.lists(attachment, max_size=12),
        "adapter_message_id": maybe_text,
        MARK + "extra": maybe_text,
    },
)
message_bodies = st.fixed_dictionaries(
    {
        "kind": st.one_of(
            st.sampled_from(["alarm", "prevention", "feedback", "request_for_information", "closing"]), maybe_text
        ),
        "text": maybe_text,
        "network": st.one_of(st.sampled_from(["zavel", "kastelein"]), maybe_text),
    },
    optional={
        "refers_to": st.one_of(st.text(alphabet="abcdef0123456789", min_size=1, max_size=70), maybe_text),
        "language": language,
        "author": st.one_of(st.fixed_dictionaries({}, optional={"ref": maybe_text, "language": language}), junk),
        "attachments": st.lists(attachment, max_size=3),
    },
)


def _event(report: Any) -> ReportReceived:
    return ReportReceived(
        report_id="r", network_id=None, zone_id="5339", trace_id="t", stamps=Stamps(received=utcnow()), report=report
    )


def _values(body: Any) -> list[str]:
    if isinstance(body, dict):
        return [v for x in body.values() for v in _values(x)]
    if isinstance(body, list):
        return [v for x in body for v in _values(x)]
    return [body] if isinstance(body, str) and MARK in body and len(body) > 3 else []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_bodies)
def test_any_report_body_is_either_a_valid_event_or_a_clean_refusal(body: dict[str, Any]) -> None:
    """Given any JSON object shaped roughly like a report,
    when ingest validates it,
    then either it becomes a ReportReceived that survives the Kafka codec, or it is refused with
    a ValidationError whose error body names fields and never repeats a value."""
    raw = orjson.dumps(body)
    try:
        parsed = ReportIn.model_validate_json(raw)
    except ValidationError as exc:
        rendered = orjson.dumps(field_errors(exc.errors(include_input=False, include_url=False)).model_dump()).decode()
        assert all(f["field"] and f["reason"] for f in orjson.loads(rendered)["fields"])
        for value in _values(body):
            assert value not in rendered
        return
    event = _event(report_from(parsed))
    assert decode(ReportReceived, event.__pydantic_serializer__.to_json(event)) == event


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message_bodies)
def test_any_message_body_is_either_a_valid_event_or_a_clean_refusal(body: dict[str, Any]) -> None:
    """Given any JSON object shaped roughly like a police or coordinator message,
    when ingest validates it,
    then either it becomes a valid event (a closing always names what it closes), or it is
    refused naming fields without repeating values."""
    raw = orjson.dumps(body)
    try:
        parsed = MessageIn.model_validate_json(raw)
    except ValidationError as exc:
        rendered = orjson.dumps(field_errors(exc.errors(include_input=False, include_url=False)).model_dump()).decode()
        for value in _values(body):
            assert value not in rendered
        return
    report = message_from(parsed, "0123456789ab")
    if report.kind.value == "closing":
        assert report.refers_to
    event = _event(report)
    assert decode(ReportReceived, event.__pydantic_serializer__.to_json(event)) == event
