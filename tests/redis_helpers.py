"""Redis clients of the tests, authenticated like the services (Redis ACL users are on).

The session's secrets folder (``BINRELAY_SECRETS_DIR``, set by tests/conftest.py's ``secrets_dir``
fixture) holds every user's password and the API key MAC secret.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from redis.asyncio import Redis

from binrelay_shared.redis_auth import credentials, redis_client
from binrelay_shared.settings import Settings


def _settings(url: str) -> Settings:
    return Settings(redis_url=url, redis_user=None, redis_password=None, redis_password_file=None)


def admin_redis(url: str, **kwargs: Any) -> Redis:
    """A client of the ``admin`` user (everything): for fixtures and for looking at what services did."""
    return redis_client(_settings(url), "admin", **kwargs)


def user_redis(url: str, user: str, **kwargs: Any) -> Redis:
    """A client of the service user ``user`` (only what its row of the ACL table allows)."""
    return redis_client(_settings(url), user, **kwargs)


def user_credentials(url: str, user: str) -> tuple[str, SecretStr]:
    """(user, password) of ``user``, for clients that take them apart (ingest's RespClient)."""
    return credentials(_settings(url), user)


def mac_key() -> SecretStr:
    """The session's API key MAC secret: what `binrelay keys create` signs key records with."""
    from binrelay_ingest.keys import api_key_mac

    return api_key_mac(Settings())
