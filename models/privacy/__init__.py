"""Privacy: the consent log (notice versions, withdrawals), MY DATA exports, erasure, and
sealed personal data's key rotation (models/pii.py does the sealing)."""

from models.privacy.consent import (
    NOTICE_OUTDATED,
    Consent,
    ConsentAction,
    agreed_version,
    log_of,
    memberships_to_leave,
    outdated_notice,
    record,
    withdraw,
)
from models.privacy.erasure import PayoutInProgress, TracesPending, erase, erase_traces, pseudonym
from models.privacy.exports import DataExport, ExportStatus, by_token, finish, request_export
from models.privacy.records import collect, photo_urls
from models.privacy.retention import purge
from models.privacy.rotation import rotate

__all__ = ["NOTICE_OUTDATED", "Consent", "ConsentAction", "DataExport", "ExportStatus",
           "PayoutInProgress", "TracesPending", "agreed_version", "by_token", "collect", "erase",
           "erase_traces", "finish", "log_of", "memberships_to_leave", "outdated_notice",
           "photo_urls", "pseudonym", "purge", "record", "request_export", "rotate", "withdraw"]
