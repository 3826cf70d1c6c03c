"""The functional core of the dispatcher: which routes match, and which deliveries follow.

``match(plan, cleared, at)`` walks the routing tree like Alertmanager's ``dispatch/route.go``: a
node matches when all its matchers hold; its children are tried in order and the first that
matches wins unless it says ``continue``; a node none of whose children match is itself the
match. Options (channels, channel order, quiet hours, hold, approval, acknowledgement) are
inherited from the ancestors.

``plan_deliveries(network, cleared, at, ...)`` turns the matched routes into deliveries: one
per recipient, with the channel, the fallback channels, the language, the rendered text, when
to send (quiet hours, digest) and whether it is held. Both are pure: no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from binrelay_shared.events import Audience, Flag, Language, ReportCleared
from binrelay_shared.network import (
    Ack,
    Approval,
    AudienceName,
    Member,
    Network,
    Plan,
    QuietMode,
    Role,
    Route,
    Target,
    TimeWindow,
    Weekday,
    route_name,
)
from binrelay_shared.network.templates import CATEGORY_LABELS, render_part, variables
from binrelay_shared.sms_segments import fit_sms, sms_size

TZ = ZoneInfo("Europe/Brussels")
WEEKDAY_OF = list(Weekday)  # datetime.weekday(): 0 = Monday

#: Policy flags hold a report for the coordinator (personal data is redacted, not held).
POLICY_FLAGS = frozenset({Flag.vigilante, Flag.political, Flag.discriminatory})

Phase = Literal["initial", "approved", "escalation"]
ALL_CHANNELS: tuple[str, ...] = ("chat", "email", "sms")

#: Which rendering each audience sees. The reporter sees the group's (their own words, redacted).
RENDERING_FOR = {
    AudienceName.reporter: Audience.group,
    AudienceName.coordinators: Audience.coordinator,
    AudienceName.steering_group: Audience.coordinator,
    AudienceName.officer: Audience.police,
    AudienceName.group: Audience.group,
}


@dataclass(frozen=True)
class Effective:
    """A matched node's options, with what it inherited."""

    channels: tuple[str, ...] | None = None
    channel_order: str = "member"
    quiet_hours: QuietMode = QuietMode.respect
    hold: str | None = None
    approval: Approval | None = None
    ack: Ack | None = None

    def child(self, route: Route) -> Effective:
        return Effective(
            channels=tuple(route.channels) if route.channels is not None else self.channels,
            channel_order=route.channel_order or self.channel_order,
            quiet_hours=route.quiet_hours or self.quiet_hours,
            hold=route.hold or self.hold,
            approval=route.approval or self.approval,
            ack=route.ack or self.ack,
        )

    def target(self, target: Target) -> Effective:
        return Effective(
            channels=tuple(target.channels) if target.channels is not None else self.channels,
            channel_order=target.channel_order or self.channel_order,
            quiet_hours=target.quiet_hours or self.quiet_hours,
            hold=self.hold,
            approval=self.approval,
            ack=self.ack,
        )


@dataclass(frozen=True)
class Matched:
    """One route a report matched, with its effective options."""

    name: str
    route: Route
    options: Effective
    #: Each of the route's deliver targets with the options it delivers with.
    targets: tuple[tuple[Target, Effective], ...] = ()


