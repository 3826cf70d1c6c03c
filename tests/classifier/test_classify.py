"""The classifier's pure function: urgency, category, language, flags, signals."""

from __future__ import annotations

import pytest

from binrelay_classifier.classify import classify_batch, classify_report, classify_text
from binrelay_shared.events import (
    Attachment,
    Category,
    Flag,
    Kind,
    Origin,
    Report,
    Reporter,
    Urgency,
)

U, N = Urgency.urgent, Urgency.non_urgent


@pytest.mark.parametrize(
    ("text", "urgency", "category"),
    [
        # in progress, per language
        ("Er wordt nu ingebroken bij de buren, ik zie een zaklamp binnen", U, Category.burglary),
        ("Cambriolage en cours chez le voisin, ils sont encore dans la maison", U, Category.burglary),
        ("Someone is breaking into the house next door right now", U, Category.burglary),
        ("Gerade wird beim Nachbarn eingebrochen", U, Category.burglary),
        # past tense
        ("Gisteren is er ingebroken in de Meudonstraat", N, Category.burglary),
        ("Hier soir cambriolage rue du Muguet, plainte déposée", N, Category.burglary),
        ("We were burgled last week while on holiday", N, Category.burglary),
        # no longer there
        ("De verdachte man is niet meer daar, hij is weg", N, Category.suspicious_activity),
        ("La voiture suspecte n'est plus là", N, Category.suspicious_vehicle),
        ("The suspicious van is no longer there", N, Category.suspicious_vehicle),
        # questions and prevention tips
        ("Weet iemand of er vorige week nog inbraken waren?", N, Category.burglary),
        ("Conseil : fermez vos fenêtres, les cambrioleurs profitent des vacances", N, Category.burglary),
        ("Reminder: test your smoke alarms before winter", N, Category.fire_or_hazard),
        # danger, fire, missing
        ("Rook uit het dak van nummer 4!", U, Category.fire_or_hazard),
        ("Forte odeur de gaz dans la cage d'escalier", U, Category.fire_or_hazard),
        ("My 6 year old son is missing, he was playing outside", U, Category.missing_person),
        ("Bagarre devant le café, un homme saigne", U, Category.robbery_or_violence),
        # SMS style, typos, mixed languages
        ("y a qqn ki essaie de rentrer chez le voisin la mtn", U, Category.burglary),
        ("break in rn next door!! they r inside", U, Category.burglary),
        ("Inbraak bezig at my neighbour's, they're inside right now", U, Category.burglary),
        # a past event, then something happening now
        ("Gisteren werd er ingebroken op nr 3 en nu staat dezelfde auto weer in de straat", U,
         Category.burglary),
        ("The suspicious car from last week is back and parked outside the school now", U,
         Category.suspicious_vehicle),
        # present-tense crime verbs, missing people with a dated disappearance
        ("Een man steelt een fiets aan het station", U, Category.theft),
        ("Ma grand-mère a disparu depuis ce matin, elle est désorientée", U, Category.missing_person),
        ("Het vermiste meisje van gisteren is teruggevonden", N, Category.missing_person),
        # other categories
        ("Mijn fiets is gestolen aan het station", N, Category.theft),
        ("Attention aux faux SMS de la banque avec un lien", N, Category.fraud),
        ("Graffiti sprayed on the church wall overnight", N, Category.vandalism),
        ("Elke avond wordt er gedeald aan het park", N, Category.drugs),
        ("Invitation: neighbourhood meeting next Tuesday at 8pm", N, Category.other),
    ],
)
def test_urgency_and_category(text: str, urgency: Urgency, category: Category) -> None:
    """Given a member's report (tense, negation, question, tip, SMS style or mixed language),
    When it is classified,
    Then urgency and category are the expected ones and the verdict is marked computed."""
    verdict = classify_text(text)
    assert (verdict.urgency, verdict.category) == (urgency, category), verdict.signals
    assert verdict.computed
    assert 0.0 <= verdict.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Er loopt een verdachte man rond in de straat", "nl"),
        ("Un homme suspect rôde dans la rue", "fr"),
        ("A suspicious man is walking around the street", "en"),
        ("Ein verdächtiger Mann läuft durch die Straße", "de"),
        ("qqn rode dans la rue ya 5 min", "fr"),
    ],
)
def test_language_is_detected_offline(text: str, language: str) -> None:
    """Given a report in one of the four languages, with or without accents,
    When it is classified without a hint,
    Then the detected language is right."""
    assert classify_text(text).language == language


