"""E-mail replies: what a reply says of its own, and which of our mails it names (pure, no I/O).

A reply by e-mail carries much more than its command: the quoted original ("> ..."), the mail
client's attribution line ("On … wrote:", "Op … schreef …:", "Le … a écrit :", "Am … schrieb …:"),
an Outlook header block or separator with the whole original below it, a signature, "Sent from my
phone". :func:`fresh_text` keeps the replier's own lines; :func:`command_text` is what the reply
grammar (:mod:`.reply_rules`) reads: the first paragraph of those lines (a salutation skipped),
plus the ref of the subject (``Re: … [Ref 1a2b3c4d]``) when the body names none.

:func:`message_ids` lists the Message-IDs a reply names (``In-Reply-To``, then ``References``
newest first): the sender recorded ours (:func:`binrelay_shared.replies.mail_key`).
:func:`is_automatic` recognises mails no one typed (vacation answers, bounces, lists): they are
never taken as a command and never answered (no mail loops).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_ATTRIBUTION = re.compile(
    r"(?i)^(?:on|op|le|am|el|il)\b.*\b(?:wrote|schreef|geschreven|a\s+[ée]crit|schrieb)\b[^:]{0,80}:\s*$"
    r"|^.{1,120}\b(?:wrote|schreef|het volgende geschreven|a\s+[ée]crit|schrieb)\s*:\s*$"
)
_ATTRIBUTION_START = re.compile(r"(?i)^(?:on|op|le|am)\s+\S")
_SEPARATOR = re.compile(
    r"(?i)^(?:-{2,}\s*(?:original message|oorspronkelijk bericht|origineel bericht|message d'origine"
    r"|message original|urspr[üu]ngliche nachricht|originalnachricht|forwarded message|doorgestuurd bericht"
    r"|message transf[ée]r[ée]|weitergeleitete nachricht)\s*-{2,}|_{10,}|begin forwarded message:)\s*$"
)
_HEADER_FROM = re.compile(r"(?i)^\*?(?:from|van|de|von)\s*:\*?\s*\S")
_HEADER_NEXT = re.compile(
    r"(?i)^\*?(?:sent|date|verzonden|datum|envoy[ée]|gesendet|to|aan|[àa]|an|subject|onderwerp|objet|betreff)"
    r"\s*:\*?\s*"
)
_MOBILE = re.compile(
    r"(?i)^(?:sent from my|verzonden (?:vanaf|met|van) mijn|verstuurd (?:vanaf|met|van) mijn|envoy[ée] de mon"
    r"|von meinem\b.*gesendet|gesendet von meinem|get outlook for)\b"
)
_SALUTATION = re.compile(
    r"(?i)^(?:hallo|hoi|dag|beste|goedemorgen|goedemiddag|goedenavond|bonjour|bonsoir|salut|cher|ch[èe]re"
    r"|madame|monsieur|hi|hello|dear|guten (?:tag|morgen|abend)|liebe|lieber|sehr geehrte[rs]?|moin)"
    r"\b[^.!?]{0,40}[,!]?$"
)
_SUBJECT_REF = re.compile(r"(?i)\br[ée]f\.?\s*:?\s*#?([0-9a-f]{8})\b")
_MSGID = re.compile(r"<[^<>\s]+>")


def _attribution_span(lines: list[str], i: int) -> int:
    """How many lines the attribution starting at ``lines[i]`` takes (0: none; 2: wrapped in two)."""
    line = lines[i].strip()
    if _ATTRIBUTION.match(line):
        return 1
    if i + 1 < len(lines) and _ATTRIBUTION_START.match(line) and _ATTRIBUTION.match(
            f"{line} {lines[i + 1].strip()}"):
        return 2
    return 0


def _header_block(lines: list[str], i: int) -> bool:
    """An Outlook-style header block of the original ("Van: …" then "Verzonden: …") starts here."""
    if not _HEADER_FROM.match(lines[i].strip()):
        return False
    following = [ln.strip() for ln in lines[i + 1:i + 4] if ln.strip()]
    return bool(following) and _HEADER_NEXT.match(following[0]) is not None


def fresh_text(body: str) -> str:
    """The replier's own lines: quoted lines, attribution lines, the original under an Outlook
    header or separator, the signature and a "sent from my phone" line left out.

    An attribution followed by "> " quotes (bottom posting) only drops that line: what the replier
    wrote under the quote is kept; one followed by unquoted text is the original: cut there."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(">"):
            i += 1
            continue
        if stripped == "--" or _SEPARATOR.match(stripped) or _header_block(lines, i):
            break
        span = _attribution_span(lines, i)
        if span:
            after = next((ln.strip() for ln in lines[i + span:] if ln.strip()), None)
            if after is None or after.startswith(">"):
                i += span
                continue
            break
        if not _MOBILE.match(stripped):
            out.append(line.rstrip())
        i += 1
    return "\n".join(out).strip()


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blocks between blank lines), each on one line."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [" ".join(ln.strip() for ln in b.splitlines() if ln.strip()) for b in blocks if b.strip()]


def subject_refs(subject: str) -> tuple[str, ...]:
    """The refs a subject shows (``[Ref 1a2b3c4d]``, also after "Re: " and "AW: ")."""
    found: list[str] = []
    for m in _SUBJECT_REF.finditer(subject):
        ref = m.group(1).lower()
        if ref not in found:
            found.append(ref)
    return tuple(found)


def command_text(subject: str, body: str) -> str:
    """What the reply grammar reads of a mail: its first own paragraph (after a salutation), with
    the subject's refs appended when that paragraph names none."""
    own = paragraphs(fresh_text(body))
    if len(own) > 1 and _SALUTATION.match(own[0]):
        own = own[1:]
    first = own[0] if own else ""
    if not _SUBJECT_REF.search(first) and not re.search(r"(?i)(?:^|\s)#?[0-9a-f]{8}\b", first):
        refs = subject_refs(subject)
        if refs:
            first = " ".join([first, *(f"Ref {r}" for r in refs)]).strip()
    return first


def message_ids(in_reply_to: str | None, references: str | None) -> tuple[str, ...]:
    """The Message-IDs a mail answers: ``In-Reply-To`` first, then ``References`` newest first."""
    ids: list[str] = []
    for header in (in_reply_to or "", " ".join(reversed(_MSGID.findall(references or "")))):
        for m in _MSGID.findall(header):
            if m not in ids:
                ids.append(m)
    return tuple(ids[:20])


def is_automatic(headers: Mapping[str, str], envelope_sender: str | None) -> bool:
    """A mail no one typed: an auto-reply, a bounce, a list or bulk mail (RFC 3834 and habits)."""
    if not (envelope_sender or "").strip("<> "):
        return True  # a bounce (null reverse path)
    if headers.get("auto-submitted", "no").strip().lower() != "no":
        return True
    if headers.get("precedence", "").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    return any(h in headers for h in ("x-autoreply", "x-autorespond", "list-id"))


#: The confirmation of a reply taken (the dispatcher still judges who may answer: "received").
RECEIVED = {
    "nl": "BIN Relay: uw antwoord is ontvangen ({refs}).",
    "fr": "BIN Relay: votre reponse est bien recue ({refs}).",
    "en": "BIN Relay: your answer has been received ({refs}).",
    "de": "BIN Relay: Ihre Antwort ist eingegangen ({refs}).",
}


def received_text(language: str, refs: list[str]) -> str:
    listed = ", ".join(f"Ref {r}" for r in refs)
    return RECEIVED.get(language, RECEIVED["nl"]).format(refs=listed)
