"""Table-driven tests of the pure core (match, plan_deliveries) on the seed plans.

The cases live in routing_cases.yaml; each reads as Given (network, time, report) / When (the plan
is applied) / Then (routes, held, deliveries, escalation, approval).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest
import yaml

from binrelay_dispatcher.routing import Decision, Delivery, ReporterOf, plan_deliveries
from binrelay_dispatcher.tree import match
from binrelay_shared.network import Network

from .helpers import HERE, cleared_from_spec, seed_networks

CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "routing_cases.yaml").read_text("utf-8"))
SELECT = ("audience", "channel", "language", "purpose", "template", "recipient_id", "about")


@pytest.fixture(scope="module")
def networks() -> dict[str, Network]:
    return seed_networks()


def _check_deliveries(deliveries: list[Delivery], expected: list[dict[str, Any]], label: str) -> None:
    for exp in expected:
        chosen = [d for d in deliveries if all(getattr(d, k) == exp[k] for k in SELECT if k in exp)]
        sel = {k: exp[k] for k in SELECT if k in exp}
        assert len(chosen) == exp["recipients"], f"{label}: {sel} has {len(chosen)} recipients, not {exp['recipients']}"
        for d in chosen:
            if "held" in exp:
                assert d.held == exp["held"], f"{label}: {sel} held={d.held!r}, expected {exp['held']!r}"
            if "send_at" in exp:
                want = datetime.fromisoformat(exp["send_at"]) if exp["send_at"] else None
                assert d.send_at == want, f"{label}: {sel} send_at={d.send_at}, expected {want}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:80] for c in CASES])
def test_plan(case: dict[str, Any], networks: dict[str, Network]) -> None:
    """Given a seed network, a time and a report (cleared, with its classification),
    when the network's plan is applied,
    then the routes, holds and deliveries are those the case expects."""
    network = networks[case["network"]]
    at = datetime.fromisoformat(case["at"])
    report = cleared_from_spec(network.id, at, case.get("report", {}))
    exp = case["expect"]
    # a message that refers to a report: that report's reporter, as the dispatcher keeps it
    referred = ReporterOf(**case["referred"]) if "referred" in case else None

    assert [m.name for m in match(network.file.plan, report, at)] == exp["routes"]
    decision: Decision = plan_deliveries(network, report, at, referred=referred)
    assert list(decision.routes) == exp["routes"]
    if "held" in exp:
        assert decision.held == exp["held"]
    _check_deliveries(decision.deliveries, exp.get("deliveries", []), "initial")
    audiences = {d.audience for d in decision.deliveries}
    for absent in exp.get("none_to", []):
        assert absent not in audiences, f"{absent} must get nothing"
    if "skipped" in exp:
        assert dict(Counter(s.reason for s in decision.skipped)) == exp["skipped"]
    for rid in exp.get("recipients_exclude", []):
        assert rid not in {d.recipient_id for d in decision.deliveries}
    if exp.get("no_escalation"):
        assert decision.escalation is None
    if "escalation" in exp:
        esc = exp["escalation"]
        assert decision.escalation is not None
        assert decision.escalation.due == datetime.fromisoformat(esc["due"])
        if "by" in esc:
            assert list(decision.escalation.by) == esc["by"]
        later = plan_deliveries(network, report, at, phase="escalation", now=decision.escalation.due)
        _check_deliveries(later.deliveries, esc["deliveries"], "escalation")
        assert {d.purpose for d in later.deliveries} == {"escalation"}
    if "approved" in exp:
        assert decision.approval is not None
        when = datetime.fromisoformat(exp["approved"]["at"])
        later = plan_deliveries(network, report, at, phase="approved", now=when, referred=referred)
        _check_deliveries(later.deliveries, exp["approved"]["deliveries"], "approved")
        assert "zone" not in {d.audience for d in later.deliveries}


def test_every_delivery_carries_text_in_the_members_language(networks: dict[str, Network]) -> None:
    """Given the Zavel plan and a police alarm at night,
    when the deliveries are planned,
    then each is rendered from the alarm template in the member's language, SMS within 3 segments."""
    at = datetime.fromisoformat("2026-03-04T03:10:00+01:00")
    report = cleared_from_spec("zavel", at, {"origin": "police", "kind": "alarm", "urgency": "urgent",
                                             "text": "Gestolen bestelwagen, wit"})
    decision = plan_deliveries(networks["zavel"], report, at)
    by_lang = {d.language: d for d in decision.deliveries if d.audience == "group"}
    assert "POLITIE-ALARM" in by_lang["nl"].text and "ALERTE" in by_lang["fr"].text
    assert "ALERT" in by_lang["en"].text
    for d in decision.deliveries:
        if d.channel == "sms":
            assert d.sms_segments is not None and 1 <= d.sms_segments <= 3
            assert d.subject is None
        if d.audience == "group":
            assert "[group]" in d.text  # the group's rendering, never the police's


GERMAN = {"police_alarm": "POLIZEI-ALARM", "police_message": "Nachricht der Polizei",
          "coordinator_message": "Nachricht der Koordination"}


@pytest.mark.parametrize(("network_id", "member_id", "message", "template"), [
    ("zavel", "zavel-member-4", {"origin": "police", "kind": "alarm", "urgency": "urgent"}, "police_alarm"),
    ("meudon", "meudon-member-4", {"origin": "police", "kind": "alarm", "urgency": "urgent"}, "police_alarm"),
    ("meudon", "meudon-member-4", {"origin": "coordinator", "kind": "prevention"}, "coordinator_message"),
])
def test_a_german_speaking_member_gets_german(network_id: str, member_id: str, message: dict[str, Any],
                                              template: str, networks: dict[str, Network]) -> None:
    """Given a member whose language is German, in a network whose `languages:` do not name German
    (Zavel: nl, fr, en; Meudon: nl, fr), when a message reaches the group, then that member's
    delivery is in German, from the German version of the template, with the category in German;
    the others keep their own language."""
    at = datetime.fromisoformat("2026-03-03T14:00:00+01:00")
    report = cleared_from_spec(network_id, at, {**message, "category": "burglary", "text": "Inbraakgolf"})

    decision = plan_deliveries(networks[network_id], report, at)

    [german] = [d for d in decision.deliveries if d.recipient_id == member_id]
    assert german.language == "de" and german.template == template
    assert GERMAN[template] in german.text or GERMAN[template] in (german.subject or "")
    assert german.channel == "sms" or template != "police_alarm" or "Einbruch" in german.text
    others = {d.language for d in decision.deliveries if d.recipient_id not in (member_id, None)}
    assert "de" not in others and "nl" in others


def test_every_built_in_template_speaks_the_four_languages() -> None:
    """Every built-in template, and every category label, exists in nl, fr, en and de."""
    from binrelay_shared.network.templates import CATEGORY_LABELS, FLAG_LABELS, builtin

    for name, langs in builtin().items():
        assert set(langs) == {"nl", "fr", "en", "de"}, name
    assert set(CATEGORY_LABELS) >= {"nl", "fr", "en", "de"}
    assert len({frozenset(labels) for labels in CATEGORY_LABELS.values()}) == 1
    assert set(FLAG_LABELS) == {"nl", "fr", "en", "de"}
