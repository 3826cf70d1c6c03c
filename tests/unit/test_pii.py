"""The kinds of personal data are one enum, and none may lack a placeholder."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry
from pydantic import ValidationError

from binrelay_privacy.detectors import KINDS
from binrelay_privacy.policy import ALL_KINDS
from binrelay_privacy.service import redaction_counter
from binrelay_shared.events import Finding
from binrelay_shared.languages import LANGUAGES
from binrelay_shared.pii import PLACEHOLDERS, PiiKind, missing_placeholders, placeholder


def test_every_kind_has_a_placeholder_in_every_language() -> None:
    for kind in PiiKind:
        for lang in LANGUAGES:
            assert placeholder(kind, lang).startswith("[")


def test_a_kind_without_a_placeholder_in_one_language_is_named() -> None:
    # Given a table where the plate lacks its German placeholder
    table = {k: dict(v) for k, v in PLACEHOLDERS.items()}
    del table[PiiKind.plate]["de"]
    # Then the check names exactly that pair
    assert missing_placeholders(table) == ["plate/de"]


def test_unknown_language_reads_dutch() -> None:
    assert placeholder(PiiKind.phone, "xx") == "[telefoonnummer]"


def test_detectors_policy_and_metrics_use_the_one_enum() -> None:
    assert set(KINDS) == set(PiiKind) == set(ALL_KINDS)
    registry = CollectorRegistry()
    redaction_counter(registry)
    labels = {s.labels["kind"] for m in registry.collect() for s in m.samples if s.name.endswith("_total")}
    assert labels == {k.value for k in PiiKind}  # no "other": every finding has a known kind


def test_a_finding_of_an_unknown_kind_is_refused() -> None:
    assert Finding(kind="plate", start=0, end=3).kind is PiiKind.plate
    with pytest.raises(ValidationError):
        Finding(kind="shoe_size", start=0, end=3)