def local(at: datetime) -> datetime:
    """``at`` in Europe/Brussels time (naive datetimes are taken as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo("UTC"))
    return at.astimezone(TZ)


def _set(values: list[Any] | None) -> frozenset[Any] | None:
    return frozenset(values) if values is not None else None


@dataclass(frozen=True, slots=True)
class _Node:
    """A routing-tree node as the plan loaded it: its matchers as sets, its options inherited."""

    route: Route
    matched: Matched  # what a match on this node returns (name, options, target options)
    children: tuple[_Node, ...]
    origin: frozenset[Any] | None
    kind: frozenset[Any] | None
    urgency: frozenset[Any] | None
    category: frozenset[Any] | None
    flags: frozenset[Any] | None
    flagged: bool | None
    weekdays: frozenset[int] | None  # datetime.weekday() numbers
    time: TimeWindow | None

    def matches(self, cleared: ReportCleared, at_local: datetime) -> bool:
        """Do all of this node's matchers hold? (Stops at the first that does not.)"""
        report, cls = cleared.report, cleared.classification
        if self.origin is not None and report.origin not in self.origin:
            return False
        if self.kind is not None and report.kind not in self.kind:
            return False
        if self.urgency is not None and cls.urgency not in self.urgency:
            return False
        if self.category is not None and cls.category not in self.category:
            return False
        if self.flags is not None and self.flags.isdisjoint(cls.flags):
            return False
        if self.flagged is not None and self.flagged == POLICY_FLAGS.isdisjoint(cls.flags):
            return False
        if self.weekdays is not None and at_local.weekday() not in self.weekdays:
            return False
        return self.time is None or self.time.contains(at_local.time())


def _compile(route: Route, path: tuple[str | int, ...], inherited: Effective) -> _Node:
    options = inherited.child(route)
    m = route.match
    return _Node(
        route=route,
        matched=Matched(route_name(route, path), route, options,
                        tuple((t, options.target(t)) for t in route.deliver)),
        children=tuple(_compile(child, (*path, "routes", i), options) for i, child in enumerate(route.routes)),
        origin=_set(m.origin),
        kind=_set(m.kind),
        urgency=_set(m.urgency),
        category=_set(m.category),
        flags=_set(m.flags),
        flagged=m.flagged,
        weekdays=frozenset(WEEKDAY_OF.index(d) for d in m.weekdays) if m.weekdays is not None else None,
        time=m.time,
    )


#: Compiled trees by plan: id(plan) → (plan, tree). The plan is kept so its id stays its own.
_TREES: dict[int, tuple[Plan, _Node]] = {}


def _tree(plan: Plan) -> _Node:
    """The plan's routing tree, compiled on first use (a plan is immutable once loaded)."""
    hit = _TREES.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    if len(_TREES) > 256:  # plans reloaded many times (tests, plan check): start afresh
        _TREES.clear()
    tree = _compile(plan.route, ("plan", "route"), Effective())
    _TREES[id(plan)] = (plan, tree)
    return tree


def match(plan: Plan, cleared: ReportCleared, at: datetime) -> list[Matched]:
    """The routes ``cleared`` matches at time ``at`` (the root if no child matches)."""
    at_local = local(at)

    def walk(node: _Node) -> list[Matched]:
        if not node.matches(cleared, at_local):
            return []
        found: list[Matched] = []
        for child in node.children:
            got = walk(child)
            if got:
                found.extend(got)
                if not child.route.continue_:
                    break
        return found or [node.matched]

    return walk(_tree(plan))


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


def next_time(after_local: datetime, t: time) -> datetime:
    """The first moment at time of day ``t`` (Brussels) strictly after ``after_local``."""
    candidate = datetime.combine(after_local.date(), t, tzinfo=TZ)
    if candidate <= after_local:
        candidate = datetime.combine(after_local.date() + timedelta(days=1), t, tzinfo=TZ)
    return candidate


def _member_language(member: Member, network: Network) -> Language:
    langs = network.file.languages
    return member.language if member.language in langs else langs[0]


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


def _report_context(network: Network, cleared: ReportCleared) -> dict[str, Any]:
    """The variables that depend on the report alone (computed once per report)."""
    cls = cleared.classification
    loc = cleared.report.location
    return {
        "network": network.file.name,
        "report_id": cleared.report_id,
        "ref": cleared.report_id[:8],
        "kind": cleared.report.kind.value,
        "origin": cleared.report.origin.value,
        "urgency": cls.urgency.value,
        "category": cls.category.value,
        "category_label": None,
        "text": "",
        "street": loc.street if loc and loc.street else None,
        "minutes": 0,
        "refers_to": cleared.report.refers_to,
        "flags": ", ".join(f.value for f in cls.flags) or "-",
        "count": 1,
    }


