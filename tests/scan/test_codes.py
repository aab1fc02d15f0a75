"""The code format: signed, compact, typeable, tolerant of typing look-alikes, rotatable keys."""

from __future__ import annotations

import re

import pytest

from models.codes.format import (
    ALPHABET,
    CodeError,
    codes_in,
    find_codes,
    group,
    make_code,
    normalize,
    verify,
)

KEYS = {"k1": "secret-one"}


def test_code_is_16_unambiguous_characters_grouped_in_fours():
    code = make_code(KEYS, "k1", program_id=3, batch_id=7, serial=42)
    assert len(code) == 16 and set(code) <= set(ALPHABET)
    assert not set(code) & set("ILOU")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", group(code))


def test_genuine_code_verifies_to_its_program_batch_and_serial():
    parts = verify(KEYS, make_code(KEYS, "k1", program_id=3, batch_id=7, serial=42))
    assert (parts.program_tag, parts.batch_id, parts.serial, parts.kid) == (3, 7, 42, "k1")


def test_every_serial_gets_a_different_code():
    codes = {make_code(KEYS, "k1", 1, 1, serial) for serial in range(1, 2001)}
    assert len(codes) == 2000


@pytest.mark.parametrize("position", range(16))
def test_changing_any_character_makes_the_code_invalid(position):
    code = make_code(KEYS, "k1", 1, 9, 1234)
    other = ALPHABET[(ALPHABET.index(code[position]) + 7) % 32]
    assert verify(KEYS, code[:position] + other + code[position + 1:]) is None


def test_code_signed_with_another_secret_is_forged():
    assert verify(KEYS, make_code({"k1": "attacker"}, "k1", 1, 1, 1)) is None


def test_old_key_still_verifies_after_rotation_and_retired_key_does_not():
    old = make_code({"k1": "one"}, "k1", 1, 1, 5)
    new = make_code({"k2": "two"}, "k2", 1, 1, 5)
    rotated = {"k1": "one", "k2": "two"}
    assert verify(rotated, old).kid == "k1"
    assert verify(rotated, new).kid == "k2"
    assert old != new
    assert verify({"k2": "two"}, old) is None


def test_typed_code_tolerates_case_spaces_dashes_and_look_alikes():
    code = make_code(KEYS, "k1", 1, 2, 3)
    messy = group(code).lower().replace("-", " ")
    messy = messy.replace("0", "o").replace("1", "l")
    assert find_codes(messy) == [code]
    assert find_codes(f" {code[:8]}-{code[8:]} ") == [code]
    assert find_codes("*".join(group(code).split("-"))) == [code]  # a USSD keypad's stars
    assert normalize("i-O u") == "10V"


def test_several_typed_codes_are_each_found_once():
    a, b = (make_code(KEYS, "k1", 1, 2, s) for s in (1, 2))
    assert find_codes(f"{group(a)} {group(b)}, {a}") == [a, b]


@pytest.mark.parametrize("text", ["HELLO", "ABCD-1234", "ABCD1234ABCD123!"])
def test_text_that_is_not_a_code_is_refused(text):
    with pytest.raises(CodeError):
        find_codes(text)


def test_only_product_codes_are_taken_from_decoded_qr_texts():
    code = make_code(KEYS, "k1", 1, 2, 3)
    texts = ["upi://pay?pa=shop@upi&am=10", group(code), "https://example.com", group(code)]
    assert codes_in(texts) == [code]


def test_codes_of_one_batch_reveal_neither_batch_nor_serial():
    codes = [make_code(KEYS, "k1", 1, 1, serial) for serial in range(1, 51)]
    assert len({code[1:4] for code in codes}) > 40  # no shared batch prefix, no counting up
