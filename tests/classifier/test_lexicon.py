"""The lexicon data files: what a few cues of each group signal, and the loader refusing bad entries."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from binrelay_classifier import classify
from binrelay_classifier.lexicon import KINDS, LEXICON, TAGS, LexiconError, load
from binrelay_classifier.matcher import Matcher
from binrelay_classifier.normalize import fold

SHIPPED = Path(str(resources.files("binrelay_classifier") / "data" / "lexicon"))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(LEXICON.cues)


@pytest.mark.parametrize(
    ("text", "tag", "lang", "label", "weight"),
    [
        # categories
        ("Inbraak bij de buren", "cat:burglary", "nl", "inbraak", 3),
        ("On m'a volé mon vélo", "cat:theft", "fr", "on m a vole", 3),
        ("He was mugged at the station", "cat:robbery_or_violence", "en", "mugged", 3),
        ("Es riecht nach Gas", "cat:fire_or_hazard", "de", "riecht nach gas", 4),
        ("Onze buurman is vermist", "cat:missing_person", "nl", "vermist", 4),
        # happening now / not now
        ("Ze zijn er op dit moment", "urg:now", "nl", "op dit moment", 3),
        ("Ils sont en train de forcer la porte", "urg:progress", "fr", "en train de", 4),
        ("The alarm is going off", "urg:alarm", "en", "alarm is going off", 4),
        ("C'était hier soir", "non:past", "fr", "hier soir", 3),
        ("Ze zijn niet meer daar", "non:gone", "nl", "niet meer daar", 4),
        ("Nu de winter eraan komt", "non:idiom", "nl", "nu de winter", 0),
        # context and policy flags
        ("Een witte bestelwagen", "ctx:vehicle", "nl", "bestelwagen", 2),
        ("Teach him a lesson", "flag:vigilante", "en", "teach him a lesson", 3),
        ("Wir haben ihn vermöbelt", "ctx:force", "de", "vermobel", 3),
        ("Encore des Roumains", "ctx:group", "fr", "des roumains", 1),
    ],
)
def test_a_cue_of_each_group_is_found_with_its_tag_language_and_weight(
    matcher: Matcher, text: str, tag: str, lang: str, label: str, weight: float
) -> None:
    """Given the shipped lexicon,
    When a text holding a known cue is scanned,
    Then the cue is found with the tag, language and weight written in its data file."""
    found = {(h.cue.tag, h.cue.lang, h.cue.label): h.cue.weight for h in matcher.find(fold(text))}
    assert found.get((tag, lang, label)) == weight, sorted(found)


def test_every_group_the_rules_read_has_a_tag() -> None:
    """Given the groups the urgency rules sum and the categories they score,
    When they are compared with the tags a data file may hold,
    Then each is a known tag (a group with no possible cue would silently count nothing)."""
    read = {tag for _, tag in classify._NOW_TAGS + classify._NOT_NOW_TAGS + classify._SOFT_TAGS}
    read |= set(classify._CATEGORY_TAGS.values()) | {"urg:danger", "ctx:vehicle", "ctx:person", "flag:vigilante"}
    read |= {"ctx:we", "ctx:force", "ctx:origin", "ctx:group", "ctx:general"} | set(classify._FLAG_EVIDENCE)
    assert read <= TAGS


def test_the_shipped_files_are_one_per_tag_and_the_grammar() -> None:
    """Given the package's data folder,
    When its files are listed,
    Then there is one file per tag that has cues, each in the folder of its kind, plus grammar.yaml."""
    files = {p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.is_file()}
    expected = {f"{folder}/{tag.split(':')[1]}.json" for folder, (prefix, _) in KINDS.items()
                for tag in {c.tag for c in LEXICON.cues} if tag.startswith(prefix + ":")}
    assert files == expected | {"grammar.yaml"}
    assert LEXICON.grammar and all(g.tag in TAGS for g in LEXICON.grammar)


def _lexicon_with(tmp_path: Path, folder: str, name: str, entries: list[str]) -> Path:
    """A copy of the shipped lexicon whose ``folder/name.json`` holds ``entries`` (one per line)."""
    root = tmp_path / "lexicon"
    shutil.copytree(SHIPPED, root)
    text = '{\n"about": "test",\n"cues": [\n' + ",\n".join(entries) + "\n]}\n"
    (root / folder).mkdir(exist_ok=True)
    (root / folder / f"{name}.json").write_text(text, encoding="utf-8")
    return root


GOOD = '{"cue": "inbraak*", "tag": "cat:burglary", "lang": "nl", "weight": 3}'


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ('{"cue": "inbraak", "tag": "cat:burglry", "lang": "nl", "weight": 3}', "unknown tag 'cat:burglry'"),
        ('{"cue": "inbraak", "tag": "cat:burglary", "lang": "es", "weight": 3}', "lang: Input should be"),
        ('{"cue": "Inbraak", "tag": "cat:burglary", "lang": "nl", "weight": 3}', "not written as fold() leaves"),
        ('{"cue": ".. in", "tag": "cat:burglary", "lang": "nl", "weight": 3}', "not written as fold() leaves"),
        ('{"cue": "inbraak", "tag": "cat:burglary", "lang": "nl", "weight": -1}', "weight: Input should be"),
        (
            '{"cue": "inbraak", "tag": "cat:burglary", "lang": "nl", "wieght": 3}',
            "weight: Field required; wieght: Extra inputs",
        ),
        ('{"cue": "inbraak", "tag": "cat:theft", "lang": "nl", "weight": 3}', "tag 'cat:theft' in the file of"),
        ('{"cue": "inbraak*", "tag": "cat:burglary", "lang": "nl", "weight": 2}', "the same cue as entry 1 (nl)"),
    ],
)
def test_the_loader_refuses_a_bad_entry_naming_file_entry_and_line(
    tmp_path: Path, bad: str, says: str
) -> None:
    """Given a cue file whose third entry is wrong (unknown tag, unknown language, a cue not in
    folded form or starting with a gap, a negative weight, a misspelt field, another file's
    tag, or a cue listed twice),
    When the lexicon is loaded,
    Then it stops with an error naming the file, the entry, its line and what is wrong."""
    root = _lexicon_with(tmp_path, "category", "burglary", [GOOD, GOOD.replace("inbraak*", "inbrak*"), bad])
    with pytest.raises(LexiconError) as caught:
        load(root)
    message = str(caught.value)
    assert message.startswith("category/burglary.json, entry 3 (line 6, ")
    assert says in message


def test_the_loader_refuses_a_file_named_after_no_tag(tmp_path: Path) -> None:
    """Given a cue file whose name is no tag of its folder (a typo),
    When the lexicon is loaded,
    Then it stops naming the file and the names that folder may hold."""
    root = _lexicon_with(tmp_path, "now", "fleeing", [GOOD])
    with pytest.raises(LexiconError, match=r"^now/fleeing.json: no tag urg:fleeing\. Fix: .*flee"):
        load(root)


def test_the_loader_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    """Given a cue file with a trailing comma (not JSON),
    When the lexicon is loaded,
    Then it stops naming the file."""
    root = _lexicon_with(tmp_path, "category", "theft", [GOOD.replace("burglary", "theft") + ","])
    with pytest.raises(LexiconError, match=r"^category/theft.json: not valid JSON"):
        load(root)


def test_the_loader_refuses_a_grammar_cue_with_a_bad_pattern(tmp_path: Path) -> None:
    """Given a grammar cue whose regular expression does not compile,
    When the lexicon is loaded,
    Then it stops naming grammar.yaml, the entry, its line and the regex error."""
    root = _lexicon_with(tmp_path, "category", "burglary", [GOOD])
    grammar = root / "grammar.yaml"
    bad = {"label": "broken", "tag": "urg:now", "lang": "en", "weight": 1, "pattern": r"\b(?:now"}
    grammar.write_text(grammar.read_text(encoding="utf-8") + "- " + json.dumps(bad) + "\n", encoding="utf-8")
    count = len(LEXICON.grammar) + 1
    expected = rf"^grammar.yaml, entry {count} \(line \d+, 'broken'\): pattern: not a valid regular expression"
    with pytest.raises(LexiconError, match=expected):
        load(root)


def test_a_valid_copy_loads_to_the_same_cues(tmp_path: Path) -> None:
    """Given an unchanged copy of the shipped data,
    When it is loaded from another folder,
    Then it yields exactly the shipped cues and grammar, in the same order."""
    root = tmp_path / "lexicon"
    shutil.copytree(SHIPPED, root)
    assert load(root) == LEXICON
