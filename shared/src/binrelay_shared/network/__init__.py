"""The network file (``deploy/networks/<network>.yaml``) and the members file: one contract.

Every service reads these files through this package only: :mod:`.model` is the schema of the
whole network file, :mod:`.load` reads it, checks it (``binrelay plan check``) and reports every
problem with its file, line, place and fix.
"""

from __future__ import annotations

from .load import Network, PlanError, Problem, iter_routes, load_members, load_network, load_networks, route_name
from .model import (
    Ack,
    Address,
    Approval,
    AudienceName,
    Contacts,
    DeliveryChannel,
    Matchers,
    Member,
    MembersFile,
    NetworkFile,
    Options,
    Plan,
    QuietMode,
    Role,
    Route,
    Target,
    TemplateText,
    TimeWindow,
    Weekday,
)

__all__ = [
    "Ack",
    "Address",
    "Approval",
    "AudienceName",
    "Contacts",
    "DeliveryChannel",
    "Matchers",
    "Member",
    "MembersFile",
    "Network",
    "NetworkFile",
    "Options",
    "Plan",
    "PlanError",
    "Problem",
    "QuietMode",
    "Role",
    "Route",
    "Target",
    "TemplateText",
    "TimeWindow",
    "Weekday",
    "iter_routes",
    "load_members",
    "load_network",
    "load_networks",
    "route_name",
]
