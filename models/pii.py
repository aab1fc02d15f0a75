"""Personal data at rest: AES-GCM under keys with ids (rotation), and keyed look-up hashes.

A sealed value reads "<key id>:<base64 of nonce + ciphertext + tag>"; the key id says which
key of PII_KEYS opens it, so a new PII_KEY_ID seals new values while old ones still open
until `flask keys rotate` re-seals them. `lookup` is an HMAC under PII_HASH_KEY (not the
sealing keys, so it survives rotation): equal values have equal hashes, and nothing else can
be read from one. Erased partners' phones become such a hash too (a pseudonym).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

NONCE_BYTES = 12
CONTEXT = b"saathi-pii-v1"  # authenticated with every value: a sealed text means only this


class SealError(ValueError):
    """A sealed value whose key is unknown or whose text was altered."""


def _config(config: Mapping | None) -> Mapping:
    return current_app.config if config is None else config


def _key(config: Mapping, key_id: str) -> AESGCM:
    try:
        return AESGCM(base64.b64decode(config["PII_KEYS"][key_id]))
    except KeyError:
        raise SealError(f"no key {key_id!r} in PII_KEYS") from None


def seal(text: str, config: Mapping | None = None) -> str:
    """Encrypt `text` under the current key (PII_KEY_ID)."""
    config = _config(config)
    key_id = config["PII_KEY_ID"]
    nonce = os.urandom(NONCE_BYTES)
    sealed = _key(config, key_id).encrypt(nonce, text.encode(), CONTEXT)
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(value: str, config: Mapping | None = None) -> str:
    """Decrypt a value made by `seal` under whichever configured key sealed it."""
    key_id, _, body = value.partition(":")
    raw = base64.b64decode(body)
    try:
        plain = _key(_config(config), key_id).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                                       CONTEXT)
    except InvalidTag:
        raise SealError(f"a value sealed under {key_id!r} does not open") from None
    return plain.decode()


def sealed_length(plain_bytes: int) -> int:
    """The longest sealed text for a value of `plain_bytes` UTF-8 bytes (a 10-character id)."""
    return 11 + 4 * -(-(NONCE_BYTES + plain_bytes + 16) // 3)


def lookup(text: str, config: Mapping | None = None) -> str:
    """A keyed hash of `text` (case-folded) for finding equal values without reading them."""
    key = _config(config)["PII_HASH_KEY"].encode()
    return hmac.new(key, text.strip().casefold().encode(), hashlib.sha256).hexdigest()

