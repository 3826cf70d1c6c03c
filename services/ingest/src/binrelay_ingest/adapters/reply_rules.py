"""Replies as commands, bound to the message they answer: the pure rules (no I/O).

**Grammar** (:func:`parse`), case and accents ignored, in nl/fr/en/de:

* yes — ``OK`` ``JA`` ``OUI`` ``YES`` ``SI`` (``oké``, ``okay``, ``akkoord``, ``d'accord``,
  ``jawohl``, 👍, ✅), followed by at most :data:`MAX_YES_EXTRA` other words ("ok merci");
* no — ``NEE`` ``NON`` ``NO`` ``NEIN`` (``neen``, 👎, ❌), followed by an optional reason
  ("NEE, te vroeg op de avond");
* stop — ``STOP`` ``UIT`` ``ARRET`` ``ARRÊT`` ``STOPP`` alone (or with ``sms``): withdraw SMS consent;
* a ref anywhere — 8 hex digits, alone or after ``Ref``/``Réf``/``#`` (``JA ref 1a2b3c4d``);
  several refs answer several messages.

A text whose first word is none of these, or a yes followed by more words ("Ja, er staat weer
een wagen..."), is not a command.

**Binding** (:func:`bind`): a chat thread reply or a reaction names its message: that one. Else a
ref names it: the replier's own pending message with that ref, or — a ref they were not sent —
what the ref names (the dispatcher then judges whether they may answer it). Else the replier's
pending messages the command can answer (a no answers approval requests only): exactly one →
that one; several → :class:`Ask` (a question listing the refs, never a guess); none →
:class:`Unbound`.

**Bad input** (:func:`reads_as_report`): a text that is no command and bound to nothing is a new
report only when it reads as one (at least :data:`REPORT_MIN_WORDS` words); a short one gets the
help text (a member) or is refused (an unknown sender).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from binrelay_shared.events import ResponseKind
from binrelay_shared.replies import Pending


class Command(StrEnum):
    yes = "yes"
    no = "no"
    stop = "stop"


YES_WORDS = frozenset({"ok", "oke", "okay", "okee", "oki", "ja", "jawel", "jawohl", "oui", "yes", "yep", "si",
                       "akkoord", "d'accord", "daccord", "einverstanden", "👍", "✅", "👌"})
NO_WORDS = frozenset({"nee", "neen", "non", "no", "nein", "👎", "❌"})
STOP_WORDS = frozenset({"stop", "uit", "arret", "stopp"})
#: A yes may carry a few words of politeness ("ok merci", "ja dank u"), no more.
MAX_YES_EXTRA = 3
#: A text of at least this many words, and no command, reads as a report.
REPORT_MIN_WORDS = 4

_TOKEN = re.compile(r"[^\s.,!?;:()\[\]\"]+")
_REF = re.compile(r"#?([0-9a-f]{8})")
_REF_WORDS = frozenset({"ref", "réf", "reference", "référence", "referentie", "referenz"})


def _fold(word: str) -> str:
    """Lower case without accents (``ARRÊT`` → ``arret``, ``Oké`` → ``oke``); emoji kept."""
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.rstrip("\ufe0f")  # 👍️ with its variation selector is 👍


@dataclass(frozen=True)
class Reply:
    """What a reply says: a command (or none), the refs it names, a no's reason, its length."""

    command: Command | None
    refs: tuple[str, ...] = ()
    reason: str | None = None
    words: int = 0


def parse(text: str) -> Reply:
    """The command a reply gives (see the module's grammar)."""
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    refs: list[str] = []
    words: list[tuple[str, int, int]] = []  # the tokens that are neither a ref nor "Ref"
    for raw, start, end in tokens:
        folded = _fold(raw)
        ref = _REF.fullmatch(folded)
        if ref:
            if ref.group(1) not in refs:
                refs.append(ref.group(1))
            continue
        if folded in _REF_WORDS:
            continue
        words.append((folded, start, end))
    if not words:
        return Reply(None, tuple(refs), None, 0)
    first, _, first_end = words[0]
    rest = words[1:]
    command: Command | None = None
    reason = None
    if first in YES_WORDS and len(rest) <= MAX_YES_EXTRA:
        command = Command.yes
    elif first in NO_WORDS:
        command = Command.no
        reason = _reason(text, first_end)
    elif first in STOP_WORDS and all(w == "sms" for w, _, _ in rest):
        command = Command.stop
    return Reply(command, tuple(refs), reason, len(words))


