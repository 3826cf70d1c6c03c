"""The pre-scan never misses what a full scan finds.

:func:`binrelay_privacy.detectors.find` scans each text once (:class:`~binrelay_privacy.detectors.scan.Scan`)
for where a detector's match can start — digit runs, key words, an ``@`` — and runs the precise
detectors (phonenumbers, schwifty-like IBAN checks, stdnum) only there. The reference here is the
same detectors with every shortcut off: each pattern tried at every position of the text
(``finditer``/``search``), every token a possible plate start, every detector run whatever the
text holds. Both must give the same findings, span for span, over the realistic corpora (the
pipeline benchmark's generator, the labelled classifier and privacy sets) and adversarial texts:
Unicode digits, spaces and other separators inside numbers, ``+32`` / ``0032`` / ``(0)`` forms.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binrelay_privacy import detectors
from binrelay_privacy.detectors import Hit, addresses, emails, find, iban, names, national_number, phones
from binrelay_privacy.detectors.scan import Scan

from .labelled_set import IBAN_BE1, IBAN_NL, NN1, grouped

DATA = Path(__file__).resolve().parents[1] / "data"


class _FullScan(Scan):
    """A Scan that says "a match can start anywhere": every position is a digit start."""

    __slots__ = ()

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.digit_starts = list(range(len(text)))


def _finditer_everywhere(pattern: re.Pattern[str], text: str, starts: Sequence[int]) -> Iterator[re.Match[str]]:
    return pattern.finditer(text)


def _search_everywhere(pattern: re.Pattern[str], text: str, pos: int, starts: Sequence[int]) -> re.Match[str] | None:
    return pattern.search(text, pos)


@contextmanager
def _full_scan() -> Iterator[None]:
    """Every shortcut of the detectors off, for the duration."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(detectors, "Scan", _FullScan)
        for module in (addresses, names, national_number, phones):
            mp.setattr(module, "finditer_at", _finditer_everywhere)
        for module in (iban, names):
            mp.setattr(module, "search_at", _search_everywhere)
        mp.setattr(emails, "_BRACKETED_AT", re.compile(""))  # the "@ or bracketed at" check always passes
        yield


def _full(text: str, known: Sequence[str] = ()) -> list[Hit]:
    with _full_scan():
        return find(text, known_names=known)


