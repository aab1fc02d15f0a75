"""The public keys that e-invoice QR signatures are checked against (EINVOICE_PUBLIC_KEYS).

Each Invoice Registration Portal (NIC's, and the private IRPs) publishes the certificate or
public key it signs QR codes with; an operator saves them as PEM files and lists their paths.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from flask import current_app


class KeyFileError(ValueError):
    """A configured key file is missing or holds no RSA public key or certificate."""


def load_public_keys(paths: Iterable[str]) -> tuple[RSAPublicKey, ...]:
    """Load every file in `paths` (PEM public key or X.509 certificate), each once."""
    return tuple(_load(path) for path in paths)


@cache
def _load(path: str) -> RSAPublicKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        key = (x509.load_pem_x509_certificate(data).public_key()
               if b"-----BEGIN CERTIFICATE-----" in data else load_pem_public_key(data))
    except ValueError:
        raise KeyFileError(f"{path}: not a PEM public key or certificate") from None
    if not isinstance(key, RSAPublicKey):
        raise KeyFileError(f"{path}: not an RSA key (e-invoice QR codes are signed RS256)")
    return key


def configured() -> tuple[RSAPublicKey, ...]:
    """The keys of this app's EINVOICE_PUBLIC_KEYS (none: every QR is unverified)."""
    return load_public_keys(current_app.config["EINVOICE_PUBLIC_KEYS"])
