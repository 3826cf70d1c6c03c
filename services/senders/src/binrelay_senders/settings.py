"""Settings of a sender process (environment, prefix ``BINRELAY_``), on top of the shared ones.

:class:`SenderSettings` is what every sender reads: which provider (transport) delivers each
channel, and the retry/idempotency policy. Each provider reads its own settings class (a
:class:`ProviderSettings`, defined in its module under ``providers/``), and only the provider a
process runs is read. Both are read at start with
:func:`~binrelay_shared.settings.settings_or_exit`: a bad value — an unknown transport name
included — stops the process with exit status 2 and the variable named, never a silent default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from binrelay_shared.events import Channel
from binrelay_shared.local_secrets import setting_secret
from binrelay_shared.settings import ENV_PREFIX, Settings

from .registry import PROVIDERS


class SenderSettings(Settings):
    """What a sender worker needs besides its provider: the transports and the delivery policy."""

    email_transport: str = Field("smtp", description="Provider of the email channel (see registry.PROVIDERS)")
    sms_transport: str = Field("http", description="Provider of the sms channel: 'http' (gateway) or 'smpp' (SMSC)")
    chat_transport: str = Field("matrix", description="Provider of the chat channel (see registry.PROVIDERS)")

    sender_max_attempts: int = Field(5, description="Tries per job before giving up / falling back")
    sender_backoff_initial: float = Field(0.5, description="First backoff (s); doubles, with jitter")
    sender_backoff_max: float = Field(30.0, description="Longest backoff between tries (s)")
    sender_lease_seconds: int = Field(60, description="How long a 'sending' claim holds")
    sender_done_ttl_seconds: int = Field(30 * 24 * 3600, description="How long sent keys are kept")
    sender_done_retry_seconds: float = Field(
        30.0, description="How long the 'done' mark of an answered job is retried while Redis is away (s)"
    )
    sender_max_hold_seconds: float = Field(5.0, description="Longest an early job is held in memory")
    sender_concurrency: int = Field(
        200, ge=1, description="Jobs of one batch sent at the same time (a bulk provider groups their sends)"
    )
    sender_urgent_concurrency: int = Field(
        200, ge=1, description="Urgent jobs sent at the same time (their own slots: ordinary jobs never hold them)"
    )
    sender_batch_linger_seconds: float = Field(
        0.005, ge=0, le=1,
        description="With a bulk provider: how long the first send waits for others to share its request (s)",
    )
    sender_batch_requests: int = Field(
        4, ge=1, description="With a bulk provider: bulk requests on the wire at once, per lane"
    )
    sender_urgent_backoff_max: float = Field(
        2.0, description="Longest backoff between tries of an urgent job (s): out soon after the provider is back"
    )
    # Secrets: a value, its _file, or <secrets_dir>/<name> (binrelay_shared.local_secrets); no default here.
    ack_key_secret: SecretStr | None = Field(None, description="Keys the reply-to-ack lookup (HMAC)")
    ack_key_secret_file: Path | None = Field(None, description="File of it (default <secrets_dir>/ack-key)")

    def ack_key(self) -> str:
        """The reply-to-ack lookup's key (:class:`~binrelay_shared.secrets.MissingSecret` if none)."""
        return setting_secret(self, "ack_key_secret", "ack-key").get_secret_value()

    @field_validator("email_transport", "sms_transport", "chat_transport", mode="before")
    @classmethod
    def _known_transport(cls, value: Any, info: ValidationInfo) -> Any:
        channel = Channel(str(info.field_name).removesuffix("_transport"))
        name = str(value).strip().lower()
        if name not in PROVIDERS[channel]:
            raise ValueError(f"unknown {channel.value} transport; allowed: {', '.join(PROVIDERS[channel])}")
        return name

    def transport(self, channel: Channel) -> str:
        """The provider name configured for ``channel``."""
        return str(getattr(self, f"{channel.value}_transport"))


class ProviderSettings(BaseSettings):
    """Base of a provider's own settings: same ``BINRELAY_`` prefix, its own fields only."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    secrets_dir: Path = Field(Path(".run/secrets"), description="Generated secrets (binrelay_shared.secrets)")


class SmsSettings(ProviderSettings):
    """What every SMS provider reads (each adds its server's settings)."""

    sms_from: str = Field("BINRelay", description="Sender id shown on SMS")
    sms_timeout: float = Field(15.0, description="Timeout of one request to the SMS provider (s)")
