"""`binrelay plan explain` (dry run through the real classify/clear/route code) and SMS segments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from binrelay.cli import app
from binrelay.explain import explain, report_from_body
from binrelay_shared.events import Audience
from binrelay_shared.network import load_members, load_network
from binrelay_shared.sms_segments import fit_sms, sms_size

from .helpers import MEMBERS_FILE, NETWORKS_DIR

runner = CliRunner()
VALID = '{"text": "x", "reporter": {"ref": "a"}}'
BASE = ["plan", "explain", "--networks-dir", str(NETWORKS_DIR), "--members", str(MEMBERS_FILE)]


def _explain(network: str, body: dict[str, object], at: str) -> list[dict[str, object]]:
    result = runner.invoke(app, [*BASE, "--network", network, "--report", "-", "--at", at, "--json"],
                           input=json.dumps(body))
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_explain_police_alarm_at_night() -> None:
    """Given Zavel's plan, when a police alarm (the body of POST /v1/messages) is explained at 03:00,
    then the JSON lists the group deliveries at once, not held, with recipients counted, and the zone,
    each with the report's classification; nothing is sent."""
    rows = _explain("zavel", {"text": "Gestolen witte bestelwagen", "kind": "alarm", "network": "zavel"},
                    "2026-03-04T03:00")
    for row in rows:
        assert {"audience", "channel", "language", "send_at", "held", "recipients", "classification"} <= set(row)
    group = [r for r in rows if r["audience"] == "group"]
    assert sum(int(r["recipients"]) for r in group) == 7  # type: ignore[call-overload]
    assert all(r["held"] is None and r["send_at"] is None for r in group)
    assert any(r["audience"] == "zone" for r in rows)
    assert rows[0]["routes"] == ["police-alarm"]


def test_explain_prevention_shows_approval_and_morning() -> None:
    """Given Meudon's plan, when a police prevention message (POST /v1/messages) is explained at 23:00,
    then the approval requests wait for the morning and the group waits for the approval."""
    rows = _explain("meudon", {"text": "Sluit uw ramen en deuren", "kind": "prevention", "network": "meudon"},
                    "2026-03-03T23:00")
    held = {(r["audience"], r["purpose"], r["held"]) for r in rows if r["condition"] is None}
    assert ("coordinators", "approval_request", "quiet_hours") in held
    assert ("group", "message", "approval") in held
    assert any(r["condition"] and r["audience"] == "group" for r in rows)


def test_explain_member_report_as_posted_to_ingest() -> None:
    """Given Kastelein's plan (no coordinator), when a member's report body is explained,
    then it reaches the officer and the zone, whatever the classifier decides."""
    body = {"text": "Iemand rammelt aan de deur van de winkel", "reporter": {"ref": "kastelein-member-1"},
            "location": {"street": "Baljuwstraat"}, "channel": "sms", "network": "kastelein"}
    rows = _explain("kastelein", body, "2026-03-03T15:00:00+01:00")
    assert {"officer", "zone"} <= {str(r["audience"]) for r in rows}
    assert "coordinators" not in {r["audience"] for r in rows}


def test_explain_policy_flagged_report_shows_what_is_withheld() -> None:
    """Given Zavel's plan, when a member report calling to take the law into one's own hands is
    explained, then the classifier flags it, the group row says held: policy and no group
    delivery is planned; the coordinators are told."""
    body = {"text": "We gaan die dief zelf een lesje leren, wie doet mee? Neem knuppels mee.",
            "reporter": {"ref": "zavel-member-1"}, "network": "zavel"}
    rows = _explain("zavel", body, "2026-03-03T15:00")
    # A failure here is the classifier's (tests/classifier/test_flags.py), not the plan's: it must flag this text.
    assert "vigilante" in rows[0]["classification"]["flags"]  # type: ignore[index]
    group = [r for r in rows if r["audience"] == "group"]
    assert [(r["held"], r["channel"]) for r in group] == [("policy", None)]
    assert group[0]["recipients"] == 7
    assert any(r["audience"] == "coordinators" and r["template"] == "policy_hold" for r in rows)


BURGLARY_AND_VIGILANTE = ("Er wordt nu ingebroken bij de buren, de inbreker is nog binnen! "
                          "Kom allemaal, we pakken hem zelf.")


