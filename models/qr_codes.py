"""Product code format: a signed 80-bit value written as 16 Crockford base32 characters.

Layout (most significant first): key slot 4 bits | program tag 8 | batch id 16 | serial 20 |
MAC 32. The MAC is HMAC-SHA256 under the key id's secret over the 48-bit payload, truncated
to 32 bits, so a code cannot be guessed (1 in 4 billion per try). The key slot is a 4-bit hash
of the key id: every configured key in that slot is tried, so old keys keep verifying after
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
_SEPARATORS = re.compile(r"[\s\-_.·/]+")
PROGRAM_BITS, BATCH_BITS, SERIAL_BITS, MAC_BITS = 8, 16, 20, 32
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


def make_code(keys: dict[str, str], kid: str, program_id: int, batch_id: int,
              serial: int) -> str:
    """Return the 16-character code for one serial of a batch, signed under `kid`."""
    if not 0 < batch_id <= MAX_BATCH or not 0 < serial <= MAX_SERIAL:
        raise CodeError(f"batch {batch_id} / serial {serial} out of range")
    payload = _payload(key_slot(kid), program_tag(program_id), batch_id, serial)
    value = payload << MAC_BITS | _mac(keys[kid], kid, payload)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def group(code: str) -> str:
    """'ABCD1234EFGH5678' -> 'ABCD-1234-EFGH-5678' (what is printed under the QR)."""
    return "-".join(code[i:i + 4] for i in range(0, LENGTH, 4))


def normalize(text: str) -> str:
    """Upper-case, drop spaces and dashes, and map look-alikes (O->0, I/L->1, U->V)."""
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
    payload, mac = value >> MAC_BITS, value & ((1 << MAC_BITS) - 1)
    slot = payload >> (PROGRAM_BITS + BATCH_BITS + SERIAL_BITS)
    for kid, secret in keys.items():
        if key_slot(kid) == slot and hmac.compare_digest(
                _mac(secret, kid, payload).to_bytes(4, "big"), mac.to_bytes(4, "big")):
            return CodeParts(program_tag=(payload >> (BATCH_BITS + SERIAL_BITS)) & 0xFF,
                             batch_id=(payload >> SERIAL_BITS) & MAX_BATCH,
                             serial=payload & MAX_SERIAL, kid=kid)
    return None
