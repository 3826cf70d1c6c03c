"""The classifier's lexicon: cue data files, validated and loaded once, at import.

The cues live in ``data/lexicon/`` inside this package, one JSON file per tag, grouped by what
the cues signal (the README's "Cues" section says how to add one):

- ``category/<category>.json`` — ``cat:<category>``, the vocabulary of each category;
- ``now/<kind>.json``          — ``urg:<kind>``, evidence that it happens now (in progress, still
  there, fleeing, danger, help, alarm);
- ``not_now/<kind>.json``      — ``non:<kind>``, evidence that it does not (past, gone, resolved,
  question, prevention tip, aftermath, a recurring situation, calm, future, meta, idioms);
- ``context/<kind>.json``      — ``ctx:<kind>``, context read by the combination rules (vehicle,
  person, animal, item, house, origin, a group named by origin, generalisation, sharing intent, "we"
  and calls to act, an act against a person, actor);
- ``flag/<flag>.json``         — ``flag:<flag>``, policy cues (vigilante, political, slur);
- ``grammar.yaml``             — tense and time as regular expressions (label, tag, weight, language).

A cue file is ``{"about": "...", "cues": [...]}`` with one line per cue: ``{"cue": "inbraak*",
"tag": "cat:burglary", "lang": "nl", "weight": 3}``, plus ``"lang_only": true`` for a cue that
counts only in a report of its own language (false friends: Dutch "brand" is a fire, English
"brand" a make). (JSON rather than YAML for the cues: 7,700 entries parse in milliseconds,
where YAML took more than half a second at every start.) Cues are written as
:func:`binrelay_classifier.normalize.fold` leaves text, in a small syntax compiled by
:mod:`.matcher`: ``inbre*`` a stem, ``op dit moment`` a phrase (each space also matches no space),
``breken .. in`` up to three words between the parts.

Anything wrong in a file (an unknown tag or language, a tag that is not the file's, a cue that
is not folded, a cue listed twice, a bad regular expression) stops the import with a
:class:`LexiconError` naming the file, the entry and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Literal

import orjson
import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from binrelay_shared.events import Category

Lang = Literal["nl", "fr", "en", "de"]

KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "category": ("cat", tuple(c.value for c in Category)),
    "now": ("urg", ("now", "progress", "presence", "flee", "danger", "help", "alarm")),
    "not_now": (
        "non",
        ("past", "gone", "resolved", "question", "prevention", "aftermath", "duration", "calm", "future",
         "meta", "idiom"),
    ),
    "context": (
        "ctx",
        ("vehicle", "house", "person", "animal", "item", "origin", "group", "general", "share", "we", "force",
         "actor"),
    ),
    "flag": ("flag", ("vigilante", "political", "slur")),
}
"""Folder -> (tag prefix, the names it may hold). A tag is ``<prefix>:<name>``, in ``<folder>/<name>.json``."""

TAGS: frozenset[str] = frozenset(f"{prefix}:{name}" for prefix, names in KINDS.values() for name in names)
"""Every tag a cue may carry."""

# A cue: words of letters and digits, each possibly ending in "*" (a stem), with ".." (a gap) only
# between two words.
_WORD = r"[a-z0-9]+\*?"
_CUE = re.compile(rf"{_WORD}(?: (?:\.\. )?{_WORD})*")


class LexiconError(ValueError):
    """A lexicon data file is wrong; the message names the file, the entry and the fix."""


def _known_tag(tag: str) -> str:
    if tag not in TAGS:
        raise ValueError(f"unknown tag {tag!r}; a tag is one of {', '.join(sorted(TAGS))}")
    return tag


class CueEntry(BaseModel):
    """One cue of one data file: what it is written as, what it signals, in which language, how much."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cue: str
    tag: str
    lang: Lang
    weight: float = Field(ge=0, le=10)
    lang_only: bool = False
    """Counts only in a report of the cue's own language (a false friend in another language)."""

    @field_validator("tag")
    @classmethod
    def _tag(cls, tag: str) -> str:
        return _known_tag(tag)

    @field_validator("cue")
    @classmethod
    def _cue(cls, cue: str) -> str:
        if not _CUE.fullmatch(cue):
            raise ValueError(
                f"cue {cue!r} is not written as fold() leaves text (lower-case letters and digits, no "
                "accents or punctuation; '*' ends a stem, ' .. ' stands between two words)"
            )
        return cue