@pytest.mark.parametrize("network", ["zavel", "kastelein", "meudon"])
def test_explain_urgent_flagged_report_reaches_the_officer_at_once_at_night(network: str) -> None:
    """Given a network's plan, when a burglary in progress at night whose text also calls to take
    the law into one's own hands is explained, then the classifier reads it as urgent and
    vigilante, and the officer gets it at once (SMS, not held) and the zone too; only the group
    broadcast is held for policy; the human output says so and shows the flag."""
    body = {"text": BURGLARY_AND_VIGILANTE, "reporter": {"ref": f"{network}-member-1"}, "network": network}
    rows = _explain(network, body, "2026-03-03T23:30")
    cls = rows[0]["classification"]
    assert (cls["urgency"], "vigilante" in cls["flags"]) == ("urgent", True)  # type: ignore[index]
    officer = [r for r in rows if r["audience"] == "officer" and r["condition"] is None]
    assert [(r["channel"], r["held"], r["send_at"]) for r in officer] == [("sms", None, None)]
    assert any(r["audience"] == "zone" for r in rows)
    assert [r["held"] for r in rows if r["audience"] == "group"] == ["policy"]
    assert rows[0]["report_held"] == "policy"

    result = runner.invoke(app, [*BASE, "--network", network, "--report", "-", "--at", "2026-03-03T23:30"],
                           input=json.dumps(body), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "flags [vigilante]" in result.output
    assert "policy flag [vigilante]: urgent first, policy after" in result.output
    assert "officer" in result.output.split("at once:")[1]


def test_explain_coordinator_message() -> None:
    """Given Meudon's plan, when a coordinator's message is explained (--as coordinator),
    then it goes to the group within quiet hours, without approval."""
    result = runner.invoke(app, [*BASE, "--network", "meudon", "--report", "-", "--at", "2026-03-03T12:00",
                                 "--as", "coordinator", "--json"],
                           input=json.dumps({"kind": "feedback", "text": "Bedankt!", "network": "meudon"}))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # feedback-to-reporter matches too: this feedback refers to no report, so nobody is answered
    assert rows[0]["routes"] == ["feedback-to-reporter", "coordinator-message"]
    assert "reporter" not in {r["audience"] for r in rows}
    assert {r["held"] for r in rows} == {None}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--network", "nowhere", "--report", "-"], "{}", "no plan for network 'nowhere'"),
        (["--network", "zavel", "--report", "-"], "not json", "is not JSON"),
        (["--network", "zavel", "--report", "-"], '{"txt": "x"}', "field text: Field required"),
        (["--network", "zavel", "--report", "-", "--at", "yesterday"], VALID, "not an ISO 8601 time"),
    ],
)
def test_explain_refuses_bad_input_with_a_fix(args: list[str], stdin: str, message: str) -> None:
    """Given bad input, when explain runs, then it exits 2 with the problem and the fix, no traceback."""
    result = runner.invoke(app, [*BASE, *args], input=stdin)
    assert result.exit_code == 2
    assert message in result.output and "fix:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("a" * 306, "gsm7", 2),
        ("a" * 307, "gsm7", 3),
        ("€" * 80, "gsm7", 1),  # extension characters take two septets
        ("€" * 81, "gsm7", 2),
        ("é" * 160, "gsm7", 1),  # é is in the GSM-7 basic table
        ("ç" * 70, "ucs2", 1),  # ç (lower case) is not: UCS-2
        ("ç" * 71, "ucs2", 2),
        ("ç" * 134, "ucs2", 2),
        ("ç" * 135, "ucs2", 3),
        ("", "gsm7", 0),
    ],
)
def test_sms_segments(text: str, encoding: str, segments: int) -> None:
    size = sms_size(text)
    assert (size.encoding, size.segments) == (encoding, segments)


def test_fit_sms_shortens_to_the_limit() -> None:
    short, segs = fit_sms("Verdacht voertuig " * 40, 2)
    assert segs == 2 and short.endswith("...") and sms_size(short).units <= 306
    short, segs = fit_sms("Véhicule suspect, ça " * 20, 1)
    assert segs == 1 and short.endswith("…")


def _zavel_with_privacy(tmp_path: Path) -> Path:
    directory = tmp_path / "networks"
    directory.mkdir()
    text = (NETWORKS_DIR / "zavel.yaml").read_text("utf-8")
    privacy = "\nprivacy: {group_photos: blur, coordinator_sees: [plate]}\n"
    (directory / "zavel.yaml").write_text(text + privacy, "utf-8")
    return directory


PLATE_REPORT = {"text": "Verdachte wagen 1-ABC-123 rijdt rond de Zavel", "reporter": {"ref": "zavel-member-1"},
                "location": {"street": "Grote Zavel"}, "channel": "sms", "network": "zavel"}


