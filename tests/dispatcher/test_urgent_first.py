"""Urgent first, policy after: the table of urgent_first_cases.yaml, on the seed plans.

For every network × {urgent, non-urgent} × {flagged, not} × {day, night}: Given a member's report
(a burglary, its text flagged as a call to take the law into one's own hands or not), When the
network's plan is applied, Then each audience gets its message at once, after quiet hours, in the
digest or not at all, as the table says — and an urgent flagged report reaches the officer (or in
Meudon, too, the officer at once) and the zone at once, with the flag shown, day and night.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import yaml

from binrelay_dispatcher.routing import Decision, Delivery, plan_deliveries
from binrelay_shared.network import Network
from binrelay_shared.network.templates import FLAG_LABELS

from .helpers import HERE, cleared, seed_networks

CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "urgent_first_cases.yaml").read_text("utf-8"))
TIMES = {"day": "2026-03-03T15:00:00+01:00", "night": "2026-03-03T23:30:00+01:00"}
REPORTERS = {"zavel": "zavel-member-1", "kastelein": "kastelein-member-2", "meudon": "meudon-member-1"}
AUDIENCES = ("officer", "coordinators", "reporter")


def _id(case: dict[str, Any]) -> str:
    return f"{case['network']}-{case['urgency']}-{'flagged' if case['flagged'] else 'unflagged'}-{case['time']}"


@pytest.fixture(scope="module")
def networks() -> dict[str, Network]:
    return seed_networks()


def _when(d: Delivery) -> str:
    if d.held is None and d.send_at is None:
        return "now"
    return {"quiet_hours": "quiet", "digest": "digest"}.get(d.held or "", f"held:{d.held}")


def _flag_shown(d: Delivery) -> bool:
    assert d.language is not None
    return FLAG_LABELS[d.language]["vigilante"] in d.text


def test_the_table_covers_every_combination() -> None:
    """Every network × urgency × flagged × time of day is in the table, once."""
    keys = [(c["network"], c["urgency"], c["flagged"], c["time"]) for c in CASES]
    assert len(keys) == len(set(keys)) == 3 * 2 * 2 * 2


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_urgent_first_policy_after(case: dict[str, Any], networks: dict[str, Network]) -> None:
    network = networks[case["network"]]
    at = datetime.fromisoformat(TIMES[case["time"]])
    report = cleared(network.id, at, urgency=case["urgency"], category="burglary",
                     flags=["vigilante"] if case["flagged"] else [], reporter=REPORTERS[network.id], channel="sms",
                     text="Inbraak bezig bij de buren, we pakken die dief zelf")

    decision: Decision = plan_deliveries(network, report, at)

    assert list(decision.routes) == case["routes"]
    for audience in AUDIENCES:
        got = sorted({f"{_when(d)}:{d.template}" for d in decision.deliveries if d.audience == audience})
        want = [] if case[audience] == "-" else [case[audience]]
        assert got == want, f"{audience}: {got}, expected {want}"
    assert ({d.audience for d in decision.deliveries if d.channel == "dispatch"} == {"zone"}) is (case["zone"] == "now")
    assert "group" not in {d.audience for d in decision.deliveries}
    assert decision.held == ("policy" if case["group"] == "held" else None)

    if case["escalation"] == "-":
        assert decision.escalation is None
    else:
        assert decision.escalation is not None
        later = plan_deliveries(network, report, at, phase="escalation", now=decision.escalation.due)
        assert {d.audience for d in later.deliveries} == {case["escalation"]}
        assert all(_flag_shown(d) is case["flagged"] for d in later.deliveries)

    # the people who act on it see the flag; nobody sees a flag the report does not carry
    for d in decision.deliveries:
        if d.audience in ("officer", "coordinators", "steering_group"):
            assert _flag_shown(d) is case["flagged"], f"{d.audience} ({d.language}): {d.text!r}"


@pytest.mark.parametrize("network_id", ["zavel", "kastelein", "meudon"])
@pytest.mark.parametrize("time", ["day", "night"])
def test_an_urgent_flagged_report_reaches_the_officer_at_once(network_id: str, time: str,
                                                              networks: dict[str, Network]) -> None:
    """Given a burglary in progress whose text also says the neighbours will deal with the burglar
    themselves (urgent + vigilante), When it arrives by day or at night, Then the network's officer
    gets it at once (SMS first, quiet hours bypassed), the flag in their language, and the zone too."""
    network = networks[network_id]
    at = datetime.fromisoformat(TIMES[time])
    report = cleared(network_id, at, urgency="urgent", category="burglary", flags=["vigilante"])

    decision = plan_deliveries(network, report, at)

    officer = [d for d in decision.deliveries if d.audience == "officer"]
    assert [(d.channel, d.held, d.send_at) for d in officer] == [("sms", None, None)]
    assert _flag_shown(officer[0])
    assert any(d.audience == "zone" for d in decision.deliveries)
