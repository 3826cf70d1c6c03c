"""Dead letters: what a stage could not process goes to ``bin.dlq.v1`` with the reason.

The error text is built from the exception *type* and pydantic's error locations and types, never
from the input values, so a dead letter's ``error`` carries no personal data (the raw bytes do,
and the DLQ topic is access-restricted like the raw-report topics).
"""

from __future__ import annotations

import base64

from pydantic import ValidationError

from .events import DeadLetter


def describe_error(exc: BaseException) -> str:
    """A short, value-free description of why a message failed."""
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors(include_input=False, include_url=False)[:10]:
            loc = ".".join(str(p) for p in err.get("loc", ())) or "(message)"
            parts.append(f"{loc}: {err.get('type', 'invalid')}")
        return "; ".join(parts)
    return type(exc).__name__


def reason_for(exc: BaseException) -> str:
    """The bounded reason label: decode_error, schema_error or processing_error."""
    if isinstance(exc, ValidationError):
        types = {e.get("type") for e in exc.errors(include_input=False, include_url=False)}
        return "decode_error" if types & {"json_invalid", "json_type"} else "schema_error"
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
    """Build the dead letter for a message that failed with ``exc``."""
    return DeadLetter(
        stage=stage,
        reason=reason_for(exc),
        error=describe_error(exc),
        source_topic=source_topic,
        partition=partition,
        offset=offset,
        key=key.decode("utf-8", "replace") if key is not None else None,
        raw=base64.b64encode(raw or b"").decode("ascii"),
        report_id=report_id,
    )


def raw_bytes(letter: DeadLetter) -> bytes:
    """The original message bytes of a dead letter (for replay)."""
    return base64.b64decode(letter.raw)
