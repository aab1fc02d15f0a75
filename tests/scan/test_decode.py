"""Decoding phone photos of generated codes: rotation, blur, perspective, low light, JPEG noise."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from models.codes.format import group, make_code
from tests.scan.photos import DEGRADATIONS, jpeg, photo
from workers.codes.decode import decode_image
from workers.drawing.code_sheets import code_image

KEYS = {"k1": "secret"}
CODES = [group(make_code(KEYS, "k1", 1, 1, serial)) for serial in range(1, 4)]


@pytest.mark.parametrize("kind", DEGRADATIONS)
@pytest.mark.parametrize("seed", range(3))
def test_degraded_photo_decodes(kind, seed):
    code = CODES[seed % len(CODES)]
    assert decode_image(photo([code], kind, seed=seed, strength=1.0)) == [code]


def test_several_codes_in_one_photo_are_each_found():
    found = decode_image(photo(CODES, "jpeg_noise", seed=7, strength=0.5))
    assert sorted(found) == sorted(CODES)


def test_printed_label_png_decodes_from_a_pil_image():
    label = code_image(make_code(KEYS, "k1", 1, 1, 9))
    assert decode_image(label) == [group(make_code(KEYS, "k1", 1, 1, 9))]


def test_photo_without_a_code_gives_nothing():
    blank = np.full((600, 800), 180, np.uint8)
    assert decode_image(jpeg(blank)) == []


def test_exif_rotated_phone_photo_decodes():
    image = Image.open(io.BytesIO(photo([CODES[0]], "blur", seed=1, strength=0.3)))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees
    image.save(out, "JPEG", exif=exif)
    assert decode_image(out.getvalue()) == [CODES[0]]
