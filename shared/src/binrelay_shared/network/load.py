"""Loading and validating network plans and the members file.

Loading validates the whole tree and refuses a bad plan with problems that each name the file,
the line, the place in the tree and the fix (``binrelay plan check`` prints them). Problems are
collected, not raised one at a time, so a coordinator sees everything wrong at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import ValidationError

from ..sms_segments import sms_size
from .model import (
    AudienceName,
    Matchers,
    Member,
    MembersFile,
    NetworkFile,
    Role,
    Route,
    TemplateText,
)
from .templates import CATEGORY_LABELS, SAMPLE_CONTEXT, builtin, render

AUDIENCES = ", ".join(a.value for a in AudienceName)

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan: where, what, and how to fix it."""

    file: str
    line: int | None
    where: str
    kind: str
    message: str
    fix: str

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        at = f" at {self.where}" if self.where else ""
        return f"{loc}{at}: {self.message} [{self.kind}]\n  fix: {self.fix}"


class PlanError(Exception):
    """A plan (or members file) that cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------------------------


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Lines:
    """Maps a path in a YAML document (keys and list indices) to its line number.

    The node tree is composed only when a line is asked for (a problem is being reported): a
    valid 10,000-member file is then parsed once, not twice.
    """

    def __init__(self, text: str | None) -> None:
        self.text = text
        self._root: yaml.Node | None = None

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None and self.text is not None:
            self._root = yaml.compose(self.text, Loader=_Loader)
        return self._root

    def line(self, path: Iterable[str | int]) -> int | None:
        node = self.root
        best = node.start_mark.line + 1 if node is not None else None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                        nxt = v
                        best = k.start_mark.line + 1
                        break
                if nxt is None:
                    return best
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                best = node.start_mark.line + 1
            else:
                return best
        return best


def _where(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, _Lines]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        problems.append(Problem(str(path), None, "", "unreadable", f"cannot read the file ({exc.strerror})",
                                "check the path and the file's permissions"))
        return None, _Lines(None)
    try:
        # libyaml's C parser when present (a 10,000-member file: ~5x faster than pure Python).
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(
            str(path), mark.line + 1 if mark else None, "", "yaml_syntax",
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            "fix the YAML syntax at that line (indentation, a missing ':' or an unclosed quote)",
        ))
        return None, _Lines(None)
    return data, _Lines(text)


def _schema_problems(file: str, lines: _Lines, exc: ValidationError, prefix: Path_ = ()) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc: Path_ = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = tuple(p for p in loc if p not in ("list[str]", "str"))
        etype = err["type"]
        field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if etype == "extra_forbidden":
            kind, msg = "unknown_key", f"unknown key {field_name!r}"
            fix = "remove it or correct its spelling (see the plan schema in docs or an example plan)"
        elif etype == "missing":
            kind, msg = "missing_key", f"required key {field_name!r} is missing"
            fix = f"add {field_name!r}"
        elif field_name == "audience" and etype == "enum":
            kind, msg = "unknown_audience", f"unknown audience: {err.get('input')!r}"
            fix = f"use one of: {AUDIENCES}"
        elif field_name in ("channels", "channel") or (len(loc) > 1 and loc[-2] == "channels"):
            kind, msg = "unknown_channel", f"unknown channel: {err.get('input')!r}"
            fix = "use sms, email or chat"
        elif field_name in ("time", "quiet_hours", "digest_at") and etype == "value_error":
            kind, msg = "bad_time_window", str(err["msg"]).removeprefix("Value error, ")
            fix = "write a daily window as \"22:00-07:00\" (24-hour clock, Europe/Brussels) or a time as \"08:00\""
        elif field_name in ("timeout", "dedup_window") and etype == "value_error":
            kind, msg = "bad_duration", str(err["msg"]).removeprefix("Value error, ")
            fix = "write a duration as 30s, 10m, 2h or 1d"
        elif field_name == "languages" or (len(loc) > 1 and loc[-2] == "languages") or field_name == "language":
            kind, msg = "unknown_language", f"unknown language: {err.get('input')!r}"
            fix = "use nl, fr, en or de"
        else:
            kind, msg = "invalid_value", f"{field_name or 'value'}: {err['msg']}"
            fix = "correct the value (allowed values are in the message)"
        out.append(Problem(file, lines.line(loc), _where(loc), kind, msg, fix))
    return out


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------


def load_members(path: Path) -> MembersFile:
    """Read and validate the members file; raises :class:`PlanError`."""
    members = _stream_members(path)
    if members is not None:
        return members
    # Something is wrong with the file: read it whole, so every problem is named with its line.
    problems: list[Problem] = []
    data, lines = _read_yaml(path, problems)
    if problems:
        raise PlanError(problems)
    try:
        return MembersFile.model_validate(data or {})
    except ValidationError as exc:
        raise PlanError(_schema_problems(str(path), lines, exc)) from None


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser as _Parser
else:  # pragma: no cover - PyYAML without libyaml

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _ItemLoader(_Parser, yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe YAML loader that composes and constructs one node at a time, on libyaml's events.

    ``yaml.load`` composes the whole document's node tree (a node and two marks per scalar)
    before building anything: for a 10,000-member file that was ~130 MB at its peak, and the
    freed nodes left the heap fragmented around the members built meanwhile (~110 MB resident
    kept for ~25 MB of members).
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def next_value(self) -> Any:
        """The next node, composed and constructed on its own (aliases to earlier anchors work)."""
        node = self.compose_node(None, None)  # type: ignore[arg-type]  # as Composer.compose_document does
        return self.construct_document(node)


def _anchored(loader: _ItemLoader) -> bool:
    """Whether the next node has an anchor (an alias could refer to a collection never composed)."""
    return getattr(loader.peek_event(), "anchor", None) is not None


def _stream_members(path: Path) -> MembersFile | None:
    """The members file read member by member, or None if it is not simply valid.

    None (unreadable, not YAML, not a single mapping, a merge key or an anchor on the list, a
    member that does not validate...) sends the caller to the whole-file path, which names each
    problem with its line: only a valid file takes this path, so it reports nothing itself.
    """
    ev = yaml.events
    try:
        loader = _ItemLoader(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    try:
        loader.get_event()  # StreamStartEvent
        if not loader.check_event(ev.DocumentStartEvent):
            return None
        loader.get_event()
        if not loader.check_event(ev.MappingStartEvent) or _anchored(loader):
            return None
        loader.get_event()
        rest: dict[str, Any] = {}
        members: list[Member] | None = None
        while not loader.check_event(ev.MappingEndEvent):
            key = loader.next_value()
            if not isinstance(key, str) or key in rest or key == "<<" or (key == "members" and members is not None):
                return None
            if key != "members":
                rest[key] = loader.next_value()
                continue
            if not loader.check_event(ev.SequenceStartEvent) or _anchored(loader):
                return None
            loader.get_event()
            members = []
            while not loader.check_event(ev.SequenceEndEvent):
                members.append(Member.model_validate(loader.next_value()))
            loader.get_event()
        loader.get_event()  # MappingEndEvent
        loader.get_event()  # DocumentEndEvent
        if not loader.check_event(ev.StreamEndEvent):
            return None  # a second document: yaml.load refuses that, and so does the whole-file path
        return MembersFile.model_validate({**rest, "members": members if members is not None else []})
    except (yaml.YAMLError, ValidationError):
        return None
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------


@dataclass
class Network:
    """A validated network: its file, its templates and the members it can reach."""

    file: NetworkFile
    path: str
    templates: dict[str, dict[str, TemplateText]]
    members: dict[str, Member] = field(default_factory=dict)
    _group: list[Member] | None = field(default=None, repr=False)
    _addresses: dict[str, Member] | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.file.id

    def contacts(self, audience: AudienceName) -> list[str]:
        c = self.file.contacts
        return {
            AudienceName.coordinators: c.coordinators,
            AudienceName.steering_group: c.steering_group,
            AudienceName.officer: c.officer,
        }.get(audience, [])

    def group(self) -> list[Member]:
        """Every member of the network's group (computed once)."""
        if self._group is None:
            self._group = [m for m in self.members.values() if self.id in m.networks]
        return self._group

    def by_address(self, address: str | None) -> Member | None:
        """The member with this channel address (an adapter's reporter ref may be one)."""
        if address is None:
            return None
        if self._addresses is None:
            self._addresses = {}
            for m in self.members.values():
                for a in m.channels:
                    self._addresses.setdefault(a.address, m)
        return self._addresses.get(address)


