"""Privacy: the consent log (notice versions, withdrawals) and sealed personal data's key
rotation (models/pii.py does the sealing)."""

from models.privacy.consent import (
    Consent,
    ConsentAction,
    agreed_version,
    log_of,
    memberships_to_leave,
    outdated_notice,
    record,
    withdraw,
)
from models.privacy.rotation import rotate

__all__ = ["Consent", "ConsentAction", "agreed_version", "log_of", "memberships_to_leave",
           "outdated_notice", "record", "rotate", "withdraw"]
