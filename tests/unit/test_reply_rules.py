"""Replies as commands (pure): the grammar in nl/fr/en/de and the binding rules, table-driven."""

from __future__ import annotations

import pytest

from binrelay_ingest.adapters.reply_rules import (
    Ask,
    Bound,
    Command,
    Context,
    Unbound,
    ask_text,
    bind,
    help_text,
    language_of,
    parse,
    reads_as_report,
    stopped_text,
)
from binrelay_shared.events import ResponseKind
from binrelay_shared.replies import Pending, short_ref

YES, NO, STOP = Command.yes, Command.no, Command.stop

# text, command, refs, reason
GRAMMAR = [
    # yes, in every language, with punctuation and a few polite words
    ("OK", YES, (), None),
    ("ok!", YES, (), None),
    ("Oké.", YES, (), None),
    ("JA", YES, (), None),
    ("ja dank u", YES, (), None),
    ("Oui", YES, (), None),
    ("oui merci", YES, (), None),
    ("d'accord", YES, (), None),
    ("YES", YES, (), None),
    ("yes thanks", YES, (), None),
    ("Si", YES, (), None),
    ("Jawohl", YES, (), None),
    ("einverstanden", YES, (), None),
    ("👍", YES, (), None),
    ("👍️", YES, (), None),
    # no, with and without a reason
    ("NEE", NO, (), None),
    ("Neen.", NO, (), None),
    ("nee, te vroeg op de avond", NO, (), "te vroeg op de avond"),
    ("NON pas maintenant", NO, (), "pas maintenant"),
    ("No - wrong street", NO, (), "wrong street"),
    ("Nein, falsche Adresse!", NO, (), "falsche Adresse"),
    ("👎", NO, (), None),
    # stop
    ("STOP", STOP, (), None),
    ("stop sms", STOP, (), None),
    ("UIT", STOP, (), None),
    ("Arrêt", STOP, (), None),
    ("ARRET", STOP, (), None),
    ("Stopp", STOP, (), None),
    # a ref anywhere, in any spelling
    ("JA 1a2b3c4d", YES, ("1a2b3c4d",), None),
    ("Ref 1A2B3C4D ok", YES, ("1a2b3c4d",), None),
    ("OUI réf: 1a2b3c4d", YES, ("1a2b3c4d",), None),
    ("ok #1a2b3c4d", YES, ("1a2b3c4d",), None),
    ("OK 1a2b3c4d 9f8e7d6c", YES, ("1a2b3c4d", "9f8e7d6c"), None),
    ("NEE Ref 1a2b3c4d te vroeg", NO, ("1a2b3c4d",), "te vroeg"),
    ("non, trop tard (réf 1a2b3c4d)", NO, ("1a2b3c4d",), "trop tard"),
    ("Nein Referenz 1a2b3c4d", NO, ("1a2b3c4d",), None),
    # not commands
    ("Ja, er staat weer een verdachte wagen in de straat", None, (), None),
    ("Oui, quelqu'un sonne à toutes les portes", None, (), None),
    ("Stop the car thieves in our street", None, (), None),
    ("Uitgebrand autowrak aan de hoek", None, (), None),
    ("Bedankt", None, (), None),
    ("okidoki", None, (), None),
    ("", None, (), None),
    ("1a2b3c4d", None, ("1a2b3c4d",), None),
]


@pytest.mark.parametrize(("text", "command", "refs", "reason"), GRAMMAR, ids=[g[0] or "empty" for g in GRAMMAR])
def test_the_reply_grammar(text: str, command: Command | None, refs: tuple[str, ...], reason: str | None) -> None:
    reply = parse(text)
    assert (reply.command, reply.refs, reply.reason) == (command, refs, reason)


@pytest.mark.parametrize(("text", "report"), [
    ("Er staat een verdachte bestelwagen voor nummer 12", True),
    ("Quelqu'un essaie les poignées des voitures", True),
    ("Ja, er staat weer een verdachte wagen", True),
    ("Bedankt", False),
    ("wat bedoelt u?", False),
    ("OK", False),
    ("NEE dat is niet in onze straat gebeurd", False),  # a no with a reason is a command
])
def test_a_text_reads_as_a_report_when_it_is_long_enough_and_no_command(text: str, report: bool) -> None:
    assert reads_as_report(text, parse(text)) is report


# -- binding --------------------------------------------------------------------------------------

ACK, APPROVE = ResponseKind.acknowledge, ResponseKind.approve


def pending(report_id: str, kind: ResponseKind, recipient: str = "meudon-coord-1") -> Pending:
    return Pending(short_ref(report_id), report_id, "meudon", recipient, kind, until=2e9)


