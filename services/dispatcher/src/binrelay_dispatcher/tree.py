"""The routing tree: which routes a report matches.

``match(plan, cleared, at)`` walks the plan's tree like Alertmanager's ``dispatch/route.go``: a
node matches when all its matchers hold; its children are tried in order and the first that
matches wins unless it says ``continue``; a node none of whose children match is itself the
match. Options (channels, channel order, quiet hours, hold, approval, acknowledgement) are
inherited from the ancestors. Pure: no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from binrelay_shared.events import ReportCleared
from binrelay_shared.network import Ack, Approval, Plan, QuietMode, Route, Target, TimeWindow, Weekday, route_name
from binrelay_shared.network.model import POLICY_FLAGS

TZ = ZoneInfo("Europe/Brussels")
WEEKDAY_OF = list(Weekday)  # datetime.weekday(): 0 = Monday

__all__ = ["POLICY_FLAGS", "TZ", "Effective", "Matched", "local", "match"]

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
