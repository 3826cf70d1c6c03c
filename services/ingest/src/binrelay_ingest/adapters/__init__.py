"""Inbound channel adapters: each its own process, each posting into the ingest HTTP API like any
external adapter would (with its own credential from ``binrelay keys create``):

* :mod:`.smtp` — an SMTP listener (aiosmtpd) for mails to a network's report address;
* :mod:`.sms_webhook` — the SMS gateway's signed inbound webhook;
* :mod:`.matrix_bot` — a Matrix bot in the networks' rooms.

A coordinator's "OK" / "JA" / "OUI" to an alert (by SMS, or as a thread reply in chat) becomes a
``Response(kind=acknowledge)`` on ``bin.responses.v1`` instead of a report (:mod:`.acks`).
"""
