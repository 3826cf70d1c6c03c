"""The lexicon matcher: stems, phrases, gaps, language-only entries and shadowing."""

from __future__ import annotations

import pytest

from binrelay_classifier.lexicon import CueEntry
from binrelay_classifier.matcher import Matcher
from binrelay_classifier.normalize import fold

CUES = [
    CueEntry(cue="inbre*", tag="cat:burglary", lang="nl", weight=3),
    CueEntry(cue="op dit moment", tag="cat:burglary", lang="nl", weight=1),
    CueEntry(cue="breken .. in", tag="cat:burglary", lang="nl", weight=2),
    CueEntry(cue="brand", tag="cat:burglary", lang="nl", weight=1, lang_only=True),
    CueEntry(cue="n est plus la", tag="cat:burglary", lang="fr", weight=4),
    CueEntry(cue="niet dringend", tag="non:calm", lang="nl", weight=4),
    CueEntry(cue="dringend", tag="urg:help", lang="nl", weight=3),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(CUES)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("De inbrekers zijn weg", ["inbre"]),
        ("op dit moment", ["op dit moment"]),
        ("ze breken bij de buren in", ["breken in"]),
        ("il nest plus la", ["n est plus la"]),
        ("niet dringend", ["niet dringend"]),
        ("dringend!", ["dringend"]),
        ("brandweer", []),
    ],
)
def test_find(matcher: Matcher, text: str, labels: list[str]) -> None:
    """Given a small lexicon with a stem, a phrase, a gap, a glued phrase and a shadowed cue,
    When a text is scanned,
    Then exactly the expected entries are found (a shorter time cue inside a longer one is hidden)."""
    assert [h.cue.label for h in matcher.find(fold(text))] == labels


def test_language_only_entry_is_marked(matcher: Matcher) -> None:
    """Given an entry with lang_only: true,
    When it is found,
    Then its cue says it counts only in its own language."""
    (hit,) = matcher.find("brand")
    assert hit.cue.lang_only and hit.cue.lang == "nl"


def test_cues_found_at_one_place_come_in_data_order() -> None:
    """Given cues that all match "frappe" at the same place, listed as: "frappe" (danger),
    "frapp*" (progress), "frappe" (progress) - one pattern listed twice around another,
    When "frappe" is scanned,
    Then the cues come in the order they are listed, not grouped by pattern."""
    cues = [
        CueEntry(cue="frappe", tag="urg:danger", lang="fr", weight=2),
        CueEntry(cue="frapp*", tag="urg:progress", lang="fr", weight=1),
        CueEntry(cue="frappe", tag="urg:progress", lang="fr", weight=3),
    ]
    hits = Matcher(cues).find("frappe")
    assert [(h.cue.tag, h.cue.label) for h in hits] == [
        ("urg:danger", "frappe"), ("urg:progress", "frapp"), ("urg:progress", "frappe")
    ]
    # Without the pattern in between, one pattern's cues simply follow each other.
    hits = Matcher([cues[0], cues[2], cues[1]]).find("frappe")
    assert [(h.cue.tag, h.cue.label) for h in hits] == [
        ("urg:danger", "frappe"), ("urg:progress", "frappe"), ("urg:progress", "frapp")
    ]
