"""clear_report: one rendering per audience, per the network's privacy policy."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from binrelay_privacy.clear import clear_report, render_text
from binrelay_privacy.detectors import find
from binrelay_privacy.language import guess_language
from binrelay_privacy.policy import PrivacyPolicy
from binrelay_shared.attachments import AttachmentStore
from binrelay_shared.events import (
    Attachment,
    Audience,
    Category,
    Classification,
    Kind,
    Origin,
    Report,
    Reporter,
    Urgency,
)
from binrelay_shared.pii import PLACEHOLDERS, PiiKind

from . import scene
from .labelled_set import IBAN_BE1, NN1, grouped

TEXT = (
    "Witte bestelwagen 1-ABC-123 om 22u30 aan de Meudonstraat 12. Hij belde van 0470 12 34 56, "
    f"mail jan.peeters@example.be, rekening {grouped(IBAN_BE1)}, rijksregisternummer {NN1}. "
    "Bel 101 of 112. Groeten, Jan Peeters"
)
VALUES = ["1-ABC-123", "0470 12 34 56", "jan.peeters@example.be", grouped(IBAN_BE1), NN1, "Jan Peeters"]
KEPT = ["22u30", "Meudonstraat 12", "101", "112"]


def _report(text: str = TEXT, attachments: tuple[Attachment, ...] = ()) -> Report:
    reporter = Reporter(ref="member-17", contact="+32 470 99 88 77", name="Jan Peeters", language="nl")
    return Report(text=text, reporter=reporter, attachments=attachments)


def _classification(language: str = "nl") -> Classification:
    return Classification(
        urgency=Urgency.non_urgent,
        category=Category.suspicious_vehicle,
        language=language,
        confidence=0.9,  # type: ignore[arg-type]
    )


def test_police_gets_everything() -> None:
    """Given a report full of personal data,
    When it is cleared,
    Then the police rendering is the complete text with the reporter, and the result is computed."""
    findings, renderings, computed = clear_report(_report(), _classification())
    police = renderings[Audience.police]
    assert computed is True
    assert police.text == TEXT
    assert police.reporter is not None and police.reporter.ref == "member-17"
    assert {f.kind for f in findings} == {"plate", "phone", "email", "iban", "national_number", "name"}


@pytest.mark.parametrize("audience", [Audience.group, Audience.coordinator])
def test_group_and_coordinator_get_no_personal_data(audience: Audience) -> None:
    """Given a report full of personal data,
    When it is cleared with the default policy,
    Then the group and coordinator texts hold none of the values, keep times, streets and
    101/112, and use Dutch placeholders."""
    _, renderings, _ = clear_report(_report(), _classification("nl"))
    text = renderings[audience].text
    for value in VALUES:
        assert value not in text
    for kept in KEPT:
        assert kept in text
    assert "[kenteken]" in text and "[telefoonnummer]" in text
    assert set(renderings[audience].redacted) == {"plate", "phone", "email", "iban", "national_number", "name"}


def test_reporter_identity_only_for_coordinator() -> None:
    """Given the default policy,
    When a report is cleared,
    Then the coordinator gets the reporter (contact) and the group does not."""
    _, renderings, _ = clear_report(_report(), _classification())
    assert renderings[Audience.coordinator].reporter is not None
    assert renderings[Audience.group].reporter is None
    no_contact = PrivacyPolicy(coordinator_gets_reporter=False)
    _, renderings, _ = clear_report(_report(), _classification(), policy=no_contact)
    assert renderings[Audience.coordinator].reporter is None


def test_policy_lets_coordinator_see_plates() -> None:
    """Given a plan that lets the coordinator read plates,
    When a report is cleared,
    Then the coordinator text keeps the plate and the group text still does not."""
    policy = PrivacyPolicy.model_validate({"coordinator_sees": ["plate"]})
    _, renderings, _ = clear_report(_report(), _classification(), policy=policy)
    assert "1-ABC-123" in renderings[Audience.coordinator].text
    assert "1-ABC-123" not in renderings[Audience.group].text
    assert "plate" not in renderings[Audience.coordinator].redacted


@pytest.mark.parametrize("language", ["nl", "fr", "en", "de"])
def test_placeholder_language(language: str) -> None:
    """Given a classification in a language,
    When a report is cleared,
    Then the placeholders are in that language."""
    _, renderings, _ = clear_report(_report(), _classification(language))
    assert PLACEHOLDERS[PiiKind.plate][language] in renderings[Audience.group].text


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"group_sees": ["plates"]}, "group_sees"),
        ({"group_photos": "show"}, "group_photos"),
        ({"colour": 1}, "colour"),
        ({"coordinator_sees": "plate"}, "coordinator_sees"),
    ],
)
def test_bad_policy_refused(mapping: dict[str, object], message: str) -> None:
    """Given a plan's privacy section with a mistake,
    When it is loaded,
    Then a ValueError names the key (the network loader turns it into a problem with file, line
    and fix: tests/dispatcher/plan_check_cases.yaml)."""
    with pytest.raises(ValueError, match=message):
        PrivacyPolicy.model_validate(mapping)


def test_render_text_for_police_is_identity() -> None:
    """Given findings in a text,
    When rendered for the police,
    Then the text is unchanged and nothing is reported redacted."""
    hits = find(TEXT)
    assert render_text(TEXT, "police", "nl", hits) == (TEXT, ())


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "FictiCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (50.0, 50.0, 0.0)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def test_photos_per_audience(tmp_path: Path) -> None:
    """Given a report with a JPEG carrying GPS EXIF and a PDF,
    When it is cleared with the default policy,
    Then the police get the originals, the coordinator a metadata-free copy of the photo (PDF
    withheld), and the group nothing (both withheld)."""
    store = AttachmentStore(tmp_path)
    photo = store.put(_jpeg_with_gps(), "image/jpeg", "photo.jpg")
    pdf = store.put(b"%PDF-1.4 fictitious", "application/pdf", "doc.pdf")
    report = _report(attachments=(photo, pdf))
    _, renderings, _ = clear_report(report, _classification(), store=store)
    assert renderings[Audience.police].attachments == (photo, pdf)
    coordinator = renderings[Audience.coordinator]
    assert len(coordinator.attachments) == 1 and coordinator.withheld_attachments == 1
    cleaned = store.get(coordinator.attachments[0].ref)
    assert coordinator.attachments[0].ref != photo.ref
    assert not Image.open(io.BytesIO(cleaned)).getexif()
    group = renderings[Audience.group]
    assert group.attachments == () and group.withheld_attachments == 2


def test_group_blur_option_and_missing_bytes(tmp_path: Path) -> None:
    """Given a plan with group_photos: blur, a photo in the store and one missing from it,
    When the report is cleared,
    Then the group gets a cleaned copy of the stored photo and the missing one is withheld."""
    store = AttachmentStore(tmp_path)
    photo = store.put(_jpeg_with_gps(), "image/jpeg")
    missing = Attachment(ref="sha256:" + "0" * 64, content_type="image/jpeg", size=10)
    policy = PrivacyPolicy(group_photos="blur")
    _, renderings, _ = clear_report(
        _report(attachments=(photo, missing)), _classification(), policy=policy, store=store
    )
    group = renderings[Audience.group]
    assert len(group.attachments) == 1 and group.withheld_attachments == 1
    assert not Image.open(io.BytesIO(store.get(group.attachments[0].ref))).getexif()


def test_group_blur_option_blurs_the_plate_the_coordinator_sees(tmp_path: Path) -> None:
    """Given a plan with group_photos: blur and a photo of a face and a licence plate,
    When the report is cleared,
    Then the coordinator's copy keeps the plate's black characters and the group's copy has none:
    the group gets the blurred image, not merely a metadata-free one."""
    store = AttachmentStore(tmp_path)
    photo = store.put(scene.scene_bytes("JPEG"), "image/jpeg", "street.jpg")
    _, renderings, _ = clear_report(
        _report(attachments=(photo,)), _classification(), policy=PrivacyPolicy(group_photos="blur"), store=store
    )

    def plate_of(audience: Audience) -> np.ndarray:
        ref = renderings[audience].attachments[0].ref
        pixels = np.asarray(Image.open(io.BytesIO(store.get(ref))).convert("L")).astype(int)
        x0, y0, x1, y1 = scene.PLATE_BOX
        return pixels[y0:y1, x0:x1]

    assert plate_of(Audience.coordinator).min() < 40
    assert plate_of(Audience.group).min() > 40


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Verdachte auto met plaat 1-ABC-123 gezien in de straat", "nl"),
        ("Voiture suspecte vue à 22h30 dans la rue", "fr"),
        ("A suspicious car was seen in the street", "en"),
        ("Verdächtiges Auto in der Straße gesehen", "de"),
        ("1-ABC-123", "nl"),
    ],
)
def test_language_guess(text: str, language: str) -> None:
    """Given a short report without a language field,
    When the CLI guesses its language,
    Then it picks the right one, and Dutch when nothing tells."""
    assert guess_language(text) == language


def test_police_alarm_verbatim_only_when_the_plan_says_so() -> None:
    """Given a police alarm naming a wanted vehicle's plate,
    When it is cleared with the default policy, then with police_text_verbatim,
    Then the group gets the plate redacted by default and as written with the option;
    a member's report is redacted either way."""
    alarm = Report(
        origin=Origin.police, kind=Kind.alarm, text="Gezocht: grijze Audi 1-ABC-123.", reporter=Reporter(ref="zone")
    )
    _, renderings, _ = clear_report(alarm, _classification())
    assert "1-ABC-123" not in renderings[Audience.group].text
    verbatim = PrivacyPolicy.model_validate({"police_text_verbatim": True})
    _, renderings, _ = clear_report(alarm, _classification(), policy=verbatim)
    assert renderings[Audience.group].text == alarm.text
    _, renderings, _ = clear_report(_report(), _classification(), policy=verbatim)
    assert "1-ABC-123" not in renderings[Audience.group].text
