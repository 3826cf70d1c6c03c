"""Settings of the inbound adapters (environment, prefix ``BINRELAY_``), on top of the shared ones.

Secrets are ``SecretStr`` (never in a repr, a log line or a traceback) and have no default in the
code: each is given as a value, or read from its ``_FILE`` setting, or by default from
``<secrets_dir>/<name>`` (:mod:`binrelay_shared.local_secrets`; ``make up`` generates them).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from binrelay_shared.local_secrets import setting_secret
from binrelay_shared.settings import Settings


class AdapterSettings(Settings):
    # the ingest API this adapter posts into
    ingest_url: str = Field("http://127.0.0.1:8080", description="Base URL of the ingest API")
    adapter_api_key: SecretStr | None = Field(None, description="This adapter's key (`binrelay keys create`)")
    adapter_timeout: float = Field(15.0, description="Timeout of one call to the ingest API (s)")
    adapter_max_attempts: int = Field(5, description="Tries of one call to the ingest API")

    # SMTP listener (inbound e-mail) and the relay used to answer
    smtp_listen_host: str = Field("127.0.0.1", description="SMTP listener bind address")
    smtp_listen_port: int = Field(2526, description="SMTP listener port")
    report_domain: str = Field("reports.binrelay.test", description="Report addresses: <network>@<domain>")
    max_attachment_bytes: int = Field(10 * 1024 * 1024, description="Largest attachment kept")
    max_message_bytes: int = Field(25 * 1024 * 1024, description="Largest mail accepted")
    smtp_host: str = Field("127.0.0.1", description="SMTP relay for answers")
    smtp_port: int = Field(2525, description="SMTP relay port for answers")
    smtp_from: str = Field("BIN Relay <relay@binrelay.test>", description="From: of answers")
    smtp_reply_to: str = Field(
        "replies@reports.binrelay.test",
        description="Where replies to our mails arrive: the Reply-To the senders set (same variable)",
    )

    # SMS gateway webhook (inbound) and the gateway used to answer
    sms_webhook_host: str = Field("127.0.0.1", description="SMS webhook bind address")
    sms_webhook_port: int = Field(8026, description="SMS webhook port")
    sms_webhook_secret: SecretStr | None = Field(None, description="HMAC secret shared with the gateway")
    sms_webhook_secret_file: Path | None = Field(None, description="File of it (default <secrets_dir>/sms-webhook)")
    sms_webhook_max_skew: int = Field(300, description="Largest accepted clock difference (s)")
    sms_gateway_url: str = Field("http://127.0.0.1:8025", description="SMS gateway base URL")
    sms_gateway_token: SecretStr | None = Field(None, description="Bearer token of the SMS gateway")
    sms_gateway_token_file: Path | None = Field(
        None, description="File of it (default <secrets_dir>/sms-gateway-token)"
    )
    sms_from: str = Field("BINRelay", description="Sender id of answers")
    sms_numbers: dict[str, str] = Field(default_factory=dict, description="Our number → network id")

    # Matrix bot
    matrix_homeserver: str = Field("http://127.0.0.1:8008", description="Matrix homeserver URL")
    matrix_user_id: str = Field("@binrelay:binrelay.test", description="The bot's Matrix id")
    matrix_access_token: SecretStr | None = Field(None, description="Bot access token (or a password)")
    matrix_password: SecretStr | None = Field(None, description="Bot password, when no token is given")
    matrix_device_id: str = Field("BINRELAYBOT", description="Device id of the bot's session")
    matrix_rooms: dict[str, str] = Field(default_factory=dict, description="Room id or alias → network id")

    # acknowledgements
    ack_key_secret: SecretStr | None = Field(None, description="Keys the reply-to-ack lookup (HMAC)")
    ack_key_secret_file: Path | None = Field(None, description="File of it (default <secrets_dir>/ack-key)")

    def webhook_secret(self) -> str:
        return setting_secret(self, "sms_webhook_secret", "sms-webhook").get_secret_value()

    def gateway_token(self) -> str:
        return setting_secret(self, "sms_gateway_token", "sms-gateway-token").get_secret_value()

    def ack_key(self) -> str:
        return setting_secret(self, "ack_key_secret", "ack-key").get_secret_value()
