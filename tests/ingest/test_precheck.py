"""The cheap urgency pre-check and the reporter's advice (pure)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binrelay_ingest.precheck import ADVICE, advice_language, guess_language, precheck

URGENT = [
    "Er wordt nu ingebroken bij mijn buren",
    "Twee mannen zijn aan het inbreken in een auto",
    "Brand in de kelder van nummer 12",
    "Man met een mes op het plein",
    "Un cambriolage est en cours rue Lebeau",
    "Ils sont en train de forcer la porte",
    "Au secours, un homme blessé",
    "Someone is breaking into the shop right now",
    "There is a fire in the building",
    "Man with a knife near the church",
    "Jemand bricht gerade ein",
    "Feuer im Keller, Hilfe",
    "HELP ER IS IEMAND IN MIJN TUIN",
]
CALM = [
    "Vorige week werd mijn fiets gestolen",
    "Graffiti op de muur van de school sinds maandag",
    "La semaine dernière, un vélo a été volé",
    "Last week a bicycle was stolen from the rack",
    "Letzte Woche wurde ein Fahrrad gestohlen",
]


@pytest.mark.parametrize("text", URGENT)
def test_possibly_urgent_reports_are_caught_in_four_languages(text: str) -> None:
    """Given reports with danger words or 'happening now' cues in nl, fr, en or de,
    when pre-checked,
    then each is possibly urgent."""
    assert precheck(text).possibly_urgent


@pytest.mark.parametrize("text", CALM)
def test_calm_reports_about_the_past_are_not_flagged(text: str) -> None:
    """Given reports about something past and harmless,
    when pre-checked,
    then none is flagged (the advice stays meaningful)."""
    assert not precheck(text).possibly_urgent


def test_the_advice_names_101_and_112_in_every_language() -> None:
    """Given the advice texts,
    when read,
    then each of nl, fr, en, de says 101 and 112."""
    assert set(ADVICE) == {"nl", "fr", "en", "de"}
    for text in ADVICE.values():
        assert "101" in text and "112" in text


def test_the_advice_language_prefers_the_reporter_then_the_text_then_the_network() -> None:
    """Given a reporter's language, a hint, the text and the network's languages,
    when the advice language is chosen,
    then the first explicit one wins, else the text's language, else the network's first."""
    assert advice_language("de", "fr", text="Er is brand") == "de"
    assert advice_language(None, None, text="Il y a le feu dans la rue") == "fr"
    assert advice_language(None, None, text="!!!", network_languages=("fr", "nl")) == "fr"
    assert advice_language(None, None, text="") == "nl"
    assert guess_language("The man is in the street") == "en"


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_the_precheck_is_total(text: str) -> None:
    """Given any text,
    when pre-checked,
    then it answers without raising, and only with cue kinds (never the text)."""
    verdict = precheck(text)
    assert set(verdict.cues) <= {"danger", "now", "shouting"}
    assert verdict.possibly_urgent == bool(verdict.cues)
