"""Ingest's quick pre-check: may this report be urgent? And the advice the reporter gets then.

Recall before precision: a false "maybe urgent" costs the reporter one line of advice ("this is
not an emergency service: call 101, or 112 if lives are at risk"); a missed one may cost more.
So the check fires on danger words (weapon, fire, injured, help, ...) and on *now* cues (tense
and time words: "is bezig", "en train de", "right now", "gerade") in Dutch, French, English and
German. It is a few set look-ups per report; the classifier service does the real classification.

The text is never logged or returned: only the boolean and the matched cue *kinds*.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from binrelay_shared.events import Language

# Single words (folded: lower case, no accents). Prefix match for words ending in "*".
_DANGER = {
    # nl
    "help", "hulp", "brand", "vuur", "rook", "wapen", "wapens", "mes", "messen", "pistool", "geweer",
    "gewond", "gewonde", "bloed", "bloedt", "bewusteloos", "overval", "overvallen", "gijzeling",
    "agressie", "agressief", "vechtpartij", "vechten", "slaat", "slaan", "geslagen", "steekpartij",
    "neergestoken", "schiet", "schieten", "schoten", "ontvoering", "ontvoerd", "bedreigt", "bedreiging",
    "inbreker", "inbrekers", "inbraak", "explosie", "gaslek", "vermist", "vermiste", "noodgeval",
    # fr
    "secours", "aide", "aidez", "feu", "incendie", "fumee", "arme", "armes", "couteau", "pistolet",
    "fusil", "blesse", "blessee", "blesses", "sang", "saigne", "inconscient", "braquage", "agression",
    "agresse", "agressee", "bagarre", "frappe", "frappent", "poignarde", "tire", "tirs", "coups",
    "enlevement", "enleve", "menace", "menacent", "cambrioleur", "cambrioleurs", "cambriolage",
    "explosion", "fuite", "disparu", "disparue", "urgence", "urgent",
    # en
    "fire", "smoke", "weapon", "knife", "gun", "guns", "shot", "shots", "shooting", "injured", "hurt",
    "bleeding", "blood", "unconscious", "robbery", "mugging", "assault", "attack", "attacking",
    "fight", "fighting", "stabbed", "kidnapped", "threatening", "burglar", "burglars", "burglary",
    "intruder", "missing", "emergency",
    # de
    "hilfe", "feuer", "rauch", "waffe", "messer", "pistole", "verletzt", "verletzte", "blut",
    "bewusstlos", "uberfall", "angriff", "schlagerei", "schlagt", "erstochen", "schusse", "entfuhrt",
    "bedroht", "einbrecher", "einbruch", "vermisst", "notfall",
}  # fmt: skip
_NOW_WORDS = {
    # nl
    "nu", "nou", "momenteel", "bezig", "net", "zonet", "juist", "binnen", "achtervolgt", "vlucht",
    "vluchten", "dringend",
    # fr
    "maintenant", "actuellement", "immediatement", "vite", "fuient", "fuit", "poursuit",
    # en
    "now", "currently", "ongoing", "happening", "inside", "fleeing", "urgent", "quick", "hurry",
    # de
    "jetzt", "gerade", "momentan", "sofort", "schnell", "flieht", "fliehen", "drinnen",
}  # fmt: skip
_NOW_PHRASES = (
    # nl: "is aan het", "zijn aan het inbreken", "op dit moment", "op heterdaad"
    r"\b(?:is|zijn|ben) (?:\w+ )?aan het\b", r"\bop dit (?:moment|ogenblik)\b", r"\bop heterdaad\b",
    r"\bnog (?:steeds|altijd) (?:bezig|daar|hier|binnen)\b", r"\bop dit eigenste\b",
    # fr: "en train de", "en ce moment", "en cours", "sur le fait"
    r"\ben train d\b", r"\ben train de\b", r"\ben ce moment\b", r"\ben cours\b", r"\bsur le fait\b",
    r"\btoujours (?:la|sur place|dedans)\b", r"\bau moment ou\b",
    # en: "is breaking", "are trying", "right now", "at the moment", "still there"
    r"\b(?:is|are|am) (?:\w+ )?\w+ing\b", r"\bright now\b", r"\bat the moment\b", r"\bas we speak\b",
    r"\bstill (?:there|here|inside)\b", r"\bin progress\b",
    # de: "im moment", "in diesem moment", "noch da"
    r"\bim moment\b", r"\bin diesem (?:moment|augenblick)\b", r"\bnoch (?:da|drinnen|immer)\b",
    r"\bauf frischer tat\b",
)  # fmt: skip
_DANGER_PHRASES = (
    r"\b112\b", r"\b101\b", r"\bau secours\b", r"\bhelp me\b", r"\bhelp mij\b", r"\bhelp ons\b",
    r"\bbreaking in\b", r"\bbreken in\b", r"\bbreekt in\b", r"\bpolitie bellen\b", r"\bappeler la police\b",
)  # fmt: skip
_NOW_RE = re.compile("|".join(_NOW_PHRASES))
_DANGER_RE = re.compile("|".join(_DANGER_PHRASES))
_WORD = re.compile(r"[a-z0-9]+")
_EXCLAIM = re.compile(r"!{2,}")


@dataclass(frozen=True, slots=True)
class Precheck:
    """The pre-check's verdict: ``possibly_urgent`` and the kinds of cue that fired."""

    possibly_urgent: bool
    cues: tuple[str, ...] = ()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace("'", " ").replace("’", " ")


