"""E-mail addresses, IBANs, national register numbers and names."""

from __future__ import annotations

import pytest

from binrelay_privacy.detectors import addresses, emails, find, iban, names, national_number

from .labelled_set import IBAN_BE1, IBAN_DE, IBAN_FR, IBAN_LU, IBAN_NL, NN1, NN3, grouped
from .labelled_set import iban as make_iban


@pytest.mark.parametrize(
    "address",
    [
        "jan.peeters@example.be",
        "marie_dubois+plp@voorbeeld.org",
        "Security.Alert@Example-Bank.COM",
        "an [at] example [dot] com",
        "p.lambert(at)exemple.fr",
    ],
)
def test_email_found(address: str) -> None:
    """Given a sentence with an e-mail address (plain or obfuscated),
    When the e-mail detector runs,
    Then exactly the address is found."""
    text = f"Mail {address}, bedankt."
    assert [text[h.start : h.end] for h in emails.detect(text)] == [address]


@pytest.mark.parametrize(
    "value",
    [
        IBAN_BE1,
        grouped(IBAN_BE1),
        grouped(IBAN_BE1).lower(),
        grouped(IBAN_BE1, "-"),
        grouped(IBAN_NL),
        grouped(IBAN_FR),
        IBAN_DE,
        grouped(IBAN_LU),
    ],
)
def test_iban_found(value: str) -> None:
    """Given a valid IBAN, grouped by four or not, any case,
    When the IBAN detector runs,
    Then exactly the IBAN is found (a following word is not swallowed)."""
    text = f"Rekening {value} voor de huur."
    assert [text[h.start : h.end] for h in iban.detect(text)] == [value]


def test_iban_with_wrong_checksum_ignored() -> None:
    """Given an IBAN-shaped string whose check digits are wrong,
    When the IBAN detector runs,
    Then nothing is found."""
    good = make_iban("BE", "0000000000")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    assert iban.detect(f"Rekening {grouped(bad)}.") == []
    assert iban.detect("Luxemburgse auto KT 4821 stond voor de ingang.") == []


@pytest.mark.parametrize(
    "value",
    [
        f"{NN1[0:2]}.{NN1[2:4]}.{NN1[4:6]}-{NN1[6:9]}.{NN1[9:]}",
        NN1,
        f"{NN1[:6]} {NN1[6:9]} {NN1[9:]}",
        f"{NN1[:6]}-{NN1[6:9]}-{NN1[9:]}",
        f"{NN3[:2]} {NN3[2:4]} {NN3[4:6]} {NN3[6:9]} {NN3[9:]}",
    ],
)
def test_national_number_found(value: str) -> None:
    """Given a valid national register number (born before or after 2000), any separators,
    When the national number detector runs,
    Then exactly the number is found."""
    text = f"Rijksregisternummer {value}."
    assert [text[h.start : h.end] for h in national_number.detect(text)] == [value]


def test_national_number_checksum() -> None:
    """Given eleven digits with wrong check digits,
    When the national number detector runs,
    Then nothing is found."""
    bad = NN1[:9] + f"{(int(NN1[9:]) + 1) % 100:02d}"
    assert national_number.detect(f"nummer {bad}") == []


