"""The lexicon matcher: stems, phrases, gaps, language-only entries and shadowing."""

from __future__ import annotations

import re

import pytest

from binrelay_classifier.lexicon import GROUPS
from binrelay_classifier.matcher import Matcher, _parse
from binrelay_classifier.normalize import fold

LEXICON = {
    "cat:x": {"nl": "inbre*=3|op dit moment|breken .. in=2|!brand", "fr": "n est plus la=4"},
    "non:y": {"nl": "niet dringend=4"},
    "urg:z": {"nl": "dringend=3"},
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher((LEXICON,))


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
    """Given an entry written with a leading '!',
    When it is found,
    Then its cue says it counts only in its own language."""
    (hit,) = matcher.find("brand")
    assert hit.cue.lang_only and hit.cue.lang == "nl"


def test_every_entry_is_written_folded() -> None:
    """Given the shipped lexicons,
    When each entry is compared with its folded form,
    Then none has an accent, capital or punctuation fold() would remove (it could never match)."""
    allowed = re.compile(r"^[a-z0-9 ]+$")
    bad = [e for e in _parse(GROUPS) if not allowed.match(e.replace("*", "").replace("..", "x"))]
    assert bad == []