class GrammarEntry(BaseModel):
    """One grammar cue: a regular expression over the folded text; its first match is one hit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(pattern=r"^[a-z_]+$")
    tag: str
    lang: Lang | Literal["*"]
    weight: float = Field(ge=0, le=10)
    pattern: str
    note: str = ""

    @field_validator("tag")
    @classmethod
    def _tag(cls, tag: str) -> str:
        return _known_tag(tag)

    @field_validator("pattern", mode="before")
    @classmethod
    def _pattern(cls, value: Any) -> Any:
        # A long pattern may be written as a list of parts, joined with nothing between them.
        pattern = "".join(value) if isinstance(value, list) and all(isinstance(p, str) for p in value) else value
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return pattern


class CueFile(BaseModel):
    """One cue file: what its tag means, and its cues."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str
    cues: list[CueEntry]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every cue, in load order (folders in :data:`KINDS` order, then each file's order), and the grammar cues."""

    cues: tuple[CueEntry, ...]
    grammar: tuple[GrammarEntry, ...]


_CUE_FILE = TypeAdapter(CueFile)
_GRAMMAR = TypeAdapter(list[GrammarEntry])
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(file: Traversable, name: str) -> tuple[str, Any]:
    text = file.read_text(encoding="utf-8")
    try:
        if name.endswith(".json"):
            return text, orjson.loads(text)
        return text, yaml.load(text, Loader=_Loader)  # a safe loader (libyaml's when available)
    except (orjson.JSONDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"{name}: not valid {'JSON' if name.endswith('.json') else 'YAML'}: {exc}") from exc


def _line(text: str, index: int) -> int | None:
    """The line (1-based) where entry ``index`` (0-based) of a file's list starts (only to report an
    error: JSON is read again as YAML, which keeps positions)."""
    node = yaml.compose(text, Loader=_Loader)
    if isinstance(node, yaml.MappingNode):  # a cue file: the list is under "cues"
        node = next((v for k, v in node.value if k.value == "cues"), None)
    if isinstance(node, yaml.SequenceNode) and index < len(node.value):
        return int(node.value[index].start_mark.line) + 1
    return None


def _where(name: str, text: str, data: list[Any], index: int) -> str:
    entry = data[index] if isinstance(data, list) and index < len(data) else None
    what = (entry.get("cue") or entry.get("label")) if isinstance(entry, dict) else None
    line = _line(text, index)
    details = ([f"line {line}"] if line else []) + ([repr(what)] if what else [])
    return f"{name}, entry {index + 1}" + (f" ({', '.join(details)})" if details else "")


def _validate(adapter: TypeAdapter[Any], name: str, text: str, data: Any) -> Any:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = list(errors[0]["loc"])
        if first[:1] == ["cues"]:  # a cue file: the entries are under "cues"
            first = first[1:]
            data = data["cues"]
        if not first or not isinstance(first[0], int):
            where = ".".join(map(str, errors[0]["loc"])) or "file"
            raise LexiconError(f"{name}: {where}: {errors[0]['msg']}") from None
        index = first[0]
        # Every problem of the first wrong entry ("weight: Field required; wieght: Extra inputs ...").
        problems = "; ".join(
            f"{'.'.join(map(str, loc[1:]))}: {e['msg'].removeprefix('Value error, ')}"
            for e in errors
            if (loc := [p for p in e["loc"] if p != "cues"])[:1] == [index]
        )
        raise LexiconError(f"{_where(name, text, data, index)}: {problems}") from None


def _load_cues(file: Traversable, name: str, tag: str) -> list[CueEntry]:
    text, raw = _read(file, name)
    entries = _validate(_CUE_FILE, name, text, raw).cues
    data = raw["cues"]
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(entries):
        if entry.tag != tag:
            raise LexiconError(
                f"{_where(name, text, data, index)}: tag {entry.tag!r} in the file of {tag!r}. "
                f"Fix: move the entry to the file of its tag, or write tag: {tag}"
            )
        first = seen.setdefault((entry.cue, entry.lang), index)
        if first != index:
            raise LexiconError(
                f"{_where(name, text, data, index)}: the same cue as entry {first + 1} ({entry.lang}). "
                "Fix: keep one of the two, with the weight you mean"
            )
    return entries


def load(root: Traversable | None = None) -> Lexicon:
    """Read and check every data file under ``root`` (default: the package's ``data/lexicon``)."""
    root = root if root is not None else resources.files("binrelay_classifier") / "data" / "lexicon"
    cues: list[CueEntry] = []
    for folder, (prefix, names) in KINDS.items():
        directory = root / folder
        files = {f.name: f for f in directory.iterdir()} if directory.is_dir() else {}
        unknown = sorted(set(files) - {f"{n}.json" for n in names})
        if unknown:
            raise LexiconError(
                f"{folder}/{unknown[0]}: no tag {prefix}:{unknown[0].split('.')[0]}. "
                f"Fix: files in {folder}/ are <name>.json, the name one of {', '.join(names)}"
            )
        for name in names:
            file = files.get(f"{name}.json")
            if file is not None:
                cues += _load_cues(file, f"{folder}/{name}.json", f"{prefix}:{name}")
    grammar: list[GrammarEntry] = []
    file = root / "grammar.yaml"
    if file.is_file():
        text, data = _read(file, "grammar.yaml")
        grammar = _validate(_GRAMMAR, "grammar.yaml", text, data)
    return Lexicon(tuple(cues), tuple(grammar))


LEXICON = load()
"""The shipped lexicon, read once per process."""
