"""Commands this package adds to ``binrelay``.

``binrelay classify`` reads JSON lines (``{"text": ..., "lang": "nl"}``) on standard input and
writes one JSON line per input line, in order; an invalid line yields ``{"error": ...}`` and the
run goes on. ``binrelay classify --evaluate FILE`` prints precision, recall and F1 per class and
per language for a labelled file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from binrelay_shared.events import Kind, Origin

_LANGS = ("nl", "fr", "en", "de")


def classify_line(line: str) -> dict[str, Any]:
    """The JSON object answering one input line (never raises)."""
    from binrelay_classifier.classify import classify_text

    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return {"error": f"not valid JSON: {exc}"}
    if not isinstance(obj, dict):
        return {"error": "expected a JSON object with a 'text' field"}
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"error": "field 'text' must be a non-empty string"}
    if len(text) > 5000:
        return {"error": "field 'text' is longer than 5000 characters"}
    lang = obj.get("lang")
    if lang is not None and lang not in _LANGS:
        return {"error": f"field 'lang' must be one of {', '.join(_LANGS)} (got {lang!r})"}
    try:
        origin = Origin(obj.get("origin", "member"))
        kind = Kind(obj.get("kind", "report"))
    except ValueError as exc:
        return {"error": str(exc)}
    verdict = classify_text(text, lang_hint=lang, origin=origin, kind=kind)
    out: dict[str, Any] = {}
    if "id" in obj:
        out["id"] = obj["id"]
    out.update(verdict.model_dump(mode="json", exclude={"computed"}))
    return out


def register(app: typer.Typer) -> None:
    """Add this package's commands to the ``binrelay`` app."""

    @app.command("classify")
    def classify(
        evaluate: Annotated[
            Path | None,
            typer.Option("--evaluate", help="Labelled JSON-lines file (text, lang, and urgency + category or flags)."),
        ] = None,
        split: Annotated[
            str | None, typer.Option("--split", help="With --evaluate: only lines whose 'split' is this.")
        ] = None,
        misses: Annotated[bool, typer.Option("--misses", help="With --evaluate: list the errors.")] = False,
    ) -> None:
        """Classify reports: JSON lines on stdin -> one JSON verdict per line on stdout."""
        if evaluate is not None:
            from binrelay_classifier.evaluate import LabelledFileError, evaluate_file

            try:
                typer.echo(evaluate_file(evaluate, split, misses))
            except (OSError, LabelledFileError) as exc:
                fix = "Fix: give a JSON-lines file with text and urgency + category, or flags."
                typer.echo(f"error: {exc}. {fix}", err=True)
                raise typer.Exit(2) from exc
            return
        out = sys.stdout.buffer
        for line in sys.stdin:
            if not line.strip():
                answer: dict[str, Any] = {"error": "empty line"}
            else:
                answer = classify_line(line)
            out.write(orjson.dumps(answer) + b"\n")
        out.flush()