def iter_routes(route: Route, path: Path_ = ("plan", "route")) -> Iterator[tuple[Route, Path_]]:
    yield route, path
    for i, child in enumerate(route.routes):
        yield from iter_routes(child, (*path, "routes", i))


def route_name(route: Route, path: Path_) -> str:
    return route.name or _where(path)


def load_network(path: Path, members: MembersFile | None = None) -> Network:
    """Read and validate one network file; raises :class:`PlanError` with every problem found."""
    problems: list[Problem] = []
    data, lines = _read_yaml(path, problems)
    if problems:
        raise PlanError(problems)
    file = str(path)
    try:
        net = NetworkFile.model_validate(data or {})
    except ValidationError as exc:
        raise PlanError(_schema_problems(file, lines, exc)) from None
    templates = {**builtin(), **net.plan.templates}
    network = Network(file=net, path=file, templates=templates, members=members.by_id() if members else {})
    problems = list(_check(network, lines, members))
    if problems:
        raise PlanError(problems)
    return network


def _p(network: Network, lines: _Lines, where: Path_, kind: str, message: str, fix: str) -> Problem:
    return Problem(network.path, lines.line(where), _where(where), kind, message, fix)


def _check(network: Network, lines: _Lines, members: MembersFile | None) -> Iterator[Problem]:
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
                where: Path_ = ("contacts", role_key, i)
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
    names: dict[str, Path_] = {}
    used_templates: list[tuple[str, Path_]] = []
    alarm_to_group = closing_route = False
    for route, rpath in iter_routes(plan.route):
        if route.name:
            if route.name in names:
                yield _p(network, lines, (*rpath, "name"), "duplicate_route_name",
                         f"route name {route.name!r} is used twice (also at {_where(names[route.name])})",
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
            if target.audience is AudienceName.group and route.hold == "policy":
                yield _p(network, lines, (*tpath, "audience"), "policy_broadcast",
                         "a route that holds flagged reports for policy reasons delivers to the whole group",
                         "deliver policy-held reports to the coordinators (or the officer), never to the group")
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

    # -- templates ------------------------------------------------------------------------------
    checked: set[tuple[str, str]] = set()
    for name, where in used_templates:
        if name not in network.templates:
            yield _p(network, lines, where, "unknown_template", f"unknown template {name!r}",
                     f"use one of: {', '.join(sorted(network.templates))}, or define it under plan.templates")
            continue
        for lang in net.languages:
            if (name, lang) in checked:
                continue
            checked.add((name, lang))
            body = network.templates[name].get(lang)
            tpl_where: Path_ = ("plan", "templates", name) if name in net.plan.templates else where
            if body is None:
                yield _p(network, lines, tpl_where, "missing_language",
                         f"template {name!r} has no {lang!r} version, and the network uses {lang!r}",
                         f"add a {lang!r} version under plan.templates.{name}")
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


def _matches_kind(route: Route, rpath: Path_, root: Route, kind: str) -> bool:
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


def _unreachable(network: Network, lines: _Lines, route: Route, rpath: Path_,
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


def load_networks(directory: Path, members: MembersFile | None) -> dict[str, Network]:
    """Every ``*.yaml`` network in ``directory``; raises :class:`PlanError` listing all problems."""
    networks: dict[str, Network] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            net = load_network(path, members)
        except PlanError as exc:
            problems.extend(exc.problems)
            continue
        if net.id in networks:
            problems.append(Problem(str(path), None, "id", "duplicate_network",
                                    f"network id {net.id!r} is also used by {networks[net.id].path}",
                                    "give every network file its own id"))
        networks[net.id] = net
    if problems:
        raise PlanError(problems)
    return networks
