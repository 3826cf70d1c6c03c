"""What a message asks of its recipient, and SMS consent withdrawn by STOP (pure: plans in, jobs out)."""

from __future__ import annotations

from datetime import datetime

import pytest

from binrelay_dispatcher.jobs import plan_report
from binrelay_shared.consent import without_sms
from binrelay_shared.events import ResponseKind
from binrelay_shared.network import Network
from binrelay_shared.replies import short_ref

from .helpers import cleared, seed_networks

DAY = datetime.fromisoformat("2026-01-13T14:00:00+01:00")
NIGHT = datetime.fromisoformat("2026-01-13T23:30:00+01:00")


@pytest.fixture(scope="module")
def networks() -> dict[str, Network]:
    return seed_networks()


def test_an_approval_request_asks_for_a_yes_or_no_and_ends_with_its_ref(networks: dict[str, Network]) -> None:
    """Given Meudon's plan, when the police post feedback, then each coordinator's approval request
    expects an approval and its text ends with the report's short ref."""
    msg = cleared("meudon", DAY, origin="police", kind="feedback", text="Dader gevat, bedankt")
    jobs = plan_report(networks["meudon"], msg, DAY).now_jobs
    assert {j.recipient_id: j.expects for j in jobs} == {
        "meudon-coord-1": ResponseKind.approve, "meudon-coord-2": ResponseKind.approve}
    assert all(j.text.rstrip().endswith(f"f {short_ref(msg.report_id)}") for j in jobs)  # Ref / Réf


def test_an_urgent_report_asks_an_ok_of_those_whose_ok_stops_the_escalation_only(
    networks: dict[str, Network],
) -> None:
    """Given Zavel's plan (ack by coordinators and steering group), when an urgent member report
    arrives, then the coordinators' messages expect an acknowledgement, the officer's nothing."""
    r = cleared("zavel", DAY, urgency="urgent", category="burglary", text="Inbraak bezig")
    jobs = {j.recipient_id: j.expects for j in plan_report(networks["zavel"], r, DAY).now_jobs}
    assert jobs == {"zavel-coord-1": ResponseKind.acknowledge, "zavel-coord-2": ResponseKind.acknowledge,
                    "officer-5339-zavel": None}


def test_a_group_message_asks_for_nothing(networks: dict[str, Network]) -> None:
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", text="Vermiste man")
    assert {j.expects for j in plan_report(networks["zavel"], alarm, NIGHT).now_jobs} == {None}


def test_a_member_who_withdrew_sms_consent_gets_their_next_channel(networks: dict[str, Network]) -> None:
    """Given zavel-member-1 (SMS, then e-mail) withdrew their SMS consent, when the police post an
    alarm (SMS first for everyone), then they get it by e-mail with no SMS fallback; a member with
    SMS only who withdrew gets nothing (no channel); the others are unchanged."""
    alarm = cleared("zavel", NIGHT, origin="police", kind="alarm", urgency="urgent", text="Vermiste man")
    before = {j.recipient_id: j for j in plan_report(networks["zavel"], alarm, NIGHT).now_jobs}
    view = without_sms(networks["zavel"], {"zavel-member-1", "zavel-member-4", "not-a-member"})
    after = {j.recipient_id: j for j in plan_report(view, alarm, NIGHT).now_jobs}
    assert before["zavel-member-1"].channel == "sms" and after["zavel-member-1"].channel == "email"
    assert "sms" not in after["zavel-member-1"].fallback_addresses
    assert after["zavel-member-1"].text != before["zavel-member-1"].text  # the e-mail text, not the SMS one
    assert before["zavel-member-4"].channel == "sms" and after["zavel-member-4"].channel == "email"
    assert set(after) == set(before)
    assert {k: j.channel for k, j in after.items() if k not in ("zavel-member-1", "zavel-member-4")} == {
        k: j.channel for k, j in before.items() if k not in ("zavel-member-1", "zavel-member-4")}
    assert networks["zavel"].members["zavel-member-1"].channels[0].channel == "sms"  # the plan itself unchanged


def test_nobody_withdrew_the_network_is_the_same_object(networks: dict[str, Network]) -> None:
    assert without_sms(networks["zavel"], set()) is networks["zavel"]
