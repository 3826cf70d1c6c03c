"""``binrelay plan explain``: what would happen to this report, without sending anything.

The report (or police / coordinator message) is taken exactly as a channel adapter, coordinator or
police zone posts it to ingest (the JSON body of ``POST /v1/reports`` or ``POST /v1/messages``),
then run through the same classification, privacy filter (with the network's own ``privacy:``
policy) and routing code the services use. It lives in the top-level command line because it
needs ingest, the classifier, the privacy filter and the dispatcher at once; no service imports
another.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from binrelay_dispatcher.routing import Decision, Delivery, ReporterOf, gate, local, plan_deliveries
from binrelay_shared.events import Origin, Report, ReportCleared, Stamps, new_id
from binrelay_shared.network import Network, Privacy


class BodyError(ValueError):
    """The posted body is not a report or message ingest would accept."""


def report_from_body(body: Any, author_role: str = "police") -> tuple[Report, str | None]:
    """The :class:`Report` ingest builds from a posted body, and the body's network.

    A body with ``kind`` is a message (``POST /v1/messages``; its origin comes from the poster's
    credential, here ``author_role``); any other body is a member's report (``POST /v1/reports``).
    Ingest's own models and conversion functions are used, so explain sees what the pipeline sees.
    """
    from binrelay_ingest.api_models import MessageIn, ReportIn
    from binrelay_ingest.core import message_from, report_from

    if not isinstance(body, dict):
        raise BodyError("the body must be a JSON object (the body of POST /v1/reports or /v1/messages)")
    try:
        if "kind" in body:
            message = MessageIn.model_validate(body)
            report = message_from(message, "explain").model_copy(update={"origin": Origin(author_role)})
            return report, message.network
        member_report = ReportIn.model_validate(body)
        return report_from(member_report), member_report.network
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(body)"
        raise BodyError(f"field {where}: {err['msg']}") from None


def clear(report: Report, network: Network, at: datetime) -> ReportCleared:
    """Classify and clear ``report`` with the very functions the classifier and privacy filter run,
    under the network's own privacy policy (the ``privacy:`` section of its file)."""
    from binrelay_classifier.classify import classify_report
    from binrelay_privacy.clear import clear_report

    classification = classify_report(report)
    findings, renderings, computed = clear_report(report, classification, policy=network.file.privacy)
    return ReportCleared(
        report_id=new_id(),
        network_id=network.id,
        zone_id=network.file.zone,
        trace_id=new_id(),
        stamps=Stamps(received=at, classified=at, cleared=at),
        report=report,
        classification=classification,
        findings=findings,
        renderings=renderings,
        computed=computed,
    )


@dataclass
class Explanation:
    cleared: ReportCleared
    decision: Decision
    escalation: Decision | None
    approved: Decision | None
    withheld_from_group: int = 0
    """Policy holds: how many group members would have been reached, and are not."""
    privacy: Privacy = field(default_factory=Privacy)
    """The network's privacy policy the report was cleared under."""


def referred_reporter(report: Report, spec: str | None) -> ReporterOf | None:
    """The reporter of the report a message ``refers_to``, as the dispatcher would find it in its
    records: ``spec`` is ``MEMBER_ID[:CHANNEL[:LANGUAGE]]`` (the channel the report came in,
    default sms). None without a spec, or for a message that refers to no report."""
    if not spec or not report.refers_to:
        return None
    member, _, rest = spec.partition(":")
    channel, _, language = rest.partition(":")
    return ReporterOf(report.refers_to, member, channel or "sms", language or None)  # type: ignore[arg-type]


def reporter_note(ex: Explanation) -> str | None:
    """Whom the ``reporter`` audience answers, in one line (None when no route delivers to it)."""
    report = ex.cleared.report
    to_reporter = [d for d in ex.decision.deliveries if d.audience == "reporter"]
    skipped = [s.reason for s in ex.decision.skipped if s.audience == "reporter"]
    if not to_reporter and not skipped:
        return None
    if report.origin is not Origin.member:
        if not report.refers_to:
            return "reporter: this message refers to no report, so there is no reporter to answer"
        if to_reporter:
            return (f"reporter: the reporter of report {report.refers_to[:8]} gets it directly, on the channel "
                    "that report came in; nobody else learns who that is")
        return (f"reporter: the dispatcher looks up who posted report {report.refers_to[:8]} (a member's report "
                "of this network, kept 60 days) and answers them directly; pass --reporter-of MEMBER[:CHANNEL] "
                "to see that delivery")
    if "answered_at_intake" in skipped:
        return ("reporter: a report over HTTP is confirmed by ingest's 202 answer (with the 101/112 advice) and "
                "followed with GET /v1/reports/{id}; no receipt message")
    if to_reporter:
        return f"reporter: receipt on the channel the report came in ({report.channel.value})"
    return None


