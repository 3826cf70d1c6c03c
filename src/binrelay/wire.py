"""The wire: what the loopback providers received, per delivery idempotency key (the audit's last check).

* the loopback SMS gateway (``binrelay-devserver sms``): ``GET /_control/requests`` lists every
  ``POST /messages`` it received, repeats included, with its ``Idempotency-Key`` (a digest of the
  delivery's key: :func:`binrelay_senders.providers.sms_http.gateway_key`) and the answer given —
  202 a new message, 200 a repeated key it did not send again;
* the loopback SMTP sink (``binrelay-devserver smtp --maildir DIR``): one ``<n>.eml`` per mail
  received; its ``Message-ID`` is derived from the delivery's idempotency key
  (:func:`binrelay_senders.providers.smtp.message_id`), and SMTP has no dedup: each file is a send.

Only the top-level package may import a service (the senders' key rules), hence here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

import httpx

from binrelay_senders.providers.sms_http import gateway_key
from binrelay_senders.providers.smtp import message_id
from binrelay_shared.audit import Records, idempotency_key


class WireError(Exception):
    """A wire counter could not be read (message: what, and the fix)."""


def add_sms_gateway(records: Records, url: str, timeout: float = 30.0) -> None:
    """Count the gateway's requests per key into ``records`` (``url``: the gateway's base URL)."""
    try:
        r = httpx.get(url.rstrip("/") + "/_control/requests", timeout=timeout)
        r.raise_for_status()
        requests = r.json()["requests"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise WireError(f"cannot read the SMS gateway's request log at {url}/_control/requests "
                        f"({type(exc).__name__})") from None
    by_header = {gateway_key(k): k for k in _keys(records.jobs, "sms")}
    for req in requests:
        key, status = by_header.get(req.get("idempotency_key") or ""), req.get("status")
        if key is None:
            continue  # another report's (or a request without a key)
        if status == 202:
            records.wire_sent[key] += 1
        if status in (200, 202):
            records.wire_accepted[key] += 1
    records.wire_channels = records.wire_channels | {"sms"}


def add_maildir(records: Records, maildir: Path) -> None:
    """Count the sink's mails per idempotency key (via the Message-ID of the e-mail jobs read)."""
    if not maildir.is_dir():
        raise WireError(f"{maildir} is not a folder (the SMTP sink's --maildir)")
    by_message_id = {message_id(k): k for k in _keys(records.jobs, "email")}
    parser = BytesHeaderParser()
    for path in maildir.glob("*.eml"):
        with path.open("rb") as f:
            mid = parser.parse(f).get("Message-ID")
        key = by_message_id.get(str(mid).strip()) if mid else None
        if key is not None:
            records.wire_sent[key] += 1
            records.wire_accepted[key] += 1
    records.wire_channels = records.wire_channels | {"email"}


def _keys(jobs: Iterable[Mapping[str, Any]], channel: str) -> set[str]:
    """The idempotency keys of the ``channel`` jobs the audit read."""
    return {idempotency_key(j) for j in jobs if j.get("channel") == channel}
