"""The functional core of the dispatcher: which deliveries follow from the routes a report matches.

``plan_deliveries(network, cleared, at, ...)`` takes the routes the report matches
(:func:`.tree.match`) and turns them into deliveries: one per recipient, with the channel, the
fallback channels, the language, the rendered text (:mod:`.texts`), when to send (quiet hours,
digest) and whether it is held. Pure: no clock, no I/O.

Urgent first, policy after: a policy flag never decides *whether* the police hear of a report.
On a report carrying one (vigilante, political, discriminatory) a route with ``hold: policy``
holds only its broadcast deliveries — the group, and targets marked ``broadcast`` — for a human
(:attr:`Decision.withheld`); the officer, the zone, the coordinators, the steering group and the
reporter get what the route gives them, when it says (an urgent route's bypass of quiet hours
included), the flag shown in their text. ``plan check`` refuses a plan in which an urgent flagged
member report would not reach the officer and the zone at once (``urgent_held_from_police``).

The reporter's loop: the ``reporter`` audience is the person a report is *about answering*. On a
member's report it is its own reporter (the receipt); on a police or coordinator message that
``refers_to`` a report (a feedback, a closing) it is **that report's** reporter, whom the
dispatcher looked up in its own records (:class:`ReporterOf`, kept when the report was
dispatched) — nobody else learns who that is: only their own delivery names them. Either way the
reporter is answered on the channel the report came in (then their other channels, as fallbacks),
in the reporter's language. A report that came in over HTTP was answered by ingest's 202 (with
the 101/112 advice) and is followed with ``GET /v1/reports/{id}``: its receipt is not sent again
(``answered_at_intake``); a feedback to it goes out on the member's own channels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

from binrelay_shared.events import Channel, Language, Origin, ReportCleared
from binrelay_shared.network import AudienceName, Member, Network, QuietMode, Role, TimeWindow

from .texts import ReportTexts
from .tree import POLICY_FLAGS, TZ, Effective, Matched, local, match

Phase = Literal["initial", "approved", "escalation"]
ALL_CHANNELS: tuple[str, ...] = ("chat", "email", "sms")

# ---------------------------------------------------------------------------------------------
# Deliveries
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterOf:
    """Who posted a report, as the dispatcher keeps it to answer them later: a member id (never a
    phone number or address), the channel the report came in, and the language they wrote in."""

    report_id: str
    member_id: str
    channel: str  # sms | email | chat | http
    language: Language | None = None


def reporter_of(network: Network, cleared: ReportCleared) -> ReporterOf | None:
    """The record to keep of a member's report (None when its reporter is not a member)."""
    report = cleared.report
    if report.origin is not Origin.member:
        return None
    member = _reporter_member(network, cleared)
    if member is None:
        return None
    return ReporterOf(cleared.report_id, member.id, report.channel.value, report.reporter.language)


def _referring(cleared: ReportCleared) -> bool:
    """Is this a police or coordinator message about an earlier report (its ``reporter`` is that
    report's reporter, not the message's author)?"""
    return cleared.report.origin is not Origin.member and cleared.report.refers_to is not None


