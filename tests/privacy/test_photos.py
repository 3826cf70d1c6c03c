"""Photos: metadata stripped, regions blurred, undecodable input refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from binrelay_privacy import photos


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


def test_blur_faces_and_plates_runs_offline() -> None:
    """Given an image,
    When faces and plates are blurred with the bundled cascades,
    Then a metadata-free image comes back (no network, no model download)."""
    cleaned, _, regions = photos.blur_faces_and_plates(_image_bytes())
    assert regions >= 0
    assert not Image.open(io.BytesIO(cleaned)).getexif()


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n broken"])
def test_undecodable_refused(data: bytes) -> None:
    """Given bytes that are not a decodable image,
    When they are cleaned,
    Then PhotoError is raised (the caller withholds) and the message holds no content."""
    with pytest.raises(photos.PhotoError) as info:
        photos.strip_metadata(data)
    assert "not an image" not in str(info.value)
