"""A generated street scene with one face and one licence plate that OpenCV's bundled Haar cascades
(the ones binrelay_privacy.photos uses) find, and a detailed patch far from both.

Drawn here, not shipped as a file: no licence question, no real person, no real plate. The face is
a flat cartoon (skin oval, brows, eyes, nose, mouth) that the frontal-face cascade finds; the plate
is a white Belgian-style plate with black characters that the Russian-plate cascade finds (it
reacts to the dark-characters-on-white pattern, not to the country).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 384
FACE_BOX = (32, 48, 232, 248)  # x0, y0, x1, y1 of the drawn head's square
PLATE_BOX = (340, 250, 600, 307)  # the plate itself
DETAIL_BOX = (448, 16, 624, 176)  # textured control area; 16-aligned so JPEG blocks match exactly


def _face(draw: ImageDraw.ImageDraw, x: int, y: int, s: int) -> None:
    def box(a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
        return (x + s * a, y + s * b, x + s * c, y + s * d)

    draw.ellipse(box(0.2, 0.1, 0.8, 0.95), fill=(225, 190, 160))
    draw.rectangle(box(0.3, 0.33, 0.45, 0.36), fill=(40, 30, 20))
    draw.rectangle(box(0.55, 0.33, 0.7, 0.36), fill=(40, 30, 20))
    draw.ellipse(box(0.32, 0.40, 0.44, 0.47), fill=(30, 20, 20))
    draw.ellipse(box(0.56, 0.40, 0.68, 0.47), fill=(30, 20, 20))
    draw.polygon([(x + s * 0.5, y + s * 0.48), (x + s * 0.45, y + s * 0.63), (x + s * 0.55, y + s * 0.63)],
                 fill=(190, 150, 125))
    draw.ellipse(box(0.4, 0.72, 0.6, 0.78), fill=(120, 50, 50))


def _plate(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=(245, 245, 245), outline=(0, 0, 0), width=3)
    font = ImageFont.load_default(size=int((y1 - y0) * 0.8))
    draw.text((x0 + (x1 - x0) * 0.06, y0 + (y1 - y0) * 0.08), text, fill=(0, 0, 0), font=font)


def scene() -> Image.Image:
    """The scene as an RGB image (deterministic)."""
    img = Image.new("RGB", (WIDTH, HEIGHT), (90, 110, 130))
    draw = ImageDraw.Draw(img)
    _face(draw, FACE_BOX[0], FACE_BOX[1], FACE_BOX[2] - FACE_BOX[0])
    _plate(draw, PLATE_BOX, "1-ABC-123")
    # a fine stripe texture: detail a blur would wipe out, that no cascade takes for a face or plate
    x0, y0, x1, y1 = DETAIL_BOX
    arr = np.array(img)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    arr[y0:y1, x0:x1] = (((xx // 2 + yy // 3) % 2) * 160 + 40)[..., None].astype(np.uint8)
    return Image.fromarray(arr)


def scene_bytes(fmt: str = "PNG") -> bytes:
    """The scene encoded (PNG by default: lossless, so the test compares pixels exactly)."""
    buf = io.BytesIO()
    scene().save(buf, format=fmt)
    return buf.getvalue()


def overlaps(region: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> bool:
    """Whether a detected (x, y, w, h) region covers most of ``box``'s centre."""
    x, y, w, h = region
    cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
    return x <= cx <= x + w and y <= cy <= y + h