def explain(network: Network, report: Report, at: datetime, referred: ReporterOf | None = None) -> Explanation:
    cleared = clear(report, network, at)
    decision = plan_deliveries(network, cleared, at, referred=referred)
    escalation = approved = None
    if decision.escalation:
        escalation = plan_deliveries(network, cleared, at, phase="escalation", now=decision.escalation.due)
    if decision.approval:
        approved = plan_deliveries(network, cleared, at, phase="approved", now=at, referred=referred)
    withheld = 0
    if decision.held == "policy":
        withheld = sum(1 for m in network.group() if gate(m) is None)
    return Explanation(cleared, decision, escalation, approved, withheld, network.file.privacy)


def policy_note(ex: Explanation) -> str | None:
    """What a policy flag does to this report, in one line (None when it carries none that holds)."""
    if ex.decision.held != "policy":
        return None
    flags = ", ".join(f.value for f in ex.cleared.classification.flags)
    at_once = sorted({d.audience for d in ex.decision.deliveries if d.held is None and d.send_at is None})
    told = f"; at once: {', '.join(at_once)}" if at_once else ""
    return (f"policy flag [{flags}]: urgent first, policy after — only the broadcast is held for a human "
            f"(group: {ex.withheld_from_group} members); the officer, the zone and the coordinators get "
            f"what the route gives them, the flag shown{told}")


def _rows(deliveries: list[Delivery], condition: str | None) -> list[dict[str, Any]]:
    groups: Counter[tuple[Any, ...]] = Counter()
    segs: dict[tuple[Any, ...], int] = {}
    for d in deliveries:
        key = (d.route, d.audience, d.purpose, d.channel, d.language, d.send_at, d.held, d.template, d.why)
        groups[key] += 1
        if d.sms_segments:
            segs[key] = max(segs.get(key, 0), d.sms_segments)
    rows = []
    for key, count in groups.items():
        route, audience, purpose, channel, language, send_at, held, template, why = key
        rows.append({
            "audience": audience,
            "channel": channel,
            "language": language,
            "send_at": send_at.isoformat() if send_at else None,
            "held": held,
            "recipients": count,
            "route": route,
            "purpose": purpose,
            "template": template,
            "sms_segments": segs.get(key),
            "why": why,
            "condition": condition,
        })
    return rows


def as_rows(ex: Explanation) -> list[dict[str, Any]]:
    """One object per delivery (recipients counted per audience, channel, language and time)."""
    cls = ex.cleared.classification.model_dump(mode="json")
    rows = _rows(ex.decision.deliveries, None)
    if ex.escalation and ex.decision.escalation:
        due = local(ex.decision.escalation.due)
        rows += _rows(ex.escalation.deliveries, f"not acknowledged by {due:%Y-%m-%d %H:%M} Brussels")
    if ex.approved:
        rows += _rows(ex.approved.deliveries, "after approval (if approved now)")
    if ex.withheld_from_group:
        held_by = [route for route, audience in ex.decision.withheld if audience == "group"]
        rows.append({
            "audience": "group", "channel": None, "language": None, "send_at": None, "held": "policy",
            "recipients": ex.withheld_from_group, "route": (held_by or list(ex.decision.routes))[0],
            "purpose": "message", "template": None, "sms_segments": None, "condition": None,
            "why": "policy flag: the broadcast is held for a human (never the officer or the zone)",
        })
    privacy = ex.privacy.model_dump(mode="json")
    for key in ("coordinator_sees", "group_sees"):
        privacy[key] = sorted(privacy[key])
    for r in rows:
        r["classification"] = cls
        r["privacy"] = privacy
        r["routes"] = list(ex.decision.routes)
        r["report_held"] = ex.decision.held
    return rows


def skipped_counts(ex: Explanation) -> dict[tuple[str, str], int]:
    c: Counter[tuple[str, str]] = Counter((s.audience, s.reason) for s in ex.decision.skipped)
    return dict(c)
