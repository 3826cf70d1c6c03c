"""Loopback stand-ins for the real channel servers, for development (`make up`) and tests only —
a workspace member of the root's dev group, in no image: an SMTP sink (aiosmtpd), an SMS gateway
speaking BIN Relay's documented HTTP protocol, an SMSC (SMPP 3.4) and the Synapse set-up."""
