"""Members' addresses as the senders and the inbound adapters both write and key them.

* :func:`normalize_phone` — one spelling of a phone number (the SMS senders send to it, the SMS
  webhook and the members directory look numbers up by it);
* :func:`address_hash` — the keyed hash that stands for an address in Redis keys and records
  (a phone number, a Matrix id: Redis never holds the address itself);
* the acknowledgement lookups: the senders remember which alert a delivery was about under
  :data:`ACK_SMS_KEY` / :data:`ACK_CHAT_KEY`, the inbound adapters read them there when a
  coordinator answers "OK".

The number rule is deliberately plain (no ``phonenumbers``: it would change what matches — a
national ``0470…`` stays as written — and add its metadata to every image that sends or reads SMS).
"""

from __future__ import annotations

import hashlib
import hmac
import re

#: An SMS "OK" cannot say which alert it answers: one hash per number (keyed by
#: :func:`address_hash` of the normalized number), one field per report awaiting that number's OK.
ACK_SMS_KEY = "bin:ack:sms:{}"
#: A chat thread reply names its alert: one record per Matrix event id of a delivered alert.
ACK_CHAT_KEY = "bin:ack:chat:{}"
#: How long a chat alert can be acknowledged by a reply.
ACK_TTL_SECONDS = 7 * 24 * 3600
#: How long an SMS "OK" acknowledges the alerts sent to that number.
ACK_SMS_TTL_SECONDS = 24 * 3600

_NOT_DIGIT = re.compile(r"[^0-9+]")


def normalize_phone(number: str) -> str:
    """``+32 470 00 00 00`` / ``0032470000000`` → ``+32470000000`` (spaces, dots, dashes dropped;
    a leading ``00`` becomes ``+``; a national number keeps its form)."""
    digits = _NOT_DIGIT.sub("", number)
    return "+" + digits[2:] if digits.startswith("00") else digits


def address_hash(secret: str, address: str) -> str:
    """A keyed hash of an address (phone number, Matrix id): Redis keys never hold the address."""
    return hmac.new(secret.encode(), address.strip().encode(), hashlib.sha256).hexdigest()[:32]
