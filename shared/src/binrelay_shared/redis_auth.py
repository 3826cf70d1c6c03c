"""Every Redis connection of BIN Relay comes from here: :func:`redis_client`.

A process authenticates as one ACL user (:mod:`.redis_acl`): ``BINRELAY_REDIS_USER``, by default
the name the process passes (``ingest``, ``dispatcher``, ``sender-sms`` …), with the password of
``BINRELAY_REDIS_PASSWORD`` or, by default, of the file ``<secrets_dir>/redis/<user>``.
Credentials in ``BINRELAY_REDIS_URL`` are refused: a URL ends up in log lines and error messages,
a password must not.

A service calls :func:`check_redis_or_exit` at start: a missing password file, a wrong password
or an unknown user stops it at once with exit status 2 and a message naming the setting (never
the value) — not after its first message. Redis not answering yet is not fatal there (the
clients reconnect); it is logged.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import redis as redis_sync
from pydantic import SecretStr
from redis.asyncio import Redis
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .redis_acl import password_file
from .secrets import MissingSecret, load_secret
from .settings import Settings


class RedisAuthError(ValueError):
    """Redis credentials are missing or refused; the message names the setting, never a secret."""


def redis_user(settings: Settings, default: str) -> str:
    """The ACL user of this process: ``BINRELAY_REDIS_USER``, else ``default``."""
    return settings.redis_user or default


def redis_password(settings: Settings, user: str) -> SecretStr:
    """The password of ``user``: ``BINRELAY_REDIS_PASSWORD``, else its file (see :mod:`.secrets`)."""
    path = settings.redis_password_file or password_file(settings.secrets_dir, user)
    try:
        return load_secret("BINRELAY_REDIS_PASSWORD", settings.redis_password, path)
    except MissingSecret as exc:
        raise RedisAuthError(f"{exc} (the password of Redis user {user!r}; BINRELAY_REDIS_PASSWORD_FILE)") from None


def _plain_url(settings: Settings) -> str:
    url = settings.redis_url
    parsed = urlparse(url)
    if parsed.username or parsed.password:
        raise RedisAuthError(
            "BINRELAY_REDIS_URL holds credentials: take them out of the URL and set BINRELAY_REDIS_USER and "
            "BINRELAY_REDIS_PASSWORD (or BINRELAY_REDIS_PASSWORD_FILE) instead"
        )
    return url


def credentials(settings: Settings, default_user: str) -> tuple[str, SecretStr]:
    """(user, password) this process authenticates with; :class:`RedisAuthError` if not given."""
    _plain_url(settings)
    user = redis_user(settings, default_user)
    return user, redis_password(settings, user)


def redis_client(settings: Settings, default_user: str, **kwargs: Any) -> Redis:
    """An asyncio Redis client of ``settings.redis_url``, authenticated as this process's user.

    ``kwargs`` go to :meth:`redis.asyncio.Redis.from_url` (``connection_pool_class``,
    ``max_connections``, ``socket_connect_timeout`` …).
    """
    user, password = credentials(settings, default_user)
    pool_class = kwargs.pop("connection_pool_class", None)
    if pool_class is not None:  # e.g. a BlockingConnectionPool (ingest): Redis.from_url does not take it
        pool = pool_class.from_url(_plain_url(settings), username=user, password=password.get_secret_value(), **kwargs)
        return Redis(connection_pool=pool)
    return Redis.from_url(_plain_url(settings), username=user, password=password.get_secret_value(), **kwargs)


def check_redis(settings: Settings, default_user: str, timeout: float = 3.0) -> bool:
    """AUTH and PING once: True if Redis answered, False if it could not be reached.

    Raises :class:`RedisAuthError` (naming the settings) for a missing password, an unknown user
    or a wrong password.
    """
    user, password = credentials(settings, default_user)
    client = redis_sync.Redis.from_url(
        _plain_url(settings), username=user, password=password.get_secret_value(),
        socket_connect_timeout=timeout, socket_timeout=timeout,
    )  # fmt: skip
    try:
        client.ping()
    except AuthenticationError:
        raise RedisAuthError(
            f"Redis refused user {user!r} (WRONGPASS): BINRELAY_REDIS_PASSWORD (or its file "
            f"{settings.redis_password_file or password_file(settings.secrets_dir, user)}) is not its password, "
            "or BINRELAY_REDIS_USER names no user; `make up` writes both"
        ) from None
    except (RedisConnectionError, RedisTimeoutError, OSError):
        return False
    except ResponseError as exc:  # e.g. NOPERM: the user exists but may not even PING
        code = str(exc).split(" ", 1)[0]
        raise RedisAuthError(f"Redis refused user {user!r}: {code} (BINRELAY_REDIS_USER)") from None
    finally:
        client.close()
    return True


def check_redis_or_exit(settings: Settings, default_user: str) -> None:
    """:func:`check_redis` at a service's start: exit 2 naming the setting when credentials are
    wrong; carry on (logging it) when Redis is not up yet."""
    try:
        reached = check_redis(settings, default_user)
    except RedisAuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    if not reached:
        from .logging import get_logger

        get_logger(__name__).warning("redis not reachable at start; will retry", redis=settings.redis_url)


def password_path(settings: Settings, default_user: str) -> Path:
    """The file the password of this process's user is read from (when no value is given)."""
    user = redis_user(settings, default_user)
    return settings.redis_password_file or password_file(settings.secrets_dir, user)


__all__ = [
    "RedisAuthError",
    "check_redis",
    "check_redis_or_exit",
    "credentials",
    "password_path",
    "redis_client",
    "redis_password",
    "redis_user",
]


T = TypeVar("T")


class RedisProblem(Exception):
    """Why a command's Redis work could not run, and the fix (for a CLI to print, exit 2)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


async def as_user(settings: Settings, user: str, work: Callable[[Redis], Awaitable[T]]) -> T:
    """``work(redis)`` with a client of Redis user ``user``, closed afterwards; a missing secret,
    a refused login or an unreachable server raises :class:`RedisProblem` naming the fix."""
    from redis.exceptions import NoPermissionError

    try:
        redis = redis_client(settings, user)
    except RedisAuthError as exc:
        raise RedisProblem(str(exc), "run `make up` (it writes the secrets) or set BINRELAY_REDIS_PASSWORD_FILE") \
            from None
    try:
        return await work(redis)
    except (AuthenticationError, NoPermissionError) as exc:
        raise RedisProblem(f"Redis refused user {settings.redis_user or user!r}: {type(exc).__name__}",
                           f"check BINRELAY_REDIS_USER and the password in {password_path(settings, user)}") from None
    except RedisConnectionError:
        raise RedisProblem(f"cannot reach Redis at {settings.redis_url}",
                           "start it (make up) or set BINRELAY_REDIS_URL") from None
    finally:
        await redis.aclose()
