"""A member nobody could reach: the network's coordinators are told, never silence.

A sender publishes ``failed`` on ``bin.deliveries.v1`` when a delivery could not be made on the
member's last channel (a permanent failure with no next channel, or its retries exhausted: e.g. a
chat-only member whose Matrix account cannot be invited). The dispatcher's deliveries stage reads
those outcomes and :func:`alert_jobs` (pure) makes the coordinators' alerts: one DeliveryJob per
coordinator, on their own channels in their order (the rest as fallback), in their language,
naming the member by id — never by address — with the channel and the provider's reason.

An alert has a report id of its own (:func:`alert_report_id`): the senders' idempotency key is
(report, recipient, channel), and a coordinator who got the report itself on the same channel
would otherwise have the alert taken for a duplicate of it. The alert about an alert is never
made (a coordinator who cannot be reached is left to the ``MemberUnreachable`` alert rule).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from binrelay_shared.events import Channel, DeliveryJob, DeliveryOutcome, Outcome
from binrelay_shared.network import AudienceName, Network
from binrelay_shared.network.templates import builtin, render
from binrelay_shared.sms_segments import fit_sms

from .routing import gate

AUDIENCE = "delivery_alert"
TEMPLATE = "delivery_failed"
PREFIX = "undelivered-"
#: Alerts per report at most (per coordinator): a provider that fails everyone is a matter for the
#: operator's alert rules, not for hundreds of messages to a coordinator.
MAX_PER_REPORT = 5


def alert_report_id(report_id: str, member_id: str) -> str:
    """The report id of the alerts about ``member_id`` missing ``report_id`` (no personal data)."""
    return f"{PREFIX}{report_id}-{member_id}"


def wants_alert(outcome: DeliveryOutcome) -> bool:
    """Whether an outcome calls for telling the coordinators: a member's delivery that failed for good."""
    return (
        outcome.outcome is Outcome.failed
        and outcome.audience != AUDIENCE
        and not outcome.report_id.startswith(PREFIX)
        and outcome.network_id is not None
    )


def alert_jobs(network: Network, outcome: DeliveryOutcome, now: datetime) -> list[DeliveryJob]:
    """The coordinators' alerts about a failed delivery (none if it calls for none)."""
    if not wants_alert(outcome):
        return []
    report_id = alert_report_id(outcome.report_id, outcome.recipient_id)
    envelope = outcome.envelope("dispatched", now)
    jobs: list[DeliveryJob] = []
    for member_id in network.contacts(AudienceName.coordinators):
        coordinator = network.members.get(member_id)
        if coordinator is None or coordinator.id == outcome.recipient_id or gate(coordinator):
            continue
        order: dict[str, str] = {}
        for a in coordinator.channels:
            order.setdefault(str(a.channel), a.address)
        if not order:
            continue
        [(first, address), *rest] = order.items()
        channel = Channel(first)
        langs = network.file.languages
        language = coordinator.language if coordinator.language in langs else langs[0]
        subject, text = _texts(network, language, outcome, channel)
        jobs.append(DeliveryJob(
            **{**envelope, "report_id": report_id},
            delivery_id=hashlib.sha256(f"{report_id}:{coordinator.id}:{first}".encode()).hexdigest()[:32],
            audience=AUDIENCE,
            recipient_id=coordinator.id,
            channel=channel,
            address=address,
            language=language,
            subject=subject,
            text=text,
            fallback=tuple(Channel(c) for c, _ in rest),
            fallback_addresses={Channel(c): a for c, a in rest},
        ))
    return jobs


def _texts(network: Network, language: str, outcome: DeliveryOutcome, channel: Channel) -> tuple[str | None, str]:
    context = {
        "network": network.file.name,
        "ref": outcome.report_id[:8],
        "member": outcome.recipient_id,
        "channel": outcome.channel.value,
        "reason": outcome.reason or "-",
    }
    for templates in (network.templates, builtin()):  # a plan's own version, else the built-in one
        versions = templates.get(TEMPLATE) or {}
        body = versions.get(language) or versions.get("en") or next(iter(versions.values()), None)
        if body is None:
            continue
        try:
            out = render(body, context)
        except Exception:  # a plan's version that does not render: the built-in one
            continue
        if channel is Channel.sms:
            return None, fit_sms(out.sms, network.file.plan.sms_max_segments)[0]
        return out.subject, out.text
    raise RuntimeError(f"no {TEMPLATE} template")  # the built-in one always renders (tests)
