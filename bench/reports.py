"""Realistic benchmark reports: nl/fr/en/de, ~10% urgent, with personal data to redact."""

from __future__ import annotations

import random

from binrelay_shared.codec import encode
from binrelay_shared.events import Location, Report, Reporter, ReportReceived, Stamps, new_id, utcnow

URGENT = [
    ("nl", "Inbraak bezig in {street} {nr}! Dader is nog binnen, wagen {plate} staat voor de deur."),
    ("fr", "Cambriolage en cours {street} {nr}, deux hommes, voiture {plate}. Appelez-moi au {phone}."),
    ("en", "Break-in happening right now at {street} {nr}, the man is still inside. Car {plate}."),
    ("de", "Einbruch gerade jetzt in {street} {nr}, Täter ist noch da, Auto {plate}."),
]
CALM = [
    ("nl", "Gisteren is een fiets gestolen aan {street}. Wie iets zag mag {name} bellen op {phone}."),
    ("nl", "Tip van de wijkagent: sluit je tuinhuis af. Meer info via {email}."),
    ("fr", "La semaine passée, tentative d'escroquerie au faux agent {street}. Mon numéro: {phone}."),
    ("fr", "Voiture suspecte {plate} garée depuis trois jours {street} {nr}, plus là ce matin."),
    ("en", "Last week someone tried the change-giving trick in the shop at {street}. Contact {email}."),
    ("en", "Question: is there a new prevention leaflet about phishing? IBAN {iban} was used in a scam."),
    ("de", "Letzte Woche wurde an der {street} ein Fahrrad gestohlen."),
]
STREETS = [
    ("zavel", "Grote Zavel"),
    ("zavel", "Rue de la Régence"),
    ("kastelein", "Place du Châtelain"),
    ("kastelein", "Baljuwstraat"),
    ("meudon", "Meudonstraat"),
    ("meudon", "Chaussée de Vilvorde"),
]


def make_report(rng: random.Random, urgent: bool) -> tuple[str, bytes, str | None]:
    """(report_id, encoded ReportReceived, network) — received stamp set now."""
    lang, template = rng.choice(URGENT if urgent else CALM)
    network, street = rng.choice(STREETS)
    text = template.format(
        street=street,
        nr=rng.randint(1, 120),
        plate=f"1-{''.join(rng.choices('ABCDEFGHJKLMNPRSTVWXYZ', k=3))}-{rng.randint(100, 999)}",
        phone=f"+32 470 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        name="Jan Voorbeeld",
        email=f"lid{rng.randint(1, 999)}@example.org",
        iban="BE71 0961 2345 6769",
    )
    report_id = new_id()
    event = ReportReceived(
        report_id=report_id,
        network_id=network,
        zone_id="5339",
        trace_id=new_id(),
        stamps=Stamps(received=utcnow()),
        possibly_urgent=urgent,  # what ingest's pre-check sets for such reports
        report=Report(
            text=text,
            reporter=Reporter(ref=f"bench-{rng.randint(1, 5000)}", language=lang),
            location=Location(street=street),
            language_hint=lang,
        ),
    )
    return report_id, encode(event), network
