"""Dialogues. Importing this package registers every flow with the engine."""

from flows import (  # noqa: F401
    audit,
    bulk_enroll,
    enroll,
    language,
    learn,
    menu,
    photo,
    redeem,
    scan,
    support,
    voucher_check,
    wallet,
)