def test_explain_shows_the_networks_own_privacy_policy(tmp_path: Path) -> None:
    """Given zavel's plan with `privacy: {group_photos: blur, coordinator_sees: [plate]}`,
    when a member's report is explained (text and JSON),
    then the output shows that policy: the coordinator sees plates, the group's photos are blurred."""
    directory = _zavel_with_privacy(tmp_path)
    args = ["plan", "explain", "--networks-dir", str(directory), "--members", str(MEMBERS_FILE),
            "--network", "zavel", "--report", "-", "--at", "2026-03-03T15:00"]

    text = runner.invoke(app, args, input=json.dumps(PLATE_REPORT))
    as_json = runner.invoke(app, [*args, "--json"], input=json.dumps(PLATE_REPORT))

    assert text.exit_code == 0, text.output
    assert ("privacy (this network's policy): coordinator sees plate + the reporter, photos strip; "
            "group sees none, photos blur") in text.stdout
    assert as_json.exit_code == 0, as_json.output
    privacy = json.loads(as_json.stdout)[0]["privacy"]
    assert privacy["coordinator_sees"] == ["plate"] and privacy["group_photos"] == "blur"


def test_explain_clears_the_report_under_the_networks_policy(tmp_path: Path) -> None:
    """Given zavel's plan with `coordinator_sees: [plate]` (the default shows plates to nobody),
    when a report with a plate is explained,
    then the coordinator's rendering keeps the plate and the group's has it redacted."""
    net = load_network(_zavel_with_privacy(tmp_path) / "zavel.yaml", load_members(MEMBERS_FILE))
    report, _ = report_from_body(PLATE_REPORT)

    renderings = explain(net, report, datetime(2026, 3, 3, 14, tzinfo=UTC)).cleared.renderings

    assert "1-ABC-123" in renderings[Audience.coordinator].text
    assert "1-ABC-123" not in renderings[Audience.group].text


FEEDBACK = {"kind": "feedback", "network": "zavel", "language": "nl", "refers_to": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "text": "De verdachte wagen is gecontroleerd. Bedankt voor de melding."}


def test_explain_police_feedback_reaches_the_referred_reporter_directly() -> None:
    """Given Zavel's plan and a police feedback that refers to a report zavel-member-1 sent by SMS
    (--reporter-of zavel-member-1:sms), when it is explained,
    then the reporter gets it at once by SMS from route feedback-to-reporter (no approval), the group
    waits for the coordinators' approval, and the text says whose report it answers by its ref only."""
    args = [*BASE, "--network", "zavel", "--report", "-", "--at", "2026-03-03T10:00"]
    result = runner.invoke(app, [*args, "--json", "--reporter-of", "zavel-member-1:sms"], input=json.dumps(FEEDBACK))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    [to_reporter] = [r for r in rows if r["audience"] == "reporter"]
    assert (to_reporter["route"], to_reporter["channel"], to_reporter["held"], to_reporter["recipients"]) == (
        "feedback-to-reporter", "sms", None, 1)
    assert to_reporter["template"] == "reporter_feedback" and "0a1b2c3d" in to_reporter["why"]
    assert {r["held"] for r in rows if r["audience"] == "group" and r["condition"] is None} == {"approval"}
    text = runner.invoke(app, [*args, "--reporter-of", "zavel-member-1:sms"], input=json.dumps(FEEDBACK))
    assert "the reporter of report 0a1b2c3d gets it directly" in text.output
    # without the record: explain says the dispatcher looks the reporter up
    unknown = runner.invoke(app, args, input=json.dumps(FEEDBACK))
    assert unknown.exit_code == 0 and "--reporter-of" in unknown.output
    bad = runner.invoke(app, [*args, "--reporter-of", "nobody"], input=json.dumps(FEEDBACK))
    assert bad.exit_code == 2 and "no member 'nobody'" in bad.output


def test_explain_meudon_confirms_receipt_on_the_channel_the_report_came_in() -> None:
    """Given Meudon's plan, when a member's non-urgent report by SMS is explained,
    then the coordinators get it in the daily digest and the reporter a receipt at once, by SMS."""
    body = {"text": "Graffiti op de muur van de Meudonstraat", "channel": "sms",
            "reporter": {"ref": "+447700900019"}, "location": {"street": "Meudonstraat"}}
    rows = _explain("meudon", body, "2026-03-03T14:00")
    [receipt] = [r for r in rows if r["audience"] == "reporter"]
    assert (receipt["channel"], receipt["language"], receipt["held"], receipt["send_at"]) == ("sms", "nl", None, None)
    assert receipt["template"] == "report_received"
