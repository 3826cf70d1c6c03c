"""The credential of a request, as FastAPI sees it (for the OpenAPI document and the routes it serves)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from .core import Credential, presented

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer binr_<id>_<secret>`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key in `X-API-Key`")


def credential(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Credential:
    """401 at once when no credential of the right shape is presented (before the body is read)."""
    return presented({k.lower(): v for k, v in request.headers.raw})


