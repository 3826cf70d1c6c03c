"""Settings of the channel senders (environment, prefix ``BINRELAY_``), on top of the shared ones."""

from __future__ import annotations

from pydantic import Field

from binrelay_shared.settings import Settings


class SenderSettings(Settings):
    """What a sender worker needs: its channel's server, and the retry/idempotency policy."""

    # e-mail (the zone's SMTP relay; locally the dev SMTP sink)
    smtp_host: str = Field("127.0.0.1", description="SMTP relay host")
    smtp_port: int = Field(2525, description="SMTP relay port")
    smtp_from: str = Field("BIN Relay <relay@binrelay.test>", description="From: of outgoing mail")
    smtp_username: str | None = Field(None, description="SMTP AUTH user (optional)")
    smtp_password: str | None = Field(None, description="SMTP AUTH password (optional)")
    smtp_starttls: bool = Field(False, description="Use STARTTLS")
    smtp_timeout: float = Field(30.0, description="SMTP timeout per command (s)")
    smtp_connections: int = Field(4, description="SMTP connections kept open (mails sent in parallel)")

    # chat (Matrix)
    matrix_homeserver: str = Field("http://127.0.0.1:8008", description="Matrix homeserver URL")
    matrix_user_id: str = Field("@binrelay:binrelay.test", description="The relay bot's Matrix id")
    matrix_access_token: str | None = Field(None, description="Bot access token (or a password)")
    matrix_password: str | None = Field(None, description="Bot password, when no token is given")
    matrix_device_id: str = Field("BINRELAYSENDER", description="Device id of the sender's session")

    # SMS (HTTP gateway, protocol in binrelay_dispatcher.devservers.sms_gateway)
    sms_gateway_url: str = Field("http://127.0.0.1:8025", description="SMS gateway base URL")
    sms_gateway_token: str = Field("dev-sms-token", description="Bearer token of the SMS gateway")
    sms_from: str = Field("BINRelay", description="Sender id shown on SMS")
    sms_timeout: float = Field(15.0, description="SMS gateway request timeout (s)")
    sms_transport: str = Field("http", description="'http' (the HTTP gateway) or 'smpp' (an SMSC)")
    smpp_host: str = Field("127.0.0.1", description="SMSC host (sms_transport=smpp)")
    smpp_port: int = Field(2775, description="SMSC port")
    smpp_system_id: str = Field("binrelay", description="SMPP system_id")
    smpp_password: str = Field("dev-smpp", description="SMPP password")
    smpp_enquire_link_seconds: float = Field(30.0, description="Keep-alive interval of the SMPP session")

    # policy
    sender_max_attempts: int = Field(5, description="Tries per job before giving up / falling back")
    sender_backoff_initial: float = Field(0.5, description="First backoff (s); doubles, with jitter")
    sender_backoff_max: float = Field(30.0, description="Longest backoff between tries (s)")
    sender_lease_seconds: int = Field(60, description="How long a 'sending' claim holds")
    sender_done_ttl_seconds: int = Field(30 * 24 * 3600, description="How long sent keys are kept")
    sender_max_hold_seconds: float = Field(5.0, description="Longest an early job is held in memory")
    sender_concurrency: int = Field(32, description="Jobs of one batch sent at the same time")
    ack_key_secret: str = Field("binrelay-dev-ack", description="Keys the reply-to-ack lookup (HMAC)")
