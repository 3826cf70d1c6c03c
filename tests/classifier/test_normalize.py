"""Folding: one normal form for lexicons and reports."""

from __future__ import annotations

import pytest

from binrelay_classifier.normalize import fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Cambriolage en cours, ÇA SE PASSE MAINTENANT", "cambriolage en cours ca se passe maintenant"),
        ("n'est plus là", "n est plus la"),
        ("Straße  Überfall", "strasse uberfall"),
        ("heeeelp!!!", "heelp!!!"),
        ("break-in rn", "break in rn"),
        ("il s’est enfui", "il s est enfui"),
        ("Est-ce normal ?", "est ce normal ?"),
        ("œuf, cœur", "oeuf coeur"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    """Given a report text with accents, apostrophes, hyphens or stretched letters,
    When it is folded,
    Then it is lower case ASCII with single spaces, keeping ? and !."""
    assert fold(raw) == folded
