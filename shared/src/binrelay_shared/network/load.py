"""Loading and validating network files: :func:`load_network`, :func:`load_networks`.

Loading validates the whole tree and refuses a bad plan with problems that each name the file,
the line, the place in the tree and the fix (``binrelay plan check`` prints them). Problems are
collected, not raised one at a time, so a coordinator sees everything wrong at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .check import check, iter_routes, route_name
from .members import Member, MembersFile, load_members
from .model import AudienceName, NetworkFile, TemplateText
from .problems import PlanError, Problem, read_yaml, schema_problems
from .templates import builtin


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

    def with_members(self, changed: Mapping[str, Member | None]) -> Network:
        """This network with ``changed`` members replaced, added, or (``None``) dropped (pure)."""
        members = dict(self.members)
        for mid, member in changed.items():
            if member is None:
                members.pop(mid, None)
            else:
                members[mid] = member
        return dataclasses.replace(self, members=members, _group=None, _addresses=None)




def load_network(path: Path, members: MembersFile | None = None) -> Network:
    """Read and validate one network file; raises :class:`PlanError` with every problem found."""
    problems: list[Problem] = []
    data, lines = read_yaml(path, problems)
    if problems:
        raise PlanError(problems)
    file = str(path)
    try:
        net = NetworkFile.model_validate(data or {})
    except ValidationError as exc:
        raise PlanError(schema_problems(file, lines, exc)) from None
    templates = {**builtin(), **net.plan.templates}
    network = Network(file=net, path=file, templates=templates, members=members.by_id() if members else {})
    problems = list(check(network, lines, members))
    if problems:
        raise PlanError(problems)
    return network



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


__all__ = [
    "Network",
    "PlanError",
    "Problem",
    "iter_routes",
    "load_members",
    "load_network",
    "load_networks",
    "route_name",
]
