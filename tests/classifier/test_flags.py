"""Policy flags beyond the lexicon's literal phrases: paraphrases, other persons and tenses, plurals,
their look-alikes, the labelled flags set's floors, and the rule that a flag never lowers urgency.

The sentences below are written for these tests (fictitious, not copied from the labelled set).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from binrelay_classifier.classify import classify_text
from binrelay_classifier.evaluate import evaluate_flags, load
from binrelay_shared.events import Flag, Urgency

FLAGS_FILE = Path(__file__).resolve().parents[1] / "data" / "flags_labelled.jsonl"
POLICY = {Flag.vigilante, Flag.discriminatory, Flag.political}


@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        # vigilante: a call or plan to act against someone, in other words, persons and tenses
        ("nl", "Als die kerel nog eens komt, geven we hem samen een pak slaag.", Flag.vigilante),
        ("nl", "Wij hebben die dief vorig jaar ook al afgetuigd, dat helpt.", Flag.vigilante),
        ("fr", "La prochaine fois, on lui fera passer l'envie de revenir.", Flag.vigilante),
        ("fr", "On devrait les attraper nous-mêmes à la sortie du parc.", Flag.vigilante),
        ("en", "Next time he shows up we'll give him a hiding.", Flag.vigilante),
        ("en", "A few of us should grab him ourselves before the police even arrive.", Flag.vigilante),
        ("de", "Beim nächsten Mal kriegt der von uns eine Abreibung.", Flag.vigilante),
        ("de", "Wir sollten die Kerle selber fangen, die Polizei kommt eh zu spät.", Flag.vigilante),
        # discriminatory: a group named by origin, in the plural, generalised or as the news
        ("nl", "Het zijn altijd de Albanezen, dat weet toch iedereen.", Flag.discriminatory),
        ("fr", "Les Roumains, tous des voleurs, faut arrêter de se voiler la face.", Flag.discriminatory),
        ("en", "It's always the Romanians, you know what they're like.", Flag.discriminatory),
        ("de", "Die Rumänen sind alle gleich, immer die gleiche Masche.", Flag.discriminatory),
        # political: campaigning, not the mere mention of an election
        ("nl", "Steun lijst 7 bij de gemeenteraadsverkiezingen, zij willen meer camera's.", Flag.political),
        ("fr", "Ne votez pas pour eux, votez pour notre liste en octobre !", Flag.political),
        ("en", "Vote them out in October, they've done nothing for our street.", Flag.political),
        ("de", "Wählt sie ab! Die Partei des Schöffen hat nichts getan.", Flag.political),
    ],
)
def test_paraphrases_raise_their_flag(lang: str, text: str, flag: Flag) -> None:
    """Given a report saying a flagged thing in other words than the lexicon's phrases,
    When it is classified,
    Then that flag is raised (and no other policy flag)."""
    flags = set(classify_text(text, lang_hint=lang).flags)  # type: ignore[arg-type]
    assert flag in flags
    assert flags & POLICY == {flag}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # police act, members describe, call 101, keep watch
        ("nl", "De politie heeft de jongens aan het station kunnen vangen, dank aan wie belde."),
        ("nl", "We pakken de zwerfvuilhoek bij de school samen aan zaterdag."),
        ("nl", "Een Bulgaarse vrachtwagen staat al de hele dag op de stoep."),
        ("fr", "On va coincer la porte du garage avec une cale, elle claque."),
        ("fr", "Deux hommes en survêtement gris, plaques bulgares, sont repartis vers la chaussée."),
        ("fr", "Les élections communales auront lieu en octobre, l'école sera fermée ce jour-là."),
        ("en", "Can we get him to look at the broken gate? He's the caretaker."),
        ("en", "We'll keep an eye out tonight and call 101 if they come back."),
        ("en", "Our Romanian neighbour saw the man climb the fence and called the police."),
        ("de", "Wir halten die Augen offen und rufen die 101, wenn sie wiederkommen."),
        ("de", "Wählt im Notfall sofort die 112, nicht erst die Gruppe."),
        ("de", "Ein Mann mit bulgarischem Kennzeichen fragte nach dem Weg zum Bahnhof."),
    ],
)
def test_look_alikes_raise_no_policy_flag(lang: str, text: str) -> None:
    """Given a report that looks like a flagged one (police catching someone, a nationality in a
    description, an election as a date, "dial 112", a phrasal "tackle" or "get him to"),
    When it is classified,
    Then no policy flag is raised."""
    assert set(classify_text(text, lang_hint=lang).flags) & POLICY == set()  # type: ignore[arg-type]


def test_an_exception_cue_leaves_no_signal() -> None:
    """Given a text whose vigilante-looking phrase is hidden by a weight-0 exception ("we pakken het
    probleem aan") and which is flagged for another reason,
    When it is classified,
    Then the exception is not among the signals."""
    verdict = classify_text("We pakken het probleem aan: burgerwacht vanaf morgen!", lang_hint="nl")
    assert Flag.vigilante in verdict.flags
    assert not any("we pakken het" in s for s in verdict.signals)


URGENT_BASE = {
    "nl": "Er wordt nu ingebroken bij de juwelier aan de Grote Zavel, ik zie twee mannen binnen met zaklampen!",
    "fr": "Cambriolage en cours à la bijouterie place du Grand Sablon, deux hommes à l'intérieur avec des lampes !",
    "en": "Burglary in progress at the jeweller's on the Grand Sablon, two men inside with torches!",
    "de": "Gerade wird beim Juwelier am Grote Zavel eingebrochen, zwei Männer mit Taschenlampen drin!",
}


@pytest.mark.parametrize(
    ("lang", "call"),
    [
        ("nl", "De buren regelen dit zelf, we gaan hem opwachten."),
        ("nl", "Wie gaat mee? We houden hem morgen zelf vast als hij terugkomt."),
        ("fr", "Les voisins vont s'en occuper, on va le choper à la sortie."),
        ("fr", "Qui vient ? On les attrapera nous-mêmes demain s'il le faut."),
        ("en", "The neighbours will deal with him ourselves, let's get him when he comes out."),
        ("en", "Who's in? We'll grab him ourselves tomorrow if needed."),
        ("de", "Die Nachbarn regeln das selbst, wir schnappen ihn, wenn er rauskommt."),
        ("de", "Wer kommt mit? Wir halten ihn morgen selbst fest."),
    ],
)
def test_a_flag_never_lowers_urgency(lang: str, call: str) -> None:
    """Given an urgent burglary in progress,
    When the same text also says the neighbours will deal with the burglar themselves (even
    "tomorrow", even as a question),
    Then it is flagged vigilante and stays urgent."""
    alone = classify_text(URGENT_BASE[lang], lang_hint=lang)  # type: ignore[arg-type]
    both = classify_text(f"{URGENT_BASE[lang]} {call}", lang_hint=lang)  # type: ignore[arg-type]
    assert alone.urgency is Urgency.urgent
    assert Flag.vigilante in both.flags
    assert both.urgency is Urgency.urgent


def test_labelled_urgent_flagged_reports_stay_urgent() -> None:
    """Given every line of the labelled flags set marked urgent (dev and holdout),
    When it is classified,
    Then it is urgent, whatever flag it raises."""
    with FLAGS_FILE.open(encoding="utf-8") as handle:
        urgent = [r for r in load(handle) if r.urgency == Urgency.urgent.value]
    assert len(urgent) >= 12
    given = [classify_text(r.text, lang_hint=r.lang).urgency for r in urgent]  # type: ignore[arg-type]
    assert given == [Urgency.urgent] * len(urgent)


def test_flags_set_shape() -> None:
    """Given the labelled flags set,
    When its lines are counted,
    Then it has at least 150 flagged and 150 unflagged texts, all four languages, each policy
    flag in each language in both splits, and no text twice."""
    with FLAGS_FILE.open(encoding="utf-8") as handle:
        rows = load(handle)
    assert sum(1 for r in rows if r.flags) >= 150
    assert sum(1 for r in rows if r.flags == ()) >= 150
    assert len({r.text for r in rows}) == len(rows)
    for split in ("dev", "holdout"):
        with FLAGS_FILE.open(encoding="utf-8") as handle:
            part = load(handle, split=split)
        for lang in ("nl", "fr", "en", "de"):
            for flag in POLICY:
                assert any(r.lang == lang and flag.value in (r.flags or ()) for r in part), (split, lang, flag)


# Floors from the figures measured with the engine of this change (README, "Policy flags"): recall at
# the measured value rounded down, precision a little below the measured 1.000 (one false flag in a
# language's slice still passes, two do not). (split, slice) -> flag -> (precision, recall)
_V, _D, _P = Flag.vigilante.value, Flag.discriminatory.value, Flag.political.value
FLOORS: dict[tuple[str, str], dict[str, tuple[float, float]]] = {
    ("holdout", "all"): {_V: (0.92, 0.89), _D: (0.92, 0.87), _P: (0.92, 0.79)},
    ("holdout", "nl"): {_V: (0.85, 0.85), _D: (0.83, 0.83), _P: (0.83, 0.83)},
    ("holdout", "fr"): {_V: (0.85, 0.85), _D: (0.83, 0.83), _P: (0.80, 0.66)},
    ("holdout", "en"): {_V: (0.85, 0.85), _D: (0.85, 1.00), _P: (0.85, 1.00)},
    ("holdout", "de"): {_V: (0.87, 1.00), _D: (0.83, 0.83), _P: (0.80, 0.66)},
    ("dev", "all"): {_V: (0.93, 0.96), _D: (0.92, 0.89), _P: (0.92, 0.91)},
}


@pytest.mark.parametrize(("split", "name"), sorted(FLOORS))
def test_flags_set_meets_the_floors(split: str, name: str) -> None:
    """Given one split of the labelled flags set,
    When it is evaluated,
    Then each policy flag's precision and recall, overall and per language, are at least the
    floors measured when the rules were last changed."""
    with FLAGS_FILE.open(encoding="utf-8") as handle:
        reports = {r.name: r for r in evaluate_flags(load(handle, split=split))}
    for flag, (precision, recall) in FLOORS[(split, name)].items():
        score = reports[name].score(flag)
        assert score.precision >= precision, (split, name, flag, score)
        assert score.recall >= recall, (split, name, flag, score)