ALERT_1 = pending("aaaa1111" + "0" * 24, ACK)
ALERT_2 = pending("bbbb2222" + "0" * 24, ACK)
REQUEST = pending("cccc3333" + "0" * 24, APPROVE)
REQUEST_2 = pending("dddd4444" + "0" * 24, APPROVE)
OTHERS = pending("eeee5555" + "0" * 24, APPROVE, recipient="meudon-coord-2")

# reply, own pending, replied to (chat), what the quoted refs name, expected
BINDING = [
    ("one alert pending, OK: that alert", "OK", (ALERT_1,), None, {}, Bound(((ALERT_1, ACK),))),
    ("two alerts pending, OK: ask which", "OK", (ALERT_1, ALERT_2), None, {}, Ask(("aaaa1111", "bbbb2222"))),
    ("two alerts, OK with a ref: that one only", "OK bbbb2222", (ALERT_1, ALERT_2), None, {},
     Bound(((ALERT_2, ACK),))),
    ("two alerts, OK with both refs: both", "ok aaaa1111 bbbb2222", (ALERT_1, ALERT_2), None, {},
     Bound(((ALERT_1, ACK), (ALERT_2, ACK)))),
    ("an approval request, JA: approve", "JA", (REQUEST,), None, {}, Bound(((REQUEST, APPROVE),))),
    ("an approval request, OUI: approve", "oui", (REQUEST,), None, {}, Bound(((REQUEST, APPROVE),))),
    ("an approval request, NEE: reject", "NEE te vroeg", (REQUEST,), None, {},
     Bound(((REQUEST, ResponseKind.reject),))),
    ("an alert and a request, NEE: only the request can be refused", "nein", (ALERT_1, REQUEST), None, {},
     Bound(((REQUEST, ResponseKind.reject),))),
    ("an alert and a request, YES: ask which", "yes", (ALERT_1, REQUEST), None, {},
     Ask(("aaaa1111", "cccc3333"))),
    ("two requests, NON: ask which", "NON", (REQUEST, REQUEST_2), None, {}, Ask(("cccc3333", "dddd4444"))),
    ("only an alert, NEE: nothing to refuse", "NEE", (ALERT_1,), None, {}, Unbound("nothing_pending")),
    ("nothing pending, OK", "OK", (), None, {}, Unbound("nothing_pending")),
    ("a chat reply names its message, even among several", "JA", (ALERT_1, REQUEST), REQUEST, {},
     Bound(((REQUEST, APPROVE),))),
    ("a 👍 on an alert", "👍", (ALERT_1, ALERT_2), ALERT_2, {}, Bound(((ALERT_2, ACK),))),
    ("a 👎 on an alert: an alert cannot be refused", "👎", (ALERT_1,), ALERT_1, {}, Unbound("not_applicable")),
    ("a ref the replier was not sent: what it names (the dispatcher judges)", "JA eeee5555", (), None,
     {"eeee5555": (OTHERS,)}, Bound(((OTHERS, APPROVE),))),
    ("a ref that names nothing", "JA 0f0f0f0f", (ALERT_1,), None, {}, Unbound("unknown_ref")),
    ("a stop is no answer", "STOP", (ALERT_1,), None, {}, Unbound("not_applicable")),
]


@pytest.mark.parametrize(("text", "own", "replied_to", "by_ref", "expected"), [b[1:] for b in BINDING],
                         ids=[b[0] for b in BINDING])
def test_a_reply_is_bound_to_the_message_it_answers(
    text: str, own: tuple[Pending, ...], replied_to: Pending | None, by_ref: dict[str, tuple[Pending, ...]],
    expected: object,
) -> None:
    assert bind(parse(text), Context(pending=own, replied_to=replied_to, by_ref=by_ref)) == expected


# -- what the replier is told ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "member_language", "language"), [
    ("OK", "fr", "fr"),
    ("OK", None, "nl"),
    ("oui", None, "fr"),
    ("NON", None, "fr"),
    ("yes", None, "en"),
    ("Nein", None, "de"),
    ("stopp", None, "de"),
    ("JA", "de", "de"),
])
def test_the_answer_is_in_the_members_language_else_the_commands(
    text: str, member_language: str | None, language: str
) -> None:
    assert language_of(text, member_language) == language


@pytest.mark.parametrize("language", ["nl", "fr", "en", "de"])
def test_the_texts_fit_one_sms_and_name_the_refs(language: str) -> None:
    from binrelay_shared.sms_segments import sms_size

    question = ask_text(language, ("aaaa1111", "bbbb2222"), YES)
    assert "Ref aaaa1111" in question and "Ref bbbb2222" in question and "OK aaaa1111" in question
    for text in (help_text(language), stopped_text(language), question):
        size = sms_size(text)
        assert size.segments <= 2, (language, text)
        assert size.encoding == "gsm7", (language, text)