NAMES = [
    ("Mijn naam is Karel Verstraeten en ik woon hier.", "Karel Verstraeten"),
    ("Ik zag meneer Van den Bossche.", "Van den Bossche"),
    ("Mevrouw Claessens zag het ook.", "Claessens"),
    ("Mijn buurman Dirk heeft beelden.", "Dirk"),
    ("Groeten,\nAnnelies Wouters", "Annelies Wouters"),
    ("Je m'appelle Sophie Lejeune.", "Sophie Lejeune"),
    ("M. Lambert était présent.", "Lambert"),
    ("Cordialement, Julien Masson", "Julien Masson"),
    ("My name is Peter Hall.", "Peter Hall"),
    ("Mr. J. Smith was there", "J. Smith"),
    ("dhr. de Smet belde", "de Smet"),
    ("De verdachte, Jan Peeters, is gekend.", "Jan Peeters"),
    ("The witness John Smith called us.", "John Smith"),
    ("Bij familie Peeters werd ingebroken.", "Peeters"),
    ("MEVROUW CLAESSENS ZAG HET OOK", "CLAESSENS"),
    ("mijn naam is jan peeters en ik woon hier", "jan peeters"),
    ("Met vriendelijke groeten,\nJan Peeters\nMeudonstraat 12", "Jan Peeters"),
    ("Doorgestuurd bericht\nFrom: John Smith\nSubject: car", "John Smith"),
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_name_after_signal(text: str, name: str) -> None:
    """Given a name after a reliable signal (title, introduction, relation, closing formula),
    When the name detector runs,
    Then the name (without the title) is found."""
    assert [text[h.start : h.end] for h in names.detect(text)] == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Ik ben bang.",
        "Madame la Bourgmestre a été prévenue.",
        "Monsieur le Commissaire, bonjour",
        "I called the police.",
        "Groeten, de buren van de Meudonstraat",
        "Cordialement, le comité du PLP",
        "Meneer de agent kwam kijken.",
        "1,80 m. Groot postuur",
        "Rue Bodenbroek 8 en Grote Zavel 40.",
        "De verdachte Audi reed weg.",
        "mijn naam is niet belangrijk",
    ],
)
def test_no_name_without_signal(text: str) -> None:
    """Given capitalised words without a name signal, or a signal followed by a role,
    When the name detector runs,
    Then nothing is found."""
    assert names.detect(text) == []


def test_known_reporter_name() -> None:
    """Given the reporter's own name,
    When it occurs anywhere in the text, in any case,
    Then every occurrence is found."""
    text = "Ik, jan peeters, zag het. Peeters"
    found = [text[h.start : h.end] for h in find(text, known_names=["Jan Peeters"])]
    assert found == ["jan peeters", "Peeters"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("De dader woont in de Meudonstraat 14 bus 3.", "14 bus 3"),
        ("Ik woon op nummer 27.", "27"),
        ("Elle habite rue Lebeau 8, au 2e.", "8"),
        ("She lives at 12 Rue Bodenbroek.", "12"),
        ("Zijn adres is Baljuwstraat 21A.", "21A"),
    ],
)
def test_house_number_where_someone_lives(text: str, number: str) -> None:
    """Given a sentence that says where someone lives,
    When the address detector runs,
    Then the house number (not the street) is found."""
    assert [text[h.start : h.end] for h in addresses.detect(text)] == [number]


@pytest.mark.parametrize(
    "text",
    [
        "Aan de Meudonstraat 12 stond een auto.",
        "Hij woont hier al 12 jaar.",
        "Il habite à Bruxelles depuis 2019.",
        "Ze woont in 1120 Neder-over-Heembeek.",
        "Huisnummer 34 en 36, 2de verdieping.",
    ],
)
def test_no_house_number_without_residence(text: str) -> None:
    """Given numbers of places, durations, years and postcodes,
    When the address detector runs,
    Then nothing is found."""
    assert addresses.detect(text) == []


def test_two_ibans_in_a_row() -> None:
    """Given two grouped IBANs one after the other,
    When the IBAN detector runs,
    Then both are found (the greedy first match does not swallow the second)."""
    text = f"{grouped(IBAN_BE1)} {grouped(IBAN_NL)}"
    assert [text[h.start : h.end] for h in iban.detect(text)] == [grouped(IBAN_BE1), grouped(IBAN_NL)]


def test_text_that_passes_mod97_by_chance_does_not_hide_the_iban_after_it() -> None:
    """Given an e-mail address, an amount and an IBAN in a row, where "be 250 EUR BE73 7350"
    passes the mod-97 check by chance (found by hypothesis), when the report is cleared,
    then the IBAN itself is redacted: a Belgian account part is twelve digits, not "250EURBE737350"."""
    text = "jan.peeters@example.be 250 EUR BE73 7350 1234 5660 voor de huur"
    kinds = {(h.kind, text[h.start:h.end]) for h in find(text)}
    assert ("iban", "BE73 7350 1234 5660") in kinds
    assert not iban.detect("be 250 EUR BE73 7350")
