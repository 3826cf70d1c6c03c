"""Commands this package adds to ``binrelay``: ``redact``.

``binrelay redact --audience group|coordinator|police`` reads JSON lines with a ``text`` field
(and optionally ``lang``: nl, fr, en, de; else a quick guess, default nl) on standard input and
writes, per input line and in order, ``{"text": <rendering>, "findings": [{"kind", "start",
"end"}, ...]}`` (offsets in the original text; an ``id`` field is copied through). A line that
cannot be read gives ``{"error": "..."}`` and the run goes on. Error messages name the line and
the fix, never the content.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Any, BinaryIO

import orjson
import typer

from binrelay_privacy.clear import render_text
from binrelay_privacy.detectors import find
from binrelay_privacy.language import LANGUAGES, guess_language


class AudienceOption(StrEnum):
    group = "group"
    coordinator = "coordinator"
    police = "police"


def redact_line(raw: bytes, audience: str, lineno: int) -> dict[str, Any]:
    """The output object for one input line."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {"error": f'line {lineno}: not valid JSON; expected an object like {{"text": "..."}}'}
    if not isinstance(obj, dict):
        return {"error": f"line {lineno}: expected a JSON object with a 'text' field"}
    text = obj.get("text")
    if not isinstance(text, str):
        return {"error": f"line {lineno}: field 'text' is missing or not a string"}
    lang = obj.get("lang")
    if lang is not None and (not isinstance(lang, str) or lang.lower() not in LANGUAGES):
        return {"error": f"line {lineno}: field 'lang' must be one of {', '.join(LANGUAGES)}"}
    language = lang.lower() if isinstance(lang, str) else guess_language(text)
    hits = find(text)
    rendered, _ = render_text(text, audience, language, hits)
    out: dict[str, Any] = {}
    if "id" in obj:
        out["id"] = obj["id"]
    out["text"] = rendered
    out["findings"] = [{"kind": h.kind, "start": h.start, "end": h.end} for h in hits]
    return out


def run(stdin: BinaryIO, stdout: BinaryIO, audience: str) -> int:
    """Process every line of ``stdin``; returns the number of lines with an error."""
    errors = 0
    for lineno, raw in enumerate(stdin, start=1):
        try:
            result = redact_line(raw, audience, lineno)
        except Exception as exc:  # keep going; never echo the content
            result = {"error": f"line {lineno}: internal error ({type(exc).__name__})"}
        if "error" in result:
            errors += 1
        stdout.write(orjson.dumps(result) + b"\n")
        stdout.flush()
    return errors


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``binrelay`` app."""

    @app.command("redact")
    def redact(
        audience: AudienceOption = typer.Option(  # noqa: B008
            AudienceOption.group, "--audience", "-a", help="Who the text is for: group, coordinator or police."
        ),
    ) -> None:
        """Redact personal data from JSON lines ({"text": ..., "lang"?: nl|fr|en|de}) on stdin."""
        run(sys.stdin.buffer, sys.stdout.buffer, audience.value)
