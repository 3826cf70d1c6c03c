"""Photos per audience: metadata stripped, faces and plates blurred.

- :func:`strip_metadata` decodes the image, applies the EXIF orientation to the pixels and
  re-encodes *pixels only*: EXIF (GPS above all), XMP, IPTC, comments and PNG text chunks are gone.
- :func:`blur_faces_and_plates` also finds frontal and profile faces and licence plates with
  OpenCV's bundled Haar cascades and blurs each region (with a margin) beyond recognition.
  Haar cascades miss faces that are small, turned or badly lit: blurring is a plan option for
  networks that accept that risk; withholding is the default for the group.

Both raise :class:`PhotoError` for anything they cannot decode; the caller then withholds the
attachment (fail closed). Error messages never contain image content or metadata.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow logs every EXIF tag with its value at DEBUG (GPS position, the camera owner's name): keep
# its loggers above DEBUG whatever the service's log level, so no metadata reaches a log.
for _name in ("PIL", "PIL.TiffImagePlugin", "PIL.Image", "PIL.PngImagePlugin", "PIL.JpegImagePlugin"):
    logging.getLogger(_name).setLevel(logging.INFO)

IMAGE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff"})
MAX_PIXELS = 40_000_000
_CASCADES = (
    "haarcascade_frontalface_default.xml",
    "haarcascade_profileface.xml",
    "haarcascade_russian_plate_number.xml",
    "haarcascade_license_plate_rus_16stages.xml",
)
_MARGIN = 0.15


class PhotoError(ValueError):
    """The attachment is not an image this filter can process."""


def is_image(content_type: str) -> bool:
    """Whether the filter knows how to clean an attachment of this type."""
    return content_type.split(";")[0].strip().lower() in IMAGE_TYPES


def _open(data: bytes) -> Image.Image:
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise PhotoError("image too large")
        img.load()
        rotated = ImageOps.exif_transpose(img)
        return rotated if rotated is not None else img
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"cannot decode image ({type(exc).__name__})") from None


def _pixels_only(img: Image.Image) -> Image.Image:
    """A new image with the same pixels and no metadata at all."""
    mode = img.mode
    if mode not in ("RGB", "RGBA", "L"):
        img = img.convert("RGBA" if "A" in mode or "transparency" in img.info else "RGB")
    return Image.frombytes(img.mode, img.size, img.tobytes())


def _encode(img: Image.Image) -> tuple[bytes, str]:
    out = io.BytesIO()
    if img.mode == "RGBA":
        img.save(out, format="PNG", optimize=False)
        return out.getvalue(), "image/png"
    img.save(out, format="JPEG", quality=90)
    return out.getvalue(), "image/jpeg"


def strip_metadata(data: bytes) -> tuple[bytes, str]:
    """The image re-encoded from its pixels alone; returns (bytes, content type)."""
    return _encode(_pixels_only(_open(data)))


@lru_cache(maxsize=1)
def _classifiers() -> tuple[cv2.CascadeClassifier, ...]:
    root = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
    loaded = []
    for name in _CASCADES:
        clf = cv2.CascadeClassifier(str(root / name))
        if not clf.empty():
            loaded.append(clf)
    if not loaded:
        raise PhotoError("no detection cascades available")
    return tuple(loaded)


def detect_regions(img: Image.Image) -> list[tuple[int, int, int, int]]:
    """Rectangles (x, y, w, h) of faces and plates found in ``img``."""
    gray = cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2GRAY)
    gray = cv2.equalizeHist(gray)
    min_side = max(16, min(gray.shape[:2]) // 40)
    regions: list[tuple[int, int, int, int]] = []
    for clf in _classifiers():
        found = clf.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=4, minSize=(min_side, min_side))
        regions.extend((int(x), int(y), int(w), int(h)) for x, y, w, h in found)
    return regions


def blur_regions(img: Image.Image, regions: list[tuple[int, int, int, int]]) -> Image.Image:
    """``img`` with each region (plus a margin) blurred beyond recognition."""
    arr = np.array(img.convert("RGB"))
    height, width = arr.shape[:2]
    for x, y, w, h in regions:
        mx, my = int(w * _MARGIN), int(h * _MARGIN)
        x0, y0 = max(0, x - mx), max(0, y - my)
        x1, y1 = min(width, x + w + mx), min(height, y + h + my)
        if x1 <= x0 or y1 <= y0:
            continue
        patch = arr[y0:y1, x0:x1]
        # pixelate then blur: no detail survives, the shape of the scene does
        small = cv2.resize(patch, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)), interpolation=cv2.INTER_AREA)
        coarse = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        k = max(3, ((min(x1 - x0, y1 - y0) // 4) | 1))
        arr[y0:y1, x0:x1] = cv2.GaussianBlur(coarse, (k, k), 0)
    return Image.fromarray(arr)


def blur_faces_and_plates(data: bytes) -> tuple[bytes, str, int]:
    """The image with faces and plates blurred and no metadata; returns (bytes, type, regions)."""
    img = _pixels_only(_open(data))
    try:
        regions = detect_regions(img)
    except cv2.error:
        raise PhotoError("face and plate detection failed") from None
    if regions:
        img = blur_regions(img, regions)
    return (*_encode(img), len(regions))
