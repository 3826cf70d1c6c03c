"""E-mail replies, the pure part: the replier's own lines, the command read, our Message-IDs named."""

from __future__ import annotations

import pytest

from binrelay_ingest.adapters import reply_rules as rules
from binrelay_ingest.adapters.mail_reply import (
    command_text,
    fresh_text,
    is_automatic,
    message_ids,
    subject_refs,
)
from binrelay_shared.replies import mail_key

ORIGINAL = ("Politie Meudon: dader gevat, bedankt voor de meldingen.\n"
            "Antwoord JA om te versturen, NEE om te weigeren. Ref 1a2b3c4d")
QUOTED = "\n".join(f"> {line}" for line in ORIGINAL.splitlines())


@pytest.mark.parametrize(("body", "own"), [
    # Gmail, en, top posting (its attribution wrapped over two lines)
    (f"JA\n\nOn Tue, Jan 13, 2026 at 2:00 PM BIN Relay <relay@binrelay.test>\nwrote:\n\n{QUOTED}\n", "JA"),
    # Gmail nl
    (f"NEE want te vroeg\n\nOp di 13 jan 2026 om 14:00 schreef BIN Relay <relay@binrelay.test>:\n{QUOTED}\n",
     "NEE want te vroeg"),
    # Thunderbird / Gmail fr
    (f"Oui\n\nLe 13/01/2026 à 14:00, BIN Relay a écrit :\n{QUOTED}", "Oui"),
    # Apple Mail de, and nl's "het volgende geschreven"
    (f"Ja, gerne.\n\nAm 13.01.2026 um 14:00 schrieb BIN Relay <relay@binrelay.test>:\n\n{QUOTED}", "Ja, gerne."),
    (f"Ja\n\nOp 13 jan. 2026, om 14:00 heeft BIN Relay het volgende geschreven:\n\n{QUOTED}", "Ja"),
    # Outlook: header block and the original unquoted below it (nl, fr, en, de)
    (f"JA\n\nVan: BIN Relay <relay@binrelay.test>\nVerzonden: dinsdag 13 januari 2026 14:00\n"
     f"Aan: coord@example.org\n\n{ORIGINAL}", "JA"),
    (f"OUI\n\nDe : BIN Relay\nEnvoyé : mardi 13 janvier 2026 14:00\n\n{ORIGINAL}", "OUI"),
    (f"Yes\n\n-----Original Message-----\nFrom: BIN Relay\nSent: Tuesday\n\n{ORIGINAL}", "Yes"),
    (f"Nein, zu früh\n\n________________________________\nVon: BIN Relay\nGesendet: Dienstag\n\n{ORIGINAL}",
     "Nein, zu früh"),
    # bottom posting: the attribution and the quote dropped, what follows kept
    (f"On 13 Jan 2026, at 14:00, BIN Relay wrote:\n{QUOTED}\n\nNEE, niet voor de groep\n", "NEE, niet voor de groep"),
    # signature and "sent from my phone"
    ("JA\n\nVerzonden vanaf mijn iPhone\n", "JA"),
    ("JA\n-- \nAn Voorbeeld\nCoördinator", "JA"),
])
def test_fresh_text_keeps_only_the_repliers_own_lines(body: str, own: str) -> None:
    """Given a reply as the mail clients of nl/fr/en/de write it, then only the replier's lines
    remain: never the quoted original (which says "JA ... NEE" itself)."""
    assert fresh_text(body) == own


def test_a_reply_quoting_the_whole_original_reads_as_its_own_first_paragraph() -> None:
    """Given "Ja" quoting the whole request, whose text holds "JA", "NEE" and a ref,
    then the command is a yes with no ref of its own; and "NEE want ..." keeps its reason."""
    assert rules.parse(command_text("Re: Bericht", f"Ja\n\n{QUOTED}")) == rules.Reply(rules.Command.yes, (), None, 1)
    no = rules.parse(command_text("Re: Bericht", f"NEE want dit is niet voor iedereen\n\nGroet,\nAn\n\n{QUOTED}"))
    assert (no.command, no.reason) == (rules.Command.no, "want dit is niet voor iedereen")


def test_the_subjects_ref_is_read_when_the_body_names_none() -> None:
    """Given a reply whose subject keeps "[Ref 1a2b3c4d]", then the command carries that ref;
    a ref in the body wins over the subject's."""
    assert subject_refs("Re: AW: Bericht [Ref 1A2B3C4D]") == ("1a2b3c4d",)
    assert rules.parse(command_text("Re: Bericht [Ref 1a2b3c4d]", "oui")).refs == ("1a2b3c4d",)
    assert rules.parse(command_text("Re: Bericht [Ref 1a2b3c4d]", "OK 99aa88bb")).refs == ("99aa88bb",)


def test_a_salutation_is_skipped_and_a_report_is_no_command() -> None:
    """Given "Bonjour," on a line of its own, then the next paragraph is read; a text that says
    something else is no command."""
    assert rules.parse(command_text("Re: x", "Bonjour,\n\nOUI\n\nCordialement")).command is rules.Command.yes
    text = command_text("Re: x", "Ja, er staat weer een witte wagen in de straat sinds vanmorgen.")
    assert rules.parse(text).command is None and rules.reads_as_report(text, rules.parse(text))


def test_message_ids_in_reply_to_first_then_references_newest_first() -> None:
    ids = message_ids("<c@x>", "<a@x> <b@x>\n <c@x>")
    assert ids == ("<c@x>", "<b@x>", "<a@x>")
    assert message_ids(None, None) == ()
    assert mail_key("<ABC@binrelay>") == mail_key(" abc@binrelay ")


@pytest.mark.parametrize(("headers", "sender", "automatic"), [
    ({}, "a@example.org", False),
    ({"auto-submitted": "no"}, "a@example.org", False),
    ({"auto-submitted": "auto-replied"}, "a@example.org", True),
    ({"precedence": "bulk"}, "a@example.org", True),
    ({"x-autoreply": "yes"}, "a@example.org", True),
    ({}, "", True),  # a bounce
])
def test_mails_no_one_typed_are_recognised(headers: dict[str, str], sender: str, automatic: bool) -> None:
    assert is_automatic(headers, sender) is automatic