def _audience_context(base: dict[str, Any], cleared: ReportCleared, audience: AudienceName, language: str,
                      extra: dict[str, Any] | None) -> dict[str, Any]:
    rendering = cleared.renderings.get(RENDERING_FOR.get(audience, Audience.group))
    return {
        **base,
        "category_label": CATEGORY_LABELS.get(language, CATEGORY_LABELS["en"])[base["category"]],
        "text": rendering.text if rendering else "",
        **(extra or {}),
    }


def context(network: Network, cleared: ReportCleared, audience: AudienceName, language: str,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The variables a template sees for one audience and language."""
    return _audience_context(_report_context(network, cleared), cleared, audience, language, extra)


#: A delivery's texts: (text, subject, SMS segments).
Texts = tuple[str, str | None, int | None]


class _Texts:
    """The texts of one report's deliveries, each rendered once per report.

    A template is rendered once per (template, language, audience, extra variables) — not per
    recipient, nor per route that names the same audience — and only the parts a channel uses:
    an SMS needs the ``sms`` variant alone; an email or chat message its text and subject (and
    the ``sms`` variant only to count the segments of a fallback to SMS).
    """

    def __init__(self, network: Network, cleared: ReportCleared) -> None:
        self.network = network
        self.cleared = cleared
        self._texts: dict[tuple[Any, ...], Texts] = {}
        self._variables: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._parts: dict[tuple[Any, ...], str] = {}
        self._base: dict[str, Any] | None = None

    def get(self, template: str, language: Language, audience: AudienceName, extra: dict[str, Any] | None,
            sms: bool, has_sms: bool) -> Texts:
        """Text, subject and segments for a delivery on SMS (``sms``) or another channel."""
        which = (template, language, audience, tuple(extra.items()) if extra else ())
        key = (*which, sms, has_sms)
        texts = self._texts.get(key)
        if texts is None:
            body = self.network.templates[template][language]
            if sms:
                text, segments = fit_sms(self._part(which, body.sms or body.text, extra),
                                         self.network.file.plan.sms_max_segments)
                texts = (text, None, segments)
            else:
                texts = (
                    self._part(which, body.text, extra),
                    self._part(which, body.subject, extra) if body.subject else None,
                    sms_size(self._part(which, body.sms or body.text, extra)).segments if has_sms else None,
                )
            self._texts[key] = texts
        return texts

    def _part(self, which: tuple[Any, ...], source: str, extra: dict[str, Any] | None) -> str:
        key = (*which, source)
        part = self._parts.get(key)
        if part is None:
            v = self._variables.get(which)
            if v is None:
                _, language, audience, _ = which
                if self._base is None:
                    self._base = variables(_report_context(self.network, self.cleared))
                v = self._variables[which] = _audience_context(self._base, self.cleared, audience, language, extra)
            part = self._parts[key] = render_part(source, v)
        return part


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
    texts: _Texts,
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
        language = _member_language(who, network)
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
    texts = _Texts(network, cleared)
    for m in matched:
        opts = m.options
        if phase == "initial":
            if opts.hold == "policy":
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
                held = "approval" if opts.approval and target.audience is not AudienceName.zone else None
                _deliver(network, cleared, m.name, target.audience, target.template, target_opts, now,
                         "message", decision, texts, held=held)
        elif phase == "approved" and opts.approval:
            # whoever got the approval request has read the message: they get it once
            approvers = frozenset(_member_ids(network, opts.approval.by))
            for target, target_opts in m.targets:
                if target.audience is not AudienceName.zone:
                    _deliver(network, cleared, m.name, target.audience, target.template,
                             target_opts, now, "message", decision, texts, already=approvers)
        elif phase == "escalation" and opts.ack and m.name == _escalating_route(matched):
            minutes = max(1, round(opts.ack.timeout.total_seconds() / 60))
            for who in opts.ack.escalate_to:
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