_REF_IN_TEXT = re.compile(
    r"(?i)(?:\b(?:r[ée]f(?:[ée]rence|erentie|erenz)?)\b[.:]?\s*)?#?\b[0-9a-f]{8}\b|\br[ée]f\b[.:]?")


def _reason(text: str, after: int) -> str | None:
    """The words after a no, without the refs: the approver's reason, or None."""
    body = _REF_IN_TEXT.sub(" ", text[after:])
    body = re.sub(r"\(\s*\)|\[\s*\]", " ", body)  # "(réf 1a2b3c4d)" leaves no empty brackets
    body = re.sub(r"\s+", " ", body).strip(" ,.:;-!")
    return body[:500] or None


def reads_as_report(text: str, reply: Reply) -> bool:
    """Whether a text that is no command reads as a new report (long enough to say something)."""
    return reply.command is None and len(_TOKEN.findall(text)) >= REPORT_MIN_WORDS


# -- binding ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """The messages a reply answers, each with the Response kind it leads to."""

    answers: tuple[tuple[Pending, ResponseKind], ...]


@dataclass(frozen=True)
class Ask:
    """Several messages wait and the reply names none: ask which (their refs)."""

    refs: tuple[str, ...]


@dataclass(frozen=True)
class Unbound:
    """Nothing the reply could answer (``why``: a bounded label for the metric)."""

    why: str  # nothing_pending | unknown_ref | not_applicable


Binding = Bound | Ask | Unbound


def answer_kind(command: Command, kind: ResponseKind) -> ResponseKind | None:
    """What a command does to a message asking for ``kind``: yes approves an approval request and
    acknowledges an alert; no rejects an approval request (an alert cannot be refused)."""
    if command is Command.yes:
        return ResponseKind.approve if kind is ResponseKind.approve else ResponseKind.acknowledge
    if command is Command.no and kind is ResponseKind.approve:
        return ResponseKind.reject
    return None


@dataclass(frozen=True)
class Context:
    """What a reply may be bound to: the replier's own pending messages, the one a chat reply
    or reaction names, and what each quoted ref names (for a ref the replier was not sent)."""

    pending: tuple[Pending, ...] = ()
    replied_to: Pending | None = None
    by_ref: dict[str, tuple[Pending, ...]] = field(default_factory=dict)


def bind(reply: Reply, ctx: Context) -> Binding:
    """The message(s) a yes/no reply answers (see the module's binding rules)."""
    command = reply.command
    if command not in (Command.yes, Command.no):
        return Unbound("not_applicable")
    if ctx.replied_to is not None:
        kind = answer_kind(command, ctx.replied_to.kind)
        return Bound(((ctx.replied_to, kind),)) if kind else Unbound("not_applicable")
    if reply.refs:
        answers: list[tuple[Pending, ResponseKind]] = []
        own = {p.ref: p for p in ctx.pending}
        for ref in reply.refs:
            candidates = (own[ref],) if ref in own else ctx.by_ref.get(ref, ())
            for p in _one_per_report(candidates, command):
                kind = answer_kind(command, p.kind)
                if kind:
                    answers.append((p, kind))
        return Bound(tuple(answers)) if answers else Unbound("unknown_ref")
    applicable = [p for p in ctx.pending if answer_kind(command, p.kind)]
    if len(applicable) == 1:
        p = applicable[0]
        kind = answer_kind(command, p.kind)
        assert kind is not None
        return Bound(((p, kind),))
    if applicable:
        return Ask(tuple(sorted({p.ref for p in applicable})))
    return Unbound("nothing_pending")