def precheck(text: str) -> Precheck:
    """Cheap, recall-oriented urgency pre-check (danger words or "happening now" cues)."""
    folded = _fold(text[:5000])
    words = set(_WORD.findall(folded))
    cues: list[str] = []
    if words & _DANGER or _DANGER_RE.search(folded):
        cues.append("danger")
    if words & _NOW_WORDS or _NOW_RE.search(folded):
        cues.append("now")
    if _EXCLAIM.search(text) or (len(text) >= 12 and sum(c.isupper() for c in text) > 0.6 * len(text)):
        cues.append("shouting")
    return Precheck(possibly_urgent=bool(cues), cues=tuple(cues))


ADVICE: dict[str, str] = {
    "nl": (
        "Het buurtinformatienetwerk is geen nooddienst. Is het dringend? Bel de politie op 101, "
        "of 112 als er levens in gevaar zijn."
    ),
    "fr": (
        "Le partenariat local de prévention n'est pas un service d'urgence. C'est urgent ? Appelez "
        "la police au 101, ou le 112 si des vies sont en danger."
    ),
    "en": (
        "The neighbourhood information network is not an emergency service. Is it urgent? Call the "
        "police on 101, or 112 if lives are at risk."
    ),
    "de": (
        "Das Nachbarschaftsinformationsnetz ist kein Notdienst. Ist es dringend? Rufen Sie die "
        "Polizei unter 101 an, oder 112, wenn Leben in Gefahr sind."
    ),
}

_LANG_HINTS: dict[str, frozenset[str]] = {
    "nl": frozenset("de het een en is op in van niet met er zijn ik hij zij wij nu man vrouw auto straat".split()),
    "fr": frozenset("le la les un une et est sur dans du des pas avec il elle je nous homme femme rue voiture".split()),
    "en": frozenset("the a an and is on in of not with he she we i man woman car street there".split()),
    "de": frozenset("der die das ein eine und ist auf im von nicht mit er sie wir ich mann frau auto strasse".split()),
}


def guess_language(text: str) -> Language | None:
    """The most likely of nl/fr/en/de from function words; None when nothing tells."""
    words = _WORD.findall(_fold(text[:1000]))
    if not words:
        return None
    scores = {lang: sum(w in hints for w in words) for lang, hints in _LANG_HINTS.items()}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0:
        return None
    return best  # type: ignore[return-value]


def advice_language(
    *candidates: str | None, text: str = "", network_languages: tuple[str, ...] = ()
) -> Language:
    """The reporter's language: the first explicit candidate, else a guess from the text,
    else the network's first language, else Dutch."""
    for lang in candidates:
        if lang in ADVICE:
            return lang  # type: ignore[return-value]
    guessed = guess_language(text)
    if guessed:
        return guessed
    for lang in network_languages:
        if lang in ADVICE:
            return lang  # type: ignore[return-value]
    return "nl"
