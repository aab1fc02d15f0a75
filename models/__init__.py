"""Tables and the domain operations on them. Importing this package registers every table."""

from models import (  # noqa: F401
    bulk_enrollment,
    certification,
    conversation,
    enrollment,
    heartbeats,
    inbox,
    invoice_rules,
    invoices,
    job_records,
    learning,
    ledger,
    otp,
    outbox,
    partner,
    program,
    qr,
    qr_review,
    redemptions,
    review,
    vouchers,
)
from models.base import Base

metadata = Base.metadata
