"""Refusals: every 4xx names the field and the reason — never the value (it may be personal data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from .api_models import ErrorBody, FieldError, NotPublished, PublishUnknown

UNAUTHENTICATED = {"WWW-Authenticate": 'Bearer realm="binrelay"'}

_REASONS = {
    "json_invalid": "invalid JSON",
    "json_type": "must be a JSON document",
    "missing": "required",
    "extra_forbidden": "unknown field",
    "string_too_long": "too long",
    "string_too_short": "too short or empty",
    "too_long": "too many items",
    "too_short": "too few items",
    "enum": "not one of the allowed values",
    "literal_error": "not one of the allowed values",
    "string_pattern_mismatch": "not in the expected form",
    "string_type": "must be a string",
    "string_unicode": "must be valid text",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "greater_than_equal": "too small",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
}


class ApiError(Exception):
    """A refusal with its status, its body and its headers."""

    def __init__(
        self,
        status: int,
        error: str,
        fields: Sequence[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.status = status
        self.body = ErrorBody(error=error, fields=[FieldError(field=f, reason=r) for f, r in fields])
        self.headers = headers or {}

    def payload(self) -> bytes:
        return orjson.dumps(self.body.model_dump())


def field_errors(errors: Sequence[Any]) -> ErrorBody:
    """A pydantic error list as an ErrorBody: dotted field paths and fixed reasons, no input values."""
    fields = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        field = ".".join(loc) or "(body)"
        kind = str(err.get("type", ""))
        if kind == "value_error":
            # Our own validators' messages: written without input values.
            reason = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        else:
            reason = _REASONS.get(kind, kind.replace("_", " ") or "invalid")
        fields.append(FieldError(field=field, reason=reason))
    names = ", ".join(dict.fromkeys(f.field for f in fields[:5]))
    return ErrorBody(error=f"invalid request: {names}", fields=fields)


def invalid(errors: Sequence[Any]) -> ApiError:
    body = field_errors(errors)
    exc = ApiError(422, body.error)
    exc.body = body
    return exc


def unauthenticated(reason: str = "not a valid key") -> ApiError:
    return ApiError(401, "unknown or revoked credential", [("Authorization", reason)], UNAUTHENTICATED)


def too_large(limit: int) -> ApiError:
    return ApiError(
        413, f"request body too large: the limit is {limit} bytes", [("(body)", f"larger than {limit} bytes")]
    )


def not_published(error: str, what: str, retry_after_s: int = 2) -> ApiError:
    """503: ingest knows nothing was published (a retry publishes afresh)."""
    exc = ApiError(503, error, [(what, "unavailable")], {"Retry-After": str(retry_after_s)})
    exc.body = NotPublished(error=exc.body.error, fields=exc.body.fields)
    return exc


def publish_unknown(report_id: str, retry_safe: bool, reason: str = "", pending_s: int = 0,
                    retry_after_s: int = 2) -> ApiError:
    """504: Kafka did not acknowledge in time; the report may still be published. ``retry_safe``:
    the Idempotency-Key is bound to ``report_id``, so a retry answers with it; else no key was
    sent, or (``reason="unrecorded"``) ingest could not keep it (Redis failed)."""
    if retry_safe:
        how = ("retry with the same Idempotency-Key: the retry answers with this report_id and the report is "
               "dispatched once")
    elif reason == "unrecorded":
        how = (
            "ingest could not keep the Idempotency-Key (its store failed), so a retry after "
            f"{pending_s} s may create a second report: look this report_id up first (GET /v1/reports/{{id}})"
        )
    else:
        how = "no Idempotency-Key (nor adapter_message_id) was sent: a retry may create a second report"
    field = "Idempotency-Key" if reason == "unrecorded" else "(kafka)"
    problem = "not kept (ingest's store failed)" if reason == "unrecorded" else "no acknowledgement in time"
    exc = ApiError(504, f"Kafka did not confirm in time; the report may still be published; {how}",
                   [(field, problem)], {"Retry-After": str(retry_after_s)})  # fmt: skip
    exc.body = PublishUnknown(error=exc.body.error, fields=exc.body.fields, report_id=report_id,
                               retry_safe=retry_safe)
    return exc
