"""Phone numbers: BE/NL/FR/DE/LU, national and international forms, usual separators."""

from __future__ import annotations

import pytest

from binrelay_privacy.detectors import phones

FOUND = [
    "0470 12 34 56",
    "0470/12.34.56",
    "0486-55-21-09",
    "0471223344",
    "+32 470 12 34 56",
    "+32470123456",
    "0032 478 99 10 21",
    "0032 470-12-34-56",
    "+32 (0)475 66 77 88",
    "+32(0)470-12-34-56",
    "(+32) 470 12 34 56",
    "02 555 12 34",
    "02/555.12.34",
    "(02) 555 12 34",
    "09 123 45 67",
    "+32 2 511 22 33",
    "0468 12 34 56",
    "0497.88.77.66",
    "06-12345678",
    "06 1234 5678",
    "+31 6 1234 5678",
    "+31 (0)6 12345678",
    "020-1234567",
    "06 12 34 56 78",
    "06.12.34.56.78",
    "+33 6 12 34 56 78",
    "01 42 68 53 00",
    "0171 1234567",
    "+49 171 1234567",
    "+49 30 12345678",
    "030/12345678",
    "+352 621 123 456",
    "00352 27 12 34 56",
    "691 234 567",
]


@pytest.mark.parametrize("number", FOUND)
@pytest.mark.parametrize("frame", ["Bel {} aub.", "Appelez le {}.", "tel: {}", "({})"])
def test_phone_found(number: str, frame: str) -> None:
    """Given a sentence with a phone number in a supported national or international form,
    When the phone detector runs,
    Then exactly the number is found."""
    text = frame.format(number)
    assert [text[h.start : h.end] for h in phones.detect(text)] == [number]


NOT_PHONES = [
    "Bel 101 of 112.",
    "Op 05/06/2024 10:30 aan de deur.",
    "Op 12.03.2024 om 14.00 uur.",
    "PV 012345/2024 en dossier 0123/456789",
    "Kost 1.250.000 euro.",
    "Postcode 1120, zone 5339.",
    "Tussen 02:30-03:15 's nachts.",
    "Code 1207 tot 31/12.",
    "Notitienummer 2024/000456",
    "Nummer 90.02.01-123.45 (geen geldig rijksregisternummer, ook geen telefoon)",
    "BTW BE 0403.199.702",
    "Card Stop: 078 170 170, gratis 0800 12 345",
]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_look_alike_not_a_phone(text: str) -> None:
    """Given emergency numbers, dates, times, references, prices or postcodes,
    When the phone detector runs,
    Then nothing is found."""
    assert phones.detect(text) == []


def test_trailing_count_not_swallowed() -> None:
    """Given a number followed by a count ("... 56 2 mannen"),
    When the phone detector runs,
    Then the span ends with the number."""
    text = "0470 12 34 56 2 mannen"
    assert [text[h.start : h.end] for h in phones.detect(text)] == ["0470 12 34 56"]
