"""Inbound channel adapters: each its own process, each posting into the ingest HTTP API like any
external adapter would (with its own credential from ``binrelay keys create``):

* :mod:`.smtp` — an SMTP listener (aiosmtpd) for mails to a network's report address;
* :mod:`.sms_webhook` — the SMS gateway's signed inbound webhook;
* :mod:`.matrix_bot` — a Matrix bot in the networks' rooms.

A reply by SMS or chat to a message that asked for an answer ("OK", "JA", "NEE <reason>", with an
optional ref; a chat thread reply or a 👍) is bound to that message and becomes a ``Response`` on
``bin.responses.v1`` instead of a report; "STOP" by SMS withdraws SMS consent (rules in
:mod:`.reply_rules`, I/O in :mod:`.acks`).
"""
