"""The secrets of a local deployment (``make up``, the tests): generated once under
``BINRELAY_SECRETS_DIR`` (default ``.run/secrets``), one file each, never committed.

``python -m binrelay_shared.local_secrets [DIR]`` makes every missing one and prints where they
are (never their values). What each is for — and the setting that reads it:

=======================  ==========================================================================
file                     what for (setting; ``_FILE`` variant for another path)
=======================  ==========================================================================
``redis/<user>``         password of each Redis ACL user (``BINRELAY_REDIS_PASSWORD``)
``api-key-mac``          MAC of API key records: only ``binrelay keys create`` makes records ingest
                         accepts (``BINRELAY_API_KEY_MAC``)
``ack-key``              keys the reply-to-ack lookups of senders and adapters
                         (``BINRELAY_ACK_KEY_SECRET``)
``sms-webhook``          HMAC of the SMS gateway's inbound webhook (``BINRELAY_SMS_WEBHOOK_SECRET``;
                         the dev gateway signs with the same file)
``sms-gateway-token``    bearer token of the SMS gateway (``BINRELAY_SMS_GATEWAY_TOKEN``)
``smpp-password``        password of the SMPP account (``BINRELAY_SMPP_PASSWORD``)
=======================  ==========================================================================
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from .redis_acl import USERS, password_file
from .secrets import DEFAULT_DIR, MissingSecret, ensure_secret, load_secret

#: file name under the secrets folder → what it is for.
NAMED = {
    "api-key-mac": "MAC of API key records (ingest, binrelay keys)",
    "ack-key": "keys the reply-to-ack lookups (senders, SMS and Matrix adapters)",
    "sms-webhook": "HMAC of the SMS gateway's inbound webhook (adapter-sms, the gateway)",
    "sms-gateway-token": "bearer token of the SMS gateway (sender-sms, adapter-sms, the gateway)",
    "smpp-password": "password of the SMPP account (sender-sms with smpp, the SMSC)",
}


def ensure_all(secrets_dir: Path) -> list[Path]:
    """Make every missing secret under ``secrets_dir``; the files (all of them)."""
    paths = [password_file(secrets_dir, u.name) for u in USERS] + [secrets_dir / name for name in NAMED]
    for path in paths:
        ensure_secret(path)
    return paths


def setting_secret(settings: Any, field: str, file_name: str) -> SecretStr:
    """The secret of setting ``field`` (a ``SecretStr | None``) of ``settings``: its value, else the
    file of ``<field>_file``, else ``<secrets_dir>/<file_name>``; :class:`MissingSecret` naming
    ``BINRELAY_<FIELD>`` when none is there."""
    path = getattr(settings, f"{field}_file", None) or Path(getattr(settings, "secrets_dir", DEFAULT_DIR)) / file_name
    return load_secret(f"BINRELAY_{field.upper()}", getattr(settings, field), path)


def secrets_or_exit(settings: Any, fields: dict[str, str]) -> dict[str, SecretStr]:
    """:func:`setting_secret` of each ``field → file name`` at a process's start; exit 2 naming
    the setting (never a value) when one is missing."""
    try:
        return {f: setting_secret(settings, f, name) for f, name in fields.items()}
    except MissingSecret as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    secrets_dir = Path(args[0]) if args else DEFAULT_DIR
    ensure_all(secrets_dir)
    print(f"secrets in {secrets_dir}/ (mode 0600; values never printed): redis/<user> for {len(USERS)} Redis users, "
          + ", ".join(NAMED))


if __name__ == "__main__":
    main()
