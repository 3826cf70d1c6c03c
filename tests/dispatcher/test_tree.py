"""The routing tree's semantics (matchers, continue, inheritance, time of day, weekday), table-driven."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from binrelay_dispatcher.routing import plan_deliveries
from binrelay_dispatcher.tree import match
from binrelay_shared.network import Network, load_members, load_network

from .helpers import HERE, MEMBERS_FILE, cleared_from_spec

SPEC: dict[str, Any] = yaml.safe_load((HERE / "tree_cases.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    path: Path = tmp_path_factory.mktemp("tree") / "tree.yaml"
    path.write_text(SPEC["plan"], "utf-8")
    return load_network(path, load_members(MEMBERS_FILE))


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_tree(case: dict[str, Any], network: Network) -> None:
    """Given the small test plan, when a report with these facts arrives at this time,
    then exactly these routes match, and deliveries use the channels the tree gives them."""
    at = datetime.fromisoformat(case["at"])
    report = cleared_from_spec("tree", at, case["report"])
    assert [m.name for m in match(network.file.plan, report, at)] == case["routes"]
    decision = plan_deliveries(network, report, at)
    for audience, channel in case.get("channel", {}).items():
        assert {d.channel for d in decision.deliveries if d.audience == audience} == {channel}
