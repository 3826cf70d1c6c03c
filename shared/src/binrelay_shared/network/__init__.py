"""The network file (``deploy/networks/<network>.yaml``) and the members file: one contract.

Every service reads these files through this package only: :mod:`.model` is the schema of the
whole network file (:mod:`.privacy` its ``privacy:`` section), :mod:`.members` the members file,
:mod:`.load` reads a network file, :mod:`.check` checks it (``binrelay plan check``) and
:mod:`.problems` reports every problem with its file, line, place and fix.
"""

from __future__ import annotations

from .check import iter_routes, route_name
from .load import Network, load_network, load_networks
from .members import Address, Member, MembersFile, Role, load_members
from .model import (
    Ack,
    Approval,
    AudienceName,
    Contacts,
    DeliveryChannel,
    Matchers,
    NetworkFile,
    Options,
    Plan,
    QuietMode,
    Route,
    Target,
    TemplateText,
    TimeWindow,
    Weekday,
)
from .privacy import CoordinatorPhotoMode, GroupPhotoMode, Privacy
from .problems import PlanError, Problem

__all__ = [
    "Ack",
    "Address",
    "Approval",
    "AudienceName",
    "Contacts",
    "CoordinatorPhotoMode",
    "DeliveryChannel",
    "GroupPhotoMode",
    "Matchers",
    "Member",
    "MembersFile",
    "Network",
    "NetworkFile",
    "Options",
    "Plan",
    "PlanError",
    "Privacy",
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
