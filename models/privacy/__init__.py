"""Privacy: sealed personal data and its key rotation (models/pii.py does the sealing)."""

from models.privacy.rotation import rotate

__all__ = ["rotate"]
