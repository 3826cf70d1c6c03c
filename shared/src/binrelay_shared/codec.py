"""Encoding events to Kafka bytes and back, in one place (pydantic-core's Rust JSON both ways)."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def encode(event: BaseModel) -> bytes:
    """An event as compact JSON bytes (pydantic-core's serializer, straight to bytes)."""
    return event.__pydantic_serializer__.to_json(event)


def decode(model: type[M], raw: bytes) -> M:
    """Bytes to an event; raises ``pydantic.ValidationError`` (invalid JSON included)."""
    return model.model_validate_json(raw)
