"""Dead letters: what a stage could not process goes to ``bin.dlq.v1`` with the reason.

The error text is built from the exception *type* and pydantic's error locations and types, never
from the input values, so a dead letter's ``error`` carries no personal data (the raw bytes do,
and the DLQ topic is access-restricted like the raw-report topics).
"""

from __future__ import annotations

import base64
import hashlib

from pydantic import ValidationError

from . import topics
from .events import DeadLetter


class TooLarge(Exception):
    """A record larger than a stage takes (``topics.MAX_INPUT_BYTES``), or an output larger than
    a topic takes (``topics.MAX_MESSAGE_BYTES``)."""

    def __init__(self, reason: str, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, limit {limit}")
        self.reason = reason
        self.size = size
        self.limit = limit


class PublishRefused(Exception):
    """The broker refused one record for good (e.g. too large for the topic): its input is
    dead-lettered, the rest of the batch goes on (found by bisecting the batch)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause


def describe_error(exc: BaseException) -> str:
    """A short, value-free description of why a message failed."""
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors(include_input=False, include_url=False)[:10]:
            loc = ".".join(str(p) for p in err.get("loc", ())) or "(message)"
            parts.append(f"{loc}: {err.get('type', 'invalid')}")
        return "; ".join(parts)
    if isinstance(exc, TooLarge):
        return f"TooLarge: {exc}"
    if isinstance(exc, PublishRefused):
        return f"PublishRefused: {exc}"
    return type(exc).__name__


def reason_for(exc: BaseException) -> str:
    """The bounded reason label: decode_error, schema_error, unknown_schema_version, too_large,
    output_too_large, publish_refused or processing_error."""
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_input=False, include_url=False)
        types = {e.get("type") for e in errors}
        if types & {"json_invalid", "json_type"}:
            return "decode_error"
        if any(tuple(e.get("loc", ()))[:1] == ("schema_version",) for e in errors):
            return "unknown_schema_version"
        return "schema_error"
    if isinstance(exc, TooLarge):
        return exc.reason
    if isinstance(exc, PublishRefused):
        return "publish_refused"
    return "processing_error"


def dead_letter(
    *,
    stage: str,
    exc: BaseException,
    raw: bytes | None,
    source_topic: str,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | None = None,
    report_id: str | None = None,
) -> DeadLetter:
    """Build the dead letter for a message that failed with ``exc``.

    A record larger than ``topics.MAX_INPUT_BYTES`` is not carried whole (the letter must fit in
    the DLQ): only its first ``topics.LETTER_HEAD_BYTES``, its size and SHA-256; it is referenced
    by ``source_topic``/``partition``/``offset``.
    """
    raw = raw or b""
    whole = len(raw) <= topics.MAX_INPUT_BYTES
    return DeadLetter(
        stage=stage,
        reason=reason_for(exc),
        error=describe_error(exc),
        source_topic=source_topic,
        partition=partition,
        offset=offset,
        key=key.decode("utf-8", "replace") if key is not None else None,
        raw=base64.b64encode(raw if whole else raw[: topics.LETTER_HEAD_BYTES]).decode("ascii"),
        raw_truncated=not whole,
        raw_size=len(raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        report_id=report_id,
    )


def raw_bytes(letter: DeadLetter) -> bytes:
    """The original message bytes of a dead letter (for replay)."""
    return base64.b64decode(letter.raw)
