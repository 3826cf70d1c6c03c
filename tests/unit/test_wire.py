"""The audit's wire counts (src/binrelay/wire.py): the providers' records mapped back to delivery keys.

The loopback SMS gateway sees only a digest of the key (``Idempotency-Key``), the SMTP sink a
Message-ID derived from it; both must land on the delivery's own key, repeats counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from binrelay import wire
from binrelay_senders.providers.sms_http import gateway_key
from binrelay_senders.providers.smtp import message_id
from binrelay_shared.audit import Records

SMS = {"report_id": "r1", "delivery_id": "d1", "recipient_id": "m1", "channel": "sms", "send_at": None}
MAIL = {"report_id": "r1", "delivery_id": "d2", "recipient_id": "m1", "channel": "email", "send_at": None}


def test_sms_gateway_requests_are_counted_per_delivery_key(monkeypatch: pytest.MonkeyPatch) -> None:
    header = gateway_key("r1:m1:sms")
    log = {"count": 4, "requests": [
        {"idempotency_key": header, "status": 503},
        {"idempotency_key": header, "status": 202},
        {"idempotency_key": header, "status": 200},  # a repeat the gateway absorbed
        {"idempotency_key": gateway_key("other:m9:sms"), "status": 202},  # not a job the audit read
    ]}

    def fake_get(url: str, timeout: float) -> httpx.Response:
        assert url == "http://gw/_control/requests"
        return httpx.Response(200, json=log, request=httpx.Request("GET", url))

    monkeypatch.setattr(wire.httpx, "get", fake_get)
    records = Records(jobs=[SMS])
    wire.add_sms_gateway(records, "http://gw/")
    assert records.wire_sent == {"r1:m1:sms": 1}
    assert records.wire_accepted == {"r1:m1:sms": 2}
    assert records.wire_channels == {"sms"}


def test_mails_in_the_sink_are_counted_per_delivery_key(tmp_path: Path) -> None:
    def mail(n: int, mid: str) -> None:
        (tmp_path / f"{n}.eml").write_bytes(f"Message-ID: {mid}\r\nSubject: x\r\n\r\nbody\r\n".encode())

    mail(1, message_id("r1:m1:email"))
    mail(2, message_id("r1:m1:email"))  # SMTP cannot dedup: a second mail is a second send
    mail(3, "<unrelated@elsewhere>")
    records = Records(jobs=[MAIL])
    wire.add_maildir(records, tmp_path)
    assert records.wire_sent == {"r1:m1:email": 2}
    assert records.wire_channels == {"email"}


def test_an_unreadable_counter_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(url: str, timeout: float) -> Any:
        raise httpx.ConnectError("refused")

    monkeypatch.setattr(wire.httpx, "get", refused)
    with pytest.raises(wire.WireError, match="SMS gateway"):
        wire.add_sms_gateway(Records(), "http://127.0.0.1:1")
    with pytest.raises(wire.WireError, match="not a folder"):
        wire.add_maildir(Records(), tmp_path / "missing")
