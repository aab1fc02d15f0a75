"""Product code format: a signed 80-bit value written as 16 Crockford base32 characters.

Layout (most significant first): key slot 4 bits | body 44 | MAC 32, where the body is
program tag 8 | batch id 16 | serial 20, enciphered with a 4-round Feistel network keyed by
the secret (so codes of one batch look unrelated and reveal neither batch nor serial). The
MAC is HMAC-SHA256 under the key id's secret over the plain 48-bit payload, truncated to 32
bits, so a code cannot be guessed (1 in 4 billion per try). The key slot is a 4-bit hash of
the key id: every configured key in that slot is tried, so old keys keep verifying after
`QR_ACTIVE_KEY` moves on. Printed as XXXX-XXXX-XXXX-XXXX; the QR holds the same text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I L O U
LENGTH = 16
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_VALUES = {c: i for i, c in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-_.·/*]+")  # "*": a USSD keypad's separator
_SIGNED_TOKEN = re.compile(r"[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}")  # header.payload.signature
PROGRAM_BITS, BATCH_BITS, SERIAL_BITS, MAC_BITS = 8, 16, 20, 32
BODY_BITS = PROGRAM_BITS + BATCH_BITS + SERIAL_BITS
HALF = BODY_BITS // 2
MAX_BATCH, MAX_SERIAL = (1 << BATCH_BITS) - 1, (1 << SERIAL_BITS) - 1


class CodeError(ValueError):
    """The text is not a well-formed product code."""


@dataclass(frozen=True)
class CodeParts:
    program_tag: int  # program id modulo 256
    batch_id: int
    serial: int
    kid: str  # the key id whose MAC matched


def program_tag(program_id: int) -> int:
    return program_id & ((1 << PROGRAM_BITS) - 1)


def key_slot(kid: str) -> int:
    return hashlib.sha256(kid.encode()).digest()[0] & 0x0F


def _payload(slot: int, tag: int, batch_id: int, serial: int) -> int:
    return (((slot << PROGRAM_BITS | tag) << BATCH_BITS | batch_id) << SERIAL_BITS) | serial


def _mac(secret: str, kid: str, payload: int) -> int:
    message = kid.encode() + b"|" + payload.to_bytes(6, "big")
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def _round(secret: str, kid: str, n: int, half: int) -> int:
    message = f"{kid}|mask|{n}|".encode() + half.to_bytes(3, "big")
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:3], "big") & ((1 << HALF) - 1)


def _encipher(secret: str, kid: str, body: int, *, inverse: bool = False) -> int:
    """Permute the 44-bit body under the key (or undo it)."""
    left, right = body >> HALF, body & ((1 << HALF) - 1)
    if inverse:
        for n in reversed(range(4)):
            left, right = right ^ _round(secret, kid, n, left), left
    else:
        for n in range(4):
            left, right = right, left ^ _round(secret, kid, n, right)
    return left << HALF | right


def make_code(keys: dict[str, str], kid: str, program_id: int, batch_id: int,
              serial: int) -> str:
    """Return the 16-character code for one serial of a batch, signed under `kid`."""
    if not 0 < batch_id <= MAX_BATCH or not 0 < serial <= MAX_SERIAL:
        raise CodeError(f"batch {batch_id} / serial {serial} out of range")
    slot, secret = key_slot(kid), keys[kid]
    payload = _payload(slot, program_tag(program_id), batch_id, serial)
    body = _encipher(secret, kid, payload & ((1 << BODY_BITS) - 1))
    value = (slot << BODY_BITS | body) << MAC_BITS | _mac(secret, kid, payload)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def group(code: str) -> str:
    """'ABCD1234EFGH5678' -> 'ABCD-1234-EFGH-5678' (what is printed under the QR)."""
    return "-".join(code[i:i + 4] for i in range(0, LENGTH, 4))


def normalize(text: str) -> str:
    """Upper-case, drop spaces, dashes and stars, and map look-alikes (O->0, I/L->1, U->V)."""
    return _SEPARATORS.sub("", text).upper().translate(LOOKALIKES)


def find_codes(text: str) -> list[str]:
    """Return the 16-character candidates in typed or decoded text (several may be given).

    Each run of code characters, separators removed, must be a multiple of 16 long.
    Raises CodeError when the text holds something code-like that is not.
    """
    codes: list[str] = []
    for chunk in re.split(r"[,;\n]+", text):
        cleaned = normalize(chunk)
        if not cleaned:
            continue
        if len(cleaned) % LENGTH or any(c not in _VALUES for c in cleaned):
            raise CodeError(chunk.strip())
        codes += [cleaned[i:i + LENGTH] for i in range(0, len(cleaned), LENGTH)]
    return list(dict.fromkeys(codes))


def codes_in(texts: list[str]) -> list[str]:
    """The product codes among decoded QR texts (UPI, e-invoice and web QRs are skipped)."""
    codes: list[str] = []
    for text in texts:
        if _SIGNED_TOKEN.fullmatch(text.strip()):
            continue  # an e-invoice's JWT: once its dots are dropped it may pass for codes
        try:
            codes += find_codes(text)
        except CodeError:
            continue
    return list(dict.fromkeys(codes))


def verify(keys: dict[str, str], code: str) -> CodeParts | None:
    """Return the parts of a genuine normalized code, or None if it is forged or mistyped."""
    if len(code) != LENGTH or any(c not in _VALUES for c in code):
        return None
    value = 0
    for char in code:
        value = value << 5 | _VALUES[char]
    mac, body = value & ((1 << MAC_BITS) - 1), (value >> MAC_BITS) & ((1 << BODY_BITS) - 1)
    slot = value >> (MAC_BITS + BODY_BITS)
    for kid, secret in keys.items():
        if key_slot(kid) != slot:
            continue
        payload = slot << BODY_BITS | _encipher(secret, kid, body, inverse=True)
        if hmac.compare_digest(_mac(secret, kid, payload).to_bytes(4, "big"),
                               mac.to_bytes(4, "big")):
            return CodeParts(program_tag=(payload >> (BATCH_BITS + SERIAL_BITS)) & 0xFF,
                             batch_id=(payload >> SERIAL_BITS) & MAX_BATCH,
                             serial=payload & MAX_SERIAL, kid=kid)
    return None
