"""Licence plates: every format, separator and case; look-alikes left alone."""

from __future__ import annotations

import pytest

from binrelay_privacy.detectors import plates

FOUND = [
    # (sentence, plate)
    ("Witte bestelwagen 1-ABC-123 in de straat.", "1-ABC-123"),
    ("Auto 1 ABC 123 stond daar.", "1 ABC 123"),
    ("plaat 1abc123 gezien", "1abc123"),
    ("I saw 1-xyz-789 yesterday", "1-xyz-789"),
    ("Plaque 2–KLM–316.", "2–KLM–316"),
    ("Plate: 1.ABC.123.", "1.ABC.123"),
    ("Oude plaat ABC-123.", "ABC-123"),
    ("Old plate GRV 554 seen", "GRV 554"),
    ("plaat kdx-472 op de aanhangwagen", "kdx-472"),
    ("Oldtimer 482-BFK.", "482-BFK"),
    ("Oldtimer 713 HDL.", "713 HDL"),
    ("kenteken 12-BXF-3", "12-BXF-3"),
    ("kenteken VK-34-RT", "VK-34-RT"),
    ("kenteken 4-TFK-92", "4-TFK-92"),
    ("kenteken GT-459-B", "GT-459-B"),
    ("kenteken H-217-KD", "H-217-KD"),
    ("kenteken ZTL-48-J", "ZTL-48-J"),
    ("kenteken 52-PL-RS", "52-PL-RS"),
    ("kenteken DR-TX-56", "DR-TX-56"),
    ("kenteken 23-45-XK", "23-45-XK"),
    ("kenteken XK-23-45", "XK-23-45"),
    ("kenteken D-12-BKR", "D-12-BKR"),
    ("kenteken 123-TK-4", "123-TK-4"),
    ("kenteken 5-XL-235", "5-XL-235"),
    ("voiture AB-123-CD", "AB-123-CD"),
    ("voiture FG 456 HJ", "FG 456 HJ"),
    ("voiture kl352mn", "kl352mn"),
    ("voiture 4512 TX 59", "4512 TX 59"),
    ("Auto B-AB 1234 gezien", "B-AB 1234"),
    ("German plate B AB 1234", "B AB 1234"),
    ("Auto M-XY 381", "M-XY 381"),
    ("van HH-RK 77", "HH-RK 77"),
    ("e-car KA-E 5123E", "KA-E 5123E"),
    ("Luxemburgse auto KT 4821", "KT 4821"),
    ("véhicule XR-7315", "XR-7315"),
    ("plate GH4711 on a SUV", "GH4711"),
    ("(1-XYZ-789)", "1-XYZ-789"),
    ("plaat: 1ABC123!", "1ABC123"),
    ("plaat nummer 1-ABC-123", "1-ABC-123"),
    ("plate number AB-123-CD", "AB-123-CD"),
]


@pytest.mark.parametrize(("text", "plate"), FOUND)
def test_plate_found(text: str, plate: str) -> None:
    """Given a sentence with a plate of a supported format,
    When the plate detector runs,
    Then exactly that plate is found, with its span in the original text."""
    hits = plates.detect(text)
    assert [text[h.start : h.end] for h in hits] == [plate]
    assert all(h.kind == "plate" for h in hits)


NOT_PLATES = [
    "Om 22u30 en 10h15 gezien.",
    "Op 12-03-2024 en 3-mei-24.",
    "Kost 250 EUR of EUR 450.",
    "Postcode 1000 Brussel, B-1000, NL-1234 AB.",
    "PV BR.55.L1.123456/2024",
    "PV-2024 en REF-123",
    "en 100 km verder",
    "Een grijze BMW X5 en een Audi A4 op de E40.",
    "VW 2019 Polo",
    "IN DE 1000 BRUSSEL",
    "3 van 150 euro",
    "2de verdieping, 3ème étage, 1st floor",
    "Bel 101 of 112.",
    "1m80, 35-jarige, 25-30 ans",
    "ABC-123-45 is een artikelcode",
    "nummer 12-AB-34 in de lijst",
]


@pytest.mark.parametrize("text", NOT_PLATES)
def test_look_alike_not_a_plate(text: str) -> None:
    """Given a sentence with times, dates, prices, postcodes, references or vehicle models,
    When the plate detector runs,
    Then nothing is found."""
    assert plates.detect(text) == []


@pytest.mark.parametrize(
    ("template", "sep"),
    [("{d}{s}{l}{s}{n}", s) for s in ("-", " ", "")],
)
@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_belgian_plate_any_separator_and_case(template: str, sep: str, case: object) -> None:
    """Given a current Belgian plate written with dashes, spaces or nothing, upper or lower case,
    When the plate detector runs,
    Then it is found."""
    assert callable(case)
    plate = template.format(d="1", l=case("KRT"), n="904", s=sep)
    text = f"Verdacht voertuig {plate} gezien."
    assert [text[h.start : h.end] for h in plates.detect(text)] == [plate]
