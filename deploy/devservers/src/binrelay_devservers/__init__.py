"""Loopback stand-ins for the real channel servers, for development (`make up`) and tests:
an SMTP sink (aiosmtpd) and an SMS gateway speaking BIN Relay's documented HTTP protocol."""
