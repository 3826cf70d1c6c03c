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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

from binrelay_shared.events import Language, ReportCleared
from binrelay_shared.network import AudienceName, Member, Network, QuietMode, Role, TimeWindow

from .texts import ReportTexts
from .tree import POLICY_FLAGS, TZ, Effective, Matched, local, match

Phase = Literal["initial", "approved", "escalation"]
ALL_CHANNELS: tuple[str, ...] = ("chat", "email", "sms")

# ---------------------------------------------------------------------------------------------
# Deliveries
# ---------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Skipped:
    """A recipient the plan named but who gets nothing, and why (no personal data)."""

    route: str
    audience: str
    reason: str  # no_consent | excluded | no_channel | unknown_member | not_a_member


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


def _member_language(member: Member, network: Network, template: str) -> Language:
    """The member's own language whenever the template has it — even one the network's
    ``languages:`` do not name (a German-speaking member of a Dutch/French network reads German);
    else the network's first language (``plan check`` refuses a plan whose templates lack a
    member's language, so this is for members added since)."""
    if member.language in network.templates.get(template, ()):
        return member.language
    return network.file.languages[0]


def _reporter_member(network: Network, cleared: ReportCleared) -> Member | None:
    rep = cleared.report.reporter
    if rep.ref in network.members:
        return network.members[rep.ref]
    return network.by_address(rep.ref) or network.by_address(rep.contact)


def recipients(network: Network, audience: AudienceName, cleared: ReportCleared) -> list[Member | str]:
    """Members an audience names; a ``str`` stands for a contact id missing from the members file."""
    if audience is AudienceName.group:
        return list(network.group())
    if audience is AudienceName.reporter:
        m = _reporter_member(network, cleared)
        return [m] if m else ["(reporter not a member)"]
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


def _channel_order(member: Member, opts: Effective) -> list[tuple[str, str]]:
    own: list[tuple[str, str]] = [(a.channel, a.address) for a in member.channels]
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
    for who in recipients(network, target_audience, cleared):
        if isinstance(who, str):
            reason = "not_a_member" if target_audience is AudienceName.reporter else "unknown_member"
            skipped.append(Skipped(route, audience, reason))
            continue
        if who.id in already:
            skipped.append(Skipped(route, audience, "had_approval_request"))
            continue
        why_not = gate(who)
        if why_not:
            skipped.append(Skipped(route, audience, why_not))
            continue
        order = _channel_order(who, opts)
        if not order:
            skipped.append(Skipped(route, audience, "no_channel"))
            continue
        channel, address = order[0]
        language = _member_language(who, network, template)
        has_sms = any(c == "sms" for c, _ in order)
        text, subject, segments = texts.get(template, language, target_audience, extra, channel == "sms", has_sms)
        when = timing.get(who.quiet_hours)
        if when is None:
            send_at, quiet = _when(who, network, opts.quiet_hours, now_local)
            when = timing[who.quiet_hours] = (send_at, quiet, _why(held or quiet, opts, send_at))
        send_at, quiet, why = when
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
) -> Decision:
    """The deliveries the network's plan calls for.

    ``at`` is when the report was received (it decides which routes match); ``now`` is when the
    deliveries are made (it decides quiet hours): ``at`` for the first dispatch, the approval's
    time for ``phase="approved"``, the escalation's due time for ``phase="escalation"``.
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
                         "message", decision, texts, held=held)
        elif phase == "approved" and opts.approval:
            # whoever got the approval request has read the message: they get it once
            approvers = frozenset(_member_ids(network, opts.approval.by))
            for target, target_opts in m.targets:
                if policy and target.is_broadcast():
                    continue  # an approval never releases what a policy flag holds
                if target.audience is not AudienceName.zone:
                    _deliver(network, cleared, m.name, target.audience, target.template,
                             target_opts, now, "message", decision, texts, already=approvers)
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