def test_language_hint_wins_for_short_texts() -> None:
    """Given a very short text and a hint,
    When it is classified,
    Then the hint is kept (too little text to overrule the reporter's language)."""
    assert classify_text("112!!", lang_hint="fr").language == "fr"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Als we hem nog eens zien pakken we hem zelf, wie gaat mee?", Flag.vigilante),
        ("On va le choper ce voleur et lui donner une leçon", Flag.vigilante),
        ("Let's get him and teach him a lesson, who's in?", Flag.vigilante),
        ("Stem zondag op Vlaams Belang, dan is het gedaan met de inbraken", Flag.political),
        ("Votez Ecolo aux élections pour un quartier plus sûr", Flag.political),
        ("Er lopen weer Roemenen in de straat, opletten!", Flag.discriminatory),
        ("Encore des gitans dans le quartier, ces gens n'ont rien à faire ici", Flag.discriminatory),
        ("Here's a photo of the thief and his licence plate, please share", Flag.personal_data),
        ("Zijn nummerplaat is 1-ABC-234, ik deel de foto hieronder", Flag.personal_data),
        ("Il s'appelle comme le fils du boulanger, voici sa photo", Flag.personal_data),
        ("Ik heb een foto van zijn nummerplaat, wie wil hem?", Flag.personal_data),
        ("We moeten 's nachts zelf patrouilleren met een paar buren", Flag.vigilante),
        ("On devrait organiser des rondes de nuit entre voisins", Flag.vigilante),
        ("If I see him again I'll beat him up", Flag.vigilante),
    ],
)
def test_policy_flags(text: str, flag: Flag) -> None:
    """Given a report calling to take the law into one's own hands, party-political content,
    suspicion based on origin, or an intent to share a photo, plate or name,
    When it is classified,
    Then the matching policy flag is raised."""
    assert flag in classify_text(text).flags


@pytest.mark.parametrize(
    "text",
    [
        "Twee mannen proberen de deurklinken van geparkeerde auto's, nu in de Meibloemstraat",
        "Someone is trying car doors on Marlylaan right now",
        "De politie achtervolgt een auto in de straat",
        "Mijn auto is gisteren opengebroken, aangifte gedaan",
        "Witte bestelwagen zonder nummerplaat rijdt stapvoets rond",
        "White van with no plates circling the block",
        "Man met honkbalknuppel bedreigt de uitbater, ik sta aan de overkant",
        "Noticed this morning my number plate is gone, probably stolen overnight",
        "The girl has been found safe, thanks everyone for sharing",
        "BEL 101!!! er zijn mannen bij nr 23 binnen",
    ],
)
def test_no_flag_on_plain_reports(text: str) -> None:
    """Given an ordinary report describing behaviour (no call to act, no politics, no origin, no plate),
    When it is classified,
    Then no policy flag is raised."""
    assert classify_text(text).flags == ()


@pytest.mark.parametrize(
    ("origin", "kind", "urgency"),
    [
        (Origin.police, Kind.alarm, U),
        (Origin.police, Kind.prevention, N),
        (Origin.police, Kind.feedback, N),
        (Origin.police, Kind.request_for_information, N),
        (Origin.coordinator, Kind.closing, N),
        (Origin.coordinator, Kind.alarm, U),
    ],
)
def test_police_and_coordinator_keep_their_kind(origin: Origin, kind: Kind, urgency: Urgency) -> None:
    """Given a police or coordinator message posted with a kind,
    When it is classified (whatever its wording),
    Then its urgency follows the kind and the signals say so."""
    text = "Gisteren werd een grijze bestelwagen gezien in de wijk. Wees waakzaam."
    verdict = classify_text(text, origin=origin, kind=kind)
    assert verdict.urgency is urgency
    assert f"kind:{origin.value}:{kind.value}" in verdict.signals


def test_signals_are_stable_ids_without_personal_data() -> None:
    """Given a report containing a plate and a name,
    When it is classified,
    Then the signals name lexicon entries and rules, never the plate or the name."""
    verdict = classify_text("Inbraak bezig! Jan Peeters zag de dader wegrijden met plaat 1-XYZ-987")
    joined = " ".join(verdict.signals)
    assert "urgent:progress:nl:bezig" in verdict.signals
    assert "1-XYZ-987" not in joined and "Peeters" not in joined
    assert all(":" in s for s in verdict.signals)


def _report(text: str, **extra: object) -> Report:
    return Report(text=text, reporter=Reporter(ref="member-1"), **extra)  # type: ignore[arg-type]


def test_classify_report_uses_hint_and_image_attachments() -> None:
    """Given a report with a language hint and a photo attached,
    When classify_report runs,
    Then the verdict keeps the hint and flags personal data (a photo may show a face or a plate)."""
    report = _report(
        "Verdachte man aan de deur",
        language_hint="nl",
        attachments=(Attachment(ref="a1", content_type="image/jpeg", size=10),),
    )
    verdict = classify_report(report)
    assert verdict.language == "nl"
    assert Flag.personal_data in verdict.flags


def test_classify_batch_keeps_order() -> None:
    """Given several reports,
    When classify_batch runs,
    Then there is one verdict per report, in the same order."""
    reports = [
        _report("Brand in de keuken van de buren!"),
        _report("Mijn fiets werd vorige week gestolen"),
        _report("Someone is breaking in next door right now"),
    ]
    verdicts = classify_batch(reports)
    assert [v.category for v in verdicts] == [Category.fire_or_hazard, Category.theft, Category.burglary]
    assert [v.urgency for v in verdicts] == [U, N, U]
