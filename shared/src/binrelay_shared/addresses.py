"""Members' addresses as the senders and the inbound adapters both write and key them.

* :func:`normalize_phone` — one spelling of a phone number (the SMS senders send to it, the SMS
  webhook and the members directory look numbers up by it);
* :func:`address_hash` — the keyed hash that stands for an address in Redis keys and records
  (a phone number, a Matrix id: Redis never holds the address itself);
* what waits for a recipient's answer is keyed by that hash too: :mod:`binrelay_shared.replies`.

The number rule is deliberately plain (no ``phonenumbers``: it would change what matches — a
national ``0470…`` stays as written — and add its metadata to every image that sends or reads SMS).
"""

from __future__ import annotations

import hashlib
import hmac
import re

_NOT_DIGIT = re.compile(r"[^0-9+]")


def normalize_phone(number: str) -> str:
    """``+32 470 00 00 00`` / ``0032470000000`` → ``+32470000000`` (spaces, dots, dashes dropped;
    a leading ``00`` becomes ``+``; a national number keeps its form)."""
    digits = _NOT_DIGIT.sub("", number)
    return "+" + digits[2:] if digits.startswith("00") else digits


def address_hash(secret: str, address: str) -> str:
    """A keyed hash of an address (phone number, Matrix id): Redis keys never hold the address."""
    return hmac.new(secret.encode(), address.strip().encode(), hashlib.sha256).hexdigest()[:32]
