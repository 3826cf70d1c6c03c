"""Secrets a process needs (passwords, keys): from the environment or a file, never logged.

Where they live on a machine without Docker: ``.run/secrets/`` (``BINRELAY_SECRETS_DIR``), a
folder of mode 0700 holding one file per secret, mode 0600, generated on first start by
``make up`` or by the tests' fixtures, never committed. The layout is one convention for every
part:

* ``kafka/<principal>`` — the SCRAM password of a Kafka principal (``ingest``, ``classifier`` …);
* ``redis/<user>`` — the password of a Redis ACL user;
* ``<name>`` — any other secret (e.g. ``api-key-mac``).

A secret is given to a setting either as a value (``BINRELAY_X``, a pydantic ``SecretStr``, so it
never shows in a repr, a log line or a traceback) or as a file path; :func:`load_secret` reads it
and, when it is missing, raises :class:`MissingSecret` naming the setting and the file to create,
so a service stops at start-up instead of after its first message.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import SecretStr

DEFAULT_DIR = Path(".run/secrets")


class MissingSecret(ValueError):
    """A secret a setting needs is neither given nor in its file; the message says how to fix it."""


def load_secret(setting: str, value: SecretStr | None, path: Path | None) -> SecretStr:
    """The secret of ``setting``: ``value`` when given, else the first line of ``path``.

    Raises :class:`MissingSecret` naming ``setting`` (e.g. ``BINRELAY_KAFKA_PASSWORD``) and the
    file, never the value.
    """
    if value is not None and value.get_secret_value():
        return value
    if path is None:
        raise MissingSecret(f"{setting} is not set: set it, or its _FILE variant, to the secret")
    try:
        text = path.read_text("utf-8").strip()
    except FileNotFoundError:
        raise MissingSecret(
            f"{setting} is not set and {path} does not exist: run `make up` (which generates it) "
            f"or set {setting}"
        ) from None
    except OSError as exc:
        raise MissingSecret(f"{setting}: cannot read {path} ({exc.strerror})") from None
    if not text:
        raise MissingSecret(f"{setting}: {path} is empty")
    return SecretStr(text.splitlines()[0])


def ensure_secret(path: Path, nbytes: int = 32) -> SecretStr:
    """The secret in ``path``, generated (URL-safe, ``nbytes`` random bytes) if it is not there.

    The folder is made 0700 and the file 0600 before anything is written to it.
    """
    if path.exists():
        return load_secret(str(path), None, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    value = secrets.token_urlsafe(nbytes)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile: theirs is the secret
        return load_secret(str(path), None, path)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value + "\n")
    return SecretStr(value)


__all__ = ["DEFAULT_DIR", "MissingSecret", "ensure_secret", "load_secret"]
