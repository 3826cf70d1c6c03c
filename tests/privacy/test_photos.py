"""Photos: metadata stripped, regions blurred, undecodable input refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from binrelay_privacy import photos

from . import scene


def _image_bytes(fmt: str = "JPEG", with_exif: bool = True) -> bytes:
    rng = np.random.default_rng(7)
    img = Image.fromarray(rng.integers(0, 255, (60, 80, 3), dtype=np.uint8))
    buf = io.BytesIO()
    if with_exif:
        exif = Image.Exif()
        exif.get_ifd(0x8825)[2] = (50.0, 50.0, 0.0)
        exif[0x0112] = 6  # orientation: rotate
        img.save(buf, format=fmt, exif=exif)
    else:
        img.save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_strip_metadata(fmt: str) -> None:
    """Given an image with EXIF (GPS and orientation),
    When its metadata is stripped,
    Then the result decodes, has no EXIF, and the orientation is applied to the pixels."""
    cleaned, content_type = photos.strip_metadata(_image_bytes(fmt))
    img = Image.open(io.BytesIO(cleaned))
    assert content_type.startswith("image/")
    assert not img.getexif()
    assert img.size == (60, 80)  # rotated by the orientation tag
    assert b"Exif" not in cleaned


def test_blur_regions_removes_detail() -> None:
    """Given a detailed image and a region,
    When the region is blurred,
    Then its detail (variance) drops sharply and the rest is unchanged."""
    img = Image.open(io.BytesIO(_image_bytes("PNG", with_exif=False))).convert("RGB")
    before = np.asarray(img).astype(float)
    after = np.asarray(photos.blur_regions(img, [(20, 10, 40, 40)])).astype(float)
    assert after[14:46, 26:54].std() < before[14:46, 26:54].std() / 3
    assert np.array_equal(after[:, :10], before[:, :10])


def test_the_scene_has_a_face_and_a_plate_the_cascades_find() -> None:
    """Given the generated scene (one drawn face, one drawn plate, a textured patch),
    When the bundled cascades look for faces and plates,
    Then they find the face and the plate, and nothing in the textured patch."""
    regions = photos.detect_regions(scene.scene())
    assert any(scene.overlaps(r, scene.FACE_BOX) for r in regions), regions
    assert any(scene.overlaps(r, scene.PLATE_BOX) for r in regions), regions
    assert not any(scene.overlaps(r, scene.DETAIL_BOX) for r in regions), regions


def _decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _inside(box: tuple[int, int, int, int]) -> tuple[slice, slice]:
    x0, y0, x1, y1 = box
    return slice(y0, y1), slice(x0, x1)


def test_blur_faces_and_plates_changes_the_face_and_the_plate_and_nothing_else() -> None:
    """Given the scene with a face and a plate (bundled cascades, offline),
    When faces and plates are blurred,
    Then two regions are reported, the face's eyes and the plate's characters are gone (their
    contrast collapses), and every 16-pixel JPEG block away from both is bit-identical to the same
    image with only its metadata stripped."""
    data = scene.scene_bytes()
    blurred, content_type, regions = photos.blur_faces_and_plates(data)
    stripped, _ = photos.strip_metadata(data)
    assert content_type == "image/jpeg" and not Image.open(io.BytesIO(blurred)).getexif()
    assert regions >= 2
    after, before = _decoded(blurred), _decoded(stripped)
    # the plate's characters: black on white before, a grey smear after
    plate = _inside(scene.PLATE_BOX)
    assert before[plate].std() > 60 and after[plate].std() < before[plate].std() / 3
    assert after[plate].min() > 40  # no black character survives
    # the face: dark eyes and brows on skin before; the eye row is smeared after
    x0, y0, x1, _ = scene.FACE_BOX
    side = x1 - x0
    eyes = (slice(y0 + int(side * 0.38), y0 + int(side * 0.49)), slice(x0 + int(side * 0.3), x0 + int(side * 0.7)))
    assert before[eyes].min() < 60 and after[eyes].min() > before[eyes].min() + 40
    assert np.abs(after[eyes] - before[eyes]).mean() > 25
    # the rest: the textured patch and the untouched background are exactly as stripped
    detail = _inside(scene.DETAIL_BOX)
    assert np.array_equal(after[detail], before[detail])
    assert np.array_equal(after[336:, :288], before[336:, :288])  # bottom-left, below the face's margin


def test_blur_of_an_image_without_faces_or_plates_changes_nothing() -> None:
    """Given random noise (no face, no plate),
    When faces and plates are blurred,
    Then no region is reported and the pixels are those of the metadata-stripped image."""
    data = _image_bytes("PNG", with_exif=False)
    blurred, _, regions = photos.blur_faces_and_plates(data)
    assert regions == 0
    assert np.array_equal(_decoded(blurred), _decoded(photos.strip_metadata(data)[0]))


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n broken"])
def test_undecodable_refused(data: bytes) -> None:
    """Given bytes that are not a decodable image,
    When they are cleaned,
    Then PhotoError is raised (the caller withholds) and the message holds no content."""
    with pytest.raises(photos.PhotoError) as info:
        photos.strip_metadata(data)
    assert "not an image" not in str(info.value)
