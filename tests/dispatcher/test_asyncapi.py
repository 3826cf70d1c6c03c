"""docs/asyncapi.json is what `binrelay asyncapi` prints today."""

from __future__ import annotations

import json

from binrelay_shared.asyncapi import document

from .helpers import REPO


def test_committed_asyncapi_document_is_current() -> None:
    """Given the committed docs/asyncapi.json,
    when the document is generated from the event models,
    then they are equal (regenerate with `binrelay asyncapi > docs/asyncapi.json`),
    and the police-zone feed bin.dispatch.{zone}.v1 is described with the Dispatch schema."""
    committed = json.loads((REPO / "docs" / "asyncapi.json").read_text("utf-8"))
    assert committed == json.loads(json.dumps(document())), "regenerate: binrelay asyncapi > docs/asyncapi.json"
    dispatch = committed["channels"]["dispatch"]
    assert dispatch["address"] == "bin.dispatch.{zone}.v1"
    schema = committed["components"]["schemas"]["Dispatch"]
    for name in ("report_id", "zone_id", "rendering", "classification", "held", "routes"):
        assert name in schema["properties"]