def _corpus() -> list[str]:
    """The benchmark generator's reports, the classifier's and the privacy filter's labelled texts."""
    import sys

    sys.path.insert(0, str(DATA.parents[1]))
    from bench.reports import make_report
    from binrelay_shared.codec import decode
    from binrelay_shared.events import ReportReceived

    rng = random.Random(18)
    texts = [decode(ReportReceived, make_report(rng, rng.random() < 0.1)[1]).report.text for _ in range(300)]
    for name in ("reports_labelled.jsonl", "privacy_labelled.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line:
                texts.append(json.loads(line)["text"])
    return texts


ADVERSARIAL = [
    # Unicode digits: Arabic-Indic, Devanagari, full-width, mathematical bold, superscripts
    "Bel mij op ٠٤٧٠ ١٢ ٣٤ ٥٦ of op ０４７０ １２ ３４ ５６.",
    "Nummer: ०४७० १२ ३४ ५६, plaat １-ＡＢＣ-１２３, rekening ＢＥ７１ ０９６１ ２３４５ ６７６９.",
    "Mijn gsm is 𝟎𝟒𝟕𝟎 𝟏𝟐 𝟑𝟒 𝟓𝟔 en de code ²³⁴.",
    # spaces and other separators inside numbers
    "Bel 0470 12 34 56, 0470/12.34.56, 0470-12-34-56, 0470\u00a012\u00a034\u00a056 of 0470\u202f123456.",
    "Rekening BE71 0961 2345 6769, BE71-0961-2345-6769, BE71096123456769 en be71 0961 2345 6769.",
    "Rijksregister 85.07.30-033.28, 85 07 30 033 28, 85073003328 en 85.07.30 033-28.",
    f"IBAN {grouped(IBAN_BE1)} / {IBAN_NL} / {grouped(IBAN_NL, '-')}; NN {NN1}.",
    # +32 / 0032 / (0) forms
    "Bel +32 470 12 34 56, 0032 470 12 34 56, +32 (0)470 12 34 56, +32(0)2 555 12 34 of 0032-2-555-12-34.",
    "Appelez le +32 2 555 12 34 ou le 0032 2 555 12 34 ou (02) 555 12 34 ou +33 6 12 34 56 78.",
    "Ruf +49 30 1234567 an, oder 0049 30 1234567, oder +31 6 12345678, oder 0031 6 12345678.",
    "+32470123456+32470123457 en 0032470123456,0032470123457",
    # numbers glued to words, dates and times next to numbers
    "tel.0470123456 gsm:0470 12 34 56 nr0470123456 (0470)123456 #0470123456",
    "Op 12/03/2024 om 22u30 belde 0470 12 34 56 om 02:30-03:15, op 13-03-2024 0032 470 12 34 56.",
    "PV BR.55.L1.123456/2024, dossier 0123/456789 0470 12 34 56, notitie 2024/000456.",
    # plates in every shape, near and far from context words
    "Plaat 1-ABC-123, 1 ABC 123, 1ABC123, ABC-123, AB-123-CD, nummerplaat 2-XYZ-987 en 1-abc-123.",
    "WAGEN 1-ABC-123 STOND DAAR, PLAAT AB-123-CD EN 7-KLM-456!",
    # e-mail obfuscations and brackets
    "Mail jan.peeters@example.be, jan [at] example [dot] be, jan(at)example(punt)be of JAN @ EXAMPLE.BE.",
    "Contact: lid12@example.org; lid13 {at} example {point} org; lid14 (@) example.org",
    # names: key words in any case, non-ASCII words, closings
    "MENEER Peeters en mevrouw Dubois, İk heet Özlem Yılmaz. Groeten, Karel Verstraeten",
    "Je m'appelle Élodie Lefèvre, signé: François. Mit freundlichen Grüßen, Jürgen Müller",
    # addresses
    "Hij woont op nummer 12 en zij woont in de Meudonstraat 14 bus 3; WOONT OP 7b, huisnummer ٤٢.",
    "",
    "0",
    "+",
    "@",
    "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠",
]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_adversarial_texts_find_what_a_full_scan_finds(text: str) -> None:
    """Given a text built to slip past a pre-scan (Unicode digits, separators inside numbers,
    +32/0032/(0) forms, glued numbers, obfuscated addresses),
    When find() runs with its shortcuts and with every shortcut off,
    Then both find the same spans of the same kinds."""
    known = ["Karel Verstraeten"]
    assert find(text, known_names=known) == _full(text, known)


def test_realistic_corpus_finds_what_a_full_scan_finds() -> None:
    """Given the benchmark generator's reports and every labelled classifier and privacy text,
    When find() runs with its shortcuts and with every shortcut off,
    Then both find the same spans of the same kinds in every text, and the corpus does hold
    personal data of every digit-bearing kind (so the comparison is not vacuous)."""
    texts = _corpus()
    fast = [find(t) for t in texts]
    with _full_scan():
        full = [find(t) for t in texts]
    differing = [(t, f, r) for t, f, r in zip(texts, fast, full, strict=True) if f != r]
    assert not differing, differing[:3]
    kinds = {h.kind.value for hits in fast for h in hits}
    assert {"phone", "iban", "plate", "email", "national_number"} <= kinds


def test_reference_is_a_full_scan() -> None:
    """Given a text where the pre-scan's start positions are deliberately emptied,
    When find() runs with the full-scan reference,
    Then it still finds the phone number: the reference does not depend on the Scan's positions."""
    text = "Bel 0470 12 34 56."
    with _full_scan(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(_FullScan, "word_starts", lambda self, first: [])
        assert [h.kind.value for h in find(text)] == ["phone"]


_PIECES = st.sampled_from(
    [
        "0470 12 34 56", "+32 470 12 34 56", "0032 470 12 34 56", "+32 (0)2 555 12 34", "٠٤٧٠ ١٢ ٣٤ ٥٦",
        "０４７０１２３４５６", "1-ABC-123", "AB-123-CD", grouped(IBAN_BE1), IBAN_NL, NN1, "jan@example.be",
        "jan [at] example [dot] be", "meneer Peeters", "Meudonstraat 12", "12/03/2024", "22u30", "02:30",
        "bel", "tel.", "gsm:", "plaat", "(", ")", "+", "-", "/", ".", ",", " ", "\u00a0", "\n", "0", "12", "ABC",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join))
def test_glued_fragments_find_what_a_full_scan_finds(text: str) -> None:
    """Given fragments of personal data and look-alikes glued with and without separators,
    When find() runs with its shortcuts and with every shortcut off,
    Then both find the same spans of the same kinds."""
    assert find(text) == _full(text)