def _one_per_report(candidates: tuple[Pending, ...], command: Command) -> list[Pending]:
    """Of what a ref names, the message the command answers: an approval request before an alert."""
    usable = [p for p in candidates if answer_kind(command, p.kind)]
    usable.sort(key=lambda p: p.kind is not ResponseKind.approve)
    return usable[:1]


# -- what the replier is told (short: one SMS, plain GSM characters) -------------------------------

#: Languages of the texts; a member's language picks one, else the command's language (else nl).
LANGUAGES = ("nl", "fr", "en", "de")

HELP = {
    "nl": "BIN Relay: antwoord OK of JA op een bericht (met de Ref als u er meer kreeg), NEE om te weigeren, "
          "STOP voor geen sms meer. Melden? Beschrijf wat u zag. Dringend: bel 101 of 112.",
    "fr": "BIN Relay: repondez OK ou OUI a un message (avec la Ref si vous en avez recu plusieurs), NON pour "
          "refuser, STOP pour ne plus recevoir de SMS. Signaler? Decrivez ce que vous avez vu. Urgent: 101 ou 112.",
    "en": "BIN Relay: reply OK or YES to a message (with its Ref if you got several), NO to reject, STOP for no "
          "more SMS. To report, describe what you saw. Urgent: call 101 or 112.",
    "de": "BIN Relay: Antworten Sie OK oder JA auf eine Nachricht (mit der Ref, wenn Sie mehrere haben), NEIN zum "
          "Ablehnen, STOPP fuer keine SMS mehr. Melden? Beschreiben Sie, was Sie sahen. Dringend: 101 oder 112.",
}
ASK = {
    "nl": "Meerdere berichten wachten op uw antwoord: {refs}. Antwoord met de Ref erbij, bv. {example}.",
    "fr": "Plusieurs messages attendent votre reponse: {refs}. Repondez avec la Ref, p.ex. {example}.",
    "en": "Several messages await your answer: {refs}. Reply with the Ref, e.g. {example}.",
    "de": "Mehrere Nachrichten warten auf Ihre Antwort: {refs}. Antworten Sie mit der Ref, z.B. {example}.",
}
STOPPED = {
    "nl": "BIN Relay: u krijgt geen sms meer van ons. Berichten komen via uw volgende kanaal. "
          "Weer sms? Vraag het uw coordinator.",
    "fr": "BIN Relay: vous ne recevrez plus de SMS. Les messages passeront par votre canal suivant. "
          "De nouveau des SMS? Demandez a votre coordinateur.",
    "en": "BIN Relay: you will get no more SMS from us. Messages will use your next channel. "
          "SMS again? Ask your coordinator.",
    "de": "BIN Relay: Sie erhalten keine SMS mehr. Nachrichten kommen ueber Ihren naechsten Kanal. "
          "Wieder SMS? Fragen Sie Ihren Koordinator.",
}
_WORD_LANGUAGE = {"ja": "nl", "nee": "nl", "neen": "nl", "uit": "nl", "akkoord": "nl", "oui": "fr", "non": "fr",
                  "arret": "fr", "d'accord": "fr", "yes": "en", "no": "en", "nein": "de", "stopp": "de",
                  "jawohl": "de"}


def language_of(text: str, member_language: str | None) -> str:
    """The language to answer in: the member's, else the one of their command word, else nl."""
    if member_language in LANGUAGES:
        return member_language
    first = next(iter(_TOKEN.findall(text)), "")
    return _WORD_LANGUAGE.get(_fold(first), "nl")


def help_text(language: str) -> str:
    return HELP.get(language, HELP["nl"])


def ask_text(language: str, refs: tuple[str, ...], command: Command) -> str:
    word = {"nl": ("OK", "NEE"), "fr": ("OK", "NON"), "en": ("OK", "NO"), "de": ("OK", "NEIN")}
    yes, no = word.get(language, word["nl"])
    example = f"{yes if command is Command.yes else no} {refs[0]}"
    listed = ", ".join(f"Ref {r}" for r in refs)
    return ASK.get(language, ASK["nl"]).format(refs=listed, example=example)


def stopped_text(language: str) -> str:
    return STOPPED.get(language, STOPPED["nl"])