@dataclass(frozen=True)
class Delivery:
    """One message the plan calls for: to one recipient (or the zone), over one channel."""

    route: str
    audience: str
    purpose: str  # message | approval_request | escalation | dispatch
    recipient_id: str | None
    channel: str  # sms | email | chat, or "dispatch" for the zone topic
    fallback: tuple[str, ...] = ()
    fallback_addresses: tuple[tuple[str, str], ...] = ()
    address: str | None = None
    language: Language | None = None
    template: str | None = None
    subject: str | None = None
    text: str = ""
    sms_segments: int | None = None
    send_at: datetime | None = None
    held: str | None = None
    why: str = ""
    #: For the reporter of an earlier report (a feedback): that report's id, so the delivery is
    #: traced under it too (``feedback:<channel>:<outcome>``) for the adapter that posted it.
    about: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A recipient the plan named but who gets nothing, and why (no personal data)."""

    route: str
    audience: str
    reason: str  # no_consent | excluded | no_channel | unknown_member | not_a_member
    #              | answered_at_intake | reporter_unknown | no_referred_report


@dataclass(frozen=True)
class Escalation:
    due: datetime
    route: str
    by: tuple[str, ...]  # member ids whose acknowledgement stops it


@dataclass(frozen=True)
class PendingApproval:
    routes: tuple[str, ...]
    by: tuple[str, ...]  # member ids who may approve


@dataclass
class Decision:
    """What the plan does with one report (or with its approval / escalation)."""

    routes: tuple[str, ...]
    held: str | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    escalation: Escalation | None = None
    approval: PendingApproval | None = None
    #: Broadcasts held for a human by a policy flag: (route, audience), never sent.
    withheld: list[tuple[str, str]] = field(default_factory=list)


def next_time(after_local: datetime, t: time) -> datetime:
    """The first moment at time of day ``t`` (Brussels) strictly after ``after_local``."""
    candidate = datetime.combine(after_local.date(), t, tzinfo=TZ)
    if candidate <= after_local:
        candidate = datetime.combine(after_local.date() + timedelta(days=1), t, tzinfo=TZ)
    return candidate


def _member_language(member: Member, network: Network, template: str, own: Language | None = None) -> Language:
    """``own`` (the language a reporter wrote in, for their answer) or else the member's own
    language whenever the template has it — even one the network's ``languages:`` do not name (a
    German-speaking member of a Dutch/French network reads German); else the network's first
    language (``plan check`` refuses a plan whose templates lack a member's language, so this is
    for members added since)."""
    spoken = network.templates.get(template, ())
    if own is not None and own in spoken:
        return own
    if member.language in spoken:
        return member.language
    return network.file.languages[0]


def _reporter_member(network: Network, cleared: ReportCleared) -> Member | None:
    rep = cleared.report.reporter
    if rep.ref in network.members:
        return network.members[rep.ref]
    return network.by_address(rep.ref) or network.by_address(rep.contact)


def _reporter(network: Network, cleared: ReportCleared, referred: ReporterOf | None) -> ReporterOf | str:
    """Whom the ``reporter`` audience answers, or why nobody (a :class:`Skipped` reason)."""
    if _referring(cleared):
        if referred is None or referred.report_id != cleared.report.refers_to:
            return "reporter_unknown"  # not a member's report of this network, or no longer kept
        return referred if referred.member_id in network.members else "reporter_unknown"
    if cleared.report.origin is not Origin.member:
        return "no_referred_report"  # a message about no report: its author is no reporter
    found = reporter_of(network, cleared)
    if found is None:
        return "not_a_member"
    if found.channel == Channel.http.value:
        return "answered_at_intake"  # the 202 (and its advice) was the receipt; GET /v1/reports follows it
    return found


def recipients(network: Network, audience: AudienceName, cleared: ReportCleared,
               referred: ReporterOf | None = None) -> list[Member | str]:
    """Members an audience names; a ``str`` stands for a contact id missing from the members file
    (or, for the reporter, why there is nobody to answer)."""
    if audience is AudienceName.group:
        return list(network.group())
    if audience is AudienceName.reporter:
        who = _reporter(network, cleared, referred)
        return [network.members[who.member_id]] if isinstance(who, ReporterOf) else [who]
    out: list[Member | str] = []
    for mid in network.contacts(audience):
        out.append(network.members.get(mid, mid))
    return out


def gate(member: Member) -> str | None:
    """Why a member may receive nothing (consent gates every message), or None."""
    if member.excluded:
        return "excluded"
    if not member.consent and Role.officer not in member.roles:
        return "no_consent"
    return None


def _channel_order(member: Member, opts: Effective, first: str | None = None) -> list[tuple[str, str]]:
    """The member's channels the options allow, in the order they say; ``first`` (the channel a
    reporter used) before all others whenever the member has an address on it."""
    own: list[tuple[str, str]] = [(a.channel, a.address) for a in member.channels]
    if first is not None:
        used = next(((c, a) for c, a in own if c == first), None)
        if used is not None:
            return [used, *((c, a) for c, a in _channel_order(member, opts) if c != first)]
    allowed = opts.channels
    if opts.channel_order == "plan" and allowed:
        by = dict(reversed(own))  # first address per channel
        return [(c, by[c]) for c in allowed if c in by]
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for c, addr in own:
        if (allowed is None or c in allowed) and c not in seen:
            seen.add(c)
            out.append((c, addr))
    return out


def _when(member: Member, network: Network, mode: QuietMode, now_local: datetime) -> tuple[datetime | None, str | None]:
    if mode is QuietMode.bypass:
        return None, None
    if mode is QuietMode.digest:
        return next_time(now_local, network.file.plan.digest_at), "digest"
    window: TimeWindow = member.quiet_hours or network.file.plan.quiet_hours
    if window.contains(now_local.time()):
        return next_time(now_local, window.end), "quiet_hours"
    return None, None



def _deliver(
    network: Network,
    cleared: ReportCleared,
    route: str,
    target_audience: AudienceName,
    template: str | None,
    opts: Effective,
    now: datetime,
    purpose: str,
    decision: Decision,
    texts: ReportTexts,
    held: str | None = None,
    extra: dict[str, Any] | None = None,
    already: frozenset[str] = frozenset(),
    referred: ReporterOf | None = None,
) -> None:
    if target_audience is AudienceName.zone:
        decision.deliveries.append(Delivery(route, "zone", "dispatch", None, "dispatch",
                                            why=f"police rendering to zone {cleared.zone_id}"))
        return
    assert template is not None
    audience = target_audience.value
    now_local = local(now)
    # When and why depend on the member only through their own quiet hours (None for most):
    # worked out once per distinct window, not once per recipient of a 10,000-member fan-out.
    timing: dict[TimeWindow | None, tuple[datetime | None, str | None, str]] = {}
    deliveries, skipped = decision.deliveries, decision.skipped
    answering: ReporterOf | None = None  # the reporter answered: the channel they used, their language
    if target_audience is AudienceName.reporter:
        found = _reporter(network, cleared, referred)
        if isinstance(found, str):
            skipped.append(Skipped(route, audience, found))
            return
        answering = found
    for who in recipients(network, target_audience, cleared, referred):
        if isinstance(who, str):
            skipped.append(Skipped(route, audience, "unknown_member"))
            continue
        if who.id in already:
            skipped.append(Skipped(route, audience, "had_approval_request"))
            continue
        why_not = gate(who)
        if why_not:
            skipped.append(Skipped(route, audience, why_not))
            continue
        order = _channel_order(who, opts, answering.channel if answering else None)
        if not order:
            skipped.append(Skipped(route, audience, "no_channel"))
            continue
        channel, address = order[0]
        language = _member_language(who, network, template, answering.language if answering else None)
        has_sms = any(c == "sms" for c, _ in order)
        text, subject, segments = texts.get(template, language, target_audience, extra, channel == "sms", has_sms)
        when = timing.get(who.quiet_hours)
        if when is None:
            send_at, quiet = _when(who, network, opts.quiet_hours, now_local)
            when = timing[who.quiet_hours] = (send_at, quiet, _why(held or quiet, opts, send_at))
        send_at, quiet, why = when
        if answering is not None:
            why += (f"; to the reporter of report {answering.report_id[:8]}" if _referring(cleared)
                    else "; receipt to the reporter") + f", on the channel the report came in ({answering.channel})"
        deliveries.append(Delivery(
            route=route,
            audience=audience,
            purpose=purpose,
            recipient_id=who.id,
            channel=channel,
            fallback=tuple(c for c, _ in order[1:]),
            fallback_addresses=tuple(order[1:]),
            address=address,
            language=language,
            template=template,
            subject=subject,
            text=text,
            sms_segments=segments,
            send_at=send_at,
            held=held or quiet,
            why=why,
            about=answering.report_id if answering is not None and _referring(cleared) else None,
        ))


def _why(held: str | None, opts: Effective, send_at: datetime | None) -> str:
    if held == "approval":
        return "waits for approval"
    if held == "quiet_hours":
        return f"quiet hours: held until {local(send_at):%Y-%m-%d %H:%M} Brussels" if send_at else "quiet hours"
    if held == "digest":
        return f"daily digest at {local(send_at):%H:%M} Brussels" if send_at else "daily digest"
    if opts.quiet_hours is QuietMode.bypass:
        return "at once (bypasses quiet hours)"
    return "at once"


def _member_ids(network: Network, audiences: list[AudienceName]) -> tuple[str, ...]:
    ids: list[str] = []
    for a in audiences:
        ids.extend(network.contacts(a))
    return tuple(dict.fromkeys(ids))


def plan_deliveries(
    network: Network,
    cleared: ReportCleared,
    at: datetime,
    *,
    phase: Phase = "initial",
    now: datetime | None = None,
    referred: ReporterOf | None = None,
) -> Decision:
    """The deliveries the network's plan calls for.

    ``at`` is when the report was received (it decides which routes match); ``now`` is when the
    deliveries are made (it decides quiet hours): ``at`` for the first dispatch, the approval's
    time for ``phase="approved"``, the escalation's due time for ``phase="escalation"``.
    ``referred``: the reporter of the report a police or coordinator message ``refers_to`` (the
    dispatcher's record of it), whom the ``reporter`` audience then answers.
    """
    now = now or at
    matched = match(network.file.plan, cleared, at)
    decision = Decision(routes=tuple(m.name for m in matched))
    texts = ReportTexts(network, cleared)
    flagged = not POLICY_FLAGS.isdisjoint(cleared.classification.flags)
    for m in matched:
        opts = m.options
        policy = flagged and opts.hold == "policy"
        if phase == "initial":
            if policy:
                decision.held = "policy"
            if opts.approval:
                decision.held = decision.held or "approval"
                for who in opts.approval.by:
                    _deliver(network, cleared, m.name, who, opts.approval.template, opts, now,
                             "approval_request", decision, texts)
                prev = decision.approval
                decision.approval = PendingApproval(
                    routes=(*(prev.routes if prev else ()), m.name),
                    by=tuple(dict.fromkeys((*(prev.by if prev else ()), *_member_ids(network, opts.approval.by)))),
                )
            if opts.ack and decision.escalation is None:
                decision.escalation = Escalation(
                    due=at + opts.ack.timeout, route=m.name, by=_member_ids(network, opts.ack.by)
                )
            for target, target_opts in m.targets:
                if policy and target.is_broadcast():
                    decision.withheld.append((m.name, target.audience.value))
                    continue
                held = "approval" if opts.approval and target.audience is not AudienceName.zone else None
                _deliver(network, cleared, m.name, target.audience, target.template, target_opts, now,
                         "message", decision, texts, held=held, referred=referred)
        elif phase == "approved" and opts.approval:
            # whoever got the approval request has read the message: they get it once
            approvers = frozenset(_member_ids(network, opts.approval.by))
            for target, target_opts in m.targets:
                if policy and target.is_broadcast():
                    continue  # an approval never releases what a policy flag holds
                if target.audience is not AudienceName.zone:
                    _deliver(network, cleared, m.name, target.audience, target.template,
                             target_opts, now, "message", decision, texts, already=approvers, referred=referred)
        elif phase == "escalation" and opts.ack and m.name == _escalating_route(matched):
            minutes = max(1, round(opts.ack.timeout.total_seconds() / 60))
            for who in opts.ack.escalate_to:
                if policy and who is AudienceName.group:
                    continue
                _deliver(network, cleared, m.name, who, opts.ack.template, opts, now, "escalation", decision,
                         texts, extra={"minutes": minutes})
    decision.deliveries = _dedup(decision.deliveries)
    return decision


def _escalating_route(matched: list[Matched]) -> str | None:
    return next((m.name for m in matched if m.options.ack), None)


def _dedup(deliveries: list[Delivery]) -> list[Delivery]:
    """One delivery per (recipient, channel): the first the plan named wins; one zone dispatch."""
    seen: set[tuple[str | None, str]] = set()
    out = []
    for d in deliveries:
        key = (d.recipient_id, d.channel)
        if key in seen:
            continue
        seen.add(key)
        out.append(d)
    return out
