"""A cheap guess of a message's language (nl, fr, en, de) from frequent short words."""

from __future__ import annotations

import re

_WORDS = {
    "nl": set(
        "de het een en van ik je is niet op in met voor zijn dat die er aan bij hij zij we wij ook"
        " maar om naar heeft hebben wordt werd zag gezien auto straat uur politie buurman".split()
    ),
    "fr": set(
        "le la les un une et de des du est pas je il elle nous dans sur avec pour que qui au aux"
        " ce cette a ont été vu voiture rue heure police voisin".split()
    ),
    "en": set(
        "the a an and of is are was not i he she we in on at with for that this to from has have"
        " been saw seen car street police neighbour".split()
    ),
    "de": set(
        "der die das und ist nicht ich er sie wir mit für auf dem den ein eine im am zu von hat"
        " haben wurde gesehen straße polizei nachbar".split()
    ),
}
_TOKEN = re.compile(r"[^\W\d_]+")
LANGUAGES = ("nl", "fr", "en", "de")


def guess_language(text: str, default: str = "nl") -> str:
    """The most likely language of ``text``; ``default`` when nothing tells."""
    scores = dict.fromkeys(LANGUAGES, 0)
    for word in _TOKEN.findall(text.lower()):
        for lang, words in _WORDS.items():
            if word in words:
                scores[lang] += 1
        if any(c in word for c in "äöüß"):
            scores["de"] += 1  # letters only German writes
        elif any(c in word for c in "éèêàçù"):
            scores["fr"] += 1
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
