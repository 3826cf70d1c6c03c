"""Encoding events to Kafka bytes and back: orjson, one place."""

from __future__ import annotations

from typing import TypeVar

import orjson
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def encode(event: BaseModel) -> bytes:
    """An event as compact JSON bytes."""
    return orjson.dumps(event.model_dump(mode="json", exclude_none=False))


def decode(model: type[M], raw: bytes) -> M:
    """Bytes to an event; raises ``pydantic.ValidationError`` (invalid JSON included)."""
    return model.model_validate_json(raw)
