"""The plan check: what makes a valid network file unusable (``binrelay plan check`` prints it).

Contacts against the members file (when it is given), routes that reach nobody or can never match,
approvals and acknowledgements without anyone to give them, templates that are missing, do not
render or do not fit the plan's SMS budget. Each problem names the file, line, place and fix.

Urgent first, policy after: a policy flag holds only broadcasts, never the police, so every plan
must let an urgent member report that carries one reach the officer and the zone at once — the
check follows such a report through the tree (every route it may take, at any time of day) and
refuses the plan otherwise (``urgent_held_from_police``).

The reporter's loop: every member's report, urgent or not, flagged or not, must be confirmed to its
reporter on every route it may take, and never in a digest (``no_receipt``, ``receipt_in_digest``);
a police feedback or closing must reach the reporter of the report it refers to, and not only
after an approval (``no_feedback_to_reporter``, ``feedback_to_reporter_waits``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import jinja2

from binrelay_shared.sms_segments import sms_size

from .members import MembersFile, Role
from .model import POLICY_FLAGS, AudienceName, Matchers, QuietMode, Route
from .problems import Lines, Problem, TreePath, place
from .templates import CATEGORY_LABELS, SAMPLE_CONTEXT, render

if TYPE_CHECKING:
    from .load import Network


def iter_routes(route: Route, path: TreePath = ("plan", "route")) -> Iterator[tuple[Route, TreePath]]:
    yield route, path
    for i, child in enumerate(route.routes):
        yield from iter_routes(child, (*path, "routes", i))


def route_name(route: Route, path: TreePath) -> str:
    return route.name or place(path)


def _p(network: Network, lines: Lines, where: TreePath, kind: str, message: str, fix: str) -> Problem:
    return Problem(network.path, lines.line(where), place(where), kind, message, fix)


def check(network: Network, lines: Lines, members: MembersFile | None) -> Iterator[Problem]:
    net = network.file
    plan = net.plan
    has = {
        AudienceName.coordinators: bool(net.contacts.coordinators),
        AudienceName.steering_group: bool(net.contacts.steering_group),
        AudienceName.officer: bool(net.contacts.officer),
    }

    # -- contacts against the members file ----------------------------------------------------
    if members is not None:
        known = members.by_id()
        for role_key, role in (("coordinators", Role.coordinator), ("steering_group", Role.steering_group),
                               ("officer", Role.officer)):
            for i, mid in enumerate(getattr(net.contacts, role_key)):
                where: TreePath = ("contacts", role_key, i)
                if mid not in known:
                    yield _p(network, lines, where, "unknown_contact",
                             f"contact {mid!r} is not in the members file",
                             "add the member to the members file, or correct the id")
                elif role not in known[mid].roles:
                    yield _p(network, lines, where, "contact_role",
                             f"contact {mid!r} lacks the role {role.value!r} in the members file",
                             f"add {role.value!r} to that member's roles, or list them under the right role")
    if not net.contacts.officer:
        yield _p(network, lines, ("contacts",), "no_officer",
                 "the network names no mandated officer: a network without coordinator would reach nobody",
                 "add `officer: <member id>` under contacts")

    # -- routes ---------------------------------------------------------------------------------
    names: dict[str, TreePath] = {}
    used_templates: list[tuple[str, TreePath]] = []
    alarm_to_group = closing_route = False
    for route, rpath in iter_routes(plan.route):
        if route.name:
            if route.name in names:
                yield _p(network, lines, (*rpath, "name"), "duplicate_route_name",
                         f"route name {route.name!r} is used twice (also at {place(names[route.name])})",
                         "give every route its own name")
            names[route.name] = rpath
        if not route.deliver and not route.routes and not route.approval:
            yield _p(network, lines, rpath, "empty_route",
                     f"route {route_name(route, rpath)!r} delivers to nobody and has no child routes",
                     "add a `deliver:` list (e.g. `- audience: zone`) or child `routes:`, or remove it")
        for i, target in enumerate(route.deliver):
            tpath = (*rpath, "deliver", i)
            if target.audience in has and not has[target.audience]:
                yield _p(network, lines, (*tpath, "audience"), "audience_without_contacts",
                         f"audience {target.audience.value!r} but the network has no "
                         f"{target.audience.value.replace('_', ' ')} in its contacts",
                         f"add {target.audience.value} under contacts, or deliver to another audience "
                         "(a network with no coordinator delivers to the officer and the zone)")
            if target.audience is AudienceName.zone:
                if target.template:
                    yield _p(network, lines, (*tpath, "template"), "zone_template",
                             "the zone receives the police rendering as a Dispatch event, not a template",
                             "remove `template:` from the zone delivery")
            elif not target.template:
                yield _p(network, lines, tpath, "missing_template",
                         f"delivery to {target.audience.value!r} names no template",
                         "add `template: <name>` (e.g. new_report, urgent_report, police_alarm)")
            else:
                used_templates.append((target.template, (*tpath, "template")))
            if target.audience is AudienceName.group and route.hold == "policy" and route.match.flagged is True:
                yield _p(network, lines, (*tpath, "audience"), "policy_broadcast",
                         "a route that holds flagged reports for policy reasons delivers to the whole group: "
                         "it only matches flagged reports, so the group would never get it",
                         "deliver policy-held reports to the coordinators (or the officer), never to the group")
            if target.broadcast and target.audience in (AudienceName.officer, AudienceName.zone):
                yield _p(network, lines, (*tpath, "broadcast"), "broadcast_to_police",
                         f"the {target.audience.value} is never a broadcast: a policy flag holds broadcasts "
                         "for a human, and must never hold the police",
                         "remove `broadcast: true` from this delivery")
            if target.audience is AudienceName.group and _matches_kind(route, rpath, plan.route, "alarm"):
                alarm_to_group = True
        if _matches_kind(route, rpath, plan.route, "closing") and any(
            t.audience is AudienceName.group for t in route.deliver
        ):
            closing_route = True
        if route.approval:
            for j, who in enumerate(route.approval.by):
                if who in has and not has[who]:
                    yield _p(network, lines, (*rpath, "approval", "by", j), "approver_missing",
                             f"approval by {who.value!r}, but the network has none in its contacts",
                             "let the officer approve (`by: [officer]`), or add the contacts")
                elif who not in has:
                    yield _p(network, lines, (*rpath, "approval", "by", j), "bad_approver",
                             f"{who.value!r} cannot approve messages",
                             "approvers are coordinators, steering_group or officer")
            if not route.deliver:
                yield _p(network, lines, (*rpath, "approval"), "approval_without_delivery",
                         "an approval with nothing to release", "add the `deliver:` list the approval releases")
            used_templates.append((route.approval.template, (*rpath, "approval", "template")))
        if route.ack:
            for j, who in enumerate(route.ack.by):
                if who in has and not has[who]:
                    yield _p(network, lines, (*rpath, "ack", "by", j), "acknowledger_missing",
                             f"acknowledgement by {who.value!r}, but the network has none in its contacts",
                             "remove the acknowledgement (and deliver to the officer at once) or add the contacts")
            if not route.ack.escalate_to:
                yield _p(network, lines, (*rpath, "ack", "escalate_to"), "no_escalation",
                         "an acknowledgement timeout that escalates to nobody",
                         "set `escalate_to: [officer]`")
            for j, who in enumerate(route.ack.escalate_to):
                if who in has and not has[who]:
                    yield _p(network, lines, (*rpath, "ack", "escalate_to", j), "audience_without_contacts",
                             f"escalation to {who.value!r}, but the network has none in its contacts",
                             "escalate to the officer")
            at_once = {t.audience for t in route.deliver}
            for j, who in enumerate(route.ack.escalate_to):
                if who in at_once:
                    yield _p(network, lines, (*rpath, "ack", "escalate_to", j), "escalation_already_notified",
                             f"escalation to {who.value!r}, who already gets the report at once: a recipient "
                             "gets one message per report and channel, so the escalation would never arrive",
                             "escalate to someone not notified at once (the officer, the steering group), "
                             f"or remove {who.value!r} from this route's deliver list")
            used_templates.append((route.ack.template, (*rpath, "ack", "template")))
        if route.hold == "policy" and route.approval:
            yield _p(network, lines, (*rpath, "hold"), "policy_with_approval",
                     "a policy hold cannot be released by approval", "remove `approval:` from this route")

    if alarm_to_group and not closing_route:
        yield _p(network, lines, ("plan", "route"), "no_closing_route",
                 "police alarms go to the group but no route sends the police's closing message to the group",
                 "add a route with `match: {origin: [police], kind: [closing]}` that delivers to the group")

    # -- unreachable routes -------------------------------------------------------------------
    yield from _unreachable(network, lines, plan.route, ("plan", "route"), {})

    # -- urgent first, policy after -------------------------------------------------------------
    if net.contacts.officer:
        yield from _urgent_flagged(network, lines, plan.route)

    # -- the reporter's loop ---------------------------------------------------------------------
    yield from _reporter_loop(network, lines, plan.route)

    # -- templates ------------------------------------------------------------------------------
    # The languages a template must speak: the network's own, and every language its members
    # (the group and the contacts) read — a member gets their own language, never silently another.
    spoken: dict[str, int] = {}
    if members is not None:
        contact_ids = {*net.contacts.coordinators, *net.contacts.steering_group, *net.contacts.officer}
        for m in members.members:
            if not m.excluded and (net.id in m.networks or m.id in contact_ids):
                spoken[m.language] = spoken.get(m.language, 0) + 1
    languages = [*net.languages, *sorted(lang for lang in spoken if lang not in net.languages)]
    checked: set[tuple[str, str]] = set()
    for name, where in used_templates:
        if name not in network.templates:
            yield _p(network, lines, where, "unknown_template", f"unknown template {name!r}",
                     f"use one of: {', '.join(sorted(network.templates))}, or define it under plan.templates")
            continue
        for lang in languages:
            if (name, lang) in checked:
                continue
            checked.add((name, lang))
            body = network.templates[name].get(lang)
            tpl_where: TreePath = ("plan", "templates", name) if name in net.plan.templates else where
            if body is None and lang in net.languages:
                yield _p(network, lines, tpl_where, "missing_language",
                         f"template {name!r} has no {lang!r} version, and the network uses {lang!r}",
                         f"add a {lang!r} version under plan.templates.{name}")
                continue
            if body is None:
                yield _p(network, lines, tpl_where, "member_language_missing",
                         f"template {name!r} has no {lang!r} version, and {spoken[lang]} member(s) of this "
                         f"network read {lang!r} (members file): they would get {net.languages[0]!r} instead",
                         f"add a {lang!r} version under plan.templates.{name} (the built-in templates have "
                         "nl, fr, en and de), or correct those members' language")
                continue
            ctx = {**SAMPLE_CONTEXT, "category_label": CATEGORY_LABELS.get(lang, CATEGORY_LABELS["en"])["other"]}
            try:
                out = render(body, ctx)
            except jinja2.TemplateSyntaxError as exc:
                yield _p(network, lines, tpl_where, "template_syntax",
                         f"template {name!r} ({lang}) is not valid Jinja2: {exc.message}",
                         "fix the {{ }} / {% %} syntax of that template")
                continue
            except jinja2.UndefinedError as exc:
                yield _p(network, lines, tpl_where, "template_variable",
                         f"template {name!r} ({lang}) uses an unknown variable: {exc.message}",
                         f"use only: {', '.join(sorted(SAMPLE_CONTEXT))}")
                continue
            segs = sms_size(out.sms).segments
            if segs > plan.sms_max_segments:
                yield _p(network, lines, tpl_where, "sms_too_long",
                         f"template {name!r} ({lang}) takes {segs} SMS segments with a short sample text; "
                         f"the plan allows {plan.sms_max_segments}",
                         "shorten its `sms:` variant, or raise plan.sms_max_segments")


def _matches_kind(route: Route, rpath: TreePath, root: Route, kind: str) -> bool:
    """Does this route (with its ancestors' matchers) admit police messages of ``kind``?"""
    node = root
    chain = [root]
    for i in range(2, len(rpath), 2):
        node = node.routes[int(rpath[i + 1])]
        chain.append(node)
    return all(
        (n.match.kind is None or kind in n.match.kind) and (n.match.origin is None or "police" in n.match.origin)
        for n in chain
    )


_SET_FIELDS = ("origin", "kind", "urgency", "category", "weekdays")


def _unreachable(network: Network, lines: Lines, route: Route, rpath: TreePath,
                 inherited: dict[str, set[Any]]) -> Iterator[Problem]:
    """Routes that can never match: contradicting an ancestor, or shadowed by an earlier sibling."""
    effective = dict(inherited)
    for f in _SET_FIELDS:
        own = getattr(route.match, f)
        if own is None:
            continue
        own_set = set(own)
        if not own_set:
            yield _p(network, lines, (*rpath, "match", f), "unreachable_route",
                     f"route {route_name(route, rpath)!r} can never match: `{f}` is an empty list",
                     f"list at least one value under {f}, or remove the matcher")
            return
        if f in effective and not (own_set & effective[f]):
            yield _p(network, lines, (*rpath, "match", f), "unreachable_route",
                     f"route {route_name(route, rpath)!r} can never match: its {f} "
                     f"{sorted(v.value for v in own_set)} excludes its parent's "
                     f"{sorted(v.value for v in effective[f])}",
                     "move the route under a parent that admits these values, or correct the matcher")
            return
        effective[f] = own_set & effective[f] if f in effective else own_set
    for i, child in enumerate(route.routes):
        cpath = (*rpath, "routes", i)
        for j in range(i):
            earlier = route.routes[j]
            if not earlier.continue_ and _covers(earlier.match, child.match):
                yield _p(network, lines, cpath, "unreachable_route",
                         f"route {route_name(child, cpath)!r} can never match: the earlier route "
                         f"{route_name(earlier, (*rpath, 'routes', j))!r} matches everything it matches "
                         "and does not `continue`",
                         "move this route above that one, make its matchers narrower, "
                         "or set `continue: true` on the earlier route")
                break
        else:
            yield from _unreachable(network, lines, child, cpath, effective)


def _covers(a: Matchers, b: Matchers) -> bool:
    """True when every report matching ``b`` also matches ``a``."""
    for f in _SET_FIELDS:
        av, bv = getattr(a, f), getattr(b, f)
        if av is not None and (bv is None or not set(bv) <= set(av)):
            return False
    if a.flags is not None and (b.flags is None or not set(b.flags) <= set(a.flags)):
        return False
    if a.flagged is not None:
        if a.flagged is True and not (b.flagged is True or b.flags):
            return False
        if a.flagged is False and b.flagged is not False:
            return False
    return not (a.time is not None and a.time != b.time)



# ---------------------------------------------------------------------------------------------
# Urgent first, policy after
# ---------------------------------------------------------------------------------------------

#: The report followed through the tree: a member's urgent report (with or without a policy flag).
_URGENT = {"origin": "member", "kind": "report", "urgency": "urgent"}
_MAX_OUTCOMES = 256
#: How soon the officer hears of a report on a path: at once (quiet hours bypassed, no approval),
#: later (quiet hours, digest, approval or an escalation) or never.
_AT_ONCE, _LATER, _NEVER = 2, 1, 0
_HOW_SOON = {_AT_ONCE: "at once", _LATER: "only later (quiet hours, approval or escalation)", _NEVER: "never"}

#: One route a report takes, with what it inherited: (route, path, quiet hours, under an approval).
_Taken = tuple[Route, TreePath, QuietMode, bool]


def _may_match(m: Matchers, flag: str | None, report: dict[str, str] = _URGENT) -> str:
    """Whether a report (by default an urgent member report) carrying ``flag`` (None: no policy
    flag) matches ``m``: "yes", "no" or "may" (the matcher looks at what the report does not fix:
    its category, the day, the time, other flags — and its urgency, if ``report`` leaves it open)."""
    for f, value in report.items():
        values = getattr(m, f)
        if values is not None and value not in {str(v) for v in values}:
            return "no"
    open_fields = ("category", "weekdays", "time", *(f for f in ("origin", "kind", "urgency") if f not in report))
    if m.flagged is not None and m.flagged is (flag is None):
        return "no"
    if m.flags is not None:
        named = {str(v) for v in m.flags}
        if flag in named:
            return "yes" if not any(getattr(m, f) is not None for f in open_fields) else "may"
        if named <= {str(f) for f in POLICY_FLAGS}:
            return "no"  # only other policy flags: one flag at a time is followed
        return "may"
    if any(getattr(m, f) is not None for f in open_fields):
        return "may"
    return "yes"


def _walk(route: Route, path: TreePath, quiet: QuietMode, approval: bool, flag: str | None,
          report: dict[str, str] = _URGENT) -> list[list[_Taken]]:
    """Every list of routes (continue included) such a report may take below ``route`` (matched)."""
    quiet = route.quiet_hours or quiet
    approval = approval or route.approval is not None
    states: list[tuple[list[_Taken], bool]] = [([], False)]  # (routes taken so far, walk stopped)
    for i, child in enumerate(route.routes):
        verdict = _may_match(child.match, flag, report)
        if verdict == "no":
            continue
        cpath = (*path, "routes", i)
        following: list[tuple[list[_Taken], bool]] = []
        for taken, stopped in states:
            if stopped:
                following.append((taken, True))
                continue
            if verdict == "may":
                following.append((taken, False))
            for below in _walk(child, cpath, quiet, approval, flag, report):
                following.append((taken + below, not child.continue_))
        states = following[:_MAX_OUTCOMES]
    return [taken or [(route, path, quiet, approval)] for taken, _ in states]


def _outcomes(root: Route, flag: str | None, report: dict[str, str] = _URGENT) -> list[list[_Taken]]:
    if _may_match(root.match, flag, report) == "no":
        return [[]]
    return _walk(root, ("plan", "route"), QuietMode.respect, False, flag, report)


def _officer(taken: list[_Taken]) -> int:
    """How soon the officer hears of the report on this path."""
    soon = _NEVER
    for route, _, quiet, approval in taken:
        for t in route.deliver:
            if t.audience is AudienceName.officer:
                if not approval and (t.quiet_hours or quiet) is QuietMode.bypass:
                    return _AT_ONCE
                soon = _LATER
        if route.ack and AudienceName.officer in route.ack.escalate_to:
            soon = _LATER
    return soon


def _zone(taken: list[_Taken]) -> bool:
    return any(t.audience is AudienceName.zone for route, _, _, _ in taken for t in route.deliver)


def _urgent_flagged(network: Network, lines: Lines, root: Route) -> Iterator[Problem]:
    """A policy flag never keeps an urgent member report from the police: on every route the
    flagged report may take, the officer hears of it at least as soon as on the routes the same
    report takes unflagged (its worst), and the zone gets it if it does unflagged."""
    plain = _outcomes(root, None)
    officer_base = min(_officer(t) for t in plain)
    zone_base = all(_zone(t) for t in plain)
    found: dict[tuple[TreePath, int, bool], tuple[list[str], list[str]]] = {}
    for flag in sorted(str(f) for f in POLICY_FLAGS):
        for taken in _outcomes(root, flag):
            officer, zone = _officer(taken), _zone(taken) or not zone_base
            if officer >= officer_base and zone:
                continue
            where = taken[-1][1] if taken else ("plan", "route")
            names = [route_name(r, p) for r, p, _, _ in taken]
            flags, _ = found.setdefault((where, officer, zone), ([], names))
            if flag not in flags:
                flags.append(flag)
    for (where, officer, zone), (flags, names) in found.items():
        took = ", ".join(repr(n) for n in names) or "no route"
        lost = []
        if officer < officer_base:
            lost.append(f"the officer would hear of it {_HOW_SOON[officer]} (unflagged: {_HOW_SOON[officer_base]})")
        if not zone:
            lost.append("the zone would not get it (unflagged it does)")
        yield _p(network, lines, where, "urgent_held_from_police",
                 f"an urgent member report flagged {' or '.join(flags)} can take route {took}: "
                 f"{'; '.join(lost)} — urgent first, policy after: a policy flag may hold the broadcast, "
                 "never keep a report from the police",
                 "put the route matching `{origin: [member], urgency: [urgent]}` (officer with "
                 "`quiet_hours: bypass`, and the zone) above every route that matches flagged reports; "
                 "`hold: policy` on it holds only the group broadcast, never the police")


# ---------------------------------------------------------------------------------------------
# The reporter's loop
# ---------------------------------------------------------------------------------------------

_RECEIPT_FIX = ("add `- {audience: reporter, template: report_received, quiet_hours: bypass}` to that route's "
                "deliver list (the reporter is answered on the channel the report came in)")


def _to_reporter(taken: list[_Taken]) -> list[tuple[QuietMode, bool]]:
    """(quiet hours, under an approval) of each delivery to the reporter on this path."""
    return [(t.quiet_hours or route.quiet_hours or quiet, approval)
            for route, _, quiet, approval in taken for t in route.deliver if t.audience is AudienceName.reporter]


def _reporter_loop(network: Network, lines: Lines, root: Route) -> Iterator[Problem]:
    """Every member's report is confirmed to its reporter (never in a digest); every police
    feedback and closing reaches the reporter of the report it refers to, not only after approval."""
    seen: set[tuple[TreePath, str]] = set()

    def once(where: TreePath, kind: str) -> bool:
        if (where, kind) in seen:
            return False
        seen.add((where, kind))
        return True

    for urgency in ("urgent", "non_urgent"):
        for flag in (None, *sorted(str(f) for f in POLICY_FLAGS)):
            report = {"origin": "member", "kind": "report", "urgency": urgency}
            for taken in _outcomes(root, flag, report):
                where = taken[-1][1] if taken else ("plan", "route")
                names = ", ".join(repr(route_name(r, p)) for r, p, _, _ in taken) or "no route"
                what = f"a member's {urgency.replace('_', '-')} report{f' flagged {flag}' if flag else ''}"
                answers = _to_reporter(taken)
                if not answers and once(where, "no_receipt"):
                    yield _p(network, lines, where, "no_receipt",
                             f"{what} can take route {names}: its reporter never hears that it was received",
                             _RECEIPT_FIX)
                late = answers and all(q is QuietMode.digest or a for q, a in answers)
                if late and once(where, "receipt_in_digest"):
                    yield _p(network, lines, where, "receipt_in_digest",
                             f"{what} can take route {names}: its reporter is confirmed only in a digest or "
                             "after an approval, long after they reported",
                             "give the reporter's delivery `quiet_hours: bypass` (or respect), outside any approval")
    for kind in ("feedback", "closing"):
        for taken in _outcomes(root, None, {"origin": "police", "kind": kind}):
            where = taken[-1][1] if taken else ("plan", "route")
            names = ", ".join(repr(route_name(r, p)) for r, p, _, _ in taken) or "no route"
            answers = _to_reporter(taken)
            if not answers and once(where, "no_feedback_to_reporter"):
                yield _p(network, lines, where, "no_feedback_to_reporter",
                         f"a police {kind} can take route {names}: it never reaches the reporter of the report "
                         "it refers to",
                         "add a route above it: `match: {origin: [police, coordinator], kind: [feedback, closing]}`, "
                         "`continue: true`, delivering `{audience: reporter, template: reporter_feedback}`")
            elif answers and all(a for _, a in answers) and once(where, "feedback_to_reporter_waits"):
                yield _p(network, lines, where, "feedback_to_reporter_waits",
                         f"a police {kind} can take route {names}: it reaches the reporter of the report it "
                         "refers to only after a coordinator's approval — the reporter is answered directly",
                         "deliver to the reporter from a route without `approval:` (e.g. one with `continue: true` "
                         "above the approval route)")
